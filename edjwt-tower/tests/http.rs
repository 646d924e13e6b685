//! The layer over real HTTP (axum on 127.0.0.1, reqwest): every rejection class with
//! tokens from PyJWT and node `jose` and keys from `openssl`, 401 vs 403, the extractors,
//! the cookie source, gRPC statuses, the counters, and no token in any response or log.
//!
//! Ignored unless run by `bash edjwt-tower/ci.sh` (which installs PyJWT and `jose`):
//! `cargo test -p edjwt-tower --all-features -- --include-ignored`.

mod support;

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use edjwt::{KeySet, Policy, VerifyingKey};
use edjwt_tower::{Claims, EdjwtLayer, KeyStore, TokenSource, VerifiedToken, INSUFFICIENT_SCOPE};
use serde::Deserialize;
use serde_json::{json, Value};
use support::{bearer, challenge_for, get as http_get, mint, now, Mint, Minter, Signer, MINTERS};

const ISSUER: &str = "https://issuer.example";

/// The route's claims: `sub` required, `scope` a space-separated list.
#[derive(Clone, Debug, Deserialize)]
struct Scoped {
    sub: String,
    #[serde(default)]
    scope: String,
}

async fn hello(Claims(claims): Claims<Scoped>, token: VerifiedToken) -> Json<Value> {
    Json(json!({
        "sub": claims.sub,
        "scope": claims.scope,
        "token_sub": token.subject(),
        "kid": token.kid(),
        "exp": token.expires_at(),
    }))
}

fn store_with(public_pem: &std::path::Path, kid: &str) -> Arc<KeyStore> {
    let pem = std::fs::read_to_string(public_pem).unwrap();
    let mut keys = KeySet::new();
    keys.push(VerifyingKey::from_pem(&pem).unwrap().with_kid(kid).unwrap())
        .unwrap();
    KeyStore::with_keys(keys)
}

fn layer(store: Arc<KeyStore>, cache: bool) -> EdjwtLayer<Scoped> {
    EdjwtLayer::builder(store)
        .policy(Policy::new().issuer(ISSUER).audience("api").max_age(3600))
        .cache(cache)
        .claims::<Scoped>()
        .check(|claims: &Scoped| claims.scope.split(' ').any(|s| s == "read"))
        .build()
}

fn claims() -> Value {
    let now = now();
    json!({"iss": ISSUER, "aud": "api", "sub": "alice", "iat": now, "exp": now + 600, "scope": "read write"})
}

fn with(changes: Value) -> Value {
    let mut claims = claims();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = value.clone();
        }
    }
    claims
}

/// Serves [`hello`] behind `layer`; the route's URL.
async fn serve_hello(layer: &EdjwtLayer<Scoped>) -> String {
    let router = Router::new()
        .route("/hello", get(hello))
        .layer(layer.clone());
    format!("{}/hello", support::serve(router).await)
}

/// (case, token to mint, expected status, expected reason code).
fn cases(
    key: &std::path::Path,
    other: &std::path::Path,
) -> Vec<(&'static str, Mint, u16, &'static str)> {
    let now = now();
    let ok = |c: Value| Mint::new(key, c).kid("k1");
    vec![
        ("valid", ok(claims()), 200, ""),
        (
            "expired",
            ok(with(json!({"iat": now - 1000, "exp": now - 900}))),
            401,
            "expired",
        ),
        (
            "nbf in the future",
            ok(with(json!({"nbf": now + 3600}))),
            401,
            "not-yet-valid",
        ),
        (
            "iat in the future",
            ok(with(json!({"iat": now + 3600, "exp": now + 7200}))),
            401,
            "issued-in-future",
        ),
        (
            "too old",
            ok(with(json!({"iat": now - 7200}))),
            401,
            "too-old",
        ),
        (
            "wrong issuer",
            ok(with(json!({"iss": "https://evil.example"}))),
            401,
            "wrong-issuer",
        ),
        (
            "wrong audience",
            ok(with(json!({"aud": "other"}))),
            401,
            "wrong-audience",
        ),
        (
            "audience array without ours",
            ok(with(json!({"aud": ["a", "b"]}))),
            401,
            "wrong-audience",
        ),
        (
            "no exp",
            ok(with(json!({"exp": null}))),
            401,
            "missing-claim",
        ),
        (
            "exp a string",
            ok(with(json!({"exp": "123"}))),
            401,
            "invalid-claim",
        ),
        (
            "scope not a string (claims type)",
            ok(with(json!({"scope": 5}))),
            401,
            "invalid-claim",
        ),
        (
            "unknown kid",
            Mint::new(key, claims()).kid("k2"),
            401,
            "unknown-key",
        ),
        (
            "signed by another key",
            Mint::new(other, claims()).kid("k1"),
            401,
            "bad-signature",
        ),
        (
            "no kid, another key",
            Mint::new(other, claims()),
            401,
            "bad-signature",
        ),
        (
            "HS256",
            Mint {
                claims: claims(),
                header: json!({"kid": "k1"}),
                key: Signer::Hs256("secret"),
            },
            401,
            "unsupported-algorithm",
        ),
        (
            "9 KiB token",
            ok(with(json!({"pad": "x".repeat(9 * 1024)}))),
            401,
            "token-too-large",
        ),
        (
            "scope without read",
            ok(with(json!({"scope": "write"}))),
            403,
            "insufficient-scope",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT and node jose: bash edjwt-tower/ci.sh"]
async fn every_rejection_class_with_pyjwt_and_jose_tokens() {
    let log = support::log_capture();
    let dir = support::temp_dir("classes");
    let (key, public) = support::openssl_key(&dir, "k1");
    let (other, _) = support::openssl_key(&dir, "other");
    let layer = layer(store_with(&public, "k1"), true);
    let url = serve_hello(&layer).await;
    let client = reqwest::Client::new();

    let mut tokens = Vec::new();
    for minter in MINTERS {
        let cases = cases(&key, &other);
        let minted = mint(
            minter,
            &cases.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
        );
        for ((case, _, status, code), token) in cases.into_iter().zip(minted) {
            let answer = bearer(&client, &url, &token).await;
            assert_eq!(answer.status, status, "{minter:?} {case}: {answer:?}");
            match status {
                200 => {
                    let body: Value = serde_json::from_str(&answer.body).unwrap();
                    assert_eq!(body["sub"], "alice");
                    assert_eq!(body["token_sub"], "alice");
                    assert_eq!(body["scope"], "read write");
                    assert_eq!(body["kid"], "k1");
                    assert!(body["exp"].as_i64().unwrap() > now());
                }
                401 => {
                    assert_eq!(answer.code(), code, "{minter:?} {case}");
                    assert_eq!(
                        answer.challenge.as_deref(),
                        Some(challenge_for(code).as_str())
                    );
                }
                _ => {
                    assert_eq!(answer.code(), code, "{minter:?} {case}");
                    assert_eq!(answer.challenge.as_deref(), Some(INSUFFICIENT_SCOPE));
                }
            }
            for segment in token.split('.') {
                assert!(
                    !answer.body.contains(segment)
                        && !answer.challenge.as_deref().unwrap_or("").contains(segment)
                );
            }
            tokens.push(token);
        }
    }

    // The same valid token again: served from the cache, same answer.
    let answer = bearer(&client, &url, &tokens[0]).await;
    assert_eq!(answer.status, 200);

    // No token, another scheme, not a JWT, two Authorization fields.
    let missing = http_get(&client, &url, &[]).await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (401, "missing-token")
    );
    assert_eq!(missing.challenge.as_deref(), Some("Bearer"));
    let basic = http_get(&client, &url, &[("authorization", "Basic dXNlcjpwYXNz")]).await;
    assert_eq!(
        (basic.status, basic.code().as_str()),
        (401, "missing-token")
    );
    let garbage = http_get(&client, &url, &[("authorization", "Bearer not-a-jwt")]).await;
    assert_eq!(
        (garbage.status, garbage.code().as_str()),
        (401, "malformed")
    );
    assert_eq!(
        garbage.challenge.as_deref(),
        Some(r#"Bearer error="invalid_token", error_description="malformed token""#)
    );
    let twice = client
        .get(&url)
        .header("authorization", format!("Bearer {}", tokens[0]))
        .header("authorization", format!("Bearer {}", tokens[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 401);

    let stats = layer.stats();
    assert_eq!(stats.accepted, 3);
    assert_eq!(stats.forbidden, 2);
    for code in [
        "expired",
        "not-yet-valid",
        "issued-in-future",
        "too-old",
        "wrong-issuer",
        "missing-claim",
        "unknown-key",
        "unsupported-algorithm",
        "token-too-large",
    ] {
        assert_eq!(stats.rejected_with(code), 2, "{code}");
    }
    assert_eq!(stats.rejected_with("wrong-audience"), 4);
    assert_eq!(stats.rejected_with("invalid-claim"), 4);
    assert_eq!(stats.rejected_with("bad-signature"), 4);
    assert_eq!(stats.rejected_with("missing-token"), 2);
    assert_eq!(stats.rejected_with("malformed"), 2);
    assert_eq!(stats.rejected_total(), 2 * 15 + 4);
    assert_eq!(stats.cache.hits, 1);

    // The log names reasons and configured kids, never a token.
    let log = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    for code in [
        "expired",
        "bad-signature",
        "unknown-key",
        "insufficient-scope",
        "token-too-large",
    ] {
        assert!(
            log.contains(&format!("reason=\"{code}\"")),
            "{code} not logged:\n{log}"
        );
    }
    assert!(log.contains("kid=\"k1\""), "{log}");
    assert!(
        !log.contains("k2"),
        "an unknown kid from a token was logged"
    );
    for token in &tokens {
        for segment in token.split('.') {
            assert!(!log.contains(segment), "token bytes in the log");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT and node jose: bash edjwt-tower/ci.sh"]
async fn cookie_source_and_no_cache() {
    let dir = support::temp_dir("cookie");
    let (key, public) = support::openssl_key(&dir, "k1");
    let layer = EdjwtLayer::builder(store_with(&public, "k1"))
        .policy(Policy::new().audience("api"))
        .source(TokenSource::Cookie("session".to_owned()))
        .cache(false)
        .claims::<Scoped>()
        .build();
    let url = serve_hello(&layer).await;
    let client = reqwest::Client::new();
    for minter in MINTERS {
        let now = now();
        let tokens = mint(
            minter,
            &[
                Mint::new(&key, json!({"aud": "api", "sub": "bob", "exp": now + 60})).kid("k1"),
                Mint::new(&key, json!({"aud": "api", "sub": "bob", "exp": now - 600})).kid("k1"),
            ],
        );
        let cookie = format!("theme=dark; session={}; lang=en", tokens[0]);
        let ok = http_get(&client, &url, &[("cookie", &cookie)]).await;
        assert_eq!(ok.status, 200, "{minter:?} {ok:?}");
        assert_eq!(
            serde_json::from_str::<Value>(&ok.body).unwrap()["sub"],
            "bob"
        );
        // The cookie source ignores Authorization.
        let header = bearer(&client, &url, &tokens[0]).await;
        assert_eq!(
            (header.status, header.code().as_str()),
            (401, "missing-token")
        );
        let expired = http_get(
            &client,
            &url,
            &[("cookie", &format!("session={}", tokens[1]))],
        )
        .await;
        assert_eq!((expired.status, expired.code().as_str()), (401, "expired"));
    }
    let stats = layer.stats();
    assert_eq!((stats.accepted, stats.rejected_total()), (2, 4));
    assert_eq!((stats.cache.hits, stats.cache.misses), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT and node jose: bash edjwt-tower/ci.sh"]
async fn a_token_with_aud_needs_a_configured_audience() {
    let dir = support::temp_dir("aud");
    let (key, public) = support::openssl_key(&dir, "k1");
    let client = reqwest::Client::new();
    let tokens = mint(
        Minter::PyJwt,
        &[
            Mint::new(
                &key,
                json!({"aud": "api", "sub": "carol", "exp": now() + 60}),
            ),
            Mint::new(&key, json!({"sub": "carol", "exp": now() + 60})),
        ],
    );
    let strict = EdjwtLayer::builder(store_with(&public, "k1"))
        .claims::<Scoped>()
        .build();
    let url = support::serve(Router::new().route("/hello", get(hello)).layer(strict)).await;
    let with_aud = bearer(&client, &format!("{url}/hello"), &tokens[0]).await;
    assert_eq!(
        (with_aud.status, with_aud.code().as_str()),
        (401, "wrong-audience")
    );
    let without = bearer(&client, &format!("{url}/hello"), &tokens[1]).await;
    assert_eq!(without.status, 200);
}
