//! JWKS loading (`KeySet::from_jwks`, `KeySet::add_text`): any text. A loaded set holds
//! 1..=N valid keys; a failed `add_text` leaves the set as it was ("a half-loaded key set
//! hides mistakes"), a successful one adds exactly the count it returns.
#![no_main]

use edjwt::{Error, KeySet, VerifyingKey};
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match KeySet::<4>::from_jwks(text) {
        Ok(set) => {
            assert!((1..=4).contains(&set.len()));
            for key in set.iter() {
                assert!(VerifyingKey::from_bytes(&key.to_bytes()).is_ok());
            }
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::InvalidKey
                    | Error::UnsupportedKey
                    | Error::WeakKey
                    | Error::PrivateKey
                    | Error::KeySetFull
            ),
            "{e:?}"
        ),
    }
    let mut set = KeySet::<3>::new();
    set.push(sign::other_key()).unwrap();
    let before: Vec<_> = set.iter().cloned().collect();
    match set.add_text(text) {
        Ok(n) => {
            assert!(n >= 1);
            assert_eq!(set.len(), 1 + n);
            assert!(set[0] == before[0]);
        }
        Err(_) => assert!(
            set.iter().eq(before.iter()),
            "failed add_text changed the set"
        ),
    }
});
