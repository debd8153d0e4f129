//! Content sniffing: the file's bytes, not its name, pick the importer.

use crate::ImportError;

/// A format Anjing can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// SMS Backup & Restore XML, root `<smses>`.
    SbrMessages,
    /// SMS Backup & Restore XML, root `<calls>`.
    SbrCalls,
    /// A SQLite database whose schema is not decided yet (see [`crate::refine`]).
    Sqlite,
    /// Android `mmssms.db` (tables `sms`, `pdu`, `part`, `addr`).
    AndroidMmsSms,
    /// Android `calllog.db` / `contacts2.db` (table `calls`).
    AndroidCallLog,
    /// iOS `sms.db` (tables `message`, `handle`, `chat`, `attachment`).
    IosSms,
    /// iOS `CallHistory.storedata` (table `ZCALLRECORD`).
    IosCallHistory,
    /// SMS Import/Export (sms-ie) `messages.ndjson` or call-log JSON.
    SmsIe,
    /// A delimited text table (carrier itemised bill, a list a lawyer typed): UTF-8, BOM or GBK.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
    /// A screenshot or photo (PNG, JPEG, HEIC/HEIF, WebP, GIF).
    Image,
    /// A call recording (AMR-NB/WB, M4A/MP4, MP3, WAV, AAC, Ogg, FLAC).
    Audio,
    /// A manual contact log entry written by `anjing note add` (canonical JSON).
    Note,
    /// A ZIP container (e.g. sent over WeChat): every member is imported on its own.
    Zip,
}

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 14] = [
        Format::SbrMessages,
        Format::SbrCalls,
        Format::Sqlite,
        Format::AndroidMmsSms,
        Format::AndroidCallLog,
        Format::IosSms,
        Format::IosCallHistory,
        Format::SmsIe,
        Format::Csv,
        Format::Xlsx,
        Format::Image,
        Format::Audio,
        Format::Note,
        Format::Zip,
    ];

    /// The format of a stored code (`sbr_messages`…).
    pub fn from_code(code: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Format::SbrMessages => "sbr_messages",
            Format::SbrCalls => "sbr_calls",
            Format::Sqlite => "sqlite",
            Format::AndroidMmsSms => "android_mmssms",
            Format::AndroidCallLog => "android_calllog",
            Format::IosSms => "ios_sms",
            Format::IosCallHistory => "ios_call_history",
            Format::SmsIe => "sms_ie",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Image => "image",
            Format::Audio => "audio",
            Format::Note => "note",
            Format::Zip => "zip",
        }
    }
    pub fn name_zh(self) -> &'static str {
        match self {
            Format::SbrMessages => "SMS Backup & Restore 短信备份（XML）",
            Format::SbrCalls => "SMS Backup & Restore 通话记录备份（XML）",
            Format::Sqlite => "SQLite 数据库",
            Format::AndroidMmsSms => "安卓短信数据库（mmssms.db）",
            Format::AndroidCallLog => "安卓通话记录数据库（calllog.db）",
            Format::IosSms => "苹果短信数据库（sms.db）",
            Format::IosCallHistory => "苹果通话记录数据库（CallHistory.storedata）",
            Format::SmsIe => "SMS Import/Export 短信/通话导出（JSON）",
            Format::Csv => "表格（CSV）",
            Format::Xlsx => "Excel 表格（XLSX）",
            Format::Image => "截图/照片",
            Format::Audio => "录音",
            Format::Note => "手记（手动记录的联系）",
            Format::Zip => "压缩包（ZIP）",
        }
    }
}

/// Looks at the first bytes of a file (a few KiB are enough) and names its format.
pub fn sniff(head: &[u8]) -> Result<Format, ImportError> {
    let not = |zh: &str, en: &str| ImportError::NotAnExport {
        reason_zh: zh.to_string(),
        reason_en: en.to_string(),
    };
    if head.is_empty() {
        return Err(not("文件是空的", "the file is empty"));
    }
    if head.starts_with(crate::db::SQLITE_MAGIC) {
        return Ok(Format::Sqlite);
    }
    if crate::wal::is_wal(head) {
        return Err(not(
            "这是 SQLite 数据库的预写日志（-wal 文件），本身不是完整的数据库：请把它和同名的数据库文件（例如 mmssms.db 和 mmssms.db-wal）放在同一文件夹或同一压缩包里一起导入",
            "a SQLite write-ahead log: import it together with its database (NAME and NAME-wal side by side)",
        ));
    }
    if crate::smsie::looks_like_smsie(head) {
        return Ok(Format::SmsIe);
    }
    if let Some(f) = crate::media::sniff_binary(head) {
        return Ok(f);
    }
    if crate::note::looks_like_note(head) {
        return Ok(Format::Note);
    }
    if crate::table::looks_like_table(head) {
        return Ok(Format::Csv);
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // The head may cut a multi-byte character: accept a valid prefix.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(_) => {
            return Err(not(
                "文件不是文本（可能是图片、压缩包或其他二进制文件）",
                "binary content, not UTF-8 text",
            ));
        }
    };
    // Find the first element name after the prolog, comments and processing instructions.
    let mut rest = text.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix("<?") {
            rest = r.split_once("?>").map(|(_, r)| r).unwrap_or("").trim_start();
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.split_once("-->").map(|(_, r)| r).unwrap_or("").trim_start();
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = r.split_once('>').map(|(_, r)| r).unwrap_or("").trim_start();
        } else {
            break;
        }
    }
    let Some(r) = rest.strip_prefix('<') else {
        return Err(not("文件不是 XML 格式的短信或通话备份", "no XML root element found"));
    };
    let name: String =
        r.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-').collect();
    match name.as_str() {
        "smses" => Ok(Format::SbrMessages),
        "calls" => Ok(Format::SbrCalls),
        _ => Err(not(
            &format!("XML 根元素是 <{name}>，不是短信备份 <smses> 或通话备份 <calls>"),
            &format!("unknown XML root element <{name}>"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_sbr_roots_after_prolog_and_comments() {
        let h = b"\xEF\xBB\xBF<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<!--File Created By SMS Backup & Restore-->\n<?xml-stylesheet type=\"text/xsl\" href=\"sms.xsl\"?>\n<smses count=\"2\">";
        assert_eq!(sniff(h).unwrap(), Format::SbrMessages);
        assert_eq!(sniff(b"<calls count='1'>").unwrap(), Format::SbrCalls);
    }

    #[test]
    fn rejects_empty_binary_and_foreign_xml() {
        assert!(matches!(sniff(b""), Err(ImportError::NotAnExport { .. })));
        assert!(matches!(sniff(b"\x00\x01\x02\x03binary"), Err(ImportError::NotAnExport { .. })));
        assert!(matches!(sniff(b"<html><body>"), Err(ImportError::NotAnExport { .. })));
        // A table is sniffed as CSV; whether it has usable columns is `confirm`'s question.
        assert_eq!(sniff(b"id,text\n1,hello\n").unwrap(), Format::Csv);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe").unwrap(), Format::Image);
        // A lone -wal says what it is and what to do.
        match sniff(b"\x37\x7f\x06\x82\x00\x2d\xe2\x18\x00\x00\x10\x00") {
            Err(ImportError::NotAnExport { reason_zh, .. }) => {
                assert!(reason_zh.contains("-wal"), "{reason_zh}")
            }
            other => panic!("{other:?}"),
        }
    }
}
