//! Signed notes and checkpoints: the Go `golang.org/x/mod/sumdb/note` test vectors
//! (note_test.go), round trips, and tamper tests.

use anjing_proof::{
    Checkpoint, ProofError, SigningKey, VerifierKey, leaf_hash, open_note, root, sign_checkpoint,
    sign_note, verify_signed_checkpoint,
};

// From golang.org/x/mod/sumdb/note note_test.go.
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                    then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

#[test]
fn go_vector_keys_parse_and_match() {
    let v = VerifierKey::parse(PETER_VKEY).unwrap();
    assert_eq!(v.name(), "PeterNeumann");
    assert_eq!(v.key_hash(), 0xc74f20a3);
    assert_eq!(v.to_text(), PETER_VKEY);
    let s = SigningKey::from_file_text(PETER_SKEY).unwrap();
    assert_eq!(s.verifier_key(), PETER_VKEY);
    assert_eq!(s.to_file_text(), format!("{PETER_SKEY}\n"));
    assert_eq!(VerifierKey::parse(ENOCH_VKEY).unwrap().key_hash(), 0xaf0cfe78);
}

#[test]
fn go_vector_signature_is_reproduced_byte_for_byte() {
    let s = SigningKey::from_file_text(PETER_SKEY).unwrap();
    let note = sign_note(TEXT, &s).unwrap();
    assert_eq!(note, format!("{TEXT}\n{PETER_SIG}"));
}

#[test]
fn go_vector_notes_open() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let enoch = VerifierKey::parse(ENOCH_VKEY).unwrap();
    let both = format!("{TEXT}\n{PETER_SIG}{ENOCH_SIG}");
    assert_eq!(open_note(&both, &peter).unwrap(), TEXT);
    assert_eq!(open_note(&both, &enoch).unwrap(), TEXT);
    // Only Enoch's signature: no signature by Peter.
    let only_enoch = format!("{TEXT}\n{ENOCH_SIG}");
    assert_eq!(
        open_note(&only_enoch, &peter),
        Err(ProofError::NoSignature { key: "PeterNeumann+c74f20a3".into() })
    );
    // Text changed: signature fails.
    let changed = both.replace("cryptography", "cryptographY");
    assert_eq!(
        open_note(&changed, &peter),
        Err(ProofError::BadSignature { key: "PeterNeumann+c74f20a3".into() })
    );
    // Signature bytes changed (note_test.go inserts "ABCD" at byte 60).
    let bad = format!("{TEXT}\n{}ABCD{}", &PETER_SIG[..60], &PETER_SIG[60..]);
    assert!(matches!(open_note(&bad, &peter), Err(ProofError::BadSignature { .. })));
    // 100 signatures are fine, 101 are not.
    assert!(open_note(&format!("{TEXT}\n{}", PETER_SIG.repeat(100)), &peter).is_ok());
    assert!(matches!(
        open_note(&format!("{TEXT}\n{}", PETER_SIG.repeat(101)), &peter),
        Err(ProofError::MalformedNote { .. })
    ));
}

#[test]
fn go_vector_malformed_notes() {
    let peter = VerifierKey::parse(PETER_VKEY).unwrap();
    let bad = [
        TEXT.to_owned(),
        format!("{TEXT}\n"),
        format!("{TEXT}\n{}", &PETER_SIG[..PETER_SIG.len() - 1]),
        format!("\x01{TEXT}\n{PETER_SIG}"),
        format!(
            "{TEXT}\n\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        ),
        format!("{TEXT}\n{PETER_SIG}Unexpected line.\n"),
        format!("{TEXT}\n\u{2014} PeterNeumann\n"),
        format!(
            "{TEXT}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        ),
        format!("{TEXT}\r\n{PETER_SIG}"),
    ];
    for note in bad {
        assert!(
            matches!(open_note(&note, &peter), Err(ProofError::MalformedNote { .. })),
            "accepted: {note:?}"
        );
    }
}

/// note_test.go TestNewVerifier / TestNewSigner: every proper substring and every one-byte
/// increment of a key text is rejected.
#[test]
fn go_vector_key_manglings_rejected() {
    fn check(key: &str, parse: fn(&str) -> bool) {
        let b = key.as_bytes();
        for i in 0..=b.len() {
            for j in i + 1..=b.len() {
                if (i, j) == (0, b.len()) {
                    continue;
                }
                let sub = String::from_utf8_lossy(&b[i..j]);
                // A trailing-whitespace-only difference is not a mangling for file text.
                assert!(!parse(&sub), "accepted substring {sub:?}");
            }
        }
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] = m[i].wrapping_add(1);
            let m = String::from_utf8_lossy(&m);
            assert!(!parse(&m), "accepted mangled {m:?}");
        }
    }
    check(PETER_VKEY, |k| VerifierKey::parse(k).is_ok());
    check(PETER_SKEY, |k| SigningKey::from_file_text(k).is_ok());
    // Go's extra cases: wrong key length and unknown algorithm, each with an adjusted key hash.
    assert!(
        VerifierKey::parse(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
        )
        .is_err()
    );
    assert_eq!(
        VerifierKey::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
        Err(ProofError::UnsupportedAlgorithm(0x65))
    );
}

fn sample_checkpoint() -> Checkpoint {
    let leaves: Vec<_> = (0u32..7).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    Checkpoint::new("anjing.case/2f1c9a", 7, root(&leaves))
}

#[test]
fn checkpoint_round_trip() {
    let key = SigningKey::generate("anjing-case-2f1c9a").unwrap();
    let cp = sample_checkpoint();
    let note = sign_checkpoint(&cp, &key).unwrap();
    assert!(note.starts_with(&cp.to_body()));
    assert!(note.contains("\n\n\u{2014} anjing-case-2f1c9a "));
    assert_eq!(verify_signed_checkpoint(&note, &key.verifier_key()).unwrap(), cp);
    // The key survives its file format.
    let again = SigningKey::from_file_text(&key.to_file_text()).unwrap();
    assert_eq!(again.verifier_key(), key.verifier_key());
    assert_eq!(sign_checkpoint(&cp, &again).unwrap(), note, "Ed25519 is deterministic");
    // Two generated keys differ.
    assert_ne!(SigningKey::generate("x").unwrap().verifier_key(), key.verifier_key());
    // Debug never shows the secret.
    let dbg = format!("{key:?}");
    assert!(dbg.contains("redacted") && !dbg.contains(key.to_file_text().trim_end()));
}

#[test]
fn checkpoint_body_format() {
    let cp = Checkpoint::new("example.com/log", 0, anjing_proof::empty_root());
    assert_eq!(cp.to_body(), "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
    assert_eq!(Checkpoint::parse(&cp.to_body()).unwrap(), cp);
    let mut with_ext = cp.clone();
    with_ext.extensions = vec!["ext one".into(), "ext two".into()];
    assert_eq!(Checkpoint::parse(&with_ext.to_body()).unwrap(), with_ext);

    let r = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    let bad = [
        String::new(),
        format!("o\n1\n{r}"),                      // no final newline
        "o\n1\n".to_owned(),                       // no root line
        format!("\n1\n{r}\n"),                     // empty origin
        format!("o\n01\n{r}\n"),                   // leading zero
        format!("o\n+1\n{r}\n"),                   // sign
        format!("o\n-1\n{r}\n"),                   // negative
        format!("o\n18446744073709551616\n{r}\n"), // u64 overflow
        format!("o\n1 \n{r}\n"),                   // trailing space
        format!("o\n1\n{}\n", &r[..43]),           // bad base64
        "o\n1\nAAAA\n".to_owned(),                 // not 32 bytes
        format!("o\n1\n{r}\n\n"),                  // empty extension line
        format!("o\r\n1\n{r}\n"),                  // CR
    ];
    for body in bad {
        assert!(
            matches!(Checkpoint::parse(&body), Err(ProofError::MalformedCheckpoint { .. })),
            "accepted {body:?}"
        );
    }
    // The largest size is fine.
    assert_eq!(
        Checkpoint::parse(&format!("o\n18446744073709551615\n{r}\n")).unwrap().size,
        u64::MAX
    );
}

#[test]
fn checkpoint_tampering_rejected() {
    let key = SigningKey::generate("anjing-case-2f1c9a").unwrap();
    let vkey = key.verifier_key();
    let cp = sample_checkpoint();
    let note = sign_checkpoint(&cp, &key).unwrap();

    let body = cp.to_body();
    let sig_block = &note[body.len()..];
    let tampered_bodies = [
        Checkpoint { size: 8, ..cp.clone() },
        Checkpoint { size: 6, ..cp.clone() },
        Checkpoint { origin: "anjing.case/2f1c9b".into(), ..cp.clone() },
        Checkpoint { root: anjing_proof::empty_root(), ..cp.clone() },
        Checkpoint { extensions: vec!["x".into()], ..cp.clone() },
    ];
    for t in tampered_bodies {
        let forged = format!("{}{sig_block}", t.to_body());
        assert!(
            matches!(
                verify_signed_checkpoint(&forged, &vkey),
                Err(ProofError::BadSignature { .. })
            ),
            "accepted {t:?}"
        );
    }

    // Signature bytes changed.
    let mut forged = note.clone().into_bytes();
    let last_sig_char = forged.len() - 5;
    forged[last_sig_char] = if forged[last_sig_char] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    assert!(verify_signed_checkpoint(&forged, &vkey).is_err());

    // Key name in the signature line changed: no signature by our key.
    let renamed = note.replace("\u{2014} anjing-case-2f1c9a ", "\u{2014} anjing-case-2f1c9b ");
    assert!(matches!(
        verify_signed_checkpoint(&renamed, &vkey),
        Err(ProofError::NoSignature { .. })
    ));

    // Another key with the same name: hash differs, no signature by it.
    let other = SigningKey::generate("anjing-case-2f1c9a").unwrap();
    assert!(matches!(
        verify_signed_checkpoint(&note, &other.verifier_key()),
        Err(ProofError::NoSignature { .. })
    ));
    // The other key signing the same body does not pass for our key.
    let by_other = sign_checkpoint(&cp, &other).unwrap();
    assert!(verify_signed_checkpoint(&by_other, &vkey).is_err());

    // A verifier key whose hash was forged to match a different key: rejected when parsed.
    let v = VerifierKey::parse(&vkey).unwrap();
    let forged_vkey = format!(
        "{}+{:08x}+{}",
        v.name(),
        other.verifier().key_hash(),
        vkey.rsplit('+').next().unwrap()
    );
    assert!(verify_signed_checkpoint(&note, &forged_vkey).is_err());

    // A witness cosignature by another key is ignored; ours still verifies.
    let witness = SigningKey::generate("witness.example").unwrap();
    let cosigned = format!("{note}{}", &sign_note(&body, &witness).unwrap()[body.len() + 1..]);
    assert_eq!(verify_signed_checkpoint(&cosigned, &vkey).unwrap(), cp);
    assert_eq!(verify_signed_checkpoint(&cosigned, &witness.verifier_key()).unwrap(), cp);
}

#[test]
fn invalid_names_and_checkpoints_refused() {
    for name in ["", "a b", "a+b", "a\tb", "a\u{3000}b", "a\nb"] {
        assert_eq!(SigningKey::generate(name).unwrap_err(), ProofError::InvalidKeyName, "{name:?}");
    }
    let key = SigningKey::generate("k").unwrap();
    let mut cp = sample_checkpoint();
    cp.origin = "two\nlines".into();
    assert!(matches!(sign_checkpoint(&cp, &key), Err(ProofError::MalformedCheckpoint { .. })));
    cp.origin = String::new();
    assert!(sign_checkpoint(&cp, &key).is_err());
    // Error messages are Chinese first, English second.
    let msg = ProofError::RootMismatch.to_string();
    assert_eq!(msg, "默克尔根不一致 (Merkle root mismatch)");
}

#[test]
fn hostile_notes_do_not_panic() {
    let key = SigningKey::generate("k").unwrap();
    let vkey = key.verifier_key();
    let note = sign_checkpoint(&sample_checkpoint(), &key).unwrap();
    // Every prefix and every single-character deletion.
    let chars: Vec<char> = note.chars().collect();
    for i in 0..chars.len() {
        let prefix: String = chars[..i].iter().collect();
        assert!(verify_signed_checkpoint(&prefix, &vkey).is_err());
        let deleted: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
        assert!(verify_signed_checkpoint(&deleted, &vkey).is_err(), "accepted deletion at {i}");
    }
    for junk in
        ["", "\n", "\n\n", "\n\n\n", "\u{2014} \n", "a\n\n\u{2014} k \n", "a\n\n\u{2014} k AAAA\n"]
    {
        assert!(verify_signed_checkpoint(junk, &vkey).is_err());
    }
}

proptest::proptest! {
    /// Any valid checkpoint survives body formatting, signing and verification unchanged.
    #[test]
    fn checkpoint_round_trip_any(origin in "[a-z0-9./:_-]{1,40}|\\PC{1,20}", size in proptest::prelude::any::<u64>(),
                                 root in proptest::prelude::any::<[u8; 32]>(),
                                 ext in proptest::collection::vec("[ -~]{1,30}", 0..3)) {
        let cp = Checkpoint { origin, size, root, extensions: ext };
        proptest::prop_assume!(cp.validate().is_ok());
        proptest::prop_assert_eq!(Checkpoint::parse(&cp.to_body()).unwrap(), cp.clone());
        let key = SigningKey::from_seed("k", &root).unwrap();
        let note = sign_checkpoint(&cp, &key).unwrap();
        proptest::prop_assert_eq!(verify_signed_checkpoint(&note, &key.verifier_key()).unwrap(), cp);
    }
}
