//! Structure-aware: tokens built from an `arbitrary` model (header and claims with escapes,
//! number forms, nesting, duplicates; keys with and without `kid`; any policy, time and
//! limits), signed with the RFC 8037 key so the claims and policy code is reached. The
//! verdict must be exactly the one the model derives from the rules of `docs/security.md`,
//! and a verified token must expose exactly the model's header and claims.
#![no_main]

use edjwt::Verifier;
use edjwt_fuzz::oracle::{exposed, Case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|case: Case| {
    let built = case.build();
    let keys = case.keys();
    let strings = case.policy.strings();
    let verifier = Verifier::new(&keys, case.policy.policy(&strings));
    let mut buf = vec![0u8; built.token.len()];
    let got = verifier
        .verify(&built.token, case.now, &mut buf)
        .map(|v| exposed(&v));
    let want = case.expect(&built);
    if std::env::var_os("EDJWT_FUZZ_VERDICTS").is_some() {
        // `EDJWT_FUZZ_VERDICTS=1 cargo fuzz run structured corpus/structured -- -runs=0`
        // prints the verdict of every corpus entry: the corpus must reach past the signature.
        eprintln!(
            "verdict: {}",
            want.as_ref().map_or_else(|e| e.code(), |_| "ok")
        );
    }
    assert_eq!(
        got, want,
        "\nheader: {}\nclaims: {}\ntoken: {}",
        built.header_json, built.claims_json, built.token
    );
});
