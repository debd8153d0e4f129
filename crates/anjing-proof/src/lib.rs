//! Tamper-evidence proofs for the Anjing case log: RFC 6962 Merkle trees and C2SP signed
//! checkpoints. Pure computation: no files, no clock, no network.
//!
//! # What the leaves are
//!
//! The vault keeps an append-only, hash-chained log of everything that happens to a case
//! (intake of an original, a derived record, a user's decision on a finding, a purge…). Each
//! log entry has one canonical byte encoding; the vault computes `d = SHA-256(entry)` and feeds
//! `d` (32 bytes) to this crate as the **leaf data** of entry number `i` (0-based). The Merkle
//! **leaf hash** is then `SHA-256(0x00 ‖ d)` ([`leaf_hash`]), and the tree over the first `n`
//! leaf hashes has the root [`root`]. A [`Checkpoint`] `(origin, n, root)` signed with the
//! case's Ed25519 key ([`sign_checkpoint`]) commits to the whole log up to entry `n - 1`:
//!
//! * an **inclusion proof** ([`inclusion_proof`] / [`verify_inclusion`]) shows that one entry is
//!   in the log at a given position, without handing over the other entries;
//! * a **consistency proof** ([`consistency_proof`] / [`verify_consistency`]) shows that a later
//!   checkpoint only appended to an earlier one: nothing was changed, removed or reordered.
//!
//! Changing the leaf data (or the leaf order, or the hash prefixes) changes every root ever
//! signed, so it is a format change: the format is RFC 6962/9162 exactly, so that the logs can
//! be checked with existing transparency-log tools (Go `transparency-dev/merkle`,
//! `golang.org/x/mod/sumdb/note`), not only with `anjing verify`.
//!
//! # Why the 0x00 / 0x01 domain separation matters
//!
//! Without different prefixes for leaves and interior nodes, the 64 bytes `left ‖ right` of an
//! interior node could be presented as the data of a "leaf", and a tree with fewer, forged
//! leaves would have the same root (a second-preimage attack on the tree). The prefixes make a
//! leaf hash and a node hash come from disjoint inputs, so a root pins down exactly one list of
//! leaves. RFC 6962 also splits unbalanced trees at the largest power of two instead of
//! duplicating the last node (the Bitcoin-style duplication gives two leaf lists with the same
//! root, CVE-2012-2459). This is why `rs_merkle` (no prefixes, odd-node promotion, no
//! consistency proofs) is not used here.
//!
//! # Example
//!
//! ```
//! use anjing_proof::*;
//!
//! // The vault: SHA-256 of each canonical log entry is the leaf data.
//! let entries: [&[u8]; 3] = [b"entry 0", b"entry 1", b"entry 2"];
//! let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(&sha256(e))).collect();
//! # fn sha256(b: &[u8]) -> [u8; 32] { use sha2::Digest; sha2::Sha256::digest(b).into() }
//!
//! // Sign a checkpoint of the first two entries, then of all three.
//! let key = SigningKey::generate("anjing-case-0001")?;
//! let old = Checkpoint::new("anjing.case/0001", 2, root(&leaves[..2]));
//! let new = Checkpoint::new("anjing.case/0001", 3, root(&leaves));
//! let (old_note, new_note) = (sign_checkpoint(&old, &key)?, sign_checkpoint(&new, &key)?);
//!
//! // A verifier with only the public key checks the notes, the growth, and one entry.
//! let vkey = key.verifier_key();
//! let old = verify_signed_checkpoint(&old_note, &vkey)?;
//! let new = verify_signed_checkpoint(&new_note, &vkey)?;
//! verify_consistency(old.size, new.size, &old.root, &new.root,
//!                    &consistency_proof(&leaves, old.size, new.size)?)?;
//! verify_inclusion(&leaves[1], 1, new.size, &inclusion_proof(&leaves, 1)?, &new.root)?;
//! # Ok::<(), ProofError>(())
//! ```
//!
//! # Modules
//!
//! * [`merkle`]: hashing, roots, inclusion and consistency proofs (generation and verification);
//! * [`checkpoint`]: checkpoint bodies, Ed25519 signing keys, signed notes;
//! * [`tsp`]: RFC 3161 timestamp requests and the checks of a TSA's reply.
//!
//! All errors are [`ProofError`], whose messages are Chinese first, English in parentheses.

pub mod checkpoint;
mod error;
pub mod merkle;
pub mod tsp;

pub use checkpoint::{
    Checkpoint, SigningKey, VerifierKey, open_note, sign_checkpoint, sign_note,
    verify_signed_checkpoint,
};
pub use error::ProofError;
pub use merkle::{
    Hash, RootBuilder, consistency_proof, consistency_proof_len, empty_root, inclusion_proof,
    inclusion_proof_len, leaf_hash, node_hash, root, verify_consistency, verify_inclusion,
};
