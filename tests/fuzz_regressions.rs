//! Regressions and pinned behaviour from fuzzing (`fuzz/`, see fuzz/README.md).
//!
//! - Stack: the key-loading entry points, which take any text without a signature, run on a
//!   small fixed stack with maximally hostile documents (tests/stack.rs does the same for
//!   token verification).
//! - Deliberate differences: each case where a differential target (`diff_json`,
//!   `diff_jsonwebtoken`, `diff_base64`) disagrees with `serde_json`, `jsonwebtoken` or the
//!   `base64` crate on purpose, pinned to edjwt's exact answer so that the strictness cannot
//!   drift silently.
//! - Crashes, hangs and wrong verdicts found by fuzzing: a section per finding, with the
//!   minimized input (none so far; see fuzz/README.md for the runs).

mod common;

use common::{rfc8037_key, sign, NOW};
use edjwt::{Error, KeySet, Policy, Verifier, VerifyingKey, MAX_JSON_DEPTH, MAX_JSON_MEMBERS};

/// 64 KiB in release builds; debug builds keep every temporary, so they get more.
const STACK: usize = if cfg!(debug_assertions) {
    256 * 1024
} else {
    64 * 1024
};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// `{"keys":[` + `[` × n + ..., the worst nesting a JWKS document can bring.
fn deep(prefix: &str, unit: &str, n: usize) -> String {
    format!("{prefix}{}", unit.repeat(n))
}

#[test]
fn key_loading_is_bounded_on_a_small_stack() {
    let results = on_small_stack(|| {
        let n = 64 * 1024;
        let jwks_deep = deep(r#"{"keys":"#, "[", n);
        let jwks_deep_objects = deep(r#"{"keys":[{"x":"#, r#"{"a":"#, n);
        let jwk_deep = deep(r#"{"kty":"OKP","x":"#, "[", n);
        let jwks_wide = format!(
            r#"{{"keys":[{}]}}"#,
            vec![r#"{"kty":"RSA","n":"","e":""}"#; 4096].join(",")
        );
        let members = (0..4096)
            .map(|i| format!(r#""m{i}":0"#))
            .collect::<Vec<_>>()
            .join(",");
        let jwk_wide = format!("{{{members}}}");
        let pem_long = format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            "A".repeat(1 << 20)
        );
        vec![
            KeySet::<4>::from_jwks(&jwks_deep).map(|s| s.len()),
            KeySet::<4>::from_jwks(&jwks_deep_objects).map(|s| s.len()),
            KeySet::<4>::new().add_text(&jwks_deep),
            VerifyingKey::from_jwk(&jwk_deep).map(|_| 1),
            KeySet::<4>::from_jwks(&jwks_wide).map(|s| s.len()),
            VerifyingKey::from_jwk(&jwk_wide).map(|_| 1),
            VerifyingKey::from_pem(&pem_long).map(|_| 1),
        ]
    });
    use Error::*;
    assert_eq!(
        results,
        vec![
            Err(InvalidKey),
            Err(InvalidKey),
            Err(InvalidKey),
            Err(InvalidKey),
            Err(UnsupportedKey),
            Err(InvalidKey),
            Err(InvalidKey),
        ]
    );
}

#[test]
fn hostile_header_is_bounded_on_a_small_stack() {
    // Header nesting far beyond the limit, within the default header length.
    let header = deep(r#"{"alg":"EdDSA","x":"#, "[", 700);
    let token = sign(&header, r#"{"exp":9999999999}"#);
    let result = on_small_stack(move || {
        let keys = [rfc8037_key()];
        let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
        Verifier::new(&keys, Policy::new())
            .verify(&token, NOW, &mut buf)
            .map(|_| ())
    });
    assert_eq!(result, Err(Error::NestingTooDeep));
}

/// Verifies a token with header `{"alg":"EdDSA"}` and these claims, accepting every valid
/// claims set (missing `exp` allowed, unbounded leeway).
fn claims_verdict(claims: &str) -> Result<(), Error> {
    let token = sign(r#"{"alg":"EdDSA"}"#, claims);
    let keys = [rfc8037_key()];
    let policy = Policy::new().allow_missing_exp().leeway(u64::MAX);
    let mut buf = vec![0u8; token.len()];
    Verifier::new(&keys, policy)
        .verify(&token, NOW, &mut buf)
        .map(|_| ())
}

/// `diff_json`: edjwt vs `serde_json` (plus a duplicate-name walk), where they disagree by
/// design.
#[test]
fn deliberate_differences_from_serde_json() {
    let nested = |n: usize| format!(r#"{{"x":{}{}}}"#, "[".repeat(n - 1), "]".repeat(n - 1));
    // `n` names open at once: n - 1 in the outer object (the last is "z"), "a" inside.
    let open_names = |n: usize| {
        let outer: Vec<String> = (0..n - 2).map(|i| format!(r#""m{i}":0"#)).collect();
        format!(r#"{{{},"z":{{"a":0}}}}"#, outer.join(","))
    };
    let cases: Vec<(String, Result<(), Error>)> = vec![
        // serde_json keeps the last duplicate; edjwt rejects, after unescaping too.
        (r#"{"a":1,"a":2}"#.into(), Err(Error::Malformed)),
        (r#"{"alg":1,"\u0061lg":2}"#.into(), Err(Error::Malformed)),
        (
            r#"{"x":{"a":1,"b":{"a":2},"a":3}}"#.into(),
            Err(Error::Malformed),
        ),
        // Depth: serde_json allows 128 levels, edjwt MAX_JSON_DEPTH (32).
        (nested(MAX_JSON_DEPTH), Ok(())),
        (nested(MAX_JSON_DEPTH + 1), Err(Error::NestingTooDeep)),
        // The duplicate-name table: MAX_JSON_MEMBERS open names at once (serde_json: none).
        (open_names(MAX_JSON_MEMBERS), Ok(())),
        (open_names(MAX_JSON_MEMBERS + 1), Err(Error::TooManyMembers)),
        // A claims set must be an object; serde_json parses any value.
        ("[]".into(), Err(Error::Malformed)),
        ("1".into(), Err(Error::Malformed)),
        // serde_json rejects numbers beyond f64 ("number out of range"); RFC 8259 allows
        // them and edjwt accepts them in custom claims, and as NumericDates when exact.
        (r#"{"n":1e400}"#.into(), Ok(())),
        (r#"{"exp":1e400}"#.into(), Err(Error::InvalidClaim)),
        (r#"{"exp":1700000000e0,"n":-1e-400}"#.into(), Ok(())),
        // Both reject lone surrogates and raw control characters.
        (r#"{"a":"\ud800"}"#.into(), Err(Error::Malformed)),
        ("{\"a\":\"\u{1}\"}".into(), Err(Error::Malformed)),
    ];
    for (claims, want) in cases {
        let short: String = claims.chars().take(80).collect();
        assert_eq!(claims_verdict(&claims), want, "{short}");
    }
}

/// `diff_jsonwebtoken`: edjwt vs `jsonwebtoken` 12 on well-formed signed tokens, where they
/// disagree by design. The comments give jsonwebtoken's answer.
#[test]
fn deliberate_differences_from_jsonwebtoken() {
    let keys = [rfc8037_key()];
    let check = |header: &str, claims: &str, policy: Policy<'_>, now: u64| {
        let token = sign(header, claims);
        let mut buf = vec![0u8; token.len()];
        Verifier::new(&keys, policy)
            .verify(&token, now, &mut buf)
            .map(|_| ())
    };
    let h = r#"{"alg":"EdDSA"}"#;
    let p = Policy::new().leeway(60);
    // `-0`: serde_json reads the float -0.0, which jsonwebtoken accepts as 0; edjwt refuses
    // any minus sign.
    assert_eq!(
        check(h, r#"{"exp":9999999999,"nbf":-0}"#, p, NOW),
        Err(Error::InvalidClaim)
    );
    // Boundary: jsonwebtoken accepts while now <= exp + leeway; edjwt needs now < exp + leeway
    // (RFC 7519 §4.1.4: the current time MUST be before the expiration time).
    assert_eq!(
        check(h, r#"{"exp":1700000040}"#, p, 1_700_000_100),
        Err(Error::Expired)
    );
    assert_eq!(check(h, r#"{"exp":1700000041}"#, p, 1_700_000_100), Ok(()));
    // Fractions: jsonwebtoken rounds to the nearest second, edjwt never extends a lifetime.
    assert_eq!(
        check(h, r#"{"exp":1700000040.9}"#, p, 1_700_000_100),
        Err(Error::Expired)
    );
    // Beyond i64::MAX seconds: jsonwebtoken takes any u64; edjwt says invalid-claim.
    assert_eq!(
        check(h, r#"{"exp":18446744073709551615}"#, p, NOW),
        Err(Error::InvalidClaim)
    );
    // `iss` as an array: jsonwebtoken matches any element; RFC 7519 §4.1.1 says a string.
    assert_eq!(
        check(h, r#"{"exp":9999999999,"iss":["a"]}"#, p.issuer("a"), NOW),
        Err(Error::InvalidClaim)
    );
    // A configured issuer/subject makes the claim required; jsonwebtoken accepts a token
    // without it unless it is also in `required_spec_claims`.
    assert_eq!(
        check(h, r#"{"exp":9999999999}"#, p.issuer("a"), NOW),
        Err(Error::MissingClaim)
    );
    assert_eq!(
        check(h, r#"{"exp":9999999999}"#, p.subject("a"), NOW),
        Err(Error::MissingClaim)
    );
    // An `aud` with no audience configured is rejected (RFC 7519 §4.1.3), as jsonwebtoken
    // does, unless the policy opts into any audience (jsonwebtoken: `validate_aud = false`).
    assert_eq!(
        check(h, r#"{"exp":9999999999,"aud":"x"}"#, p, NOW),
        Err(Error::WrongAudience)
    );
    assert_eq!(
        check(h, r#"{"exp":9999999999,"aud":"x"}"#, p.any_audience(), NOW),
        Ok(())
    );
    // `iat` in the future is rejected; jsonwebtoken does not look at `iat`.
    assert_eq!(
        check(h, r#"{"exp":9999999999,"iat":9999999999}"#, p, NOW),
        Err(Error::IssuedInFuture)
    );
    // `alg: "Ed25519"` (RFC 9864) is accepted; jsonwebtoken knows only "EdDSA".
    assert_eq!(
        check(r#"{"alg":"Ed25519"}"#, r#"{"exp":9999999999}"#, p, NOW),
        Ok(())
    );
    // Duplicate claims: jsonwebtoken fails on a duplicated registered claim but keeps the
    // last of a duplicated custom one; edjwt rejects both.
    assert_eq!(
        check(h, r#"{"exp":9999999999,"x":1,"x":2}"#, p, NOW),
        Err(Error::Malformed)
    );
}
