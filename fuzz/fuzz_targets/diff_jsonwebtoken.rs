//! Differential: edjwt's verdict against `jsonwebtoken` (12, RustCrypto backend) on
//! well-formed signed tokens where both implement the same rules: `exp` required and
//! checked, `nbf` checked, the same leeway, expected issuers, audiences and subject (each
//! made required in jsonwebtoken too). jsonwebtoken reads the system clock, so both use it
//! and cases within 2 s of a time boundary are skipped.
//!
//! Not compared (documented differences, fuzz/README.md): duplicate names, nesting deeper
//! than 32 and more than 128 open names (edjwt rejects, jsonwebtoken keeps the last /
//! accepts), non-integer, `-0` and > i64::MAX dates, `iss` arrays, `alg: "Ed25519"`, `iat` in
//! the future, `exp == now - leeway` exactly.
#![no_main]

use std::time::{SystemTime, UNIX_EPOCH};

use arbitrary::Arbitrary;
use edjwt::{Policy, Verifier};
use edjwt_fuzz::model::{Number, Text, Value, Writer, Ws, STRINGS};
use edjwt_fuzz::sign;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use libfuzzer_sys::fuzz_target;

const HEADERS: [&str; 3] = [
    r#"{"alg":"EdDSA"}"#,
    r#"{"alg":"EdDSA","typ":"JWT"}"#,
    r#"{"typ":"JWT","alg":"EdDSA","kid":"rfc8037"}"#,
];

const CUSTOM: [&str; 6] = ["prefix", "scope", "roles", "x", "n", "nested"];

#[derive(Arbitrary, Debug)]
enum Time {
    /// `now + offset` seconds.
    Offset(i32),
    /// A negative `NumericDate`.
    Negative(u32),
}

#[derive(Arbitrary, Debug)]
enum Aud {
    One(Text),
    Many(Vec<Text>),
}

#[derive(Arbitrary, Debug)]
struct Input {
    header: u8,
    exp: Option<Time>,
    nbf: Option<Time>,
    iat_ago: Option<u16>,
    iss: Option<Text>,
    sub: Option<Text>,
    aud: Option<Aud>,
    custom: Vec<(u8, Value)>,
    rotate: u8,
    ws: Ws,
    leeway: u16,
    expect_iss: Option<Vec<u8>>,
    expect_aud: Option<Vec<u8>>,
    expect_sub: Option<u8>,
}

/// A `NumericDate` member value and its offset from `now` (`None` when negative).
fn date(t: &Time, now: i64) -> (Value, Option<i64>) {
    match t {
        Time::Offset(d) if now + i64::from(*d) >= 0 => (
            Value::Number(Number::integer((now + i64::from(*d)) as u64)),
            Some(i64::from(*d)),
        ),
        Time::Offset(d) => (
            Value::Number(Number::negative_integer(
                (now + i64::from(*d)).unsigned_abs(),
            )),
            None,
        ),
        // Not `-0`: edjwt rejects it (a minus sign), serde_json reads it as the float -0.0,
        // which jsonwebtoken takes as 0 (a documented difference).
        Time::Negative(v) => (
            Value::Number(Number::negative_integer(u64::from(*v).max(1))),
            None,
        ),
    }
}

fn pick(i: u8) -> &'static str {
    STRINGS[usize::from(i) % STRINGS.len()]
}

fuzz_target!(|input: Input| {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now_i = now as i64;
    let leeway = i64::from(input.leeway);
    let mut members: Vec<(Text, Value)> = Vec::new();
    if let Some(t) = &input.exp {
        let (v, offset) = date(t, now_i);
        // edjwt: expired when now >= exp + leeway; jsonwebtoken: when now > exp + leeway.
        if offset.is_some_and(|d| (d + leeway).abs() <= 2) {
            return;
        }
        members.push((Text::plain("exp"), v));
    }
    if let Some(t) = &input.nbf {
        let (v, offset) = date(t, now_i);
        if offset.is_some_and(|d| (d - leeway).abs() <= 2) {
            return;
        }
        members.push((Text::plain("nbf"), v));
    }
    if let Some(ago) = input.iat_ago {
        members.push((
            Text::plain("iat"),
            Value::Number(Number::integer(now - u64::from(ago))),
        ));
    }
    if let Some(t) = &input.iss {
        members.push((Text::plain("iss"), Value::String(t.clone())));
    }
    if let Some(t) = &input.sub {
        members.push((Text::plain("sub"), Value::String(t.clone())));
    }
    match &input.aud {
        Some(Aud::One(t)) => members.push((Text::plain("aud"), Value::String(t.clone()))),
        Some(Aud::Many(ts)) => members.push((
            Text::plain("aud"),
            Value::Array(ts.iter().cloned().map(Value::String).collect(), input.ws),
        )),
        None => {}
    }
    let mut seen = Vec::new();
    for (i, v) in &input.custom {
        let name = CUSTOM[usize::from(*i) % CUSTOM.len()];
        if !seen.contains(&name) {
            seen.push(name);
            members.push((Text::plain(name), v.clone()));
        }
    }
    if !members.is_empty() {
        let r = usize::from(input.rotate) % members.len();
        members.rotate_left(r);
    }
    let mut w = Writer::default();
    w.object(&members, input.ws);
    let header = HEADERS[usize::from(input.header) % HEADERS.len()];
    let token = sign::sign(header.as_bytes(), w.out.as_bytes());

    let issuers: Option<Vec<&str>> = input
        .expect_iss
        .as_ref()
        .map(|v| v.iter().map(|i| pick(*i)).collect());
    let audiences: Option<Vec<&str>> = input
        .expect_aud
        .as_ref()
        .map(|v| v.iter().map(|i| pick(*i)).collect());
    let subject = input.expect_sub.map(pick);

    let keys = [sign::signer_key()];
    let mut policy = Policy::new().leeway(u64::from(input.leeway));
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = u64::from(input.leeway);
    validation.validate_nbf = true;
    let mut required = vec!["exp"];
    if let Some(list) = &issuers {
        policy = policy.issuers(list);
        validation.set_issuer(list);
        required.push("iss");
    }
    if let Some(list) = &audiences {
        policy = policy.audiences(list);
        validation.set_audience(list);
        required.push("aud");
    } else {
        // Both accept any audience: edjwt only when asked (RFC 7519 §4.1.3).
        policy = policy.any_audience();
        validation.validate_aud = false;
    }
    if let Some(s) = subject {
        policy = policy.subject(s);
        validation.sub = Some(s.to_owned());
        required.push("sub");
    }
    validation.set_required_spec_claims(&required);

    let mut buf = vec![0u8; token.len()];
    let ours = Verifier::new(&keys, policy).verify(&token, now, &mut buf);
    if token.len() > edjwt::DEFAULT_MAX_TOKEN_LEN {
        // The size limit comes first, before any decoding (jsonwebtoken has none).
        assert_eq!(ours.err(), Some(edjwt::Error::TokenTooLarge));
        return;
    }
    if let Some(e) = w.first {
        // Duplicates, depth, member table: edjwt rejects, jsonwebtoken may not.
        assert_eq!(ours.err(), Some(e.error()));
        return;
    }
    if serde_json::from_str::<serde_json::Value>(&w.out).is_err() {
        // A number beyond f64's range: jsonwebtoken cannot read the claims at all.
        return;
    }
    let key = DecodingKey::from_ed_components(sign::X).unwrap();
    let theirs = jsonwebtoken::decode::<serde_json::Value>(&token, &key, &validation);
    assert_eq!(
        ours.is_ok(),
        theirs.is_ok(),
        "edjwt {:?} vs jsonwebtoken {:?}\nclaims: {}",
        ours.err(),
        theirs.err(),
        w.out
    );
});
