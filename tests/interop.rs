//! Tokens minted by independent implementations (PyJWT, node `jose`, Python `cryptography`
//! over hand-built JSON) with keys made by the real `openssl genpkey -algorithm Ed25519`.
//! Generated once by `tests/fixtures/interop/generate.sh`; see its README.

use edjwt::{Error, KeySet, Policy, Verifier, VerifyingKey};
use serde::Deserialize;

const JWKS: &str = include_str!("fixtures/interop/jwks.json");
const KEY1_PEM: &str = include_str!("fixtures/interop/key1.public.pem");
const KEY2_PEM: &str = include_str!("fixtures/interop/key2.public.pem");

fn cases() -> (u64, Vec<serde_json::Value>) {
    let v: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/interop/tokens.json")).unwrap();
    (
        v["now"].as_u64().unwrap(),
        v["cases"].as_array().unwrap().clone(),
    )
}

fn policy() -> Policy<'static> {
    Policy::new()
        .issuer("https://issuer.example")
        .audience("api")
        .leeway(60)
}

fn code(result: Result<(), Error>) -> &'static str {
    match result {
        Ok(()) => "ok",
        Err(e) => e.code(),
    }
}

fn check_all(keys: &[VerifyingKey]) -> usize {
    let (now, cases) = cases();
    let verifier = Verifier::new(keys, policy());
    let mut n = 0;
    for case in &cases {
        let token = case["token"].as_str().unwrap();
        let mut buf = vec![0u8; token.len()];
        let got = verifier.verify(token, now, &mut buf).map(|_| ());
        assert_eq!(
            code(got),
            case["expect"].as_str().unwrap(),
            "{}",
            case["id"]
        );
        n += 1;
    }
    n
}

#[test]
fn every_interop_token_gets_its_expected_outcome_with_the_jwks() {
    let keys = KeySet::<4>::from_jwks(JWKS).unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].kid(), Some("key-1"));
    assert_eq!(check_all(&keys), 32);
}

#[test]
fn the_same_with_openssl_pem_keys_and_kids() {
    let keys = [
        VerifyingKey::from_pem(KEY1_PEM)
            .unwrap()
            .with_kid("key-1")
            .unwrap(),
        VerifyingKey::from_pem(KEY2_PEM)
            .unwrap()
            .with_kid("key-2")
            .unwrap(),
    ];
    assert_eq!(check_all(&keys), 32);
    let jwks = KeySet::<4>::from_jwks(JWKS).unwrap();
    assert_eq!(&keys[..], &jwks[..]);
    let der = include_bytes!("fixtures/interop/key1.public.der");
    assert_eq!(
        VerifyingKey::from_spki_der(der).unwrap(),
        VerifyingKey::from_pem(KEY1_PEM).unwrap()
    );
}

#[test]
fn kid_less_keys_are_candidates_for_every_token() {
    // Keys without kid: a token with kid key-9 is no longer unknown-key but is tried
    // against both keys (and verifies: it was signed by key1).
    let keys = [
        VerifyingKey::from_pem(KEY1_PEM).unwrap(),
        VerifyingKey::from_pem(KEY2_PEM).unwrap(),
    ];
    let (now, cases) = cases();
    let verifier = Verifier::new(&keys, policy());
    let token = cases
        .iter()
        .find(|c| c["id"] == "pyjwt_unknown_kid")
        .unwrap()["token"]
        .as_str()
        .unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(
        verifier.verify(token, now, &mut buf).unwrap().key_index(),
        0
    );
}

#[derive(Deserialize)]
struct Custom<'a> {
    sub: &'a str,
    prefix: Option<&'a str>,
    name: Option<heapless::String<64>>,
}

#[test]
fn escapes_from_real_signers_decode_to_the_same_claims() {
    let keys = KeySet::<4>::from_jwks(JWKS).unwrap();
    let (now, cases) = cases();
    let verifier = Verifier::new(&keys, policy());
    for id in ["pyjwt_unicode", "jose_unicode"] {
        let token = cases.iter().find(|c| c["id"] == id).unwrap()["token"]
            .as_str()
            .unwrap();
        let mut buf = vec![0u8; token.len()];
        let verified = verifier.verify(token, now, &mut buf).unwrap();
        // Registered claims compare and print unescaped, surrogate pairs included.
        let sub = verified.claims().subject().unwrap();
        assert!(sub == "zoë 😀", "{id}: {sub}");
        assert_eq!(sub.to_string(), "zoë 😀");
        // Custom claims through serde-json-core see the same text.
        let mut scratch = vec![0u8; token.len()];
        let custom: Custom<'_> = verified.deserialize_claims(&mut scratch).unwrap();
        assert_eq!(custom.sub, "zoë 😀", "{id}");
        assert_eq!(
            custom.name.as_deref(),
            Some("Ünïcödé \"quoted\" / slash"),
            "{id}"
        );
        assert_eq!(custom.prefix, None, "{id}");
    }
    // PyJWT escapes non-ASCII (json.dumps ensure_ascii), jose writes raw UTF-8.
    let py = cases.iter().find(|c| c["id"] == "pyjwt_unicode").unwrap()["token"]
        .as_str()
        .unwrap();
    let mut buf = vec![0u8; py.len()];
    let payload = Verifier::new(&keys, policy())
        .verify(py, now, &mut buf)
        .unwrap()
        .payload();
    assert!(payload.contains("\\ud83d\\ude00"), "{payload}");
}

#[test]
fn php_style_escaped_slashes_match_the_expected_issuer() {
    let keys = KeySet::<4>::from_jwks(JWKS).unwrap();
    let (now, cases) = cases();
    let token = cases.iter().find(|c| c["id"] == "php_style_slash").unwrap()["token"]
        .as_str()
        .unwrap();
    let mut buf = vec![0u8; token.len()];
    let verified = Verifier::new(&keys, policy())
        .verify(token, now, &mut buf)
        .unwrap();
    let iss = verified.claims().issuer().unwrap();
    assert!(iss.raw().contains("\\/"));
    assert!(iss == "https://issuer.example");
    assert_eq!(iss.as_str(), None);
    let mut out = [0u8; 64];
    assert_eq!(
        iss.unescape_into(&mut out).unwrap(),
        "https://issuer.example"
    );
}

#[test]
fn the_4_kib_token_needs_a_buffer_no_longer_than_itself() {
    let keys = KeySet::<4>::from_jwks(JWKS).unwrap();
    let (now, cases) = cases();
    let token = cases
        .iter()
        .find(|c| c["id"] == "jose_many_claims")
        .unwrap()["token"]
        .as_str()
        .unwrap();
    assert!(token.len() > 4096);
    let verifier = Verifier::new(&keys, policy());
    let mut exact = vec![0u8; token.len()];
    let verified = verifier.verify(token, now, &mut exact).unwrap();
    assert!(verified.claims().contains("groups"));
    let mut small = vec![0u8; 1024];
    assert_eq!(
        verifier.verify(token, now, &mut small).err(),
        Some(Error::BufferTooSmall)
    );
}
