/*!
The law layer of Anjing: statutes as data, and which of them a collection practice may engage.

Every statute the program cites is an entry in a TOML file under `law/cn/`, embedded at compile time. An
entry carries its verbatim text (only when the reference `shared/reference/legal-cn.md` marks it
VERIFIED), its version, the dates it was in force, where it comes from and how sure we are.
`law/cn/mapping.toml` says which articles each practice may engage and how to word it;
[`Library::bases_for`] picks the version in force on the event's date.

**Architecture invariant:** this crate decides *what the law says about a finding*; it never
reads evidence and never renders documents. Everything is pure data and pure functions.

**Architecture invariant:** nothing here states a legal conclusion as certain. Bases say
"可能违反", "可能构成"; criminal ones name their threshold; industry rules are "行业自律规范
（据公开报道）", never "违法". The crate's tests enforce the wording, and that every stored text
occurs verbatim in the reference.
*/

mod advise;
mod article;
mod deadline;
mod error;
mod library;
mod scope;
pub mod wording;

pub use advise::{
    Avoid, CaseFacts, Channel, Contacted, ForContacts, Guidance, Guide, Have, LenderType, Plan,
    Requirement, Step, advise, contacted_names_zh, contacts_advice, first_steps, limitation_notes,
    sms_report_12321,
};
pub use article::{Area, Article, Confidence};
pub use deadline::{Deadline, DeadlineFacts, deadlines};
pub use error::LawError;
pub use library::{Basis, Condition, Library, MappingEntry};
pub use scope::{Applies, CaseScope};
