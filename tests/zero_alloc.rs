//! Zero heap allocations: a counting global allocator around key loading, a full verify
//! with registered and custom claims, and every rejection path of the attack corpus.

mod common;

use common::counting::{allocations, Counting};

use common::{policy, sign, CLAIMS, HEADER, NOW};
use edjwt::{bearer_token, KeySet, Policy, UntrustedToken, Verifier, VerifyingKey};
use serde::Deserialize;

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Deserialize)]
struct Scope<'a> {
    prefix: &'a str,
}

const PEM: &str = include_str!("fixtures/interop/key1.public.pem");
const JWKS: &str = include_str!("fixtures/interop/jwks.json");

#[test]
fn no_path_allocates() {
    // Everything that allocates in the test itself happens before measuring.
    let token = sign(
        HEADER,
        &format!(r#"{{"prefix":"projects\/a/",{}"#, &CLAIMS[1..]),
    );
    let authorization = format!("Bearer {token}");
    let corpus: serde_json::Value =
        serde_json::from_str(include_str!("vectors/jwt_attacks.json")).unwrap();
    let attack_tokens: Vec<String> = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["token"].as_str().map(str::to_string))
        .collect();
    assert_eq!(attack_tokens.len(), 176);
    let x = common::RFC8037_X;
    let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","kid":"rfc8037"}}"#);

    let ((), n) = allocations(|| {
        // Keys from every text form.
        let mut keys = KeySet::<8>::new();
        keys.push(VerifyingKey::from_jwk(&jwk).unwrap()).unwrap();
        keys.add_text(PEM).unwrap();
        keys.add_jwks(JWKS).unwrap();
        assert_eq!(keys.len(), 4);
        let policy: Policy<'_> = policy().require_claims(&["prefix"]);
        let verifier = Verifier::new(&keys, policy);

        // Full verify, registered and custom claims.
        let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
        let verified = verifier
            .verify_authorization(Some(&authorization), NOW, &mut buf)
            .unwrap();
        assert!(verified.claims().subject().unwrap() == "alice");
        assert!(verified.claims().audience().unwrap().contains("api"));
        assert_eq!(
            verified.claims().expires_at().unwrap().seconds(),
            1_700_003_600
        );
        let mut scratch = [0u8; 1024];
        let scope: Scope<'_> = verified.deserialize_claims(&mut scratch).unwrap();
        assert_eq!(scope.prefix, "projects/a/");
        let mut unescaped = [0u8; 64];
        assert_eq!(
            verified
                .claims()
                .issuer()
                .unwrap()
                .unescape_into(&mut unescaped)
                .unwrap(),
            "https://issuer.example"
        );

        // kid routing before verification.
        let mut buf2 = [0u8; 2048];
        let untrusted = UntrustedToken::parse(&token, &mut buf2).unwrap();
        assert!(untrusted.kid().unwrap() == "rfc8037");

        // Every rejection path in the corpus, and the request-level ones.
        let mut rejected = 0;
        for t in &attack_tokens {
            let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
            if let Err(e) = verifier.verify(t, NOW, &mut buf) {
                let _ = (e.code(), e.message(), e.www_authenticate(), e.http_status());
                rejected += 1;
            }
        }
        assert!(rejected >= 150, "{rejected}");
        assert!(bearer_token(None).is_err());
        assert!(verifier
            .verify_authorization(Some("Basic x"), NOW, &mut buf)
            .is_err());
        assert!(verifier.verify(&token, NOW, &mut [0u8; 16]).is_err());
    });
    assert_eq!(n, 0, "allocations on the verification paths");
}

#[test]
fn the_counter_counts() {
    let (v, n) = allocations(|| vec![1u8, 2, 3]);
    assert_eq!(v.len(), 3);
    assert_eq!(n, 1);
}
