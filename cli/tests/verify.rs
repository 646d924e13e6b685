//! `edjwt verify` as a process: every exit path, on keys made by the real `openssl` and
//! tokens minted by PyJWT and node `jose` (tests/fixtures/interop, `now` = 1700000100).

mod common;

use common::{bad_key, cases, edjwt, interop, payload, token, NOW};

const ISS: &str = "https://issuer.example";

/// `verify` with the context tokens.json assumes: jwks.json, iss, aud `api`, `--now`.
fn verify_fixture(extra: &[&str], token: &str) -> common::Run {
    let jwks = interop("jwks.json");
    let mut args = vec![
        "verify", "--key", &jwks, "--iss", ISS, "--aud", "api", "--now", NOW,
    ];
    args.extend_from_slice(extra);
    args.push(token);
    edjwt(&args, None)
}

#[test]
fn every_interop_case_gives_its_expected_outcome() {
    let cases = cases();
    assert_eq!(cases.len(), 32);
    for case in cases {
        let run = verify_fixture(&[], &case.token);
        if case.expect == "ok" {
            run.assert_code(0);
            assert_eq!(
                run.stdout,
                format!("{}\n", payload(&case.token)),
                "{}",
                case.id
            );
            assert!(run.stderr.is_empty(), "{}: {run:#?}", case.id);
        } else {
            run.assert_rejected(&case.expect);
        }
    }
}

#[test]
fn pyjwt_basic_prints_the_payload_exactly() {
    let run = verify_fixture(&[], &token("pyjwt_basic"));
    run.assert_code(0);
    assert_eq!(
        run.stdout,
        "{\"iss\":\"https://issuer.example\",\"sub\":\"alice\",\"aud\":\"api\",\"iat\":1700000000,\
         \"nbf\":1700000000,\"exp\":1700003600,\"prefix\":\"projects/alpha/\"}\n"
    );
}

#[test]
fn payload_escapes_are_printed_as_signed() {
    // PHP-style `\/` and PyJWT's `\u00eb` escapes stay as they were signed.
    for id in ["php_style_slash", "pyjwt_unicode"] {
        let tok = token(id);
        let run = verify_fixture(&[], &tok);
        run.assert_code(0);
        assert_eq!(run.stdout.trim_end(), payload(&tok));
        assert!(run.stdout.contains('\\'), "{id}");
    }
}

#[test]
fn expired_says_when() {
    let run = verify_fixture(&[], &token("pyjwt_expired"));
    run.assert_rejected("expired");
    assert_eq!(run.last_err_line(), "rejected: expired: token expired");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "one hint line, then the verdict: {run:#?}");
    let hint = lines[0];
    assert!(hint.starts_with("hint: "), "{hint}");
    assert!(
        hint.contains("2023-11-14T19:26:40Z"),
        "exp as a date: {hint}"
    );
    assert!(hint.contains("2 h 48 min ago"), "relative to --now: {hint}");
    assert!(hint.contains("leeway 60 s"), "{hint}");
}

#[test]
fn wrong_audience_shows_token_aud_and_expected() {
    let run = verify_fixture(&[], &token("pyjwt_wrong_aud"));
    run.assert_rejected("wrong-audience");
    assert_eq!(
        run.last_err_line(),
        "rejected: wrong-audience: wrong audience"
    );
    assert!(
        run.stderr.contains(r#"aud is "other"; expected "api""#),
        "{run:#?}"
    );
}

#[test]
fn a_token_pasted_with_its_quotes_gets_a_hint_about_quotes() {
    let key1 = interop("key1.public.pem");
    let quoted = format!("\"{}\"", token("pyjwt_basic"));
    let run = edjwt(&["verify", "--key", &key1, "--now", NOW, &quoted], None);
    run.assert_rejected("malformed");
    assert!(
        run.stderr
            .contains("hint: the token is wrapped in quotes; pass it without them"),
        "{run:#?}"
    );
    let run = edjwt(&["inspect", &quoted], None);
    assert_eq!(
        run.last_err_line(),
        "cannot inspect: malformed: malformed token"
    );
}

#[test]
fn aud_without_expected_audience_is_rejected_with_the_flags_to_pass() {
    let jwks = interop("jwks.json");
    let tok = token("pyjwt_wrong_aud");
    let run = edjwt(&["verify", "--key", &jwks, "--now", NOW, &tok], None);
    run.assert_rejected("wrong-audience");
    assert_eq!(
        run.last_err_line(),
        "rejected: wrong-audience: wrong audience"
    );
    assert!(
        run.stderr.contains(
            r#"the token's aud is "other" and no audience is expected; pass --aud "other""#
        ),
        "{run:#?}"
    );
    assert!(run.stderr.contains("--any-audience"), "{run:#?}");
    let args = [
        "verify",
        "--key",
        &jwks,
        "--any-audience",
        "--now",
        NOW,
        &tok,
    ];
    edjwt(&args, None).assert_code(0);
    // --any-audience does not switch off a configured audience.
    let args = [
        "verify",
        "--key",
        &jwks,
        "--any-audience",
        "--aud",
        "api",
        "--now",
        NOW,
        &tok,
    ];
    edjwt(&args, None).assert_rejected("wrong-audience");
}

#[test]
fn repeated_aud_and_iss_mean_any_of() {
    let jwks = interop("jwks.json");
    let tok = token("pyjwt_wrong_aud");
    let args = [
        "verify", "--key", &jwks, "--aud", "api", "--aud", "other", "--now", NOW, &tok,
    ];
    edjwt(&args, None).assert_code(0);
    let tok = token("pyjwt_wrong_iss");
    let args = [
        "verify",
        "--key",
        &jwks,
        "--iss",
        ISS,
        "--iss",
        "https://evil.example",
        "--aud",
        "api",
        "--now",
        NOW,
        &tok,
    ];
    edjwt(&args, None).assert_code(0);
    let args = [
        "verify",
        "--key",
        &jwks,
        "--iss",
        ISS,
        "--iss",
        "https://other.example",
        "--aud",
        "api",
        "--now",
        NOW,
        &tok,
    ];
    let run = edjwt(&args, None);
    run.assert_rejected("wrong-issuer");
    assert!(
        run.stderr
            .contains(r#"expected one of "https://issuer.example", "https://other.example""#),
        "{run:#?}"
    );
}

#[test]
fn bad_signature_names_the_keys_tried() {
    // Signed by key2 with kid "key-1": the hint finds that key-2 would verify it.
    let run = verify_fixture(&[], &token("jose_wrong_key"));
    run.assert_rejected("bad-signature");
    assert_eq!(
        run.last_err_line(),
        "rejected: bad-signature: signature does not match"
    );
    assert!(
        run.stderr.contains(r#"kid "key-1" selects 1 of 2"#),
        "{run:#?}"
    );
    assert!(run.stderr.contains(r#"kid "key-2" from"#), "{run:#?}");
    assert!(run.stderr.contains("wrong key"), "{run:#?}");

    // One payload character changed: no key verifies it.
    let tok = token("pyjwt_basic");
    let payload_start = tok.find('.').unwrap() + 1;
    let mut tampered = tok.clone().into_bytes();
    let i = payload_start + 10;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let key1 = interop("key1.public.pem");
    let run = edjwt(&["verify", "--key", &key1, "--now", NOW, &tampered], None);
    run.assert_rejected("bad-signature");
    assert!(run.stderr.contains("changed after signing"), "{run:#?}");
}

#[test]
fn unknown_kid_lists_the_known_ones() {
    let run = verify_fixture(&[], &token("jose_unknown_kid"));
    run.assert_rejected("unknown-key");
    assert_eq!(
        run.last_err_line(),
        "rejected: unknown-key: unknown signing key"
    );
    assert!(run.stderr.contains(r#"kid is "key-9""#), "{run:#?}");
    assert!(run.stderr.contains(r#""key-1", "key-2""#), "{run:#?}");
}

#[test]
fn bearer_value_on_stdin() {
    let jwks = interop("jwks.json");
    let tok = token("pyjwt_basic");
    for input in [
        format!("Bearer {tok}\n"),
        format!("bearer {tok}"),
        format!("  BEARER {tok}  \r\n"),
        format!("Authorization: Bearer {tok}\n"),
    ] {
        let run = edjwt(
            &["verify", "--key", &jwks, "--aud", "api", "--now", NOW],
            Some(input.as_bytes()),
        );
        run.assert_code(0);
        assert_eq!(run.stdout.trim_end(), payload(&tok));
    }
    // As the argument too.
    let arg = format!("Bearer {tok}");
    edjwt(
        &["verify", "--key", &jwks, "--aud", "api", "--now", NOW, &arg],
        None,
    )
    .assert_code(0);
    // Another scheme is no bearer token at all; `Bearer` with two words is malformed.
    let run = edjwt(
        &["verify", "--key", &jwks, "--aud", "api", "--now", NOW],
        Some(b"Basic dXNlcjpwYXNz\n"),
    );
    run.assert_rejected("missing-token");
    let input = format!("Bearer {tok} extra");
    let run = edjwt(
        &["verify", "--key", &jwks, "--aud", "api", "--now", NOW],
        Some(input.as_bytes()),
    );
    run.assert_rejected("malformed");
}

#[test]
fn dash_reads_stdin() {
    let key1 = interop("key1.public.pem");
    let tok = token("jose_basic");
    let input = format!("\n  {tok}\n\n");
    let run = edjwt(
        &["verify", "--key", &key1, "--aud", "api", "--now", NOW, "-"],
        Some(input.as_bytes()),
    );
    run.assert_code(0);
    assert_eq!(run.stdout.trim_end(), payload(&tok));
}

#[test]
fn empty_input_is_missing_token() {
    let key1 = interop("key1.public.pem");
    let run = edjwt(&["verify", "--key", &key1], None);
    run.assert_rejected("missing-token");
    assert_eq!(
        run.last_err_line(),
        "rejected: missing-token: no bearer token"
    );
    edjwt(&["verify", "--key", &key1, "-"], Some(b" \n\t\n")).assert_rejected("missing-token");
}

#[test]
fn key_forms_and_several_keys() {
    // DER (openssl -outform DER), a JWK, and a PEM, as three --key flags form one set.
    let der = interop("key1.public.der");
    let jwk = interop("key1.jwk.json");
    let key2 = interop("key2.public.pem");
    for id in ["pyjwt_basic", "pyjwt_kid_key2", "jose_no_kid"] {
        let tok = token(id);
        edjwt(
            &[
                "verify", "--key", &der, "--key", &key2, "--aud", "api", "--now", NOW, &tok,
            ],
            None,
        )
        .assert_code(0);
    }
    let tok = token("pyjwt_basic");
    edjwt(
        &["verify", "--key", &jwk, "--aud", "api", "--now", NOW, &tok],
        None,
    )
    .assert_code(0);
    // key2 alone cannot verify a key1 token.
    edjwt(
        &["verify", "--key", &key2, "--aud", "api", "--now", NOW, &tok],
        None,
    )
    .assert_rejected("bad-signature");
}

#[test]
fn policy_flags() {
    let basic = token("pyjwt_basic");
    verify_fixture(&["--sub", "alice"], &basic).assert_code(0);
    let run = verify_fixture(&["--sub", "bob"], &basic);
    run.assert_rejected("wrong-subject");
    assert!(
        run.stderr.contains(r#"sub is "alice"; expected "bob""#),
        "{run:#?}"
    );

    verify_fixture(&["--typ", "JWT"], &basic).assert_code(0);
    let run = verify_fixture(&["--typ", "at+jwt"], &basic);
    run.assert_rejected("wrong-type");
    assert!(run.stderr.contains(r#"typ header is "JWT""#), "{run:#?}");

    verify_fixture(&["--require", "prefix"], &basic).assert_code(0);
    let run = verify_fixture(&["--require", "prefix"], &token("pyjwt_kid_key2"));
    run.assert_rejected("missing-claim");
    assert!(run.stderr.contains(r#"no "prefix" claim"#), "{run:#?}");

    // iat is 100 s before now.
    verify_fixture(&["--max-age", "3600"], &basic).assert_code(0);
    let run = verify_fixture(&["--max-age", "10", "--leeway", "0"], &basic);
    run.assert_rejected("too-old");
    assert!(run.stderr.contains("--max-age allows 10 s"), "{run:#?}");

    // exp was 10100 s before now.
    let expired = token("pyjwt_expired");
    verify_fixture(&["--leeway", "20000"], &expired).assert_code(0);
    verify_fixture(&["--leeway", "6h"], &expired).assert_code(0);

    let no_exp = token("jose_no_exp");
    let run = verify_fixture(&[], &no_exp);
    run.assert_rejected("missing-claim");
    assert!(run.stderr.contains("--allow-missing-exp"), "{run:#?}");
    verify_fixture(&["--allow-missing-exp"], &no_exp).assert_code(0);
}

#[test]
fn the_system_clock_is_the_default() {
    // Valid at 1700000100 (November 2023), long expired by the clock of any test run.
    let key1 = interop("key1.public.pem");
    let run = edjwt(&["verify", "--key", &key1, &token("pyjwt_basic")], None);
    run.assert_rejected("expired");
}

#[test]
fn malformed_tokens_get_a_reason() {
    let key1 = interop("key1.public.pem");
    let run = edjwt(&["verify", "--key", &key1, "not-a-token"], None);
    run.assert_rejected("malformed");
    assert!(run.stderr.contains("1 part(s)"), "{run:#?}");
    let hs256 = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
    let run = edjwt(&["verify", "--key", &key1, hs256], None);
    run.assert_rejected("unsupported-algorithm");
    assert!(run.stderr.contains(r#"alg is "HS256""#), "{run:#?}");
    let none = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
    let run = edjwt(&["verify", "--key", &key1, none], None);
    run.assert_rejected("unsupported-algorithm");
    assert!(run.stderr.contains("unsigned (alg none)"), "{run:#?}");
    let jwe = "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d";
    let run = edjwt(&["verify", "--key", &key1, jwe], None);
    run.assert_rejected("malformed");
    assert!(run.stderr.contains("JWE"), "{run:#?}");
}

// ---- Exit 2: usage errors and unusable keys ----

#[test]
fn missing_key_file() {
    edjwt(
        &["verify", "--key", "/nonexistent/public.pem", "a.b.c"],
        None,
    )
    .assert_usage(&["/nonexistent/public.pem", "not found", "--key"]);
}

#[test]
fn private_key_where_public_expected() {
    let private = interop("key1.private.pem");
    let run = edjwt(&["verify", "--key", &private, &token("pyjwt_basic")], None);
    run.assert_usage(&["PRIVATE key", "openssl pkey -in", "-pubout"]);
    assert!(run.stdout.is_empty());
    let jwk = interop("key1.private.jwk.json");
    edjwt(&["verify", "--key", &jwk, "a.b.c"], None).assert_usage(&["PRIVATE JWK", "\"d\""]);
    // Also when a good key comes first.
    let good = interop("key2.public.pem");
    edjwt(
        &["verify", "--key", &good, "--key", &private, "a.b.c"],
        None,
    )
    .assert_usage(&["PRIVATE"]);
}

#[test]
fn weak_and_foreign_keys() {
    for (file, words) in [
        ("small_order.public.pem", &["weak", "small-order"][..]),
        ("noncanonical.public.pem", &["weak"][..]),
        ("noncanonical_not_small_order.public.pem", &["weak"][..]),
        ("rsa.public.pem", &["RSA", "not an Ed25519"][..]),
        ("x25519.public.pem", &["X25519"][..]),
        ("ed448.public.pem", &["Ed448"][..]),
        ("jwk_wrong_kty.json", &["EC JWK"][..]),
        ("jwk_private.json", &["PRIVATE JWK"][..]),
    ] {
        let path = bad_key(file);
        edjwt(&["verify", "--key", &path, &token("pyjwt_basic")], None).assert_usage(words);
    }
}

#[test]
fn files_that_are_no_keys() {
    let dir = common::temp_dir();
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    edjwt(&["verify", "--key", manifest, "a.b.c"], None)
        .assert_usage(&["not a valid Ed25519 public key"]);
    let dir_path = common::path_str(dir.path());
    edjwt(&["verify", "--key", &dir_path, "a.b.c"], None).assert_usage(&["cannot read key file"]);

    let big = dir.path().join("big.pem");
    std::fs::write(&big, vec![b'A'; 100 * 1024]).unwrap();
    edjwt(&["verify", "--key", &common::path_str(&big), "a.b.c"], None)
        .assert_usage(&["larger than 64 KiB"]);

    // 65 keys overflow the 64-key set.
    let jwk = std::fs::read_to_string(interop("key1.jwk.json")).unwrap();
    let jwks = format!("{{\"keys\":[{}]}}", vec![jwk.trim(); 65].join(","));
    let many = dir.path().join("many.json");
    std::fs::write(&many, jwks).unwrap();
    edjwt(
        &["verify", "--key", &common::path_str(&many), "a.b.c"],
        None,
    )
    .assert_usage(&["too many keys"]);

    let cert = dir.path().join("cert.pem");
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    edjwt(
        &["verify", "--key", &common::path_str(&cert), "a.b.c"],
        None,
    )
    .assert_usage(&["certificate", "openssl x509"]);
}

#[cfg(unix)]
#[test]
fn unreadable_key_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = common::temp_dir();
    let path = dir.path().join("public.pem");
    std::fs::copy(interop("key1.public.pem"), &path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        eprintln!("NOTICE: running as root, mode 000 does not stop reads; skipping");
        return;
    }
    edjwt(
        &["verify", "--key", &common::path_str(&path), "a.b.c"],
        None,
    )
    .assert_usage(&["permission denied"]);
}

#[test]
fn bad_flags() {
    let key1 = interop("key1.public.pem");
    for args in [
        &["verify", "a.b.c"][..],                            // --key is required
        &["verify", "--key", &key1, "--bogus", "a.b.c"][..], // unknown flag
        &["verify", "--key", &key1, "--leeway", "soon", "a.b.c"][..],
        &["verify", "--key", &key1, "--now", "-5", "a.b.c"][..],
        &["verify", "--key", &key1, "--now", "yesterday", "a.b.c"][..],
        &["verify", "--key", &key1, "a.b.c", "second-token"][..],
        &["verify", "--key"][..],
        &["frobnicate"][..],
        &[][..],
    ] {
        let run = edjwt(args, None);
        assert_eq!(run.code, Some(2), "{args:?}: {run:#?}");
        assert!(!run.stderr.is_empty(), "{args:?}");
        assert!(run.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn key_errors_come_before_token_errors() {
    // An unusable key is the operator's configuration problem: exit 2 even for a bad token.
    edjwt(&["verify", "--key", "/nonexistent.pem", "garbage"], None).assert_code(2);
}

#[test]
fn claim_problems_behind_a_valid_signature() {
    // Tokens the core refuses after the signature verified, minted with `sign`.
    let private = interop("key1.private.pem");
    let public = interop("key1.public.pem");
    let sign = |extra: &[&str]| {
        let mut args = vec!["sign", "--key", private.as_str(), "--now", NOW];
        args.extend_from_slice(extra);
        let run = edjwt(&args, None);
        run.assert_code(0);
        assert!(
            run.stderr.contains("warning: edjwt verifiers will reject"),
            "{run:#?}"
        );
        run.stdout.trim_end().to_owned()
    };
    let tok = sign(&["--claim", "exp=\"1700003600\""]);
    let run = edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None);
    run.assert_rejected("invalid-claim");
    assert!(
        run.stderr.contains(r#"exp is the string "1700003600""#),
        "{run:#?}"
    );
    let run = edjwt(&["inspect", &tok], None);
    run.assert_code(0);
    assert!(
        run.stdout.contains("is not a NumericDate"),
        "{}",
        run.stdout
    );

    let tok = sign(&["--claim", "aud=5"]);
    let run = edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None);
    run.assert_rejected("invalid-claim");
    assert!(
        run.stderr.contains("aud is neither a string nor an array"),
        "{run:#?}"
    );

    let deep = format!("{{\"x\":{}1{}}}", "[".repeat(40), "]".repeat(40));
    let tok = sign(&["--claims-json", &deep]);
    let run = edjwt(&["verify", "--key", &public, "--now", NOW, &tok], None);
    run.assert_rejected("nesting-too-deep");
    assert!(
        run.stderr
            .contains("the signature is valid, but the claims are not nested"),
        "{run:#?}"
    );
}
