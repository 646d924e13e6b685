//! Tokens signed by PyJWT (an independent implementation) at test time with a key made by
//! the real `openssl genpkey`, sent to the real server over loopback HTTP.
//!
//! Needs Python with `pyjwt` and `cryptography`: `server/ci.sh` installs them into a venv
//! and runs this with `-- --ignored`, pointing `EDJWT_TEST_PYTHON` at that venv's python.
//! Ignored in the plain `cargo test --workspace` so that it needs nothing beyond Rust and
//! `openssl`; when run, a missing module is a failure, never a skip.

mod support;

use std::process::Command;

use support::{now, KeyPair, Server, TempDir, AUD, ISS};

/// Signs `claims` (JSON) with PyJWT's `jwt.encode(..., algorithm="EdDSA")`.
fn pyjwt_sign(private_pem: &std::path::Path, claims: &serde_json::Value) -> String {
    let python = std::env::var("EDJWT_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let script = r#"
import json, sys
import jwt
key = open(sys.argv[1], "rb").read()
claims = json.loads(sys.argv[2])
sys.stdout.write(jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": "k1"}))
"#;
    let out = Command::new(&python)
        .args([
            "-c",
            script,
            private_pem.to_str().unwrap(),
            &claims.to_string(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        out.status.success(),
        "PyJWT signing failed (pip install 'pyjwt>=2,<3' 'cryptography>=42'; server/ci.sh \
         does it in a venv): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
#[ignore = "needs Python with pyjwt + cryptography: run by server/ci.sh with -- --ignored"]
fn pyjwt_tokens_over_http() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "server");
    let server = Server::start(&[
        "serve",
        "--auth-publickey",
        key.public.to_str().unwrap(),
        "--iss",
        ISS,
        "--aud",
        AUD,
    ]);
    let now = now();
    let base = serde_json::json!({
        "iss": ISS, "sub": "alice", "aud": AUD, "iat": now, "exp": now + 600,
    });
    let with = |changes: serde_json::Value| {
        let mut claims = base.clone();
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        format!("Bearer {}", pyjwt_sign(&key.private, &claims))
    };
    let alpha = with(serde_json::json!({"prefix": "projects/alpha/"}));
    let empty = with(serde_json::json!({"prefix": ""}));
    let none = with(serde_json::json!({}));
    let expired = with(serde_json::json!({"exp": now - 3600, "prefix": "projects/alpha/"}));
    let wrong_aud = with(serde_json::json!({"aud": "other", "prefix": "projects/alpha/"}));
    // PyJWT writes `"sub": "zo\u00eb \ud83d\ude00"` (ensure_ascii).
    let unicode = with(serde_json::json!({"sub": "zoë 😀", "aud": ["other", AUD]}));

    let cases: [(&str, &str, u16, Option<&str>); 10] = [
        ("/api/whoami", &alpha, 200, None),
        ("/api/resources/projects/alpha/run-1", &alpha, 200, None),
        (
            "/api/resources/projects/beta/run-1",
            &alpha,
            403,
            Some("outside-prefix"),
        ),
        ("/api/resources/projects/beta/run-1", &empty, 200, None),
        ("/api/whoami", &none, 200, None),
        (
            "/api/resources/projects/alpha/run-1",
            &none,
            401,
            Some("missing-claim"),
        ),
        ("/api/whoami", &expired, 401, Some("expired")),
        (
            "/api/resources/projects/alpha/run-1",
            &expired,
            401,
            Some("expired"),
        ),
        ("/api/whoami", &wrong_aud, 401, Some("wrong-audience")),
        ("/api/whoami", &unicode, 200, None),
    ];
    for (path, authorization, status, reason) in cases {
        let response = server.get(path, Some(authorization));
        assert_eq!(response.status, status, "{path} {reason:?}: {response:?}");
        if let Some(reason) = reason {
            assert_eq!(response.json()["error"], reason);
        }
    }
    assert_eq!(
        server.get("/api/whoami", Some(&unicode)).json()["sub"],
        "zoë 😀"
    );
    assert_eq!(
        server
            .get("/api/whoami", Some(&expired))
            .header("www-authenticate"),
        Some(r#"Bearer error="invalid_token", error_description="token expired""#)
    );
    let logs = server.wait_for_log(r#"reason="wrong-audience""#);
    for reason in [
        "outside-prefix",
        "missing-claim",
        "expired",
        "wrong-audience",
    ] {
        assert!(
            logs.contains(&format!("reason=\"{reason}\"")),
            "{reason}: {logs}"
        );
    }
    for token in [&alpha, &empty, &none, &expired, &wrong_aud, &unicode] {
        let token = token.strip_prefix("Bearer ").unwrap();
        assert!(!logs.contains(token));
        assert!(!logs.contains(token.rsplit('.').next().unwrap()));
    }
}
