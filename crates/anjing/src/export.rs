//! `anjing checkpoint`, `anjing export` and `anjing verify`: signed checkpoints of the case
//! log, the evidence package, and its offline verifier (no case folder needed).
//! The packaging and checking logic is in `anjing_vault::package`.

use std::path::{Path, PathBuf};

use anjing_vault::Case;
use anjing_vault::package::{VerifyReport, verify_package};
use anjing_vault::records_tree::Selection;
use anyhow::{Context, Result};

use crate::exit::Status;

/// Signs a checkpoint after a command changed the log. The change itself is already saved,
/// so the error says so.
pub fn checkpoint_after(case: &mut Case, what: &str) -> Result<()> {
    case.checkpoint().with_context(|| format!("{what}已保存，但未能写入签名检查点"))?;
    Ok(())
}

/// `anjing checkpoint`: signs a checkpoint over the whole log (or returns the latest when
/// the log has not grown) and prints the signed note.
pub fn checkpoint(dir: &Path) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let note = case.checkpoint()?;
    print!("{note}");
    Ok(Status::Ok)
}

fn default_output(case: &Case) -> PathBuf {
    let now = jiff::Timestamp::now().to_zoned_datetime(anjing_model::time::shanghai());
    case.root().join(format!("证据包-{}.zip", now.strftime("%Y%m%d-%H%M%S")))
}

/// What `anjing export` shows of the case, when not everything (selective disclosure).
#[derive(clap::Args, Debug, Default)]
pub struct OnlyArgs {
    /// 只出示这位提供人的记录（可重复）。Only the records of this contributor (repeatable).
    #[arg(long = "only-contributor", value_name = "NAME")]
    pub contributors: Vec<String>,
    /// 只出示与这个号码有关的记录（可重复）。Only the records with this number (repeatable).
    #[arg(long = "only-number", value_name = "NUMBER")]
    pub numbers: Vec<String>,
    /// 只出示这些编号的记录。Only these record ids.
    #[arg(long = "records", value_name = "ID,…", value_delimiter = ',')]
    pub ids: Vec<i64>,
    /// 遮盖亲友的姓名和号码、与催收无关的内容和原始文件，用于公开渠道（仍可核对）。
    /// Hide third parties (relatives' names and numbers), private texts and originals.
    #[arg(long)]
    pub redact: bool,
}

impl OnlyArgs {
    fn selection(&self) -> Option<Selection> {
        let s = Selection {
            contributors: self.contributors.clone(),
            numbers: self.numbers.clone(),
            ids: self.ids.clone(),
        };
        (!s.is_empty()).then_some(s)
    }
}

/// `anjing export [-o FILE.zip] [--redact] [--only-contributor NAME] [--only-number N]
/// [--records IDS]`.
pub fn export(dir: &Path, output: Option<&Path>, only: &OnlyArgs) -> Result<Status> {
    let mut case = Case::open(dir)?;
    // A package from a changed case would not verify: say so now, with the reasons.
    let check = case.check()?;
    if !check.ok() {
        eprintln!("✗ 案件核对未通过，没有生成证据包。请先运行 anjing check 查看：");
        for f in &check.faults {
            eprintln!("  - [{} {}] {}（{}）", f.area, f.item, f.message_zh, f.cause_en);
        }
        return Ok(Status::Tampered);
    }
    let out = output.map(Path::to_path_buf).unwrap_or_else(|| default_output(&case));
    if only.redact || only.selection().is_some() {
        let selection = only.selection().unwrap_or_default();
        return export_disclosure(&mut case, &out, &selection, only.redact);
    }
    let summary = case.export_package(&out)?;
    let file_name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    case.log_event(
        "export",
        &serde_json::json!({
            "sha256": summary.sha256,
            "size": summary.size,
            "file_name": file_name,
            "log_entries": summary.log_entries,
            "originals": summary.originals,
            "records": summary.records,
            "findings": summary.findings,
        }),
    )?;
    checkpoint_after(&mut case, "证据包")?;
    println!("证据包已写入：{}", out.display());
    println!(
        "  {} 个原始文件，{} 条记录，{} 项发现，签名覆盖 {} 条日志；共 {} 个文件，{} 字节",
        summary.originals,
        summary.records,
        summary.findings,
        summary.log_entries,
        summary.files,
        summary.size
    );
    println!("  证据包本身的 SHA-256：{}（已记入案件日志）", summary.sha256);
    println!(
        "  核对方法见包内的“验证说明.html”，或运行：anjing verify {}",
        crate::case_cmds::shell_quote(&out)
    );
    Ok(Status::Ok)
}

fn export_disclosure(
    case: &mut Case,
    out: &Path,
    selection: &Selection,
    redact: bool,
) -> Result<Status> {
    let summary = case.export_disclosure(out, selection, redact)?;
    let file_name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    case.log_event(
        "export",
        &serde_json::json!({
            "sha256": summary.sha256,
            "size": summary.size,
            "file_name": file_name,
            "log_entries": summary.log_entries,
            "disclosure": {
                "contributors": selection.contributors,
                "numbers": selection.numbers,
                "record_ids": selection.ids,
                "records": summary.records,
                "redacted": redact,
                "hidden_fields": summary.hidden_fields,
            },
        }),
    )?;
    checkpoint_after(case, "证据包")?;
    if redact {
        println!("已遮盖亲友信息的证据包已写入：{}", out.display());
        println!(
            "  出示 {} 条记录（案件共 {} 条），遮盖了 {} 个字段（亲友的姓名和号码、与催收无关的内容、原始文件位置）；被遮盖的字段凭指纹仍可核对",
            summary.records, summary.records_total, summary.hidden_fields
        );
        println!(
            "  适合提交给监管投诉平台等公开渠道；法院、公安需要的是完整证据包（anjing export）"
        );
        println!(
            "  注意：催收短信正文里提到的其他人（例如“你同事王某”）无法全部自动识别，出示前请打开 records.csv 看一遍"
        );
    } else {
        println!("部分出示的证据包已写入：{}", out.display());
        println!(
            "  出示 {} 条记录（案件共 {} 条），每条都附有它属于签名日志的证明；不含原始文件、其他记录和分析结果",
            summary.records, summary.records_total
        );
    }
    println!("  证据包本身的 SHA-256：{}（已记入案件日志）", summary.sha256);
    println!("  核对：anjing verify {}", crate::case_cmds::shell_quote(out));
    Ok(Status::Ok)
}

/// `anjing verify FILE.zip [--key KEY] [--json]`.
pub fn verify(file: &Path, key: Option<&str>, json: bool) -> Result<Status> {
    let report = verify_package(file, key)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_verify(file, &report);
    }
    Ok(if report.ok() { Status::Ok } else { Status::Tampered })
}

fn print_verify(file: &Path, r: &VerifyReport) {
    println!("核对证据包：{}", file.display());
    if let Some(t) = &r.title {
        println!("案件：{t}");
    }
    if let Some(id) = &r.case_id {
        println!("案件编号：{id}");
    }
    if let Some(k) = &r.verifier_key {
        println!("签名公钥：{k}");
    }
    println!();
    for c in &r.checks {
        let mark = if c.ok { "✓" } else { "✗" };
        println!("{mark} {}：{}", c.title_zh, c.summary_zh);
        if c.ok {
            println!("    证明：{}", c.proves_zh);
        } else {
            for f in c.failures.iter().take(50) {
                println!("    ✗ {}：{}", f.item, f.message_zh);
            }
            if c.failures.len() > 50 {
                println!("    ……共 {} 处问题", c.failures.len());
            }
        }
    }
    if !r.timestamps.is_empty() {
        println!();
        println!("可信时间戳（RFC 3161）：");
        for t in &r.timestamps {
            let mark = if t.ok { "✓" } else { "✗" };
            let size = t.checkpoint_size.map(|s| format!("前 {s} 条日志")).unwrap_or_default();
            println!(
                "  {mark} {}：北京时间 {}（UTC {}），盖章的检查点覆盖{size}",
                t.token, t.gen_time_local, t.gen_time_utc
            );
            println!("      时间戳服务机构证书：{}；签发者：{}", t.tsa_subject, t.tsa_issuer);
            println!("      证书 SHA-256：{}；算法 {}", t.tsa_cert_sha256, t.signature_algorithm);
        }
        println!(
            "  说明：安静核对了令牌完好、签名有效、证书是时间戳专用的，且盖章的正是本案日志的检查点；是否信任这家时间戳服务机构（它的证书链），需要你自己确认（例如用 openssl ts -verify 加上该机构的根证书）。"
        );
    }
    if let Some(n) = r.disclosed_records {
        println!();
        println!("这是一个部分出示的证据包：只包含 {n} 条选定的记录，不含原始文件和其他记录。");
        if let Some(h) = r.hidden_fields.filter(|h| *h > 0) {
            println!(
                "其中 {h} 个字段已遮盖（亲友的姓名和号码等）：只给出指纹，核对证明它们存在且未被改动，但看不到内容。"
            );
        }
    }
    println!();
    if r.ok() {
        println!("结论：✓ 全部核对通过。包内文件与签名时完全一致。");
        println!(
            "注意：哈希和签名只能证明文件在导入案件后没有被改动，不能证明短信内容本身真实；请把上面的签名公钥与当事人事先公布或提交的公钥对比（可用 --key 指定）。"
        );
    } else {
        let failed: Vec<&str> = r.checks.iter().filter(|c| !c.ok).map(|c| c.title_zh).collect();
        println!(
            "结论：✗ 核对未通过（{}）。这个证据包被改动过或已损坏，不能作为完整的证据包使用。",
            failed.join("、")
        );
    }
}
