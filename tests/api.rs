//! The public surface: bearer extraction, error codes and RFC 6750 responses, kid routing
//! before verification, custom claims, caller buffers.

mod common;

use std::collections::HashSet;

use common::{policy, rfc8037_key, sign, CLAIMS, HEADER, NOW};
use edjwt::{bearer_token, Error, KeySet, Limits, UntrustedToken, Verifier};
use serde::Deserialize;

#[test]
fn bearer_extraction() {
    let ok = |v: &str, t: &str| assert_eq!(bearer_token(Some(v)), Ok(t), "{v:?}");
    ok("Bearer abc.def.ghi", "abc.def.ghi");
    ok("bearer abc", "abc");
    ok("BEARER abc", "abc");
    ok("  Bearer abc\t", "abc");
    ok("Bearer abc==", "abc==");
    ok("Bearer a-b_c.d~e+f/g", "a-b_c.d~e+f/g");
    let err = |v: Option<&str>, e: Error| assert_eq!(bearer_token(v), Err(e), "{v:?}");
    err(None, Error::MissingToken);
    err(Some(""), Error::MissingToken);
    err(Some("   "), Error::MissingToken);
    err(Some("Basic dXNlcjpwYXNz"), Error::MissingToken);
    err(Some("Bearerabc"), Error::MissingToken);
    err(Some("eyJhbGciOiJFZERTQSJ9.e30.sig"), Error::MissingToken);
    err(Some("Bearer"), Error::Malformed);
    err(Some("Bearer "), Error::Malformed);
    err(Some("Bearer a b"), Error::Malformed);
    err(Some("Bearer a,b"), Error::Malformed);
    err(Some("Bearer =abc"), Error::Malformed);
    err(Some("Bearer ab=c"), Error::Malformed);
    // RFC 6750 §2.1 / RFC 9110 §11.4: the scheme, then one space and one b64token.
    err(Some("Bearer\tabc"), Error::Malformed);
    err(Some("bearer\tabc"), Error::Malformed);
    err(Some("Bearer   abc"), Error::Malformed);
    err(Some("Bearer  abc"), Error::Malformed);
    err(Some("Bearer \tabc"), Error::Malformed);
    err(Some("Bearer\t abc"), Error::Malformed);
    err(Some("Basic\tdXNlcjpwYXNz"), Error::MissingToken);
    err(Some("Bearer abc\u{e9}"), Error::Malformed);
}

#[test]
fn verify_authorization_end_to_end() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let token = sign(HEADER, CLAIMS);
    let mut buf = [0u8; 1024];
    let header = format!("Bearer {token}");
    let verified = verifier
        .verify_authorization(Some(&header), NOW, &mut buf)
        .unwrap();
    assert!(verified.claims().subject().unwrap() == "alice");
    assert_eq!(
        verifier.verify_authorization(None, NOW, &mut buf).err(),
        Some(Error::MissingToken)
    );
    let bad = format!("Bearer {}", &token[..token.len() - 1]);
    assert_eq!(
        verifier
            .verify_authorization(Some(&bad), NOW, &mut buf)
            .err(),
        Some(Error::Malformed)
    );
}

#[test]
fn codes_are_unique_kebab_case_and_cover_the_design() {
    let codes: Vec<&str> = Error::ALL.iter().map(|e| e.code()).collect();
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
    for code in &codes {
        assert!(
            code.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{code}"
        );
    }
    for required in [
        "missing-token",
        "malformed",
        "token-too-large",
        "unsupported-algorithm",
        "unsupported-header",
        "unknown-key",
        "bad-signature",
        "expired",
        "not-yet-valid",
        "issued-in-future",
        "too-old",
        "wrong-issuer",
        "wrong-audience",
        "wrong-subject",
        "wrong-type",
        "missing-claim",
        "invalid-claim",
        "buffer-too-small",
    ] {
        assert!(codes.contains(&required), "{required}");
    }
    for e in Error::ALL {
        assert_eq!(e.to_string(), e.message());
        assert_eq!(e.message(), e.message().to_lowercase());
        assert!(!e.message().contains('"'));
        assert!(!e.message().is_empty());
        // The challenge is the message itself (401 only), and the code is the variant's
        // name in kebab case: all three agree.
        if *e != Error::MissingToken && e.http_status() == 401 {
            let challenge = format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\"",
                e.message()
            );
            assert_eq!(e.www_authenticate(), Some(challenge.as_str()));
        }
        // One number per reason, and the class in the number: 1-99 a token (401),
        // 100 and up the server's own (500).
        assert_eq!(Error::from_number(e.number()), Some(*e));
        assert_eq!(e.http_status(), if e.number() < 100 { 401 } else { 500 });
        assert_eq!(e.www_authenticate().is_some(), e.http_status() == 401);
        let kebab: String = format!("{e:?}")
            .chars()
            .enumerate()
            .flat_map(|(i, c)| {
                let dash = (i > 0 && c.is_ascii_uppercase()).then_some('-');
                dash.into_iter().chain([c.to_ascii_lowercase()])
            })
            .collect();
        assert_eq!(e.code(), kebab);
    }
}

#[test]
fn rfc6750_responses() {
    assert_eq!(Error::MissingToken.http_status(), 401);
    assert_eq!(Error::MissingToken.www_authenticate(), Some("Bearer"));
    assert_eq!(Error::Expired.http_status(), 401);
    assert_eq!(
        Error::Expired.www_authenticate(),
        Some(r#"Bearer error="invalid_token", error_description="token expired""#)
    );
    assert_eq!(
        Error::BadSignature.www_authenticate(),
        Some(r#"Bearer error="invalid_token", error_description="signature does not match""#)
    );
    assert_eq!(Error::BufferTooSmall.http_status(), 500);
    assert_eq!(Error::WeakKey.http_status(), 500);
    assert_eq!(Error::BufferTooSmall.www_authenticate(), None);
    for e in Error::ALL {
        let Some(value) = e.www_authenticate() else {
            continue;
        };
        assert!(value.starts_with("Bearer"));
        // RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E.
        assert!(value.bytes().all(|b| (0x20..=0x7e).contains(&b)), "{value}");
    }
}

#[test]
fn kid_is_readable_before_verification_for_routing() {
    let token = sign(r#"{"alg":"EdDSA","kid":"tenant-\u0061/key-2"}"#, CLAIMS);
    let mut buf = [0u8; 512];
    let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
    let kid = untrusted.kid().unwrap();
    assert!(kid == "tenant-a/key-2");
    let mut out = [0u8; 32];
    assert_eq!(kid.unescape_into(&mut out).unwrap(), "tenant-a/key-2");
    // Route by kid, then finish verification with the chosen keys.
    let keys = [rfc8037_key().with_kid("tenant-a/key-2").unwrap()];
    let verified = Verifier::new(&keys, policy())
        .verify_untrusted(untrusted, NOW)
        .unwrap();
    assert_eq!(verified.key_index(), 0);
    assert!(verified.header().kid().unwrap() == "tenant-a/key-2");
}

/// The two-step path (parse, read `kid`, route, verify) enforces the chosen verifier's
/// limits, and an oversize token is `token-too-large` (401), never `buffer-too-small` (500).
#[test]
fn the_two_step_path_enforces_the_verifiers_limits() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let token = sign(HEADER, CLAIMS);
    let small = Limits::DEFAULT.max_token_len(token.len() - 1);
    let verifier = Verifier::new(&keys, policy().limits(small));
    let mut direct = vec![0u8; token.len()];
    assert_eq!(
        verifier.verify(&token, NOW, &mut direct).err(),
        Some(Error::TokenTooLarge)
    );
    // Parsed under the default limits into a buffer as long as the token: accepted before.
    let mut buf = vec![0u8; token.len()];
    let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
    assert_eq!(
        verifier.verify_untrusted(untrusted, NOW).err(),
        Some(Error::TokenTooLarge)
    );
    // Into a buffer sized for the verifier's limit: the header fits, the payload does not.
    let mut buf = vec![0u8; 120];
    let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
    assert_eq!(
        verifier.verify_untrusted(untrusted, NOW).err(),
        Some(Error::TokenTooLarge)
    );
    let header_len = token.split('.').next().unwrap().len();
    let narrow = Verifier::new(
        &keys,
        policy().limits(Limits::DEFAULT.max_header_len(header_len - 1)),
    );
    let mut buf = vec![0u8; token.len()];
    let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
    assert_eq!(
        narrow.verify_untrusted(untrusted, NOW).err(),
        Some(Error::HeaderTooLarge)
    );
    // At the limits exactly it verifies.
    let exact = Limits::DEFAULT
        .max_token_len(token.len())
        .max_header_len(header_len);
    let verifier = Verifier::new(&keys, policy().limits(exact));
    let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
    assert!(verifier.verify_untrusted(untrusted, NOW).is_ok());
}

#[test]
fn buffers_are_the_callers() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let token = sign(HEADER, CLAIMS);
    let mut exact = vec![0u8; token.len()];
    assert!(verifier.verify(&token, NOW, &mut exact).is_ok());
    let needed = (token.split('.').next().unwrap().len() * 3 / 4)
        + (token.split('.').nth(1).unwrap().len() * 3 / 4);
    let mut tight = vec![0u8; needed];
    assert!(verifier.verify(&token, NOW, &mut tight).is_ok());
    let mut short = vec![0u8; needed - 1];
    assert_eq!(
        verifier.verify(&token, NOW, &mut short).err(),
        Some(Error::BufferTooSmall)
    );
    assert_eq!(
        verifier.verify(&token, NOW, &mut []).err(),
        Some(Error::BufferTooSmall)
    );
}

#[derive(Debug, Deserialize, PartialEq)]
struct Scope<'a> {
    prefix: &'a str,
    #[serde(default)]
    admin: bool,
    exp: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Owned {
    prefix: heapless::String<32>,
}

#[test]
fn custom_claims_are_zero_copy() {
    let keys = KeySet::<1>::from_jwks(&format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{}"}}]}}"#,
        common::RFC8037_X
    ))
    .unwrap();
    let verifier = Verifier::new(&keys, policy().require_claims(&["prefix"]));
    let token = sign(
        HEADER,
        &format!(r#"{{"prefix":"projects/alpha/",{}"#, &CLAIMS[1..]),
    );
    let mut buf = [0u8; 1024];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let scope: Scope<'_> = verified.deserialize_claims(&mut []).unwrap();
    assert_eq!(
        scope,
        Scope {
            prefix: "projects/alpha/",
            admin: false,
            exp: 1_700_003_600
        }
    );
    // Borrowed from the verified payload inside `buf`, not copied.
    let payload = verified.payload().as_bytes().as_ptr_range();
    assert!(payload.contains(&scope.prefix.as_ptr()));
    // Registered claims come without a second parse of the caller's own.
    assert_eq!(
        verified.claims().expires_at().unwrap().seconds(),
        1_700_003_600
    );
    assert_eq!(verified.claims().audience().unwrap().iter().count(), 1);
    // The wrong shape is invalid-claim.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Wrong {
        prefix: u32,
    }
    assert_eq!(
        verified.deserialize_claims::<Wrong>(&mut []).err(),
        Some(Error::InvalidClaim)
    );
}

#[test]
fn custom_claims_with_escapes() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let token = sign(
        HEADER,
        &format!(
            r#"{{"prefix":"projects\/\u00e9t\u00e9 \ud83d\ude00/",{}"#,
            &CLAIMS[1..]
        ),
    );
    let mut buf = [0u8; 1024];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    // Escapes that need not stay escapes are decoded into the scratch, so &str still works.
    assert_eq!(
        verified.deserialize_claims::<Scope<'_>>(&mut []).err(),
        Some(Error::BufferTooSmall)
    );
    let mut scratch = [0u8; 512];
    let scope: Scope<'_> = verified.deserialize_claims(&mut scratch).unwrap();
    assert_eq!(scope.prefix, "projects/été 😀/");
    // A string that keeps an escape (\") needs an owned field.
    let token = sign(
        HEADER,
        &format!(r#"{{"prefix":"say \"hi\"\n",{}"#, &CLAIMS[1..]),
    );
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let mut scratch = [0u8; 512];
    assert_eq!(
        verified.deserialize_claims::<Scope<'_>>(&mut scratch).err(),
        Some(Error::InvalidClaim)
    );
    let mut scratch = [0u8; 512];
    let owned: Owned = verified.deserialize_claims(&mut scratch).unwrap();
    assert_eq!(owned.prefix.as_str(), "say \"hi\"\n");
}

#[test]
fn verifier_and_policy_are_const() {
    const POLICY: edjwt::Policy<'static> = edjwt::Policy::new()
        .issuer("i")
        .audiences(&["a", "b"])
        .leeway(5);
    static KEYS: KeySet<4> = KeySet::new();
    const VERIFIER: Verifier<'static, 'static> = Verifier::new(&[], POLICY);
    let mut buf = [0u8; 512];
    assert_eq!(
        VERIFIER.verify(&sign(HEADER, CLAIMS), NOW, &mut buf).err(),
        Some(Error::UnknownKey)
    );
    assert!(KEYS.is_empty());
}

#[test]
fn jws_claims_and_kid_matching_for_tools() {
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let expired = sign(HEADER, r#"{"iss":"x","exp":1}"#);
    let mut buf = [0u8; 512];
    let jws = verifier.verify_jws(&expired, &mut buf).unwrap();
    let claims = jws.claims().unwrap();
    assert_eq!(claims.expires_at().unwrap().seconds(), 1);
    assert!(claims.issuer().unwrap() == "x");
    let not_json = sign(HEADER, "plain text");
    assert_eq!(
        verifier
            .verify_jws(&not_json, &mut buf)
            .unwrap()
            .claims()
            .err(),
        Some(Error::Malformed)
    );
    assert!(keys[0].matches_kid(Some("rfc8037")));
    assert!(!keys[0].matches_kid(Some("other")));
    assert!(keys[0].matches_kid(None));
    assert!(rfc8037_key().matches_kid(Some("anything")));
}
