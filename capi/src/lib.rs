//! C ABI for edjwt: verify EdDSA (Ed25519) JWTs from C proxies and servers (nginx, `HAProxy`,
//! Envoy filters) with caller-provided memory.
//!
//! The header is `capi/include/edjwt.h`; `capi/README.md` documents the API, the sizes of
//! the caller's buffers, and how a C proxy module calls it. The library allocates nothing:
//! the verifier lives in memory the caller provides (`edjwt_verifier`, a fixed-size byte
//! array), tokens are decoded into the caller's scratch buffer, and results point into it.
//!
//! All `unsafe` of the project is in this crate (the core is `#![forbid(unsafe_code)]`):
//! raw pointers from C become slices in `ffi.rs`, the verifier is placed in caller memory in
//! `verifier.rs`, each block with a `SAFETY` comment.

#![deny(
    missing_docs,
    unreachable_pub,
    rust_2018_idioms,
    unsafe_op_in_unsafe_fn,
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    clippy::missing_safety_doc,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions
)]
#![warn(clippy::pedantic)]

mod ffi;
mod policy;
mod reason;
mod verifier;

pub use policy::{
    edjwt_policy_init, EdjwtPolicy, EdjwtStr, EDJWT_POLICY_ALLOW_MISSING_EXP,
    EDJWT_POLICY_ANY_AUDIENCE, MAX_POLICY_TEXT, MAX_POLICY_VALUES,
};
pub use reason::{
    edjwt_http_status, edjwt_reason_code, edjwt_reason_message, edjwt_www_authenticate,
    EDJWT_ERR_FOREIGN_VERIFIER, EDJWT_ERR_INVALID_ARGUMENT, EDJWT_ERR_POLICY_TOO_LARGE,
    EDJWT_ERR_UNKNOWN, EDJWT_OK,
};
pub use verifier::{
    edjwt_verifier_add_keys, edjwt_verifier_align, edjwt_verifier_init, edjwt_verifier_key_count,
    edjwt_verifier_size, edjwt_verify, edjwt_verify_authorization, edjwt_version, EdjwtResult,
    EdjwtVerifier, MAX_KEYS, VERIFIER_ALIGN, VERIFIER_SIZE,
};

/// Every reason number with its code, for the header test (`(number, code)`).
#[doc(hidden)]
pub fn reason_table() -> impl Iterator<Item = (core::ffi::c_int, &'static str)> {
    reason::REASONS
        .iter()
        .map(|r| (r.number, r.code.to_str().unwrap_or("")))
}
