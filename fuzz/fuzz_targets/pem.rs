//! PEM key loading (`VerifyingKey::from_pem`): any text. A loaded key's PEM body is the
//! Ed25519 SPKI of that key in strict standard base64 (checked with the `base64` crate), and
//! the canonical PEM of the key loads the same key.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use edjwt::{Error, VerifyingKey};
use libfuzzer_sys::fuzz_target;

const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match VerifyingKey::from_pem(text) {
        Ok(key) => {
            // The body: between the BEGIN boundary and the last END boundary, CR/LF
            // removed (RFC 7468 §3 lax parsing lets the END boundary follow the padding on
            // the same line: "...Bvs\n=-----END PUBLIC KEY-----").
            let begin = "-----BEGIN PUBLIC KEY-----";
            let start = text.find(begin).expect("accepted PEM has the boundary") + begin.len();
            let end = text
                .rfind("-----END ")
                .expect("accepted PEM has the END boundary");
            let body = text[start..end].replace(['\r', '\n'], "");
            let der = STANDARD
                .decode(&body)
                .expect("accepted PEM body is strict base64");
            let mut want = SPKI_PREFIX.to_vec();
            want.extend_from_slice(&key.to_bytes());
            assert_eq!(der, want);
            let canonical = format!(
                "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
                STANDARD.encode(&der)
            );
            assert!(VerifyingKey::from_pem(&canonical).unwrap() == key);
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::InvalidKey | Error::UnsupportedKey | Error::WeakKey | Error::PrivateKey
            ),
            "{e:?}"
        ),
    }
});
