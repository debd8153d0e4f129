//! RFC 3161 trusted timestamps over the case's signed checkpoints.
//!
//! A checkpoint signed with the case key shows that the log has not changed since it was
//! signed, but the case key lives on the victim's computer, so by itself it cannot show *when*
//! it was signed. A Time-Stamping Authority can: `anjing timestamp request` writes a DER
//! `TimeStampReq` whose imprint is **SHA-256 of the bytes of the latest signed checkpoint note**
//! (exactly the `CASE/checkpoint` file, and the `checkpoint` / `timestamps/<n>.checkpoint`
//! files of a package), so `openssl ts -verify -data checkpoint -in <n>.tsr -CAfile …` works
//! on the unpacked files. `anjing timestamp attach` checks the reply
//! ([`anjing_proof::tsp::verify_response`]), finds the stored checkpoint it covers, and
//! stores it (table `timestamps`, migration 4) together with a `timestamp` log entry that
//! records the token's SHA-256, so the next signed checkpoint covers the token too.

use anjing_proof::ProofError;
use anjing_proof::tsp::{self, TimestampInfo, TimestampRequest};
use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Case, VaultError, log};

fn ts_err(zh: impl Into<String>, en: impl Into<String>) -> VaultError {
    VaultError::Proof(ProofError::Timestamp { zh: zh.into(), en: en.into() })
}

/// A stored timestamp token.
#[derive(Debug, Clone, Serialize)]
pub struct StoredTimestamp {
    pub id: i64,
    pub checkpoint_size: i64,
    /// SHA-256 of the checkpoint note the token covers (hex).
    pub imprint_sha256: String,
    /// The DER `TimeStampResp` as received.
    #[serde(skip)]
    pub response: Vec<u8>,
    /// RFC 3339 UTC.
    pub gen_time: String,
    /// Subject of the TSA certificate.
    pub tsa: String,
    pub at: String,
}

/// What `attach` stored.
#[derive(Debug, Clone, Serialize)]
pub struct AttachedTimestamp {
    pub id: i64,
    pub checkpoint_size: i64,
    /// RFC 3339 UTC.
    pub gen_time: String,
    pub tsa_subject: String,
    pub tsa_issuer: String,
    pub tsa_cert_sha256: String,
    pub signature_algorithm: &'static str,
    pub log_seq: i64,
    /// Whether a request was given and its nonce matched.
    pub nonce_checked: bool,
}

/// RFC 3339 UTC of a token's time.
pub fn gen_time_text(info: &TimestampInfo) -> String {
    jiff::Timestamp::from_second(info.gen_time_unix as i64)
        .map(anjing_model::time::rfc3339_utc)
        .unwrap_or_default()
}

impl Case {
    /// Signs a checkpoint over the whole log (if it grew) and returns a timestamp request over
    /// that note, with the checkpoint size. The request is not stored: the user sends it.
    pub fn timestamp_request(&mut self) -> Result<(TimestampRequest, u64), VaultError> {
        let note = self.checkpoint()?;
        let cp = anjing_proof::Checkpoint::parse(anjing_proof::open_note(
            &note,
            &anjing_proof::VerifierKey::parse(&self.verifier_key()?.unwrap_or_default())?,
        )?)?;
        let digest: [u8; 32] = Sha256::digest(note.as_bytes()).into();
        Ok((tsp::request(&digest)?, cp.size))
    }

    /// Checks a `TimeStampResp` (and, when given, that it answers `request`), finds the stored
    /// checkpoint it covers, and stores it with a `timestamp` log entry (one transaction).
    /// The caller signs a new checkpoint afterwards.
    pub fn attach_timestamp(
        &mut self,
        response: &[u8],
        request: Option<&[u8]>,
    ) -> Result<AttachedTimestamp, VaultError> {
        let info = tsp::verify_response(response)?;
        let mut nonce_checked = false;
        if let Some(req) = request {
            let req = tsp::parse_request(req)?;
            if req.imprint != info.imprint {
                return Err(ts_err(
                    "时间戳回复与这个请求（.tsq）不对应：盖章的数据不同",
                    "the response's imprint differs from the request's",
                ));
            }
            if req.nonce.is_some() && req.nonce != info.nonce {
                return Err(ts_err(
                    "时间戳回复中的随机数（nonce）与请求不符：这不是对这个请求的回复",
                    "nonce mismatch between request and response",
                ));
            }
            nonce_checked = req.nonce.is_some();
        }
        let imprint_hex = hex::encode(info.imprint);
        let covered = self
            .checkpoints()?
            .into_iter()
            .find(|c| hex::encode(Sha256::digest(c.note.as_bytes())) == imprint_hex)
            .ok_or_else(|| {
                ts_err(
                    format!(
                        "这个时间戳盖章的数据（SHA-256 {imprint_hex}）不是本案件的任何检查点，拒绝保存"
                    ),
                    "the token's imprint matches no checkpoint of this case",
                )
            })?;
        let response_sha256 = hex::encode(Sha256::digest(response));
        let already: i64 = self.conn.query_row(
            "SELECT count(*) FROM timestamps WHERE imprint_sha256 = ?1 AND gen_time = ?2 AND tsa = ?3",
            params![imprint_hex, gen_time_text(&info), info.tsa_subject],
            |r| r.get(0),
        )?;
        if already > 0 {
            return Err(ts_err(
                "这个时间戳已经保存过了，没有做任何改动",
                "this token is already attached",
            ));
        }
        let gen_time = gen_time_text(&info);
        let at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO timestamps (checkpoint_size, imprint_sha256, request, response, gen_time, tsa, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![covered.size, imprint_hex, request, response, gen_time, info.tsa_subject, at],
        )?;
        let id = tx.last_insert_rowid();
        let entry = log::append(
            &tx,
            "timestamp",
            &serde_json::json!({
                "id": id,
                "checkpoint_size": covered.size,
                "checkpoint_sha256": imprint_hex,
                "response_sha256": response_sha256,
                "gen_time": gen_time,
                "tsa": info.tsa_subject,
                "tsa_issuer": info.tsa_issuer,
                "tsa_cert_sha256": info.tsa_cert_sha256,
                "serial": info.serial,
                "policy": info.policy,
            }),
        )?;
        tx.commit()?;
        Ok(AttachedTimestamp {
            id,
            checkpoint_size: covered.size,
            gen_time,
            tsa_subject: info.tsa_subject,
            tsa_issuer: info.tsa_issuer,
            tsa_cert_sha256: info.tsa_cert_sha256,
            signature_algorithm: info.signature_algorithm,
            log_seq: entry.seq,
            nonce_checked,
        })
    }

    /// Every stored timestamp, oldest first.
    pub fn timestamps(&self) -> Result<Vec<StoredTimestamp>, VaultError> {
        let mut st = self.conn.prepare(
            "SELECT id, checkpoint_size, imprint_sha256, response, gen_time, tsa, at
               FROM timestamps ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            Ok(StoredTimestamp {
                id: r.get(0)?,
                checkpoint_size: r.get(1)?,
                imprint_sha256: r.get(2)?,
                response: r.get(3)?,
                gen_time: r.get(4)?,
                tsa: r.get(5)?,
                at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stored checkpoint note of `size` entries.
    pub fn checkpoint_note(&self, size: i64) -> Result<Option<String>, VaultError> {
        Ok(self.checkpoints()?.into_iter().find(|c| c.size == size).map(|c| c.note))
    }
}

/// One timestamp of a package, as `verify` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PackageTimestamp {
    /// `timestamps/<n>.tsr`.
    pub token: String,
    pub checkpoint_size: Option<u64>,
    /// RFC 3339 UTC.
    pub gen_time_utc: String,
    /// Asia/Shanghai, for people.
    pub gen_time_local: String,
    pub tsa_subject: String,
    pub tsa_issuer: String,
    pub tsa_cert_sha256: String,
    pub signature_algorithm: String,
    pub ok: bool,
}

/// The `timestamps` check of [`crate::package::verify_package`]: every `timestamps/<n>.tsr`
/// is a valid token (status, imprint, CMS signature, critical timeStamping EKU) over
/// `timestamps/<n>.checkpoint`, that note is signed with the case key and is a checkpoint of
/// this very log (its root is the root of the first `size` entries), and the tokens and the
/// `timestamp` log entries match one to one (a removed token is named).
pub(crate) fn verify_in_package(
    meta: &std::collections::BTreeMap<String, Vec<u8>>,
    vkey: &str,
    cp: Option<&anjing_proof::Checkpoint>,
    log_entries: &[log::LogEntry],
    leaves: Option<&[anjing_proof::Hash]>,
) -> (crate::package::VerifyCheck, Vec<PackageTimestamp>) {
    let mut check = crate::package::Check::new(
        "timestamps",
        "可信时间戳（RFC 3161）",
        "时间戳服务机构（TSA）签发的令牌完好、签名有效、证书是时间戳专用的，盖章的正是本案件签名日志的检查点：这些日志最晚在显示的时间已经存在。是否信任这家机构（它的证书链），需要核对者自己判断",
    );
    let mut out = Vec::new();
    let mut logged: std::collections::BTreeMap<String, i64> = log_entries
        .iter()
        .filter(|e| e.action == "timestamp")
        .filter_map(|e| e.detail["response_sha256"].as_str().map(|h| (h.to_string(), e.seq)))
        .collect();
    for (name, bytes) in meta.range("timestamps/".to_string()..) {
        let Some(rest) = name.strip_prefix("timestamps/") else { break };
        if let Some(stem) = rest.strip_suffix(".checkpoint") {
            if !meta.contains_key(&format!("timestamps/{stem}.tsr")) {
                check.fail(name.clone(), "这个检查点没有对应的时间戳令牌（.tsr）");
            }
            continue;
        }
        let Some(stem) = rest.strip_suffix(".tsr") else {
            check.fail(name.clone(), "timestamps/ 里不应有这个文件");
            continue;
        };
        let cp_name = format!("timestamps/{stem}.checkpoint");
        let sha = hex::encode(Sha256::digest(bytes));
        if logged.remove(&sha).is_none() {
            check
                .fail(name.clone(), "这个时间戳令牌没有记录在签名的案件日志里（不是本案件附上的）");
        }
        let info = match tsp::verify_response(bytes) {
            Ok(i) => i,
            Err(e) => {
                check.fail(name.clone(), format!("时间戳令牌无效：{e}"));
                continue;
            }
        };
        let gen_time_utc = gen_time_text(&info);
        let mut view = PackageTimestamp {
            token: name.clone(),
            checkpoint_size: None,
            gen_time_local: jiff::Timestamp::from_second(info.gen_time_unix as i64)
                .map(anjing_model::time::display)
                .unwrap_or_default(),
            gen_time_utc,
            tsa_subject: info.tsa_subject.clone(),
            tsa_issuer: info.tsa_issuer.clone(),
            tsa_cert_sha256: info.tsa_cert_sha256.clone(),
            signature_algorithm: info.signature_algorithm.to_string(),
            ok: false,
        };
        let before = check_failures(&check);
        match meta.get(&cp_name) {
            None => check.fail(name.clone(), format!("缺少它所盖章的检查点 {cp_name}")),
            Some(note) => {
                if Sha256::digest(note).as_slice() != info.imprint {
                    check.fail(
                        name.clone(),
                        format!("时间戳盖章的数据不是 {cp_name}（SHA-256 不同）"),
                    );
                }
                let note = String::from_utf8_lossy(note);
                match anjing_proof::verify_signed_checkpoint(&note, vkey) {
                    Err(e) => check.fail(cp_name.clone(), format!("检查点签名无效：{e}")),
                    Ok(stamped) => {
                        view.checkpoint_size = Some(stamped.size);
                        let same_log = cp.is_some_and(|cp| cp.origin == stamped.origin)
                            && leaves.is_some_and(|l| {
                                usize::try_from(stamped.size)
                                    .ok()
                                    .and_then(|n| l.get(..n))
                                    .is_some_and(|prefix| {
                                        anjing_proof::root(prefix) == stamped.root
                                    })
                            });
                        if !same_log {
                            check.fail(
                                cp_name.clone(),
                                "盖章的检查点不是这份日志的检查点（前若干条日志的默克尔根不同）",
                            );
                        }
                    }
                }
            }
        }
        view.ok = check_failures(&check) == before;
        out.push(view);
    }
    for (sha, seq) in logged {
        check.fail(
            format!("日志第 {seq} 条"),
            format!("日志记录了一个时间戳（SHA-256 {sha}），但包里没有它（被删除了）"),
        );
    }
    let valid = out.iter().filter(|t| t.ok).count();
    let summary = if out.is_empty() {
        "包里没有时间戳".to_string()
    } else {
        format!("{valid} 个时间戳有效（共 {} 个）", out.len())
    };
    (check.done(summary), out)
}

fn check_failures(c: &crate::package::Check) -> usize {
    c.failures.len()
}
