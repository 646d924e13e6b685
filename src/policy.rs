//! What a verified token must also satisfy: time, issuer, audience, subject, type, claims.

use crate::claims::{Audience, Claims};
use crate::error::Error;
use crate::header::Header;
use crate::json::JsonStr;

/// Default longest token, in bytes: 8 KiB. Real tokens carrying many groups or scopes reach
/// 4–8 KiB, and 8 KiB is the default header limit of common HTTP servers (nginx, Apache).
pub const DEFAULT_MAX_TOKEN_LEN: usize = 8 * 1024;

/// Default longest header segment, in base64url characters: 1 KiB. A header with `alg`,
/// `typ`, `kid` and a few URLs or thumbprints is well under 300; certificate chains (`x5c`),
/// which this crate never uses, are refused rather than decoded.
pub const DEFAULT_MAX_HEADER_LEN: usize = 1024;

/// Default clock-skew allowance, in seconds: 60. Enough for servers whose clocks are kept by
/// NTP, small enough not to matter for token lifetimes of minutes; the same default as the
/// `jsonwebtoken` crate.
pub const DEFAULT_LEEWAY: u64 = 60;

/// Size limits checked before any decoding or cryptography.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Longest accepted token in bytes ([`DEFAULT_MAX_TOKEN_LEN`]).
    pub max_token_len: usize,
    /// Longest accepted header segment in bytes ([`DEFAULT_MAX_HEADER_LEN`]).
    pub max_header_len: usize,
}

impl Limits {
    /// The defaults.
    pub const DEFAULT: Limits = Limits {
        max_token_len: DEFAULT_MAX_TOKEN_LEN,
        max_header_len: DEFAULT_MAX_HEADER_LEN,
    };

    /// The longest accepted token, in bytes.
    #[must_use]
    pub const fn max_token_len(self, bytes: usize) -> Self {
        Limits {
            max_token_len: bytes,
            ..self
        }
    }

    /// The longest accepted header segment, in bytes.
    #[must_use]
    pub const fn max_header_len(self, bytes: usize) -> Self {
        Limits {
            max_header_len: bytes,
            ..self
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// Expected values of a string claim: none configured, one, or any of several.
#[derive(Clone, Copy, Debug, Default)]
enum Expected<'p> {
    #[default]
    Unset,
    One(&'p str),
    Any(&'p [&'p str]),
}

impl Expected<'_> {
    /// `Ok` when unset or when any of `values` equals any expected value;
    /// [`Error::MissingClaim`] when set and the claim is absent, else `wrong`. One routine
    /// for `iss`, `aud` and `sub`: out of line it saves WebAssembly modules 630 bytes, inlined
    /// (without `opt_size`) the native JWT layer 60 instructions.
    #[allow(clippy::inline_always)]
    #[cfg_attr(not(feature = "opt_size"), inline(always))]
    fn check(&self, values: Option<Audience<'_>>, wrong: Error) -> Result<(), Error> {
        let one: [&str; 1];
        let expected: &[&str] = match self {
            Expected::Unset => return Ok(()),
            Expected::One(value) => {
                one = [value];
                &one
            }
            Expected::Any(values) => values,
        };
        let values = values.ok_or(Error::MissingClaim)?;
        if values.iter().any(|v| expected.iter().any(|e| v == *e)) {
            Ok(())
        } else {
            Err(wrong)
        }
    }
}

/// The checks a verified token must also pass. Deny by default: `exp` is required.
///
/// Configuring an expected issuer, audience or subject makes that claim required. A token
/// that carries `aud` is rejected unless an audience it contains is configured (RFC 7519
/// §4.1.3). Every relaxation is a named method ([`allow_missing_exp`](Policy::allow_missing_exp),
/// [`any_audience`](Policy::any_audience)).
///
/// ```
/// use edjwt::Policy;
/// const POLICY: Policy<'static> = Policy::new()
///     .issuer("https://issuer.example")
///     .audience("api")
///     .leeway(30);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Policy<'p> {
    issuers: Expected<'p>,
    audiences: Expected<'p>,
    subject: Expected<'p>,
    typ: Option<&'p str>,
    required: &'p [&'p str],
    leeway: u64,
    max_age: Option<u64>,
    require_exp: bool,
    any_audience: bool,
    limits: Limits,
}

impl<'p> Policy<'p> {
    /// `exp` required, leeway [`DEFAULT_LEEWAY`], default [`Limits`], nothing else checked.
    #[must_use]
    pub const fn new() -> Self {
        Policy {
            issuers: Expected::Unset,
            audiences: Expected::Unset,
            subject: Expected::Unset,
            typ: None,
            required: &[],
            leeway: DEFAULT_LEEWAY,
            max_age: None,
            require_exp: true,
            any_audience: false,
            limits: Limits::DEFAULT,
        }
    }

    /// Require `iss` to equal `issuer`.
    #[must_use]
    pub const fn issuer(self, issuer: &'p str) -> Self {
        Policy {
            issuers: Expected::One(issuer),
            ..self
        }
    }

    /// Require `iss` to equal any of `issuers` (an empty list accepts no token).
    #[must_use]
    pub const fn issuers(self, issuers: &'p [&'p str]) -> Self {
        Policy {
            issuers: Expected::Any(issuers),
            ..self
        }
    }

    /// Require `aud` (a string or any element of an array) to equal `audience`.
    #[must_use]
    pub const fn audience(self, audience: &'p str) -> Self {
        Policy {
            audiences: Expected::One(audience),
            ..self
        }
    }

    /// Require `aud` to contain any of `audiences` (an empty list accepts no token).
    #[must_use]
    pub const fn audiences(self, audiences: &'p [&'p str]) -> Self {
        Policy {
            audiences: Expected::Any(audiences),
            ..self
        }
    }

    /// Accept a token whose `aud` names any audience, when no audience is configured.
    ///
    /// By default a token that carries `aud` is rejected (`wrong-audience`) unless
    /// [`audience`](Policy::audience) or [`audiences`](Policy::audiences) names a value it
    /// contains: RFC 7519 §4.1.3, "if the principal processing the claim does not identify
    /// itself with a value in the `aud` claim when this claim is present, then the JWT MUST
    /// be rejected", so a token minted for one service does not replay against another that
    /// forgot to configure its own name. This opts out, for deployments whose tokens name
    /// audiences this verifier does not care about. A configured audience is still checked.
    #[must_use]
    pub const fn any_audience(self) -> Self {
        Policy {
            any_audience: true,
            ..self
        }
    }

    /// Require `sub` to equal `subject`.
    #[must_use]
    pub const fn subject(self, subject: &'p str) -> Self {
        Policy {
            subject: Expected::One(subject),
            ..self
        }
    }

    /// Require the header `typ` to be `typ` (RFC 8725 §3.11), compared case-insensitively
    /// with the `application/` prefix optional (RFC 7515 §4.1.9): `"at+jwt"` matches
    /// `"application/at+JWT"`. A token without `typ` is then `wrong-type`, and so is one
    /// whose `typ` is written with escapes and is longer than 256 bytes unescaped (no media
    /// type is: RFC 6838 §4.2 allows 255).
    #[must_use]
    pub const fn typ(self, typ: &'p str) -> Self {
        Policy {
            typ: Some(typ),
            ..self
        }
    }

    /// Require these custom claims to be present (any value), e.g. `&["prefix"]`.
    #[must_use]
    pub const fn require_claims(self, names: &'p [&'p str]) -> Self {
        Policy {
            required: names,
            ..self
        }
    }

    /// Clock-skew allowance in seconds for `exp`, `nbf`, `iat` and the maximum age.
    #[must_use]
    pub const fn leeway(self, seconds: u64) -> Self {
        Policy {
            leeway: seconds,
            ..self
        }
    }

    /// Reject tokens whose `iat` is more than `seconds` (plus leeway) in the past; makes
    /// `iat` required.
    #[must_use]
    pub const fn max_age(self, seconds: u64) -> Self {
        Policy {
            max_age: Some(seconds),
            ..self
        }
    }

    /// Accept tokens without `exp` (for deployments that mint long-lived tokens without
    /// one). An `exp` that is present is still checked.
    #[must_use]
    pub const fn allow_missing_exp(self) -> Self {
        Policy {
            require_exp: false,
            ..self
        }
    }

    /// Replace the size limits.
    #[must_use]
    pub const fn limits(self, limits: Limits) -> Self {
        Policy { limits, ..self }
    }

    /// The size limits.
    #[must_use]
    pub const fn size_limits(&self) -> Limits {
        self.limits
    }

    /// Checks header and claims of a token whose signature verified, at time `now`
    /// (seconds since the epoch). Order: `typ`, `exp`, `nbf`, `iat`, max age, `iss`, `aud`,
    /// `sub`, required custom claims. All time arithmetic saturates.
    pub(crate) fn check(
        &self,
        header: &Header<'_>,
        claims: &Claims<'_>,
        now: u64,
    ) -> Result<(), Error> {
        if let Some(expected) = self.typ {
            let typ = header.typ().ok_or(Error::WrongType)?;
            if !typ_matches(typ, expected) {
                return Err(Error::WrongType);
            }
        }
        // RFC 7519 §4.1.4: the current time MUST be before `exp` (plus leeway). A fraction
        // is dropped: `exp` rounds down.
        match claims.expires_at() {
            Some(exp) if now >= exp.seconds().saturating_add(self.leeway) => {
                return Err(Error::Expired)
            }
            None if self.require_exp => return Err(Error::MissingClaim),
            _ => {}
        }
        // RFC 7519 §4.1.5: the current time MUST be at or after `nbf` (minus leeway); `nbf`
        // rounds up.
        if let Some(nbf) = claims.not_before() {
            if now.saturating_add(self.leeway) < nbf.seconds_ceil() {
                return Err(Error::NotYetValid);
            }
        }
        if let Some(iat) = claims.issued_at() {
            if iat.seconds_ceil() > now.saturating_add(self.leeway) {
                return Err(Error::IssuedInFuture);
            }
        }
        if let Some(max_age) = self.max_age {
            let iat = claims.issued_at().ok_or(Error::MissingClaim)?;
            if now
                >= iat
                    .seconds()
                    .saturating_add(max_age)
                    .saturating_add(self.leeway)
            {
                return Err(Error::TooOld);
            }
        }
        self.issuers
            .check(claims.issuer().map(Audience::one), Error::WrongIssuer)?;
        // RFC 7519 §4.1.3: a token carrying `aud` names its recipients; with none configured
        // this verifier identifies with none of them, unless it opted into any audience.
        if matches!(self.audiences, Expected::Unset)
            && !self.any_audience
            && claims.audience().is_some()
        {
            return Err(Error::WrongAudience);
        }
        self.audiences
            .check(claims.audience(), Error::WrongAudience)?;
        self.subject
            .check(claims.subject().map(Audience::one), Error::WrongSubject)?;
        if !self.required.iter().all(|name| claims.contains(name)) {
            return Err(Error::MissingClaim);
        }
        Ok(())
    }
}

impl Default for Policy<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// Longest `typ` value, unescaped, that [`typ_matches`] compares when the token writes it
/// with escapes; a longer escaped value is `wrong-type` (the check fails closed). Media
/// types are short (`application/at+jwt` is 18 bytes); values without escapes, the usual
/// case, are compared at any length.
const MAX_ESCAPED_TYP: usize = 256;

/// RFC 7515 §4.1.9: media types are case-insensitive and `application/` may be omitted
/// when no other `/` appears.
///
/// On bytes, not characters: ASCII case folding leaves every other byte as it is, and the
/// bytes of a multi-byte UTF-8 character are never ASCII. The value is compared as a slice
/// (unescaped into a stack buffer when it has escapes) rather than through the unescaping
/// iterator: 520 bytes less of WebAssembly.
fn typ_matches(typ: JsonStr<'_>, expected: &str) -> bool {
    let mut buf = [0u8; MAX_ESCAPED_TYP];
    let value = match typ.as_str() {
        Some(raw) => raw,
        None => match typ.unescape_into(&mut buf) {
            Ok(value) => value,
            Err(_) => return false,
        },
    };
    strip_prefix(value.as_bytes()).eq_ignore_ascii_case(strip_prefix(expected.as_bytes()))
}

/// `s` without a leading `application/` (in any case).
fn strip_prefix(s: &[u8]) -> &[u8] {
    const PREFIX: &[u8] = b"application/";
    match (s.get(..PREFIX.len()), s.get(PREFIX.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(PREFIX) => rest,
        _ => s,
    }
}

#[cfg(test)]
// Reference models written plainly: test arithmetic cannot overflow on these inputs.
#[allow(clippy::arithmetic_side_effects, clippy::format_collect)]
mod tests {
    use super::typ_matches;
    use crate::json;
    use proptest::prelude::*;

    extern crate std;
    use std::format;
    use std::string::String;

    /// `typ_matches` as it was, on characters: the reference model.
    fn reference(typ: &str, expected: &str) -> bool {
        const PREFIX: &str = "application/";
        fn strip(s: &str) -> Option<&str> {
            let head = s.get(..PREFIX.len())?;
            head.eq_ignore_ascii_case(PREFIX)
                .then(|| s.get(PREFIX.len()..))
                .flatten()
        }
        let expected = strip(expected).unwrap_or(expected);
        let mut chars = typ.chars();
        let mut probe = chars.clone();
        if PREFIX
            .chars()
            .all(|p| probe.next().is_some_and(|c| c.eq_ignore_ascii_case(&p)))
        {
            chars = probe;
        }
        let mut want = expected.chars();
        loop {
            match (chars.next(), want.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                _ => return false,
            }
        }
    }

    /// Short strings over letters that differ only in case, non-ASCII letters whose
    /// lower/upper forms are not ASCII folds (`é`/`É`, Kelvin sign `K` vs `k`), the prefix
    /// and its parts, written plain or as JSON escapes.
    fn piece() -> impl Strategy<Value = &'static str> {
        prop::sample::select(std::vec![
            "application/",
            "APPLICATION/",
            "Application/",
            "applicatio",
            "n/",
            "/",
            "a",
            "A",
            "jwt",
            "JWT",
            "at+jwt",
            "+",
            "é",
            "É",
            "\u{212A}",
            "k",
            "K",
            "\u{e9}",
            "ı",
            "i",
            "I",
            "",
        ])
    }

    /// The string value of the one member of `json`.
    fn parse_typ(json: &str) -> json::JsonStr<'_> {
        let mut typ = None;
        json::parse_object(json.as_bytes(), |_, value| {
            if let json::Value::String(s) = value {
                typ = Some(s);
            }
            Ok(())
        })
        .unwrap();
        typ.unwrap()
    }

    fn check(typ_text: &str, expected: &str, escape: bool) {
        let body: String = if escape {
            typ_text
                .encode_utf16()
                .map(|u| format!("\\u{u:04X}"))
                .collect()
        } else {
            typ_text.replace('\\', "\\\\").replace('"', "\\\"")
        };
        let json = format!("{{\"typ\":\"{body}\"}}");
        assert_eq!(
            typ_matches(parse_typ(&json), expected),
            reference(typ_text, expected),
            "{typ_text:?} {expected:?} {escape}"
        );
    }

    proptest! {
        #[test]
        fn typ_matches_the_reference(
            typ in proptest::collection::vec(piece(), 0..4),
            expected in proptest::collection::vec(piece(), 0..4),
            escape in any::<bool>(),
        ) {
            check(&typ.concat(), &expected.concat(), escape);
        }
    }

    /// The one place the comparison departs from the reference: a value written with
    /// escapes is compared only up to `MAX_ESCAPED_TYP` bytes unescaped, beyond which it
    /// fails closed; a value without escapes is compared at any length.
    #[test]
    fn long_typ_values_match_only_without_escapes() {
        use super::MAX_ESCAPED_TYP;
        for len in [
            MAX_ESCAPED_TYP - 12,
            MAX_ESCAPED_TYP,
            MAX_ESCAPED_TYP + 1,
            4000,
        ] {
            let expected = "x".repeat(len);
            // The same text, plain and with its first character escaped.
            let escaped = format!("\\u0078{}", &expected[1..]);
            for (body, matches) in [(&expected, true), (&escaped, len <= MAX_ESCAPED_TYP)] {
                let json = format!("{{\"typ\":\"{body}\"}}");
                assert_eq!(typ_matches(parse_typ(&json), &expected), matches, "{len}");
            }
        }
    }

    #[test]
    fn typ_matches_the_reference_on_every_pair_of_pieces() {
        let pieces = [
            "application/jwt",
            "APPLICATION/JWT",
            "jwt",
            "JWT",
            "at+jwt",
            "AT+JWT",
            "application/at+jwt",
            "applicatio",
            "application",
            "application/",
            "é",
            "É",
            "\u{212A}",
            "k",
            "",
            "application/é",
            "APPLICATION/É",
        ];
        for typ in pieces {
            for expected in pieces {
                for escape in [false, true] {
                    check(typ, expected, escape);
                }
            }
        }
    }
}
