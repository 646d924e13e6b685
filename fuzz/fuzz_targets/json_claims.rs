//! The strict JSON layer on claims: arbitrary bytes signed as the payload (so the claims
//! parser runs), verified with a permissive policy; a verified token's registered claims,
//! `contains` and `deserialize_claims` must work on whatever the validator accepted.
#![no_main]

use edjwt::{Error, Verifier};
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Borrowed<'a> {
    #[serde(borrow)]
    prefix: Option<&'a str>,
    sub: Option<heapless::String<64>>,
    n: Option<i64>,
}

fuzz_target!(|data: &[u8]| {
    let token = sign::sign(br#"{"alg":"EdDSA"}"#, data);
    let keys = [sign::signer_key()];
    let policy = sign::permissive_policy();
    let verifier = Verifier::new(&keys, policy);
    let mut buf = vec![0u8; token.len()];
    match verifier.verify(&token, 1_700_000_000, &mut buf) {
        Ok(v) => {
            assert_eq!(v.payload().as_bytes(), data);
            let c = v.claims();
            for s in [c.issuer(), c.subject(), c.jwt_id()].into_iter().flatten() {
                let mut out = vec![0u8; s.raw().len()];
                assert_eq!(s.unescape_into(&mut out).unwrap(), s.to_string());
            }
            if let Some(aud) = c.audience() {
                for a in aud.iter() {
                    assert!(aud.contains(&a.to_string()));
                }
            }
            // A registered claim is present exactly when its accessor returns a value.
            assert_eq!(c.contains("iss"), c.issuer().is_some());
            assert_eq!(c.contains("sub"), c.subject().is_some());
            assert_eq!(c.contains("aud"), c.audience().is_some());
            assert_eq!(c.contains("exp"), c.expires_at().is_some());
            assert_eq!(c.contains("nbf"), c.not_before().is_some());
            assert_eq!(c.contains("iat"), c.issued_at().is_some());
            assert_eq!(c.contains("jti"), c.jwt_id().is_some());
            let mut scratch = vec![0u8; 2 * data.len()];
            match v.deserialize_claims::<Borrowed<'_>>(&mut scratch) {
                Ok(_) | Err(Error::InvalidClaim) => {}
                Err(e) => panic!("deserialize_claims with a large scratch: {e:?}"),
            }
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::Malformed
                    | Error::NestingTooDeep
                    | Error::TooManyMembers
                    | Error::InvalidClaim
            ),
            "{e:?}"
        ),
    }
});
