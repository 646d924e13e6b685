//! The ABI on the host: every case of `test/expected_native.json` through the exported
//! functions, as a host would call them (write the input buffer, call, read memory back).
//! The node tests do the same through the `.wasm` module.
#![allow(unsafe_code)]

use std::sync::Mutex;

use edjwt_edge::abi::*;
use edjwt_edge::state::{number_field, text_field, NO_HEADER};
use serde_json::Value;

/// The module has one global state: one test at a time.
static MODULE: Mutex<()> = Mutex::new(());

const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// Writes `text` into the input buffer; its length, or cap + 1 when it does not fit.
fn write(text: &str) -> u32 {
    let cap = edjwt_input_cap() as usize;
    if text.len() > cap {
        return cap as u32 + 1;
    }
    // SAFETY: the buffer holds `cap` bytes and no call is running.
    unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), edjwt_input_ptr(), text.len()) };
    text.len() as u32
}

fn read(ptr: *const u8, len: usize) -> String {
    // SAFETY: the module says `len` bytes at `ptr` are valid until the next call.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn reason_code() -> String {
    read(edjwt_reason_ptr(), edjwt_reason_len() as usize)
}

fn set_policy(p: &Value) {
    edjwt_policy_reset();
    let strings = |v: &Value| -> Vec<String> {
        match v {
            Value::Null => vec![],
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
            _ => panic!("{v}"),
        }
    };
    for (key, field) in [
        ("issuer", text_field::ISSUER),
        ("audience", text_field::AUDIENCE),
        ("subject", text_field::SUBJECT),
        ("typ", text_field::TYPE),
        ("requireClaims", text_field::REQUIRED_CLAIM),
    ] {
        for value in strings(&p[key]) {
            assert_eq!(edjwt_policy_add(field, write(&value)), 0, "{key}");
        }
    }
    for (key, field) in [
        ("leeway", number_field::LEEWAY),
        ("maxAge", number_field::MAX_AGE),
        ("maxTokenLen", number_field::MAX_TOKEN_LEN),
        ("maxHeaderLen", number_field::MAX_HEADER_LEN),
    ] {
        if let Some(n) = p[key].as_u64() {
            assert_eq!(edjwt_policy_set(field, n), 0, "{key}");
        }
    }
    if p["allowMissingExp"] == true {
        assert_eq!(edjwt_policy_set(number_field::REQUIRE_EXP, 0), 0);
    }
    if p["anyAudience"] == true {
        assert_eq!(edjwt_policy_set(number_field::ANY_AUDIENCE, 1), 0);
    }
}

fn tokens(source: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{REPO}/{source}")).unwrap()).unwrap()
}

fn token(source: &Value, id: &str) -> String {
    if id == "A.4" {
        return source["rfc8037"]["A.4_compact_jws"]
            .as_str()
            .unwrap()
            .to_string();
    }
    source["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

#[cfg(not(feature = "dalek"))]
const EXPECTED: &str = "expected_native.json";
#[cfg(feature = "dalek")]
const EXPECTED: &str = "expected_native.dalek.json";

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{REPO}/edge/test/{EXPECTED}")).unwrap())
        .unwrap()
}

#[test]
fn every_case_gets_the_native_outcome_through_the_abi() {
    let _one = MODULE.lock().unwrap_or_else(|e| e.into_inner());
    let expected = expected();
    let mut n = 0;
    for group in expected["groups"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        let source = tokens(group["source"].as_str().unwrap());
        edjwt_keys_clear();
        for key in group["keys"].as_array().unwrap() {
            assert_eq!(edjwt_keys_load(write(key.as_str().unwrap())), 0, "{name}");
        }
        set_policy(&group["policy"]);
        let now = group["now"].as_u64().unwrap();
        for case in group["cases"].as_array().unwrap() {
            let case_name = case["name"].as_str().unwrap();
            let token_id = case.get("token").map_or(case_name, |t| t.as_str().unwrap());
            let got = match case.get("authorization") {
                None => edjwt_verify(write(&token(&source, token_id)), now),
                Some(Value::Null) => edjwt_verify_authorization(NO_HEADER, now),
                Some(template) => {
                    let t = case.get("token").map(|_| token(&source, token_id));
                    let value = template
                        .as_str()
                        .unwrap()
                        .replace("{token}", t.as_deref().unwrap_or(""));
                    edjwt_verify_authorization(write(&value), now)
                }
            };
            let what = format!("{name}/{case_name}");
            assert_eq!(u64::from(got), case["reason"].as_u64().unwrap(), "{what}");
            assert_eq!(edjwt_reason(), got, "{what}");
            let code = if got == 0 {
                "ok".to_string()
            } else {
                reason_code()
            };
            assert_eq!(code, case["code"].as_str().unwrap(), "{what}");
            if got == 0 {
                assert_eq!(edjwt_status(), 200);
                assert_eq!(edjwt_challenge_len(), 0);
                let claims = read(edjwt_claims_ptr(), edjwt_claims_len() as usize);
                assert!(claims.starts_with('{') && claims.ends_with('}'), "{what}");
                assert_eq!(
                    i64::from(edjwt_key_index()),
                    case["keyIndex"].as_i64().unwrap(),
                    "{what}"
                );
                match case.get("sub") {
                    Some(sub) => {
                        let len = edjwt_sub_len();
                        assert!(len >= 0, "{what}");
                        assert_eq!(read(edjwt_sub_ptr(), len as usize), sub.as_str().unwrap());
                    }
                    None => assert_eq!(edjwt_sub_len(), -1, "{what}"),
                }
            } else {
                // Built at run time from the message: the core's exact string.
                assert_eq!(
                    read(edjwt_challenge_ptr(), edjwt_challenge_len() as usize),
                    expected["challenges"][&code].as_str().unwrap(),
                    "{what}"
                );
                assert_eq!(edjwt_claims_len(), 0);
                assert_eq!(edjwt_sub_len(), -1);
                assert_eq!(edjwt_key_index(), -1);
                assert!(edjwt_status() == 401 || edjwt_status() == 500);
            }
            n += 1;
        }
    }
    assert!(n > 400, "{n} cases");
}

#[test]
fn every_key_text_gets_the_native_outcome_through_the_abi() {
    let _one = MODULE.lock().unwrap_or_else(|e| e.into_inner());
    let expected = expected();
    for group in expected["keys"].as_array().unwrap() {
        let name = group["name"].as_str().unwrap();
        edjwt_keys_clear();
        let texts = group["texts"].as_array().unwrap();
        let results = group["results"].as_array().unwrap();
        for (text, want) in texts.iter().zip(results) {
            let got = edjwt_keys_load(write(text.as_str().unwrap()));
            assert_eq!(u64::from(got), want["reason"].as_u64().unwrap(), "{name}");
            let code = if got == 0 {
                "ok".to_string()
            } else {
                reason_code()
            };
            assert_eq!(code, want["code"].as_str().unwrap(), "{name}");
            let challenge = read(edjwt_challenge_ptr(), edjwt_challenge_len() as usize);
            let want = expected["challenges"][&code].as_str().unwrap_or("");
            assert_eq!(challenge, want, "{name}");
        }
        assert_eq!(
            u64::from(edjwt_keys_count()),
            group["count"].as_u64().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn host_mistakes_are_invalid_argument_and_oversized_tokens_too_large() {
    let _one = MODULE.lock().unwrap_or_else(|e| e.into_inner());
    let cap = edjwt_input_cap();
    assert_eq!(cap, 65536);
    assert_eq!(edjwt_abi_version(), 2);
    edjwt_policy_reset();
    assert_eq!(edjwt_keys_load(cap + 1), 201);
    assert_eq!(reason_code(), "invalid-argument");
    assert_eq!(edjwt_status(), 500);
    assert_eq!(edjwt_challenge_len(), 0);
    assert_eq!(edjwt_policy_add(99, write("x")), 201);
    assert_eq!(edjwt_policy_add(text_field::ISSUER, cap + 1), 201);
    assert_eq!(edjwt_policy_set(99, 1), 201);
    assert_eq!(edjwt_policy_set(number_field::REQUIRE_EXP, 2), 201);
    assert_eq!(
        edjwt_policy_set(number_field::MAX_TOKEN_LEN, u64::from(cap) + 1),
        201
    );
    assert_eq!(
        edjwt_policy_set(number_field::MAX_TOKEN_LEN, u64::from(cap)),
        0
    );
    // Not UTF-8.
    // SAFETY: as in `write`.
    unsafe { std::ptr::copy_nonoverlapping([0xffu8, 0xfe].as_ptr(), edjwt_input_ptr(), 2) };
    assert_eq!(edjwt_policy_add(text_field::ISSUER, 2), 201);
    assert_eq!(edjwt_keys_load(2), 100);
    assert_eq!(edjwt_verify(2, 0), 2);
    // Longer than the buffer: too large, as the core says for any token over its limit.
    assert_eq!(edjwt_verify(cap + 1, 0), 3);
    assert_eq!(reason_code(), "token-too-large");
    assert_eq!(
        read(edjwt_challenge_ptr(), edjwt_challenge_len() as usize),
        r#"Bearer error="invalid_token", error_description="token too large""#
    );
    assert_eq!(edjwt_verify_authorization(cap + 1, 0), 3);
    // Policy lists are bounded.
    edjwt_policy_reset();
    for i in 0..16 {
        assert_eq!(
            edjwt_policy_add(text_field::AUDIENCE, write(&format!("a{i}"))),
            0
        );
    }
    assert_eq!(edjwt_policy_add(text_field::AUDIENCE, write("a16")), 201);
    edjwt_policy_reset();
    assert_eq!(
        edjwt_policy_add(text_field::ISSUER, write(&"i".repeat(4096))),
        0
    );
    assert_eq!(edjwt_policy_add(text_field::ISSUER, write("j")), 201);
    edjwt_policy_reset();
    // A missing header gives the bare challenge (RFC 6750 §3.1).
    assert_eq!(edjwt_verify_authorization(NO_HEADER, 0), 1);
    assert_eq!(
        read(edjwt_challenge_ptr(), edjwt_challenge_len() as usize),
        "Bearer"
    );
    assert_eq!(edjwt_status(), 401);
    // A success clears the last reason.
    edjwt_keys_clear();
    assert_eq!(edjwt_reason(), 0);
    assert_eq!(edjwt_reason_len(), 0);
}
