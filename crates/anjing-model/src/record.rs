//! Kinds of record, directions and call results, with the stable codes used in
//! `anjing records --json` and the case database.

use serde::{Deserialize, Serialize};

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Sms,
    Mms,
    Call,
    Note,
    Recording,
    Image,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Sms => "sms",
            RecordKind::Mms => "mms",
            RecordKind::Call => "call",
            RecordKind::Note => "note",
            RecordKind::Recording => "recording",
            RecordKind::Image => "image",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Sms, Self::Mms, Self::Call, Self::Note, Self::Recording, Self::Image]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            RecordKind::Sms => "短信",
            RecordKind::Mms => "彩信",
            RecordKind::Call => "通话",
            RecordKind::Note => "手记",
            RecordKind::Recording => "录音",
            RecordKind::Image => "截图/照片",
        }
    }
    /// Whether records of this kind carry a message text.
    pub fn is_message(self) -> bool {
        matches!(self, RecordKind::Sms | RecordKind::Mms | RecordKind::Note)
    }
}

/// Seen from the phone that exported the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
    Unknown,
}

impl Direction {
    pub fn code(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Unknown => "unknown",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "in" => Some(Self::In),
            "out" => Some(Self::Out),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Direction::In => "收到",
            Direction::Out => "发出",
            Direction::Unknown => "方向不明",
        }
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    Answered,
    Missed,
    Rejected,
    Blocked,
    Voicemail,
    Unknown,
}

impl CallResult {
    pub fn code(self) -> &'static str {
        match self {
            CallResult::Answered => "answered",
            CallResult::Missed => "missed",
            CallResult::Rejected => "rejected",
            CallResult::Blocked => "blocked",
            CallResult::Voicemail => "voicemail",
            CallResult::Unknown => "unknown",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        [
            Self::Answered,
            Self::Missed,
            Self::Rejected,
            Self::Blocked,
            Self::Voicemail,
            Self::Unknown,
        ]
        .into_iter()
        .find(|k| k.code() == s)
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            CallResult::Answered => "已接通",
            CallResult::Missed => "未接",
            CallResult::Rejected => "已拒接",
            CallResult::Blocked => "已拦截",
            CallResult::Voicemail => "语音信箱",
            CallResult::Unknown => "结果不明",
        }
    }
    /// Whether the attempt did not reach the person (counts towards "unanswered attempts").
    pub fn is_unanswered(self) -> bool {
        matches!(
            self,
            CallResult::Missed | CallResult::Rejected | CallResult::Blocked | CallResult::Voicemail
        )
    }
}
