//! RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs.
//!
//! * leaf hash `= SHA-256(0x00 ‖ data)`, interior node `= SHA-256(0x01 ‖ left ‖ right)`;
//! * a tree of `n > 1` leaves splits at `k`, the largest power of two smaller than `n`
//!   (RFC 6962 §2.1); the empty tree's root is `SHA-256("")`;
//! * proofs are lists of 32-byte hashes in the RFC order (from the leaf upwards);
//! * verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), with the
//!   expected proof length checked first so that a wrong length gets a precise error.
//!
//! Every function here takes **leaf hashes** (already `leaf_hash(data)`), never raw leaf data.
//! Proof generation is the plain recursive definition of the RFC (O(n) hashing per call), which
//! is fine for a case log of up to millions of entries; verification is O(log n) and never
//! panics, whatever sizes, indexes and proof lengths it is given.

use sha2::{Digest, Sha256};

use crate::ProofError;

/// A SHA-256 digest: a leaf hash, an interior node hash or a root.
pub type Hash = [u8; 32];

/// Domain-separation prefix of leaf hashes (RFC 6962 §2.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix of interior node hashes (RFC 6962 §2.1).
const NODE_PREFIX: u8 = 0x01;

/// `SHA-256(0x00 ‖ data)`: the hash of one leaf.
///
/// For the Anjing case log, `data` is the 32-byte SHA-256 of one canonical log entry.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([LEAF_PREFIX]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`: the hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([NODE_PREFIX]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The Merkle tree hash (root) of the tree whose leaves have these leaf hashes.
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    if leaf_hashes.is_empty() { empty_root() } else { mth(leaf_hashes) }
}

/// The Merkle tree hash of leaves given one at a time, in O(log n) memory: the tree of `n`
/// leaves splits at the largest power of two below `n`, so its left part is a stack of perfect
/// subtrees (the binary digits of `n`, largest first) and the root folds them from the right.
/// Gives [`root`] of the same leaves without holding them (a case of millions of records).
#[derive(Debug, Clone, Default)]
pub struct RootBuilder {
    /// Perfect subtrees, (height, hash), heights strictly decreasing.
    stack: Vec<(u32, Hash)>,
    count: u64,
}

impl RootBuilder {
    pub fn new() -> Self {
        RootBuilder::default()
    }

    /// Appends the next leaf hash.
    pub fn push(&mut self, leaf_hash: Hash) {
        let (mut height, mut hash) = (0u32, leaf_hash);
        while let Some(&(top_height, top)) = self.stack.last() {
            if top_height != height {
                break;
            }
            self.stack.pop();
            hash = node_hash(&top, &hash);
            height += 1;
        }
        self.stack.push((height, hash));
        self.count += 1;
    }

    /// How many leaves were pushed.
    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The root of the tree of the leaves pushed so far ([`empty_root`] for none).
    pub fn root(&self) -> Hash {
        let mut subtrees = self.stack.iter().rev();
        let Some(&(_, mut hash)) = subtrees.next() else { return empty_root() };
        for (_, left) in subtrees {
            hash = node_hash(left, &hash);
        }
        hash
    }
}

/// An inclusion proof (RFC 6962 `PATH(index, D[n])`) for leaf `index` in the tree made of all
/// of `leaf_hashes`. To prove inclusion in an earlier tree of size `s`, pass `&leaf_hashes[..s]`.
///
/// # Errors
/// [`ProofError::IndexOutOfRange`] when `index >= leaf_hashes.len()`.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
    let size = leaf_hashes.len() as u64;
    let idx = usize::try_from(index)
        .ok()
        .filter(|&i| i < leaf_hashes.len())
        .ok_or(ProofError::IndexOutOfRange { index, size })?;
    let mut proof = Vec::with_capacity(inclusion_proof_len(index, size));
    path(idx, leaf_hashes, &mut proof);
    Ok(proof)
}

/// A consistency proof (RFC 6962 `PROOF(old_size, D[new_size])`) that the tree of the first
/// `old_size` leaves is a prefix of the tree of the first `new_size` leaves of `leaf_hashes`.
///
/// The proof is empty when `old_size == new_size` and when `old_size == 0` (every tree extends
/// the empty tree; RFC 6962 defines no proof for that case).
///
/// # Errors
/// [`ProofError::SizeOrder`] when `old_size > new_size`, [`ProofError::SizeExceedsLeaves`] when
/// `new_size > leaf_hashes.len()`.
pub fn consistency_proof(
    leaf_hashes: &[Hash],
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder { old_size, new_size });
    }
    let available = leaf_hashes.len() as u64;
    let new = usize::try_from(new_size)
        .ok()
        .filter(|&n| n <= leaf_hashes.len())
        .ok_or(ProofError::SizeExceedsLeaves { size: new_size, available })?;
    // old_size <= new_size, which fits in usize.
    let old = old_size as usize;
    let mut proof = Vec::with_capacity(consistency_proof_len(old_size, new_size));
    if old > 0 && old < new {
        subproof(old, &leaf_hashes[..new], true, &mut proof);
    }
    Ok(proof)
}

/// Verifies that `leaf_hash` is the leaf at `index` in the tree of `size` leaves whose root is
/// `root`, using an inclusion proof (RFC 9162 §2.1.3.2).
///
/// Note (as in RFC 9162): a proof that verifies for `size` may also verify for some other size
/// with the same shape; the binding of size and root comes from the signed checkpoint.
///
/// # Errors
/// [`ProofError::IndexOutOfRange`] (also for `size == 0`), [`ProofError::ProofLength`],
/// [`ProofError::RootMismatch`].
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let expected = inclusion_proof_len(index, size);
    if proof.len() != expected {
        return Err(ProofError::ProofLength { expected, actual: proof.len() });
    }

    // RFC 9162 §2.1.3.2 steps 2-5.
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf_hash;
    for p in proof {
        if snode == 0 {
            return Err(ProofError::ProofLength { expected, actual: proof.len() });
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::ProofLength { expected, actual: proof.len() });
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies that the tree of `old_size` leaves with root `old_root` is a prefix of the tree of
/// `new_size` leaves with root `new_root`, using a consistency proof (RFC 9162 §2.1.4.2).
///
/// Edge cases, which the RFC leaves to the caller:
/// * `old_size == new_size`: the proof must be empty and the two roots equal;
/// * `old_size == 0`: the proof must be empty and `old_root` must be the empty-tree root
///   (every tree extends the empty tree).
///
/// # Errors
/// [`ProofError::SizeOrder`], [`ProofError::ProofLength`], [`ProofError::OldRootMismatch`],
/// [`ProofError::NewRootMismatch`].
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizeOrder { old_size, new_size });
    }
    let expected = consistency_proof_len(old_size, new_size);
    if proof.len() != expected {
        return Err(ProofError::ProofLength { expected, actual: proof.len() });
    }
    if old_size == 0 {
        return if *old_root == empty_root() { Ok(()) } else { Err(ProofError::OldRootMismatch) };
    }
    if old_size == new_size {
        return if old_root == new_root { Ok(()) } else { Err(ProofError::NewRootMismatch) };
    }

    // RFC 9162 §2.1.4.2 steps 2-7. Here 0 < old_size < new_size and the proof is non-empty.
    let (first, rest) = if old_size.is_power_of_two() {
        (*old_root, proof)
    } else {
        match proof.split_first() {
            Some((first, rest)) => (*first, rest),
            None => return Err(ProofError::ProofLength { expected, actual: 0 }),
        }
    };
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut fr = first;
    let mut sr = first;
    for c in rest {
        if snode == 0 {
            return Err(ProofError::ProofLength { expected, actual: proof.len() });
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode & 1 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::ProofLength { expected, actual: proof.len() });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch);
    }
    Ok(())
}

/// Number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves
/// (0 when `index >= size`, where no proof exists).
pub fn inclusion_proof_len(index: u64, size: u64) -> usize {
    if index >= size {
        return 0;
    }
    let (inner, border) = decompose_inclusion(index, size);
    (inner + border) as usize
}

/// Number of hashes in the consistency proof from `old_size` to `new_size`
/// (0 when `old_size == 0`, `old_size == new_size`, or `old_size > new_size`).
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == 0 || old_size >= new_size {
        return 0;
    }
    let (inner, border) = decompose_inclusion(old_size - 1, new_size);
    let shift = old_size.trailing_zeros();
    // old_size < new_size, so the path of leaf old_size-1 climbs above the 2^shift subtree
    // that ends at old_size: inner > shift.
    let inner = inner.saturating_sub(shift);
    let seed = u32::from(!old_size.is_power_of_two());
    (seed + inner + border) as usize
}

/// Splits the inclusion path of `index` in a tree of `size` leaves (`index < size`) into the
/// part inside the largest perfect subtree shared with the right border (`inner`: the bit
/// length of `index ^ (size - 1)`) and the border part (`border`: the ones of `index` above).
fn decompose_inclusion(index: u64, size: u64) -> (u32, u32) {
    let inner = u64::BITS - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner, border)
}

/// The largest power of two strictly smaller than `n` (`n >= 2`).
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// MTH(D[n]) for a non-empty list of leaf hashes.
fn mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split_point(n);
            node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]) of RFC 6962 §2.1.1, appended to `out` (leaf level first).
fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    let n = leaves.len();
    if n <= 1 {
        return;
    }
    let k = split_point(n);
    if m < k {
        path(m, &leaves[..k], out);
        out.push(mth(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], out);
        out.push(mth(&leaves[..k]));
    }
}

/// SUBPROOF(m, D[n], b) of RFC 6962 §2.1.2, appended to `out` (`0 < m <= n`).
fn subproof(m: usize, leaves: &[Hash], complete: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !complete {
            out.push(mth(leaves));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, &leaves[..k], complete, out);
        out.push(mth(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(mth(&leaves[..k]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_builder_gives_the_root_of_every_size() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_le_bytes())).collect();
        let mut b = RootBuilder::new();
        assert_eq!(b.root(), empty_root());
        for n in 1..=leaves.len() {
            b.push(leaves[n - 1]);
            assert_eq!(b.len(), n as u64);
            assert_eq!(b.root(), root(&leaves[..n]), "size {n}");
        }
    }

    fn hx(s: &str) -> Hash {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    /// Leaf inputs of the certificate-transparency / transparency-dev reference vectors
    /// (testonly/constants.go `LeafInputs`).
    fn ct_leaves() -> Vec<Hash> {
        [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ]
        .iter()
        .map(|h| leaf_hash(&hex::decode(h).unwrap()))
        .collect()
    }

    /// Roots of the trees of 0..=8 of those leaves (testonly/constants.go `RootHashes`; the same
    /// literals appear in certificate-transparency's merkle_tree_test.cc and ct-merkle's tests).
    const CT_ROOTS: [&str; 9] = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        for (n, k) in [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)] {
            assert_eq!(split_point(n), k, "n={n}");
        }
    }

    #[test]
    fn rfc6962_hasher_vectors() {
        // transparency-dev/merkle rfc6962/rfc6962_test.go
        assert_eq!(empty_root(), hx(CT_ROOTS[0]));
        assert_eq!(
            leaf_hash(b""),
            hx("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        );
        assert_eq!(
            leaf_hash(b"L123456"),
            hx("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
        );
    }

    #[test]
    fn ct_reference_roots() {
        let leaves = ct_leaves();
        for (n, want) in CT_ROOTS.iter().enumerate() {
            assert_eq!(hex::encode(root(&leaves[..n])), *want, "size {n}");
        }
    }

    #[test]
    fn ct_reference_inclusion_proofs() {
        // transparency-dev/merkle testonly/reference_test.go TestRefInclusionProof and
        // proof/verify_test.go inclusionProofs (there with 1-based leaf numbers).
        let cases: &[(u64, usize, &[&str])] = &[
            (0, 1, &[]),
            (0, 2, &["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
            (1, 2, &["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
            (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (
                1,
                5,
                &[
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
            (
                0,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                5,
                8,
                &[
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
        ];
        let leaves = ct_leaves();
        for &(index, size, want) in cases {
            let want: Vec<Hash> = want.iter().map(|h| hx(h)).collect();
            let got = inclusion_proof(&leaves[..size], index).unwrap();
            assert_eq!(got, want, "index {index} size {size}");
            let r = hx(CT_ROOTS[size]);
            verify_inclusion(&leaves[index as usize], index, size as u64, &got, &r).unwrap();
            corrupted_inclusion_fails(&leaves[index as usize], index, size as u64, &got, &r);
        }
    }

    /// The corruptions of transparency-dev/merkle proof/verify_test.go `corruptInclusionProof`.
    fn corrupted_inclusion_fails(leaf: &Hash, index: u64, size: u64, proof: &[Hash], r: &Hash) {
        let some = hx("abacaba000000000000000000000000000000000000000000060061e00123456");
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (index.wrapping_sub(1), size, *r, *leaf, proof.to_vec()),
            (index + 1, size, *r, *leaf, proof.to_vec()),
            (index ^ 2, size, *r, *leaf, proof.to_vec()),
            (index, size * 2, *r, *leaf, proof.to_vec()),
            (index, size / 2, *r, *leaf, proof.to_vec()),
            (index, size, *r, leaf_hash(b"WrongLeaf"), proof.to_vec()),
            (index, size, empty_root(), *leaf, proof.to_vec()),
            (index, size, some, *leaf, proof.to_vec()),
            (index, size, *r, *leaf, [proof, &[*r]].concat()),
            (index, size, *r, *leaf, [&[*r], proof].concat()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.to_vec();
            p[i][0] ^= 8;
            probes.push((index, size, *r, *leaf, p));
        }
        if !proof.is_empty() {
            probes.push((index, size, *r, *leaf, proof[..proof.len() - 1].to_vec()));
        }
        if proof.len() > 1 {
            probes.push((index, size, *r, *leaf, [&[proof[0], some], &proof[1..]].concat()));
        }
        for (i, s, root, leaf, p) in probes {
            assert!(
                verify_inclusion(&leaf, i, s, &p, &root).is_err(),
                "corruption accepted: index {i} size {s} proof len {}",
                p.len()
            );
        }
    }

    #[test]
    fn ct_reference_consistency_proofs() {
        // transparency-dev/merkle testonly/reference_test.go (as copied in ct-merkle's
        // tests/known_answer.rs).
        let cases: &[(u64, u64, &[&str])] = &[
            (1, 1, &[]),
            (
                1,
                8,
                &[
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ],
            ),
            (
                6,
                8,
                &[
                    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ],
            ),
            (
                2,
                5,
                &[
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ],
            ),
        ];
        let leaves = ct_leaves();
        for &(old, new, want) in cases {
            let want: Vec<Hash> = want.iter().map(|h| hx(h)).collect();
            let got = consistency_proof(&leaves, old, new).unwrap();
            assert_eq!(got, want, "{old} -> {new}");
            let (r1, r2) = (hx(CT_ROOTS[old as usize]), hx(CT_ROOTS[new as usize]));
            verify_consistency(old, new, &r1, &r2, &got).unwrap();
            // Swapped or wrong roots fail.
            if old != new {
                assert!(verify_consistency(old, new, &r2, &r1, &got).is_err());
            }
            let wrong = hx(CT_ROOTS[(old as usize + 1) % 9]);
            assert!(verify_consistency(old, new, &wrong, &r2, &got).is_err());
            assert!(verify_consistency(old, new, &r1, &wrong, &got).is_err());
        }
    }

    /// Golden roots of transparency-dev/merkle compact/range_test.go `TestGetRootHashGolden`:
    /// leaf i has data `[i & 0xff, (i >> 8) & 0xff]`.
    #[test]
    fn transparency_dev_golden_roots() {
        use base64::Engine as _;
        let cases = [
            (10, "VjWMPSYNtCuCNlF/RLnQy6HcwSk6CIipfxm+hettA+4="),
            (15, "j4SulYmocFuxdeyp12xXCIgK6PekBcxzAIj4zbQzNEI="),
            (16, "c+4Uc6BCMOZf/v3NZK1kqTUJe+bBoFtOhP+P3SayKRE="),
            (100, "dUh9hYH88p0CMoHkdr1wC2szbhcLAXOejWpINIooKUY="),
            (255, "SmdsuKUqiod3RX2jyF2M6JnbdE4QuTwwipfAowI4/i0="),
            (256, "qFI0t/tZ1MdOYgyPpPzHFiZVw86koScXy9q3FU5casA="),
            (1000, "RXrgb8xHd55Y48FbfotJwCbV82Kx22LZfEbmBGAvwlQ="),
            (4095, "cWRFdQhPcjn9WyBXE/r1f04ejxIm5lvg40DEpRBVS0w="),
            (4096, "6uU/phfHg1n/GksYT6TO9aN8EauMCCJRl3dIK0HDs2M="),
            (10000, "VZcav65F9haHVRk3wre2axFoBXRNeUh/1d9d5FQfxIg="),
            (65535, "iPuVYJhP6SEE4gUFp8qbafd2rYv9YTCDYqAxCj8HdLM="),
        ];
        let leaves: Vec<Hash> = (0..65535u32)
            .map(|i| leaf_hash(&[(i & 0xff) as u8, ((i >> 8) & 0xff) as u8]))
            .collect();
        for (size, want) in cases {
            let got = base64::engine::general_purpose::STANDARD.encode(root(&leaves[..size]));
            assert_eq!(got, want, "size {size}");
        }
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let h = leaf_hash(b"x");
        let proof = vec![h; 70];
        for (index, size) in [
            (0, 0),
            (1, 0),
            (u64::MAX, u64::MAX),
            (u64::MAX - 1, u64::MAX),
            (0, u64::MAX),
            (1 << 63, u64::MAX),
            ((1 << 63) - 1, 1 << 63),
        ] {
            for len in [0, 1, 63, 64, 65, 70] {
                assert!(verify_inclusion(&h, index, size, &proof[..len], &h).is_err());
                let consistent = verify_consistency(index, size, &h, &h, &proof[..len]);
                // Equal non-zero sizes, equal roots, empty proof: consistent. Size 0 needs the
                // empty-tree root, which `h` is not.
                assert_eq!(
                    consistent.is_ok(),
                    index == size && len == 0 && size > 0,
                    "{index} {size} {len}"
                );
            }
        }
        // The expected lengths stay bounded by 64 (+1 seed) hashes.
        assert_eq!(inclusion_proof_len(0, u64::MAX), 64);
        assert_eq!(inclusion_proof_len(u64::MAX - 1, u64::MAX), 63);
        assert!(consistency_proof_len(u64::MAX - 1, u64::MAX) <= 65);
        assert!(consistency_proof_len(1 << 63, u64::MAX) <= 65);
    }

    #[test]
    fn edge_cases() {
        let leaves = ct_leaves();
        assert_eq!(
            inclusion_proof(&leaves[..3], 3),
            Err(ProofError::IndexOutOfRange { index: 3, size: 3 })
        );
        assert!(inclusion_proof(&[], 0).is_err());
        assert!(inclusion_proof(&leaves, u64::MAX).is_err());
        assert_eq!(
            consistency_proof(&leaves, 5, 4),
            Err(ProofError::SizeOrder { old_size: 5, new_size: 4 })
        );
        assert_eq!(
            consistency_proof(&leaves, 1, 9),
            Err(ProofError::SizeExceedsLeaves { size: 9, available: 8 })
        );
        // From the empty tree: empty proof, old root must be the empty root.
        let r8 = root(&leaves);
        assert_eq!(consistency_proof(&leaves, 0, 8).unwrap(), Vec::<Hash>::new());
        verify_consistency(0, 8, &empty_root(), &r8, &[]).unwrap();
        verify_consistency(0, 0, &empty_root(), &empty_root(), &[]).unwrap();
        assert_eq!(verify_consistency(0, 8, &r8, &r8, &[]), Err(ProofError::OldRootMismatch));
        assert!(verify_consistency(0, 8, &empty_root(), &r8, &[r8]).is_err());
        // Same size: roots must be equal and the proof empty.
        verify_consistency(8, 8, &r8, &r8, &[]).unwrap();
        assert!(verify_consistency(8, 8, &r8, &empty_root(), &[]).is_err());
        assert!(verify_consistency(8, 8, &r8, &r8, &[r8]).is_err());
        // Single-entry tree: the root is the leaf hash, the proof is empty.
        verify_inclusion(&leaves[0], 0, 1, &[], &leaves[0]).unwrap();
        assert_eq!(verify_inclusion(&leaves[0], 0, 1, &[], &r8), Err(ProofError::RootMismatch));
        assert_eq!(
            verify_inclusion(&leaves[0], 0, 0, &[], &empty_root()),
            Err(ProofError::IndexOutOfRange { index: 0, size: 0 })
        );
    }
}
