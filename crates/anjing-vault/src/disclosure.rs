//! Disclosure packages: some records of a case (e.g. only the messages the borrower's mother
//! received), each proved to belong to the signed case log, without the rest.
//!
//! ```text
//! checkpoint            signed checkpoint (C2SP note), as in a full package
//! case.pub              the case's verifier key
//! log/<seq>.json        the log entries needed (init, case_key, records_root), each with
//!                       its leaf index and inclusion proof against the checkpoint
//! records/<id>.json     per shown record: its fields (see `records_tree`: each shown as
//!                       value and salt, or hidden as digest and mask), leaf index, and
//!                       inclusion proof against the records_root entry's root
//! records.csv           the shown records for Excel/WPS, rendered from records/*.json
//!                       (verify renders it again and compares)
//! manifest.json         format `anjing-disclosure-v1`, what was selected
//! 验证说明.html          how to check, in plain Chinese
//! SHA256SUMS            `<hex>  <path>` of every other file
//! ```
//!
//! There are no originals (an original export holds every message of the phone), no findings
//! and no full log. What a reader learns besides the shown records: the case id and title,
//! the total number of records, and the number of log entries.
//!
//! # Redaction (`anjing export --redact`)
//!
//! A redacted disclosure is for a public channel (a regulator's web form, a journalist, a
//! forum): the relatives and friends who were contacted are victims with rights of their own
//! and must not be exposed again. Per shown record it hides ([`Redaction`]):
//! the contributor's name when that is not the borrower (`李*`); the counterparty and number
//! when they are a mobile that is neither a collector's (a number of a record classified as
//! collection or cited by a finding) nor the borrower's own; in collection texts, third
//! parties' names and unkept mobiles (the text is hidden and shown masked); the whole text of
//! a record that is not collection (private messages are nobody else's business); and the
//! sources (their original fields repeat all of the above). Hidden fields are still proved:
//! each is committed by its own salted digest.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anjing_model::mask::{self, Masker};
use anjing_model::record::{CallResult, Direction, RecordKind};
use anjing_proof::Hash;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::package::{
    Check, Entry, GUIDE_FILE, PackageWriter, VerifyReport, contributor_label, csv_row, esc,
    log_entry_from_json,
};
use crate::proofs::{self, announced_key, verify_checkpoint_note};
use crate::records_tree::{self, RECORDS_ROOT, Selection};
use crate::{Case, LogEntry, VaultError, log};

/// Format name written to a disclosure's `manifest.json`.
pub const DISCLOSURE_FORMAT: &str = "anjing-disclosure-v1";
/// Files every disclosure has.
pub const REQUIRED_FILES: [&str; 6] =
    ["SHA256SUMS", "checkpoint", "case.pub", "manifest.json", "records.csv", GUIDE_FILE];

/// What was written.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureSummary {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub files: usize,
    /// Records shown.
    pub records: usize,
    /// Records in the case.
    pub records_total: usize,
    pub log_entries: u64,
    /// Fields hidden by redaction, over all shown records.
    pub hidden_fields: usize,
}

fn dis_err(out: &Path, m: impl Into<String>) -> VaultError {
    VaultError::Package { path: out.to_path_buf(), message: m.into() }
}

/// `records.csv` of a disclosure, from the canonical record JSON values (in the given order).
pub fn render_csv(records: &[serde_json::Value]) -> String {
    let mut out = String::from("\u{FEFF}");
    out.push_str(&csv_row(&[
        "编号",
        "时间（北京时间）",
        "时间（UTC）",
        "类型",
        "方向",
        "对方（原样）",
        "号码（规范化）",
        "提供人",
        "内容",
        "时长（秒）",
        "通话结果",
        "原始文件 SHA-256",
        "在原始文件中的位置",
    ]));
    for r in records {
        let s = |k: &str| r[k].as_str().unwrap_or("").to_string();
        let local = r["time_ms"]
            .as_i64()
            .and_then(anjing_model::time::from_unix_ms)
            .map(anjing_model::time::display)
            .unwrap_or_default();
        let kind = RecordKind::from_code(&s("kind")).map(|k| k.name_zh()).unwrap_or("");
        let dir = Direction::from_code(&s("direction")).map(|d| d.name_zh()).unwrap_or("");
        let result = CallResult::from_code(&s("call_result")).map(|c| c.name_zh()).unwrap_or("");
        let sources = r["sources"].as_array().cloned().unwrap_or_default();
        let mut artifacts: Vec<String> =
            sources.iter().map(|x| x["artifact"].as_str().unwrap_or("").to_string()).collect();
        let mut locators: Vec<String> = sources
            .iter()
            .map(|x| {
                format!(
                    "{}（第 {} 行第 {} 列）",
                    x["locator"].as_str().unwrap_or(""),
                    x["line"],
                    x["column"]
                )
            })
            .collect();
        // Hidden sources are shown by their mask.
        if let Some(masked) = r["sources"].as_str() {
            artifacts.push(masked.to_string());
            locators.push(masked.to_string());
        }
        out.push_str(&csv_row(&[
            &r["id"].to_string(),
            &local,
            &s("time"),
            kind,
            dir,
            &s("counterparty"),
            &s("number"),
            &contributor_label(&s("contributor"), &s("relation")),
            &s("text"),
            &r["duration_s"].as_i64().map(|d| d.to_string()).unwrap_or_default(),
            result,
            &artifacts.join("; "),
            &locators.join("; "),
        ]));
    }
    out
}

/// What a redacted disclosure hides, from the case (see the module doc).
pub struct Redaction {
    masker: Masker,
    third_parties: BTreeSet<String>,
    collection: BTreeSet<i64>,
}

/// Mask shown for the text of a record that is not collection.
pub const PRIVATE_TEXT: &str = "（与催收无关的记录，内容不出示）";
/// Mask shown for the sources of a redacted record.
pub const HIDDEN_SOURCES: &str = "（原始文件位置和原始字段已遮盖）";

impl Redaction {
    pub(crate) fn of_case(case: &Case) -> Result<Redaction, VaultError> {
        let conn = &case.conn;
        let mut third_parties = BTreeSet::new();
        let mut st = conn.prepare("SELECT name, relation FROM contributors")?;
        for row in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
            let (name, relation) = row?;
            if !mask::is_borrower(&name, &relation) {
                third_parties.insert(name);
            }
        }
        let mut collection = BTreeSet::new();
        let mut st = conn.prepare(
            "SELECT record_id FROM classifications WHERE is_collection = 1
             UNION SELECT record_id FROM findings WHERE record_id IS NOT NULL",
        )?;
        for id in st.query_map([], |r| r.get::<_, i64>(0))? {
            collection.insert(id?);
        }
        let mut st = conn.prepare("SELECT record_ids FROM findings")?;
        for ids in st.query_map([], |r| r.get::<_, String>(0))? {
            let ids: Vec<i64> = serde_json::from_str(&ids?).unwrap_or_default();
            collection.extend(ids);
        }
        let mut keep: Vec<String> = Vec::new();
        let mut st = conn.prepare("SELECT id, number FROM records")?;
        for row in st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
            let (id, number) = row?;
            if collection.contains(&id) {
                keep.push(number);
            }
        }
        let facts = case.facts()?;
        keep.extend(facts.get("borrower_phone").cloned());
        let mut names: Vec<String> = third_parties.iter().cloned().collect();
        names.extend(
            ["relative_name", "witness_name"].iter().filter_map(|k| facts.get(*k).cloned()),
        );
        let borrower = facts.get("borrower_name").cloned().unwrap_or_default();
        names.retain(|n| n.trim() != borrower.trim());
        Ok(Redaction { masker: Masker::new(names, keep), third_parties, collection })
    }

    /// Hides what a public reader must not see in one opened record; returns how many
    /// fields it hid.
    pub fn apply(
        &self,
        id: i64,
        flat: &serde_json::Value,
        opened: &mut serde_json::Value,
    ) -> usize {
        let s = |k: &str| flat[k].as_str().unwrap_or("").to_string();
        let mut hidden = 0;
        let mut hide = |opened: &mut serde_json::Value, field: &str, masked: &str| {
            if records_tree::hide_field(opened, field, masked) {
                hidden += 1;
            }
        };
        if self.third_parties.contains(&s("contributor")) {
            hide(opened, "contributor", &mask::mask_name(&s("contributor")));
        }
        let number = s("number");
        let masked_number = self.masker.numbers(&number);
        if masked_number != number {
            hide(opened, "number", &masked_number);
            let cp = s("counterparty");
            let masked_cp = self.masker.text(&cp);
            let masked_cp = if masked_cp == cp && !cp.is_empty() {
                // A contact name for a friend's number (妈妈, 王经理).
                mask::mask_name(&cp)
            } else {
                masked_cp
            };
            hide(opened, "counterparty", &masked_cp);
        }
        if let Some(text) = flat["text"].as_str() {
            if !self.collection.contains(&id) {
                hide(opened, "text", PRIVATE_TEXT);
            } else {
                let masked = self.masker.text(text);
                if masked != text {
                    hide(opened, "text", &masked);
                }
            }
        }
        hide(opened, "sources", HIDDEN_SOURCES);
        hidden
    }

    /// A selection as the manifest of a redacted package shows it (names masked).
    fn masked_selection(&self, sel: &Selection) -> serde_json::Value {
        serde_json::json!({
            "contributors": sel.contributors.iter().map(|c| mask::mask_name(c)).collect::<Vec<_>>(),
            "numbers": sel.numbers.iter().map(|n| self.masker.numbers(n)).collect::<Vec<_>>(),
            "record_ids": sel.ids,
        })
    }
}

impl Case {
    /// Writes a disclosure package with the records `selection` picks (see the module doc),
    /// third parties hidden when `redact` (an empty selection then means every record).
    /// Signs a checkpoint first (which commits to the current records tree).
    pub fn export_disclosure(
        &mut self,
        out: &Path,
        selection: &Selection,
        redact: bool,
    ) -> Result<DisclosureSummary, VaultError> {
        if selection.is_empty() && !redact {
            return Err(dis_err(out, "请指定要出示哪些记录（提供人、号码或记录编号）"));
        }
        let redaction = if redact { Some(Redaction::of_case(self)?) } else { None };
        let note = self.checkpoint()?;
        let key = self.signing_key()?;
        let salt_key = records_tree::salt_key(&key);
        let vkey = key.verifier_key();
        let info = self.info()?;
        let leaves_all = self.log_leaves()?;
        let cp = verify_checkpoint_note(&note, &vkey, &proofs::origin(&info.case_id), &leaves_all)
            .map_err(|(zh, _)| VaultError::LogBroken {
                seq: leaves_all.len() as i64,
                message_zh: zh,
            })?;
        let log_leaves: &[Hash] = &leaves_all[..cp.size as usize];
        let entries: Vec<LogEntry> = self.log()?.into_iter().take(cp.size as usize).collect();
        let root_entry = entries
            .iter()
            .rev()
            .find(|e| e.action == RECORDS_ROOT)
            .cloned()
            .ok_or_else(|| dis_err(out, "案件里还没有记录，无法出示"))?;
        let ids = records_tree::select(&self.conn, selection)?;
        // (The records tree is rebuilt below and must equal the signed root.)
        if ids.is_empty() {
            return Err(dis_err(out, "没有符合条件的记录，没有生成证据包"));
        }
        let (all_ids, rec_leaves) = records_tree::leaves(&self.conn, &salt_key)?;
        if root_entry.detail["root"].as_str() != Some(&hex::encode(anjing_proof::root(&rec_leaves)))
        {
            return Err(dis_err(
                out,
                "记录与签名日志中最新的记录树根不一致（请运行 anjing check）",
            ));
        }
        let position: BTreeMap<i64, usize> =
            all_ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        let wanted: BTreeSet<i64> = ids.iter().copied().collect();
        let mut shown = Vec::new();
        records_tree::for_each_record_json(
            &self.conn,
            &salt_key,
            |id| wanted.contains(&id),
            |id, v| {
                shown.push((id, v));
                Ok(())
            },
        )?;

        let (tmp, mut pkg) = PackageWriter::create(out)?;
        pkg.add_bytes("checkpoint", note.as_bytes())?;
        pkg.add_bytes("case.pub", format!("{vkey}\n").as_bytes())?;
        let root_hex = hex::encode(cp.root);
        for e in entries
            .iter()
            .filter(|e| e.action == "init" || e.action == "case_key" || e.seq == root_entry.seq)
        {
            let index = (e.seq - 1) as u64;
            let proof = anjing_proof::inclusion_proof(log_leaves, index)?;
            let doc = serde_json::json!({
                "log_entry": e,
                "leaf_index": index,
                "tree_size": cp.size,
                "inclusion_proof": proof.iter().map(hex::encode).collect::<Vec<_>>(),
                "root": root_hex,
            });
            let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| pkg.err(e))?;
            pkg.add_bytes(&format!("log/{}.json", e.seq), &bytes)?;
        }
        let records_root = root_entry.detail["root"].as_str().unwrap_or("").to_string();
        let mut values = Vec::new();
        let mut hidden_fields = 0;
        for (id, flat) in &shown {
            let index = position[id];
            let proof = anjing_proof::inclusion_proof(&rec_leaves, index as u64)?;
            let mut record = records_tree::open_record(flat);
            if let Some(r) = &redaction {
                hidden_fields += r.apply(*id, flat, &mut record);
            }
            values.push(records_tree::shown_values(&record));
            let doc = serde_json::json!({
                "record": record,
                "leaf_index": index,
                "tree_size": rec_leaves.len(),
                "inclusion_proof": proof.iter().map(hex::encode).collect::<Vec<_>>(),
                "records_root": records_root,
                "records_root_seq": root_entry.seq,
            });
            let bytes = serde_json::to_vec_pretty(&doc).map_err(|e| pkg.err(e))?;
            pkg.add_bytes(&format!("records/{id}.json"), &bytes)?;
        }
        pkg.add_bytes("records.csv", render_csv(&values).as_bytes())?;

        let exported_at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        let manifest = serde_json::json!({
            "format": DISCLOSURE_FORMAT,
            "exporter": concat!("anjing-vault ", env!("CARGO_PKG_VERSION")),
            "exported_at": exported_at,
            "case": {"id": info.case_id, "title": info.title},
            "selection": match &redaction {
                Some(r) => r.masked_selection(selection),
                None => serde_json::json!({
                    "contributors": selection.contributors,
                    "numbers": selection.numbers,
                    "record_ids": selection.ids,
                }),
            },
            "redacted": redaction.is_some(),
            "hidden_fields": hidden_fields,
            "records": shown.len(),
            "records_total": rec_leaves.len(),
            "records_root": {"seq": root_entry.seq, "root": records_root},
            "checkpoint": {"origin": cp.origin, "size": cp.size, "root": root_hex, "verifier_key": vkey},
        });
        let bytes = serde_json::to_vec_pretty(&manifest).map_err(|e| pkg.err(e))?;
        pkg.add_bytes("manifest.json", &bytes)?;
        let guide = guide_html(
            &info.title,
            &info.case_id,
            shown.len(),
            rec_leaves.len(),
            &vkey,
            redaction.is_some(),
        );
        pkg.add_bytes(GUIDE_FILE, guide.as_bytes())?;
        let (sha256, size, files) = pkg.finish(tmp, out)?;
        Ok(DisclosureSummary {
            path: out.to_path_buf(),
            sha256,
            size,
            files,
            records: shown.len(),
            records_total: rec_leaves.len(),
            log_entries: cp.size,
            hidden_fields,
        })
    }
}

fn guide_html(
    title: &str,
    case_id: &str,
    shown: usize,
    total: usize,
    vkey: &str,
    redacted: bool,
) -> String {
    let redaction = if redacted {
        "<h2>遮盖了什么</h2>\n<p>这个包<strong>遮盖了亲友的信息</strong>：被催收方联系过的亲属、朋友、同事本身也是受害人，他们的姓名显示为“李*”，他们的手机号显示为“138****1234”；与催收无关的记录不出示内容；每条记录的原始文件位置和原始字段也已遮盖。催收方的号码和催收短信的内容照常出示。</p>\n<p>被遮盖的字段在 <code>records/编号.json</code> 里只留下它的“指纹”（<code>digest</code>，加了保密随机数的 SHA-256）。核对时用指纹代替原文，仍然能证明整条记录属于签名日志；但从指纹<strong>推算不出</strong>原文，连逐个猜号码也无法验证。需要完整内容的机关（法院、公安）请向当事人索取完整证据包。</p>\n"
    } else {
        ""
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>部分出示证据包验证说明</title>
<style>body{{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.7}}
code,pre{{background:#f4f4f4;padding:0 .2em;word-break:break-all}}pre{{padding:.6em;white-space:pre-wrap}}</style>
</head><body>
<h1>部分出示证据包验证说明</h1>
<p>案件：{title}<br>案件编号：<code>{case_id}</code></p>
<p>这是一个<strong>部分出示</strong>的证据包：案件共有 {total} 条记录，这里只出示其中 {shown} 条（例如只出示某一位亲属收到的短信）。其余记录、原始文件和分析结果<strong>都不在包里</strong>，也无法从包里推算出来。</p>
{redaction}<h2>包里有什么</h2>
<ul>
<li><code>records.csv</code>：出示的记录，可用 Excel 或 WPS 打开（以 = + - @ 开头的内容前加了单引号 '，防止被当成公式）。</li>
<li><code>records/编号.json</code>：每条出示记录的各个字段（每个字段是原文加一个随机数 <code>salt</code>，或被遮盖时只有指纹 <code>digest</code>；未遮盖时含它在原始文件中的位置和原始字段）以及“包含证明”。</li>
<li><code>log/</code>：证明所需的几条案件日志；<code>checkpoint</code>：案件日志的签名；<code>case.pub</code>：签名公钥；<code>manifest.json</code>：说明；<code>SHA256SUMS</code>：各文件的 SHA-256。</li>
</ul>
<h2>怎样核对</h2>
<p>解压后，Linux 上运行 <code>sha256sum -c SHA256SUMS</code>，macOS 上运行 <code>shasum -a 256 -c SHA256SUMS</code>，Windows 上对每个文件运行 <code>certutil -hashfile 文件 SHA256</code> 并与 <code>SHA256SUMS</code> 对比：证明打包后文件没有被改动。</p>
<p>完整核对请运行 <code>anjing verify 包.zip</code>（不需要联网，也不需要案件文件夹）。它核对：</p>
<ol>
<li><strong>检查点签名</strong>：<code>checkpoint</code> 是用 <code>case.pub</code> 对应的私钥签署的，且这把公钥登记在案件日志的第一条里；</li>
<li><strong>日志摘录</strong>：包里的每条日志都在签名的日志中（默克尔包含证明），其中一条记录了案件全部记录的“记录树根”；</li>
<li><strong>记录</strong>：每条出示的记录都是记录树中的一片叶子（包含证明）：它在签名时就是现在这个样子，一个字都没有改；<code>records.csv</code> 与这些记录一致。</li>
</ol>
<h2>能证明什么，不能证明什么</h2>
<p>能证明：这些记录属于案件编号为上述编号的案件，在签名时已经登记，之后没有被改动。不能证明：短信内容本身真实（原始载体是当事人的手机，请保留手机）；也不能证明没有出示的记录说了什么。</p>
<p>公钥：<code>{vkey}</code></p>
</body></html>
"#,
        title = esc(title),
        case_id = esc(case_id),
        vkey = esc(vkey),
    )
}

/// Checks a log entry document (`log/<seq>.json`): entry hash, leaf index, inclusion proof.
fn check_log_doc(
    doc: &serde_json::Value,
    cp: &anjing_proof::Checkpoint,
) -> Result<LogEntry, String> {
    let entry = log_entry_from_json(&doc["log_entry"]).ok_or("日志条目格式不对")?;
    let detail = serde_json::to_string(&entry.detail).unwrap_or_default();
    if log::entry_hash(entry.seq, &entry.at, &entry.action, &entry.prev_hash, &detail) != entry.hash
    {
        return Err(format!("第 {} 条日志的内容与其哈希不符（被改动过）", entry.seq));
    }
    let index = doc["leaf_index"].as_u64().ok_or("缺少 leaf_index")?;
    if index + 1 != entry.seq as u64 {
        return Err("leaf_index 与日志条目编号不符".into());
    }
    let proof = hashes(&doc["inclusion_proof"])?;
    let data = proofs::leaf_data(&entry.hash).ok_or("日志条目的哈希格式不对")?;
    anjing_proof::verify_inclusion(
        &anjing_proof::leaf_hash(&data),
        index,
        cp.size,
        &proof,
        &cp.root,
    )
    .map_err(|e| format!("包含证明不成立：{e}"))?;
    Ok(entry)
}

fn hashes(v: &serde_json::Value) -> Result<Vec<Hash>, String> {
    v.as_array()
        .ok_or("缺少 inclusion_proof")?
        .iter()
        .map(|h| h.as_str().and_then(proofs::leaf_data))
        .collect::<Option<_>>()
        .ok_or_else(|| "inclusion_proof 中有不是 64 位十六进制的哈希".to_string())
}

/// The checks of a disclosure after the structure and SHA256SUMS checks.
pub(crate) fn verify_rest(
    report: &mut VerifyReport,
    entries: &BTreeMap<String, Entry>,
    meta: &BTreeMap<String, Vec<u8>>,
    manifest: &serde_json::Value,
    pinned_key: Option<&str>,
) {
    let text = |name: &str| meta.get(name).map(|b| String::from_utf8_lossy(b).into_owned());
    report.title = manifest["case"]["title"].as_str().map(str::to_string);

    // Signature.
    let mut sig = Check::new(
        "signature",
        "检查点签名",
        "检查点（checkpoint）是用本案私钥签署的，签名用的公钥 case.pub 也登记在签名日志的第一条里",
    );
    let vkey = text("case.pub").map(|t| t.trim().to_string()).unwrap_or_default();
    report.verifier_key = Some(vkey.clone()).filter(|k| !k.is_empty());
    let cp = match anjing_proof::verify_signed_checkpoint(
        &text("checkpoint").unwrap_or_default(),
        &vkey,
    ) {
        Ok(cp) => Some(cp),
        Err(e) => {
            sig.fail("checkpoint", format!("签名无效：{e}"));
            None
        }
    };
    if let Some(pin) = pinned_key
        && pin.trim() != vkey
    {
        sig.fail("case.pub", "与你指定的公钥（--key）不一致");
    }

    // Log excerpt.
    let mut excerpt = Check::new(
        "log_excerpt",
        "日志摘录",
        "包里的每条日志都在签名的案件日志中（默克尔包含证明），包括登记公钥的第一条和记录了“记录树根”的那一条",
    );
    let mut log_entries: Vec<LogEntry> = Vec::new();
    for (name, bytes) in meta.range("log/".to_string()..) {
        if !name.starts_with("log/") {
            break;
        }
        let Some(cp) = &cp else { break };
        let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        match check_log_doc(&doc, cp) {
            Ok(e) if name == &format!("log/{}.json", e.seq) => log_entries.push(e),
            Ok(_) => excerpt.fail(name.clone(), "文件名与日志条目编号不符"),
            Err(m) => excerpt.fail(name.clone(), m),
        }
    }
    log_entries.sort_by_key(|e| e.seq);
    if cp.is_none() {
        excerpt.fail("checkpoint", "检查点无效，无法核对");
    }
    let case_id = log_entries
        .first()
        .filter(|e| e.seq == 1 && e.action == "init")
        .and_then(|e| e.detail["case_id"].as_str())
        .map(str::to_string);
    report.case_id = case_id.clone();
    match (&case_id, &cp) {
        (Some(id), Some(cp)) if cp.origin == proofs::origin(id) => {}
        (None, _) => excerpt.fail("log/1.json", "缺少案件日志的第一条（登记案件编号和公钥）"),
        (Some(_), Some(cp)) => {
            sig.fail("checkpoint", format!("检查点的来源“{}”与日志中的案件编号不符", cp.origin))
        }
        _ => {}
    }
    match announced_key(&log_entries) {
        Some(k) if k == vkey => {}
        Some(_) => sig.fail("case.pub", "与日志中登记的公钥不一致（公钥被替换过）"),
        None => sig.fail("case.pub", "日志摘录中没有登记公钥"),
    }
    if let Some(cp) = &cp {
        report.checkpoint_size = Some(cp.size);
    }
    let key_id = anjing_proof::VerifierKey::parse(&vkey).map(|k| k.id()).unwrap_or_default();
    report.checks.push(sig.done(format!("公钥 {key_id}")));
    let roots: BTreeMap<i64, (String, u64)> = log_entries
        .iter()
        .filter(|e| e.action == RECORDS_ROOT)
        .filter_map(|e| {
            Some((e.seq, (e.detail["root"].as_str()?.to_string(), e.detail["records"].as_u64()?)))
        })
        .collect();
    if roots.is_empty() {
        excerpt.fail("log/", "缺少记录了“记录树根”的日志条目（records_root）");
    }
    report.checks.push(excerpt.done(format!("{} 条日志", log_entries.len())));

    // Records.
    let mut recs = Check::new(
        "records",
        "出示的记录",
        "每条出示的记录都在签名时登记的记录树中（包含证明），一个字都没有改；records.csv 与这些记录一致",
    );
    let mut values: Vec<(i64, serde_json::Value)> = Vec::new();
    let mut hidden = 0;
    for (name, bytes) in meta.range("records/".to_string()..) {
        let Some(stem) = name.strip_prefix("records/") else { break };
        let doc: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(d) => d,
            Err(_) => {
                recs.fail(name.clone(), "不是有效的 JSON");
                continue;
            }
        };
        let record = doc["record"].clone();
        let id = record["id"].as_i64().unwrap_or(-1);
        if stem != format!("{id}.json") {
            recs.fail(name.clone(), "文件名与记录编号不符");
            continue;
        }
        let result = (|| -> Result<serde_json::Value, String> {
            let seq = doc["records_root_seq"].as_i64().ok_or("缺少 records_root_seq")?;
            let (root_hex, size) =
                roots.get(&seq).ok_or("它所依据的记录树根不在经过证明的日志摘录里")?;
            let root = proofs::leaf_data(root_hex).ok_or("记录树根格式不对")?;
            let index = doc["leaf_index"].as_u64().ok_or("缺少 leaf_index")?;
            let proof = hashes(&doc["inclusion_proof"])?;
            // Version 1 hashed the whole record; version 2 commits field by field.
            let (leaf, shown) = match record["v"].as_i64() {
                Some(1) => (records_tree::record_leaf(&record), record.clone()),
                Some(2) => (
                    records_tree::opened_leaf(&record).map_err(|e| format!("记录格式不对：{e}"))?,
                    records_tree::shown_values(&record),
                ),
                _ => return Err("不认识的记录格式版本".into()),
            };
            anjing_proof::verify_inclusion(&leaf, index, *size, &proof, &root)
                .map_err(|e| format!("记录与签名时登记的不同（被改动过）：{e}"))?;
            Ok(shown)
        })();
        match result {
            Ok(shown) => {
                hidden += shown["hidden"].as_array().map_or(0, Vec::len);
                values.push((id, shown));
            }
            Err(m) => recs.fail(name.clone(), m),
        }
    }
    values.sort_by_key(|(id, _)| *id);
    let all_ok = recs.failures.is_empty();
    if all_ok {
        let csv: Vec<serde_json::Value> = values.iter().map(|(_, v)| v.clone()).collect();
        let expected = hex::encode(Sha256::digest(render_csv(&csv).as_bytes()));
        match entries.get("records.csv") {
            Some(Entry { sha256: Some(actual), .. }) if *actual == expected => {}
            _ => recs.fail("records.csv", "与 records/ 中经过证明的记录不一致（被改动过）"),
        }
    }
    if values.is_empty() && all_ok {
        recs.fail("records/", "包里没有出示任何记录");
    }
    report.disclosed_records = Some(values.len());
    report.hidden_fields = Some(hidden);
    let summary = if hidden > 0 {
        format!("{} 条记录的包含证明有效（其中 {hidden} 个字段已遮盖，凭指纹核对）", values.len())
    } else {
        format!("{} 条记录的包含证明有效", values.len())
    };
    report.checks.push(recs.done(summary));
}
