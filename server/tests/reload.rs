//! Key rotation on a running server: `--auth-publickey` files reloaded on SIGHUP and when
//! they change (a broken file keeps the last good keys), keys from `--auth-jwks-url` and
//! `[auth] jwks_url`, and the counters at `GET /metrics`. Keys and signatures from the
//! real `openssl` command; the JWKS is served by a small HTTP/1.1 server on 127.0.0.1.

mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

use support::{now, KeyPair, Server, TempDir, AUD};

fn header(kid: Option<&str>) -> String {
    match kid {
        Some(kid) => format!(r#"{{"alg":"EdDSA","typ":"JWT","kid":"{kid}"}}"#),
        None => r#"{"alg":"EdDSA","typ":"JWT"}"#.to_owned(),
    }
}

fn token(key: &KeyPair, kid: Option<&str>) -> String {
    let claims = format!(r#"{{"sub":"erin","aud":"{AUD}","exp":{}}}"#, now() + 600);
    format!("Bearer {}", key.sign(&header(kid), &claims))
}

/// Polls `/api/whoami` until `token` gets `status`; the time that took and how many
/// answers were something else.
fn until(server: &Server, token: &str, status: u16, limit: Duration) -> (Duration, u64) {
    let start = Instant::now();
    let mut misses = 0;
    while server.get("/api/whoami", Some(token)).status != status {
        assert!(start.elapsed() < limit, "no {status} within {limit:?}");
        misses += 1;
        std::thread::sleep(Duration::from_millis(50));
    }
    (start.elapsed(), misses)
}

/// The value of one sample line of the Prometheus text.
fn sample(metrics: &str, series: &str) -> u64 {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in\n{metrics}"))
        .parse()
        .unwrap()
}

#[test]
fn key_files_reload_on_sighup_and_on_change_with_metrics() {
    let dir = TempDir::new();
    let (old, new) = (
        KeyPair::generate(&dir, "old"),
        KeyPair::generate(&dir, "new"),
    );
    let file = dir.join("public.pem");
    std::fs::copy(&old.public, &file).unwrap();
    let server = Server::start(&["--auth-publickey", file.to_str().unwrap(), "--aud", AUD]);
    let (old_token, new_token) = (token(&old, None), token(&new, None));
    assert_eq!(server.get("/api/whoami", Some(&old_token)).status, 200);
    assert_eq!(server.get("/api/whoami", Some(&new_token)).status, 401);

    // SIGHUP: the new file is read at once (the change poll is 5 s apart).
    std::fs::copy(&new.public, &file).unwrap();
    let status = Command::new("kill")
        .args(["-HUP", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let (took, misses_after_signal) = until(&server, &new_token, 200, Duration::from_secs(2));
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert_eq!(server.get("/api/whoami", Some(&old_token)).status, 401);

    // A change without a signal: picked up by the next poll.
    std::fs::copy(&old.public, &file).unwrap();
    let (_, misses_after_change) = until(&server, &old_token, 200, Duration::from_secs(8));
    assert_eq!(server.get("/api/whoami", Some(&new_token)).status, 401);

    // A broken file: logged with its reason, the last good key stays.
    std::fs::copy(&old.private, &file).unwrap();
    let logs = server.wait_for_log("keeping the last good keys");
    assert!(logs.contains(r#"reason="private-key""#), "{logs}");
    assert_eq!(server.get("/api/whoami", Some(&old_token)).status, 200);

    let metrics = server.get("/metrics", None);
    assert_eq!(metrics.status, 200);
    assert_eq!(
        metrics.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    let text = &metrics.body;
    assert!(text.contains("# TYPE edjwt_requests_rejected_total counter"));
    assert_eq!(sample(text, "edjwt_key_reloads_total"), 3);
    assert_eq!(sample(text, "edjwt_key_reload_failures_total"), 1);
    // Every 401 this test saw: three asserted, the rest while polling for a reload.
    assert_eq!(
        sample(
            text,
            r#"edjwt_requests_rejected_total{reason="bad-signature"}"#
        ),
        3 + misses_after_signal + misses_after_change
    );
    assert_eq!(
        sample(text, r#"edjwt_requests_rejected_total{reason="expired"}"#),
        0
    );
    assert!(sample(text, "edjwt_requests_accepted_total") >= 4);
    assert!(sample(text, "edjwt_cache_hits_total") >= 1);
    assert_eq!(sample(text, "edjwt_jwks_fetch_failures_total"), 0);
    for token in [&old_token, &new_token] {
        assert!(!text.contains(token.rsplit('.').next().unwrap()));
    }
}

/// Serves `body` as `application/json` to every request, on a free port of 127.0.0.1;
/// counts the requests. Lives as long as the test process.
fn jwks_server(body: String) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&count);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                request.push(byte[0]);
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: max-age=300\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, count)
}

/// The public key as a JWK (the raw 32 bytes end the SPKI DER `openssl` writes).
fn jwk(key: &KeyPair, kid: &str) -> String {
    let out = Command::new("openssl")
        .args(["pkey", "-pubin", "-outform", "DER", "-in"])
        .arg(&key.public)
        .output()
        .unwrap();
    assert!(out.status.success());
    use base64ct::Encoding;
    let x = base64ct::Base64UrlUnpadded::encode_string(&out.stdout[out.stdout.len() - 32..]);
    format!(r#"{{"kty":"OKP","crv":"Ed25519","kid":"{kid}","x":"{x}"}}"#)
}

#[test]
fn keys_from_a_jwks_url_flag_or_config() {
    let dir = TempDir::new();
    let (idp, local) = (
        KeyPair::generate(&dir, "idp"),
        KeyPair::generate(&dir, "local"),
    );
    let (url, fetches) = jwks_server(format!(r#"{{"keys":[{}]}}"#, jwk(&idp, "idp-1")));
    let idp_token = token(&idp, Some("idp-1"));
    let local_token = token(&local, None);

    // The URL alone, then with a key file: both sources serve at once.
    let server = Server::start(&["--auth-jwks-url", &url, "--aud", AUD]);
    assert_eq!(server.get("/api/whoami", Some(&idp_token)).status, 200);
    assert_eq!(server.get("/api/whoami", Some(&local_token)).status, 401);
    let both = Server::start(&[
        "--auth-jwks-url",
        &url,
        "--auth-publickey",
        local.public.to_str().unwrap(),
        "--aud",
        AUD,
    ]);
    assert_eq!(both.get("/api/whoami", Some(&idp_token)).status, 200);
    assert_eq!(both.get("/api/whoami", Some(&local_token)).status, 200);
    let metrics = both.get("/metrics", None).body;
    assert_eq!(sample(&metrics, "edjwt_jwks_fetches_total"), 1);
    assert_eq!(sample(&metrics, "edjwt_key_reloads_total"), 2);

    let config = dir.join("server.toml");
    std::fs::write(
        &config,
        format!("[auth]\njwks_url = \"{url}\"\naud = \"{AUD}\"\n"),
    )
    .unwrap();
    let configured = Server::start(&["--config", config.to_str().unwrap()]);
    assert_eq!(configured.get("/api/whoami", Some(&idp_token)).status, 200);
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 3);

    // An unreachable URL stops the server before it listens.
    let Err((code, stderr)) =
        Server::try_start(&["--auth-jwks-url", "http://127.0.0.1:9/jwks.json"])
    else {
        panic!("started without keys");
    };
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("cannot fetch keys from http://127.0.0.1:9/jwks.json"),
        "{stderr}"
    );
}

/// stdout carries the `listening on` line and nothing else, through requests, a reload,
/// a failed reload and shutdown (scripts read the port from it).
#[test]
fn listening_is_the_only_stdout_line() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "k");
    let file = dir.join("public.pem");
    std::fs::copy(&key.public, &file).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_edjwt-server-example"))
        .args(["--auth-publickey", file.to_str().unwrap(), "--aud", AUD])
        .args(["--listen", "127.0.0.1:0"])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let addr = first
        .trim()
        .strip_prefix("listening on http://")
        .unwrap()
        .to_owned();
    for authorization in [token(&key, None), "Bearer x.y.z".to_owned()] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET /api/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 "), "{answer}");
    }
    let hup = |pid: u32| {
        let status = Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(200));
    };
    hup(child.id());
    std::fs::write(&file, "not a key").unwrap();
    hup(child.id());
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(rest, "", "more than the listening line on stdout");
}
