//! JWK loading (`VerifyingKey::from_jwk`), which also runs the strict JSON layer on any
//! bytes without a signature. A loaded key is a valid Ed25519 key, and `KeySet::add_text`
//! gives the same verdict and key for a JSON object that has no `keys` member.
#![no_main]

use edjwt::{Error, KeySet, VerifyingKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let result = VerifyingKey::from_jwk(text);
    match &result {
        Ok(key) => {
            assert!(VerifyingKey::from_bytes(&key.to_bytes()).is_ok());
            assert!(key.kid().is_none_or(|k| k.len() <= edjwt::MAX_KID_LEN));
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::InvalidKey | Error::UnsupportedKey | Error::WeakKey | Error::PrivateKey
            ),
            "{e:?}"
        ),
    }
    // add_text takes a JSON object with a top-level "keys" member as a JWKS, any other
    // object as a JWK.
    let is_jwks =
        serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.get("keys").is_some());
    if text.trim_start().starts_with('{') && !is_jwks {
        let mut set = KeySet::<1>::new();
        let added = set.add_text(text);
        assert_eq!(
            added.is_ok(),
            result.is_ok(),
            "add_text {added:?} vs from_jwk {result:?}"
        );
        match (added, result) {
            (Ok(n), Ok(key)) => {
                assert_eq!(n, 1);
                assert!(set[0] == key);
            }
            (Err(a), Err(b)) => assert_eq!(a, b),
            _ => unreachable!(),
        }
    }
});
