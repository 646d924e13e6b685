//! Key files rotated under a running server: rewritten in place while requests run (no
//! request that should pass fails, the new key is in use within the poll interval), and
//! a broken file keeps the last good keys. Keys from `openssl`, tokens from PyJWT.
//!
//! The PyJWT test is ignored unless run by `bash edjwt-tower/ci.sh`.

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use edjwt_tower::{FileSource, KeyStore};
use serde_json::json;
use support::{bearer, jwk, mint, now, Mint, Minter};

const POLL: Duration = Duration::from_millis(200);

fn jwks(keys: &[serde_json::Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// Polls `url` with `token` until it answers `status`; returns how long that took.
async fn until(client: &reqwest::Client, url: &str, token: &str, status: u16) -> Duration {
    let start = Instant::now();
    loop {
        if bearer(client, url, token).await.status == status {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "never answered {status}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PyJWT: bash edjwt-tower/ci.sh"]
async fn file_rewritten_while_requests_run() {
    let log = support::log_capture();
    let dir = support::temp_dir("rotation");
    let (key_a, public_a) = support::openssl_key(&dir, "a");
    let (key_b, public_b) = support::openssl_key(&dir, "b");
    let (jwk_a, jwk_b) = (jwk(&public_a, "a"), jwk(&public_b, "b"));
    let file = dir.join("jwks.json");
    std::fs::write(&file, jwks(std::slice::from_ref(&jwk_a))).unwrap();

    let store = KeyStore::new();
    let watcher = FileSource::new([&file])
        .poll_interval(POLL)
        .sighup(false)
        .start(&store)
        .unwrap();
    let (layer, url) = support::hello_app(Arc::clone(&store)).await;
    let client = reqwest::Client::new();
    let claims = json!({"aud": "api", "sub": "dave", "exp": now() + 600});
    let tokens = mint(
        Minter::PyJwt,
        &[
            Mint::new(&key_a, claims.clone()).kid("a"),
            Mint::new(&key_b, claims).kid("b"),
        ],
    );
    let (token_a, token_b) = (tokens[0].clone(), tokens[1].clone());
    assert_eq!(bearer(&client, &url, &token_a).await.status, 200);
    assert_eq!(bearer(&client, &url, &token_b).await.code(), "unknown-key");

    // Four clients send the old key's token without pause while the file is rewritten in
    // place (truncate, then write: a poll may read it half-written) to hold both keys.
    let stop = Arc::new(AtomicBool::new(false));
    let (sent, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (stop, sent, failed) = (Arc::clone(&stop), Arc::clone(&sent), Arc::clone(&failed));
        let (client, url, token) = (client.clone(), url.clone(), token_a.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if bearer(&client, &url, &token).await.status != 200 {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..20 {
        // Rewritten several times, so some polls are likely to land mid-write.
        std::fs::write(&file, jwks(&[jwk_a.clone(), jwk_b.clone()])).unwrap();
        tokio::time::sleep(Duration::from_millis(17)).await;
    }
    let took = until(&client, &url, &token_b, 200).await;
    assert!(took <= POLL * 5, "the new key took {took:?}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "a request that should pass failed"
    );
    assert!(
        sent.load(Ordering::Relaxed) > 50,
        "too few requests to mean anything"
    );

    // The old key retired: its tokens stop working within the interval, cache or not.
    std::fs::write(&file, jwks(std::slice::from_ref(&jwk_b))).unwrap();
    let took = until(&client, &url, &token_a, 401).await;
    assert!(took <= POLL * 5, "the old key stayed {took:?}");
    assert_eq!(bearer(&client, &url, &token_a).await.code(), "unknown-key");

    // A broken file (a private key by mistake, then garbage): the last good keys stay.
    let failures = store.counters().reload_failures;
    std::fs::copy(&key_a, &file).unwrap();
    tokio::time::sleep(POLL * 3).await;
    std::fs::write(&file, "not a key").unwrap();
    tokio::time::sleep(POLL * 3).await;
    assert_eq!(bearer(&client, &url, &token_b).await.status, 200);
    assert_eq!(store.counters().reload_failures, failures + 2);
    assert_eq!(store.len(), 1);
    let text = String::from_utf8(log.lock().unwrap().clone()).unwrap();
    assert!(text.contains("reason=\"private-key\""), "{text}");
    assert!(text.contains("reason=\"invalid-key\""), "{text}");
    assert!(text.contains("keeping the last good keys"));

    // An explicit reload reports the reason.
    let error = watcher.reload().unwrap_err();
    assert_eq!(error.code(), "invalid-key");
    assert_eq!(layer.stats().keys.reloads, store.counters().reloads);
    watcher.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_private_key_file_fails_at_start() {
    let dir = support::temp_dir("start");
    let (key, public) = support::openssl_key(&dir, "k");
    let store = KeyStore::new();
    let missing = FileSource::new([dir.join("absent.pem")])
        .start(&store)
        .unwrap_err();
    assert_eq!(missing.code(), "io");
    let private = FileSource::new([&key]).start(&store).unwrap_err();
    assert_eq!(private.code(), "private-key");
    assert!(private.to_string().contains("k.pem"));
    assert!(store.is_empty());
    FileSource::new([&public]).start(&store).unwrap();
    assert_eq!(store.len(), 1);
}
