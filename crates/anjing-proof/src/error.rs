//! The one error type of this crate.
//!
//! Every message is Chinese first, then English in parentheses, and names what failed, so that
//! a line in a verification report is understandable to the victim and to a foreign reviewer.

use thiserror::Error;

/// What went wrong while building or checking a proof, a key or a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProofError {
    /// The leaf index is not inside the tree (this includes every index of an empty tree).
    #[error(
        "叶子序号 {index} 超出树的大小 {size} (leaf index {index} is out of range for tree size {size})"
    )]
    IndexOutOfRange {
        /// The leaf index asked for.
        index: u64,
        /// The tree size it was checked against.
        size: u64,
    },

    /// A proof was asked for a tree larger than the leaves at hand.
    #[error(
        "请求的树大小 {size} 超过现有叶子数 {available} (tree size {size} exceeds the {available} leaves available)"
    )]
    SizeExceedsLeaves {
        /// The tree size asked for.
        size: u64,
        /// How many leaf hashes were supplied.
        available: u64,
    },

    /// A consistency proof was asked or checked from a larger tree to a smaller one.
    #[error(
        "旧树大小 {old_size} 大于新树大小 {new_size} (old tree size {old_size} is larger than new tree size {new_size})"
    )]
    SizeOrder {
        /// The claimed old (earlier) tree size.
        old_size: u64,
        /// The claimed new (later) tree size.
        new_size: u64,
    },

    /// The proof does not have the number of hashes the tree shape requires.
    #[error(
        "证明长度错误：应有 {expected} 个哈希，实有 {actual} 个 (wrong proof length: expected {expected} hashes, got {actual})"
    )]
    ProofLength {
        /// Number of hashes the proof must have for the given index/sizes.
        expected: usize,
        /// Number of hashes it has.
        actual: usize,
    },

    /// The root recomputed from an inclusion proof differs from the expected root.
    #[error("默克尔根不一致 (Merkle root mismatch)")]
    RootMismatch,

    /// The old root recomputed from a consistency proof differs from the expected old root.
    #[error("旧树根不一致 (old tree root mismatch)")]
    OldRootMismatch,

    /// The new root recomputed from a consistency proof differs from the expected new root.
    #[error("新树根不一致 (new tree root mismatch)")]
    NewRootMismatch,

    /// The checkpoint body does not follow c2sp.org/tlog-checkpoint.
    #[error("检查点格式错误：{zh} (malformed checkpoint: {en})")]
    MalformedCheckpoint {
        /// What is wrong, in Chinese.
        zh: &'static str,
        /// What is wrong, in English.
        en: &'static str,
    },

    /// The signed note does not follow c2sp.org/signed-note.
    #[error("签名笔记格式错误：{zh} (malformed signed note: {en})")]
    MalformedNote {
        /// What is wrong, in Chinese.
        zh: &'static str,
        /// What is wrong, in English.
        en: &'static str,
    },

    /// A verifier key or private key text is malformed.
    #[error("密钥格式错误：{zh} (malformed key: {en})")]
    MalformedKey {
        /// What is wrong, in Chinese.
        zh: &'static str,
        /// What is wrong, in English.
        en: &'static str,
    },

    /// The key name is empty, or contains whitespace, '+' or control characters.
    #[error(
        "密钥名称无效：不能为空，不能含空白、'+' 或控制字符 (invalid key name: must be non-empty, without whitespace, '+' or control characters)"
    )]
    InvalidKeyName,

    /// The 4-byte key hash in a key text does not match the name and key.
    #[error("密钥哈希与密钥名称或公钥不符 (key hash does not match the key name and public key)")]
    KeyHashMismatch,

    /// The key uses a signature algorithm other than Ed25519 (0x01).
    #[error(
        "不支持的签名算法 0x{0:02x}，只支持 Ed25519 (unsupported signature algorithm 0x{0:02x}; only Ed25519 is supported)"
    )]
    UnsupportedAlgorithm(u8),

    /// The note carries no signature by the expected key.
    #[error("没有找到密钥 {key} 的签名 (no signature by key {key})")]
    NoSignature {
        /// `<name>+<hex key hash>` of the expected key.
        key: String,
    },

    /// A signature line claims the expected key but the signature does not verify.
    #[error("密钥 {key} 的签名无效 (invalid signature by key {key})")]
    BadSignature {
        /// `<name>+<hex key hash>` of the expected key.
        key: String,
    },

    /// The operating system could not supply randomness for a new key.
    #[error("时间戳无效：{zh} (invalid timestamp: {en})")]
    Timestamp { zh: String, en: String },

    #[error("无法从操作系统获取随机数 (could not get randomness from the operating system)")]
    Randomness,
}
