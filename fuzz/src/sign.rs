//! Signing with fixed, public test keys, the way `tests/common/mod.rs` does.

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use ed25519_compact::{KeyPair, Seed};
use edjwt::{Limits, Policy, VerifyingKey};

/// RFC 8037 Appendix A.1 private key seed (a public test key).
pub const SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

/// A second key that never signs anything here (a wrong candidate for key selection).
pub const OTHER_SEED: [u8; 32] = [0x42; 32];

/// RFC 8037 A.2 public key, `x`.
pub const X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

/// A well-formed 86-character signature segment (canonical trailing bits) that verifies
/// nothing: for targets that stop before the signature check.
pub const SIG86: &str =
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn keypair() -> &'static KeyPair {
    static KP: OnceLock<KeyPair> = OnceLock::new();
    KP.get_or_init(|| KeyPair::from_seed(Seed::new(SEED)))
}

fn other_keypair() -> &'static KeyPair {
    static KP: OnceLock<KeyPair> = OnceLock::new();
    KP.get_or_init(|| KeyPair::from_seed(Seed::new(OTHER_SEED)))
}

/// The signer's verifying key, without `kid`.
pub fn signer_key() -> VerifyingKey {
    VerifyingKey::from_bytes(&keypair().pk).expect("RFC 8037 key is valid")
}

/// The other key, without `kid`.
pub fn other_key() -> VerifyingKey {
    VerifyingKey::from_bytes(&other_keypair().pk).expect("test key is valid")
}

/// Unpadded base64url.
pub fn b64(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// `b64(header).b64(payload).sig` signed with the RFC 8037 key over exactly those bytes.
pub fn sign(header: &[u8], payload: &[u8]) -> String {
    sign_input(&format!("{}.{}", b64(header), b64(payload)))
}

/// Appends a signature over exactly `input`.
pub fn sign_input(input: &str) -> String {
    let sig = keypair().sk.sign(input.as_bytes(), None);
    format!("{input}.{}", b64(&sig[..]))
}

/// The policy of the targets that sign arbitrary payloads: only the JSON and the claims'
/// types may reject (no size limit, no time, no `exp` required, any audience: an `aud` of
/// the wrong type is still `invalid-claim`; the audience rule has tests of its own).
pub fn permissive_policy() -> Policy<'static> {
    Policy::new()
        .allow_missing_exp()
        .any_audience()
        .leeway(u64::MAX)
        .limits(Limits {
            max_token_len: usize::MAX,
            max_header_len: usize::MAX,
        })
}
