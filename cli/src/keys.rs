//! Verifying keys from `--key` files, and what to tell the operator when a file is unusable.

use std::io;
use std::path::{Path, PathBuf};

use base64ct::{Base64, Encoding};
use edjwt::{Error, KeySet, VerifyingKey, MAX_KEY_FILE_LEN};

use crate::failure::Failure;
use crate::input::read_bounded;

/// Capacity of the key set built from all `--key` files: ample for a JWKS with rotation
/// (identity providers publish 2–10 keys), and the bound on signature checks per token.
pub(crate) const MAX_KEYS: usize = 64;

/// The keys of every `--key` file, and where each came from (for hints).
pub(crate) struct LoadedKeys {
    pub(crate) set: KeySet<MAX_KEYS>,
    origins: Vec<PathBuf>,
}

impl LoadedKeys {
    /// Loads every file with [`KeySet::add_file`], in order.
    ///
    /// # Errors
    /// A usage [`Failure`] (exit 2) naming the file, what is wrong with it and what to do.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<Self, Failure> {
        let mut set = KeySet::new();
        let mut origins = Vec::new();
        for path in paths {
            let added = set
                .add_file(path)
                .map_err(|e| Failure::Usage(key_file_error(path, &e)))?;
            origins.extend(std::iter::repeat_n(path.clone(), added));
        }
        Ok(LoadedKeys { set, origins })
    }

    /// `kid "key-1" from jwks.json`, or `the key in public.pem` for a key without `kid`.
    pub(crate) fn describe(&self, index: usize) -> String {
        let file = self
            .origins
            .get(index)
            .map_or_else(|| "?".to_owned(), |p| p.display().to_string());
        match self.set.get(index).and_then(VerifyingKey::kid) {
            Some(kid) => format!("kid {} from {file}", crate::text::quote(kid)),
            None => format!("the key in {file}"),
        }
    }
}

/// The exit-2 message for a key file `add_file` refused.
pub(crate) fn key_file_error(path: &Path, e: &io::Error) -> String {
    let name = path.display();
    let arg = shell_word(&name.to_string());
    match e.kind() {
        io::ErrorKind::NotFound => format!(
            "key file {name} not found; pass --key with the issuer's public key: a PUBLIC KEY \
             PEM (openssl pkey -in private.pem -pubout -out public.pem), a JWK or a JWKS file"
        ),
        io::ErrorKind::PermissionDenied => format!(
            "cannot read key file {name}: permission denied; check its owner and mode \
             (a public key may be world-readable: chmod 644 {arg})"
        ),
        io::ErrorKind::InvalidData => {
            let Some(error) = e.get_ref().and_then(|i| i.downcast_ref::<Error>()) else {
                return format!("cannot read key file {name}: {e}");
            };
            key_error(path, *error)
        }
        _ => format!("cannot read key file {name}: {e}"),
    }
}

fn key_error(path: &Path, error: Error) -> String {
    let name = path.display();
    let arg = shell_word(&name.to_string());
    let head = sniff(path);
    const NEW_PAIR: &str =
        "make an Ed25519 pair: edjwt keygen --private private.pem --public public.pem";
    match error {
        Error::PrivateKey if head.is_json => format!(
            "key file {name} holds a PRIVATE JWK (it has a \"d\" member); pass the public JWK \
             instead: the same object without \"d\""
        ),
        Error::PrivateKey => format!(
            "key file {name} holds a PRIVATE key; pass the public key: \
             openssl pkey -in {arg} -pubout -out public.pem"
        ),
        Error::WeakKey => format!(
            "key file {name} holds a weak Ed25519 public key (small-order or non-canonical \
             encoding) that could accept forged tokens; replace it ({NEW_PAIR})"
        ),
        Error::UnsupportedKey if head.is_certificate => format!(
            "key file {name} holds an X.509 certificate; pass its public key: \
             openssl x509 -in {arg} -pubkey -noout > public.pem"
        ),
        Error::UnsupportedKey => format!(
            "key file {name} holds {}, not an Ed25519 signature key; edjwt verifies EdDSA \
             tokens only ({NEW_PAIR})",
            head.key_type.unwrap_or("a key of another type or use")
        ),
        Error::InvalidKey if head.too_large => format!(
            "key file {name} is larger than {} KiB; a key file is a PEM, JWK or JWKS of a few \
             KiB at most",
            MAX_KEY_FILE_LEN / 1024
        ),
        Error::InvalidKey => format!(
            "key file {name} is not a valid Ed25519 public key; expected a PUBLIC KEY PEM \
             (openssl pkey -in private.pem -pubout -out public.pem), DER SubjectPublicKeyInfo, \
             a JWK {{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":...}} or a JWKS {{\"keys\":[...]}}"
        ),
        Error::KeySetFull => format!(
            "too many keys: key file {name} goes past {MAX_KEYS} keys in all; pass fewer key files"
        ),
        other => format!("key file {name}: {}: {}", other.code(), other.message()),
    }
}

/// What the first bytes of a refused key file say about it, for a precise message.
#[derive(Default)]
struct Head {
    is_json: bool,
    is_certificate: bool,
    too_large: bool,
    key_type: Option<&'static str>,
}

fn sniff(path: &Path) -> Head {
    let Ok(bytes) = std::fs::File::open(path).and_then(|f| read_bounded(f, MAX_KEY_FILE_LEN))
    else {
        return Head::default();
    };
    let text = String::from_utf8_lossy(&bytes);
    let trimmed = text.trim_start();
    let mut head = Head {
        is_json: trimmed.starts_with('{'),
        is_certificate: trimmed.starts_with("-----BEGIN CERTIFICATE-----"),
        too_large: bytes.len() > MAX_KEY_FILE_LEN,
        key_type: None,
    };
    head.key_type = if head.is_json {
        jwk_type(trimmed)
    } else if trimmed.starts_with("-----BEGIN RSA PUBLIC KEY-----") {
        Some("an RSA public key")
    } else if trimmed.starts_with("-----BEGIN ") {
        pem_der(trimmed).and_then(|der| der_key_type(&der))
    } else {
        der_key_type(&bytes)
    };
    head
}

/// `a JWK with kty "EC", crv "P-256"`, `a JWK for use "enc"`, or for a JWKS the types it
/// holds.
fn jwk_type(text: &str) -> Option<&'static str> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if value.get("keys").is_some() {
        return Some("no Ed25519 signature key (a JWKS whose keys are all of other types or uses)");
    }
    let field = |name: &str| value.get(name).and_then(serde_json::Value::as_str);
    Some(match (field("kty"), field("crv"), field("use")) {
        (Some("RSA"), ..) => "an RSA JWK",
        (Some("EC"), ..) => "an EC JWK",
        (Some("OKP"), Some("X25519"), _) => "an X25519 (key agreement) JWK",
        (Some("OKP"), Some("Ed448"), _) => "an Ed448 JWK",
        (Some("oct"), ..) => "a symmetric (oct) JWK",
        (_, _, Some(u)) if u != "sig" => "a JWK whose \"use\" is not \"sig\"",
        _ => "a JWK of another type, use or alg",
    })
}

/// Decodes the body of the first PEM block in `text`.
pub(crate) fn pem_der(text: &str) -> Option<Vec<u8>> {
    let rest = text.trim_start().strip_prefix("-----BEGIN ")?;
    let (_, rest) = rest.split_once("-----")?;
    let (body, _) = rest.split_once("-----END ")?;
    let b64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut der = vec![0u8; b64.len()];
    let len = Base64::decode(&b64, &mut der).ok()?.len();
    der.truncate(len);
    Some(der)
}

/// DER object identifiers of key algorithms, for naming what a key file holds.
const KEY_OIDS: [(&[u8], &str); 5] = [
    (&[0x2b, 0x65, 0x70], "an Ed25519 key"),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "an RSA key",
    ),
    (&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], "an EC key"),
    (&[0x2b, 0x65, 0x6e], "an X25519 (key agreement) key"),
    (&[0x2b, 0x65, 0x71], "an Ed448 key"),
];

/// The key algorithm named by the first known OID in `der`.
pub(crate) fn der_key_type(der: &[u8]) -> Option<&'static str> {
    KEY_OIDS.iter().find_map(|(oid, name)| {
        let mut tlv = vec![0x06, u8::try_from(oid.len()).ok()?];
        tlv.extend_from_slice(oid);
        der.windows(tlv.len())
            .any(|w| w == tlv.as_slice())
            .then_some(*name)
    })
}

/// `path` as one shell word, for commands the operator can paste.
pub(crate) fn shell_word(path: &str) -> String {
    let plain = !path.is_empty()
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-./:=+@,%".contains(&b));
    if plain {
        path.to_owned()
    } else {
        format!("'{}'", path.replace('\'', r"'\''"))
    }
}
