//! SPKI DER key loading (`VerifyingKey::from_spki_der`): any bytes. Accepted exactly when
//! the bytes are the 12-byte Ed25519 SPKI prefix and a valid 32-byte key; the same DER
//! wrapped in a PEM gets the same verdict from `from_pem`.
#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use edjwt::VerifyingKey;
use libfuzzer_sys::fuzz_target;

const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

fuzz_target!(|der: &[u8]| {
    let result = VerifyingKey::from_spki_der(der);
    let expected_ok = der.len() == 44
        && der.starts_with(&SPKI_PREFIX)
        && VerifyingKey::from_bytes(der[12..].try_into().unwrap()).is_ok();
    assert_eq!(result.is_ok(), expected_ok);
    if let Ok(key) = &result {
        assert_eq!(&key.to_bytes()[..], &der[12..]);
    }
    let body = STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let pem = format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    );
    assert_eq!(VerifyingKey::from_pem(&pem), result, "pem: {pem}");
});
