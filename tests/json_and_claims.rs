//! Strict JSON, header rules, NumericDate and policy checks, each on a validly signed token
//! so the exact reason is reached (negatives made by changing one thing in a good token).

mod common;

use common::{policy, rfc8037_key, sign, CLAIMS, HEADER, NOW};
use edjwt::{Error, Policy, Verifier};

fn verify_with(policy: Policy<'_>, header: &str, claims: &str, now: u64) -> Result<(), Error> {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let token = sign(header, claims);
    let mut buf = vec![0u8; token.len()];
    Verifier::new(&keys, policy)
        .verify(&token, now, &mut buf)
        .map(|_| ())
}

fn claims_result(claims: &str) -> Result<(), Error> {
    verify_with(policy(), HEADER, claims, NOW)
}

fn header_result(header: &str) -> Result<(), Error> {
    verify_with(policy(), header, CLAIMS, NOW)
}

/// `CLAIMS` with `"extra"` inserted as the first member.
fn with_member(extra: &str) -> String {
    format!("{{{extra},{}", &CLAIMS[1..])
}

#[test]
fn strict_json_table() {
    let ok: Result<(), Error> = Ok(());
    let m = Err(Error::Malformed);
    let cases: &[(&str, Result<(), Error>)] = &[
        (r#""x":1"#, ok),
        (r#""x":-0.5e-3"#, ok),
        (r#""x":1E+2"#, ok),
        (r#""x":[]"#, ok),
        (r#""x":{}"#, ok),
        (r#""x":[1,{"a":[true,false,null]},"s"]"#, ok),
        (r#""x":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00""#, ok),
        (r#""x" : 	1"#, ok),
        (r#""x":1.""#, m),
        (r#""x":.5"#, m),
        (r#""x":1e"#, m),
        (r#""x":-"#, m),
        (r#""x":00"#, m),
        (r#""x":0x10"#, m),
        (r#""x":+1"#, m),
        (r#""x":True"#, m),
        (r#""x":nul"#, m),
        (r#""x":undefined"#, m),
        (r#""x":[1,]"#, m),
        (r#""x":[,1]"#, m),
        (r#""x":{"a":1,}"#, m),
        (r#""x":{"a"}"#, m),
        (r#""x":{1:2}"#, m),
        (r#""x":[1 2]"#, m),
        (r#""x":"\u12""#, m),
        (r#""x":"\u+041""#, m),
        (r#""x":"\U0041""#, m),
        (r#""x":"\'""#, m),
        (r#""x":"\uDC00""#, m),
        (r#""x":"\uD800x""#, m),
        (r#""x":"\uD800\u0041""#, m),
        ("\"x\":\"a\u{7f}b\"", ok),
        ("\"x\":\"tab\there\"", m),
        ("\"x\":1\u{a0}", m),
        (r#""x":{"a":1,"a":2}"#, m),
        (r#""x":{"a":{"b":1},"b":{"b":2}}"#, ok),
        (r#""x":[{"a":1},{"a":2}]"#, ok),
        (r#""x":{"a\u0062":1,"ab":2}"#, m),
        (r#""x":{"\u00e9":1,"é":2}"#, m),
        (r#""\u0069ss":"dup""#, m),
    ];
    for (extra, want) in cases {
        assert_eq!(claims_result(&with_member(extra)), *want, "{extra}");
    }
    // Whole-document shapes.
    for claims in [
        "",
        " ",
        "{",
        "}",
        "{}}",
        "[]",
        "1",
        "\"s\"",
        "{\"a\":1}{}",
        "\u{feff}{}",
    ] {
        assert_eq!(claims_result(claims), Err(Error::Malformed), "{claims:?}");
    }
    assert_eq!(claims_result(&format!(" \n{CLAIMS}\r\n\t ")), Ok(()));
}

#[test]
fn depth_and_member_limits() {
    let depth = |n: usize| with_member(&format!(r#""x":{}{}"#, "[".repeat(n), "]".repeat(n)));
    // The claims object is level 1, so 31 nested arrays reach MAX_JSON_DEPTH = 32.
    assert_eq!(claims_result(&depth(edjwt::MAX_JSON_DEPTH - 1)), Ok(()));
    assert_eq!(
        claims_result(&depth(edjwt::MAX_JSON_DEPTH)),
        Err(Error::NestingTooDeep)
    );
    let members = |n: usize| {
        let extra: Vec<String> = (0..n).map(|i| format!(r#""m{i}":{i}"#)).collect();
        with_member(&extra.join(","))
    };
    // CLAIMS has 6 members of its own.
    assert_eq!(claims_result(&members(edjwt::MAX_JSON_MEMBERS - 6)), Ok(()));
    assert_eq!(
        claims_result(&members(edjwt::MAX_JSON_MEMBERS - 5)),
        Err(Error::TooManyMembers)
    );
    // Members of closed objects do not count.
    let objects: Vec<String> = (0..100)
        .map(|i| format!(r#""o{i}":{{"a":1,"b":2}}"#))
        .collect();
    assert_eq!(claims_result(&with_member(&objects.join(","))), Ok(()));
}

#[test]
fn header_rules() {
    let cases: &[(&str, Result<(), Error>)] = &[
        (r#"{"alg":"EdDSA","kid":"rfc8037"}"#, Ok(())),
        (r#"{"alg":"Ed25519","kid":"rfc8037"}"#, Ok(())),
        (r#"{"kid":"rfc8037","alg":"EdDSA"}"#, Ok(())),
        (r#"{"alg":"EdDS\u0041","kid":"rfc8037"}"#, Ok(())),
        (r#"{"alg":"EdDSA","kid":"rfc\u0038037"}"#, Ok(())),
        (
            r#"{"alg":"none","kid":"rfc8037"}"#,
            Err(Error::UnsupportedAlgorithm),
        ),
        (
            r#"{"alg":"ED25519","kid":"rfc8037"}"#,
            Err(Error::UnsupportedAlgorithm),
        ),
        (
            r#"{"alg":"EdDSA ","kid":"rfc8037"}"#,
            Err(Error::UnsupportedAlgorithm),
        ),
        (
            r#"{"alg":"EdDSA","kid":"rfc8037","crit":["exp"]}"#,
            Err(Error::UnsupportedHeader),
        ),
        (
            r#"{"alg":"EdDSA","kid":"rfc8037","crit":null}"#,
            Err(Error::UnsupportedHeader),
        ),
        (
            r#"{"alg":"EdDSA","kid":"rfc8037","b64":true}"#,
            Err(Error::UnsupportedHeader),
        ),
        (
            r#"{"alg":"none","crit":["b64"],"b64":false}"#,
            Err(Error::UnsupportedAlgorithm),
        ),
        (r#"{"alg":"EdDSA","kid":null}"#, Err(Error::Malformed)),
        (
            r#"{"alg":"EdDSA","kid":"rfc8037","typ":7}"#,
            Err(Error::Malformed),
        ),
        (
            r#"{"alg":"EdDSA","kid":"rfc8037","alg":"EdDSA"}"#,
            Err(Error::Malformed),
        ),
        (r#"{"alg":"EdDSA","kid":"nope"}"#, Err(Error::UnknownKey)),
        (r#"{"alg":"EdDSA","kid":"rfc8037"} "#, Ok(())),
    ];
    for (header, want) in cases {
        assert_eq!(header_result(header), *want, "{header}");
    }
}

#[test]
fn typ_is_compared_as_a_media_type() {
    let typed = |expected: &'static str, typ: &str| {
        let header = format!(r#"{{"alg":"EdDSA","kid":"rfc8037","typ":"{typ}"}}"#);
        verify_with(policy().typ(expected), &header, CLAIMS, NOW)
    };
    assert_eq!(typed("JWT", "JWT"), Ok(()));
    assert_eq!(typed("JWT", "jwt"), Ok(()));
    assert_eq!(typed("at+jwt", "application/at+JWT"), Ok(()));
    assert_eq!(typed("application/at+jwt", "at+jwt"), Ok(()));
    assert_eq!(typed("at+jwt", "Application/AT+JWT"), Ok(()));
    assert_eq!(typed("at+jwt", "JWT"), Err(Error::WrongType));
    assert_eq!(typed("JWT", "JWTX"), Err(Error::WrongType));
    assert_eq!(typed("JWT", "application/"), Err(Error::WrongType));
    let untyped = r#"{"alg":"EdDSA","kid":"rfc8037"}"#;
    assert_eq!(
        verify_with(policy().typ("JWT"), untyped, CLAIMS, NOW),
        Err(Error::WrongType)
    );
}

fn times(exp: &str, nbf: &str, iat: &str) -> String {
    let mut members = vec![
        r#""iss":"https://issuer.example""#.to_string(),
        r#""aud":"api""#.to_string(),
    ];
    for (name, value) in [("exp", exp), ("nbf", nbf), ("iat", iat)] {
        if !value.is_empty() {
            members.push(format!(r#""{name}":{value}"#));
        }
    }
    format!("{{{}}}", members.join(","))
}

#[test]
fn numeric_dates_are_exact_and_conservative() {
    let at =
        |exp: &str, now: u64| verify_with(policy().leeway(0), HEADER, &times(exp, "", ""), now);
    // `exp` rounds down: 100.9 expires at 100.
    assert_eq!(at("100.9", 99), Ok(()));
    assert_eq!(at("100.9", 100), Err(Error::Expired));
    assert_eq!(at("1e2", 99), Ok(()));
    assert_eq!(at("1e2", 100), Err(Error::Expired));
    assert_eq!(at("10000e-2", 100), Err(Error::Expired));
    assert_eq!(at("0.01e4", 99), Ok(()));
    assert_eq!(at("1.7e9", 1_699_999_999), Ok(()));
    assert_eq!(at("1.7e9", 1_700_000_000), Err(Error::Expired));
    assert_eq!(at("0", 0), Err(Error::Expired));
    assert_eq!(at("9223372036854775807", 9_223_372_036_854_775_806), Ok(()));
    assert_eq!(at("9223372036854775807", u64::MAX), Err(Error::Expired));
    for invalid in [
        "-1",
        "-0",
        "-0.5",
        "9223372036854775808",
        "18446744073709551616",
        "1e19",
        "1e300",
        "1e999999999",
        "\"100\"",
        "null",
        "true",
        "[100]",
        "{}",
    ] {
        assert_eq!(at(invalid, 0), Err(Error::InvalidClaim), "{invalid}");
    }
    assert_eq!(
        at("0.0000000000000000000000000000001e31", 0),
        Ok(()),
        "= 1 exactly"
    );
    assert_eq!(
        at("1e-999999999", 0),
        Err(Error::Expired),
        "a tiny fraction of a second"
    );
    // `nbf` rounds up: 100.1 is valid from 101.
    let nbf = |nbf: &str, now: u64| {
        verify_with(
            policy().leeway(0).allow_missing_exp(),
            HEADER,
            &times("", nbf, ""),
            now,
        )
    };
    assert_eq!(nbf("100.1", 100), Err(Error::NotYetValid));
    assert_eq!(nbf("100.1", 101), Ok(()));
    assert_eq!(nbf("100", 100), Ok(()));
}

#[test]
fn time_checks_with_leeway_saturate() {
    let p = policy().leeway(60);
    let check = |exp: &str, nbf: &str, iat: &str, now: u64| {
        verify_with(p, HEADER, &times(exp, nbf, iat), now)
    };
    assert_eq!(check("1000", "", "", 1059), Ok(()));
    assert_eq!(check("1000", "", "", 1060), Err(Error::Expired));
    assert_eq!(check("1000", "1100", "", 1039), Err(Error::NotYetValid));
    assert_eq!(check("2000", "1100", "", 1040), Ok(()));
    assert_eq!(check("2000", "", "1100", 1039), Err(Error::IssuedInFuture));
    assert_eq!(check("2000", "", "1100", 1040), Ok(()));
    // Expired wins over not-yet-valid (checked first).
    assert_eq!(check("10", "5000", "", 1000), Err(Error::Expired));
    // Saturation at both ends of the clock.
    assert_eq!(
        check("9223372036854775807", "", "", u64::MAX),
        Err(Error::Expired)
    );
    assert_eq!(
        check("9223372036854775807", "9223372036854775807", "", 0),
        Err(Error::NotYetValid)
    );
    let huge = verify_with(
        policy().leeway(u64::MAX),
        HEADER,
        &times("1", "9223372036854775807", "9223372036854775807"),
        u64::MAX - 1,
    );
    assert_eq!(huge, Ok(()), "exp + leeway saturates instead of wrapping");
    // exp is required unless allowed missing; a present exp is still checked then.
    assert_eq!(check("", "", "", 0), Err(Error::MissingClaim));
    let lax = policy().allow_missing_exp();
    assert_eq!(verify_with(lax, HEADER, &times("", "", ""), 0), Ok(()));
    assert_eq!(
        verify_with(lax, HEADER, &times("5", "", ""), 100),
        Err(Error::Expired)
    );
}

#[test]
fn max_age() {
    let p = policy().leeway(0).max_age(300);
    let check = |iat: &str, now| verify_with(p, HEADER, &times("99999", "", iat), now);
    assert_eq!(check("1000", 1299), Ok(()));
    assert_eq!(check("1000", 1300), Err(Error::TooOld));
    assert_eq!(
        check("1000.5", 1300),
        Err(Error::TooOld),
        "a fraction never extends life"
    );
    assert_eq!(check("", 1000), Err(Error::MissingClaim));
}

#[test]
fn issuer_audience_subject_and_required_claims() {
    let c = |claims: &str, p: Policy<'_>| verify_with(p, HEADER, claims, NOW);
    let base = |extra: &str| format!(r#"{{"exp":1700003600{extra}}}"#);
    let iss = Policy::new().issuers(&["https://a.example", "https://b.example"]);
    assert_eq!(c(&base(r#","iss":"https://b.example""#), iss), Ok(()));
    assert_eq!(c(&base(r#","iss":"https:\/\/a.example""#), iss), Ok(()));
    assert_eq!(
        c(&base(r#","iss":"https://c.example""#), iss),
        Err(Error::WrongIssuer)
    );
    assert_eq!(c(&base(""), iss), Err(Error::MissingClaim));
    assert_eq!(c(&base(r#","iss":null"#), iss), Err(Error::InvalidClaim));
    assert_eq!(
        c(&base(r#","iss":"x""#), Policy::new().issuers(&[])),
        Err(Error::WrongIssuer)
    );

    let aud = Policy::new().audiences(&["api", "admin"]);
    assert_eq!(c(&base(r#","aud":"admin""#), aud), Ok(()));
    assert_eq!(c(&base(r#","aud":["x","admin"]"#), aud), Ok(()));
    assert_eq!(c(&base(r#","aud":["x"]"#), aud), Err(Error::WrongAudience));
    assert_eq!(c(&base(r#","aud":[]"#), aud), Err(Error::WrongAudience));
    assert_eq!(
        c(&base(r#","aud":["api",null]"#), aud),
        Err(Error::InvalidClaim)
    );
    assert_eq!(
        c(&base(r#","aud":{"api":1}"#), aud),
        Err(Error::InvalidClaim)
    );
    // Without an expected audience the claim is not required, but a token that carries one
    // names recipients this verifier is not (RFC 7519 §4.1.3): rejected, string or array,
    // unless the policy opts into any audience. It must still be valid either way.
    assert_eq!(c(&base(""), Policy::new()), Ok(()));
    assert_eq!(
        c(&base(r#","aud":["x"]"#), Policy::new()),
        Err(Error::WrongAudience)
    );
    assert_eq!(
        c(&base(r#","aud":"x""#), Policy::new()),
        Err(Error::WrongAudience)
    );
    assert_eq!(
        c(&base(r#","aud":[]"#), Policy::new()),
        Err(Error::WrongAudience)
    );
    let any = Policy::new().any_audience();
    assert_eq!(c(&base(r#","aud":["x"]"#), any), Ok(()));
    assert_eq!(c(&base(r#","aud":"x""#), any), Ok(()));
    assert_eq!(c(&base(""), any), Ok(()));
    // A configured audience is still checked when any audience is also allowed.
    assert_eq!(
        c(&base(r#","aud":"x""#), any.audience("api")),
        Err(Error::WrongAudience)
    );
    assert_eq!(c(&base(r#","aud":"api""#), any.audience("api")), Ok(()));
    assert_eq!(
        c(&base(r#","aud":7"#), Policy::new()),
        Err(Error::InvalidClaim)
    );
    assert_eq!(c(&base(r#","aud":7"#), any), Err(Error::InvalidClaim));

    let sub = Policy::new().subject("alice");
    assert_eq!(c(&base(r#","sub":"alice""#), sub), Ok(()));
    assert_eq!(c(&base(r#","sub":"bob""#), sub), Err(Error::WrongSubject));
    assert_eq!(c(&base(""), sub), Err(Error::MissingClaim));
    assert_eq!(
        c(&base(r#","sub":1"#), Policy::new()),
        Err(Error::InvalidClaim)
    );
    assert_eq!(
        c(&base(r#","jti":[]"#), Policy::new()),
        Err(Error::InvalidClaim)
    );

    let req = Policy::new().require_claims(&["prefix", "scope"]);
    assert_eq!(c(&base(r#","prefix":"","scope":null"#), req), Ok(()));
    assert_eq!(c(&base(r#","pr\u0065fix":"a","scope":1"#), req), Ok(()));
    assert_eq!(c(&base(r#","prefix":"a""#), req), Err(Error::MissingClaim));
    assert_eq!(
        c(&base(r#","x":{"prefix":"a","scope":1}"#), req),
        Err(Error::MissingClaim)
    );
}

#[test]
fn claim_errors_only_after_the_signature_verified() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let expired = sign(
        HEADER,
        r#"{"iss":"https://issuer.example","aud":"api","exp":1}"#,
    );
    let mut buf = [0u8; 512];
    assert_eq!(
        verifier.verify(&expired, NOW, &mut buf).err(),
        Some(Error::Expired)
    );
    // Forge: same expired claims, other signer.
    let forged = common::sign_with(
        [9; 32],
        HEADER,
        r#"{"iss":"https://issuer.example","aud":"api","exp":1}"#,
    );
    assert_eq!(
        verifier.verify(&forged, NOW, &mut buf).err(),
        Some(Error::BadSignature)
    );
    // Forged payload that is not even JSON: still bad-signature, never malformed.
    let forged = common::sign_with([9; 32], HEADER, "not json");
    assert_eq!(
        verifier.verify(&forged, NOW, &mut buf).err(),
        Some(Error::BadSignature)
    );
    // Invalid claim types are reported only for authentic tokens too.
    let forged = common::sign_with([9; 32], HEADER, r#"{"exp":"soon"}"#);
    assert_eq!(
        verifier.verify(&forged, NOW, &mut buf).err(),
        Some(Error::BadSignature)
    );
    // A JSON syntax error after a bad claim is malformed, not invalid-claim.
    let token = sign(HEADER, r#"{"exp":"soon","x":tru}"#);
    assert_eq!(
        verifier.verify(&token, NOW, &mut buf).err(),
        Some(Error::Malformed)
    );
}
