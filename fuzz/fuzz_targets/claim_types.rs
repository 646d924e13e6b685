//! Caller-chosen claim types never panic: arbitrary bytes signed as the payload, verified,
//! then deserialized into a matrix of claim types (strings, borrowed `&str`, `heapless`
//! strings, vectors and maps with string, integer, bool and enum keys, enums, `Option`,
//! integers of every width, `f32`/`f64`, nested structs). Any outcome but a panic is fine,
//! except `buffer-too-small` at `scratch_len`, and a float that is not finite.
#![no_main]

use edjwt::{scratch_len, Error, Limits, Policy, Verified, Verifier};
use edjwt_fuzz::sign;
use heapless::{LinearMap, String as HString, Vec as HVec};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;

#[derive(Deserialize, PartialEq, Eq)]
#[allow(dead_code)]
enum Role {
    Admin,
    User,
    Tuple(u8, i16),
    Struct { a: Option<u32> },
    Newtype(HString<8>),
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Inner<'a> {
    #[serde(borrow)]
    s: Option<&'a str>,
    v: Option<HVec<i32, 4>>,
    deeper: Option<HVec<HVec<u8, 2>, 2>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Everything<'a> {
    #[serde(borrow)]
    a: Option<&'a str>,
    b: Option<HString<16>>,
    c: Option<HVec<HString<8>, 4>>,
    d: Option<LinearMap<HString<8>, u32, 4>>,
    e: Option<LinearMap<u32, u32, 4>>,
    f: Option<LinearMap<bool, u32, 4>>,
    g: Option<LinearMap<Role, u32, 4>>,
    h: Option<Role>,
    i8: Option<i8>,
    i16: Option<i16>,
    i32: Option<i32>,
    i64: Option<i64>,
    u8: Option<u8>,
    u16: Option<u16>,
    u32: Option<u32>,
    u64: Option<u64>,
    f32: Option<f32>,
    f64: Option<f64>,
    t: Option<(u8, bool)>,
    n: Option<Inner<'a>>,
    c1: Option<char>,
    unit: Option<()>,
}

/// Every float in the result must be finite.
#[derive(Deserialize)]
struct Floats {
    f32: Option<f32>,
    f64: Option<f64>,
}

fn try_type<'s, T: Deserialize<'s>>(
    verified: &'s Verified<'_>,
    scratch: &'s mut [u8],
) -> Option<T> {
    match verified.deserialize_claims::<T>(scratch) {
        Ok(value) => Some(value),
        Err(Error::InvalidClaim) => None,
        Err(e) => panic!("deserialize_claims at scratch_len: {e:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let token = sign::sign(br#"{"alg":"EdDSA"}"#, data);
    let keys = [sign::signer_key()];
    let limits = Limits {
        max_token_len: usize::MAX,
        max_header_len: usize::MAX,
    };
    let policy = Policy::new()
        .allow_missing_exp()
        .any_audience()
        .leeway(u64::MAX)
        .limits(limits);
    let verifier = Verifier::new(&keys, policy);
    let mut buf = vec![0u8; token.len()];
    let Ok(v) = verifier.verify(&token, 1_700_000_000, &mut buf) else {
        return;
    };
    let mut scratch = vec![0u8; scratch_len(token.len())];
    let _ = try_type::<Everything<'_>>(&v, &mut scratch);
    let _ = try_type::<LinearMap<u32, u32, 8>>(&v, &mut scratch);
    let _ = try_type::<LinearMap<bool, HString<8>, 8>>(&v, &mut scratch);
    let _ = try_type::<LinearMap<Role, i64, 8>>(&v, &mut scratch);
    let _ = try_type::<LinearMap<HString<32>, HVec<u8, 4>, 8>>(&v, &mut scratch);
    let _ = try_type::<Role>(&v, &mut scratch);
    let _ = try_type::<(u8, u8)>(&v, &mut scratch);
    let _ = try_type::<Option<Inner<'_>>>(&v, &mut scratch);
    if let Some(f) = try_type::<Floats>(&v, &mut scratch) {
        assert!(f.f32.is_none_or(f32::is_finite));
        assert!(f.f64.is_none_or(f64::is_finite));
    }
});
