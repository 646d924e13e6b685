//! Ed25519 signing keys: reading PKCS#8 (as `openssl genpkey -algorithm Ed25519` writes it)
//! or a private JWK, writing PKCS#8/SPKI PEM for `keygen`, and signing compact tokens.

use std::io;
use std::path::Path;

use base64ct::{Base64, Base64UrlUnpadded, Encoding};
use ed25519_compact::{KeyPair, Seed};

use crate::failure::Failure;
use crate::input::read_bounded;
use crate::keys::{der_key_type, pem_der, shell_word};

/// DER of a PKCS#8 v1 `PrivateKeyInfo` for Ed25519 (RFC 8410 §7) up to the 32-byte seed:
/// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
/// What `openssl genpkey -algorithm Ed25519` writes (48 bytes in all).
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// The PKCS#8 v2 `OneAsymmetricKey` form (RFC 5958, RFC 8410 §10.3) that also carries the
/// public key: the v1 layout with version 1, then `[1] BIT STRING` (tag 0x81) of 32 bytes.
const PKCS8_V2_PREFIX: [u8; 16] = [
    0x30, 0x51, 0x02, 0x01, 0x01, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
const PKCS8_V2_PUBLIC: [u8; 3] = [0x81, 0x21, 0x00];

/// DER of an Ed25519 `SubjectPublicKeyInfo` (RFC 8410 §4) up to the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// Largest private key file read: 64 KiB, like the core's public key files.
const MAX_FILE_LEN: usize = 64 * 1024;

/// A key pair to sign with, and the `kid` its file names (a private JWK may carry one).
pub(crate) struct SigningKey {
    pub(crate) pair: KeyPair,
    pub(crate) kid: Option<String>,
}

const MAKE_ONE: &str = "make one with `edjwt keygen --private private.pem --public public.pem` \
                        or `openssl genpkey -algorithm Ed25519 -out private.pem`";

/// Loads the private key in `path`.
///
/// # Errors
/// A usage [`Failure`] (exit 2) that says what the file holds and what to pass instead.
pub(crate) fn load(path: &Path) -> Result<SigningKey, Failure> {
    let name = path.display();
    let bytes = read_small(path).map_err(|e| {
        Failure::Usage(match e.kind() {
            io::ErrorKind::NotFound => format!("private key file {name} not found; {MAKE_ONE}"),
            io::ErrorKind::PermissionDenied => {
                format!("cannot read private key file {name}: permission denied")
            }
            _ => format!("cannot read private key file {name}: {e}"),
        })
    })?;
    parse(&bytes, &shell_word(&name.to_string()))
        .map_err(|what| Failure::Usage(format!("key file {name} {what}")))
}

fn read_small(path: &Path) -> io::Result<Vec<u8>> {
    let bytes = read_bounded(std::fs::File::open(path)?, MAX_FILE_LEN)?;
    if bytes.len() > MAX_FILE_LEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "larger than 64 KiB: not a key file",
        ));
    }
    Ok(bytes)
}

/// Parses key file contents; the error completes "key file NAME ...".
fn parse(bytes: &[u8], arg: &str) -> Result<SigningKey, String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // Binary: PKCS#8 DER (`openssl genpkey -outform DER`).
        return from_pkcs8(bytes, arg);
    };
    let text = text.trim_start();
    if text.starts_with('{') {
        return from_jwk(text);
    }
    let Some(label) = text
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .map(|(label, _)| label)
    else {
        // Neither PEM nor JSON: maybe DER (a SEQUENCE), which can happen to be UTF-8.
        if bytes.first() == Some(&0x30) {
            return from_pkcs8(bytes, arg);
        }
        return Err(format!(
            "is not a private key; expected an Ed25519 PRIVATE KEY PEM or a private JWK \
             ({MAKE_ONE})"
        ));
    };
    match label {
        "PRIVATE KEY" => {
            let der =
                pem_der(text).ok_or("holds a PRIVATE KEY PEM whose body is not valid base64")?;
            from_pkcs8(&der, arg)
        }
        "PUBLIC KEY" => Err(format!(
            "holds a PUBLIC key; signing needs the private key (the file `openssl genpkey` or \
             `edjwt keygen --private` wrote). Public keys are for `edjwt verify --key {arg}`"
        )),
        "ENCRYPTED PRIVATE KEY" => Err(format!(
            "holds an encrypted private key; write a decrypted copy and keep it safe: \
             openssl pkey -in {arg} -out plain.pem"
        )),
        "OPENSSH PRIVATE KEY" => Err(format!(
            "holds an OpenSSH private key, a format edjwt does not read; {MAKE_ONE}"
        )),
        "RSA PRIVATE KEY" | "EC PRIVATE KEY" | "DSA PRIVATE KEY" => Err(format!(
            "holds an {} private key; edjwt signs with Ed25519 only: {MAKE_ONE}",
            label.trim_end_matches(" PRIVATE KEY")
        )),
        other => Err(format!(
            "holds a {} PEM, not a private key; {MAKE_ONE}",
            crate::text::quote(other)
        )),
    }
}

fn from_pkcs8(der: &[u8], arg: &str) -> Result<SigningKey, String> {
    if let Some(seed) = der.strip_prefix(&PKCS8_V1_PREFIX[..]) {
        return pair(seed, None).map(|pair| SigningKey { pair, kid: None });
    }
    if let Some(rest) = der.strip_prefix(&PKCS8_V2_PREFIX[..]) {
        let (seed, public) = rest
            .split_at_checked(32)
            .ok_or("holds a truncated PKCS#8 key")?;
        let public = public
            .strip_prefix(&PKCS8_V2_PUBLIC[..])
            .ok_or("holds a PKCS#8 v2 key edjwt cannot read")?;
        return pair(seed, Some(public)).map(|pair| SigningKey { pair, kid: None });
    }
    Err(match der_key_type(der) {
        Some(kind) if kind.contains("Ed25519") => format!(
            "holds an Ed25519 key in a PKCS#8 layout edjwt does not read; rewrite it: \
             openssl pkey -in {arg} -out plain.pem"
        ),
        Some(kind) => format!("holds {kind}, not an Ed25519 private key; {MAKE_ONE}"),
        None => format!("is not a PKCS#8 Ed25519 private key; {MAKE_ONE}"),
    })
}

/// A private JWK (RFC 8037 §2): `{"kty":"OKP","crv":"Ed25519","d":...,"x":...}`.
fn from_jwk(text: &str) -> Result<SigningKey, String> {
    let jwk: serde_json::Value =
        serde_json::from_str(text).map_err(|_| "is not valid JSON".to_owned())?;
    if jwk.get("keys").is_some() {
        return Err("holds a JWKS; pass one private JWK".to_owned());
    }
    let field = |name: &str| jwk.get(name).and_then(serde_json::Value::as_str);
    if field("kty") != Some("OKP") || field("crv") != Some("Ed25519") {
        return Err(format!(
            "holds a JWK that is not an Ed25519 key (kty OKP, crv Ed25519); {MAKE_ONE}"
        ));
    }
    let d = field("d").ok_or(
        "holds a public JWK (no \"d\"); signing needs the private JWK, or the PRIVATE KEY PEM",
    )?;
    let seed = b64url_decode(d).ok_or("holds a JWK whose \"d\" is not 32 bytes of base64url")?;
    let public = match field("x") {
        Some(x) => Some(b64url_decode(x).ok_or("holds a JWK whose \"x\" is not base64url")?),
        None => None,
    };
    let pair = pair(&seed, public.as_deref())?;
    Ok(SigningKey {
        pair,
        kid: field("kid").map(str::to_owned),
    })
}

fn pair(seed: &[u8], public: Option<&[u8]>) -> Result<KeyPair, String> {
    let seed: [u8; 32] = seed
        .try_into()
        .map_err(|_| "holds an Ed25519 private key that is not 32 bytes".to_owned())?;
    // `from_seed` panics on an all-zero seed; a key file must never crash the tool.
    let pair = KeyPair::try_from_seed(Seed::new(seed))
        .map_err(|_| "holds an all-zero Ed25519 seed, which is not a usable key".to_owned())?;
    if public.is_some_and(|p| p != &pair.pk[..]) {
        return Err("holds a private key whose public part does not match it".to_owned());
    }
    Ok(pair)
}

/// PKCS#8 v1 PEM of `pair`, byte for byte what `openssl genpkey -algorithm Ed25519` writes.
pub(crate) fn private_pem(pair: &KeyPair) -> String {
    let mut der = PKCS8_V1_PREFIX.to_vec();
    der.extend_from_slice(&pair.sk.seed()[..]);
    pem("PRIVATE KEY", &der)
}

/// SPKI PEM of the public key, byte for byte what `openssl pkey -pubout` writes.
pub(crate) fn public_pem(pair: &KeyPair) -> String {
    let mut der = SPKI_PREFIX.to_vec();
    der.extend_from_slice(&pair.pk[..]);
    pem("PUBLIC KEY", &der)
}

/// RFC 7468 PEM: base64 in 64-column lines, LF line ends, trailing newline (as OpenSSL).
fn pem(label: &str, der: &[u8]) -> String {
    let b64 = encode::<Base64>(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn encode<E: Encoding>(bytes: &[u8]) -> String {
    let mut buf = vec![0u8; E::encoded_len(bytes)];
    E::encode(bytes, &mut buf)
        .map(str::to_owned)
        .unwrap_or_default()
}

/// Unpadded base64url, as JWS and JWK use.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    encode::<Base64UrlUnpadded>(bytes)
}

/// Strict unpadded base64url decoding.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; text.len()];
    let len = Base64UrlUnpadded::decode(text, &mut buf).ok()?.len();
    buf.truncate(len);
    Some(buf)
}

/// A compact JWS: base64url(header) . base64url(claims) . base64url(signature), with a
/// deterministic RFC 8032 signature (the same token for the same key and input, as
/// OpenSSL, PyJWT and jose produce).
pub(crate) fn sign_token(
    pair: &KeyPair,
    header: &serde_json::Value,
    claims: &serde_json::Value,
) -> String {
    let input = format!(
        "{}.{}",
        b64url(header.to_string().as_bytes()),
        b64url(claims.to_string().as_bytes())
    );
    let signature = pair.sk.sign(input.as_bytes(), None);
    format!("{input}.{}", b64url(&signature[..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 §7.1 test 1 (also RFC 8037 Appendix A.1).
    const SEED: [u8; 32] = [
        0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c,
        0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae,
        0x7f, 0x60,
    ];

    #[test]
    fn pem_round_trip() {
        let pair = KeyPair::from_seed(Seed::new(SEED));
        let private = private_pem(&pair);
        assert_eq!(
            private,
            "-----BEGIN PRIVATE KEY-----\n\
             MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n\
             -----END PRIVATE KEY-----\n"
        );
        let public = public_pem(&pair);
        assert_eq!(
            public,
            "-----BEGIN PUBLIC KEY-----\n\
             MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n\
             -----END PUBLIC KEY-----\n"
        );
        let loaded = parse(private.as_bytes(), "k").unwrap();
        assert_eq!(loaded.pair.pk, pair.pk);
        assert!(edjwt::VerifyingKey::from_pem(&public).is_ok());
    }

    #[test]
    fn pkcs8_v2_with_public_key() {
        let pair = KeyPair::from_seed(Seed::new(SEED));
        let v2 = |public: &[u8]| {
            let mut der = PKCS8_V2_PREFIX.to_vec();
            der.extend_from_slice(&SEED);
            der.extend_from_slice(&PKCS8_V2_PUBLIC);
            der.extend_from_slice(public);
            der
        };
        let loaded = parse(&v2(&pair.pk[..]), "k").unwrap();
        assert_eq!(loaded.pair.pk, pair.pk);
        let mut wrong = *pair.pk;
        wrong[0] ^= 1;
        assert!(parse(&v2(&wrong), "k")
            .err()
            .unwrap()
            .contains("does not match"));
        assert!(parse(&v2(&pair.pk[..31]), "k").is_err());
    }

    #[test]
    fn refusals() {
        let err = |text: &str| parse(text.as_bytes(), "k.pem").err().unwrap();
        assert!(
            err("-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n").contains("PUBLIC")
        );
        assert!(err("hello").contains("not a private key"));
        assert!(err("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AA\"}").contains("no \"d\""));
        // An all-zero seed must be refused, not panic in the backend.
        let mut der = PKCS8_V1_PREFIX.to_vec();
        der.extend_from_slice(&[0u8; 32]);
        assert!(parse(&der, "k").err().unwrap().contains("all-zero"));
    }
}
