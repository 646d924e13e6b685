//! The real server binary on loopback, real HTTP requests, keys made by the real `openssl`
//! command and tokens signed by it (`openssl pkeyutl -sign -rawin`), plus the committed
//! PyJWT / node `jose` interop tokens replayed at their fixed time and the attack corpus.

mod support;

use support::{challenge, fixture, now, KeyPair, Server, TempDir, AUD, ISS};

const HEADER: &str = r#"{"alg":"EdDSA","typ":"JWT"}"#;

/// The RFC 6750 challenges, written out in full once (the rest use `challenge(code)`).
const BARE: &str = "Bearer";
const EXPIRED: &str = r#"Bearer error="invalid_token", error_description="token expired""#;
const WRONG_AUDIENCE: &str = r#"Bearer error="invalid_token", error_description="wrong audience""#;
const BAD_SIGNATURE: &str =
    r#"Bearer error="invalid_token", error_description="signature does not match""#;
const MALFORMED: &str = r#"Bearer error="invalid_token", error_description="malformed token""#;
const MISSING_CLAIM: &str =
    r#"Bearer error="invalid_token", error_description="required claim missing""#;
const INSUFFICIENT_SCOPE: &str =
    r#"Bearer error="insufficient_scope", error_description="resource outside the token's prefix""#;

/// Claims JSON: the valid defaults (iss, sub alice, aud, iat now, exp in 10 minutes), with
/// `changes` applied in order: `(name, Some(json))` sets, `(name, None)` removes.
fn claims(changes: &[(&str, Option<&str>)]) -> String {
    let now = now();
    let mut members: Vec<(String, String)> = vec![
        ("iss".into(), format!("{ISS:?}")),
        ("sub".into(), r#""alice""#.into()),
        ("aud".into(), format!("{AUD:?}")),
        ("iat".into(), now.to_string()),
        ("exp".into(), (now + 600).to_string()),
    ];
    for (name, value) in changes {
        members.retain(|(n, _)| n != name);
        if let Some(value) = value {
            members.push(((*name).into(), (*value).into()));
        }
    }
    let body: Vec<String> = members.iter().map(|(n, v)| format!("{n:?}:{v}")).collect();
    format!("{{{}}}", body.join(","))
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

struct Case {
    name: &'static str,
    path: &'static str,
    authorization: Option<String>,
    status: u16,
    /// Exact `WWW-Authenticate` value, `None`: no such header.
    challenge: Option<&'static str>,
    /// The reason code the server must log (and answer in the body).
    reason: Option<&'static str>,
}

#[test]
fn every_status_path_with_openssl_keys_and_tokens() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "server");
    let attacker = KeyPair::generate(&dir, "attacker");
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
    let alpha = r#""projects/alpha/""#;
    let valid = key.sign(HEADER, &claims(&[("prefix", Some(alpha))]));
    let (valid_signing_input, _) = valid.rsplit_once('.').unwrap();
    let tampered = {
        let other = key.sign(HEADER, &claims(&[("prefix", Some(r#""""#))]));
        let (header, rest) = valid.split_once('.').unwrap();
        let (_, signature) = rest.split_once('.').unwrap();
        let (_, other_rest) = other.split_once('.').unwrap();
        let (other_payload, _) = other_rest.split_once('.').unwrap();
        format!("{header}.{other_payload}.{signature}")
    };
    #[rustfmt::skip]
    let tokens = [
        ("valid", valid.clone()),
        ("forged", attacker.sign(HEADER, &claims(&[("prefix", Some(alpha))]))),
        ("tampered", tampered),
        ("alg-none", key.sign(r#"{"alg":"none"}"#, &claims(&[]))),
        ("expired", key.sign(HEADER, &claims(&[("exp", Some(&(now - 3600).to_string()))]))),
        ("not-yet-valid", key.sign(HEADER, &claims(&[("nbf", Some(&(now + 3600).to_string()))]))),
        ("wrong-aud", key.sign(HEADER, &claims(&[("aud", Some(r#""other""#))]))),
        ("wrong-iss", key.sign(HEADER, &claims(&[("iss", Some(r#""https://evil.example""#))]))),
        ("no-exp", key.sign(HEADER, &claims(&[("exp", None)]))),
        ("empty-prefix", key.sign(HEADER, &claims(&[("prefix", Some(r#""""#))]))),
        ("no-prefix", key.sign(HEADER, &claims(&[]))),
        ("number-prefix", key.sign(HEADER, &claims(&[("prefix", Some("42"))]))),
        // PHP's json_encode escapes `/`: deserialize_claims decodes it into scratch.
        ("escaped-prefix", key.sign(HEADER, &claims(&[("prefix", Some(r#""projects\/alpha\/""#))]))),
        // Thousands of escapes in a member nobody reads: the claims scratch is sized by
        // `edjwt::scratch_len`, so a valid token is never a 500.
        ("escape-heavy", key.sign(HEADER, &claims(&[("prefix", Some(r#""projects\/alpha\/""#)), ("note", Some(&format!(r#""{}""#, "\\n".repeat(2750))))]))),
    ];
    let token = |name: &str| tokens.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let auth = |name: &str| Some(bearer(&token(name)));
    #[rustfmt::skip]
    let cases = [
        Case { name: "health needs no token", path: "/health", authorization: None, status: 200, challenge: None, reason: None },
        Case { name: "valid", path: "/api/whoami", authorization: auth("valid"), status: 200, challenge: None, reason: None },
        Case { name: "no Authorization", path: "/api/whoami", authorization: None, status: 401, challenge: Some(BARE), reason: Some("missing-token") },
        Case { name: "another scheme", path: "/api/whoami", authorization: Some("Basic dXNlcjpwYXNz".into()), status: 401, challenge: Some(BARE), reason: Some("missing-token") },
        Case { name: "Bearer without token", path: "/api/whoami", authorization: Some("Bearer".into()), status: 401, challenge: Some(MALFORMED), reason: Some("malformed") },
        Case { name: "not a JWT", path: "/api/whoami", authorization: Some("Bearer not-a-jwt".into()), status: 401, challenge: Some(MALFORMED), reason: Some("malformed") },
        Case { name: "two segments", path: "/api/whoami", authorization: Some(bearer(valid_signing_input)), status: 401, challenge: Some(MALFORMED), reason: Some("malformed") },
        Case { name: "forged (another key)", path: "/api/whoami", authorization: auth("forged"), status: 401, challenge: Some(BAD_SIGNATURE), reason: Some("bad-signature") },
        Case { name: "tampered payload", path: "/api/whoami", authorization: auth("tampered"), status: 401, challenge: Some(BAD_SIGNATURE), reason: Some("bad-signature") },
        Case { name: "alg none", path: "/api/whoami", authorization: auth("alg-none"), status: 401, challenge: Some(challenge("unsupported-algorithm")), reason: Some("unsupported-algorithm") },
        Case { name: "expired", path: "/api/whoami", authorization: auth("expired"), status: 401, challenge: Some(EXPIRED), reason: Some("expired") },
        Case { name: "not yet valid", path: "/api/whoami", authorization: auth("not-yet-valid"), status: 401, challenge: Some(challenge("not-yet-valid")), reason: Some("not-yet-valid") },
        Case { name: "wrong audience", path: "/api/whoami", authorization: auth("wrong-aud"), status: 401, challenge: Some(WRONG_AUDIENCE), reason: Some("wrong-audience") },
        Case { name: "wrong issuer", path: "/api/whoami", authorization: auth("wrong-iss"), status: 401, challenge: Some(challenge("wrong-issuer")), reason: Some("wrong-issuer") },
        Case { name: "no exp", path: "/api/whoami", authorization: auth("no-exp"), status: 401, challenge: Some(MISSING_CLAIM), reason: Some("missing-claim") },
        Case { name: "whoami needs no prefix", path: "/api/whoami", authorization: auth("no-prefix"), status: 200, challenge: None, reason: None },
        Case { name: "inside the prefix", path: "/api/resources/projects/alpha/run-1", authorization: auth("valid"), status: 200, challenge: None, reason: None },
        Case { name: "outside the prefix", path: "/api/resources/projects/beta/run-1", authorization: auth("valid"), status: 403, challenge: Some(INSUFFICIENT_SCOPE), reason: Some("outside-prefix") },
        Case { name: "prefix itself is not a resource under it", path: "/api/resources/projects/alpha", authorization: auth("valid"), status: 403, challenge: Some(INSUFFICIENT_SCOPE), reason: Some("outside-prefix") },
        Case { name: "dot-dot out of the prefix", path: "/api/resources/projects/alpha/../beta/x", authorization: auth("valid"), status: 400, challenge: None, reason: None },
        Case { name: "encoded dot-dot out of the prefix", path: "/api/resources/projects/alpha/%2e%2e/beta/x", authorization: auth("valid"), status: 400, challenge: None, reason: None },
        Case { name: "empty prefix allows everything", path: "/api/resources/projects/beta/run-1", authorization: auth("empty-prefix"), status: 200, challenge: None, reason: None },
        Case { name: "no prefix claim", path: "/api/resources/projects/alpha/run-1", authorization: auth("no-prefix"), status: 401, challenge: Some(MISSING_CLAIM), reason: Some("missing-claim") },
        Case { name: "prefix not a string", path: "/api/resources/projects/alpha/run-1", authorization: auth("number-prefix"), status: 401, challenge: Some(challenge("invalid-claim")), reason: Some("invalid-claim") },
        Case { name: "PHP-escaped prefix", path: "/api/resources/projects/alpha/run-1", authorization: auth("escaped-prefix"), status: 200, challenge: None, reason: None },
        Case { name: "escape-heavy payload", path: "/api/resources/projects/alpha/run-1", authorization: auth("escape-heavy"), status: 200, challenge: None, reason: None },
        Case { name: "PHP-escaped prefix, outside", path: "/api/resources/projects/beta/run-1", authorization: auth("escaped-prefix"), status: 403, challenge: Some(INSUFFICIENT_SCOPE), reason: Some("outside-prefix") },
        Case { name: "expired on a scoped route", path: "/api/resources/projects/alpha/run-1", authorization: auth("expired"), status: 401, challenge: Some(EXPIRED), reason: Some("expired") },
        Case { name: "no token on a scoped route", path: "/api/resources/projects/alpha/run-1", authorization: None, status: 401, challenge: Some(BARE), reason: Some("missing-token") },
    ];
    for case in &cases {
        let response = server.get(case.path, case.authorization.as_deref());
        assert_eq!(response.status, case.status, "{}: {response:?}", case.name);
        assert_eq!(
            response.header("www-authenticate"),
            case.challenge,
            "{}",
            case.name
        );
        if let Some(reason) = case.reason {
            assert_eq!(response.json()["error"], reason, "{}", case.name);
        }
    }

    let whoami = server.get("/api/whoami", auth("valid").as_deref()).json();
    assert_eq!(whoami["sub"], "alice");
    assert_eq!(whoami["claims"]["prefix"], "projects/alpha/");
    assert_eq!(whoami["claims"]["aud"], AUD);
    let resource = server
        .get(
            "/api/resources/projects/alpha/run-1",
            auth("escaped-prefix").as_deref(),
        )
        .json();
    assert_eq!(resource["id"], "projects/alpha/run-1");
    assert_eq!(resource["prefix"], "projects/alpha/");

    // Several Authorization fields: one credential is allowed (RFC 9110 §11.6.2).
    let twice = server.request(
        "GET",
        "/api/whoami",
        &[
            ("Authorization", &bearer(&valid)),
            ("Authorization", &bearer(&valid)),
        ],
        None,
    );
    assert_eq!(twice.status, 401);
    assert_eq!(twice.header("www-authenticate"), Some(MALFORMED));

    // POST: authentication before the body; the new id must be under the prefix.
    let post = |authorization: Option<&str>, body: &str| {
        let headers: Vec<(&str, &str)> = authorization
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        server.request("POST", "/api/workflows", &headers, Some(body))
    };
    let created = post(
        auth("valid").as_deref(),
        r#"{"id":"projects/alpha/nightly"}"#,
    );
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.json()["created_by"], "alice");
    let outside = post(
        auth("valid").as_deref(),
        r#"{"id":"projects/beta/nightly"}"#,
    );
    assert_eq!(outside.status, 403);
    assert_eq!(outside.header("www-authenticate"), Some(INSUFFICIENT_SCOPE));
    let anonymous = post(None, "not even json");
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.header("www-authenticate"), Some(BARE));
    let forged = post(auth("forged").as_deref(), r#"{"id":"projects/alpha/x"}"#);
    assert_eq!(forged.status, 401);
    assert_eq!(forged.header("www-authenticate"), Some(BAD_SIGNATURE));

    // The operator sees every reason at debug level, and never a token.
    let logs = server.wait_for_log(r#"reason="bad-signature""#);
    for case in &cases {
        if let Some(reason) = case.reason {
            assert!(
                logs.contains(&format!("reason=\"{reason}\"")),
                "{}: no reason={reason} in\n{logs}",
                case.name
            );
        }
    }
    assert!(logs.contains("bearer token accepted"), "{logs}");
    for (name, token) in &tokens {
        let mut parts = token.split('.');
        let (header, payload, signature) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(!logs.contains(token.as_str()), "token {name} logged");
        assert!(!logs.contains(payload), "payload of {name} logged");
        assert!(!logs.contains(signature), "signature of {name} logged");
        assert!(!logs.contains(header) || header.len() < 8, "{name}");
    }
}

#[test]
fn keys_rotate_with_several_openssl_keys() {
    let dir = TempDir::new();
    let old = KeyPair::generate(&dir, "old");
    let new = KeyPair::generate(&dir, "new");
    let other = KeyPair::generate(&dir, "other");
    let server = Server::start(&[
        "--auth-publickey",
        old.public.to_str().unwrap(),
        "--auth-publickey",
        new.public.to_str().unwrap(),
        "--aud",
        AUD,
    ]);
    for (key, status) in [(&old, 200), (&new, 200), (&other, 401)] {
        let token = key.sign(HEADER, &claims(&[]));
        let response = server.get("/api/whoami", Some(&bearer(&token)));
        assert_eq!(response.status, status);
    }
}

#[test]
fn leeway_flag_sets_the_clock_skew_allowance() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "k");
    // Expired 30 s ago: inside the default 60 s leeway, outside a 5 s one.
    let token = key.sign(HEADER, &claims(&[("exp", Some(&(now() - 30).to_string()))]));
    let public = key.public.to_str().unwrap();
    let default = Server::start(&["--auth-publickey", public, "--aud", AUD]);
    assert_eq!(
        default.get("/api/whoami", Some(&bearer(&token))).status,
        200
    );
    let strict = Server::start(&["--auth-publickey", public, "--aud", AUD, "--leeway", "5"]);
    let response = strict.get("/api/whoami", Some(&bearer(&token)));
    assert_eq!(response.status, 401);
    assert_eq!(response.header("www-authenticate"), Some(EXPIRED));
}

/// RFC 7519 §4.1.3: with no audience configured, a token carrying `aud` is refused unless
/// the operator opted into any audience (`--any-audience`, `[auth] any_audience = true`); a
/// token without `aud` is accepted.
#[test]
fn aud_without_configured_audience_needs_any_audience() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "k");
    let public = key.public.to_str().unwrap();
    let with_aud = key.sign(HEADER, &claims(&[]));
    let without_aud = key.sign(HEADER, &claims(&[("aud", None)]));
    let server = Server::start(&["--auth-publickey", public]);
    let response = server.get("/api/whoami", Some(&bearer(&with_aud)));
    assert_eq!(response.status, 401);
    assert_eq!(response.header("www-authenticate"), Some(WRONG_AUDIENCE));
    assert_eq!(
        server
            .get("/api/whoami", Some(&bearer(&without_aud)))
            .status,
        200
    );
    let any = Server::start(&["--auth-publickey", public, "--any-audience"]);
    assert_eq!(any.get("/api/whoami", Some(&bearer(&with_aud))).status, 200);
    let config = dir.join("any.toml");
    std::fs::write(
        &config,
        format!("[auth]\npublickey = \"{public}\"\nany_audience = true\n"),
    )
    .unwrap();
    let from_file = Server::start(&["--config", config.to_str().unwrap()]);
    assert_eq!(
        from_file
            .get("/api/whoami", Some(&bearer(&with_aud)))
            .status,
        200
    );
}

/// The reference deployment's config file: `[auth] publickey = ..., iss = ..., aud = ...`.
#[test]
fn config_file_auth_table() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "public");
    let config = dir.join("server.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nworkers = 4\n\n[auth]\npublickey = \"{}\"\niss = \"{ISS}\"\naud = \"{AUD}\"\n",
            key.public.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    // Started from another folder: `publickey` is relative to the config file.
    let server = Server::start(&["serve", "--config", config.to_str().unwrap()]);
    let ok = key.sign(HEADER, &claims(&[]));
    assert_eq!(server.get("/api/whoami", Some(&bearer(&ok))).status, 200);
    let wrong_aud = key.sign(HEADER, &claims(&[("aud", Some(r#""other""#))]));
    let response = server.get("/api/whoami", Some(&bearer(&wrong_aud)));
    assert_eq!(response.header("www-authenticate"), Some(WRONG_AUDIENCE));
    // A flag wins over the file.
    let server = Server::start(&["--config", config.to_str().unwrap(), "--aud", "other"]);
    assert_eq!(
        server.get("/api/whoami", Some(&bearer(&wrong_aud))).status,
        200
    );
    assert_eq!(server.get("/api/whoami", Some(&bearer(&ok))).status, 401);
}

#[test]
fn no_auth_serves_every_route_anonymously() {
    let server = Server::start(&["--no-auth"]);
    let whoami = server.get("/api/whoami", None);
    assert_eq!(whoami.status, 200);
    assert_eq!(whoami.json()["sub"], serde_json::Value::Null);
    assert_eq!(server.get("/api/resources/any/thing", None).status, 200);
}

#[test]
fn unusable_keys_stop_the_server_before_it_listens() {
    let dir = TempDir::new();
    let key = KeyPair::generate(&dir, "k");
    let missing = dir.join("missing.pem");
    let garbage = dir.join("garbage.pem");
    std::fs::write(&garbage, "not a key").unwrap();
    for (args, message) in [
        (
            vec!["--auth-publickey", key.private.to_str().unwrap()],
            "(private-key)",
        ),
        (
            vec!["--auth-publickey", missing.to_str().unwrap()],
            "cannot load key",
        ),
        (
            vec!["--auth-publickey", garbage.to_str().unwrap()],
            "(invalid-key)",
        ),
        (vec![], "no public key"),
    ] {
        let Err((code, stderr)) = Server::try_start(&args) else {
            panic!("{args:?} started");
        };
        assert_eq!(code, Some(2), "{args:?}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

/// The committed tokens minted by PyJWT 2.15.1 and node `jose` 6.2.18 (and the PHP-style
/// hand-built one), replayed at the time they were made for (`--danger-fixed-now`), with
/// the JWKS of their openssl keys: each gets its expected outcome over HTTP.
#[test]
fn interop_fixtures_over_http_at_their_fixed_time() {
    let tokens: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("fixtures/interop/tokens.json")).unwrap(),
    )
    .unwrap();
    let now = tokens["now"].as_u64().unwrap().to_string();
    let jwks = fixture("fixtures/interop/jwks.json");
    let server = Server::start(&[
        "--auth-publickey",
        jwks.to_str().unwrap(),
        "--iss",
        ISS,
        "--aud",
        AUD,
        "--danger-fixed-now",
        &now,
    ]);
    let cases = tokens["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 32);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let expect = case["expect"].as_str().unwrap();
        let authorization = bearer(case["token"].as_str().unwrap());
        let response = server.get("/api/whoami", Some(&authorization));
        if expect == "ok" {
            assert_eq!(response.status, 200, "{id}: {response:?}");
            assert_eq!(response.json()["sub"], case_subject(id), "{id}");
        } else {
            assert_eq!(response.status, 401, "{id}");
            assert_eq!(
                response.header("www-authenticate"),
                Some(challenge(expect)),
                "{id}"
            );
            assert_eq!(response.json()["error"], expect, "{id}");
        }
        // The scoped route: tokens with `"prefix":"projects/alpha/"` (PyJWT, jose, and
        // PHP-style `projects\/alpha\/`) reach alpha only; the rest lack the claim.
        if expect == "ok" {
            let has_prefix = matches!(id, "pyjwt_basic" | "jose_basic" | "php_style_slash");
            let inside = server.get("/api/resources/projects/alpha/x", Some(&authorization));
            let outside = server.get("/api/resources/projects/beta/x", Some(&authorization));
            if has_prefix {
                assert_eq!((inside.status, outside.status), (200, 403), "{id}");
            } else {
                assert_eq!((inside.status, outside.status), (401, 401), "{id}");
                assert_eq!(
                    inside.header("www-authenticate"),
                    Some(MISSING_CLAIM),
                    "{id}"
                );
            }
        }
    }
    let logs = server.wait_for_log(r#"reason="unknown-key""#);
    assert!(logs.contains("--danger-fixed-now"), "{logs}");
    for case in cases {
        assert!(!logs.contains(case["token"].as_str().unwrap()));
    }
}

fn case_subject(id: &str) -> &'static str {
    if id.ends_with("unicode") {
        "zoë 😀"
    } else {
        "alice"
    }
}

/// The attack corpus (RFC 8037 test key, kid `rfc8037`) over HTTP: every token the corpus
/// says must be accepted gets 200, every one it says must be rejected 401 with an
/// `invalid_token` challenge (tokens an HTTP client cannot put in a header are skipped).
#[test]
fn attack_corpus_over_http() {
    let corpus: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("vectors/jwt_attacks.json")).unwrap(),
    )
    .unwrap();
    let context = &corpus["context"];
    let dir = TempDir::new();
    let jwks = dir.join("corpus.jwks.json");
    let key = &context["trusted_keys"][0];
    std::fs::write(
        &jwks,
        format!(
            r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","kid":{},"x":{}}}]}}"#,
            key["kid"], key["x"]
        ),
    )
    .unwrap();
    let server = Server::start(&[
        "--auth-publickey",
        jwks.to_str().unwrap(),
        "--iss",
        context["expected_iss"].as_str().unwrap(),
        "--aud",
        context["expected_aud"].as_str().unwrap(),
        "--leeway",
        &context["leeway_s"].to_string(),
        "--danger-fixed-now",
        &context["now"].to_string(),
    ]);
    let (mut accepted, mut rejected) = (0, 0);
    for case in corpus["cases"].as_array().unwrap() {
        let Some(token) = case["token"].as_str() else {
            continue;
        };
        let id = case["id"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            continue;
        }
        let response = server.get("/api/whoami", Some(&bearer(token)));
        match expected {
            "accept" => {
                assert_eq!(response.status, 200, "{id}: {response:?}");
                accepted += 1;
            }
            "reject" | "reject_as_jwt" => {
                assert_eq!(response.status, 401, "{id}: {response:?}");
                let value = response.header("www-authenticate").unwrap();
                assert!(value.starts_with(r#"Bearer error="invalid_token""#), "{id}");
                rejected += 1;
            }
            _ => assert!(matches!(response.status, 200 | 401), "{id}"),
        }
    }
    // 13 accept, 146 reject in the corpus; 6 of the rejects carry bytes (space, NUL, ...)
    // that cannot travel in an HTTP header.
    assert_eq!((accepted, rejected), (13, 140));
}
