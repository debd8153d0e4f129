//! Facts about a case that the evidence cannot tell: who lent the money, the borrower's
//! name, what remedy is wanted (schema migration 5, table `facts`).
//!
//! The vault stores plain `key → value` strings; which keys exist and what values they may
//! take is decided by the caller (the CLI keeps the table of known keys). Every change is
//! logged: [`Case::set_facts`] writes the table and appends one `facts` log entry naming each
//! changed key with its old and new value, in the same transaction. Setting a value that is
//! already stored changes nothing and logs nothing. An empty value removes the key.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::query::LogEntryRef;
use crate::{Case, VaultError, log};

/// The log action of a facts change.
pub const LOG_ACTION: &str = "facts";

/// One changed fact, as logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactChange {
    pub key: String,
    /// The value before, `None` if the key was not set.
    pub old: Option<String>,
    /// The value after, `None` if the key was removed.
    pub new: Option<String>,
}

/// What [`Case::set_facts`] did.
#[derive(Debug, Clone, Serialize)]
pub struct FactsUpdate {
    /// The keys that changed, in key order; empty when nothing changed.
    pub changes: Vec<FactChange>,
    /// The log entry written, `None` when nothing changed.
    pub log: Option<LogEntryRef>,
}

impl Case {
    /// Every stored fact, by key.
    pub fn facts(&self) -> Result<BTreeMap<String, String>, VaultError> {
        let mut st = self.conn.prepare("SELECT key, value FROM facts ORDER BY key")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets facts and logs the change in one transaction.
    ///
    /// Values are stored trimmed; an empty value removes the key. When a key is given more
    /// than once, the last value counts (callers that must refuse contradictions check
    /// before). Keys whose value does not change are neither written nor logged; when
    /// nothing changes, no log entry is written at all.
    pub fn set_facts(&mut self, facts: &[(&str, &str)]) -> Result<FactsUpdate, VaultError> {
        let mut wanted: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in facts {
            wanted.insert(k.trim(), v.trim());
        }
        let tx = self.conn.transaction()?;
        let at = anjing_model::time::rfc3339_utc(jiff::Timestamp::now());
        let mut changes = Vec::new();
        for (key, value) in wanted {
            if key.is_empty() {
                continue;
            }
            let old: Option<String> = tx
                .query_row("SELECT value FROM facts WHERE key = ?1", [key], |r| r.get(0))
                .optional()?;
            let new = (!value.is_empty()).then(|| value.to_string());
            if old == new {
                continue;
            }
            match &new {
                Some(v) => tx.execute(
                    "INSERT INTO facts (key, value, at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at",
                    params![key, v, at],
                )?,
                None => tx.execute("DELETE FROM facts WHERE key = ?1", [key])?,
            };
            changes.push(FactChange { key: key.to_string(), old, new });
        }
        if changes.is_empty() {
            return Ok(FactsUpdate { changes, log: None });
        }
        let mut detail = serde_json::Map::new();
        for c in &changes {
            detail.insert(c.key.clone(), serde_json::json!({"old": c.old, "new": c.new}));
        }
        let e = log::append(&tx, LOG_ACTION, &serde_json::json!({ "changed": detail }))?;
        tx.commit()?;
        Ok(FactsUpdate { changes, log: Some(LogEntryRef { seq: e.seq, hash: e.hash }) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case() -> (tempfile::TempDir, Case) {
        let dir = tempfile::tempdir().unwrap();
        let case = Case::init(dir.path(), "t").unwrap();
        (dir, case)
    }

    fn facts_entries(case: &Case) -> Vec<crate::LogEntry> {
        case.log().unwrap().into_iter().filter(|e| e.action == LOG_ACTION).collect()
    }

    #[test]
    fn setting_facts_writes_them_and_logs_once() {
        let (_d, mut case) = case();
        assert!(case.facts().unwrap().is_empty());
        let u = case.set_facts(&[("lender_type", "micro_loan"), ("app_name", " 快闪借 ")]).unwrap();
        assert_eq!(u.changes.len(), 2);
        assert!(u.log.is_some());
        let f = case.facts().unwrap();
        assert_eq!(f["lender_type"], "micro_loan");
        assert_eq!(f["app_name"], "快闪借");
        let entries = facts_entries(&case);
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0].detail,
            serde_json::json!({"changed": {
                "app_name": {"old": null, "new": "快闪借"},
                "lender_type": {"old": null, "new": "micro_loan"},
            }})
        );
        assert!(case.check().unwrap().ok());
    }

    #[test]
    fn unchanged_values_are_not_logged() {
        let (_d, mut case) = case();
        case.set_facts(&[("lender_type", "bank")]).unwrap();
        let before = case.log().unwrap().len();
        let u = case.set_facts(&[("lender_type", "bank")]).unwrap();
        assert!(u.changes.is_empty() && u.log.is_none());
        assert_eq!(case.log().unwrap().len(), before);
        // One changed and one unchanged: only the changed key is logged.
        let u = case.set_facts(&[("lender_type", "bank"), ("app_name", "某某借")]).unwrap();
        assert_eq!(u.changes.len(), 1);
        let last = facts_entries(&case).pop().unwrap();
        assert_eq!(
            last.detail,
            serde_json::json!({"changed": {"app_name": {"old": null, "new": "某某借"}}})
        );
    }

    #[test]
    fn a_change_logs_old_and_new_and_empty_removes() {
        let (_d, mut case) = case();
        case.set_facts(&[("lender_type", "bank")]).unwrap();
        case.set_facts(&[("lender_type", "consumer_finance")]).unwrap();
        let last = facts_entries(&case).pop().unwrap();
        assert_eq!(
            last.detail["changed"]["lender_type"],
            serde_json::json!({"old": "bank", "new": "consumer_finance"})
        );
        let u = case.set_facts(&[("lender_type", "")]).unwrap();
        assert_eq!(u.changes[0].new, None);
        assert!(!case.facts().unwrap().contains_key("lender_type"));
        // Removing what is not there is no change.
        assert!(case.set_facts(&[("lender_type", " ")]).unwrap().log.is_none());
        assert_eq!(facts_entries(&case).len(), 3);
    }

    #[test]
    fn the_last_of_repeated_keys_counts() {
        let (_d, mut case) = case();
        let u = case.set_facts(&[("app_name", "甲"), ("app_name", "乙")]).unwrap();
        assert_eq!(u.changes.len(), 1);
        assert_eq!(case.facts().unwrap()["app_name"], "乙");
    }
}
