//! The exported functions (the ABI in `edge/README.md`) and the statics they share.
//!
//! This file is the only place with `unsafe`: two statics behind `UnsafeCell`, handed out
//! as `&mut` only while no other export runs (a lock on a host, a single thread in the
//! module), and `#[no_mangle]` on the exports.
//!
//! Host contract: call one export at a time (a WebAssembly instance is single-threaded and
//! this module imports nothing, so it cannot be re-entered); write into the input buffer
//! only between calls; read pointers returned by the module only until the next call that
//! may overwrite what they point at (the next verify for claims and subject, the next
//! `edjwt_challenge_*` call for the challenge).
#![allow(unsafe_code)]

use core::cell::UnsafeCell;
use core::mem::offset_of;

use crate::state::{Buffers, Input, State, BUFFER_CAP};

/// A static the exports share; see the module docs for why this is sound.
struct Shared<T>(UnsafeCell<T>);

// SAFETY: the only references to the contents are made in `with`, which holds the lock (on
// a host build) for as long as they live, so no two threads ever alias them.
unsafe impl<T> Sync for Shared<T> {}

/// Keys, policy, last outcome (a few KiB).
static STATE: Shared<State> = Shared(UnsafeCell::new(State::new()));

/// Input, decode, subject and challenge buffers: all zero, so in `.bss` (no bytes in the
/// file).
static BUFFERS: Shared<Buffers> = Shared(UnsafeCell::new(Buffers::ZERO));

/// Exports running at once: possible on a host (the tests call them from several threads),
/// so `with` takes a lock there.
#[cfg(not(all(target_arch = "wasm32", not(target_feature = "atomics"))))]
mod lock {
    use core::sync::atomic::{AtomicBool, Ordering};

    /// Held while an export runs.
    static LOCK: AtomicBool = AtomicBool::new(false);

    /// Releases `LOCK` when dropped, also on a panic.
    pub(super) struct Guard;

    impl Drop for Guard {
        fn drop(&mut self) {
            LOCK.store(false, Ordering::Release);
        }
    }

    pub(super) fn acquire() -> Guard {
        while LOCK
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            core::hint::spin_loop();
        }
        Guard
    }
}

/// In the module no export can run while another does: a WebAssembly instance runs on one
/// thread (without the `atomics` feature its memory cannot be shared with another
/// instance), and a module that imports nothing never calls out, so it is never
/// re-entered. No lock, and no lock code in every export (~500 bytes).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
mod lock {
    /// Nothing to release.
    pub(super) struct Guard;

    pub(super) fn acquire() -> Guard {
        Guard
    }
}

fn with<R>(f: impl FnOnce(&mut State, &mut Buffers) -> R) -> R {
    let _guard = lock::acquire();
    // SAFETY: no other export runs until `_guard` drops, after `f` returned (see `lock`),
    // and `f` cannot keep the references; pointers handed to the host are derived from the
    // cell, not from these references (see `buffer_ptr`).
    let (state, buffers) = unsafe { (&mut *STATE.0.get(), &mut *BUFFERS.0.get()) };
    f(state, buffers)
}

/// A pointer into the buffers, derived from the static's cell (never from a `&mut`), so
/// it stays valid for the host across calls.
fn buffer_ptr(offset: usize) -> *mut u8 {
    BUFFERS.0.get().cast::<u8>().wrapping_add(offset)
}

fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Version of this ABI; changes only when an existing export changes meaning. 2: the reason
/// numbers are the core's (shared with the C ABI), a 500 carries no challenge, policy number
/// field 6 (any audience).
pub const ABI_VERSION: u32 = 2;

/// The ABI version (2).
#[no_mangle]
pub extern "C" fn edjwt_abi_version() -> u32 {
    ABI_VERSION
}

/// Where the host writes text (token, `Authorization` value, key text, policy value).
#[no_mangle]
pub extern "C" fn edjwt_input_ptr() -> *mut u8 {
    buffer_ptr(offset_of!(Buffers, input))
}

/// Capacity of the input buffer in bytes (65536).
#[no_mangle]
pub extern "C" fn edjwt_input_cap() -> u32 {
    len_u32(BUFFER_CAP)
}

/// Removes every key.
#[no_mangle]
pub extern "C" fn edjwt_keys_clear() {
    with(|state, _| state.keys_clear());
}

/// Adds the keys in the first `len` input bytes: a `PUBLIC KEY` PEM, a JWK or a JWKS.
/// Returns 0 or a reason number; on error no key is added.
#[no_mangle]
pub extern "C" fn edjwt_keys_load(len: u32) -> u32 {
    with(|state, buffers| state.keys_load(&buffers.input, len))
}

/// Number of keys held.
#[no_mangle]
pub extern "C" fn edjwt_keys_count() -> u32 {
    with(|state, _| len_u32(state.keys_count()))
}

/// Back to the default policy: `exp` required, leeway 60 s, 8 KiB tokens, 1 KiB headers,
/// no issuer, audience, subject, type or required claim.
#[no_mangle]
pub extern "C" fn edjwt_policy_reset() {
    with(|state, _| state.policy_reset());
}

/// Adds a text value (`field`: 1 issuer, 2 audience, 3 subject, 4 typ, 5 required claim)
/// from the first `len` input bytes. Returns 0 or a reason number.
#[no_mangle]
pub extern "C" fn edjwt_policy_add(field: u32, len: u32) -> u32 {
    with(|state, buffers| state.policy_add(&buffers.input, field, len))
}

/// Sets a number (`field`: 1 leeway, 2 max age, 3 require exp (0/1), 4 max token length,
/// 5 max header length). Returns 0 or a reason number.
#[no_mangle]
pub extern "C" fn edjwt_policy_set(field: u32, value: u64) -> u32 {
    with(|state, _| state.policy_set(field, value))
}

/// Verifies the compact token in the first `len` input bytes at `now` (seconds since the
/// Unix epoch). Returns 0 or a reason number.
#[no_mangle]
pub extern "C" fn edjwt_verify(len: u32, now: u64) -> u32 {
    with(|state, buffers| state.verify(buffers, Input::Token, len, now))
}

/// Verifies the `Authorization` header value in the first `len` input bytes
/// (`len` = `0xFFFF_FFFF`: the request has no such header). Returns 0 or a reason number.
#[no_mangle]
pub extern "C" fn edjwt_verify_authorization(len: u32, now: u64) -> u32 {
    with(|state, buffers| state.verify(buffers, Input::Authorization, len, now))
}

/// The last call's reason number (0 after a success).
#[no_mangle]
pub extern "C" fn edjwt_reason() -> u32 {
    with(|state, _| state.reason())
}

/// The last call's reason code (`expired`, ...; empty after a success): pointer.
#[no_mangle]
pub extern "C" fn edjwt_reason_ptr() -> *const u8 {
    with(|state, _| state.reason_code().as_ptr())
}

/// The last call's reason code: length.
#[no_mangle]
pub extern "C" fn edjwt_reason_len() -> u32 {
    with(|state, _| len_u32(state.reason_code().len()))
}

/// HTTP status for the last call: 200, 401 (the token) or 500 (keys, policy, memory).
#[no_mangle]
pub extern "C" fn edjwt_status() -> u32 {
    with(|state, _| u32::from(state.http_status()))
}

/// Writes the last call's challenge into its buffer; its length.
fn challenge() -> usize {
    with(|state, buffers| state.write_challenge(&mut buffers.challenge))
}

/// RFC 6750 `WWW-Authenticate` value for the last call (empty after a success): pointer.
/// Valid until the next call.
#[no_mangle]
pub extern "C" fn edjwt_challenge_ptr() -> *const u8 {
    // Written here as well as by `edjwt_challenge_len`: either may be called first.
    challenge();
    buffer_ptr(offset_of!(Buffers, challenge))
}

/// RFC 6750 `WWW-Authenticate` value: length.
#[no_mangle]
pub extern "C" fn edjwt_challenge_len() -> u32 {
    len_u32(challenge())
}

/// The verified claims JSON (exactly as signed) of the last verify: pointer. Valid until
/// the next verify.
#[no_mangle]
pub extern "C" fn edjwt_claims_ptr() -> *const u8 {
    let start = with(|state, _| state.claims_start());
    buffer_ptr(offset_of!(Buffers, decode).wrapping_add(start))
}

/// The verified claims JSON: length (0 unless the last verify succeeded).
#[no_mangle]
pub extern "C" fn edjwt_claims_len() -> u32 {
    with(|state, _| len_u32(state.claims_len()))
}

/// The verified `sub`, unescaped UTF-8: pointer. Valid until the next verify.
#[no_mangle]
pub extern "C" fn edjwt_sub_ptr() -> *const u8 {
    buffer_ptr(offset_of!(Buffers, subject))
}

/// The verified `sub`: length, or -1 when the last verify failed or the token has none.
#[no_mangle]
pub extern "C" fn edjwt_sub_len() -> i32 {
    with(|state, _| state.subject_len())
}

/// Index, in load order, of the key that verified the last token; -1 after a failure.
#[no_mangle]
pub extern "C" fn edjwt_key_index() -> i32 {
    with(|state, _| state.key_index())
}
