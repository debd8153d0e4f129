//! Property tests: our RFC 6962 implementation against ct-merkle (an independent
//! implementation built on array-based tree math), and against our own verifiers.

use anjing_proof::{
    Hash, consistency_proof, consistency_proof_len, empty_root, inclusion_proof,
    inclusion_proof_len, leaf_hash, root, verify_consistency, verify_inclusion,
};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use proptest::prelude::*;
use sha2::Sha256;

fn ct_tree(data: &[Vec<u8>]) -> MemoryBackedTree<Sha256, Vec<u8>> {
    let mut t = MemoryBackedTree::new();
    for d in data {
        t.push(d.clone());
    }
    t
}

fn flat(proof: &[Hash]) -> Vec<u8> {
    proof.concat()
}

fn ct_root(t: &MemoryBackedTree<Sha256, Vec<u8>>) -> Hash {
    t.root().as_bytes().as_slice().try_into().unwrap()
}

/// Leaf data as the vault will produce it: 32-byte digests, here random bytes of any length
/// to exercise the general case too.
fn leaf_data(max: usize) -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 0..=max)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn root_matches_ct_merkle(data in leaf_data(200)) {
        let leaves: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        let t = ct_tree(&data);
        prop_assert_eq!(root(&leaves), ct_root(&t));
        if data.is_empty() {
            prop_assert_eq!(root(&leaves), empty_root());
        }
    }

    #[test]
    fn inclusion_matches_ct_merkle(data in leaf_data(200).prop_filter("non-empty", |d| !d.is_empty()),
                                   pick in any::<prop::sample::Index>()) {
        let leaves: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        let n = leaves.len() as u64;
        let i = pick.index(leaves.len());
        let idx = i as u64;
        let t = ct_tree(&data);
        let r = root(&leaves);

        let ours = inclusion_proof(&leaves, idx).unwrap();
        let theirs = t.prove_inclusion(i);
        prop_assert_eq!(flat(&ours), theirs.as_bytes().to_vec());
        prop_assert_eq!(ours.len(), inclusion_proof_len(idx, n));

        // Ours verifies with our verifier and with ct-merkle's.
        prop_assert_eq!(verify_inclusion(&leaves[i], idx, n, &ours, &r), Ok(()));
        let ct_r = RootHash::<Sha256>::new(r.into(), n);
        prop_assert!(ct_r.verify_inclusion(&data[i], idx, &InclusionProof::from_bytes(flat(&ours))).is_ok());

        // Corruptions fail.
        for j in 0..ours.len() {
            let mut bad = ours.clone();
            bad[j][j % 32] ^= 0x01;
            prop_assert!(verify_inclusion(&leaves[i], idx, n, &bad, &r).is_err());
        }
        // (Equal neighbours, e.g. two empty leaves, legitimately prove each other's place.)
        if i + 1 < leaves.len() && leaves[i + 1] != leaves[i] {
            prop_assert!(verify_inclusion(&leaves[i], idx + 1, n, &ours, &r).is_err());
            prop_assert!(verify_inclusion(&leaves[i + 1], idx, n, &ours, &r).is_err());
        }
        if i > 0 && leaves[i - 1] != leaves[i] {
            prop_assert!(verify_inclusion(&leaves[i], idx - 1, n, &ours, &r).is_err());
        }
        prop_assert!(verify_inclusion(&leaves[i], idx, n, &ours, &leaves[i]).is_err() || n == 1);
        prop_assert!(verify_inclusion(&leaves[i], idx, n * 2, &ours, &r).is_err());
        let mut longer = ours.clone();
        longer.push(r);
        prop_assert!(verify_inclusion(&leaves[i], idx, n, &longer, &r).is_err());
        if !ours.is_empty() {
            prop_assert!(verify_inclusion(&leaves[i], idx, n, &ours[1..], &r).is_err());
        }
    }

    #[test]
    fn consistency_matches_ct_merkle(data in leaf_data(200).prop_filter("non-empty", |d| !d.is_empty()),
                                     a in any::<prop::sample::Index>(),
                                     b in any::<prop::sample::Index>()) {
        let leaves: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
        // 1 <= old <= new <= n
        let new = b.index(leaves.len()) + 1;
        let old = a.index(new) + 1;
        let (old64, new64) = (old as u64, new as u64);
        let r_old = root(&leaves[..old]);
        let r_new = root(&leaves[..new]);

        let ours = consistency_proof(&leaves, old64, new64).unwrap();
        prop_assert_eq!(ours.len(), consistency_proof_len(old64, new64));
        let t = ct_tree(&data[..new]);
        let theirs = t.prove_consistency(new - old);
        prop_assert_eq!(flat(&ours), theirs.as_bytes().to_vec());

        prop_assert_eq!(verify_consistency(old64, new64, &r_old, &r_new, &ours), Ok(()));
        let ct_new = RootHash::<Sha256>::new(r_new.into(), new64);
        let ct_old = RootHash::<Sha256>::new(r_old.into(), old64);
        prop_assert!(ct_new
            .verify_consistency(&ct_old, &ConsistencyProof::try_from_bytes(flat(&ours)).unwrap())
            .is_ok());

        // From the empty tree, always consistent with an empty proof.
        prop_assert_eq!(consistency_proof(&leaves, 0, new64).unwrap(), Vec::<Hash>::new());
        prop_assert_eq!(verify_consistency(0, new64, &empty_root(), &r_new, &[]), Ok(()));

        // Corruptions fail.
        for j in 0..ours.len() {
            let mut bad = ours.clone();
            bad[j][(j * 7) % 32] ^= 0x80;
            prop_assert!(verify_consistency(old64, new64, &r_old, &r_new, &bad).is_err());
        }
        if old != new {
            let wrong_old = root(&leaves[..old - 1]);
            prop_assert!(verify_consistency(old64, new64, &wrong_old, &r_new, &ours).is_err());
            let wrong_new = root(&leaves[..new - 1]);
            prop_assert!(verify_consistency(old64, new64, &r_old, &wrong_new, &ours).is_err());
            prop_assert!(verify_consistency(new64, old64, &r_new, &r_old, &ours).is_err());
            let mut longer = ours.clone();
            longer.push(r_new);
            prop_assert!(verify_consistency(old64, new64, &r_old, &r_new, &longer).is_err());
            prop_assert!(verify_consistency(old64, new64, &r_old, &r_new, &ours[1..]).is_err());
        }
        // A changed leaf inside the old tree breaks consistency.
        let mut changed = leaves.clone();
        changed[old - 1] = leaf_hash(b"rewritten history");
        let forged_new = root(&changed[..new]);
        prop_assert!(verify_consistency(old64, new64, &r_old, &forged_new, &ours).is_err());
        let forged_proof = consistency_proof(&changed, old64, new64).unwrap();
        prop_assert!(verify_consistency(old64, new64, &r_old, &forged_new, &forged_proof).is_err());
    }

    /// Arbitrary sizes, indexes and proofs: the verifiers return, never panic.
    #[test]
    fn verifiers_never_panic(index in any::<u64>(), size in any::<u64>(),
                             len in 0usize..70, seed in any::<u8>(), small in any::<bool>()) {
        let (index, size) = if small { (index % 300, size % 300) } else { (index, size) };
        let proof: Vec<Hash> = (0..len).map(|i| leaf_hash(&[seed, i as u8])).collect();
        let h = leaf_hash(&[seed]);
        let _ = verify_inclusion(&h, index, size, &proof, &h);
        let _ = verify_consistency(index, size, &h, &h, &proof);
        prop_assert!(inclusion_proof_len(index, size) <= 64);
        prop_assert!(consistency_proof_len(index, size) <= 65);
    }
}

/// Exhaustive small cases: every (index, size) and (old, new) up to 64 leaves.
#[test]
fn exhaustive_small_trees() {
    let data: Vec<Vec<u8>> = (0u32..64).map(|i| i.to_le_bytes().to_vec()).collect();
    let leaves: Vec<Hash> = data.iter().map(|d| leaf_hash(d)).collect();
    for new in 1..=leaves.len() {
        let r_new = root(&leaves[..new]);
        let t = ct_tree(&data[..new]);
        for i in 0..new {
            let p = inclusion_proof(&leaves[..new], i as u64).unwrap();
            assert_eq!(flat(&p), t.prove_inclusion(i).as_bytes());
            verify_inclusion(&leaves[i], i as u64, new as u64, &p, &r_new).unwrap();
        }
        for old in 1..=new {
            let p = consistency_proof(&leaves, old as u64, new as u64).unwrap();
            assert_eq!(flat(&p), t.prove_consistency(new - old).as_bytes());
            verify_consistency(old as u64, new as u64, &root(&leaves[..old]), &r_new, &p).unwrap();
        }
    }
}
