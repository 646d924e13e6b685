//! Behaviour that no other test pinned down, found by mutation testing (`mutants.sh`,
//! `docs/mutants.md`): each test here fails for a mutant of `src/` that the rest of the
//! suite let through.

mod common;

use common::{b64, policy, rfc8037_key, sign, CLAIMS, HEADER, NOW};
use edjwt::{Algorithm, Error, Limits, NumericDate, UntrustedToken, Verifier};

fn verify(token: &str, limits: Limits, buf: &mut [u8]) -> Result<(), Error> {
    let keys = [rfc8037_key()];
    Verifier::new(&keys, policy().limits(limits))
        .verify(token, NOW, buf)
        .map(|_| ())
}

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

/// A token exactly as long as `max_token_len`, and a header segment exactly as long as
/// `max_header_len`, are accepted; one byte less of limit refuses them, before decoding.
#[test]
fn size_limits_are_inclusive_bounds() {
    let token = sign(HEADER, CLAIMS);
    let header_len = token.find('.').unwrap();
    let exact = Limits::DEFAULT
        .max_token_len(token.len())
        .max_header_len(header_len);
    let mut buf = [0u8; 512];
    assert_eq!(verify(&token, exact, &mut buf), Ok(()));
    let short_token = exact.max_token_len(token.len() - 1);
    assert_eq!(
        verify(&token, short_token, &mut buf),
        Err(Error::TokenTooLarge)
    );
    let short_header = exact.max_header_len(header_len - 1);
    assert_eq!(
        verify(&token, short_header, &mut buf),
        Err(Error::HeaderTooLarge)
    );
}

/// The two-step path (parsed under the default limits, verified under the verifier's)
/// applies the same inclusive bounds.
#[test]
fn size_limits_of_the_two_step_path_are_inclusive_bounds() {
    let token = sign(HEADER, CLAIMS);
    let header_len = token.find('.').unwrap();
    let exact = Limits::DEFAULT
        .max_token_len(token.len())
        .max_header_len(header_len);
    let keys = [rfc8037_key()];
    let run = |limits: Limits| {
        let mut buf = [0u8; 512];
        let untrusted = UntrustedToken::parse(&token, &mut buf).unwrap();
        Verifier::new(&keys, policy().limits(limits))
            .verify_untrusted(untrusted, NOW)
            .map(|_| ())
    };
    assert_eq!(run(exact), Ok(()));
    assert_eq!(
        run(exact.max_token_len(token.len() - 1)),
        Err(Error::TokenTooLarge)
    );
    assert_eq!(
        run(exact.max_header_len(header_len - 1)),
        Err(Error::HeaderTooLarge)
    );
}

/// A buffer exactly as long as the decoded header plus the decoded payload suffices; one
/// byte less is `buffer-too-small`, never a wrong result.
#[test]
fn a_buffer_of_exactly_the_decoded_length_suffices() {
    let token = sign(HEADER, CLAIMS);
    let needed = HEADER.len() + CLAIMS.len();
    let mut buf = vec![0u8; needed];
    assert_eq!(verify(&token, Limits::DEFAULT, &mut buf), Ok(()));
    let mut buf = vec![0u8; needed - 1];
    assert_eq!(
        verify(&token, Limits::DEFAULT, &mut buf),
        Err(Error::BufferTooSmall)
    );
    // A header alone one byte too long for the buffer.
    let mut buf = vec![0u8; HEADER.len() - 1];
    assert_eq!(
        verify(&token, Limits::DEFAULT, &mut buf),
        Err(Error::BufferTooSmall)
    );
}

/// A fourth segment makes the token malformed when it is split, before the header is
/// looked at: an `alg: none` header does not turn it into `unsupported-algorithm`.
#[test]
fn a_fourth_segment_is_malformed_before_the_header_is_read() {
    let none = b64(br#"{"alg":"none"}"#);
    let claims = b64(CLAIMS.as_bytes());
    let mut buf = [0u8; 512];
    for token in [
        format!("{none}.{claims}.sig.extra"),
        format!("{none}.{claims}..",),
        format!("{none}.{claims}.{}.", "A".repeat(86)),
    ] {
        assert_eq!(
            verify(&token, Limits::DEFAULT, &mut buf),
            Err(Error::Malformed),
            "{token}"
        );
    }
    // Three segments: the header is read first.
    let token = format!("{none}.{claims}.sig");
    assert_eq!(
        verify(&token, Limits::DEFAULT, &mut buf),
        Err(Error::UnsupportedAlgorithm)
    );
}

/// NumericDate's range is a signed 64-bit count of seconds: 2^63 - 1 is the last value.
#[test]
fn numeric_date_range_ends_at_i64_max() {
    let max = NumericDate::from_seconds(9_223_372_036_854_775_807).unwrap();
    assert_eq!(max.seconds(), 9_223_372_036_854_775_807);
    assert!(!max.has_fraction());
    assert_eq!(max.seconds_ceil(), max.seconds());
    assert_eq!(NumericDate::from_seconds(9_223_372_036_854_775_808), None);
    assert_eq!(
        NumericDate::from_seconds(0).map(NumericDate::seconds),
        Some(0)
    );
}

/// The corpus token with `exp` written as `exp`, verified: its whole seconds and whether it
/// had a fraction.
fn run(exp: &str) -> Result<Option<(u64, bool)>, Error> {
    let keys = [rfc8037_key()];
    let claims = CLAIMS.replace("1700003600", exp);
    let token = sign(HEADER, &claims);
    let mut buf = [0u8; 512];
    Verifier::new(&keys, policy())
        .verify(&token, NOW, &mut buf)
        .map(|v| {
            v.claims()
                .expires_at()
                .map(|e| (e.seconds(), e.has_fraction()))
        })
}

/// `exp` at the end of the range, written in every form JSON allows, is a far-future
/// expiry; one second more is `invalid-claim`.
#[test]
fn exp_at_the_end_of_the_range() {
    let max = 9_223_372_036_854_775_807u64;
    for exp in [
        "9223372036854775807",
        "9223372036854775807.0",
        "9.223372036854775807e18",
        "9.223372036854775807E+18",
        "922337203685477580700e-2",
    ] {
        assert_eq!(run(exp), Ok(Some((max, false))), "{exp}");
    }
    assert_eq!(run("9223372036854775807.5"), Ok(Some((max, true))));
    for exp in [
        "9223372036854775808",
        "9.223372036854775808e18",
        "92233720368547758080e-1",
        "1e19",
    ] {
        assert_eq!(run(exp), Err(Error::InvalidClaim), "{exp}");
    }
}

/// The general NumericDate path (fractions, exponents of both signs) gives the same
/// seconds as the plain integer, and a fraction only when a non-zero digit is below the
/// units place.
#[test]
fn numeric_date_forms_agree() {
    let whole = Ok(Some((1_700_003_600, false)));
    let fraction = Ok(Some((1_700_003_600, true)));
    for exp in [
        "1700003600",
        "1700003600.000",
        "1.7000036e9",
        "1.7000036E9",
        "1.7000036e+9",
        "17000036e2",
        "170000360000e-2",
        "0.17000036e10",
        "17000036000000000000e-10",
    ] {
        assert_eq!(run(exp), whole, "{exp}");
    }
    for exp in [
        "1700003600.5",
        "1700003600.001",
        "1.70000360001e9",
        "170000360001e-2",
    ] {
        assert_eq!(run(exp), fraction, "{exp}");
    }
    // A negative exponent that leaves only a fraction: 0 seconds, long expired.
    assert_eq!(run("17e-1"), Err(Error::Expired));
    assert_eq!(run("0e5"), Err(Error::Expired));
}
