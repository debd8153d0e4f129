//! Case commands: init, import, log, check and the listings.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anjing_vault::{Case, ImportReport, VaultError};
use anyhow::Result;

use crate::exit::Status;

pub fn init(dir: &Path, title: &str) -> Result<Status> {
    let case = Case::init(dir, title)?;
    let info = case.info()?;
    println!("已新建案件“{}”：{}", info.title, dir.display());
    println!("下一步：anjing -C {} import 导出的短信.xml --from 本人", shell_quote(dir));
    Ok(Status::Ok)
}

pub fn import(
    dir: &Path,
    files: &[PathBuf],
    from: &str,
    relation: &str,
    json: bool,
    flags: &crate::import_cmds::ImportFlags,
) -> Result<Status> {
    let mut case = Case::open(dir)?;
    let mut status = Status::Ok;
    let mut reports = Vec::new();
    // ANJING_TIMINGS=1 prints how long each step took (scripts/bench-import.sh).
    let timings = std::env::var_os("ANJING_TIMINGS").is_some();
    let started = std::time::Instant::now();
    for file in files {
        let mut opts = flags.options(file, json)?;
        match case.import_file_with(file, from, relation, &mut opts) {
            Ok(report) => {
                if crate::import_cmds::any_damaged(&report) {
                    status = status.worst(Status::Damaged);
                }
                if !json {
                    print_import(&report, from, relation, &flags.device);
                    crate::import_cmds::print_problem_kinds(&case, &report, "  ");
                    crate::import_cmds::print_members(&case, &report, 0);
                }
                reports.push(serde_json::to_value(&report)?);
            }
            Err(e @ VaultError::NotAnExport { .. }) => {
                status = status.worst(Status::NotAnExport);
                eprintln!("未导入：{e}");
                reports.push(
                    serde_json::json!({"file": file.display().to_string(), "error": e.to_string()}),
                );
            }
            Err(e) => {
                // Files imported before this one are saved: sign them.
                let _ = case.checkpoint();
                return Err(anyhow::Error::new(e).context(format!("导入 {} 失败", file.display())));
            }
        }
    }
    let imported = started.elapsed();
    crate::export::checkpoint_after(&mut case, "导入")?;
    if timings {
        eprintln!(
            "timings: import {:.3} s, records tree and checkpoint {:.3} s",
            imported.as_secs_f64(),
            (started.elapsed() - imported).as_secs_f64()
        );
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(status)
}

fn print_import(r: &ImportReport, from: &str, relation: &str, device: &str) {
    let who =
        if relation.is_empty() { from.to_string() } else { format!("{from}（{relation}）") };
    let fmt = r.format.map(|f| f.name_zh()).unwrap_or("未知格式");
    let device = device.trim();
    if device.is_empty() {
        println!("■ {}  [{fmt}]  提供人：{who}", r.file);
    } else {
        println!("■ {}  [{fmt}]  提供人：{who}  来源设备：{device}", r.file);
    }
    println!("  原始文件 SHA-256：{}（{} 字节，已原样保存）", r.artifact, r.size);
    if r.already_imported {
        println!("  这个文件以前已经导入过，案件没有改动。");
        return;
    }
    let kinds: Vec<String> = r
        .by_kind
        .iter()
        .map(|(k, n)| {
            let name = anjing_model::RecordKind::from_code(k).map(|k| k.name_zh()).unwrap_or(k);
            format!("{name} {n}")
        })
        .collect();
    let kinds = if kinds.is_empty() { "无".to_string() } else { kinds.join("，") };
    if let Some(w) = &r.wal_later {
        println!(
            "  这个数据库以前已经导入过（当时没有 -wal）；这次原样保存了它的 {}（{} 字节，SHA-256 {}）{}",
            w.wal_file,
            w.wal_size,
            w.wal,
            if w.applied {
                "，并在数据库副本上合并读取"
            } else {
                "，但无法合并读取"
            }
        );
        println!(
            "  补充导入 {} 条只在 -wal 里或被它改动的记录（{kinds}）：新增 {} 条，与已导入的记录重合 {} 条；其余 {} 条已在案件中，没有重复导入",
            r.records_read, r.records_new, r.records_merged, w.records_already_in_case
        );
    } else {
        println!(
            "  读出 {} 条记录（{kinds}）：新增 {} 条，与已导入的记录重合 {} 条（已关联到本文件）",
            r.records_read, r.records_new, r.records_merged
        );
    }
    if r.problem_count == 0 {
        println!("  没有发现问题。");
        return;
    }
    if r.damaged {
        println!(
            "  ⚠ 文件有损坏{}：能读出的记录都已保存，共 {} 个问题：",
            if r.truncated {
                "（文件在中途被截断，可能是备份被中断）"
            } else {
                ""
            },
            r.problem_count
        );
    } else {
        println!("  注意：{} 个小问题（没有丢失记录）：", r.problem_count);
    }
    for p in r.problems.iter().take(10) {
        let at = p
            .locator
            .as_ref()
            .map(|l| {
                // Database rows have no line: their locator (`sms/_id=7`) says it all.
                if l.line > 0 {
                    format!("{}（第 {} 行第 {} 列）", l.path, l.line, l.column)
                } else {
                    l.path.clone()
                }
            })
            .unwrap_or_else(|| "文件".to_string());
        println!("    - {at}：{}（{}）", p.message_zh, p.cause_en);
    }
    if r.problem_count > 10 {
        println!("    ……其余问题见 anjing problems");
    }
}

pub fn log(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let entries = case.log()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    for e in &entries {
        if json {
            serde_json::to_writer(&mut out, e)?;
            writeln!(out)?;
        } else {
            let at =
                e.at.parse::<jiff::Timestamp>()
                    .map(anjing_model::time::display)
                    .unwrap_or_else(|_| e.at.clone());
            writeln!(out, "#{:<4} {at}  {:<8} {}", e.seq, action_zh(&e.action), &e.hash[..16])?;
            writeln!(out, "      上一条 {}  内容 {}", &e.prev_hash[..16], e.detail)?;
        }
    }
    out.flush()?;
    Ok(Status::Ok)
}

fn action_zh(action: &str) -> String {
    match action {
        "init" => "新建案件".into(),
        "import" => "导入".into(),
        "analyze" => "分析".into(),
        "report" => "生成报告".into(),
        "export" => "证据包".into(),
        "case_key" => "签名密钥".into(),
        "review" => "复核".into(),
        other => other.into(),
    }
}

pub fn check(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let report = case.check()?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else if report.ok() {
        println!(
            "✓ 核对通过：{} 个原始文件和 {} 份文书原稿的 SHA-256 与登记一致，{} 条日志的哈希链完整，{} 个签名检查点有效。",
            report.blobs_checked, report.documents_checked, report.log_entries, report.checkpoints
        );
        match report.records_checked {
            Some(n) => println!("  {n} 条记录逐字段重新计算指纹，与签名的记录树一致。"),
            None => println!("  记录未逐条核对：本机没有这个案件的私钥，无法重新计算记录指纹。"),
        }
    } else {
        println!("✗ 核对未通过，发现 {} 处问题：", report.faults.len());
        for f in &report.faults {
            let what = match f.area.as_str() {
                "blob" => format!("原始文件 {}", f.item),
                "document" => format!("文书原稿 {}", f.item),
                "log" => format!("日志第 {} 条", f.item),
                "checkpoint" => format!("检查点 {}", f.item),
                "records" => format!("记录（日志第 {} 条的记录树）", f.item),
                _ => format!("数据库 {}", f.item),
            };
            println!("  - {what}：{}（{}）", f.message_zh, f.cause_en);
        }
    }
    Ok(if report.ok() { Status::Ok } else { Status::Tampered })
}

pub fn records(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    case.for_each_record(|r| {
        let res: std::io::Result<()> = (|| {
            if json {
                serde_json::to_writer(&mut out, &r)?;
                writeln!(out)
            } else {
                let extra = match (&r.text, r.duration_s, r.call_result) {
                    (Some(t), _, _) => one_line(t, 60),
                    (None, d, c) => format!(
                        "{} {}秒",
                        c.map(|c| c.name_zh()).unwrap_or(""),
                        d.map(|d| d.to_string()).unwrap_or_else(|| "?".into())
                    ),
                };
                // 归属地 of mobiles (registration place), from the segment table.
                let place = anjing_numbers::place_short(&r.counterparty).unwrap_or_default();
                writeln!(
                    out,
                    "{:>6} {} {} {} {:<16} {:<8} {}  {}",
                    r.id,
                    r.time_local.as_deref().unwrap_or("时间不明           "),
                    r.kind.name_zh(),
                    r.direction.name_zh(),
                    r.counterparty,
                    place,
                    r.contributor,
                    extra
                )
            }
        })();
        res.map_err(|e| VaultError::Io { path: PathBuf::from("<stdout>"), source: e })
    })?;
    out.flush()?;
    Ok(Status::Ok)
}

pub fn findings(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let findings = case.findings()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if !json && findings.is_empty() {
        writeln!(out, "还没有分析结果。请先运行 anjing analyze。")?;
    }
    for f in &findings {
        if json {
            serde_json::to_writer(&mut out, f)?;
            writeln!(out)?;
        } else {
            let target = match f.record_id {
                Some(id) => format!("记录 {id}"),
                None => format!("{} 条记录", f.record_ids.len()),
            };
            writeln!(out, "[{}] {target}  规则 {}", f.practice.name_zh(), f.rule)?;
            writeln!(out, "    {}", f.explanation)?;
        }
    }
    out.flush()?;
    Ok(Status::Ok)
}

pub fn problems(dir: &Path, json: bool) -> Result<Status> {
    let case = Case::open(dir)?;
    let problems = case.problems()?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if !json && problems.is_empty() {
        writeln!(out, "导入时没有遇到问题。")?;
    }
    for p in &problems {
        if json {
            serde_json::to_writer(&mut out, p)?;
            writeln!(out)?;
        } else {
            let at = match (&p.locator, p.line, p.column) {
                (Some(l), Some(line), Some(col)) if line > 0 => {
                    format!("{l}（第 {line} 行第 {col} 列）")
                }
                (Some(l), _, _) => l.clone(),
                _ => "整个文件".into(),
            };
            writeln!(
                out,
                "{}  {at}  [{}] {}（{}）",
                p.file_name, p.code, p.message_zh, p.cause_en
            )?;
        }
    }
    out.flush()?;
    Ok(Status::Ok)
}

/// Shortens a text to one line of at most `max` characters for tables.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if flat.chars().count() > max {
        let mut s: String = flat.chars().take(max).collect();
        s.push('…');
        s
    } else {
        flat
    }
}

/// Quotes a path for a shell command the user may copy.
pub fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().all(|c| c.is_alphanumeric() || "-_./".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
