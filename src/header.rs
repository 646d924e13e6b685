//! The JOSE header (RFC 7515 §4): `alg` allow-list, `crit`/`b64` refusal, `kid` and `typ`.

use crate::error::Error;
use crate::json::{self, JsonStr, Value};

/// The two accepted `alg` values. The token never chooses behaviour with it: both mean
/// Ed25519 verification with the configured keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `"EdDSA"` (RFC 8037 §3.1), deprecated by RFC 9864 but what most signers still write.
    EdDsa,
    /// `"Ed25519"`, the fully-specified identifier of RFC 9864 §2.2.
    Ed25519,
}

impl Algorithm {
    /// The `alg` value as it appears in a header.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Ed25519 => "Ed25519",
        }
    }
}

/// A parsed and checked JOSE header.
///
/// Only the parameters this crate acts on are kept. `jwk`, `jku`, `x5u`, `x5c` and `x5t` are
/// ignored: the token never supplies its own key (RFC 8725 §3.10).
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    alg: Algorithm,
    kid: Option<JsonStr<'a>>,
    typ: Option<JsonStr<'a>>,
    json: &'a str,
}

impl<'a> Header<'a> {
    /// The algorithm, always one of the accepted two.
    #[must_use]
    pub const fn alg(&self) -> Algorithm {
        self.alg
    }

    /// The key ID (`kid`, RFC 7515 §4.1.4), if any. Untrusted until the signature verified:
    /// use it only to route to a key.
    #[must_use]
    pub const fn kid(&self) -> Option<JsonStr<'a>> {
        self.kid
    }

    /// The media type (`typ`, RFC 7515 §4.1.9), if any.
    #[must_use]
    pub const fn typ(&self) -> Option<JsonStr<'a>> {
        self.typ
    }

    /// The decoded header JSON.
    #[must_use]
    pub const fn json(&self) -> &'a str {
        self.json
    }

    /// Parses the decoded header bytes.
    ///
    /// Errors are reported in this order: JSON that is not a strict object (`malformed`),
    /// then `alg` (`unsupported-algorithm`), then `crit`/`b64` (`unsupported-header`), then
    /// a `kid` or `typ` that is not a string (`malformed`).
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut alg = None;
        let mut kid = None;
        let mut typ = None;
        let mut extension = false;
        let mut bad_type = false;
        let text = json::parse_object(bytes, |name, value| {
            json::match_name!(name, {
                // RFC 7515 §4.1.1: a case-sensitive string. Anything else is unsupported.
                b"alg" => {
                    alg = match value {
                        Value::String(s) if s == "EdDSA" => Some(Algorithm::EdDsa),
                        Value::String(s) if s == "Ed25519" => Some(Algorithm::Ed25519),
                        _ => None,
                    };
                },
                b"kid" => match value {
                    Value::String(s) => kid = Some(s),
                    _ => bad_type = true,
                },
                b"typ" => match value {
                    Value::String(s) => typ = Some(s),
                    _ => bad_type = true,
                },
                // RFC 7797 `b64` changes the signing input: refused. RFC 7515 §4.1.11:
                // recipients MUST reject a JWS whose `crit` lists an extension they do not
                // understand; this crate understands none, so any `crit` fails.
                b"b64" | b"crit" => extension = true,
                _ => {}
            });
            Ok(())
        })?;
        let alg = alg.ok_or(Error::UnsupportedAlgorithm)?;
        if extension {
            return Err(Error::UnsupportedHeader);
        }
        if bad_type {
            return Err(Error::Malformed);
        }
        Ok(Header {
            alg,
            kid,
            typ,
            json: text,
        })
    }
}
