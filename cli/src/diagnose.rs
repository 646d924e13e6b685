//! One line of advice for a rejected token: what exactly did not match, and what to check.
//!
//! Claim values appear in a hint only once the signature is known to be valid: the claims
//! are read by verifying again with a policy that checks nothing (`leeway(u64::MAX)`,
//! `allow_missing_exp`), so a forged token's contents are never shown as if they mattered.

use edjwt::{
    Error, Policy, UntrustedToken, Verified, Verifier, VerifyingKey, DEFAULT_MAX_HEADER_LEN,
    DEFAULT_MAX_TOKEN_LEN, MAX_JSON_DEPTH, MAX_JSON_MEMBERS,
};

use crate::keys::LoadedKeys;
use crate::signing::b64url_decode;
use crate::text::{quote, relative, span, utc};

/// What the operator asked `verify` to enforce, for comparing with the token.
pub(crate) struct Expected<'a> {
    pub(crate) issuers: &'a [String],
    pub(crate) audiences: &'a [String],
    pub(crate) subject: Option<&'a str>,
    pub(crate) typ: Option<&'a str>,
    pub(crate) required: &'a [String],
    pub(crate) leeway: u64,
    pub(crate) max_age: Option<u64>,
    pub(crate) allow_missing_exp: bool,
}

/// The hint for `error`, the core's verdict on `token` under `expected` at `now`.
pub(crate) fn verify_hint(
    error: Error,
    token: &str,
    now: u64,
    keys: &LoadedKeys,
    expected: &Expected<'_>,
) -> Option<String> {
    match error {
        Error::Expired
        | Error::NotYetValid
        | Error::IssuedInFuture
        | Error::TooOld
        | Error::WrongIssuer
        | Error::WrongAudience
        | Error::WrongSubject
        | Error::WrongType
        | Error::MissingClaim => {
            let mut buf = vec![0u8; token.len()];
            let permissive = Policy::new()
                .allow_missing_exp()
                .any_audience()
                .leeway(u64::MAX);
            let verified = Verifier::new(&keys.set, permissive)
                .verify(token, now, &mut buf)
                .ok()?;
            claim_hint(error, &verified, now, expected)
        }
        Error::InvalidClaim => invalid_claim_hint(&signed_payload(token, keys)?),
        Error::Malformed | Error::NestingTooDeep | Error::TooManyMembers
            if signed_payload(token, keys).is_some() =>
        {
            Some(format!(
                "the signature is valid, but the claims are not {}",
                match error {
                    Error::NestingTooDeep => format!("nested at most {MAX_JSON_DEPTH} deep"),
                    Error::TooManyMembers => format!("within {MAX_JSON_MEMBERS} open members"),
                    _ => "a strict JSON object (no duplicate names, comments or trailing \
                          bytes)"
                        .to_owned(),
                }
            ))
        }
        Error::UnknownKey | Error::BadSignature => key_hint(error, token, keys),
        _ => format_hint(error, token),
    }
}

/// The payload of `token` if some loaded key verifies its signature.
fn signed_payload(token: &str, keys: &LoadedKeys) -> Option<String> {
    let mut buf = vec![0u8; token.len()];
    let jws = Verifier::new(&keys.set, Policy::new())
        .verify_jws(token, &mut buf)
        .ok()?;
    Some(String::from_utf8_lossy(jws.payload()).into_owned())
}

fn claim_hint(
    error: Error,
    verified: &Verified<'_>,
    now: u64,
    expected: &Expected<'_>,
) -> Option<String> {
    let claims = verified.claims();
    let leeway = expected.leeway;
    let clock = format!("now {}, leeway {leeway} s", utc(now));
    Some(match error {
        Error::Expired => {
            let exp = claims.expires_at()?.seconds();
            format!(
                "the token expired at {}, {} ({clock})",
                utc(exp),
                relative(exp, now)
            )
        }
        Error::NotYetValid => {
            let nbf = claims.not_before()?.seconds_ceil();
            format!(
                "the token is valid from {}, {} ({clock}); check the clocks of the issuer \
                 and of this machine",
                utc(nbf),
                relative(nbf, now)
            )
        }
        Error::IssuedInFuture => {
            let iat = claims.issued_at()?.seconds_ceil();
            format!(
                "the token says it was issued at {}, {} in the future ({clock}): the \
                 issuer's clock is ahead or this machine's is behind",
                utc(iat),
                span(iat.saturating_sub(now))
            )
        }
        Error::TooOld => {
            let iat = claims.issued_at()?.seconds();
            format!(
                "the token was issued at {}, {}; --max-age allows {} (plus {leeway} s leeway)",
                utc(iat),
                relative(iat, now),
                span(expected.max_age.unwrap_or_default())
            )
        }
        Error::WrongIssuer => format!(
            "the token's iss is {}; expected {}",
            quote(&claims.issuer()?.to_string()),
            any_of(expected.issuers)
        ),
        Error::WrongAudience => {
            let aud: Vec<String> = claims
                .audience()?
                .iter()
                .map(|a| quote(&a.to_string()))
                .collect();
            let aud = match aud.as_slice() {
                [one] => one.clone(),
                many => format!("[{}]", many.join(", ")),
            };
            if expected.audiences.is_empty() {
                // RFC 7519 §4.1.3: a token naming recipients is refused by a verifier that
                // names none; say which flag accepts it.
                let first = quote(&claims.audience()?.iter().next()?.to_string());
                format!(
                    "the token's aud is {aud} and no audience is expected; pass --aud {first} \
                     if this service is that audience, or --any-audience to accept any"
                )
            } else {
                format!(
                    "the token's aud is {aud}; expected {}",
                    any_of(expected.audiences)
                )
            }
        }
        Error::WrongSubject => format!(
            "the token's sub is {}; expected {}",
            quote(&claims.subject()?.to_string()),
            quote(expected.subject?)
        ),
        Error::WrongType => match verified.header().typ() {
            Some(typ) => format!(
                "the token's typ header is {}; expected {}",
                quote(&typ.to_string()),
                quote(expected.typ?)
            ),
            None => format!(
                "the token has no typ header; expected {}",
                quote(expected.typ?)
            ),
        },
        Error::MissingClaim => missing_claim_hint(verified, expected)?,
        _ => return None,
    })
}

/// Which required claim is absent, in the order the core checks them.
fn missing_claim_hint(verified: &Verified<'_>, expected: &Expected<'_>) -> Option<String> {
    let claims = verified.claims();
    if !expected.allow_missing_exp && claims.expires_at().is_none() {
        return Some(
            "the token has no exp claim; if your issuer mints tokens without one, pass \
             --allow-missing-exp"
                .to_owned(),
        );
    }
    let (name, flag) = if expected.max_age.is_some() && claims.issued_at().is_none() {
        ("iat".to_owned(), "--max-age")
    } else if !expected.issuers.is_empty() && claims.issuer().is_none() {
        ("iss".to_owned(), "--iss")
    } else if !expected.audiences.is_empty() && claims.audience().is_none() {
        ("aud".to_owned(), "--aud")
    } else if expected.subject.is_some() && claims.subject().is_none() {
        ("sub".to_owned(), "--sub")
    } else {
        let name = expected.required.iter().find(|n| !claims.contains(n))?;
        (quote(name), "--require")
    };
    Some(format!(
        "the token has no {name} claim, which {flag} requires"
    ))
}

/// Names the registered claim of the wrong type in a signed payload.
fn invalid_claim_hint(payload: &str) -> Option<String> {
    let claims: serde_json::Value = serde_json::from_str(payload).ok()?;
    let describe = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "null".to_owned(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the string {}", quote(s)),
        serde_json::Value::Array(_) => "an array".to_owned(),
        serde_json::Value::Object(_) => "an object".to_owned(),
    };
    for name in ["exp", "nbf", "iat"] {
        let Some(value) = claims.get(name) else {
            continue;
        };
        if crate::inspect::numeric_date(value).is_none() {
            return Some(format!(
                "the signature is valid, but {name} is {}; it must be a non-negative number of \
                 seconds since 1970 (a NumericDate, RFC 7519)",
                describe(value)
            ));
        }
    }
    for name in ["iss", "sub", "jti"] {
        if let Some(value) = claims.get(name).filter(|v| !v.is_string()) {
            return Some(format!(
                "the signature is valid, but {name} is {}; it must be a string",
                describe(value)
            ));
        }
    }
    let aud_ok = claims.get("aud").is_none_or(|aud| {
        aud.is_string()
            || aud
                .as_array()
                .is_some_and(|a| a.iter().all(serde_json::Value::is_string))
    });
    (!aud_ok).then(|| {
        "the signature is valid, but aud is neither a string nor an array of strings".to_owned()
    })
}

/// Which keys the token's `kid` selected, and whether another loaded key would verify it.
fn key_hint(error: Error, token: &str, keys: &LoadedKeys) -> Option<String> {
    let mut buf = vec![0u8; token.len()];
    let untrusted = UntrustedToken::parse(token, &mut buf).ok()?;
    let kid = untrusted.kid().map(|k| k.to_string());
    let selects = |key: &VerifyingKey| match (kid.as_deref(), key.kid()) {
        (Some(want), Some(have)) => want == have,
        _ => true,
    };
    let (candidates, others): (Vec<usize>, Vec<usize>) =
        (0..keys.set.len()).partition(|&i| keys.set.get(i).is_some_and(selects));
    let list = |indexes: &[usize]| {
        let mut names: Vec<String> = indexes.iter().take(4).map(|&i| keys.describe(i)).collect();
        if indexes.len() > 4 {
            names.push(format!("and {} more", indexes.len().saturating_sub(4)));
        }
        names.join(", ")
    };
    if error == Error::UnknownKey {
        let kids: Vec<String> = keys
            .set
            .iter()
            .filter_map(VerifyingKey::kid)
            .take(6)
            .map(quote)
            .collect();
        return Some(format!(
            "the token's kid is {} but the keys given have kid {} and none is without a kid; \
             is the token from another environment, or the key set out of date?",
            quote(kid.as_deref().unwrap_or_default()),
            kids.join(", ")
        ));
    }
    let tried = match &kid {
        Some(kid) => format!(
            "kid {} selects {} of {} key(s) ({})",
            quote(kid),
            candidates.len(),
            keys.set.len(),
            list(&candidates)
        ),
        None => format!(
            "the token has no kid, so all {} key(s) were tried ({})",
            keys.set.len(),
            list(&candidates)
        ),
    };
    // Would a key the `kid` did not select verify it? Then the `kid` is what is wrong.
    let verifies = |i: &&usize| {
        let Some(key) = keys
            .set
            .get(**i)
            .and_then(|k| VerifyingKey::from_bytes(&k.to_bytes()).ok())
        else {
            return false;
        };
        let mut buf = vec![0u8; token.len()];
        Verifier::new(std::slice::from_ref(&key), Policy::new())
            .verify_jws(token, &mut buf)
            .is_ok()
    };
    let fails = if candidates.len() == 1 {
        "it does not"
    } else {
        "none"
    };
    Some(match others.iter().find(verifies) {
        Some(&i) => format!(
            "{tried}; {fails} verify the signature, but {} does: the token's kid names the \
             wrong key",
            keys.describe(i)
        ),
        None => format!(
            "{tried}; {fails} verify the signature: the token was signed with another key \
             (another environment?) or changed after signing"
        ),
    })
}

/// Advice for a token refused before any key was used (shared with `inspect`).
pub(crate) fn format_hint(error: Error, token: &str) -> Option<String> {
    let parts: Vec<&str> = token.split('.').collect();
    match error {
        Error::TokenTooLarge => Some(format!(
            "the token is {} bytes; edjwt accepts at most {DEFAULT_MAX_TOKEN_LEN}",
            token.len()
        )),
        Error::HeaderTooLarge => Some(format!(
            "the header part is {} characters; edjwt accepts at most {DEFAULT_MAX_HEADER_LEN} \
             (embedded certificate chains, x5c, are not supported)",
            parts.first().map_or(0, |h| h.len())
        )),
        Error::NestingTooDeep => Some(format!(
            "the header JSON nests deeper than {MAX_JSON_DEPTH}"
        )),
        Error::TooManyMembers => Some(format!(
            "the header JSON has more than {MAX_JSON_MEMBERS} members"
        )),
        Error::UnsupportedHeader => Some(
            "the header carries crit or b64 (JWS extensions, RFC 7515 §4.1.11 and RFC 7797), \
             which edjwt refuses"
                .to_owned(),
        ),
        Error::UnsupportedAlgorithm => Some(match header_alg(parts.first()?) {
            Some(alg) if alg.eq_ignore_ascii_case("none") => {
                "the token is unsigned (alg none), which is never accepted".to_owned()
            }
            Some(alg) => format!(
                "the token's alg is {}; edjwt verifies only EdDSA and Ed25519 (Ed25519 keys)",
                quote(&alg)
            ),
            None => "the header has no alg string; edjwt verifies EdDSA and Ed25519".to_owned(),
        }),
        Error::Malformed => Some(malformed_hint(token, &parts)),
        _ => None,
    }
}

fn header_alg(part: &str) -> Option<String> {
    let header: serde_json::Value = serde_json::from_slice(&b64url_decode(part)?).ok()?;
    Some(header.get("alg")?.as_str()?.to_owned())
}

fn malformed_hint(token: &str, parts: &[&str]) -> String {
    // Copied from JSON or a shell with its quotes (`"eyJ...`).
    if token.starts_with(['"', '\'']) || token.ends_with(['"', '\'']) {
        return "the token is wrapped in quotes; pass it without them".to_owned();
    }
    if token.contains(|c: char| c.is_whitespace()) {
        return "the token contains whitespace; pass it as one word".to_owned();
    }
    match parts {
        [_, _, _, _, _] => {
            return "the token has 5 parts: an encrypted JWE, which edjwt does not decrypt; it \
                    verifies signed tokens (3 parts: header.payload.signature)"
                .to_owned()
        }
        [_, _, _] => {}
        _ => {
            return format!(
                "the token has {} part(s); a signed JWT has 3: header.payload.signature",
                parts.len()
            )
        }
    }
    if token.contains('=') {
        return "the token has '=' padding; JWS uses base64url without padding (RFC 7515 §2)"
            .to_owned();
    }
    if token.contains(['+', '/']) {
        return "the token uses standard base64 ('+' or '/'); JWS uses base64url ('-' and '_')"
            .to_owned();
    }
    let names = ["header", "payload", "signature"];
    for (part, name) in parts.iter().zip(names) {
        if part.is_empty() {
            return format!("the {name} part is empty");
        }
        if b64url_decode(part).is_none() {
            return format!("the {name} part is not valid base64url");
        }
    }
    if let Some(signature) = parts.get(2).and_then(|s| b64url_decode(s)) {
        if signature.len() != 64 {
            return format!(
                "the signature is {} bytes; an Ed25519 signature is 64",
                signature.len()
            );
        }
    }
    "the header is not a strict JSON object (duplicate names, comments, trailing bytes) or its \
     kid or typ is not a string"
        .to_owned()
}

/// `"a"` or `one of "a", "b"`.
fn any_of(values: &[String]) -> String {
    match values {
        [one] => quote(one),
        many => format!(
            "one of {}",
            many.iter().map(|v| quote(v)).collect::<Vec<_>>().join(", ")
        ),
    }
}
