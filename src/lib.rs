#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(
    missing_docs,
    unreachable_pub,
    rust_2018_idioms,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::unimplemented,
    clippy::todo
)]
#![warn(clippy::pedantic)]
#![allow(
    clippy::module_name_repetitions,
    clippy::must_use_candidate,
    // One state machine reads best as one function (json::parse_object).
    clippy::too_many_lines,
    // Flags gathered while walking a JWK, decided afterwards.
    clippy::struct_excessive_bools
)]

#[cfg(feature = "std")]
extern crate std;

mod backend;
mod base64url;
mod bearer;
mod cache;
mod claims;
mod compact;
mod error;
mod guard;
mod header;
mod json;
mod key;
mod key_set;
mod numeric_date;
mod policy;
#[cfg(feature = "std")]
mod std_support;
mod swar;
mod verifier;

pub use bearer::bearer_token;
#[cfg(feature = "std")]
pub use cache::SharedVerifiedCache;
pub use cache::{CacheStats, VerifiedCache};
pub use claims::{Audience, Claims};
pub use error::Error;
pub use header::{Algorithm, Header};
pub use json::{Chars, JsonStr, MAX_JSON_DEPTH, MAX_JSON_MEMBERS};
pub use key::{VerifyingKey, MAX_KID_LEN};
pub use key_set::KeySet;
pub use numeric_date::NumericDate;
pub use policy::{Limits, Policy, DEFAULT_LEEWAY, DEFAULT_MAX_HEADER_LEN, DEFAULT_MAX_TOKEN_LEN};
#[cfg(all(
    feature = "std",
    not(all(target_arch = "wasm32", target_os = "unknown"))
))]
pub use std_support::now;
#[cfg(feature = "std")]
pub use std_support::MAX_KEY_FILE_LEN;
pub use verifier::{scratch_len, UntrustedToken, Verified, VerifiedJws, Verifier};

// The guide's examples run as doctests, like the README's.
#[cfg(doctest)]
#[doc = include_str!("../docs/guide.md")]
struct GuideDoctests;
