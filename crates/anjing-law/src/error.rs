//! The one error type of the law layer.

/// Why the built-in legal data could not be loaded.
///
/// The data is embedded at compile time and checked by the crate's tests, so in a released
/// build this never happens; it exists so that a bad edit of a data file fails loudly at
/// start-up (and in `cargo test`) instead of producing wrong legal advice.
#[derive(Debug, thiserror::Error)]
pub enum LawError {
    /// A data file is not valid TOML or does not match the expected shape.
    #[error("law data file {file}: {source}")]
    Parse {
        /// The data file, e.g. `law/cn/civil.toml`.
        file: &'static str,
        /// What the TOML parser said.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A data file parsed but breaks a rule of the law layer (see the message).
    #[error("law data file {file}: {message}")]
    Invalid {
        /// The data file, e.g. `law/cn/mapping.toml`.
        file: &'static str,
        /// What is wrong, naming the entry.
        message: String,
    },
}
