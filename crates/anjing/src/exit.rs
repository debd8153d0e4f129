//! Exit statuses (documented in `anjing --help`).

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    Error,
    Damaged,
    NotAnExport,
    Tampered,
}

impl Status {
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::Error => 1,
            Status::Damaged => 3,
            Status::NotAnExport => 4,
            Status::Tampered => 5,
        }
    }

    /// The status for an error that stopped a command.
    pub fn from_error(e: &anyhow::Error) -> Status {
        match e.downcast_ref::<anjing_vault::VaultError>() {
            Some(anjing_vault::VaultError::NotAnExport { .. }) => Status::NotAnExport,
            Some(anjing_vault::VaultError::LogBroken { .. }) => Status::Tampered,
            _ => Status::Error,
        }
    }

    /// The worse of two statuses.
    pub fn worst(self, other: Status) -> Status {
        if other.code() > self.code() && other != Status::Ok { other } else { self }
    }
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s.code())
    }
}
