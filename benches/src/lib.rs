//! Shared fixtures and one `verify` function per library, used by the criterion benches
//! (`benches/verify.rs`) and the instruction/allocation counter (`src/bin/measure.rs`).
//!
//! Every function returns whether the token verified, so callers assert the outcome and a
//! benchmark can never quietly time a failure path.

use base64ct_enc::b64;
use ed25519_compact::{KeyPair, Seed};

/// Seed of the benchmark signing key (not secret: benchmarks only).
pub const SEED: [u8; 32] = [42; 32];
/// `now` for every check: inside every token's validity window.
pub const NOW: u64 = 1_800_000_000;
pub const ISSUER: &str = "https://auth.example.com";
pub const AUDIENCE: &str = "api.example.com";
pub const KID: &str = "2026-11-key-1";

mod base64ct_enc {
    pub fn b64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            }
        }
        out
    }
}

/// The benchmark tokens and key.
pub struct Fixtures {
    pub public_key: [u8; 32],
    /// `{"alg":"EdDSA"}` and only `iss`, `aud`, `exp`.
    pub small: String,
    /// The 441-byte-class token: EdDSA, kid, iss/sub/aud/exp/nbf/iat/jti, two custom claims.
    pub typical: String,
    /// About 4 KiB: the typical token plus a long `groups` array.
    pub large: String,
    /// The typical token with one signature bit flipped.
    pub bad_signature: String,
    /// Validly signed, expired.
    pub expired: String,
    /// `alg` HS256 (rejected before any cryptography).
    pub wrong_alg: String,
    /// A `kid` no key has.
    pub unknown_kid: String,
}

pub const TYPICAL_HEADER: &str = r#"{"alg":"EdDSA","typ":"JWT","kid":"2026-11-key-1"}"#;

fn typical_claims(extra: &str, exp: u64) -> String {
    format!(
        r#"{{"iss":"{ISSUER}","sub":"user-1234567890","aud":"{AUDIENCE}","exp":{exp},"nbf":1700000000,"iat":1700000000,"jti":"b2f8a1c4-3d5e-4f6a-8b7c-9d0e1f2a3b4c","prefix":"projects/alpha/","roles":["reader","writer"]{extra}}}"#
    )
}

pub fn sign(header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let kp = KeyPair::from_seed(Seed::new(SEED));
    let sig = kp.sk.sign(input.as_bytes(), None);
    format!("{input}.{}", b64(&sig[..]))
}

impl Fixtures {
    /// The typical token's claims (valid until 2100).
    pub fn typical_claims(&self) -> String {
        typical_claims("", 4_102_444_800)
    }

    pub fn new() -> Self {
        let kp = KeyPair::from_seed(Seed::new(SEED));
        let typical = sign(TYPICAL_HEADER, &typical_claims("", 4_102_444_800));
        let groups: Vec<String> = (0..150)
            .map(|i| format!(r#""group-{i:05}-example""#))
            .collect();
        let large = sign(
            TYPICAL_HEADER,
            &typical_claims(
                &format!(r#","groups":[{}]"#, groups.join(",")),
                4_102_444_800,
            ),
        );
        let mut bad = typical.clone().into_bytes();
        let last = bad.len() - 10;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        Fixtures {
            public_key: *kp.pk,
            small: sign(
                r#"{"alg":"EdDSA"}"#,
                &format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","exp":4102444800}}"#),
            ),
            bad_signature: String::from_utf8(bad).unwrap(),
            expired: sign(TYPICAL_HEADER, &typical_claims("", 1_700_000_100)),
            wrong_alg: sign(
                r#"{"alg":"HS256","typ":"JWT","kid":"2026-11-key-1"}"#,
                &typical_claims("", 4_102_444_800),
            ),
            unknown_kid: sign(
                r#"{"alg":"EdDSA","typ":"JWT","kid":"2026-10-old"}"#,
                &typical_claims("", 4_102_444_800),
            ),
            typical,
            large,
        }
    }
}

impl Default for Fixtures {
    fn default() -> Self {
        Self::new()
    }
}

/// The floor: raw `ed25519-compact` verify of the signing input, the signature decoded
/// beforehand (what every JWT library must do at least).
pub mod raw {
    use ed25519_compact::{PublicKey, Signature};

    pub struct Raw {
        pk: PublicKey,
        input: Vec<u8>,
        sig: Signature,
    }

    impl Raw {
        pub fn new(public_key: [u8; 32], token: &str) -> Self {
            let (input, sig_b64) = token.rsplit_once('.').unwrap();
            let mut sig = [0u8; 64];
            base64ct::Base64UrlUnpadded::decode(sig_b64, &mut sig).unwrap();
            Raw {
                pk: PublicKey::new(public_key),
                input: input.as_bytes().to_vec(),
                sig: Signature::new(sig),
            }
        }

        pub fn verify(&self) -> bool {
            self.pk.verify(&self.input, &self.sig).is_ok()
        }
    }
    use base64ct::Encoding;
}

pub mod edjwt_lib {
    use edjwt::{KeySet, Policy, Verifier, VerifyingKey};

    pub fn keys<const N: usize>(public_key: [u8; 32], n: usize) -> KeySet<N> {
        let mut set = KeySet::new();
        // n-1 other keys first, the signing key last: the worst case for kid-less lookup.
        for i in 1..n {
            let other =
                ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new([i as u8; 32]));
            set.push(
                VerifyingKey::from_bytes(&other.pk)
                    .unwrap()
                    .with_kid(&format!("other-{i}"))
                    .unwrap(),
            )
            .unwrap();
        }
        set.push(
            VerifyingKey::from_bytes(&public_key)
                .unwrap()
                .with_kid(super::KID)
                .unwrap(),
        )
        .unwrap();
        set
    }

    pub const POLICY: Policy<'static> = Policy::new()
        .issuer(super::ISSUER)
        .audience(super::AUDIENCE);

    /// Full verify: signature, registered claims, policy.
    pub fn verify(verifier: &Verifier<'_, '_>, token: &str, buf: &mut [u8]) -> bool {
        verifier.verify(token, super::NOW, buf).is_ok()
    }

    /// Full verify plus reading a custom claim.
    pub fn verify_with_custom(verifier: &Verifier<'_, '_>, token: &str, buf: &mut [u8]) -> bool {
        #[derive(serde::Deserialize)]
        struct Scope<'a> {
            prefix: &'a str,
        }
        match verifier.verify(token, super::NOW, buf) {
            Ok(v) => v
                .deserialize_claims::<Scope<'_>>(&mut [])
                .is_ok_and(|s| s.prefix == "projects/alpha/"),
            Err(_) => false,
        }
    }
}

/// Peer libraries, each configured to check what edjwt checks on these tokens: EdDSA only,
/// the issuer, the audience, `exp` (and `nbf`) with 60 s leeway, and the `kid` a caller
/// would compare itself where the library does not.
pub mod peers {

    use super::{Fixtures, AUDIENCE, ISSUER, KID};

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Custom {
        prefix: Option<String>,
    }

    pub fn runner(lib: &str, f: &Fixtures) -> Box<dyn FnMut(&str) -> bool> {
        match lib {
            "jsonwebtoken" => Box::new(jsonwebtoken_verifier(f.public_key)),
            "jwt-simple" => Box::new(jwt_simple_verifier(f.public_key)),
            "jwt-compact" => Box::new(jwt_compact_verifier(f.public_key)),
            other => panic!("unknown library {other}"),
        }
    }

    /// `jsonwebtoken` (ed25519-dalek through its `rust_crypto` provider).
    pub fn jsonwebtoken_verifier(public_key: [u8; 32]) -> impl FnMut(&str) -> bool {
        use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};
        let x = super::base64ct_enc::b64(&public_key);
        let key = DecodingKey::from_ed_components(&x).unwrap();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = 60;
        validation.validate_nbf = true;
        move |token: &str| {
            let Ok(header) = decode_header(token) else {
                return false;
            };
            if header.kid.as_deref().is_some_and(|k| k != KID) {
                return false;
            }
            decode::<Custom>(token, &key, &validation).is_ok()
        }
    }

    /// `jwt-simple` with its pure-Rust backend (ed25519-compact).
    pub fn jwt_simple_verifier(public_key: [u8; 32]) -> impl FnMut(&str) -> bool {
        use jwt_simple::prelude::*;
        let key = Ed25519PublicKey::from_bytes(&public_key)
            .unwrap()
            .with_key_id(KID);
        let options = VerificationOptions {
            allowed_issuers: Some(HashSet::from([ISSUER.to_string()])),
            allowed_audiences: Some(HashSet::from([AUDIENCE.to_string()])),
            time_tolerance: Some(Duration::from_secs(60)),
            ..Default::default()
        };
        move |token: &str| {
            let Ok(meta) = Token::decode_metadata(token) else {
                return false;
            };
            if meta.key_id().is_some_and(|k| k != KID) {
                return false;
            }
            key.verify_token::<Custom>(token, Some(options.clone()))
                .is_ok()
        }
    }

    /// `jwt-compact` with its ed25519-compact backend.
    pub fn jwt_compact_verifier(public_key: [u8; 32]) -> impl FnMut(&str) -> bool {
        use jwt_compact::alg::Ed25519;
        use jwt_compact::{AlgorithmExt as _, TimeOptions, UntrustedToken};
        let key =
            <Ed25519 as jwt_compact::Algorithm>::VerifyingKey::from_slice(&public_key).unwrap();
        let time = TimeOptions::default();
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Claims {
            iss: String,
            aud: String,
            prefix: Option<String>,
        }
        move |token: &str| {
            let Ok(untrusted) = UntrustedToken::new(token) else {
                return false;
            };
            if untrusted
                .header()
                .key_id
                .as_deref()
                .is_some_and(|k| k != KID)
            {
                return false;
            }
            let Ok(token) = Ed25519.validator::<Claims>(&key).validate(&untrusted) else {
                return false;
            };
            let claims = token.claims();
            claims.validate_expiration(&time).is_ok()
                && (claims.not_before.is_none() || claims.validate_maturity(&time).is_ok())
                && claims.custom.iss == ISSUER
                && claims.custom.aud == AUDIENCE
        }
    }
}

/// The signing input and decoded signature of a token.
pub fn split_signature(token: &str) -> (Vec<u8>, [u8; 64]) {
    use base64ct::Encoding;
    let (input, sig_b64) = token.rsplit_once('.').unwrap();
    let mut sig = [0u8; 64];
    base64ct::Base64UrlUnpadded::decode(sig_b64, &mut sig).unwrap();
    (input.as_bytes().to_vec(), sig)
}
