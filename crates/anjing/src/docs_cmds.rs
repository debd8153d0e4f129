//! `anjing docs`: drafts the papers (evidence list, notice letter, civil complaints, injunction,
//! police report, complaints, 12321 text, messages) from the case, as DOCX (to edit), PDF (to
//! print and file) and an HTML preview.

use std::io::Write;
use std::path::{Path, PathBuf};

use anjing_docs::{DocKind, DocsInput, Options};
use anjing_vault::Case;
use anyhow::{Context, Result, bail};
use clap::Subcommand;

use crate::exit::Status;

#[derive(Subcommand, Debug)]
pub enum DocsCommand {
    /// 列出可以生成的文书。List the document types.
    List {
        #[arg(long)]
        json: bool,
    },
    /// 生成文书（可编辑的 DOCX、可打印的 PDF 和 HTML 预览）。Make documents (DOCX, PDF, HTML preview).
    Make {
        /// 文书类型（见 anjing docs list），或 all。Document type id, or `all`.
        what: String,
        /// 输出文件夹（默认：案件文件夹下的“文书”）。Output folder.
        #[arg(short = 'o', long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// 给投诉、举报等公开渠道用的文书遮盖亲友的姓名和号码（法院、公安用的不遮盖）。
        /// Mask third parties in documents for public channels.
        #[arg(long)]
        redact: bool,
        /// 文书落款日期（默认今天），例如 2026-03-01。Date printed on the documents.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
}

pub fn run(dir: &Path, cmd: DocsCommand) -> Result<Status> {
    match cmd {
        DocsCommand::List { json } => list(json),
        DocsCommand::Make { what, output, redact, date } => {
            let mut case = Case::open(dir)?;
            let kinds = kinds(&what)?;
            let date = parse_date(date.as_deref())?;
            let out = output.unwrap_or_else(|| case.root().join("文书"));
            let made = write_docs(&mut case, &kinds, &out, Options { redact }, date)?;
            print_made(&made, &out);
            crate::export::checkpoint_after(&mut case, "文书")?;
            Ok(Status::Ok)
        }
    }
}

fn list(json: bool) -> Result<Status> {
    let mut out = std::io::stdout().lock();
    if json {
        let v: Vec<_> = DocKind::ALL
            .iter()
            .map(|k| {
                serde_json::json!({"id": k.id(), "name_zh": k.name_zh(), "purpose_zh": k.purpose_zh(),
                "audience": match k.audience() { anjing_docs::Audience::Official => "official", anjing_docs::Audience::Public => "public" }})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
    } else {
        for k in DocKind::ALL {
            writeln!(out, "{:<26} {}：{}", k.id(), k.name_zh(), k.purpose_zh())?;
        }
        writeln!(out, "\n用法：anjing docs make 类型|all [-o 文件夹] [--redact]")?;
    }
    Ok(Status::Ok)
}

fn kinds(what: &str) -> Result<Vec<DocKind>> {
    if what == "all" {
        return Ok(DocKind::ALL.to_vec());
    }
    match DocKind::from_id(what) {
        Some(k) => Ok(vec![k]),
        None => bail!("没有这种文书：{what}。可用的类型见 anjing docs list"),
    }
}

fn parse_date(s: Option<&str>) -> Result<jiff::civil::Date> {
    match s {
        Some(s) => s.parse().with_context(|| format!("日期格式不对：{s}（应为 2026-03-01）")),
        None => Ok(jiff::Timestamp::now()
            .to_zoned_datetime(
                jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC),
            )
            .date()),
    }
}

/// What one document produced.
pub struct Made {
    pub kind: DocKind,
    pub files: Vec<PathBuf>,
    pub missing: Vec<String>,
    pub redacted: bool,
}

/// Builds the documents' input from the case: facts, the flagged evidence, the date.
pub fn build_input(case: &Case, date: jiff::civil::Date) -> Result<DocsInput> {
    let mut evidence = crate::report_cmd::build_input(case)?;
    evidence.retain_flagged_numbers();
    Ok(DocsInput { facts: case.facts()?, evidence, date })
}

/// Writes the documents into `out` and logs their SHA-256.
pub fn write_docs(
    case: &mut Case,
    kinds: &[DocKind],
    out: &Path,
    options: Options,
    date: jiff::civil::Date,
) -> Result<Vec<Made>> {
    let input = build_input(case, date)?;
    std::fs::create_dir_all(out).with_context(|| format!("无法创建文件夹 {}", out.display()))?;
    let mut made = Vec::new();
    // (type id, file name, bytes) of every file written, stored in the case afterwards.
    let mut written: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    // Each document is built and rendered on its own (they share only the input), on as
    // many threads as there are cores; files are written in the listed order.
    let rendered = render_all(kinds, &input, options)?;
    for (kind, doc, outputs) in rendered {
        let mut files = Vec::new();
        for (ext, bytes) in outputs {
            let name = format!("{}.{ext}", kind.name_zh());
            let path = out.join(&name);
            std::fs::write(&path, &bytes)
                .with_context(|| format!("无法写入 {}", path.display()))?;
            written.push((kind.id(), name, bytes));
            files.push(path);
        }
        made.push(Made { kind, files, missing: doc.missing, redacted: doc.redacted });
    }
    // The drafts as generated go into the case (blob store + one `docs` log entry), so the
    // evidence package can carry them under documents/.
    let stored: Vec<anjing_vault::documents::DocumentFile<'_>> = written
        .iter()
        .map(|(t, name, bytes)| anjing_vault::documents::DocumentFile {
            doc_type: t,
            file_name: name,
            bytes,
        })
        .collect();
    case.record_documents(&stored, options.redact)?;
    Ok(made)
}

type Rendered = (DocKind, anjing_docs::Document, Vec<(&'static str, Vec<u8>)>);

/// Builds and renders every kind (DOCX, PDF, HTML), in parallel, results in `kinds` order.
fn render_all(kinds: &[DocKind], input: &DocsInput, options: Options) -> Result<Vec<Rendered>> {
    let one = |kind: DocKind| -> Result<Rendered> {
        let doc = anjing_docs::build(kind, input, options);
        let docx = anjing_docs::render_docx(&doc)?;
        let pdf = anjing_docs::render_pdf(&doc)?;
        let html = anjing_docs::render_html(&doc).into_bytes();
        Ok((kind, doc, vec![("docx", docx), ("pdf", pdf), ("html", html)]))
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(kinds.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<Rendered>>> = (0..kinds.len()).map(|_| None).collect();
    let results = std::sync::Mutex::new(&mut slots);
    std::thread::scope(|s| {
        for _ in 0..workers.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&kind) = kinds.get(i) else { break };
                    let r = one(kind);
                    results.lock().expect("no worker panicked")[i] = Some(r);
                }
            });
        }
    });
    slots.into_iter().map(|r| r.expect("every kind was rendered")).collect()
}

pub fn print_made(made: &[Made], out: &Path) {
    println!("文书已写入 {}：", out.display());
    for m in made {
        let mark = if m.redacted { "（已遮盖亲友信息）" } else { "" };
        let names: Vec<String> = m
            .files
            .iter()
            .filter_map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        println!("  {}{mark}：{}", m.kind.name_zh(), names.join("、"));
        if m.missing.is_empty() {
            println!("    信息齐全。");
        } else {
            println!("    还缺（文中标为【待填写】）：{}", m.missing.join("、"));
        }
    }
    println!("补充信息：anjing facts --set 键=值（例如 borrower_id_number=…），然后重新生成。");
}
