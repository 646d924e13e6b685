//! Test support: verifiers for the contexts of `tests/c/vectors.tsv`, built through the C
//! ABI itself.

#![allow(dead_code)] // Each test file uses a different part.

use std::ffi::c_char;
use std::mem::MaybeUninit;
use std::path::Path;

use edjwt_c::*;

pub const NOW: u64 = 1_700_000_100;
pub const ISS: &str = "https://issuer.example";
pub const AUD: &str = "api";
/// The RFC 8037 Appendix A.2 public key with the attack corpus's kid.
pub const RFC8037_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","kid":"rfc8037","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
pub const RFC8037_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";

pub fn root_file(relative: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(relative),
    )
    .unwrap()
}

pub fn s(text: &str) -> EdjwtStr {
    EdjwtStr {
        ptr: text.as_ptr().cast::<c_char>(),
        len: text.len(),
    }
}

/// A verifier in heap memory owned by the test (the library itself allocates nothing).
pub struct Owned(pub Box<MaybeUninit<EdjwtVerifier>>);

impl Owned {
    pub fn uninit() -> Self {
        Owned(Box::new_uninit())
    }

    pub fn ptr(&mut self) -> *mut EdjwtVerifier {
        self.0.as_mut_ptr()
    }

    pub fn as_ptr(&self) -> *const EdjwtVerifier {
        self.0.as_ptr()
    }

    /// Initializes with `keys` and `policy`, returning the reason.
    pub fn init(&mut self, keys: &[u8], policy: Option<&EdjwtPolicy>) -> i32 {
        // SAFETY: memory of the full size owned by the test; keys and policy outlive the call.
        unsafe {
            edjwt_verifier_init(
                self.ptr(),
                size_of::<EdjwtVerifier>(),
                keys.as_ptr().cast::<c_char>(),
                keys.len(),
                policy.map_or(std::ptr::null(), std::ptr::from_ref),
            )
        }
    }

    pub fn verify(&self, token: &[u8], scratch: &mut [u8]) -> (i32, EdjwtResult) {
        let mut out = MaybeUninit::<EdjwtResult>::uninit();
        // SAFETY: all pointers from live Rust objects of the given lengths.
        let code = unsafe {
            edjwt_verify(
                self.as_ptr(),
                token.as_ptr().cast::<c_char>(),
                token.len(),
                NOW,
                scratch.as_mut_ptr(),
                scratch.len(),
                out.as_mut_ptr(),
            )
        };
        // SAFETY: edjwt_verify always writes `out` when it is not NULL and aligned.
        (code, unsafe { out.assume_init() })
    }

    pub fn verify_authorization(
        &self,
        value: Option<&[u8]>,
        scratch: &mut [u8],
    ) -> (i32, EdjwtResult) {
        let mut out = MaybeUninit::<EdjwtResult>::uninit();
        // SAFETY: as above; `None` is a NULL header.
        let code = unsafe {
            edjwt_verify_authorization(
                self.as_ptr(),
                value.map_or(std::ptr::null(), |v| v.as_ptr().cast::<c_char>()),
                value.map_or(0, <[u8]>::len),
                NOW,
                scratch.as_mut_ptr(),
                scratch.len(),
                out.as_mut_ptr(),
            )
        };
        // SAFETY: as above.
        (code, unsafe { out.assume_init() })
    }
}

/// The verifier for a context of `tests/c/vectors.tsv` (see `tests/vectors.rs`).
pub fn context(name: &str) -> Owned {
    let issuers = [s(ISS)];
    let audiences = [s(AUD)];
    let prefix = [s("prefix")];
    let mut policy = EdjwtPolicy::DEFAULT;
    policy.issuers = issuers.as_ptr();
    policy.issuers_len = 1;
    policy.audiences = audiences.as_ptr();
    policy.audiences_len = 1;
    policy.leeway = 60;
    let jwks = root_file("tests/fixtures/interop/jwks.json");
    let keys = match name {
        "interop" | "interop-prefix" => jwks.as_str(),
        "attacks" | "attacks-typ" | "attacks-no-exp" | "rfc8037" => RFC8037_JWK,
        other => panic!("unknown context {other}"),
    };
    match name {
        "interop-prefix" => {
            policy.required_claims = prefix.as_ptr();
            policy.required_claims_len = 1;
        }
        "attacks-typ" => policy.typ = s("JWT"),
        "attacks-no-exp" => policy.flags = EDJWT_POLICY_ALLOW_MISSING_EXP,
        _ => {}
    }
    let mut verifier = Owned::uninit();
    assert_eq!(
        verifier.init(keys.as_bytes(), Some(&policy)),
        EDJWT_OK,
        "{name}"
    );
    verifier
}

/// One line of `tests/c/vectors.tsv`.
pub struct Vector {
    pub context: String,
    pub id: String,
    /// Accepted outcomes (`ok`, or reason codes).
    pub expect: Vec<String>,
    pub token: Vec<u8>,
}

pub fn vectors() -> Vec<Vector> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/c/vectors.tsv"))
            .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|line| {
            let mut fields = line.split('\t');
            let (context, id, expect, token) = (
                fields.next().unwrap(),
                fields.next().unwrap(),
                fields.next().unwrap(),
                fields.next().unwrap(),
            );
            let token = match token.strip_prefix("hex:") {
                Some(hex) => (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect(),
                None => token.as_bytes().to_vec(),
            };
            Vector {
                context: context.to_owned(),
                id: id.to_owned(),
                expect: expect.split('|').map(str::to_owned).collect(),
                token,
            }
        })
        .collect()
}

/// The code string of a reason number, through the ABI.
pub fn code(reason: i32) -> String {
    // SAFETY: a static NUL-terminated string.
    unsafe { std::ffi::CStr::from_ptr(edjwt_reason_code(reason)) }
        .to_str()
        .unwrap()
        .to_owned()
}
