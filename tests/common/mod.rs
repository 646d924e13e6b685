//! Test helpers: a fixed signing key and a signer that builds tokens from raw JSON text.
#![allow(dead_code)]

pub mod counting;

use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_compact::{KeyPair, Seed};
use edjwt::{Policy, VerifyingKey};

/// RFC 8037 Appendix A.1 private key seed (public test key).
pub const RFC8037_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

/// RFC 8037 A.2 public key, `x`.
pub const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

/// `now` used by the attack corpus and the interop fixtures.
pub const NOW: u64 = 1_700_000_100;

pub fn keypair(seed: [u8; 32]) -> KeyPair {
    KeyPair::from_seed(Seed::new(seed))
}

pub fn rfc8037_key() -> VerifyingKey {
    VerifyingKey::from_bytes(&keypair(RFC8037_SEED).pk).unwrap()
}

pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Signs `header.payload` (given as JSON text, encoded exactly as given).
pub fn sign_with(seed: [u8; 32], header: &str, payload: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    sign_input(seed, &input)
}

/// Appends a signature over exactly `input`.
pub fn sign_input(seed: [u8; 32], input: &str) -> String {
    let sig = keypair(seed).sk.sign(input.as_bytes(), None);
    format!("{input}.{}", b64(&sig[..]))
}

/// Signs with the RFC 8037 key.
pub fn sign(header: &str, payload: &str) -> String {
    sign_with(RFC8037_SEED, header, payload)
}

pub const HEADER: &str = r#"{"alg":"EdDSA","typ":"JWT","kid":"rfc8037"}"#;

/// A claims set valid at [`NOW`] under [`policy`].
pub const CLAIMS: &str = r#"{"iss":"https://issuer.example","sub":"alice","aud":"api","iat":1700000000,"nbf":1700000000,"exp":1700003600}"#;

/// The attack corpus context: issuer, audience, leeway 60 s, exp required.
pub fn policy() -> Policy<'static> {
    Policy::new()
        .issuer("https://issuer.example")
        .audience("api")
        .leeway(60)
}
