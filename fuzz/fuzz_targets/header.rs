//! The JOSE header parser (crate-private `header.rs`), reached through
//! `UntrustedToken::parse` on `base64url(bytes) + ".e30." + <86-character signature>`.
//! A header that parses was exactly those bytes, has one of the two accepted algorithms,
//! and its `kid`/`typ` are text found in it.
#![no_main]

use edjwt::{Error, UntrustedToken, DEFAULT_MAX_HEADER_LEN};
use edjwt_fuzz::sign;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let header_b64 = sign::b64(data);
    let token = format!("{header_b64}.e30.{}", sign::SIG86);
    let mut buf = vec![0u8; token.len()];
    match UntrustedToken::parse(&token, &mut buf) {
        Ok(t) => {
            let h = t.header();
            assert_eq!(h.json().as_bytes(), data);
            assert!(matches!(h.alg().as_str(), "EdDSA" | "Ed25519"));
            for s in [t.kid(), h.typ()].into_iter().flatten() {
                assert!(h.json().contains(s.raw()));
                let mut out = vec![0u8; s.raw().len()];
                let text = s
                    .unescape_into(&mut out)
                    .expect("raw length always suffices");
                assert_eq!(text, s.to_string());
                assert_eq!(text.len(), s.unescaped_len());
                assert_eq!(s.as_str().is_some(), !s.raw().contains('\\'));
                assert!(s == text);
            }
        }
        Err(Error::HeaderTooLarge) => assert!(header_b64.len() > DEFAULT_MAX_HEADER_LEN),
        Err(e) => {
            assert!(header_b64.len() <= DEFAULT_MAX_HEADER_LEN);
            assert!(
                matches!(
                    e,
                    Error::Malformed
                        | Error::NestingTooDeep
                        | Error::TooManyMembers
                        | Error::UnsupportedAlgorithm
                        | Error::UnsupportedHeader
                        | Error::TokenTooLarge
                ),
                "{e:?}"
            );
        }
    }
});
