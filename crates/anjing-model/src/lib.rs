/*!
Domain types shared by every Anjing crate.

This crate is the vocabulary of `docs/design.md` §2 turned into types: what a
record is, which practices detection may report, how a Chinese phone number is
normalised and classified, and how an instant is kept (UTC plus the raw value
and its unit) and shown (Asia/Shanghai).

**Architecture invariant:** no I/O here. Everything is plain data and pure
functions, so every other crate can depend on it.
*/

pub mod mask;
pub mod phone;
pub mod practice;
pub mod record;
pub mod time;

pub use practice::Practice;
pub use record::{CallResult, Direction, RecordKind};
