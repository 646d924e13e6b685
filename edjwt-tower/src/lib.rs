#![doc = include_str!("../README.md")]
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
    clippy::as_conversions
)]
#![warn(clippy::pedantic)]
#![allow(clippy::module_name_repetitions, clippy::must_use_candidate)]

mod engine;
mod error;
#[cfg(feature = "axum")]
mod extract;
mod files;
#[cfg(feature = "jwks-url")]
mod jwks;
mod key_store;
mod layer;
mod response;
mod source;
mod stats;
mod token;

pub use error::{LoadError, LoadErrorKind};
#[cfg(feature = "axum")]
pub use extract::MissingLayer;
pub use files::{FileSource, FileWatcher, DEFAULT_POLL_INTERVAL};
#[cfg(feature = "jwks-url")]
pub use jwks::{JwksSource, JwksWatcher};
pub use key_store::{KeyStore, MAX_KEYS};
pub use layer::{Builder, Claims, Edjwt, EdjwtLayer, ResponseFuture};
pub use response::{INSUFFICIENT_SCOPE, INSUFFICIENT_SCOPE_CODE};
pub use source::TokenSource;
pub use stats::{KeyCounters, Stats, ACCEPTED_METRIC, FORBIDDEN_METRIC, REJECTED_METRIC};
pub use token::VerifiedToken;
