//! What `anjing import` needs beyond the listing commands: `--map`/`--number`/
//! `--time`, the progress bar, the per-file summary of problems and ZIP
//! members, and the manual contact log (`anjing note add|list`).

use std::io::IsTerminal as _;
use std::path::Path;

use anjing_import::Hints;
use anjing_import::note::{NOTE_KINDS, Note};
use anjing_vault::{Case, ImportOptions, ImportReport};
use anyhow::{Result, bail};

use crate::exit::Status;

/// Flags of `anjing import` that describe the files.
#[derive(Debug, Clone, Default)]
pub struct ImportFlags {
    pub map: Option<String>,
    pub number: Option<String>,
    pub time: Option<String>,
    /// `--device`: the phone or export the files came from.
    pub device: String,
}

impl ImportFlags {
    /// The hints, checked: a bad `--map` or `--time` stops before anything is read.
    pub fn hints(&self) -> Result<Hints> {
        let column_map = match &self.map {
            Some(m) => {
                anjing_import::table::parse_map(m).map_err(|e| anyhow::anyhow!("--map：{e}"))?
            }
            None => Vec::new(),
        };
        if let Some(t) = &self.time
            && anjing_import::table::parse_wall_clock(t).is_none()
        {
            bail!("--time “{t}” 无法识别，请写成 2026-01-05 22:13 这样 (unreadable time)");
        }
        Ok(Hints {
            file_name: String::new(),
            number: self.number.clone(),
            time: self.time.clone(),
            column_map,
            ..Hints::default()
        })
    }

    /// Options for one file: hints plus a progress bar when stderr is a terminal.
    pub fn options(&self, file: &Path, json: bool) -> Result<ImportOptions<'static>> {
        let hints = self.hints()?;
        let progress: Option<Box<dyn FnMut(u64, u64)>> = if !json && std::io::stderr().is_terminal()
        {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_message(format!(
                "导入 {}",
                file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ));
            Some(Box::new(move |done, total| {
                bar.set_length(total);
                bar.set_position(done);
                if done >= total {
                    bar.finish_and_clear();
                }
            }))
        } else {
            None
        };
        Ok(ImportOptions { hints, progress, device: self.device.clone(), bulk: true })
    }
}

/// Whether a report or any member was damaged.
pub fn any_damaged(r: &ImportReport) -> bool {
    r.damaged || r.members.iter().any(any_damaged)
}

/// Problems of one artifact by code (all of them, from the case, not the first 200).
pub fn print_problem_kinds(case: &Case, r: &ImportReport, indent: &str) {
    let counts: Vec<(String, String, i64)> = case
        .connection()
        .prepare("SELECT severity, code, count(*) FROM problems WHERE artifact = ?1 GROUP BY severity, code ORDER BY 3 DESC")
        .and_then(|mut st| {
            st.query_map([&r.artifact], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect()
        })
        .unwrap_or_default();
    if counts.is_empty() {
        return;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(sev, code, n)| {
            let sev = match sev.as_str() {
                "warning" => "提示",
                "damaged" => "损坏",
                _ => "无法读取",
            };
            format!("{code}（{sev}）{n}")
        })
        .collect();
    println!("{indent}问题按类型：{}", parts.join("，"));
}

/// The files of a ZIP stored for another member rather than imported on their own: MMS
/// parts' media (`mms_part`) and databases' write-ahead logs (`sqlite_wal`), by format.
fn companions(case: &Case, container: &str) -> Vec<(String, i64)> {
    let prefix = format!("{container}!/");
    case.connection()
        .prepare(
            "SELECT format, count(*) FROM artifacts
             WHERE format IN ('mms_part', 'sqlite_wal') AND substr(file_name, 1, length(?1)) = ?1
               AND instr(substr(file_name, length(?1) + 1), '!/') = 0
             GROUP BY format ORDER BY format",
        )
        .and_then(|mut st| st.query_map([&prefix], |row| Ok((row.get(0)?, row.get(1)?)))?.collect())
        .unwrap_or_default()
}

/// The members of a ZIP, one line each, then their problems by kind.
pub fn print_members(case: &Case, r: &ImportReport, depth: usize) {
    let indent = "  ".repeat(depth + 1);
    if !r.members.is_empty() {
        let parts: Vec<String> = companions(case, &r.file)
            .into_iter()
            .map(|(format, n)| match format.as_str() {
                "mms_part" => format!("{n} 个彩信附件（图片、录音等，已关联到各自的彩信）"),
                _ => format!("{n} 个数据库预写日志（-wal，已合并读取）"),
            })
            .collect();
        if !parts.is_empty() {
            println!("{indent}另存为原始文件：{}", parts.join("，"));
        }
    }
    for m in &r.members {
        let kinds: Vec<String> = m
            .by_kind
            .iter()
            .map(|(k, n)| {
                let name = anjing_model::RecordKind::from_code(k).map(|k| k.name_zh()).unwrap_or(k);
                format!("{name} {n}")
            })
            .collect();
        println!(
            "{indent}└ {} [{}]：{} 条记录（{}），新增 {}，重合 {}，问题 {}",
            m.file,
            m.format.map(|f| f.name_zh()).unwrap_or("?"),
            m.records_read,
            if kinds.is_empty() { "无".into() } else { kinds.join("，") },
            m.records_new,
            m.records_merged,
            m.problem_count
        );
        if let Some(w) = &m.wal_later {
            println!(
                "{indent}  这个数据库以前已经导入过，这次只补充了 {} 带来的记录（其余 {} 条已在案件中）{}",
                w.wal_file,
                w.records_already_in_case,
                if w.applied { "" } else { "；-wal 无法合并读取" }
            );
        }
        print_problem_kinds(case, m, &format!("{indent}  "));
        print_members(case, m, depth + 1);
    }
}

/// `anjing note add`.
#[allow(clippy::too_many_arguments)]
pub fn note_add(
    dir: &Path,
    time: &str,
    number: &str,
    kind: &str,
    summary: &str,
    from: &str,
    relation: &str,
    json: bool,
) -> Result<Status> {
    if !NOTE_KINDS.iter().any(|(k, _)| *k == kind) {
        bail!(
            "--kind 只能是 call、sms、visit、wechat（电话、短信、上门、微信）(unknown kind “{kind}”)"
        );
    }
    if anjing_import::table::parse_wall_clock(time).is_none() {
        bail!("--time “{time}” 无法识别，请写成 2026-01-05 22:13 这样 (unreadable time)");
    }
    if summary.trim().is_empty() {
        bail!("--summary 不能为空：写下对方说了什么、做了什么 (empty summary)");
    }
    let mut case = Case::open(dir)?;
    let note = Note {
        anjing_note: 1,
        kind: kind.to_string(),
        time: time.trim().to_string(),
        number: number.trim().to_string(),
        summary: summary.to_string(),
        from: from.to_string(),
        relation: relation.to_string(),
        written_at: anjing_model::time::rfc3339_utc(jiff::Timestamp::now()),
    };
    let report = case.add_note(&note)?;
    crate::export::checkpoint_after(&mut case, "手记")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        let kind_zh = NOTE_KINDS.iter().find(|(k, _)| *k == kind).map(|(_, z)| *z).unwrap_or(kind);
        println!(
            "已记下：{} {kind_zh} {}：{}",
            note.time,
            note.number,
            crate::case_cmds::one_line(summary, 40)
        );
        println!("  手记已作为原始文件保存，SHA-256：{}", report.artifact);
    }
    Ok(Status::Ok)
}

/// `anjing note list`.
pub fn note_list(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let mut n = 0;
    for r in case.records()? {
        if r.kind != anjing_model::RecordKind::Note {
            continue;
        }
        n += 1;
        if json {
            println!("{}", serde_json::to_string(&r)?);
            continue;
        }
        let kind = case
            .originals(r.id)?
            .iter()
            .find_map(|o| o.get("kind").and_then(|k| k.as_str()).map(str::to_string))
            .unwrap_or_default();
        let kind_zh = NOTE_KINDS.iter().find(|(k, _)| *k == kind).map(|(_, z)| *z).unwrap_or(&kind);
        println!(
            "{:>6} {} {:<4} {:<14} {}  {}",
            r.id,
            r.time_local.as_deref().unwrap_or(&r.time_raw),
            kind_zh,
            r.counterparty,
            r.contributor,
            crate::case_cmds::one_line(r.text.as_deref().unwrap_or(""), 60)
        );
    }
    if n == 0 && !json {
        println!(
            "还没有手记。用 anjing note add --time … --number … --kind call --summary … 记下一次联系。"
        );
    }
    Ok(Status::Ok)
}

/// `anjing note …`
#[derive(clap::Subcommand, Debug)]
pub enum NoteCommand {
    /// 记下一次联系（电话、短信、上门、微信）。Add a contact to the manual log.
    Add {
        /// 时间（北京时间），例如 "2026-01-05 22:13"。When (Asia/Shanghai).
        #[arg(long)]
        time: String,
        /// 对方号码。The other party's number.
        #[arg(long, default_value = "")]
        number: String,
        /// call | sms | visit | wechat
        #[arg(long)]
        kind: String,
        /// 对方说了什么、做了什么。What was said or done.
        #[arg(long)]
        summary: String,
        /// 记录人，例如 本人、李梅。Who writes the note.
        #[arg(long = "from", default_value = "本人")]
        from: String,
        /// 记录人与借款人的关系。Relation to the borrower.
        #[arg(long, default_value = "")]
        relation: String,
        #[arg(long)]
        json: bool,
    },
    /// 列出手记。List the manual log.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn note(dir: &Path, command: NoteCommand) -> Result<Status> {
    match command {
        NoteCommand::Add { time, number, kind, summary, from, relation, json } => {
            note_add(dir, &time, &number, &kind, &summary, &from, &relation, json)
        }
        NoteCommand::List { json } => note_list(dir, json),
    }
}
