//! Behaviour that no other test pinned down, found by mutation testing (`mutants.sh`,
//! `docs/mutants.md`): each test here fails for a mutant of `src/` that the rest of the
//! suite let through.

mod common;

use common::{policy, rfc8037_key, sign, CLAIMS, NOW};
use edjwt::{Algorithm, Verifier};

/// The accepted `alg` values by name (RFC 8037 `EdDSA`, RFC 9864 `Ed25519`).
#[test]
fn algorithm_names_are_the_header_values() {
    assert_eq!(Algorithm::EdDsa.as_str(), "EdDSA");
    assert_eq!(Algorithm::Ed25519.as_str(), "Ed25519");
    let keys = [rfc8037_key()];
    let verifier = Verifier::new(&keys, policy());
    for (header, alg) in [
        (r#"{"alg":"EdDSA"}"#, Algorithm::EdDsa),
        (r#"{"alg":"Ed25519"}"#, Algorithm::Ed25519),
    ] {
        let token = sign(header, CLAIMS);
        let mut buf = [0u8; 512];
        let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
        assert_eq!(verified.header().alg(), alg);
        assert_eq!(
            verified.header().alg().as_str(),
            &header[8..header.len() - 2]
        );
    }
}

/// `Header::json` is the decoded header exactly as signed (whitespace and member order
/// kept), not a re-serialization.
#[test]
fn header_json_is_the_decoded_header_text() {
    let header = "{ \"typ\":\"JWT\",\n \"alg\":\"EdDSA\" }";
    let token = sign(header, CLAIMS);
    let keys = [rfc8037_key()];
    let verifier = Verifier::new(&keys, policy());
    let mut buf = [0u8; 512];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    assert_eq!(verified.header().json(), header);
    assert_eq!(verified.payload(), CLAIMS);
}
