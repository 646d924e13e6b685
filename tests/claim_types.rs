//! Caller-chosen claim types against signed payloads: no type and no payload makes
//! `deserialize_claims` panic, a number claim is finite, and `scratch_len` always suffices.

mod common;

use common::{policy, rfc8037_key, sign, CLAIMS, HEADER, NOW};
use edjwt::{scratch_len, Error, Verifier};
use heapless::{LinearMap, String as HString, Vec as HVec};
use proptest::prelude::*;
use serde::Deserialize;

/// `claims` merged into the valid corpus claims, signed, verified and deserialized into `T`
/// with a scratch of `scratch_len(token.len())` bytes.
fn claims_as<T: for<'de> Deserialize<'de>>(extra: &str) -> Result<T, Error> {
    let token = sign(HEADER, &format!("{{{extra},{}", &CLAIMS[1..]));
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let mut buf = vec![0u8; token.len()];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let mut scratch = vec![0u8; scratch_len(token.len())];
    verified.deserialize_claims::<T>(&mut scratch)
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
enum Role {
    Admin,
    User,
}

#[derive(Debug, Deserialize)]
struct IntKeys {
    #[allow(dead_code)]
    m: LinearMap<u32, u32, 4>,
}

#[derive(Debug, Deserialize)]
struct BoolKeys {
    #[allow(dead_code)]
    m: LinearMap<bool, u32, 4>,
}

#[derive(Debug, Deserialize)]
struct EnumKeys {
    #[allow(dead_code)]
    m: LinearMap<Role, u32, 4>,
}

#[derive(Debug, Deserialize)]
struct StringKeys {
    m: LinearMap<HString<8>, u32, 4>,
}

/// serde-json-core answers a non-string map key with `unreachable!()`: these were aborts.
#[test]
fn map_keys_that_are_not_strings_are_invalid_claims() {
    for extra in [r#""m":{"1":2}"#, r#""m":{"a\"b":1}"#] {
        assert_eq!(
            claims_as::<IntKeys>(extra).err(),
            Some(Error::InvalidClaim),
            "{extra}"
        );
    }
    assert_eq!(
        claims_as::<BoolKeys>(r#""m":{"true":1}"#).err(),
        Some(Error::InvalidClaim)
    );
    assert_eq!(
        claims_as::<EnumKeys>(r#""m":{"Admin":1}"#).err(),
        Some(Error::InvalidClaim)
    );
    // String keys still work, escaped ones too.
    let keys = claims_as::<StringKeys>(r#""m":{"a":1,"b\"c":2}"#).unwrap();
    assert_eq!(keys.m.get("a"), Some(&1));
    assert_eq!(keys.m.get("b\"c"), Some(&2));
}

#[derive(Debug, Deserialize)]
struct F64 {
    x: f64,
}

#[derive(Debug, Deserialize)]
struct F32 {
    x: f32,
}

#[derive(Debug, Deserialize)]
struct MaybeF64 {
    x: Option<f64>,
}

/// A number claim is a number: serde-json-core gives NaN for `null` and ±inf for exponents
/// out of range.
#[test]
fn number_claims_are_finite() {
    for bad in ["null", "1e400", "-1e400", "1E309"] {
        assert_eq!(
            claims_as::<F64>(&format!(r#""x":{bad}"#)).err(),
            Some(Error::InvalidClaim),
            "{bad}"
        );
    }
    for bad in ["1e39", "-1e39", "null"] {
        assert_eq!(
            claims_as::<F32>(&format!(r#""x":{bad}"#)).err(),
            Some(Error::InvalidClaim),
            "{bad}"
        );
    }
    assert_eq!(claims_as::<F64>(r#""x":1.5e300"#).unwrap().x, 1.5e300);
    assert_eq!(claims_as::<F64>(r#""x":-0.25"#).unwrap().x, -0.25);
    assert_eq!(claims_as::<F32>(r#""x":3.25e38"#).unwrap().x, 3.25e38);
    // `Option<f64>` reads `null` as absent, not as NaN.
    assert_eq!(claims_as::<MaybeF64>(r#""x":null"#).unwrap().x, None);
    assert_eq!(
        claims_as::<MaybeF64>(r#""x":1e999"#).err(),
        Some(Error::InvalidClaim)
    );
}

#[derive(Debug, Deserialize, PartialEq)]
enum Shape {
    Unit,
    Tuple(u8, u8),
    Struct { a: u8 },
    Newtype(HString<8>),
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Nested {
    role: Role,
    shapes: HVec<Shape, 4>,
    name: HString<8>,
    tags: HVec<HString<16>, 4>,
    inner: Option<Inner>,
    n8: i8,
    u: u64,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Inner {
    depth: Option<HVec<u8, 2>>,
}

/// The guard passes every shape through unchanged.
#[test]
fn nested_types_still_deserialize() {
    let v = claims_as::<Nested>(
        r#""role":"Admin","shapes":["Unit",{"Tuple":[1,2]},{"Struct":{"a":3}},{"Newtype":"x\ty"}],"name":"n","tags":["a","b\"c"],"inner":{"depth":[1,2]},"n8":-8,"u":18446744073709551616"#,
    );
    // One more than u64::MAX: refused, not wrapped.
    assert_eq!(v.err(), Some(Error::InvalidClaim));
    let v = claims_as::<Nested>(
        r#""role":"User","shapes":["Unit",{"Tuple":[1,2]},{"Struct":{"a":3}},{"Newtype":"x\ty"}],"name":"n","tags":["a","b\"c"],"inner":{"depth":[1,2]},"n8":-8,"u":18446744073709551615"#,
    )
    .unwrap();
    assert_eq!(v.role, Role::User);
    assert_eq!(
        v.shapes.as_slice(),
        &[
            Shape::Unit,
            Shape::Tuple(1, 2),
            Shape::Struct { a: 3 },
            Shape::Newtype(HString::try_from("x\ty").unwrap())
        ]
    );
    assert_eq!(v.tags[1].as_str(), "b\"c");
    assert_eq!(v.u, u64::MAX);
    assert_eq!(
        v.inner,
        Some(Inner {
            depth: Some(HVec::from_slice(&[1, 2]).unwrap())
        })
    );
    assert_eq!(
        claims_as::<Nested>(r#""role":"Root""#).err(),
        Some(Error::InvalidClaim)
    );
}

#[derive(Debug, Deserialize)]
struct Prefix<'a> {
    prefix: &'a str,
}

/// A valid token that made a server answer 500: thousands of `\n` escapes in a member
/// nobody asked for. A scratch as long as the token is too small for it; `scratch_len` is not.
#[test]
fn escape_heavy_payload_fits_scratch_len() {
    let padding = "\\n".repeat(2000);
    let claims = format!(r#"{{"note":"{padding}","prefix":"p/",{}"#, &CLAIMS[1..]);
    let token = sign(HEADER, &claims);
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let mut buf = vec![0u8; token.len()];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let mut short = vec![0u8; token.len()];
    assert_eq!(
        verified.deserialize_claims::<Prefix<'_>>(&mut short).err(),
        Some(Error::BufferTooSmall)
    );
    let mut scratch = vec![0u8; scratch_len(token.len())];
    let p: Prefix<'_> = verified.deserialize_claims(&mut scratch).unwrap();
    assert_eq!(p.prefix, "p/");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Owned {
    a: HString<64>,
}

fn escape_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "x",
        "\\n",
        "\\\"",
        "\\\\",
        "\\/",
        "\\u00e9",
        "\\ud83d\\ude00",
        "\\u0001",
        "é",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// At `scratch_len(token.len())`, `buffer-too-small` never occurs, whatever mix of
    /// escapes the payload's strings (asked for or ignored, keys or values) hold.
    #[test]
    fn scratch_len_always_suffices(
        a in prop::collection::vec(escape_piece(), 0..80),
        b in prop::collection::vec(escape_piece(), 0..400),
        key in prop::collection::vec(escape_piece(), 1..20),
    ) {
        let (a, b, key) = (a.concat(), b.concat(), key.concat());
        let claims = format!(r#"{{"a":"{a}","{key}":"{b}","z":["{b}",{{"{key}":1}}],{}"#, &CLAIMS[1..]);
        let token = sign(HEADER, &claims);
        let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
        let verifier = Verifier::new(&keys, policy());
        let mut buf = vec![0u8; token.len()];
        let Ok(verified) = verifier.verify(&token, NOW, &mut buf) else {
            // A key such as "aud" written with escapes: a duplicate, rejected as it must be.
            return Ok(());
        };
        let mut scratch = vec![0u8; scratch_len(token.len())];
        let result = verified.deserialize_claims::<Owned>(&mut scratch);
        prop_assert_ne!(result.err(), Some(Error::BufferTooSmall));
    }
}

#[derive(Debug, Deserialize)]
struct Note {
    a: HString<8>,
}

/// The scratch need is exact: the normalized payload, then the longest string that keeps an
/// escape (as written, without its quotes); one byte less is `buffer-too-small`.
#[test]
fn scratch_need_is_the_payload_plus_the_longest_escaped_string() {
    // `\/` is decoded by the normalization; `x\ny` (4 bytes as written) stays escaped.
    let claims = format!(r#"{{"a":"x\ny","b":"\/",{}"#, &CLAIMS[1..]);
    let token = sign(HEADER, &claims);
    let keys = [rfc8037_key().with_kid("rfc8037").unwrap()];
    let verifier = Verifier::new(&keys, policy());
    let mut buf = vec![0u8; token.len()];
    let verified = verifier.verify(&token, NOW, &mut buf).unwrap();
    let need = claims.len() - 1 + r"x\ny".len();
    let mut scratch = vec![0u8; need];
    let note: Note = verified.deserialize_claims(&mut scratch).unwrap();
    assert_eq!(note.a.as_str(), "x\ny");
    let mut scratch = vec![0u8; need - 1];
    assert_eq!(
        verified.deserialize_claims::<Note>(&mut scratch).err(),
        Some(Error::BufferTooSmall)
    );
}
