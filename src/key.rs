//! Ed25519 verifying keys: raw bytes, SPKI DER, `PUBLIC KEY` PEM and JWK, validated on load.

use core::fmt;

use base64ct::{Base64UrlUnpadded, Encoding};

use crate::backend::PublicKey;
use crate::base64url;
use crate::error::Error;
use crate::json::{self, JsonStr, Value};

/// Longest `kid` a configured key may carry, in bytes. Identity providers use short ids
/// (JWK thumbprints are 43 characters, AWS Cognito's 44); a token `kid` longer than this can
/// match no key and is `unknown-key`.
pub const MAX_KID_LEN: usize = 128;

/// DER of the SPKI prefix for an Ed25519 key (RFC 8410 §4): SEQUENCE { SEQUENCE { OID
/// 1.3.101.112 }, BIT STRING (0 unused bits) }, followed by the 32 key bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// OIDs of public keys that are well-formed but not Ed25519 (for `unsupported-key`), as
/// DER: tag 0x06, length, value.
const OTHER_KEY_OIDS: [&[u8]; 4] = [
    &[
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ], // rsaEncryption
    &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], // id-ecPublicKey
    &[0x06, 0x03, 0x2b, 0x65, 0x6e],                         // X25519
    &[0x06, 0x03, 0x2b, 0x65, 0x71],                         // Ed448
];

/// Longest PEM body (base64 characters) decoded in full: an Ed25519 SPKI is 60. Longer
/// bodies are only sniffed for a known key type.
const MAX_PEM_BODY: usize = 128;

/// A validated Ed25519 public key, optionally with a key ID.
///
/// Every constructor refuses small-order and non-canonical points (`weak-key`), so a key in
/// a [`KeySet`](crate::KeySet) can never make a forgery verify.
#[derive(Clone)]
pub struct VerifyingKey {
    key: PublicKey,
    kid: Option<heapless::String<MAX_KID_LEN>>,
}

impl VerifyingKey {
    /// A key from its 32-byte encoding (RFC 8032 §5.1.2).
    ///
    /// # Errors
    /// [`Error::WeakKey`] for a small-order, non-canonical or off-curve encoding.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        let key = PublicKey::from_bytes(bytes)?;
        Ok(VerifyingKey { key, kid: None })
    }

    /// A key from a slice that must be exactly 32 bytes.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] for another length, [`Error::WeakKey`] as for
    /// [`from_bytes`](Self::from_bytes).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let bytes: &[u8; 32] = bytes.try_into().map_err(|_| Error::InvalidKey)?;
        Self::from_bytes(bytes)
    }

    /// A key from a DER `SubjectPublicKeyInfo` (RFC 8410 §4), as
    /// `openssl pkey -pubout -outform DER` writes it.
    ///
    /// # Errors
    /// [`Error::UnsupportedKey`] for an RSA, EC, X25519 or Ed448 key,
    /// [`Error::InvalidKey`] for anything else that is not exactly an Ed25519 SPKI,
    /// [`Error::WeakKey`] as for [`from_bytes`](Self::from_bytes).
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        match der.strip_prefix(&ED25519_SPKI_PREFIX[..]) {
            Some(key) => Self::from_slice(key),
            None if is_other_key_type(der) => Err(Error::UnsupportedKey),
            None => Err(Error::InvalidKey),
        }
    }

    /// A key from PEM text (RFC 7468 §13) labelled `PUBLIC KEY`, as
    /// `openssl pkey -in private.pem -pubout` writes it. Surrounding whitespace, CRLF line
    /// endings and any line length are accepted; the base64 must be strict.
    ///
    /// # Errors
    /// [`Error::PrivateKey`] for any `... PRIVATE KEY` label, [`Error::UnsupportedKey`] for
    /// another key type, [`Error::InvalidKey`] for text that is not such a PEM, and the
    /// errors of [`from_spki_der`](Self::from_spki_der).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let (label, body) = pem_parts(pem)?;
        // The body without line breaks, in the URL-safe alphabet: only `A-Z a-z 0-9 + / =`
        // and line breaks are admitted (anything else is `invalid-key`, before the label is
        // looked at), so mapping `+ /` to `- _` turns strict padded base64 (RFC 4648 §4)
        // into base64url, which the token decoder then checks strictly. Checked and copied
        // in one pass.
        let mut b64 = [0u8; MAX_PEM_BODY];
        let mut len = 0usize;
        let mut too_long = false;
        for &b in body {
            let b = match b {
                b'\r' | b'\n' => continue,
                b'+' => b'-',
                b'/' => b'_',
                b if b.is_ascii_alphanumeric() || b == b'=' => b,
                _ => return Err(Error::InvalidKey),
            };
            match b64.get_mut(len) {
                Some(slot) => *slot = b,
                None => too_long = true,
            }
            len = len.saturating_add(1);
        }
        if label.ends_with(b"PRIVATE KEY") {
            return Err(Error::PrivateKey);
        }
        if label != b"PUBLIC KEY" {
            // CERTIFICATE, RSA PUBLIC KEY, ...: not an Ed25519 SPKI.
            return Err(Error::UnsupportedKey);
        }
        // Bigger than any Ed25519 SPKI: decode the first line (64 characters) only, to say
        // what it is. One decoder call for both cases.
        let text = b64.get(..if too_long { 64 } else { len });
        let mut der = [0u8; MAX_PEM_BODY];
        let der = text
            .and_then(unpad)
            .and_then(|t| base64url::decode(t, &mut der).ok());
        match der {
            Some(der) if too_long && is_other_key_type(der) => Err(Error::UnsupportedKey),
            Some(der) if !too_long => Self::from_spki_der(der),
            _ => Err(Error::InvalidKey),
        }
    }

    /// A key from a JWK (RFC 8037 §2): `{"kty":"OKP","crv":"Ed25519","x":"..."}`, with
    /// optional `kid`, `use` (must be `sig`), `key_ops` (must include `verify`) and `alg`
    /// (`EdDSA` or `Ed25519`). Other members are ignored; the JSON must be strict.
    ///
    /// # Errors
    /// [`Error::PrivateKey`] when the JWK carries `d`, [`Error::UnsupportedKey`] for another
    /// `kty`/`crv`/`use`/`alg`, [`Error::InvalidKey`] for malformed JSON or `x`, or a `kid`
    /// longer than [`MAX_KID_LEN`], [`Error::WeakKey`] as for [`from_bytes`](Self::from_bytes).
    pub fn from_jwk(jwk: &str) -> Result<Self, Error> {
        Self::from_jwk_bytes(jwk.as_bytes())
    }

    pub(crate) fn from_jwk_bytes(jwk: &[u8]) -> Result<Self, Error> {
        Self::from_jwk_fields(&JwkFields::parse(jwk)?)
    }

    /// The key of a parsed JWK (its `keys` member, if any, is not looked at).
    pub(crate) fn from_jwk_fields(fields: &JwkFields<'_>) -> Result<Self, Error> {
        fields.check()?;
        let x = fields.x.ok_or(Error::InvalidKey)?;
        let x = x.as_str().ok_or(Error::InvalidKey)?;
        let mut raw = [0u8; 32];
        // RFC 8037 §2: `x` is base64url without padding; exactly 43 characters for 32 bytes.
        let decoded = base64url::decode(x.as_bytes(), &mut raw).map_err(|_| Error::InvalidKey)?;
        if decoded.len() != 32 {
            return Err(Error::InvalidKey);
        }
        let key = Self::from_bytes(&raw)?;
        match fields.kid {
            Some(kid) => key.with_kid_json(kid),
            None => Ok(key),
        }
    }

    /// The same key with a key ID, matched exactly against a token's `kid`.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when `kid` is longer than [`MAX_KID_LEN`].
    pub fn with_kid(mut self, kid: &str) -> Result<Self, Error> {
        let mut s = heapless::String::new();
        s.push_str(kid).map_err(|_| Error::InvalidKey)?;
        self.kid = Some(s);
        Ok(self)
    }

    fn with_kid_json(self, kid: JsonStr<'_>) -> Result<Self, Error> {
        let mut buf = [0u8; MAX_KID_LEN];
        let kid = kid.unescape_into(&mut buf).map_err(|_| Error::InvalidKey)?;
        self.with_kid(kid)
    }

    /// The key ID, if any.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The 32-byte encoding.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Whether a token with this `kid` is checked against this key: a token `kid` selects
    /// the keys with that `kid` and the keys without one; a token without `kid` every key.
    #[must_use]
    pub fn matches_kid(&self, token_kid: Option<&str>) -> bool {
        match (token_kid, &self.kid) {
            (Some(want), Some(have)) => want == have.as_str(),
            _ => true,
        }
    }

    /// [`matches_kid`](Self::matches_kid) for a `kid` still in its JSON form.
    pub(crate) fn is_candidate(&self, token_kid: Option<JsonStr<'_>>) -> bool {
        match (token_kid, &self.kid) {
            (Some(want), Some(have)) => want == have.as_str(),
            _ => true,
        }
    }

    /// Verifies a raw Ed25519 signature over `message` (RFC 8032 §5.1.7): the same check
    /// the token path makes over `header.payload`, for tests and non-JWT uses.
    ///
    /// # Errors
    /// [`Error::Malformed`] when `signature` is not 64 bytes, [`Error::BadSignature`] when
    /// it does not verify.
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let signature: &[u8; 64] = signature.try_into().map_err(|_| Error::Malformed)?;
        if self.verify(message, signature) {
            Ok(())
        } else {
            Err(Error::BadSignature)
        }
    }

    /// Verifies an Ed25519 signature with the backend's checks: S < L (no malleability),
    /// canonical R, R and A not of small order, cofactored equation (RFC 8032 §5.1.7).
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.key.verify(message, signature)
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut x = [0u8; 43];
        let x = Base64UrlUnpadded::encode(&self.key.to_bytes(), &mut x).unwrap_or("?");
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid())
            .field("x", &x)
            .finish()
    }
}

impl PartialEq for VerifyingKey {
    fn eq(&self, other: &Self) -> bool {
        self.key.to_bytes() == other.key.to_bytes() && self.kid == other.kid
    }
}

impl Eq for VerifyingKey {}

/// The JWK members this crate looks at, and the `keys` member that makes the object a JWKS
/// (RFC 7517 §5): one parse tells both apart.
#[derive(Default)]
pub(crate) struct JwkFields<'a> {
    pub(crate) keys: Option<Value<'a>>,
    kty: Option<JsonStr<'a>>,
    crv: Option<JsonStr<'a>>,
    x: Option<JsonStr<'a>>,
    kid: Option<JsonStr<'a>>,
    has_d: bool,
    wrong_use: bool,
    wrong_ops: bool,
    wrong_alg: bool,
    bad_type: bool,
}

impl<'a> JwkFields<'a> {
    /// Validates JSON text as an object and reads its members (`invalid-key` for anything
    /// that is not a strict JSON object).
    pub(crate) fn parse(jwk: &'a [u8]) -> Result<Self, Error> {
        let mut f = JwkFields::default();
        json::parse_object(jwk, |name, value| {
            let string = match value {
                Value::String(s) => Some(s),
                _ => None,
            };
            // The members that must be strings share one store.
            let slot = json::match_name!(name, {
                b"kty" => &mut f.kty,
                b"crv" => &mut f.crv,
                b"x" => &mut f.x,
                b"kid" => &mut f.kid,
                b"d" => {
                    f.has_d = true;
                    return Ok(());
                },
                b"keys" => {
                    f.keys = Some(value);
                    return Ok(());
                },
                b"use" => {
                    f.wrong_use = !string.is_some_and(|s| s == "sig");
                    return Ok(());
                },
                b"alg" => {
                    f.wrong_alg = !string.is_some_and(|s| s == "EdDSA" || s == "Ed25519");
                    return Ok(());
                },
                b"key_ops" => {
                    f.wrong_ops = match value {
                        Value::Array(a) => !json::elements(a)
                            .any(|v| matches!(v, Value::String(s) if s == "verify")),
                        _ => true,
                    };
                    return Ok(());
                },
                _ => return Ok(()),
            });
            *slot = string;
            f.bad_type |= string.is_none();
            Ok(())
        })
        .map_err(|_| Error::InvalidKey)?;
        Ok(f)
    }

    /// Refusals in order of what matters most to the operator.
    fn check(&self) -> Result<(), Error> {
        if self.has_d {
            return Err(Error::PrivateKey);
        }
        if self.bad_type {
            return Err(Error::InvalidKey);
        }
        let kty_ok = self.kty.is_some_and(|k| k == "OKP");
        let crv_ok = self.crv.is_some_and(|c| c == "Ed25519");
        if self.kty.is_none() {
            return Err(Error::InvalidKey);
        }
        if !kty_ok || !crv_ok || self.wrong_use || self.wrong_ops || self.wrong_alg {
            return Err(Error::UnsupportedKey);
        }
        Ok(())
    }
}

/// Splits PEM text into its label and body (RFC 7468 §3, the lax parsing of whitespace); the
/// caller checks the body's characters.
fn pem_parts(pem: &str) -> Result<(&[u8], &[u8]), Error> {
    // Bytes, not `str` methods: `str::trim` and pattern searches pull Unicode tables and
    // formatting code into every binary, which edge modules pay for in size.
    let pem = pem.as_bytes().trim_ascii();
    let rest = pem.strip_prefix(b"-----BEGIN ").ok_or(Error::InvalidKey)?;
    let label_end = find(rest, b"-----").ok_or(Error::InvalidKey)?;
    let (label, rest) = rest.split_at_checked(label_end).ok_or(Error::InvalidKey)?;
    let rest = rest.get(5..).ok_or(Error::InvalidKey)?;
    // The text must end with `-----END <label>-----`. The label holds no `-----`, so that
    // suffix starts at the last `-----END ` of the text when it is there at all.
    let body = rest
        .strip_suffix(b"-----")
        .and_then(|r| r.strip_suffix(label))
        .and_then(|r| r.strip_suffix(b"-----END "))
        .ok_or(Error::InvalidKey)?;
    Ok((label, body))
}

/// Removes the padding of base64 text whose length is a multiple of 4 (RFC 4648 §4): one
/// or two `=` at the end. `None` for any other length; an `=` left elsewhere is rejected by
/// the decoder, and so are non-zero bits under the padding.
fn unpad(text: &[u8]) -> Option<&[u8]> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    Some(match text {
        [rest @ .., b'=', b'='] | [rest @ .., b'='] => rest,
        _ => text,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Whether DER starts like an SPKI of a known non-Ed25519 key type:
/// SEQUENCE { SEQUENCE { OID <other>, ... }, ... }.
fn is_other_key_type(der: &[u8]) -> bool {
    /// The contents of a SEQUENCE at the start of `der`. Short form, or long form with 1 or
    /// 2 length bytes: skip the length itself, only the start of the contents matters here.
    fn sequence(der: &[u8]) -> Option<&[u8]> {
        let [0x30, len, rest @ ..] = der else {
            return None;
        };
        match len {
            0x00..=0x7f => Some(rest),
            0x81 => rest.get(1..),
            0x82 => rest.get(2..),
            _ => None,
        }
    }
    sequence(der)
        .and_then(sequence)
        .is_some_and(|inner| OTHER_KEY_OIDS.iter().any(|oid| inner.starts_with(oid)))
}

#[cfg(test)]
// The reference model written plainly, as the code was.
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::{find, is_other_key_type, unpad, VerifyingKey, OTHER_KEY_OIDS};
    use crate::base64url;
    use crate::error::Error;
    use proptest::prelude::*;

    extern crate std;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    /// `from_pem` written plainly (trim, check the label, decode the body in separate
    /// steps): the reference model.
    fn reference(pem: &str) -> Result<VerifyingKey, Error> {
        fn trim_newlines(mut bytes: &[u8]) -> &[u8] {
            while let [b'\r' | b'\n', rest @ ..] = bytes {
                bytes = rest;
            }
            while let [rest @ .., b'\r' | b'\n'] = bytes {
                bytes = rest;
            }
            bytes
        }
        fn pem_parts(pem: &str) -> Result<(&[u8], &[u8]), Error> {
            let pem = pem.as_bytes().trim_ascii();
            let rest = pem.strip_prefix(b"-----BEGIN ").ok_or(Error::InvalidKey)?;
            let label_end = find(rest, b"-----").ok_or(Error::InvalidKey)?;
            let (label, rest) = rest.split_at_checked(label_end).ok_or(Error::InvalidKey)?;
            let rest = rest.get(5..).ok_or(Error::InvalidKey)?;
            let end_marker = rest
                .windows(9)
                .rposition(|w| w == b"-----END ")
                .ok_or(Error::InvalidKey)?;
            let (body, end) = rest.split_at_checked(end_marker).ok_or(Error::InvalidKey)?;
            let end_label = end
                .strip_prefix(b"-----END ")
                .and_then(|e| e.strip_suffix(b"-----"))
                .ok_or(Error::InvalidKey)?;
            if end_label != label {
                return Err(Error::InvalidKey);
            }
            let body = trim_newlines(body);
            if !body.iter().all(|&c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'\r' | b'\n')
            }) {
                return Err(Error::InvalidKey);
            }
            Ok((label, body))
        }
        let (label, body) = pem_parts(pem)?;
        if label.ends_with(b"PRIVATE KEY") {
            return Err(Error::PrivateKey);
        }
        if label != b"PUBLIC KEY" {
            return Err(Error::UnsupportedKey);
        }
        let b64: Vec<u8> = body
            .iter()
            .filter(|&&b| b != b'\r' && b != b'\n')
            .map(|&b| match b {
                b'+' => b'-',
                b'/' => b'_',
                b => b,
            })
            .collect();
        if b64.len() > 128 {
            let mut head = [0u8; 48];
            return match unpad(&b64[..64]).and_then(|t| base64url::decode(t, &mut head).ok()) {
                Some(der) if is_other_key_type(der) => Err(Error::UnsupportedKey),
                _ => Err(Error::InvalidKey),
            };
        }
        let mut der = [0u8; 128];
        let text = unpad(&b64).ok_or(Error::InvalidKey)?;
        let der = base64url::decode(text, &mut der).map_err(|_| Error::InvalidKey)?;
        VerifyingKey::from_spki_der(der)
    }

    /// The bodies of real public keys: Ed25519 (valid, small-order, non-canonical), RSA,
    /// X25519, Ed448.
    fn bodies() -> Vec<String> {
        [
            include_str!("../tests/fixtures/interop/key1.public.pem"),
            include_str!("../tests/fixtures/keys/small_order.public.pem"),
            include_str!("../tests/fixtures/keys/noncanonical.public.pem"),
            include_str!("../tests/fixtures/keys/rsa.public.pem"),
            include_str!("../tests/fixtures/keys/x25519.public.pem"),
            include_str!("../tests/fixtures/keys/ed448.public.pem"),
        ]
        .iter()
        .map(|pem| pem.lines().filter(|l| !l.starts_with("-----")).collect())
        .collect()
    }

    /// Labels that `from_pem` must tell from `PUBLIC KEY`.
    fn pem_label() -> impl Strategy<Value = &'static str> + Clone {
        prop::sample::select(std::vec![
            "PUBLIC KEY",
            "PRIVATE KEY",
            "ENCRYPTED PRIVATE KEY",
            "CERTIFICATE",
            "RSA PUBLIC KEY",
            "PUBLIC KEYS",
            "",
            "-",
            "X-",
            "END",
            "END PUBLIC KEY",
            "PUBLIC KEY-",
            " PUBLIC KEY",
            "PUBLIC KEY ",
        ])
    }

    /// One edit of a PEM body: where, the text inserted there, and whether it replaces the
    /// character at that place.
    fn body_edit() -> impl Strategy<Value = (usize, &'static str, bool)> {
        (
            0usize..300,
            prop::sample::select(std::vec![
                "",
                "\n",
                "\r\n",
                "\n\n",
                "=",
                "==",
                "A",
                "+",
                "/",
                "!",
                " ",
                "-",
                "_",
                "\t",
                "-----",
                "é",
                "-----END ",
                "-----END PUBLIC KEY-----",
                "-----BEGIN PUBLIC KEY-----",
                "END ",
                "-",
            ]),
            any::<bool>(),
        )
    }

    /// PEM-like text: a label pair (matching or not), a body cut, spliced and sprinkled
    /// with line breaks, padding and stray characters, and surrounding whitespace.
    fn pem_text() -> impl Strategy<Value = String> {
        let label = pem_label();
        (
            prop::sample::select(bodies()),
            prop::sample::select(bodies()),
            0usize..4,
            proptest::collection::vec(body_edit(), 0..4),
            label.clone(),
            prop_oneof![4 => Just(None), 1 => label.prop_map(Some)],
            prop::sample::select(std::vec!["", " ", "\n", "\r\n", "\n\t "]),
            prop_oneof![
                4 => Just(None),
                1 => (0usize..6, prop::sample::select(std::vec!["", "-", "-----", "Y", " \n"]))
                    .prop_map(Some),
            ],
        )
            .prop_map(|(a, b, join, edits, begin, end, ws, tail)| {
                let mut body: String = match join {
                    0 => a.clone(),
                    1 => format!("{a}{b}"),
                    2 => a.chars().take(a.len() / 2).collect(),
                    _ => a
                        .as_bytes()
                        .chunks(64)
                        .map(|c| core::str::from_utf8(c).unwrap())
                        .collect::<Vec<_>>()
                        .join("\n"),
                };
                for (at, text, replace) in edits {
                    let mut at = at.min(body.len());
                    while !body.is_char_boundary(at) {
                        at -= 1;
                    }
                    if replace && at < body.len() {
                        let next = body[at..].chars().next().unwrap().len_utf8();
                        body.replace_range(at..at + next, text);
                    } else {
                        body.insert_str(at, text);
                    }
                }
                let end = end.unwrap_or(begin);
                let mut pem =
                    format!("{ws}-----BEGIN {begin}-----\n{body}\n-----END {end}-----{ws}");
                // Sometimes the end cut short or followed by more text.
                if let Some((cut, more)) = tail {
                    let trimmed = pem.trim_end().len();
                    pem.truncate(trimmed.saturating_sub(cut));
                    pem.push_str(more);
                }
                pem
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn from_pem_matches_the_reference(pem in pem_text()) {
            prop_assert_eq!(VerifyingKey::from_pem(&pem), reference(&pem), "{}", pem);
        }
    }

    #[test]
    fn from_pem_matches_the_reference_on_the_bodies() {
        for body in bodies() {
            for label in ["PUBLIC KEY", "PRIVATE KEY", "CERTIFICATE"] {
                let pem = format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n");
                assert_eq!(VerifyingKey::from_pem(&pem), reference(&pem), "{pem}");
            }
        }
    }

    /// `is_other_key_type` as it was (OIDs without tag and length): the reference model.
    fn reference_other_key_type(der: &[u8]) -> bool {
        const OIDS: [&[u8]; 4] = [
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
            &[0x2b, 0x65, 0x6e],
            &[0x2b, 0x65, 0x71],
        ];
        fn header(der: &[u8], tag: u8) -> Option<&[u8]> {
            let (&t, rest) = der.split_first()?;
            if t != tag {
                return None;
            }
            let (&len, rest) = rest.split_first()?;
            match len {
                0x00..=0x7f => Some(rest),
                0x81 => rest.get(1..),
                0x82 => rest.get(2..),
                _ => None,
            }
        }
        let Some(inner) = header(der, 0x30).and_then(|d| header(d, 0x30)) else {
            return false;
        };
        let Some((&0x06, rest)) = inner.split_first() else {
            return false;
        };
        let Some((&oid_len, rest)) = rest.split_first() else {
            return false;
        };
        let oid = rest.get(..usize::from(oid_len));
        OIDS.iter().any(|o| oid == Some(*o))
    }

    /// DER-like bytes: two SEQUENCE headers with every kind of length byte, an OID TLV
    /// from the table (whole, cut, with its length or a byte changed) or random, then
    /// random bytes; each piece sometimes replaced by random bytes or dropped.
    fn der_like() -> impl Strategy<Value = Vec<u8>> {
        let any_bytes = || proptest::collection::vec(any::<u8>(), 0..4);
        let seq = prop_oneof![
            (prop_oneof![Just(0x30u8), any::<u8>()], 0u8..=0x7f).prop_map(|(t, l)| std::vec![t, l]),
            (
                Just(0x30u8),
                prop::sample::select(std::vec![0x80u8, 0x81, 0x82, 0x83, 0xff]),
                any_bytes()
            )
                .prop_map(|(t, l, mut rest)| {
                    rest.insert(0, l);
                    rest.insert(0, t);
                    rest
                }),
            any_bytes(),
        ];
        let oid = prop_oneof![
            (
                0usize..4,
                0usize..12,
                any::<bool>(),
                0usize..12,
                any::<u8>()
            )
                .prop_map(|(which, cut, change, at, byte)| {
                    let mut oid = OTHER_KEY_OIDS[which].to_vec();
                    if change && at < oid.len() {
                        oid[at] = byte;
                    }
                    oid.truncate(cut.max(1));
                    oid
                }),
            Just(std::vec![0x06, 0x03, 0x2b, 0x65, 0x70]),
            proptest::collection::vec(any::<u8>(), 0..12),
        ];
        (
            seq.clone(),
            seq,
            oid,
            proptest::collection::vec(any::<u8>(), 0..6),
        )
            .prop_map(|(a, b, oid, tail)| [a, b, oid, tail].concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn is_other_key_type_matches_the_reference(der in der_like()) {
            prop_assert_eq!(is_other_key_type(&der), reference_other_key_type(&der));
        }
    }

    #[test]
    fn is_other_key_type_matches_the_reference_on_every_short_input() {
        // Every input of up to 3 bytes, and every 4-byte input over the bytes that matter.
        let interesting = [
            0x00u8, 0x03, 0x06, 0x07, 0x09, 0x2b, 0x30, 0x65, 0x6e, 0x71, 0x7f, 0x80, 0x81, 0x82,
            0xff,
        ];
        let mut inputs: Vec<Vec<u8>> = std::vec![std::vec![]];
        for a in 0..=255u8 {
            inputs.push(std::vec![a]);
            for b in 0..=255u8 {
                inputs.push(std::vec![a, b]);
            }
        }
        for &a in &interesting {
            for &b in &interesting {
                for &c in &interesting {
                    for &d in &interesting {
                        inputs.push(std::vec![a, b, c, d]);
                        inputs.push(std::vec![0x30, a, 0x30, b, c, d]);
                        inputs.push(
                            [&[0x30, a, 0x30, b, 0x06, 0x03, 0x2b, 0x65][..], &[c, d]].concat(),
                        );
                    }
                }
            }
        }
        for der in inputs {
            assert_eq!(
                is_other_key_type(&der),
                reference_other_key_type(&der),
                "{der:02x?}"
            );
        }
        // The real keys.
        for body in bodies() {
            let mut der = [0u8; 512];
            let text: Vec<u8> = body
                .bytes()
                .map(|b| match b {
                    b'+' => b'-',
                    b'/' => b'_',
                    b => b,
                })
                .collect();
            let der = base64url::decode(unpad(&text).unwrap(), &mut der).unwrap();
            assert_eq!(is_other_key_type(der), reference_other_key_type(der));
        }
    }
}
