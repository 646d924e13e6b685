//! Stack use is bounded by constants, not by the input: hostile tokens (maximal nesting,
//! maximal size, many members) verify on a thread with a small fixed stack.

mod common;

use common::{rfc8037_key, sign};
use edjwt::{Policy, Verifier, DEFAULT_MAX_TOKEN_LEN, MAX_JSON_DEPTH};
use serde::Deserialize;

/// 64 KiB in release builds; debug builds keep every temporary, so they get more.
const STACK: usize = if cfg!(debug_assertions) {
    256 * 1024
} else {
    64 * 1024
};

#[derive(Deserialize)]
#[allow(dead_code)]
struct Claims<'a> {
    #[serde(borrow)]
    sub: Option<&'a str>,
}

fn hostile_tokens() -> Vec<String> {
    let header = r#"{"alg":"EdDSA"}"#;
    let fill = |prefix: &str, unit: &str, suffix: &str| {
        let mut body = String::from(prefix);
        while body.len() + unit.len() + suffix.len() < DEFAULT_MAX_TOKEN_LEN * 3 / 4 - 120 {
            body.push_str(unit);
        }
        body.push_str(suffix);
        body
    };
    let deepest = MAX_JSON_DEPTH - 1;
    vec![
        // Maximal accepted nesting, deserialized by serde-json-core as an ignored value.
        sign(
            header,
            &format!(
                r#"{{"x":{}{},"exp":9999999999}}"#,
                "[".repeat(deepest),
                "]".repeat(deepest)
            ),
        ),
        sign(
            header,
            &format!(
                r#"{{"x":{}1{},"exp":9999999999}}"#,
                r#"{"a":"#.repeat(deepest),
                "}".repeat(deepest)
            ),
        ),
        // Nesting far beyond the limit, unterminated, at maximal size.
        sign(header, &fill(r#"{"x":"#, "[", "")),
        sign(header, &fill(r#"{"x":"#, r#"{"a":"#, "")),
        // A maximal array and maximal strings of escapes.
        sign(header, &fill(r#"{"exp":9999999999,"x":["#, "1,", "1]}")),
        sign(
            header,
            &fill(r#"{"exp":9999999999,"x":""#, r"\ud83d\ude00", r#""}"#),
        ),
    ]
}

#[test]
fn hostile_tokens_verify_on_a_small_stack() {
    let tokens = hostile_tokens();
    let results = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let keys = [rfc8037_key()];
            let verifier = Verifier::new(&keys, Policy::new());
            let mut buf = [0u8; DEFAULT_MAX_TOKEN_LEN];
            let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
            tokens
                .iter()
                .map(|t| {
                    assert!(t.len() <= DEFAULT_MAX_TOKEN_LEN, "{}", t.len());
                    let verified = verifier.verify(t, 0, &mut buf);
                    verified.map(|v| v.deserialize_claims::<Claims<'_>>(&mut scratch).map(|_| ()))
                })
                .collect::<Vec<_>>()
        })
        .unwrap()
        .join()
        .unwrap();
    use edjwt::Error::*;
    assert_eq!(
        results,
        vec![
            Ok(Ok(())),
            Ok(Ok(())),
            Err(NestingTooDeep),
            Err(NestingTooDeep),
            Ok(Ok(())),
            Ok(Ok(()))
        ]
    );
}
