//! SIGHUP reloads key files (unix). Its own test binary: the signal goes to the whole
//! process, and the handler must be installed before it is sent.
#![cfg(unix)]

mod support;

use std::time::Duration;

use edjwt_tower::{FileSource, KeyStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_key_files() {
    let dir = support::temp_dir("sighup");
    let (_, public_a) = support::openssl_key(&dir, "a");
    let (_, public_b) = support::openssl_key(&dir, "b");
    let file = dir.join("key.pem");
    std::fs::copy(&public_a, &file).unwrap();
    let store = KeyStore::new();
    // Polling an hour apart: only the signal can reload within this test.
    let _watcher = FileSource::new([&file])
        .poll_interval(Duration::from_secs(3600))
        .start(&store)
        .unwrap();
    let key_a = store.keys()[0].to_bytes();
    std::fs::copy(&public_b, &file).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        store.keys()[0].to_bytes(),
        key_a,
        "reloaded without a signal"
    );
    let reloads = store.counters().reloads;

    let status = std::process::Command::new("kill")
        .args(["-HUP", &std::process::id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    for _ in 0..100 {
        if store.counters().reloads > reloads {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(store.counters().reloads, reloads + 1);
    assert_ne!(store.keys()[0].to_bytes(), key_a);
    assert_eq!(store.len(), 1);
}
