//! `edjwt` as a zero-import WebAssembly module for edge functions.
//!
//! Built for `wasm32-unknown-unknown` this crate is a `cdylib` with a fixed `extern "C"`
//! ABI ([`abi`]) over static buffers: no allocator, no clock, no randomness, no imports.
//! The host writes text into the input buffer, calls an export, and reads results back
//! from memory. `edge/README.md` has the ABI and reason tables, the JS wrapper and an
//! example `fetch` handler. On other targets it is an ordinary library (for tests).
#![cfg_attr(target_arch = "wasm32", no_std)]
// `unsafe` only in `abi.rs` (statics and `#[no_mangle]`), which allows it.
#![deny(unsafe_code)]
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

pub mod abi;
pub mod reason;
pub mod state;

/// Nothing here panics on any input; should a bug make it, trap rather than pull in the
/// formatting machinery (and its size) that a message would need.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
