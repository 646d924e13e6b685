//! Keys from a JWKS URL served by a test server (axum on 127.0.0.1) that rotates keys,
//! sends `Cache-Control`, then fails (500, too slow, oversized, invalid JSON): the layer
//! keeps the last good set; unknown-kid bursts cause at most one fetch per interval
//! (fetches counted by the server); OIDC discovery. Tokens from PyJWT, keys from `openssl`.
//!
//! Ignored unless run by `bash edjwt-tower/ci.sh`.
#![cfg(feature = "jwks-url")]

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use edjwt_tower::{JwksSource, KeyStore};
use serde_json::{json, Value};
use support::{bearer, jwk, mint, now, Mint, Minter};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Ok,
    Status500,
    Slow,
    Oversized,
    InvalidJson,
}

struct Jwks {
    mode: Mode,
    keys: Vec<Value>,
    cache_control: &'static str,
    issuer: String,
}

#[derive(Clone)]
struct Server {
    state: Arc<Mutex<Jwks>>,
    fetches: Arc<AtomicU64>,
}

impl Server {
    fn set(&self, change: impl FnOnce(&mut Jwks)) {
        change(&mut self.state.lock().unwrap());
    }

    fn fetches(&self) -> u64 {
        self.fetches.load(Ordering::SeqCst)
    }
}

async fn jwks(State(server): State<Server>) -> axum::response::Response {
    server.fetches.fetch_add(1, Ordering::SeqCst);
    let (mode, keys, cache_control) = {
        let state = server.state.lock().unwrap();
        (state.mode, state.keys.clone(), state.cache_control)
    };
    match mode {
        Mode::Ok => (
            [(CACHE_CONTROL, cache_control)],
            Json(json!({ "keys": keys })),
        )
            .into_response(),
        Mode::Status500 => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "oops").into_response(),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(2)).await;
            Json(json!({ "keys": keys })).into_response()
        }
        Mode::Oversized => {
            let padding = "x".repeat(64 * 1024);
            Json(json!({ "keys": keys, "padding": padding })).into_response()
        }
        Mode::InvalidJson => "{\"keys\": [".into_response(),
    }
}

async fn discovery(State(server): State<Server>) -> Json<Value> {
    let issuer = server.state.lock().unwrap().issuer.clone();
    Json(json!({ "issuer": issuer, "jwks_uri": format!("{issuer}/jwks.json") }))
}

async fn jwks_server(keys: Vec<Value>) -> (Server, String) {
    let server = Server {
        state: Arc::new(Mutex::new(Jwks {
            mode: Mode::Ok,
            keys,
            cache_control: "max-age=1",
            issuer: String::new(),
        })),
        fetches: Arc::new(AtomicU64::new(0)),
    };
    let router = Router::new()
        .route("/jwks.json", get(jwks))
        .route("/.well-known/openid-configuration", get(discovery))
        .with_state(server.clone());
    let base = support::serve(router).await;
    server.set(|s| s.issuer = base.clone());
    (server, base)
}

/// Waits until the JWKS server has answered `n` fetches, then lets the client finish.
async fn fetched(server: &Server, n: u64) {
    for _ in 0..400 {
        if server.fetches() >= n {
            tokio::time::sleep(Duration::from_millis(100)).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("fetch {n} never came ({} so far)", server.fetches());
}

struct Keys {
    public: Vec<Value>,
    tokens: Vec<String>,
}

/// Keys `a`, `b`, `c` from openssl; one PyJWT token per key, with that `kid`.
fn keys(name: &str) -> Keys {
    let dir = support::temp_dir(name);
    let mut public = Vec::new();
    let mut mints = Vec::new();
    for kid in ["a", "b", "c"] {
        let (private, public_pem) = support::openssl_key(&dir, kid);
        public.push(jwk(&public_pem, kid));
        mints.push(
            Mint::new(
                &private,
                json!({"aud": "api", "sub": kid, "exp": now() + 600}),
            )
            .kid(kid),
        );
    }
    Keys {
        public,
        tokens: mint(Minter::PyJwt, &mints),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT: bash edjwt-tower/ci.sh"]
async fn rotation_cache_control_and_every_failure_keeps_the_last_good_set() {
    let log = support::log_capture();
    let keys = keys("jwks-rotation");
    let (server, base) = jwks_server(vec![keys.public[0].clone()]).await;
    let store = KeyStore::new();
    let _watcher = JwksSource::new(format!("{base}/jwks.json"))
        .min_refresh(Duration::from_millis(300))
        .max_refresh(Duration::from_secs(1))
        .unknown_kid_interval(Duration::from_secs(3600))
        .timeout(Duration::from_millis(500))
        .max_body(16 * 1024)
        .start(&store)
        .await
        .unwrap();
    assert_eq!((server.fetches(), store.len()), (1, 1));
    let (layer, url) = support::hello_app(Arc::clone(&store)).await;
    let client = reqwest::Client::new();
    assert_eq!(bearer(&client, &url, &keys.tokens[0]).await.status, 200);

    // Rotation: `max-age=1` brings the new set within a second.
    server.set(|s| s.keys = keys.public[..2].to_vec());
    fetched(&server, 2).await;
    assert_eq!(store.len(), 2);
    assert_eq!(bearer(&client, &url, &keys.tokens[1]).await.status, 200);

    // Every failure keeps the two keys; each failed fetch is retried after min_refresh.
    let mut n = server.fetches();
    for (mode, reason) in [
        (Mode::Status500, "http-status"),
        (Mode::Slow, "timeout"),
        (Mode::Oversized, "too-large"),
        (Mode::InvalidJson, "invalid-key"),
    ] {
        let failures = store.counters().fetch_failures;
        server.set(|s| s.mode = mode);
        n += 1;
        fetched(&server, n).await;
        if mode == Mode::Slow {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        assert_eq!(
            store.counters().fetch_failures,
            failures + 1,
            "{mode:?} ({reason})"
        );
        assert_eq!(store.len(), 2, "{mode:?}");
        let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
        assert!(
            text.contains(&format!("reason=\"{reason}\"")),
            "{mode:?}: {text}"
        );
        assert_eq!(
            bearer(&client, &url, &keys.tokens[1]).await.status,
            200,
            "{mode:?}"
        );
        server.set(|s| s.mode = Mode::Ok);
        n = server.fetches() + 1;
        fetched(&server, n).await;
        n = server.fetches();
    }

    // max-age below the minimum is raised to it: at most one fetch per 300 ms.
    server.set(|s| s.cache_control = "max-age=0");
    let before = server.fetches();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let fetches = server.fetches() - before;
    assert!(
        (2..=6).contains(&fetches),
        "{fetches} fetches in 1.5 s with max-age=0"
    );
    // Above the maximum it is lowered to it: about one per second.
    server.set(|s| s.cache_control = "max-age=86400");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before = server.fetches();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let fetches = server.fetches() - before;
    assert!(
        (1..=3).contains(&fetches),
        "{fetches} fetches in 2.1 s with max-age=86400"
    );
    assert!(layer.stats().keys.fetches >= 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT: bash edjwt-tower/ci.sh"]
async fn unknown_kid_bursts_fetch_at_most_once_per_interval() {
    let keys = keys("jwks-burst");
    let (server, base) = jwks_server(vec![keys.public[0].clone()]).await;
    let store = KeyStore::new();
    let _watcher = JwksSource::new(format!("{base}/jwks.json"))
        .max_refresh(Duration::from_secs(3600))
        .min_refresh(Duration::from_secs(3600))
        .unknown_kid_interval(Duration::from_secs(1))
        .start(&store)
        .await
        .unwrap();
    let (_, url) = support::hello_app(Arc::clone(&store)).await;
    let client = reqwest::Client::new();
    server.set(|s| s.keys = keys.public[..2].to_vec());

    // 50 concurrent requests with the new key's kid: one fetch, and all of them pass
    // (they wait for that fetch, then verify with its keys).
    let burst = |token: String| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let requests = (0..50).map(|_| {
                let (client, url, token) = (client.clone(), url.clone(), token.clone());
                tokio::spawn(async move { bearer(&client, &url, &token).await.status })
            });
            let mut statuses = Vec::new();
            for request in requests.collect::<Vec<_>>() {
                statuses.push(request.await.unwrap());
            }
            statuses
        }
    };
    let statuses = burst(keys.tokens[1].clone()).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(server.fetches(), 2);

    // A kid that is nowhere: within the interval, no fetch at all.
    let statuses = burst(keys.tokens[2].clone()).await;
    assert!(statuses.iter().all(|s| *s == 401));
    assert_eq!(server.fetches(), 2);
    let answer = bearer(&client, &url, &keys.tokens[2]).await;
    assert_eq!(answer.code(), "unknown-key");

    // After the interval, one more burst: exactly one fetch.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let statuses = burst(keys.tokens[2].clone()).await;
    assert!(statuses.iter().all(|s| *s == 401));
    assert_eq!(server.fetches(), 3);
    assert_eq!(store.counters().fetches, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT: bash edjwt-tower/ci.sh"]
async fn oidc_discovery_and_start_failures() {
    let keys = keys("jwks-oidc");
    let (server, base) = jwks_server(vec![keys.public[2].clone()]).await;
    let store = KeyStore::new();
    let _watcher = JwksSource::discover(&base).start(&store).await.unwrap();
    let (_, url) = support::hello_app(Arc::clone(&store)).await;
    let client = reqwest::Client::new();
    assert_eq!(bearer(&client, &url, &keys.tokens[2]).await.status, 200);

    // OIDC Discovery §4.3: the document's issuer must be the one asked for.
    server.set(|s| s.issuer = "https://elsewhere.example".to_owned());
    let error = JwksSource::discover(&base)
        .start(&KeyStore::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "discovery");

    server.set(|s| s.mode = Mode::Status500);
    let error = JwksSource::new(format!("{base}/jwks.json"))
        .start(&KeyStore::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "http-status");
    let error = JwksSource::new("http://127.0.0.1:9/jwks.json")
        .start(&KeyStore::new())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "transport");
}
