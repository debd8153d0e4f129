//! RFC 3161 trusted timestamps over signed checkpoints: requests, and the checks of a reply.
//!
//! The vault asks a Time-Stamping Authority (TSA) to sign "these 32 bytes existed at time T",
//! where the 32 bytes are the SHA-256 of a signed checkpoint note. [`request`] writes the DER
//! `TimeStampReq` (SHA-256 imprint, `certReq = true`, a random 64-bit nonce) that any RFC 3161
//! TSA accepts; the user sends it (e.g. with `curl`) and brings back the `TimeStampResp`.
//!
//! [`verify_response`] / [`verify_token`] check, with nothing but the token:
//!
//! 1. the response status is *granted* and it carries a token (CMS `SignedData`, RFC 5652)
//!    whose encapsulated content is a `TSTInfo`;
//! 2. the `TSTInfo` imprint is a SHA-256 (the caller compares it with the checkpoint hash);
//! 3. there is exactly one signer; its `content-type` signed attribute is `id-ct-TSTInfo` and
//!    its `message-digest` signed attribute is the SHA-256 of the encapsulated `TSTInfo`;
//! 4. the signer's certificate is in the token (matched by issuer and serial, or key id), and,
//!    when the token has an ESS `signingCertificateV2` attribute, its SHA-256 matches;
//! 5. the certificate has the **critical** extended key usage `id-kp-timeStamping` and was
//!    valid at the stamped time;
//! 6. the signature over the DER of the signed attributes verifies with the certificate's
//!    key: RSA PKCS#1 v1.5 with SHA-256, or ECDSA P-256 with SHA-256.
//!
//! What is **not** checked here: whether the TSA certificate chains to a root the reader
//! trusts, and revocation. That is the reader's decision (a court may accept only certain
//! TSAs); the caller shows the certificate's subject, issuer and SHA-256 so it can be looked up.
//!
//! Known limit: `der` 0.7 reads `GeneralizedTime` without fractional seconds; a TSA that writes
//! fractions (`…12.345Z`) is refused as malformed rather than misread.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Any, Int, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Sequence};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{ExtendedKeyUsage, SubjectKeyIdentifier};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::ProofError;

const OID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const OID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const OID_CT_TSTINFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const OID_ATTR_CONTENT_TYPE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const OID_ATTR_MESSAGE_DIGEST: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const OID_ATTR_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const OID_EXT_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const OID_EXT_SKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const OID_KP_TIMESTAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");
const OID_RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const OID_EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");

fn err(zh: impl Into<String>, en: impl Into<String>) -> ProofError {
    ProofError::Timestamp { zh: zh.into(), en: en.into() }
}

fn der_err(what: &'static str) -> impl FnOnce(der::Error) -> ProofError {
    move |e| err(format!("{what}的格式不对"), format!("malformed {what}: {e}"))
}

/// A `TimeStampReq` as written by [`request`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampRequest {
    /// DER bytes of the request (what a `.tsq` file holds).
    pub der: Vec<u8>,
    /// The SHA-256 imprint.
    pub imprint: [u8; 32],
    /// The nonce (big-endian, as it appears in the request), if any.
    pub nonce: Option<Vec<u8>>,
}

fn sha256_imprint(digest: &[u8; 32]) -> Result<MessageImprint, ProofError> {
    Ok(MessageImprint {
        hash_algorithm: x509_cert::spki::AlgorithmIdentifier {
            oid: OID_SHA256,
            parameters: Some(Any::null()),
        },
        hashed_message: OctetString::new(digest.to_vec()).map_err(der_err("请求"))?,
    })
}

/// A DER `TimeStampReq` over `digest` (a SHA-256), with `certReq = true` and a random nonce.
pub fn request(digest: &[u8; 32]) -> Result<TimestampRequest, ProofError> {
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|_| ProofError::Randomness)?;
    nonce[0] &= 0x7f; // positive
    nonce[0] |= 0x01; // no leading zero byte, so the encoding is minimal
    let req = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: sha256_imprint(digest)?,
        req_policy: None,
        nonce: Some(Int::new(&nonce).map_err(der_err("请求"))?),
        cert_req: true,
        extensions: None,
    };
    let der = req.to_der().map_err(der_err("请求"))?;
    Ok(TimestampRequest { der, imprint: *digest, nonce: Some(nonce.to_vec()) })
}

/// Reads a `TimeStampReq` (a `.tsq` file). Only SHA-256 imprints are accepted.
pub fn parse_request(der_bytes: &[u8]) -> Result<TimestampRequest, ProofError> {
    let req = TimeStampReq::from_der(der_bytes).map_err(der_err("时间戳请求（.tsq）"))?;
    let imprint = sha256_of_imprint(&req.message_imprint)?;
    Ok(TimestampRequest {
        der: der_bytes.to_vec(),
        imprint,
        nonce: req.nonce.map(|n| strip_zeros(n.as_bytes()).to_vec()),
    })
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&x| x == 0).count();
    &b[n.min(b.len().saturating_sub(1))..]
}

fn sha256_of_imprint(m: &MessageImprint) -> Result<[u8; 32], ProofError> {
    if m.hash_algorithm.oid != OID_SHA256 {
        return Err(err(
            format!("摘要算法不是 SHA-256（{}）", m.hash_algorithm.oid),
            format!("imprint hash algorithm {} is not SHA-256", m.hash_algorithm.oid),
        ));
    }
    m.hashed_message
        .as_bytes()
        .try_into()
        .map_err(|_| err("SHA-256 摘要不是 32 字节", "SHA-256 imprint is not 32 bytes"))
}

/// What a valid token says. Trust in the TSA certificate is not established here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampInfo {
    /// The stamped time, seconds since the Unix epoch (UTC).
    pub gen_time_unix: u64,
    /// SHA-256 of the data the TSA stamped.
    pub imprint: [u8; 32],
    /// The nonce echoed by the TSA (leading zeros stripped).
    pub nonce: Option<Vec<u8>>,
    /// Serial number of the token, hex.
    pub serial: String,
    /// TSA policy OID.
    pub policy: String,
    /// Subject of the signing certificate (RFC 4514 text).
    pub tsa_subject: String,
    /// Issuer of the signing certificate.
    pub tsa_issuer: String,
    /// SHA-256 of the signing certificate (DER), hex, to look the TSA up.
    pub tsa_cert_sha256: String,
    /// `RSA-SHA256` or `ECDSA-P256-SHA256`.
    pub signature_algorithm: &'static str,
    /// DER of the token (`ContentInfo`), as inside the response.
    pub token_der: Vec<u8>,
}

/// Checks a DER `TimeStampResp` (a `.tsr` file): status granted, then [`verify_token`].
pub fn verify_response(der_bytes: &[u8]) -> Result<TimestampInfo, ProofError> {
    let resp = TimeStampResp::from_der(der_bytes).map_err(der_err("时间戳回复（.tsr）"))?;
    use cmpv2::status::PkiStatus;
    match resp.status.status {
        PkiStatus::Accepted | PkiStatus::GrantedWithMods => {}
        other => {
            return Err(err(
                format!("时间戳服务拒绝了请求（状态 {}）", other as u8),
                format!("TSA status {other:?}"),
            ));
        }
    }
    let token = resp
        .time_stamp_token
        .ok_or_else(|| err("回复里没有时间戳令牌", "response carries no token"))?;
    verify_content_info(&token)
}

/// Checks a DER timestamp token (`ContentInfo` with `SignedData`). See the module doc.
pub fn verify_token(der_bytes: &[u8]) -> Result<TimestampInfo, ProofError> {
    let ci = ContentInfo::from_der(der_bytes).map_err(der_err("时间戳令牌"))?;
    verify_content_info(&ci)
}

/// `ESSCertIDv2` (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<Any>,
}

/// `SigningCertificateV2` (RFC 5035).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
    #[asn1(optional = "true")]
    policies: Option<Any>,
}

fn single_attr(si: &SignerInfo, oid: ObjectIdentifier) -> Option<&Any> {
    si.signed_attrs
        .as_ref()?
        .iter()
        .find(|a| a.oid == oid)
        .and_then(|a| if a.values.len() == 1 { a.values.iter().next() } else { None })
}

fn verify_content_info(ci: &ContentInfo) -> Result<TimestampInfo, ProofError> {
    if ci.content_type != OID_SIGNED_DATA {
        return Err(err("时间戳令牌不是 CMS SignedData", "token is not CMS SignedData"));
    }
    let token_der = ci.to_der().map_err(der_err("时间戳令牌"))?;
    let sd_der = ci.content.to_der().map_err(der_err("时间戳令牌"))?;
    let sd = SignedData::from_der(&sd_der).map_err(der_err("时间戳令牌的签名数据"))?;
    if sd.encap_content_info.econtent_type != OID_CT_TSTINFO {
        return Err(err("令牌内容不是 TSTInfo", "encapsulated content is not id-ct-TSTInfo"));
    }
    let econtent = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| err("令牌里没有 TSTInfo", "no encapsulated TSTInfo"))?;
    let tst_der = OctetString::from_der(&econtent.to_der().map_err(der_err("TSTInfo"))?)
        .map_err(der_err("TSTInfo"))?;
    let tst_der = tst_der.as_bytes();
    let tst = TstInfo::from_der(tst_der).map_err(der_err("TSTInfo"))?;
    let imprint = sha256_of_imprint(&tst.message_imprint)?;
    let gen_time_unix = tst.gen_time.to_unix_duration().as_secs();

    let signers: Vec<&SignerInfo> = sd.signer_infos.0.iter().collect();
    let [si] = signers.as_slice() else {
        return Err(err(
            format!("令牌应有 1 个签名者，实有 {} 个", signers.len()),
            "a timestamp token has exactly one signer",
        ));
    };
    if si.digest_alg.oid != OID_SHA256 {
        return Err(err(
            format!("签名摘要算法不是 SHA-256（{}），暂不支持", si.digest_alg.oid),
            format!("signer digest algorithm {} is not supported", si.digest_alg.oid),
        ));
    }
    let attrs = si.signed_attrs.as_ref().ok_or_else(|| {
        err("令牌没有签名属性（RFC 3161 要求有）", "signer has no signed attributes")
    })?;
    // content-type = id-ct-TSTInfo
    let ct = single_attr(si, OID_ATTR_CONTENT_TYPE)
        .and_then(|a| a.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| err("签名属性缺少内容类型", "no content-type signed attribute"))?;
    if ct != OID_CT_TSTINFO {
        return Err(err("签名属性中的内容类型不是 TSTInfo", "content-type attribute mismatch"));
    }
    // message-digest = SHA-256(TSTInfo)
    let md = single_attr(si, OID_ATTR_MESSAGE_DIGEST)
        .and_then(|a| a.decode_as::<OctetString>().ok())
        .ok_or_else(|| err("签名属性缺少消息摘要", "no message-digest signed attribute"))?;
    if md.as_bytes() != Sha256::digest(tst_der).as_slice() {
        return Err(err(
            "签名属性中的消息摘要与 TSTInfo 不符（令牌内容被改动过）",
            "message-digest attribute does not match the TSTInfo",
        ));
    }

    // The signer's certificate.
    let cert = signer_certificate(&sd, &si.sid)?;
    let cert_der = cert.to_der().map_err(der_err("证书"))?;
    let cert_sha: [u8; 32] = Sha256::digest(&cert_der).into();
    if let Some(a) = single_attr(si, OID_ATTR_SIGNING_CERT_V2) {
        let sc = a
            .decode_as::<SigningCertificateV2>()
            .map_err(der_err("签名证书属性（signingCertificateV2）"))?;
        let first = sc.certs.first().ok_or_else(|| {
            err("签名证书属性是空的", "signingCertificateV2 lists no certificate")
        })?;
        let alg_ok = first.hash_algorithm.as_ref().is_none_or(|a| a.oid == OID_SHA256);
        if alg_ok && first.cert_hash.as_bytes() != cert_sha.as_slice() {
            return Err(err(
                "令牌中的证书与签名属性登记的证书不同（证书被替换过）",
                "signingCertificateV2 hash does not match the signer certificate",
            ));
        }
    }
    check_timestamping_eku(&cert)?;
    let validity = &cert.tbs_certificate.validity;
    let (nb, na) = (
        validity.not_before.to_unix_duration().as_secs(),
        validity.not_after.to_unix_duration().as_secs(),
    );
    if gen_time_unix < nb || gen_time_unix > na {
        return Err(err(
            "时间戳的时间不在签名证书的有效期内",
            "genTime is outside the signer certificate's validity",
        ));
    }

    // The signature over the DER of the signed attributes (a SET OF, tag 0x31).
    let attrs_der = attrs.to_der().map_err(der_err("签名属性"))?;
    let digest: [u8; 32] = Sha256::digest(&attrs_der).into();
    let signature_algorithm = verify_signature(&cert, si, &digest)?;

    Ok(TimestampInfo {
        gen_time_unix,
        imprint,
        nonce: tst.nonce.as_ref().map(|n| strip_zeros(n.as_bytes()).to_vec()),
        serial: hex::encode(tst.serial_number.as_bytes()),
        policy: tst.policy.to_string(),
        tsa_subject: cert.tbs_certificate.subject.to_string(),
        tsa_issuer: cert.tbs_certificate.issuer.to_string(),
        tsa_cert_sha256: hex::encode(cert_sha),
        signature_algorithm,
        token_der,
    })
}

fn signer_certificate(sd: &SignedData, sid: &SignerIdentifier) -> Result<Certificate, ProofError> {
    let certs = sd.certificates.as_ref().map(|c| c.0.iter()).into_iter().flatten();
    for choice in certs {
        let CertificateChoices::Certificate(cert) = choice else { continue };
        let tbs = &cert.tbs_certificate;
        let matches = match sid {
            SignerIdentifier::IssuerAndSerialNumber(ias) => {
                ias.issuer == tbs.issuer && ias.serial_number == tbs.serial_number
            }
            SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
                .extensions
                .iter()
                .flatten()
                .filter(|e| e.extn_id == OID_EXT_SKI)
                .filter_map(|e| SubjectKeyIdentifier::from_der(e.extn_value.as_bytes()).ok())
                .any(|k| k == *ski),
        };
        if matches {
            return Ok(cert.clone());
        }
    }
    Err(err(
        "令牌里没有签名者的证书（申请时应要求附带证书：certReq）",
        "the signer certificate is not in the token",
    ))
}

fn check_timestamping_eku(cert: &Certificate) -> Result<(), ProofError> {
    let eku: Vec<_> = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|e| e.extn_id == OID_EXT_KEY_USAGE)
        .collect();
    let [ext] = eku.as_slice() else {
        return Err(err(
            "签名证书没有（唯一的）扩展密钥用途，不是时间戳服务证书",
            "signer certificate lacks a single extendedKeyUsage extension",
        ));
    };
    let usages = ExtendedKeyUsage::from_der(ext.extn_value.as_bytes())
        .map_err(der_err("证书的扩展密钥用途"))?;
    if !usages.0.contains(&OID_KP_TIMESTAMPING) {
        return Err(err(
            "签名证书的用途不包括时间戳（timeStamping）",
            "extendedKeyUsage lacks id-kp-timeStamping",
        ));
    }
    if !ext.critical {
        return Err(err(
            "签名证书的时间戳用途没有标为关键（RFC 3161 要求 critical）",
            "the timeStamping extendedKeyUsage is not critical",
        ));
    }
    Ok(())
}

fn verify_signature(
    cert: &Certificate,
    si: &SignerInfo,
    digest: &[u8; 32],
) -> Result<&'static str, ProofError> {
    let spki = &cert.tbs_certificate.subject_public_key_info;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| err("证书公钥格式不对", "public key bit string is not octet-aligned"))?;
    let sig = si.signature.as_bytes();
    let bad = || err("时间戳令牌的签名无效（令牌被改动过）", "token signature does not verify");
    let alg = si.signature_algorithm.oid;
    if alg == OID_RSA_ENCRYPTION || alg == OID_SHA256_WITH_RSA {
        if spki.algorithm.oid != OID_RSA_ENCRYPTION {
            return Err(err("签名算法与证书公钥类型不符", "RSA signature but non-RSA key"));
        }
        use rsa::pkcs1::DecodeRsaPublicKey;
        let key = rsa::PublicKey::from_pkcs1_der(key_bytes)
            .map_err(|e| err("证书中的 RSA 公钥格式不对", format!("RSA key: {e}")))?;
        key.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), digest, sig).map_err(|_| bad())?;
        return Ok("RSA-SHA256");
    }
    if alg == OID_ECDSA_SHA256 {
        let curve =
            spki.algorithm.parameters.as_ref().and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        if spki.algorithm.oid != OID_EC_PUBLIC_KEY || curve != Some(OID_P256) {
            return Err(err(
                "只支持 P-256 曲线的 ECDSA 证书",
                "ECDSA signature but the key is not on P-256",
            ));
        }
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key_bytes)
            .map_err(|_| err("证书中的 P-256 公钥格式不对", "malformed P-256 key"))?;
        let s = p256::ecdsa::Signature::from_der(sig).map_err(|_| bad())?;
        key.verify_prehash(digest, &s).map_err(|_| bad())?;
        return Ok("ECDSA-P256-SHA256");
    }
    Err(err(
        format!("不支持的签名算法 {alg}（支持 RSA-SHA256 与 ECDSA-P256-SHA256）"),
        format!("unsupported signature algorithm {alg}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips() {
        let d = [7u8; 32];
        let r = request(&d).unwrap();
        let p = parse_request(&r.der).unwrap();
        assert_eq!(p.imprint, d);
        assert_eq!(p.nonce, r.nonce);
        let req = TimeStampReq::from_der(&r.der).unwrap();
        assert!(req.cert_req);
        assert_ne!(request(&d).unwrap().nonce, r.nonce, "nonces are random");
    }

    #[test]
    fn garbage_is_refused() {
        assert!(verify_response(b"not der").is_err());
        assert!(verify_token(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
        assert!(parse_request(&[]).is_err());
    }
}
