//! Differential: edjwt's base64url (base64ct, strict) against the `base64` crate's
//! URL-safe no-padding engine, which also rejects padding and non-canonical trailing bits.
//! One string, three places: the payload segment and the 86-character signature segment
//! (both decoded once a key is selected, before the signature check), and a JWK's
//! 43-character `x`. Accepted strings must
//! decode to the same bytes and re-encode to themselves.
#![no_main]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use edjwt::{Error, Limits, Policy, Verifier, VerifyingKey};
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;

const HEADER: &str = "eyJhbGciOiJFZERTQSJ9"; // {"alg":"EdDSA"}

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let reference = URL_SAFE_NO_PAD.decode(s);
    if let Ok(bytes) = &reference {
        assert_eq!(
            URL_SAFE_NO_PAD.encode(bytes),
            s,
            "strict base64 is canonical"
        );
    }
    let limits = Limits {
        max_token_len: usize::MAX,
        max_header_len: usize::MAX,
    };

    let keys = [sign::signer_key()];
    let verifier = Verifier::new(&keys, Policy::new().limits(limits));

    // Payload segment, decoded once a key is selected: a strict encoding gets as far as
    // the signature check (which this fixed signature fails).
    let token = format!("{HEADER}.{s}.{}", sign::SIG86);
    let mut buf = vec![0u8; token.len()];
    let got = verifier.verify_jws(&token, &mut buf).err();
    let want = if !s.is_empty() && reference.is_ok() {
        Error::BadSignature
    } else {
        Error::Malformed
    };
    assert_eq!(got, Some(want), "payload {s:?}");
    if let Ok(bytes) = &reference {
        if !s.is_empty() {
            // Same bytes: sign the segment as received and read the JWS payload back.
            let token = sign::sign_input(&format!("{HEADER}.{s}"));
            let mut buf = vec![0u8; token.len()];
            let jws = verifier
                .verify_jws(&token, &mut buf)
                .expect("signed, strict payload");
            assert_eq!(jws.payload(), &bytes[..]);
        }
    }

    // Signature segment: exactly 86 characters, 64 bytes.
    if s.len() == 86 {
        let token = format!("{HEADER}.e30.{s}");
        let mut buf = vec![0u8; token.len()];
        let got = verifier.verify_jws(&token, &mut buf).err();
        let want = if reference.is_ok() {
            Error::BadSignature
        } else {
            Error::Malformed
        };
        assert_eq!(got, Some(want), "signature {s:?}");
    }

    // JWK `x`: exactly 43 characters, 32 bytes; a valid encoding may still be a weak key.
    if s.len() == 43 && !s.contains(['"', '\\']) && !s.chars().any(char::is_control) {
        let jwk = format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{s}"}}"#);
        match VerifyingKey::from_jwk(&jwk) {
            Ok(_) | Err(Error::WeakKey) => assert!(reference.is_ok(), "x {s:?}"),
            Err(Error::InvalidKey) => assert!(reference.is_err(), "x {s:?}"),
            Err(e) => panic!("x {s:?}: {e:?}"),
        }
    }
});
