//! Property tests: any claims set signed verifies with identical claims; any single-byte
//! change to a signed token is rejected; no input panics.

mod common;

use common::{rfc8037_key, sign_with, RFC8037_SEED};
use edjwt::{Error, Policy, UntrustedToken, Verifier};
use proptest::prelude::*;
use serde::Deserialize;

const NOW: u64 = 1_700_000_000;

/// JSON text of a string, optionally with every non-ASCII character (and `/`) escaped the
/// way PyJWT (`ensure_ascii`) and PHP (`\/`) write them.
fn json_string(s: &str, ascii_only: bool) -> String {
    let plain = serde_json::to_string(s).unwrap();
    if !ascii_only {
        return plain;
    }
    let mut out = String::new();
    for c in plain.chars() {
        if c == '/' {
            out.push_str("\\/");
        } else if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[derive(Deserialize)]
struct Custom {
    sub: heapless::String<512>,
    note: heapless::String<512>,
    n: i64,
}

fn verifier_keys() -> [edjwt::VerifyingKey; 1] {
    [rfc8037_key()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn signed_claims_round_trip(
        sub in "\\PC{0,40}",
        note in any::<String>().prop_filter("short", |s| s.len() <= 120),
        n in any::<i64>(),
        exp in (NOW + 1)..=9_223_372_036_854_775_807u64,
        ascii in any::<bool>(),
        frac in any::<bool>(),
    ) {
        let exp_text = if frac { format!("{exp}.5") } else { exp.to_string() };
        let claims = format!(
            r#"{{"sub":{},"note":{},"n":{n},"exp":{exp_text},"aud":["a",{}]}}"#,
            json_string(&sub, ascii), json_string(&note, ascii), json_string(&sub, !ascii)
        );
        let token = sign_with(RFC8037_SEED, r#"{"alg":"EdDSA"}"#, &claims);
        let keys = verifier_keys();
        let verifier = Verifier::new(&keys, Policy::new().audience("a"));
        let mut buf = vec![0u8; token.len()];
        let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
        prop_assert_eq!(verified.payload(), claims.as_str());
        prop_assert!(verified.claims().subject().unwrap() == sub.as_str());
        prop_assert_eq!(verified.claims().subject().unwrap().to_string(), sub.clone());
        prop_assert!(verified.claims().audience().unwrap().contains(&sub));
        prop_assert_eq!(verified.claims().expires_at().unwrap().seconds(), exp);
        prop_assert_eq!(verified.claims().expires_at().unwrap().has_fraction(), frac);
        let mut scratch = vec![0u8; token.len()];
        let custom: Custom = verified.deserialize_claims(&mut scratch).unwrap();
        prop_assert_eq!(custom.sub.as_str(), sub.as_str());
        prop_assert_eq!(custom.note.as_str(), note.as_str());
        prop_assert_eq!(custom.n, n);
    }

    #[test]
    fn any_single_byte_change_is_rejected(
        sub in "[a-z]{1,12}",
        index in any::<prop::sample::Index>(),
        replacement in prop::sample::select(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ~".to_vec()
        ),
    ) {
        let claims = format!(r#"{{"sub":"{sub}","exp":{}}}"#, NOW + 60);
        let token = sign_with(RFC8037_SEED, r#"{"alg":"EdDSA","typ":"JWT"}"#, &claims);
        let keys = verifier_keys();
        let verifier = Verifier::new(&keys, Policy::new());
        let mut buf = vec![0u8; token.len() + 8];
        prop_assert!(verifier.verify(&token, NOW, &mut buf).is_ok());
        let i = index.index(token.len());
        prop_assume!(token.as_bytes()[i] != replacement);
        let mut bytes = token.clone().into_bytes();
        bytes[i] = replacement;
        let mutated = String::from_utf8(bytes).unwrap();
        let result = verifier.verify(&mutated, NOW, &mut buf);
        prop_assert!(result.is_err(), "accepted {}", mutated);
        // Deleting or inserting a byte is rejected too.
        let mut shorter = token.clone();
        shorter.remove(i);
        prop_assert!(verifier.verify(&shorter, NOW, &mut buf).is_err());
        let mut longer = token.clone();
        longer.insert(i, replacement as char);
        prop_assert!(verifier.verify(&longer, NOW, &mut buf).is_err());
    }

    #[test]
    fn arbitrary_text_never_panics(token in any::<String>()) {
        let keys = verifier_keys();
        let verifier = Verifier::new(&keys, Policy::new());
        let mut buf = vec![0u8; token.len()];
        let _ = verifier.verify(&token, NOW, &mut buf);
        let _ = UntrustedToken::parse(&token, &mut buf);
        let _ = edjwt::bearer_token(Some(&token));
        let _ = edjwt::VerifyingKey::from_pem(&token);
        let _ = edjwt::VerifyingKey::from_jwk(&token);
        let _ = edjwt::KeySet::<2>::from_jwks(&token);
    }

    #[test]
    fn arbitrary_signed_payloads_never_panic(payload in prop::collection::vec(any::<u8>(), 0..300)) {
        // Signed, so the claims parser is reached with arbitrary bytes.
        let input = format!("eyJhbGciOiJFZERTQSJ9.{}", common::b64(&payload));
        let token = common::sign_input(RFC8037_SEED, &input);
        let keys = verifier_keys();
        let verifier = Verifier::new(&keys, Policy::new());
        let mut buf = vec![0u8; token.len()];
        match verifier.verify(&token, NOW, &mut buf) {
            Ok(_) | Err(Error::Malformed | Error::MissingClaim | Error::InvalidClaim
                | Error::Expired | Error::NotYetValid | Error::IssuedInFuture
                | Error::NestingTooDeep | Error::TooManyMembers) => {}
            Err(e) => prop_assert!(false, "unexpected {e:?}"),
        }
    }
}

/// RFC 6750 §2.1 read directly with `str` methods (`Bearer`, one space, one b64token): the
/// model `bearer_token` must match.
fn bearer_model(authorization: Option<&str>) -> Result<&str, Error> {
    let value = authorization.ok_or(Error::MissingToken)?;
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.is_empty() {
        return Err(Error::MissingToken);
    }
    // The scheme ends at the first space or tab; then exactly one space and a b64token.
    let (scheme, rest) = value
        .split_once([' ', '\t'])
        .map_or((value, None), |(scheme, _)| {
            (scheme, Some(&value[scheme.len()..]))
        });
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(Error::MissingToken);
    }
    let Some(token) = rest.and_then(|r| r.strip_prefix(' ')) else {
        return Err(Error::Malformed);
    };
    let body = token.trim_end_matches('=');
    let b64token = !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        });
    if b64token {
        Ok(token)
    } else {
        Err(Error::Malformed)
    }
}

proptest! {
    #[test]
    fn bearer_token_matches_the_rfc_6750_model(
        parts in prop::collection::vec(prop_oneof![
            Just("Bearer"), Just("bEaReR"), Just("Basic"), Just(" "), Just("  "), Just("\t"),
            Just("="), Just("=="), Just("a.b.c"), Just("x"), Just("~+/"), Just("é"), Just(","),
            Just("Bearer "),
        ], 0..8)
    ) {
        let header: String = parts.concat();
        prop_assert_eq!(edjwt::bearer_token(Some(&header)), bearer_model(Some(&header)), "{:?}", header);
    }
}
