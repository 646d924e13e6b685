//! Registered claims (RFC 7519 §4.1), read in the same pass that validates the claims JSON.

use crate::error::Error;
use crate::json::{self, JsonStr, Value};
use crate::numeric_date::NumericDate;

/// The registered claims of a verified token.
///
/// Present-but-invalid is never treated as absent: a registered claim of the wrong type
/// makes the whole token `invalid-claim`, so `None` here always means "not in the token".
#[derive(Clone, Copy, Debug)]
pub struct Claims<'a> {
    iss: Option<JsonStr<'a>>,
    sub: Option<JsonStr<'a>>,
    aud: Option<Audience<'a>>,
    exp: Option<NumericDate>,
    nbf: Option<NumericDate>,
    iat: Option<NumericDate>,
    jti: Option<JsonStr<'a>>,
    json: &'a str,
}

impl<'a> Claims<'a> {
    /// `iss` (RFC 7519 §4.1.1).
    #[must_use]
    pub const fn issuer(&self) -> Option<JsonStr<'a>> {
        self.iss
    }

    /// `sub` (RFC 7519 §4.1.2).
    #[must_use]
    pub const fn subject(&self) -> Option<JsonStr<'a>> {
        self.sub
    }

    /// `aud` (RFC 7519 §4.1.3): one string or an array of strings.
    #[must_use]
    pub const fn audience(&self) -> Option<Audience<'a>> {
        self.aud
    }

    /// `exp` (RFC 7519 §4.1.4).
    #[must_use]
    pub const fn expires_at(&self) -> Option<NumericDate> {
        self.exp
    }

    /// `nbf` (RFC 7519 §4.1.5).
    #[must_use]
    pub const fn not_before(&self) -> Option<NumericDate> {
        self.nbf
    }

    /// `iat` (RFC 7519 §4.1.6).
    #[must_use]
    pub const fn issued_at(&self) -> Option<NumericDate> {
        self.iat
    }

    /// `jti` (RFC 7519 §4.1.7).
    #[must_use]
    pub const fn jwt_id(&self) -> Option<JsonStr<'a>> {
        self.jti
    }

    /// The claims set JSON exactly as signed.
    #[must_use]
    pub const fn json(&self) -> &'a str {
        self.json
    }

    /// Whether the claims set has a top-level member named `name` (after unescaping), with
    /// any value, `null` included.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        let mut found = false;
        // The text was validated when the claims were parsed, so this walk cannot fail.
        let _ = json::parse_object(self.json.as_bytes(), |key, _| {
            found = found || key == name;
            Ok(())
        });
        found
    }

    /// Parses a claims set that has been authenticated.
    ///
    /// The whole text is validated first; only then is a registered claim of the wrong type
    /// reported (`invalid-claim`), so a syntax error anywhere is always `malformed`.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut claims = Claims {
            iss: None,
            sub: None,
            aud: None,
            exp: None,
            nbf: None,
            iat: None,
            jti: None,
            json: "",
        };
        let mut invalid = false;
        let text = json::parse_object(bytes, |name, value| {
            let ok = claims.take(name, value);
            invalid = invalid || ok.is_none();
            Ok(())
        })?;
        if invalid {
            return Err(Error::InvalidClaim);
        }
        claims.json = text;
        Ok(claims)
    }

    /// Stores one member if it is a registered claim; `None` when it has the wrong type.
    fn take(&mut self, name: JsonStr<'a>, value: Value<'a>) -> Option<()> {
        let string = |v: Value<'a>| match v {
            Value::String(s) => Some(s),
            _ => None,
        };
        let date = |v: Value<'a>| match v {
            Value::Number(n) => NumericDate::parse(n).ok(),
            _ => None,
        };
        // One `match` on the registered claim names.
        json::match_name!(name, {
            b"iss" => self.iss = Some(string(value)?),
            b"sub" => self.sub = Some(string(value)?),
            b"aud" => self.aud = Some(Audience::from_value(value)?),
            b"exp" => self.exp = Some(date(value)?),
            b"nbf" => self.nbf = Some(date(value)?),
            b"iat" => self.iat = Some(date(value)?),
            b"jti" => self.jti = Some(string(value)?),
            _ => {}
        });
        Some(())
    }
}

/// [`Audience::iter`]: one plain `match` rather than iterator adapters (`chain`, `flatten`),
/// which compile to much more code in WebAssembly modules.
enum AudienceIter<'a> {
    One(Option<JsonStr<'a>>),
    Many(json::Elements<'a>),
}

impl<'a> Iterator for AudienceIter<'a> {
    type Item = JsonStr<'a>;

    fn next(&mut self) -> Option<JsonStr<'a>> {
        match self {
            AudienceIter::One(one) => one.take(),
            // Every element is a string: `Audience::from_value` checked.
            AudienceIter::Many(elements) => match elements.next()? {
                Value::String(s) => Some(s),
                _ => None,
            },
        }
    }
}

/// The `aud` claim: RFC 7519 §4.1.3 allows one string or an array of strings.
#[derive(Clone, Copy, Debug)]
pub struct Audience<'a> {
    repr: AudienceRepr<'a>,
}

#[derive(Clone, Copy, Debug)]
enum AudienceRepr<'a> {
    One(JsonStr<'a>),
    /// A validated array whose elements are all strings.
    Many(&'a str),
}

impl<'a> Audience<'a> {
    /// One value (the policy compares `iss` and `sub` through the same routine).
    pub(crate) const fn one(value: JsonStr<'a>) -> Self {
        Audience {
            repr: AudienceRepr::One(value),
        }
    }

    fn from_value(value: Value<'a>) -> Option<Self> {
        let repr = match value {
            Value::String(s) => AudienceRepr::One(s),
            Value::Array(text) => {
                if !json::elements(text).all(|v| matches!(v, Value::String(_))) {
                    return None;
                }
                AudienceRepr::Many(text)
            }
            _ => return None,
        };
        Some(Audience { repr })
    }

    /// The audience values in order.
    pub fn iter(&self) -> impl Iterator<Item = JsonStr<'a>> + 'a {
        match self.repr {
            AudienceRepr::One(s) => AudienceIter::One(Some(s)),
            AudienceRepr::Many(text) => AudienceIter::Many(json::elements(text)),
        }
    }

    /// Whether any value equals `audience` exactly (case-sensitive, after unescaping).
    #[must_use]
    pub fn contains(&self, audience: &str) -> bool {
        self.iter().any(|a| a == audience)
    }
}
