//! The 178-case JWT attack corpus (`vectors/jwt_attacks.json`, generated for this project
//! with the public RFC 8037 test key; see `vectors/README.md`), each case with the exact
//! outcome this crate gives under the corpus's own context (`context`: one trusted key with
//! kid `rfc8037`, `iss` https://issuer.example, `aud` api, leeway 60 s, exp required, now
//! 1700000100).
//!
//! The corpus says accept/reject; the table below pins the exact reason, and the test checks
//! the table agrees with the corpus's expectation for every case.

mod common;

use common::{policy, rfc8037_key, sign, CLAIMS, NOW};
use edjwt::{Error, Policy, Verifier, VerifyingKey};

/// The token verifies.
const ACCEPT: Result<(), Error> = Ok(());

/// Outcome of every case that carries a token, under the corpus context.
const EXPECTED: &[(&str, Result<(), Error>)] = &[
    ("ok_basic", ACCEPT),
    ("ok_no_kid", ACCEPT),
    ("ok_alg_Ed25519", ACCEPT),
    ("ok_header_whitespace", ACCEPT),
    ("ok_unknown_header_params", ACCEPT),
    ("ok_unknown_claims", ACCEPT),
    ("rfc8037_a4_not_a_jwt", Err(Error::Malformed)),
    ("alg_none_empty_sig", Err(Error::UnsupportedAlgorithm)),
    ("alg_None_empty_sig", Err(Error::UnsupportedAlgorithm)),
    ("alg_NONE_empty_sig", Err(Error::UnsupportedAlgorithm)),
    ("alg_nOnE_empty_sig", Err(Error::UnsupportedAlgorithm)),
    ("alg_none_with_valid_sig", Err(Error::UnsupportedAlgorithm)),
    ("alg_eddsa_lowercase", Err(Error::UnsupportedAlgorithm)),
    ("alg_HS256_key_raw32", Err(Error::UnsupportedAlgorithm)),
    ("alg_HS256_key_spki_pem", Err(Error::UnsupportedAlgorithm)),
    ("alg_HS256_key_x_b64url", Err(Error::UnsupportedAlgorithm)),
    ("alg_HS256_key_jwk_json", Err(Error::UnsupportedAlgorithm)),
    ("alg_missing", Err(Error::UnsupportedAlgorithm)),
    ("alg_null", Err(Error::UnsupportedAlgorithm)),
    ("alg_number", Err(Error::UnsupportedAlgorithm)),
    ("alg_array", Err(Error::UnsupportedAlgorithm)),
    ("alg_object", Err(Error::UnsupportedAlgorithm)),
    ("alg_bool", Err(Error::UnsupportedAlgorithm)),
    ("alg_empty", Err(Error::UnsupportedAlgorithm)),
    ("alg_with_nul", Err(Error::UnsupportedAlgorithm)),
    ("alg_escaped_A", ACCEPT),
    ("alg_ES256", Err(Error::UnsupportedAlgorithm)),
    ("alg_RS256", Err(Error::UnsupportedAlgorithm)),
    ("alg_PS256", Err(Error::UnsupportedAlgorithm)),
    ("alg_Ed448", Err(Error::UnsupportedAlgorithm)),
    ("alg_ES256K", Err(Error::UnsupportedAlgorithm)),
    ("jwk_embedded_attacker_key", Err(Error::BadSignature)),
    (
        "jwk_embedded_trusted_key_attacker_sig",
        Err(Error::BadSignature),
    ),
    ("jku_attacker_signed", Err(Error::BadSignature)),
    ("jku_present_trusted_sig", ACCEPT),
    ("x5u_attacker_signed", Err(Error::BadSignature)),
    ("x5u_present_trusted_sig", ACCEPT),
    ("x5c_attacker_signed", Err(Error::BadSignature)),
    ("x5c_present_trusted_sig", ACCEPT),
    ("attacker_sig_trusted_kid", Err(Error::BadSignature)),
    ("kid_traversal", Err(Error::UnknownKey)),
    ("kid_sqli", Err(Error::UnknownKey)),
    ("kid_nul_suffix", Err(Error::UnknownKey)),
    ("kid_prefix", Err(Error::UnknownKey)),
    ("kid_extension", Err(Error::UnknownKey)),
    ("kid_case", Err(Error::UnknownKey)),
    ("kid_url", Err(Error::UnknownKey)),
    ("kid_empty", Err(Error::UnknownKey)),
    ("kid_long_4096", Err(Error::HeaderTooLarge)),
    ("kid_number", Err(Error::Malformed)),
    ("crit_unknown_exp", Err(Error::UnsupportedHeader)),
    ("crit_unknown_uri", Err(Error::UnsupportedHeader)),
    ("crit_empty_list", Err(Error::UnsupportedHeader)),
    ("crit_not_array", Err(Error::UnsupportedHeader)),
    ("crit_names_absent_param", Err(Error::UnsupportedHeader)),
    ("b64_false_rfc7797", Err(Error::UnsupportedHeader)),
    ("b64_false_no_crit", Err(Error::UnsupportedHeader)),
    ("b64_true", Err(Error::UnsupportedHeader)),
    ("hdr_dup_alg_none_last", Err(Error::Malformed)),
    ("hdr_dup_alg_none_first", Err(Error::Malformed)),
    ("hdr_dup_alg_escaped_key", Err(Error::Malformed)),
    ("hdr_dup_kid", Err(Error::Malformed)),
    ("pl_dup_exp", Err(Error::Malformed)),
    ("pl_dup_sub", Err(Error::Malformed)),
    ("pl_dup_sub_escaped_key", Err(Error::Malformed)),
    ("hdr_bom", Err(Error::Malformed)),
    ("pl_bom", Err(Error::Malformed)),
    ("hdr_trailing_garbage", Err(Error::Malformed)),
    ("hdr_two_objects", Err(Error::Malformed)),
    ("pl_trailing_nul", Err(Error::Malformed)),
    ("hdr_trailing_comma", Err(Error::Malformed)),
    ("hdr_comment", Err(Error::Malformed)),
    ("pl_comment_as_unknown_value", Err(Error::Malformed)),
    ("pl_NaN_unknown_value", Err(Error::Malformed)),
    ("pl_Infinity_unknown_value", Err(Error::Malformed)),
    ("pl_bareword_unknown_value", Err(Error::Malformed)),
    ("pl_garbage_quote_unknown_value", Err(Error::Malformed)),
    ("pl_huge_exponent_unknown_value", ACCEPT),
    ("pl_nesting_64_unknown", Err(Error::NestingTooDeep)),
    ("pl_nesting_10000_unknown", Err(Error::TokenTooLarge)),
    (
        "pl_nesting_10000_objects_unknown",
        Err(Error::TokenTooLarge),
    ),
    ("pl_nesting_unterminated", Err(Error::NestingTooDeep)),
    ("pl_single_quotes", Err(Error::Malformed)),
    ("pl_unquoted_key", Err(Error::Malformed)),
    ("pl_raw_control_char", Err(Error::Malformed)),
    ("pl_raw_newline_in_string", Err(Error::Malformed)),
    ("pl_invalid_utf8", Err(Error::Malformed)),
    ("pl_overlong_utf8", Err(Error::Malformed)),
    ("pl_invalid_escape", Err(Error::Malformed)),
    ("pl_top_level_array", Err(Error::Malformed)),
    ("pl_null", Err(Error::Malformed)),
    ("pl_string", Err(Error::Malformed)),
    ("pl_empty_object", Err(Error::MissingClaim)),
    ("pl_empty_bytes", Err(Error::Malformed)),
    ("hdr_not_object", Err(Error::Malformed)),
    ("hdr_empty_object", Err(Error::UnsupportedAlgorithm)),
    ("pl_exp_leading_zero", Err(Error::Malformed)),
    ("pl_exp_plus_sign", Err(Error::Malformed)),
    ("pl_unicode_escape_plus", Err(Error::Malformed)),
    ("b64_hdr_padded", Err(Error::Malformed)),
    ("b64_sig_padded", Err(Error::Malformed)),
    ("b64_std_alphabet_payload", Err(Error::Malformed)),
    ("b64_url_alphabet_payload_ok", ACCEPT),
    ("b64_std_alphabet_sig", Err(Error::Malformed)),
    ("b64_sig_nonzero_trailing_bits", Err(Error::Malformed)),
    ("b64_hdr_nonzero_trailing_bits", Err(Error::Malformed)),
    ("b64_space_in_payload", Err(Error::Malformed)),
    ("b64_len_mod4_eq1", Err(Error::Malformed)),
    ("tok_trailing_newline", Err(Error::Malformed)),
    ("tok_leading_space", Err(Error::Malformed)),
    ("tok_bearer_prefix", Err(Error::Malformed)),
    ("tok_non_ascii", Err(Error::Malformed)),
    ("seg_two_no_sig", Err(Error::Malformed)),
    ("seg_three_empty_sig", Err(Error::Malformed)),
    ("seg_four", Err(Error::Malformed)),
    ("seg_five_jwe_shape", Err(Error::Malformed)),
    ("seg_empty_header", Err(Error::Malformed)),
    ("seg_empty_payload", Err(Error::Malformed)),
    ("seg_only_dots", Err(Error::Malformed)),
    ("seg_empty_token", Err(Error::Malformed)),
    ("json_serialization", Err(Error::Malformed)),
    ("sig_len_63", Err(Error::Malformed)),
    ("sig_len_65", Err(Error::Malformed)),
    ("sig_len_128", Err(Error::Malformed)),
    ("sig_all_zero", Err(Error::BadSignature)),
    ("sig_S_plus_L", Err(Error::BadSignature)),
    ("sig_S_eq_L", Err(Error::BadSignature)),
    ("sig_R_identity", Err(Error::BadSignature)),
    ("sig_R_noncanonical_y_p_plus_1", Err(Error::BadSignature)),
    ("sig_bitflip_R", Err(Error::BadSignature)),
    ("sig_bitflip_S", Err(Error::BadSignature)),
    ("sig_from_other_token", Err(Error::BadSignature)),
    // The cofactored equation holds (both backends: see src/backend.rs). Only the key
    // holder can make such a signature.
    ("sig_mixed_order_R", ACCEPT),
    ("forge_identity_key_R_identity_S0", Err(Error::BadSignature)),
    ("exp_expired", Err(Error::Expired)),
    ("exp_within_leeway", ACCEPT),
    ("exp_equal_now_minus_leeway", Err(Error::Expired)),
    ("exp_float", ACCEPT),
    ("exp_float_expired", Err(Error::Expired)),
    ("exp_string", Err(Error::InvalidClaim)),
    ("exp_string_expired", Err(Error::InvalidClaim)),
    ("exp_null", Err(Error::InvalidClaim)),
    ("exp_bool", Err(Error::InvalidClaim)),
    ("exp_array", Err(Error::InvalidClaim)),
    ("exp_negative", Err(Error::InvalidClaim)),
    ("exp_i64_min", Err(Error::InvalidClaim)),
    ("exp_2pow63", Err(Error::InvalidClaim)),
    ("exp_u64_max", Err(Error::InvalidClaim)),
    ("exp_over_u64", Err(Error::InvalidClaim)),
    ("exp_1e300", Err(Error::InvalidClaim)),
    ("exp_missing", Err(Error::MissingClaim)),
    ("nbf_future", Err(Error::NotYetValid)),
    ("nbf_within_leeway", ACCEPT),
    ("nbf_string", Err(Error::InvalidClaim)),
    ("iat_future", Err(Error::IssuedInFuture)),
    ("iat_string", Err(Error::InvalidClaim)),
    ("aud_string_match", ACCEPT),
    ("aud_array_match", ACCEPT),
    ("aud_array_no_match", Err(Error::WrongAudience)),
    ("aud_empty_array", Err(Error::WrongAudience)),
    ("aud_case", Err(Error::WrongAudience)),
    ("aud_prefix", Err(Error::WrongAudience)),
    ("aud_extension", Err(Error::WrongAudience)),
    ("aud_number", Err(Error::InvalidClaim)),
    ("aud_array_mixed_types", Err(Error::InvalidClaim)),
    ("aud_array_1000", Err(Error::TokenTooLarge)),
    ("aud_missing", Err(Error::MissingClaim)),
    ("aud_nul", Err(Error::WrongAudience)),
    ("iss_mismatch", Err(Error::WrongIssuer)),
    ("iss_array", Err(Error::InvalidClaim)),
    ("iss_trailing_slash", Err(Error::WrongIssuer)),
    ("sub_nul_escape", ACCEPT),
    ("sub_lone_surrogate", Err(Error::Malformed)),
    ("sub_surrogate_pair", ACCEPT),
    ("sub_escaped_slash", ACCEPT),
    ("typ_unexpected", ACCEPT),
];

fn corpus() -> serde_json::Value {
    serde_json::from_str(include_str!("vectors/jwt_attacks.json")).unwrap()
}

fn run(verifier: &Verifier<'_, '_>, token: &str) -> Result<(), Error> {
    let mut buf = vec![0u8; token.len()];
    verifier.verify(token, NOW, &mut buf).map(|_| ())
}

fn context_keys() -> [VerifyingKey; 1] {
    [rfc8037_key().with_kid("rfc8037").unwrap()]
}

#[test]
fn every_case_meets_its_expectation_with_the_exact_reason() {
    let corpus = corpus();
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    let cases = corpus["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 178);
    let mut checked = 0;
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        let Some(token) = case["token"].as_str() else {
            assert!(
                case.get("token_recipe").is_some(),
                "{id}: no token and no recipe"
            );
            continue;
        };
        let want = EXPECTED
            .iter()
            .find(|(name, _)| *name == id)
            .unwrap_or_else(|| panic!("{id}: not in the table"))
            .1;
        let got = run(&verifier, token);
        assert_eq!(got, want, "{id} ({expected})");
        // The table itself must honour the corpus.
        match expected {
            "accept" | "accept_if_single_key" | "expose_exactly" => assert!(got.is_ok(), "{id}"),
            "reject"
            | "reject_policy"
            | "reject_as_jwt"
            | "reject_if_exp_required"
            | "reject_if_aud_required" => assert!(got.is_err(), "{id}"),
            "either" | "policy" | "no_panic_policy" | "reject_or_accept_no_panic" => {}
            other => panic!("{id}: unknown expectation {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, EXPECTED.len());
    assert_eq!(checked, 176);
}

#[test]
fn recipe_100k_dots_is_too_large_before_any_work() {
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    assert_eq!(
        run(&verifier, &".".repeat(100_000)),
        Err(Error::TokenTooLarge)
    );
    // Under a raised limit it is still rejected in one pass: too many segments.
    let relaxed = policy().limits(edjwt::Limits {
        max_token_len: 200_000,
        max_header_len: 1024,
    });
    let verifier = Verifier::new(&keys, relaxed);
    assert_eq!(run(&verifier, &".".repeat(100_000)), Err(Error::Malformed));
}

#[test]
fn recipe_1mib_validly_signed_token_is_too_large() {
    let header = format!("{{\"alg\":\"EdDSA\"{}}}", " ".repeat(1 << 20));
    let token = sign(&header, CLAIMS);
    assert!(token.len() > 1 << 20);
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    assert_eq!(run(&verifier, &token), Err(Error::TokenTooLarge));
    // With the token limit lifted, the header limit still refuses it before decoding.
    let relaxed = policy().limits(edjwt::Limits {
        max_token_len: 2 << 20,
        max_header_len: 1024,
    });
    let verifier = Verifier::new(&keys, relaxed);
    assert_eq!(run(&verifier, &token), Err(Error::HeaderTooLarge));
}

fn token_of(id: &str) -> String {
    let corpus = corpus();
    let case = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    case["token"].as_str().unwrap().to_string()
}

#[test]
fn policy_cases_under_other_configurations() {
    let keys = context_keys();
    // typ_unexpected: rejected once the application expects JWT (RFC 8725 §3.11).
    let typed = Verifier::new(&keys, policy().typ("JWT"));
    assert_eq!(
        run(&typed, &token_of("typ_unexpected")),
        Err(Error::WrongType)
    );
    assert_eq!(run(&typed, &token_of("ok_basic")), ACCEPT);
    // exp_missing / pl_empty_object: accepted only with the named opt-out.
    let no_exp = Verifier::new(&keys, policy().allow_missing_exp());
    assert_eq!(run(&no_exp, &token_of("exp_missing")), ACCEPT);
    let bare = Verifier::new(&keys, Policy::new().allow_missing_exp());
    assert_eq!(run(&bare, &token_of("pl_empty_object")), ACCEPT);
    // aud_missing: fine when no audience is configured, missing-claim when one is.
    let no_aud = Verifier::new(&keys, Policy::new().issuer("https://issuer.example"));
    assert_eq!(run(&no_aud, &token_of("aud_missing")), ACCEPT);
    assert_eq!(
        run(&Verifier::new(&keys, policy()), &token_of("aud_missing")),
        Err(Error::MissingClaim)
    );
    // ok_no_kid: with several keys, a kid-less token is tried against each of them.
    let other = VerifyingKey::from_bytes(&common::keypair([7; 32]).pk)
        .unwrap()
        .with_kid("other")
        .unwrap();
    let two = [other, rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&two, policy());
    let mut buf = [0u8; 1024];
    let verified = verifier
        .verify(&token_of("ok_no_kid"), NOW, &mut buf)
        .unwrap();
    assert_eq!(verified.key_index(), 1);
}

#[test]
fn reject_as_jwt_verifies_as_a_jws() {
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    let token = token_of("rfc8037_a4_not_a_jwt");
    let mut buf = [0u8; 256];
    let jws = verifier.verify_jws(&token, &mut buf).unwrap();
    assert_eq!(jws.payload(), b"Example of Ed25519 signing");
    assert_eq!(run(&verifier, &token), Err(Error::Malformed));
}

#[test]
fn expose_exactly_keeps_the_nul() {
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    let token = token_of("sub_nul_escape");
    let mut buf = [0u8; 512];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let sub = verified.claims().subject().unwrap();
    assert!(sub == "alice\u{0}admin");
    assert!(sub != "alice");
    let mut out = [0u8; 32];
    assert_eq!(sub.unescape_into(&mut out).unwrap(), "alice\u{0}admin");
}

#[test]
fn either_cases_decode_correctly_when_accepted() {
    let keys = context_keys();
    let verifier = Verifier::new(&keys, policy());
    let mut buf = [0u8; 512];
    let token = token_of("sub_surrogate_pair");
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    assert!(verified.claims().subject().unwrap() == "\u{1F600}");
    let token = token_of("exp_float");
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let exp = verified.claims().expires_at().unwrap();
    assert_eq!((exp.seconds(), exp.has_fraction()), (1_700_003_600, true));
}

#[test]
fn forge_with_identity_key_cannot_even_be_configured() {
    let corpus = corpus();
    let identity = corpus["special_public_keys_hex"]["identity"]
        .as_str()
        .unwrap();
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&identity[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    assert_eq!(VerifyingKey::from_slice(&bytes), Err(Error::WeakKey));
    for name in [
        "order2_y_p_minus_1",
        "order8_point",
        "negative_zero_x",
        "y_eq_p_noncanonical",
        "not_on_curve_y2",
    ] {
        let hex = corpus["special_public_keys_hex"][name].as_str().unwrap();
        let bytes: Vec<u8> = (0..32)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        assert_eq!(
            VerifyingKey::from_slice(&bytes),
            Err(Error::WeakKey),
            "{name}"
        );
    }
}
