//! The user's decisions on findings (`anjing review`), and what changed between
//! two analysis runs.
//!
//! Findings are derived data: every analysis replaces them, so their row ids
//! change. A decision therefore names a finding by its **finding key**, which
//! depends only on what the finding is about:
//!
//! * a finding on one message: `r<record id>:<practice>:<rule>`;
//! * a pattern finding over many records:
//!   `p:<practice>:<rule>:<first 16 hex of SHA-256 of the sorted record ids>`
//!   (the ids joined with `,`).
//!
//! Decisions live in the append-only `reviews` table (migration 3): a later
//! decision on the same key supersedes an earlier one, `cleared` withdraws it.
//! Each decision is inserted together with its `review` log entry, in one
//! transaction.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::query::{FindingView, NewFinding};
use crate::{Case, VaultError, log};

/// What the user decided about a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The user agrees: this happened and it is what the finding says.
    Confirmed,
    /// The user disagrees (a false alarm, a misunderstanding), with a reason.
    Rejected,
    /// An earlier decision is withdrawn.
    Cleared,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Confirmed => "confirmed",
            Decision::Rejected => "rejected",
            Decision::Cleared => "cleared",
        }
    }

    pub fn from_code(s: &str) -> Option<Decision> {
        match s {
            "confirmed" => Some(Decision::Confirmed),
            "rejected" => Some(Decision::Rejected),
            "cleared" => Some(Decision::Cleared),
            _ => None,
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Decision::Confirmed => "已确认",
            Decision::Rejected => "已否定",
            Decision::Cleared => "未复核",
        }
    }
}

/// The decision in force for a finding key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewState {
    pub decision: Decision,
    /// In the user's words; may be empty for a confirmation.
    pub reason: String,
    /// RFC 3339 UTC.
    pub at: String,
}

/// A decision just recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewEntry {
    pub finding_key: String,
    pub decision: Decision,
    pub reason: String,
    pub at: String,
    /// The `review` log entry written with it.
    pub log_seq: i64,
}

/// The stable key of a finding (see the module docs).
pub fn finding_key(f: &NewFinding) -> String {
    match f.record_id {
        Some(id) => format!("r{id}:{}:{}", f.practice.code(), f.rule),
        None => {
            let ids: BTreeSet<i64> = f.record_ids.iter().copied().collect();
            let joined = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
            let digest = hex::encode(Sha256::digest(joined.as_bytes()));
            format!("p:{}:{}:{}", f.practice.code(), f.rule, &digest[..16])
        }
    }
}

/// The decision in force for every reviewed key (`cleared` keys are left out).
pub(crate) fn current(conn: &Connection) -> Result<HashMap<String, ReviewState>, VaultError> {
    let mut st =
        conn.prepare("SELECT finding_key, decision, reason, at FROM reviews ORDER BY id")?;
    let mut out = HashMap::new();
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let key: String = r.get(0)?;
        let decision: String = r.get(1)?;
        match Decision::from_code(&decision) {
            Some(Decision::Cleared) | None => {
                out.remove(&key);
            }
            Some(d) => {
                out.insert(key, ReviewState { decision: d, reason: r.get(2)?, at: r.get(3)? });
            }
        }
    }
    Ok(out)
}

/// What changed between the findings stored before an analysis and the new ones.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AnalysisChanges {
    /// Keys present now and not before.
    pub added: Vec<String>,
    /// Keys present before and not now.
    pub removed: Vec<String>,
    /// Removed keys that carried a user decision (the decision is kept and
    /// applies again if the finding comes back).
    pub removed_reviewed: Vec<String>,
    /// Keys in both runs.
    pub kept: usize,
    /// Whether there was a previous run with keyed findings to compare with.
    pub compared: bool,
}

impl AnalysisChanges {
    /// Counts for the log entry.
    pub fn counts(&self) -> serde_json::Value {
        serde_json::json!({
            "compared": self.compared,
            "added": self.added.len(),
            "removed": self.removed.len(),
            "removed_reviewed": self.removed_reviewed.len(),
            "kept": self.kept,
        })
    }
}

/// Compares the stored findings' keys (before they are replaced) with the new ones.
/// The stored findings' keys and the decisions in force, read before an analysis replaces the
/// findings, to tell afterwards what changed ([`Previous::changes`]).
pub(crate) struct Previous {
    old: BTreeSet<String>,
    unkeyed: i64,
    reviewed: BTreeSet<String>,
}

impl Previous {
    pub(crate) fn load(conn: &Connection) -> Result<Previous, VaultError> {
        let mut st = conn.prepare("SELECT finding_key FROM findings WHERE finding_key != ''")?;
        let old: BTreeSet<String> = st.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let unkeyed: i64 =
            conn.query_row("SELECT count(*) FROM findings WHERE finding_key = ''", [], |r| {
                r.get(0)
            })?;
        let reviewed = current(conn)?.into_keys().collect();
        Ok(Previous { old, unkeyed, reviewed })
    }

    pub(crate) fn changes(&self, new: &BTreeSet<String>) -> AnalysisChanges {
        let removed: Vec<String> = self.old.difference(new).cloned().collect();
        AnalysisChanges {
            added: new.difference(&self.old).cloned().collect(),
            removed_reviewed: removed
                .iter()
                .filter(|k| self.reviewed.contains(*k))
                .cloned()
                .collect(),
            removed,
            kept: self.old.intersection(new).count(),
            compared: !self.old.is_empty() && self.unkeyed == 0,
        }
    }
}

impl Case {
    /// The stored finding named by `reference`: its row id (digits) or its finding key.
    pub fn finding_by_ref(&self, reference: &str) -> Result<Option<FindingView>, VaultError> {
        let reference = reference.trim();
        let findings = self.findings()?;
        let found = match reference.parse::<i64>() {
            Ok(id) => findings.into_iter().find(|f| f.id == id),
            Err(_) => findings.into_iter().find(|f| f.finding_key == reference),
        };
        Ok(found)
    }

    /// Records a decision on a finding key and appends the `review` log entry,
    /// in one transaction. `about` is copied into the log entry (what the
    /// finding said when the user decided).
    pub fn record_review(
        &mut self,
        finding_key: &str,
        decision: Decision,
        reason: &str,
        about: &serde_json::Value,
    ) -> Result<ReviewEntry, VaultError> {
        let tx = self.conn.transaction()?;
        let detail = serde_json::json!({
            "finding_key": finding_key,
            "decision": decision.code(),
            "reason": reason,
            "finding": about,
        });
        let entry = log::append(&tx, "review", &detail)?;
        tx.execute(
            "INSERT INTO reviews (finding_key, decision, reason, at, log_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![finding_key, decision.code(), reason, entry.at, entry.seq],
        )?;
        tx.commit()?;
        Ok(ReviewEntry {
            finding_key: finding_key.to_string(),
            decision,
            reason: reason.to_string(),
            at: entry.at,
            log_seq: entry.seq,
        })
    }

    /// The decision in force for a key, if any.
    pub fn review_of(&self, finding_key: &str) -> Result<Option<ReviewState>, VaultError> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT decision, reason, at FROM reviews WHERE finding_key = ?1 ORDER BY id DESC LIMIT 1",
                [finding_key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.and_then(|(d, reason, at)| match Decision::from_code(&d) {
            Some(Decision::Cleared) | None => None,
            Some(decision) => Some(ReviewState { decision, reason, at }),
        }))
    }

    /// Every decision in force, by finding key (including keys whose finding
    /// is not in the current analysis).
    pub fn reviews(&self) -> Result<HashMap<String, ReviewState>, VaultError> {
        current(&self.conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use anjing_model::Practice;

    fn nf(record_id: Option<i64>, ids: Vec<i64>) -> NewFinding {
        NewFinding {
            record_id,
            practice: Practice::Threat,
            rule: "threat.visit".into(),
            severity: "serious".into(),
            spans: vec![],
            explanation: String::new(),
            legal_bases: std::sync::Arc::new(serde_json::json!([])),
            record_ids: ids,
            details: serde_json::json!({}),
        }
    }

    #[test]
    fn message_keys_name_record_practice_and_rule() {
        assert_eq!(finding_key(&nf(Some(42), vec![42])), "r42:threat:threat.visit");
    }

    #[test]
    fn pattern_keys_do_not_depend_on_record_order() {
        let a = finding_key(&nf(None, vec![3, 1, 2]));
        let b = finding_key(&nf(None, vec![1, 2, 3, 2]));
        assert_eq!(a, b);
        assert!(a.starts_with("p:threat:threat.visit:"));
        assert_eq!(a.len(), "p:threat:threat.visit:".len() + 16);
        assert_ne!(a, finding_key(&nf(None, vec![1, 2, 4])));
    }
}
