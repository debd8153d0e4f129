/*!
Recovers the plain text of an iOS `message.attributedBody` (an
`NSAttributedString` archived as an Apple *typedstream*), which since iOS 16
often holds a message's only copy of its text (`message.text` is NULL).

Only what plain text needs is decoded, not the whole archive: the string
follows the `NSString` (or `NSMutableString`) class record, after the
type marker `+` (`0x84 0x01 0x2B`). Its length is a typedstream integer: one
byte below `0x80`, or `0x81` and a 2-byte little-endian value, or `0x82` and a
4-byte little-endian value. The bytes are UTF-8.

Every read is bounds-checked: any input, however broken, returns an error or
a (possibly partial) text and never panics.
*/

/// Why no text could be recovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypedStreamError {
    /// Not a typedstream (the `streamtyped` signature is missing).
    NotTypedStream,
    /// No `NSString`/`NSMutableString` class record.
    NoString,
    /// The length field is cut off or of an unknown form.
    BadLength,
}

/// A recovered text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The stated length ran past the end of the blob (the text is what was there).
    pub truncated: bool,
    /// Bytes that were not UTF-8 were replaced by U+FFFD.
    pub lossy: bool,
}

const SIGNATURE: &[u8] = b"streamtyped";
const STRING_CLASSES: [&[u8]; 2] = [b"NSString", b"NSMutableString"];
const STRING_TYPE: &[u8] = &[0x84, 0x01, 0x2B];
/// How far after the class name the string type marker may be.
const MARKER_WINDOW: usize = 16;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Decodes the text of an `attributedBody` blob.
pub fn decode(blob: &[u8]) -> Result<Decoded, TypedStreamError> {
    // The signature sits near the start: `\x04\x0bstreamtyped`.
    match find(blob.get(..32).unwrap_or(blob), SIGNATURE) {
        Some(_) => {}
        None => return Err(TypedStreamError::NotTypedStream),
    }
    let (class_at, class_len) = STRING_CLASSES
        .iter()
        .filter_map(|c| find(blob, c).map(|at| (at, c.len())))
        .min_by_key(|&(at, _)| at)
        .ok_or(TypedStreamError::NoString)?;
    let after = class_at + class_len;
    let window = blob.get(after..).unwrap_or(&[]);
    let window = window.get(..MARKER_WINDOW).unwrap_or(window);
    let len_at = match find(window, STRING_TYPE) {
        Some(p) => after + p + STRING_TYPE.len(),
        // Tolerate a variant layout: the first `+` after the class name.
        None => {
            after + window.iter().position(|&b| b == b'+').ok_or(TypedStreamError::NoString)? + 1
        }
    };
    let (len, start) = read_len(blob, len_at).ok_or(TypedStreamError::BadLength)?;
    let avail = blob.len().saturating_sub(start);
    let truncated = len > avail;
    let bytes = blob.get(start..start + len.min(avail)).unwrap_or(&[]);
    let (text, lossy) = match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_owned(), false),
        Err(e) if truncated && e.error_len().is_none() => {
            // Cut inside a multi-byte character: keep the valid prefix.
            (String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(), false)
        }
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    };
    Ok(Decoded { text, truncated, lossy })
}

/// Reads a typedstream length at `at`: returns (length, offset of the data).
fn read_len(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let first = *b.get(at)?;
    match first {
        0x81 => {
            let v = b.get(at + 1..at + 3)?;
            Some((u16::from_le_bytes([v[0], v[1]]) as usize, at + 3))
        }
        0x82 => {
            let v = b.get(at + 1..at + 5)?;
            Some((u32::from_le_bytes([v[0], v[1], v[2], v[3]]) as usize, at + 5))
        }
        n if n < 0x80 => Some((n as usize, at + 1)),
        _ => None,
    }
}

/// Builds a minimal `attributedBody`-like typedstream holding `text` (tests and fuzz seeds).
pub fn encode_for_tests(text: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84");
    b.extend_from_slice(b"\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84");
    b.extend_from_slice(b"\x08NSString\x01\x94\x84\x01+");
    let t = text.as_bytes();
    if t.len() < 0x80 {
        b.push(t.len() as u8);
    } else if t.len() <= u16::MAX as usize {
        b.push(0x81);
        b.extend_from_slice(&(t.len() as u16).to_le_bytes());
    } else {
        b.push(0x82);
        b.extend_from_slice(&(t.len() as u32).to_le_bytes());
    }
    b.extend_from_slice(t);
    // What follows the string in real blobs: the attribute runs.
    b.extend_from_slice(
        b"\x86\x84\x02iI\x01\x05\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84\x01i\x01\x92\x86\x86",
    );
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_with_one_byte_length() {
        let d = decode(&encode_for_tests("hello")).unwrap();
        assert_eq!(d, Decoded { text: "hello".into(), truncated: false, lossy: false });
    }

    #[test]
    fn long_chinese_text_with_two_byte_length() {
        let text =
            "【催收】您已逾期，今天下午五点前不还款，我们将联系您的通讯录所有联系人。".repeat(3);
        assert!(text.len() >= 0x80);
        let blob = encode_for_tests(&text);
        let at = find(&blob, b"NSString").unwrap();
        assert_eq!(blob[at + 13], 0x81, "two-byte length form");
        assert_eq!(decode(&blob).unwrap().text, text);
    }

    #[test]
    fn four_byte_length() {
        let text = "x".repeat(70_000);
        assert_eq!(decode(&encode_for_tests(&text)).unwrap().text, text);
    }

    #[test]
    fn mutable_string_class() {
        let mut blob = b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x0fNSMutableString\x01\x94\x84\x01+".to_vec();
        blob.push(3);
        blob.extend_from_slice("还钱".as_bytes().get(..3).unwrap());
        assert_eq!(decode(&blob).unwrap().text, "还");
    }

    #[test]
    fn truncated_and_broken_blobs_never_panic() {
        let full = encode_for_tests("你好，请尽快还款");
        let at = find(&full, b"NSString").unwrap() + 14;
        // Cut inside the text, inside a multi-byte character.
        let d = decode(&full[..at + 4]).unwrap();
        assert!(d.truncated);
        assert_eq!(d.text, "你");
        // Every prefix decodes to something or an error.
        for n in 0..full.len() {
            let _ = decode(&full[..n]);
        }
        assert_eq!(decode(b""), Err(TypedStreamError::NotTypedStream));
        assert_eq!(decode(b"\x04\x0bstreamtyped"), Err(TypedStreamError::NoString));
        assert_eq!(
            decode(b"\x04\x0bstreamtyped NSString\x01\x94\x84\x01+\x81\x05"),
            Err(TypedStreamError::BadLength)
        );
        assert_eq!(
            decode(b"\x04\x0bstreamtyped NSString\x01\x94\x84\x01+\xff"),
            Err(TypedStreamError::BadLength)
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_and_flagged() {
        let mut blob = b"\x04\x0bstreamtyped NSString\x01\x94\x84\x01+\x03".to_vec();
        blob.extend_from_slice(b"a\xffb");
        let d = decode(&blob).unwrap();
        assert_eq!(d.text, "a\u{FFFD}b");
        assert!(d.lossy);
    }
}
