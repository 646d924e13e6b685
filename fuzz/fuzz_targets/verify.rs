//! Token verification: arbitrary bytes as a token against a fixed key set (the RFC 8037 key
//! with `kid` "rfc8037" and a second, kid-less key), the attack corpus's policy, time and an
//! 8 KiB buffer. Besides "no panic, no hang", the entry points must agree with each other:
//! `verify` = `parse` + `verify_untrusted`; `verify_jws` fails exactly when `verify` fails
//! before the claims; `verify_authorization("Bearer " + token)` = `verify(token)`.
#![no_main]

use edjwt::{Error, Policy, UntrustedToken, Verifier, DEFAULT_MAX_TOKEN_LEN};
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;

/// `now` of the attack corpus (tests/vectors/jwt_attacks.json).
const NOW: u64 = 1_700_000_100;

/// Errors reported only once the signature verified.
fn after_signature(e: Error) -> bool {
    use Error::*;
    matches!(
        e,
        Expired
            | NotYetValid
            | IssuedInFuture
            | TooOld
            | WrongIssuer
            | WrongAudience
            | WrongSubject
            | WrongType
            | MissingClaim
            | InvalidClaim
    )
}

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let keys = [
        sign::signer_key().with_kid("rfc8037").unwrap(),
        sign::other_key(),
    ];
    let policy = Policy::new()
        .issuer("https://issuer.example")
        .audience("api")
        .leeway(60);
    let verifier = Verifier::new(&keys, policy);
    let mut buf = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let verified = verifier.verify(token, NOW, &mut buf).map(|v| {
        let _ = v.claims().audience().map(|a| a.iter().count());
        (v.payload().to_owned(), v.key_index())
    });

    let mut buf2 = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let split = UntrustedToken::parse(token, &mut buf2)
        .and_then(|u| verifier.verify_untrusted(u, NOW))
        .map(|v| (v.payload().to_owned(), v.key_index()));
    assert_eq!(verified, split, "verify != parse + verify_untrusted");

    let mut buf3 = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let jws = verifier.verify_jws(token, &mut buf3);
    match (&verified, &jws) {
        (Ok((payload, index)), Ok(j)) => {
            assert_eq!(payload.as_bytes(), j.payload());
            assert_eq!(*index, j.key_index());
        }
        (Err(e), Ok(_)) => assert!(
            after_signature(*e)
                || *e == Error::Malformed
                || *e == Error::NestingTooDeep
                || *e == Error::TooManyMembers,
            "verify_jws accepted what verify rejected before the claims: {e:?}"
        ),
        (Err(e), Err(j)) => {
            assert!(
                !after_signature(*e),
                "claims error {e:?} but the JWS did not verify"
            );
            assert_eq!(e, j, "verify and verify_jws disagree before the signature");
        }
        (Ok(_), Err(j)) => panic!("verify accepted, verify_jws rejected: {j:?}"),
    }

    let header = format!("Bearer {token}");
    let mut buf4 = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let via_header = verifier
        .verify_authorization(Some(&header), NOW, &mut buf4)
        .map(|v| (v.payload().to_owned(), v.key_index()));
    if edjwt::bearer_token(Some(&header)) == Ok(token) || verified.is_ok() {
        assert_eq!(verified, via_header, "verify_authorization != verify");
    }
});
