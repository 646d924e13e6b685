//! `edjwt keygen`, `sign`, `inspect`, `demo`, `--help` and `--version` as processes, with
//! the real `openssl` as the judge of key file compatibility.

mod common;

use std::path::Path;

use common::{
    edjwt, edjwt_in, have_openssl, interop, openssl, path_str, payload, temp_dir, token, NOW,
};

fn keygen(dir: &Path) -> (String, String) {
    let run = edjwt_in(
        Some(dir),
        &[
            "keygen",
            "--private",
            "private.pem",
            "--public",
            "public.pem",
        ],
        None,
    );
    run.assert_code(0);
    assert!(
        run.stdout.contains("private.pem") && run.stdout.contains("public.pem"),
        "{run:#?}"
    );
    (
        path_str(&dir.join("private.pem")),
        path_str(&dir.join("public.pem")),
    )
}

// ---- keygen ----

#[test]
fn keygen_writes_openssl_compatible_files() {
    let dir = temp_dir();
    let (private, public) = keygen(dir.path());
    let private_pem = std::fs::read_to_string(&private).unwrap();
    let public_pem = std::fs::read_to_string(&public).unwrap();

    // The exact layouts: one 64-column line of PKCS#8, one of SPKI, trailing newline.
    let lines: Vec<&str> = private_pem.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "-----BEGIN PRIVATE KEY-----");
    assert!(
        lines[1].starts_with("MC4CAQAwBQYDK2VwBCIEI") && lines[1].len() == 64,
        "{private_pem}"
    );
    assert_eq!(lines[2], "-----END PRIVATE KEY-----");
    assert!(private_pem.ends_with("-----\n"));
    let lines: Vec<&str> = public_pem.lines().collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], "-----BEGIN PUBLIC KEY-----");
    assert!(
        lines[1].starts_with("MCowBQYDK2VwAyEA") && lines[1].len() == 60,
        "{public_pem}"
    );
    assert_eq!(lines[2], "-----END PUBLIC KEY-----");

    if !have_openssl() {
        return;
    }
    // OpenSSL reads the private key and derives exactly the public.pem edjwt wrote.
    let derived = openssl(dir.path(), &["pkey", "-in", "private.pem", "-pubout"]);
    assert_eq!(String::from_utf8(derived).unwrap(), public_pem);
    // And rewriting the private key with OpenSSL gives the same bytes back.
    let rewritten = openssl(dir.path(), &["pkey", "-in", "private.pem"]);
    assert_eq!(String::from_utf8(rewritten).unwrap(), private_pem);
    let text = openssl(
        dir.path(),
        &["pkey", "-in", "private.pem", "-noout", "-text"],
    );
    assert!(String::from_utf8_lossy(&text).contains("ED25519 Private-Key"));
}

#[cfg(unix)]
#[test]
fn keygen_private_key_is_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir();
    let (private, public) = keygen(dir.path());
    let mode = |p: &str| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&private), 0o600);
    assert_eq!(
        mode(&public) & 0o022,
        0,
        "public key not group/world-writable"
    );

    // --force replaces atomically and the new private key is 0600 again, even when the
    // old file was world-readable.
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = std::fs::read(&private).unwrap();
    let run = edjwt_in(
        Some(dir.path()),
        &[
            "keygen",
            "--private",
            "private.pem",
            "--public",
            "public.pem",
            "--force",
        ],
        None,
    );
    run.assert_code(0);
    assert_ne!(std::fs::read(&private).unwrap(), before, "a new key");
    assert_eq!(mode(&private), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "no temporary files left");
}

#[test]
fn keygen_refuses_to_overwrite() {
    let dir = temp_dir();
    let (private, public) = keygen(dir.path());
    let private_before = std::fs::read(&private).unwrap();
    let public_before = std::fs::read(&public).unwrap();
    let run = edjwt_in(
        Some(dir.path()),
        &[
            "keygen",
            "--private",
            "private.pem",
            "--public",
            "public.pem",
        ],
        None,
    );
    run.assert_usage(&["already exists", "--force"]);
    // Either file existing is enough to refuse, and nothing is written.
    let run = edjwt_in(
        Some(dir.path()),
        &["keygen", "--private", "new.pem", "--public", "public.pem"],
        None,
    );
    run.assert_usage(&["public.pem already exists"]);
    assert!(!dir.path().join("new.pem").exists());
    assert_eq!(std::fs::read(&private).unwrap(), private_before);
    assert_eq!(std::fs::read(&public).unwrap(), public_before);

    edjwt_in(
        Some(dir.path()),
        &["keygen", "--private", "k.pem", "--public", "k.pem"],
        None,
    )
    .assert_usage(&["same file"]);
    edjwt_in(
        Some(dir.path()),
        &[
            "keygen",
            "--private",
            "no/such/dir.pem",
            "--public",
            "p.pem",
        ],
        None,
    )
    .assert_usage(&["cannot write"]);
    edjwt(&["keygen", "--private", "x.pem"], None).assert_code(2);
}

// ---- sign ----

#[test]
fn sign_then_verify_round_trip() {
    let dir = temp_dir();
    let (private, public) = keygen(dir.path());
    let run = edjwt(
        &[
            "sign",
            "--key",
            &private,
            "--kid",
            "k1",
            "--iss",
            "https://issuer.example",
            "--aud",
            "api",
            "--sub",
            "alice",
            "--expires-in",
            "15m",
            "--claim",
            "prefix=projects/alpha/",
            "--claim",
            "n=5",
            "--claim",
            "roles=[\"a\",\"b\"]",
            "--now",
            NOW,
        ],
        None,
    );
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{run:#?}");
    let tok = run.stdout.trim_end().to_owned();
    assert_eq!(
        payload(&tok),
        "{\"iss\":\"https://issuer.example\",\"sub\":\"alice\",\"aud\":\"api\",\"iat\":1700000100,\
         \"exp\":1700001000,\"prefix\":\"projects/alpha/\",\"n\":5,\"roles\":[\"a\",\"b\"]}"
    );
    let run = edjwt(
        &[
            "verify",
            "--key",
            &public,
            "--iss",
            "https://issuer.example",
            "--aud",
            "api",
            "--sub",
            "alice",
            "--require",
            "prefix",
            "--now",
            NOW,
            &tok,
        ],
        None,
    );
    run.assert_code(0);
    assert_eq!(run.stdout.trim_end(), payload(&tok));
    // Piped, as the keygen "next:" line suggests; then 16 minutes later it has expired.
    let run = edjwt(
        &["verify", "--key", &public, "--now", "1700001060"],
        Some(tok.as_bytes()),
    );
    run.assert_rejected("expired");
}

#[test]
fn sign_with_a_key_made_by_openssl() {
    if !have_openssl() {
        return;
    }
    let dir = temp_dir();
    openssl(
        dir.path(),
        &["genpkey", "-algorithm", "Ed25519", "-out", "private.pem"],
    );
    openssl(
        dir.path(),
        &[
            "pkey",
            "-in",
            "private.pem",
            "-pubout",
            "-out",
            "public.pem",
        ],
    );
    openssl(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "Ed25519",
            "-outform",
            "DER",
            "-out",
            "private.der",
        ],
    );
    openssl(
        dir.path(),
        &[
            "pkey",
            "-in",
            "private.der",
            "-inform",
            "DER",
            "-pubout",
            "-out",
            "public2.pem",
        ],
    );
    for (private, public) in [
        ("private.pem", "public.pem"),
        ("private.der", "public2.pem"),
    ] {
        let run = edjwt_in(
            Some(dir.path()),
            &["sign", "--key", private, "--aud", "api"],
            None,
        );
        run.assert_code(0);
        let tok = run.stdout.trim_end().to_owned();
        let run = edjwt_in(
            Some(dir.path()),
            &["verify", "--key", public, "--aud", "api", &tok],
            None,
        );
        run.assert_code(0);
    }
    // Other key types made by OpenSSL are refused with a clear message.
    openssl(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "ec.pem",
        ],
    );
    edjwt_in(Some(dir.path()), &["sign", "--key", "ec.pem"], None)
        .assert_usage(&["EC key", "not an Ed25519"]);
    openssl(
        dir.path(),
        &["genpkey", "-algorithm", "X25519", "-out", "x.pem"],
    );
    edjwt_in(Some(dir.path()), &["sign", "--key", "x.pem"], None).assert_usage(&["X25519"]);
}

#[test]
fn sign_matches_pyjwt_and_jose_byte_for_byte() {
    // Ed25519 signatures are deterministic (RFC 8032), so the same key, header and claims
    // give the same token PyJWT and jose minted (their `no_kid` cases are identical).
    let private = interop("key1.private.pem");
    let claims = concat!(
        r#"{"iss":"https://issuer.example","sub":"alice","aud":"api","#,
        r#""iat":1700000000,"nbf":1700000000,"exp":1700003600}"#
    );
    let run = edjwt(&["sign", "--key", &private, "--claims-json", claims], None);
    run.assert_code(0);
    assert_eq!(run.stdout.trim_end(), token("pyjwt_no_kid"));
    assert_eq!(run.stdout.trim_end(), token("jose_no_kid"));
}

#[test]
fn sign_with_a_private_jwk_uses_its_kid() {
    let jwk = interop("key1.private.jwk.json");
    let run = edjwt(&["sign", "--key", &jwk, "--aud", "api", "--now", NOW], None);
    run.assert_code(0);
    let tok = run.stdout.trim_end().to_owned();
    let jwks = interop("jwks.json");
    edjwt(
        &["verify", "--key", &jwks, "--aud", "api", "--now", NOW, &tok],
        None,
    )
    .assert_code(0);
    let run = edjwt(&["inspect", &tok], None);
    assert!(run.stdout.contains("\"kid\": \"key-1\""), "{run:#?}");
}

#[test]
fn sign_options() {
    let private = interop("key1.private.pem");
    let public = interop("key1.public.pem");
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign", "--key", &private, "--now", NOW];
        args.extend_from_slice(extra);
        let run = edjwt(&args, None);
        run.assert_code(0);
        run.stdout.trim_end().to_owned()
    };
    // --expires-in none: no exp, so verify needs --allow-missing-exp.
    let tok = sign(&["--expires-in", "none", "--no-iat"]);
    assert_eq!(payload(&tok), "{}");
    edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None).assert_rejected("missing-claim");
    edjwt(
        &[
            "verify",
            "--key",
            &public,
            "--allow-missing-exp",
            "--now",
            NOW,
            &tok,
        ],
        None,
    )
    .assert_code(0);
    // A negative duration mints an expired token; --not-before a future one.
    let tok = sign(&["--expires-in", "-1h"]);
    edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None).assert_rejected("expired");
    let tok = sign(&["--not-before", "2h", "--expires-in", "1d"]);
    assert!(
        payload(&tok).contains("\"nbf\":1700007300"),
        "{}",
        payload(&tok)
    );
    edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None).assert_rejected("not-yet-valid");
    // alg Ed25519 (RFC 9864) and a custom typ.
    let tok = sign(&["--alg", "Ed25519", "--typ", "at+jwt"]);
    edjwt(
        &[
            "verify", "--key", &public, "--typ", "at+jwt", "--now", NOW, &tok,
        ],
        None,
    )
    .assert_code(0);
    // Default lifetime: exp = now + 1h, iat = now.
    let tok = sign(&[]);
    assert_eq!(payload(&tok), "{\"iat\":1700000100,\"exp\":1700003700}");
    // A claim that is not JSON is a string; --claims-json keeps its order.
    let tok = sign(&[
        "--claims-json",
        r#"{"z":1,"a":{"b":null}}"#,
        "--claim",
        "who=bob smith",
        "--no-iat",
    ]);
    assert_eq!(
        payload(&tok),
        "{\"exp\":1700003700,\"z\":1,\"a\":{\"b\":null},\"who\":\"bob smith\"}"
    );
}

#[test]
fn sign_refusals() {
    let private = interop("key1.private.pem");
    let public = interop("key1.public.pem");
    edjwt(&["sign", "--key", &public], None).assert_usage(&["PUBLIC key", "private key"]);
    edjwt(&["sign", "--key", "/nonexistent.pem"], None).assert_usage(&["not found", "keygen"]);
    let rsa = common::bad_key("rsa.public.pem");
    edjwt(&["sign", "--key", &rsa], None).assert_code(2);
    for (extra, words) in [
        (&["--claim", "novalue"][..], &["NAME=VALUE"][..]),
        (&["--claim", "=x"][..], &["NAME=VALUE"][..]),
        (&["--claims-json", "[1]"][..], &["JSON object"][..]),
        (&["--claims-json", "{"][..], &["not valid JSON"][..]),
        (
            &["--iss", "a", "--claim", "iss=b"][..],
            &["iss is set twice"][..],
        ),
        (
            &["--expires-in", "none", "--claim", "exp=5"][..],
            &["--expires-in none"][..],
        ),
        (&["--expires-in", "soon"][..], &["--expires-in"][..]),
        (&["--alg", "HS256"][..], &["--alg"][..]),
    ] {
        let mut args = vec!["sign", "--key", private.as_str()];
        args.extend_from_slice(extra);
        edjwt(&args, None).assert_usage(words);
    }
    // A claim the core would refuse: the token is still printed (for testing verifiers),
    // with a warning.
    let run = edjwt(
        &["sign", "--key", &private, "--claim", "exp=\"soon\""],
        None,
    );
    run.assert_code(0);
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("invalid-claim"),
        "{run:#?}"
    );
}

#[test]
fn sign_refuses_unusable_private_key_files() {
    let dir = temp_dir();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path_str(&path)
    };
    let mut zero_seed = hex("302e020100300506032b657004220420");
    zero_seed.extend_from_slice(&[0; 32]);
    for (name, bytes, words) in [
        ("zero.der", zero_seed, &["all-zero"][..]),
        (
            "enc.pem",
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"
                .to_vec(),
            &["encrypted"][..],
        ),
        (
            "ssh.pem",
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
                .to_vec(),
            &["OpenSSH"][..],
        ),
        (
            "bad64.pem",
            b"-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n".to_vec(),
            &["base64"][..],
        ),
        ("text.txt", b"hello".to_vec(), &["not a private key"][..]),
        ("empty", Vec::new(), &["not a private key"][..]),
        (
            "pub.jwk",
            std::fs::read(interop("key1.jwk.json")).unwrap(),
            &["public JWK"][..],
        ),
        ("big", vec![b'x'; 70 * 1024], &["64 KiB"][..]),
    ] {
        let path = write(name, &bytes);
        edjwt(&["sign", "--key", &path], None).assert_usage(words);
    }
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

// ---- inspect ----

#[test]
fn inspect_is_marked_unverified_and_shows_dates() {
    let run = edjwt(&["inspect", "--now", NOW, &token("pyjwt_basic")], None);
    run.assert_code(0);
    let first = run.stdout.lines().next().unwrap();
    assert_eq!(
        first,
        "UNVERIFIED: signature NOT checked — do not trust these contents"
    );
    for expected in [
        "\"alg\": \"EdDSA\"",
        "\"prefix\": \"projects/alpha/\"",
        "exp  2023-11-14T23:13:20Z  expires in 58 min 20 s",
        "iat  2023-11-14T22:13:20Z  issued 1 min 40 s ago",
        "nbf  2023-11-14T22:13:20Z  valid since 1 min 40 s ago",
        "signature: NOT checked",
    ] {
        assert!(
            run.stdout.contains(expected),
            "lacks {expected:?}:\n{}",
            run.stdout
        );
    }

    let run = edjwt(&["inspect", "--now", NOW, &token("jose_expired")], None);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("exp  2023-11-14T19:26:40Z  expired 2 h 48 min ago"),
        "{}",
        run.stdout
    );
    let run = edjwt(&["inspect", "--now", NOW, &token("pyjwt_float_exp")], None);
    assert!(
        run.stdout.contains("\"exp\": 1700003600.5"),
        "numbers as written: {}",
        run.stdout
    );
    let run = edjwt(&["inspect", "--now", NOW, &token("pyjwt_no_exp")], None);
    assert!(run.stdout.contains("exp  absent"), "{}", run.stdout);
    // Unescaped for reading: PyJWT's \u00eb shows as ë.
    let run = edjwt(&["inspect", &token("pyjwt_unicode")], None);
    assert!(run.stdout.contains("zoë 😀"), "{}", run.stdout);
}

#[test]
fn inspect_reads_stdin_and_bearer() {
    let input = format!("Bearer {}\n", token("jose_basic"));
    let run = edjwt(&["inspect"], Some(input.as_bytes()));
    run.assert_code(0);
    assert!(run.stdout.starts_with("UNVERIFIED"));
    let run = edjwt(&["inspect", "-"], Some(token("jose_basic").as_bytes()));
    run.assert_code(0);
}

#[test]
fn inspect_gives_the_reason_for_garbage() {
    for (input, code) in [
        ("garbage", "malformed"),
        ("a.b", "malformed"),
        ("", "missing-token"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "unsupported-algorithm"),
        (
            "eyJhbGciOiJFZERTQSIsImNyaXQiOlsiZXhwIl19.e30.c2ln",
            "unsupported-header",
        ),
        // A good header, but a 3-byte signature, a payload that is not base64url, or no
        // payload: the same verdict as `verify`, although the header alone parses.
        ("eyJhbGciOiJFZERTQSJ9.e30.c2ln", "malformed"),
        ("eyJhbGciOiJFZERTQSJ9.e3!.c2ln", "malformed"),
        ("eyJhbGciOiJFZERTQSJ9..c2ln", "malformed"),
    ] {
        let run = edjwt(&["inspect"], Some(input.as_bytes()));
        run.assert_code(1);
        assert!(
            run.last_err_line()
                .starts_with(&format!("cannot inspect: {code}: ")),
            "{input}: {run:#?}"
        );
        assert!(run.stdout.is_empty(), "{input}: {run:#?}");
    }
    // Well-formed header and signature but a payload that is no JSON object.
    let array_payload = format!("eyJhbGciOiJFZERTQSJ9.WzFd.{}", "A".repeat(86));
    let run = edjwt(&["inspect", &array_payload], None);
    run.assert_code(1);
    assert!(run.stdout.starts_with("UNVERIFIED"), "{run:#?}");
    assert!(
        run.last_err_line() == "cannot inspect: malformed: malformed token",
        "{run:#?}"
    );
}

#[test]
fn inspect_escapes_what_a_terminal_would_act_on() {
    // A claim holding ESC (escaped by JSON anyway), CSI U+009B and RLO U+202E (raw UTF-8
    // is valid JSON) must reach the terminal as escapes.
    let private = interop("key1.private.pem");
    let run = edjwt(
        &[
            "sign",
            "--key",
            &private,
            "--claim",
            "x=\u{1b}[2J \u{9b}31m \u{202e}abc",
        ],
        None,
    );
    run.assert_code(0);
    let run = edjwt(&["inspect", run.stdout.trim_end()], None);
    run.assert_code(0);
    assert!(
        !run.stdout.contains('\u{1b}')
            && !run.stdout.contains('\u{9b}')
            && !run.stdout.contains('\u{202e}')
    );
    assert!(
        run.stdout.contains(r"\u001b[2J \u009b31m \u202eabc"),
        "{}",
        run.stdout
    );
}

// ---- demo, help, version ----

#[test]
fn demo_runs_every_step() {
    let run = edjwt(&["demo"], None);
    run.assert_code(0);
    assert!(run.stdout.contains("verify → ok"), "{}", run.stdout);
    assert!(
        run.stdout.contains("rejected: bad-signature"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("rejected: expired"), "{}", run.stdout);
    let lines = run.stdout.lines().count();
    assert!((8..=15).contains(&lines), "short output, got {lines} lines");
    assert!(run.stderr.is_empty(), "{run:#?}");
}

#[test]
fn help_with_examples_on_every_subcommand() {
    for command in ["verify", "inspect", "keygen", "sign", "demo"] {
        let run = edjwt(&[command, "--help"], None);
        run.assert_code(0);
        assert!(
            run.stdout.contains("Example"),
            "{command} --help lacks examples:\n{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("edjwt {command}")),
            "{command}"
        );
    }
    let run = edjwt(&["--help"], None);
    run.assert_code(0);
    for command in ["verify", "inspect", "keygen", "sign", "demo", "Exit status"] {
        assert!(run.stdout.contains(command), "{command}");
    }
    let run = edjwt(&["--version"], None);
    run.assert_code(0);
    assert_eq!(run.stdout, format!("edjwt {}\n", env!("CARGO_PKG_VERSION")));
}
