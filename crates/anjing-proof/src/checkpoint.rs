//! C2SP signed checkpoints: <https://c2sp.org/tlog-checkpoint> bodies signed as
//! <https://c2sp.org/signed-note> notes with Ed25519, compatible with Go's
//! `golang.org/x/mod/sumdb/note` and the transparency-dev tools.
//!
//! A signed checkpoint looks like this (the `—` is U+2014 EM DASH):
//!
//! ```text
//! anjing.case/2f1c…            <- origin (which log)
//! 42                           <- tree size, decimal
//! 3q2+7w…=                     <- root hash, standard base64
//!                              <- blank line
//! — case-2f1c AAAAAeSmj…==     <- base64(4-byte key hash ‖ 64-byte Ed25519 signature)
//! ```
//!
//! The signature covers the body, i.e. every byte before the blank line including the final
//! newline. The key hash is the first 4 bytes of `SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)`.
//! Keys are written as text:
//!
//! * verifier key: `<name>+<8 hex key hash>+<base64(0x01 ‖ 32-byte public key)>`;
//! * private key: `PRIVATE+KEY+<name>+<8 hex key hash>+<base64(0x01 ‖ 32-byte seed)>`
//!   (the format of Go's `note.GenerateKey`).

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::Signer as _;
use sha2::{Digest, Sha256};

use crate::ProofError;
use crate::merkle::Hash;

/// Signature type byte of Ed25519 keys in signed notes.
const ALG_ED25519: u8 = 0x01;
/// Prefix of every signature line.
const SIG_PREFIX: &str = "\u{2014} ";
/// At most this many signature lines are accepted in one note (as in Go's `note.Open`).
const MAX_SIGNATURES: usize = 100;

fn malformed_checkpoint(zh: &'static str, en: &'static str) -> ProofError {
    ProofError::MalformedCheckpoint { zh, en }
}

fn malformed_note(zh: &'static str, en: &'static str) -> ProofError {
    ProofError::MalformedNote { zh, en }
}

fn malformed_key(zh: &'static str, en: &'static str) -> ProofError {
    ProofError::MalformedKey { zh, en }
}

/// True for the characters a note may not contain: ASCII control characters other than '\n'.
fn forbidden_in_note(c: char) -> bool {
    c < ' ' && c != '\n'
}

/// A log checkpoint: which log (`origin`), how many leaves (`size`), and the Merkle root.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checkpoint {
    /// Identifies the log, e.g. `anjing.case/<case id>`. Non-empty, one line.
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 6962 root of the tree of `size` leaves.
    pub root: Hash,
    /// Optional extension lines after the root (each non-empty). Anjing writes none; they are
    /// kept when parsing because they are covered by the signature.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    pub fn new(origin: impl Into<String>, size: u64, root: Hash) -> Self {
        Checkpoint { origin: origin.into(), size, root, extensions: Vec::new() }
    }

    /// The checkpoint body: `<origin>\n<size>\n<base64 root>\n` followed by the extension lines.
    ///
    /// Only a checkpoint that passes [`Checkpoint::validate`] gives a body that parses back.
    pub fn to_body(&self) -> String {
        let mut body = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for line in &self.extensions {
            body.push_str(line);
            body.push('\n');
        }
        body
    }

    /// Checks that the origin and extension lines can be written as a checkpoint body.
    ///
    /// # Errors
    /// [`ProofError::MalformedCheckpoint`] for an empty origin or extension line, or one that
    /// contains a newline or another control character.
    pub fn validate(&self) -> Result<(), ProofError> {
        if self.origin.is_empty() {
            return Err(malformed_checkpoint("来源行为空", "empty origin line"));
        }
        if self.origin.chars().any(char::is_control) {
            return Err(malformed_checkpoint(
                "来源行含有换行或控制字符",
                "origin contains a newline or control character",
            ));
        }
        for line in &self.extensions {
            if line.is_empty() || line.chars().any(char::is_control) {
                return Err(malformed_checkpoint(
                    "扩展行为空或含有控制字符",
                    "extension line is empty or contains a control character",
                ));
            }
        }
        Ok(())
    }

    /// Parses a checkpoint body (the note text, without signatures).
    ///
    /// # Errors
    /// [`ProofError::MalformedCheckpoint`] naming the first problem found.
    pub fn parse(body: &str) -> Result<Checkpoint, ProofError> {
        if body.chars().any(forbidden_in_note) {
            return Err(malformed_checkpoint("含有控制字符", "contains a control character"));
        }
        let Some(body) = body.strip_suffix('\n') else {
            return Err(malformed_checkpoint("没有以换行结尾", "does not end with a newline"));
        };
        let mut lines = body.split('\n');
        let origin = lines.next().unwrap_or_default();
        let (Some(size), Some(root)) = (lines.next(), lines.next()) else {
            return Err(malformed_checkpoint(
                "少于三行（来源、树大小、根哈希）",
                "fewer than three lines (origin, tree size, root hash)",
            ));
        };
        if origin.is_empty() {
            return Err(malformed_checkpoint("来源行为空", "empty origin line"));
        }
        let canonical_decimal = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size = canonical_decimal.then(|| size.parse::<u64>().ok()).flatten().ok_or(
            malformed_checkpoint(
                "树大小不是规范的十进制数",
                "tree size is not a canonical decimal number",
            ),
        )?;
        let root: Hash = B64.decode(root).ok().and_then(|bytes| bytes.try_into().ok()).ok_or(
            malformed_checkpoint(
                "根哈希不是 32 字节的标准 base64",
                "root hash is not 32 bytes of standard base64",
            ),
        )?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(malformed_checkpoint("含有空行", "contains an empty line"));
        }
        Ok(Checkpoint { origin: origin.to_owned(), size, root, extensions })
    }
}

/// `SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)[..4]` as a big-endian number.
fn key_hash(name: &str, public_key: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public_key);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

/// A key name must be non-empty, without whitespace, '+' or control characters.
fn check_name(name: &str) -> Result<(), ProofError> {
    let bad = |c: char| c.is_whitespace() || c == '+' || c.is_control();
    if name.is_empty() || name.chars().any(bad) {
        return Err(ProofError::InvalidKeyName);
    }
    Ok(())
}

/// Parses exactly 8 hex digits.
fn parse_key_hash(text: &str) -> Option<u32> {
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// Decodes `base64(0x01 ‖ 32 bytes)`.
fn decode_key_material(text: &str) -> Result<[u8; 32], ProofError> {
    let bytes = B64.decode(text).map_err(|_| {
        malformed_key("密钥内容不是标准 base64", "key material is not standard base64")
    })?;
    match bytes.split_first() {
        Some((&ALG_ED25519, rest)) => rest.try_into().map_err(|_| {
            malformed_key("Ed25519 密钥长度不是 32 字节", "Ed25519 key is not 32 bytes")
        }),
        Some((&alg, _)) => Err(ProofError::UnsupportedAlgorithm(alg)),
        None => Err(malformed_key("密钥内容为空", "empty key material")),
    }
}

/// The public half of a checkpoint signing key, as written in a verifier key text.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key_hash: u32,
    key: ed25519_dalek::VerifyingKey,
}

impl VerifierKey {
    /// Parses `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`.
    ///
    /// # Errors
    /// [`ProofError::MalformedKey`], [`ProofError::InvalidKeyName`],
    /// [`ProofError::UnsupportedAlgorithm`], or [`ProofError::KeyHashMismatch`] when the hash
    /// does not belong to the name and key.
    pub fn parse(text: &str) -> Result<VerifierKey, ProofError> {
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(hash), Some(material)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed_key(
                "验证密钥应为 名称+哈希+密钥",
                "verifier key must be name+hash+key",
            ));
        };
        check_name(name)?;
        let hash = parse_key_hash(hash)
            .ok_or(malformed_key("密钥哈希不是 8 位十六进制数", "key hash is not 8 hex digits"))?;
        let public = decode_key_material(material)?;
        if key_hash(name, &public) != hash {
            return Err(ProofError::KeyHashMismatch);
        }
        let key = ed25519_dalek::VerifyingKey::from_bytes(&public)
            .ok()
            .filter(|k| !k.is_weak())
            .ok_or(malformed_key("不是有效的 Ed25519 公钥", "not a valid Ed25519 public key"))?;
        Ok(VerifierKey { name: name.to_owned(), key_hash: hash, key })
    }

    /// The key name (signature lines carry it).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key hash.
    pub fn key_hash(&self) -> u32 {
        self.key_hash
    }

    /// The raw 32-byte Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// `<name>+<hex key hash>`, the short form used in messages.
    pub fn id(&self) -> String {
        format!("{}+{:08x}", self.name, self.key_hash)
    }

    /// The verifier key text `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`.
    pub fn to_text(&self) -> String {
        let mut material = Vec::with_capacity(33);
        material.push(ALG_ED25519);
        material.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.key_hash, B64.encode(material))
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl fmt::Debug for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("VerifierKey").field(&self.to_text()).finish()
    }
}

impl FromStr for VerifierKey {
    type Err = ProofError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VerifierKey::parse(s)
    }
}

/// A named Ed25519 key that signs checkpoints. `Debug` never shows the secret.
#[derive(Clone)]
pub struct SigningKey {
    name: String,
    key: ed25519_dalek::SigningKey,
}

impl SigningKey {
    /// A new key from operating-system randomness.
    ///
    /// # Errors
    /// [`ProofError::InvalidKeyName`], or [`ProofError::Randomness`] when the OS has none.
    pub fn generate(name: &str) -> Result<SigningKey, ProofError> {
        check_name(name)?;
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut()).map_err(|_| ProofError::Randomness)?;
        SigningKey::from_seed(name, &seed)
    }

    /// The key with this name and 32-byte Ed25519 seed (secret key).
    ///
    /// # Errors
    /// [`ProofError::InvalidKeyName`].
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<SigningKey, ProofError> {
        check_name(name)?;
        Ok(SigningKey { name: name.to_owned(), key: ed25519_dalek::SigningKey::from_bytes(seed) })
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key hash.
    pub fn key_hash(&self) -> u32 {
        key_hash(&self.name, self.key.verifying_key().as_bytes())
    }

    /// The public half.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            key_hash: self.key_hash(),
            key: self.key.verifying_key(),
        }
    }

    /// The verifier key text `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`, to publish and
    /// to put in evidence packages.
    pub fn verifier_key(&self) -> String {
        self.verifier().to_text()
    }

    /// A 32-byte secret derived from the key for another purpose, named by `label`:
    /// `SHA-256("anjing-derive-v1\n" ‖ label ‖ "\n" ‖ seed)`. It reveals nothing about the
    /// seed or the signatures (the vault uses it for the salts of record leaves).
    pub fn derive_secret(&self, label: &str) -> [u8; 32] {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(b"anjing-derive-v1\n");
        h.update(label.as_bytes());
        h.update(b"\n");
        h.update(self.key.as_bytes());
        h.finalize().into()
    }

    /// The private key text `PRIVATE+KEY+<name>+<hex key hash>+<base64(0x01 ‖ seed)>\n`.
    ///
    /// This is the secret: store it encrypted, never log it.
    pub fn to_file_text(&self) -> String {
        let mut material = zeroize::Zeroizing::new(Vec::with_capacity(33));
        material.push(ALG_ED25519);
        material.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}\n", self.name, self.key_hash(), B64.encode(&*material))
    }

    /// Parses the text written by [`SigningKey::to_file_text`] (or Go's `note.GenerateKey`);
    /// trailing whitespace (a final newline) is ignored.
    ///
    /// # Errors
    /// [`ProofError::MalformedKey`], [`ProofError::InvalidKeyName`],
    /// [`ProofError::UnsupportedAlgorithm`], or [`ProofError::KeyHashMismatch`] when the hash
    /// does not belong to the name and the public key derived from the seed.
    pub fn from_file_text(text: &str) -> Result<SigningKey, ProofError> {
        let mut parts = text.trim_end().splitn(5, '+');
        let (Some("PRIVATE"), Some("KEY"), Some(name), Some(hash), Some(material)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed_key(
                "私钥应为 PRIVATE+KEY+名称+哈希+密钥",
                "private key must be PRIVATE+KEY+name+hash+key",
            ));
        };
        check_name(name)?;
        let hash = parse_key_hash(hash)
            .ok_or(malformed_key("密钥哈希不是 8 位十六进制数", "key hash is not 8 hex digits"))?;
        let seed = zeroize::Zeroizing::new(decode_key_material(material)?);
        let key = SigningKey::from_seed(name, &seed)?;
        if key.key_hash() != hash {
            return Err(ProofError::KeyHashMismatch);
        }
        Ok(key)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("name", &self.name)
            .field("key_hash", &format_args!("{:08x}", self.key_hash()))
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Signs `text` as a signed note: `text ‖ "\n" ‖ "— <name> <base64(key hash ‖ signature)>\n"`.
///
/// # Errors
/// [`ProofError::MalformedNote`] when `text` is empty, does not end with a newline, or contains
/// a control character other than newline.
pub fn sign_note(text: &str, key: &SigningKey) -> Result<String, ProofError> {
    if !text.ends_with('\n') {
        return Err(malformed_note("正文没有以换行结尾", "text does not end with a newline"));
    }
    if text.chars().any(forbidden_in_note) {
        return Err(malformed_note("正文含有控制字符", "text contains a control character"));
    }
    let signature = key.key.sign(text.as_bytes());
    let mut blob = Vec::with_capacity(68);
    blob.extend_from_slice(&key.key_hash().to_be_bytes());
    blob.extend_from_slice(&signature.to_bytes());
    Ok(format!("{text}\n{SIG_PREFIX}{} {}\n", key.name, B64.encode(blob)))
}

/// Checks a signed note against one verifier key and returns the signed text.
///
/// Rules (c2sp.org/signed-note, as Go's `note.Open` with one known key):
/// * the note is text, a blank line, then one or more signature lines, each ending in '\n';
///   no control characters other than newline anywhere;
/// * at most 100 signature lines;
/// * lines by other keys (e.g. witness cosignatures) are ignored;
/// * every line by this key (same name and key hash) must verify, and there must be one.
///
/// # Errors
/// [`ProofError::MalformedNote`], [`ProofError::NoSignature`], [`ProofError::BadSignature`].
pub fn open_note<'a>(note: &'a str, verifier: &VerifierKey) -> Result<&'a str, ProofError> {
    if note.chars().any(forbidden_in_note) {
        return Err(malformed_note("含有控制字符", "contains a control character"));
    }
    let Some(split) = note.rfind("\n\n") else {
        return Err(malformed_note(
            "没有正文与签名之间的空行",
            "no blank line between text and signatures",
        ));
    };
    let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
    let Some(sigs) = sigs.strip_suffix('\n') else {
        return Err(malformed_note(
            "签名部分为空或没有以换行结尾",
            "signature block is empty or does not end with a newline",
        ));
    };
    let mut found = false;
    for (count, line) in sigs.split('\n').enumerate() {
        if count >= MAX_SIGNATURES {
            return Err(malformed_note("签名超过 100 个", "more than 100 signatures"));
        }
        let Some(line) = line.strip_prefix(SIG_PREFIX) else {
            return Err(malformed_note(
                "签名行没有以“— ”开头",
                "signature line does not start with \"— \"",
            ));
        };
        let (name, b64) = line.split_once(' ').unwrap_or((line, ""));
        let blob = B64.decode(b64).ok().filter(|b| b.len() >= 5 && check_name(name).is_ok());
        let Some(blob) = blob else {
            return Err(malformed_note("签名行格式错误", "malformed signature line"));
        };
        let hash = u32::from_be_bytes([blob[0], blob[1], blob[2], blob[3]]);
        if name != verifier.name || hash != verifier.key_hash {
            continue;
        }
        let signature = ed25519_dalek::Signature::from_slice(&blob[4..]);
        let valid =
            signature.is_ok_and(|s| verifier.key.verify_strict(text.as_bytes(), &s).is_ok());
        if !valid {
            return Err(ProofError::BadSignature { key: verifier.id() });
        }
        found = true;
    }
    if !found {
        return Err(ProofError::NoSignature { key: verifier.id() });
    }
    Ok(text)
}

/// Signs a checkpoint: the full signed note text.
///
/// # Errors
/// [`ProofError::MalformedCheckpoint`] when the checkpoint fails [`Checkpoint::validate`].
pub fn sign_checkpoint(checkpoint: &Checkpoint, key: &SigningKey) -> Result<String, ProofError> {
    checkpoint.validate()?;
    sign_note(&checkpoint.to_body(), key)
}

/// Verifies a signed checkpoint note with a verifier key text and returns the checkpoint.
///
/// The caller must still check that `origin` is the log it expects, and relate `size`/`root`
/// to what it knows (e.g. a consistency proof from an earlier checkpoint).
///
/// # Errors
/// Any key error of [`VerifierKey::parse`], any note error of [`open_note`], or
/// [`ProofError::MalformedCheckpoint`] when the signed text is not a checkpoint.
pub fn verify_signed_checkpoint(
    note_text: &str,
    verifier_key_text: &str,
) -> Result<Checkpoint, ProofError> {
    let verifier = VerifierKey::parse(verifier_key_text)?;
    let body = open_note(note_text, &verifier)?;
    Checkpoint::parse(body)
}
