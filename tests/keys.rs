//! Key loading: PEM, DER, JWK, JWKS text (no `std`) and files (`std`), with the real
//! `openssl` output in `fixtures/interop/` and refused keys in `fixtures/keys/`.

mod common;

use edjwt::{Error, KeySet, VerifyingKey, MAX_KID_LEN};

const KEY1_PEM: &str = include_str!("fixtures/interop/key1.public.pem");
const KEY1_JWK: &str = include_str!("fixtures/interop/key1.jwk.json");
const JWKS: &str = include_str!("fixtures/interop/jwks.json");

#[test]
fn pem_variants_load_the_same_key() {
    let key = VerifyingKey::from_pem(KEY1_PEM).unwrap();
    let crlf = KEY1_PEM.replace('\n', "\r\n");
    assert_eq!(VerifyingKey::from_pem(&crlf).unwrap(), key);
    let padded = format!("\n\n  {KEY1_PEM}\n\n");
    assert_eq!(VerifyingKey::from_pem(&padded).unwrap(), key);
    let no_newline = KEY1_PEM.trim_end();
    assert_eq!(VerifyingKey::from_pem(no_newline).unwrap(), key);
}

#[test]
fn refused_pems_say_why() {
    let cases: &[(&str, Error)] = &[
        (
            include_str!("fixtures/interop/key1.private.pem"),
            Error::PrivateKey,
        ),
        (
            include_str!("fixtures/keys/small_order.public.pem"),
            Error::WeakKey,
        ),
        (
            include_str!("fixtures/keys/noncanonical.public.pem"),
            Error::WeakKey,
        ),
        (
            include_str!("fixtures/keys/noncanonical_not_small_order.public.pem"),
            Error::WeakKey,
        ),
        (
            include_str!("fixtures/keys/rsa.public.pem"),
            Error::UnsupportedKey,
        ),
        (
            include_str!("fixtures/keys/x25519.public.pem"),
            Error::UnsupportedKey,
        ),
        (
            include_str!("fixtures/keys/ed448.public.pem"),
            Error::UnsupportedKey,
        ),
        ("", Error::InvalidKey),
        (
            "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
            Error::InvalidKey,
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            Error::UnsupportedKey,
        ),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
            Error::PrivateKey,
        ),
    ];
    for (pem, want) in cases {
        assert_eq!(VerifyingKey::from_pem(pem).err(), Some(*want), "{pem}");
    }
    // Mismatched END label, non-base64 body, padding in the middle, wrong length.
    let body = KEY1_PEM.lines().nth(1).unwrap();
    for bad in [
        format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PRIVATE KEY-----\n"),
        format!("-----BEGIN PUBLIC KEY-----\n{body}!\n-----END PUBLIC KEY-----\n"),
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            &body[..40]
        ),
        format!("-----BEGIN PUBLIC KEY-----\n{body}{body}\n-----END PUBLIC KEY-----\n"),
        // Longer than any Ed25519 SPKI (129 and 200 characters): only the first 64 are
        // decoded, to recognize another key type; zeros or bad padding are not one.
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
            "A".repeat(129)
        ),
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}\n{}\n-----END PUBLIC KEY-----\n",
            "A".repeat(64),
            "A".repeat(136)
        ),
        format!(
            "-----BEGIN PUBLIC KEY-----\n{}==\n-----END PUBLIC KEY-----\n",
            "A".repeat(198)
        ),
        format!(
            "-----BEGIN PUBLIC KEY-----\nAAAA=AAA{}\n-----END PUBLIC KEY-----\n",
            "A".repeat(192)
        ),
        format!(
            "-----BEGIN PUBLIC KEY-----\n{} {}\n-----END PUBLIC KEY-----\n",
            &body[..20],
            &body[20..]
        ),
    ] {
        assert_eq!(
            VerifyingKey::from_pem(&bad).err(),
            Some(Error::InvalidKey),
            "{bad}"
        );
    }
}

#[test]
fn spki_der_is_exact() {
    let der = include_bytes!("fixtures/interop/key1.public.der");
    let key = VerifyingKey::from_spki_der(der).unwrap();
    assert_eq!(key, VerifyingKey::from_pem(KEY1_PEM).unwrap());
    let mut trailing = der.to_vec();
    trailing.push(0);
    assert_eq!(
        VerifyingKey::from_spki_der(&trailing),
        Err(Error::InvalidKey)
    );
    assert_eq!(
        VerifyingKey::from_spki_der(&der[..43]),
        Err(Error::InvalidKey)
    );
    assert_eq!(
        VerifyingKey::from_spki_der(&der[12..]),
        Err(Error::InvalidKey)
    );
    let mut x25519 = der.to_vec();
    x25519[8] = 0x6e;
    assert_eq!(
        VerifyingKey::from_spki_der(&x25519),
        Err(Error::UnsupportedKey)
    );
    assert_eq!(VerifyingKey::from_slice(&der[12..]).unwrap(), key);
    assert_eq!(VerifyingKey::from_slice(&der[11..]), Err(Error::InvalidKey));
}

#[test]
fn jwk_rules() {
    let key = VerifyingKey::from_jwk(KEY1_JWK).unwrap();
    assert_eq!(key.kid(), Some("key-1"));
    assert_eq!(
        key.to_bytes(),
        VerifyingKey::from_pem(KEY1_PEM).unwrap().to_bytes()
    );
    let x = "97dNkpg5LIKmWryJb-_cFXeurwA3_mFNZIXQa6ReBvs";
    let jwk = |extra: &str| format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"{extra}}}"#);
    let cases: Vec<(String, Result<(), Error>)> =
        vec![
        (jwk(""), Ok(())),
        (
            jwk(r#","use":"sig","alg":"EdDSA","key_ops":["verify"]"#),
            Ok(()),
        ),
        (jwk(r#","alg":"Ed25519""#), Ok(())),
        (jwk(r#","x5c":["MIIB"],"ext":true"#), Ok(())),
        (
            jwk(r#","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A""#),
            Err(Error::PrivateKey),
        ),
        (jwk(r#","use":"enc""#), Err(Error::UnsupportedKey)),
        (jwk(r#","alg":"ES256""#), Err(Error::UnsupportedKey)),
        (jwk(r#","key_ops":["sign"]"#), Err(Error::UnsupportedKey)),
        (jwk(r#","x":"dup""#), Err(Error::InvalidKey)),
        (jwk(r#","kid":1"#), Err(Error::InvalidKey)),
        (
            jwk(&format!(r#","kid":"{}""#, "k".repeat(MAX_KID_LEN + 1))),
            Err(Error::InvalidKey),
        ),
        // The limit counts the unescaped bytes: 64 two-byte characters fit, one more byte
        // does not.
        (
            jwk(&format!(r#","kid":"{}""#, r"\u00e9".repeat(MAX_KID_LEN / 2))),
            Ok(()),
        ),
        (
            jwk(&format!(r#","kid":"{}k""#, r"\u00e9".repeat(MAX_KID_LEN / 2))),
            Err(Error::InvalidKey),
        ),
        (
            jwk(&format!(r#","kid":"{}""#, r"\u00e9".repeat(MAX_KID_LEN / 2 + 1))),
            Err(Error::InvalidKey),
        ),
        (
            jwk(&format!(r#","kid":"{}""#, "k".repeat(MAX_KID_LEN))),
            Ok(()),
        ),
        (
            format!(r#"{{"kty":"OKP","crv":"X25519","x":"{x}"}}"#),
            Err(Error::UnsupportedKey),
        ),
        (
            format!(r#"{{"kty":"EC","crv":"Ed25519","x":"{x}"}}"#),
            Err(Error::UnsupportedKey),
        ),
        (
            format!(r#"{{"crv":"Ed25519","x":"{x}"}}"#),
            Err(Error::InvalidKey),
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519"}"#.to_string(),
            Err(Error::InvalidKey),
        ),
        (
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}="}}"#),
            Err(Error::InvalidKey),
        ),
        (
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, &x[..42]),
            Err(Error::InvalidKey),
        ),
        (
            format!(
                r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#,
                x.replace('-', "+")
            ),
            Err(Error::InvalidKey),
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","x":"AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#
                .to_string(),
            Err(Error::WeakKey),
        ),
        (
            format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}} x"#),
            Err(Error::InvalidKey),
        ),
        (
            include_str!("fixtures/keys/jwk_wrong_kty.json").to_string(),
            Err(Error::UnsupportedKey),
        ),
        (
            include_str!("fixtures/keys/jwk_private.json").to_string(),
            Err(Error::PrivateKey),
        ),
    ];
    for (text, want) in cases {
        assert_eq!(VerifyingKey::from_jwk(&text).map(|_| ()), want, "{text}");
    }
    // A kid written with escapes is stored unescaped.
    let escaped = jwk(r#","kid":"key\u002d1""#);
    assert_eq!(
        VerifyingKey::from_jwk(&escaped).unwrap().kid(),
        Some("key-1")
    );
}

#[test]
fn jwks_skips_foreign_keys_and_fails_on_bad_ed25519_ones() {
    let set = KeySet::<8>::from_jwks(JWKS).unwrap();
    assert_eq!(
        set.iter().map(|k| k.kid().unwrap()).collect::<Vec<_>>(),
        ["key-1", "key-2"]
    );
    let ec = include_str!("fixtures/keys/jwk_wrong_kty.json");
    let mixed = format!(
        r#"{{"keys":[{ec},{}]}}"#,
        include_str!("fixtures/interop/key1.jwk.json")
    );
    assert_eq!(KeySet::<8>::from_jwks(&mixed).unwrap().len(), 1);
    let only_foreign = format!(r#"{{"keys":[{ec}]}}"#);
    assert_eq!(
        KeySet::<8>::from_jwks(&only_foreign).err(),
        Some(Error::UnsupportedKey)
    );
    let private = include_str!("fixtures/keys/jwk_private.json");
    let with_private = format!(
        r#"{{"keys":[{},{private}]}}"#,
        include_str!("fixtures/interop/key1.jwk.json")
    );
    let mut set = KeySet::<8>::new();
    assert_eq!(set.add_jwks(&with_private), Err(Error::PrivateKey));
    assert!(set.is_empty(), "a failed document leaves the set unchanged");
    for bad in [
        r#"{"keys":{}}"#,
        r#"{"keys":[1]}"#,
        r#"{"kets":[]}"#,
        "[]",
        r#"{"keys":[]}"#,
    ] {
        assert!(KeySet::<8>::from_jwks(bad).is_err(), "{bad}");
    }
    assert_eq!(KeySet::<1>::from_jwks(JWKS).err(), Some(Error::KeySetFull));
}

#[test]
fn add_text_detects_the_form() {
    let mut set = KeySet::<8>::new();
    assert_eq!(set.add_text(KEY1_PEM), Ok(1));
    assert_eq!(set.add_text(KEY1_JWK), Ok(1));
    assert_eq!(set.add_text(JWKS), Ok(2));
    assert_eq!(set.add_text("hello"), Err(Error::InvalidKey));
    assert_eq!(set.len(), 4);
    // A `keys` member makes any object a JWKS, whatever else it holds; a JWK ignores a
    // `keys` member of its own; invalid JSON is `invalid-key` either way.
    let jwk = KEY1_JWK.trim_end().trim_end_matches('}');
    for (text, want) in [
        (r#"{"keys":{}}"#.to_string(), Err(Error::InvalidKey)),
        (r#"{"keys":[]}"#.to_string(), Err(Error::UnsupportedKey)),
        (
            r#"{"keys":"x","kty":"OKP"}"#.to_string(),
            Err(Error::InvalidKey),
        ),
        (format!(r#"{{"keys":[{jwk}}}],"kid":1}}"#), Ok(1)),
        (format!(r#"{jwk},"keys":[]}}"#), Err(Error::UnsupportedKey)),
        (format!(r#"{{"keys":[{jwk},"keys":{{}}}}]}}"#), Ok(1)),
        (format!(r#"{jwk},"keys":[]"#), Err(Error::InvalidKey)),
    ] {
        assert_eq!(KeySet::<8>::new().add_text(&text), want, "{text}");
    }
    let with_keys = format!(r#"{jwk},"keys":[]}}"#);
    assert_eq!(
        VerifyingKey::from_jwk(&with_keys),
        Ok(VerifyingKey::from_jwk(KEY1_JWK).unwrap())
    );
    assert_eq!(
        KeySet::<8>::from_jwks(KEY1_JWK).err(),
        Some(Error::InvalidKey)
    );
}

#[test]
fn debug_shows_kid_and_public_x_only() {
    let key = VerifyingKey::from_jwk(KEY1_JWK).unwrap();
    let shown = format!("{key:?}");
    assert!(
        shown.contains("key-1") && shown.contains("97dNkpg5LIKmWryJb-_cFXeurwA3_mFNZIXQa6ReBvs"),
        "{shown}"
    );
}

#[cfg(feature = "std")]
mod files {
    use std::io::ErrorKind;

    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn key_error(e: &std::io::Error) -> Option<Error> {
        e.get_ref().and_then(|i| i.downcast_ref::<Error>()).copied()
    }

    #[test]
    fn every_file_form_loads() {
        let pem = VerifyingKey::from_file(format!("{DIR}/interop/key1.public.pem")).unwrap();
        let der = VerifyingKey::from_file(format!("{DIR}/interop/key1.public.der")).unwrap();
        let jwk = VerifyingKey::from_file(format!("{DIR}/interop/key1.jwk.json")).unwrap();
        assert_eq!(pem, der);
        assert_eq!(pem.to_bytes(), jwk.to_bytes());
        let set = KeySet::<4>::from_file(format!("{DIR}/interop/jwks.json")).unwrap();
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn file_errors_keep_their_kind_and_reason() {
        let e = VerifyingKey::from_file(format!("{DIR}/nope.pem")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        for (file, want) in [
            ("interop/key1.private.pem", Error::PrivateKey),
            ("keys/small_order.public.pem", Error::WeakKey),
            ("keys/rsa.public.pem", Error::UnsupportedKey),
            ("keys/jwk_private.json", Error::PrivateKey),
            ("interop/jwks.json", Error::InvalidKey),
            ("interop/README.md", Error::InvalidKey),
        ] {
            let e = VerifyingKey::from_file(format!("{DIR}/{file}")).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidData, "{file}");
            assert_eq!(key_error(&e), Some(want), "{file}");
        }
    }

    #[test]
    fn oversized_files_are_refused_without_reading_them_whole() {
        let path = std::env::temp_dir().join(format!("edjwt-big-{}.pem", std::process::id()));
        std::fs::write(&path, vec![b' '; edjwt::MAX_KEY_FILE_LEN + 1]).unwrap();
        let e = KeySet::<1>::from_file(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(key_error(&e), Some(Error::InvalidKey));
    }

    #[test]
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    fn now_is_the_system_clock() {
        let now = edjwt::now();
        let std_now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert!(now.abs_diff(std_now) <= 1);
    }
}

/// The PEM body decoder (base64url's strict decoder after mapping `+ /` and removing the
/// padding) against `base64ct`'s strict padded `Base64` followed by the SPKI parser: every
/// character of the base64 alphabet, `=`, and the URL-safe `- _` at every position of a
/// real openssl key's body, and every padding length. Same verdict, same reason.
#[test]
fn pem_body_decoding_agrees_with_base64ct() {
    use base64ct::{Base64, Encoding};

    let reference = |body: &str| -> Result<VerifyingKey, Error> {
        let mut der = [0u8; 128];
        match Base64::decode(body, &mut der) {
            Ok(der) => VerifyingKey::from_spki_der(der),
            Err(_) => Err(Error::InvalidKey),
        }
    };
    let pem =
        |body: &str| format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n");
    let body: String = KEY1_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    assert_eq!(body.len(), 60);
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_";
    let mut accepted = 0;
    for at in 0..body.len() {
        for c in alphabet.chars() {
            let mut mutated = body.clone().into_bytes();
            mutated[at] = c as u8;
            let mutated = String::from_utf8(mutated).unwrap();
            let ours = VerifyingKey::from_pem(&pem(&mutated));
            // `- _` never reach the decoder: the PEM parser refuses them as `invalid-key`.
            assert_eq!(ours, reference(&mutated), "{mutated}");
            accepted += usize::from(ours.is_ok());
        }
    }
    assert!(accepted > 1000, "{accepted}");
    // Padding: a 32-byte DER value is 44 characters with one `=`; other lengths too.
    for len in [0usize, 1, 2, 3, 4, 5, 30, 31, 32, 33, 44] {
        let der: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let text = Base64::encode_string(&der);
        for variant in [
            text.clone(),
            text.trim_end_matches('=').to_string(),
            format!("{text}="),
            format!("{text}=="),
            format!("={}", text.trim_end_matches('=')),
        ] {
            assert_eq!(
                VerifyingKey::from_pem(&pem(&variant)).err(),
                reference(&variant).err(),
                "{variant:?}"
            );
        }
    }
}
