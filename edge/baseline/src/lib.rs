//! The raw-backend baseline: one Ed25519 verify with the backend crate and nothing else,
//! built like the edge module (`--profile wasm`), for the size and speed comparison in
//! `edge/README.md`. `ed25519-compact` by default, `ed25519-dalek` (`verify_strict`, as the
//! core's `dalek` backend) with the `dalek` feature.
//!
//! ABI: the host writes the 32-byte public key at `raw_input_ptr()` and calls
//! `raw_set_key()` (1: accepted); then, per verification, writes `signature (64) ‖ message`
//! and calls `raw_verify(len)`: 1 when the signature verifies, else 0. The key is decoded
//! once, as the edge module decodes its keys once when they are loaded.
#![no_std]
#![allow(unsafe_code)]

use core::cell::UnsafeCell;

const CAP: usize = 64 * 1024;

#[cfg(not(feature = "dalek"))]
type Key = ed25519_compact::PublicKey;
#[cfg(feature = "dalek")]
type Key = ed25519_dalek::VerifyingKey;

/// `input` first: its address is the static's.
#[repr(C)]
struct State {
    input: [u8; CAP],
    key: Option<Key>,
}

struct Shared(UnsafeCell<State>);

// SAFETY: a wasm instance is single-threaded and this module imports nothing, so the
// exports never run concurrently or re-entrantly; the host writes the input only between
// calls.
unsafe impl Sync for Shared {}

static STATE: Shared = Shared(UnsafeCell::new(State {
    input: [0; CAP],
    key: None,
}));

fn with<R>(f: impl FnOnce(&mut State) -> R) -> R {
    // SAFETY: see `Shared`: no other reference exists while this one lives.
    f(unsafe { &mut *STATE.0.get() })
}

/// Where the host writes the key, or the signature and message.
#[no_mangle]
pub extern "C" fn raw_input_ptr() -> *mut u8 {
    STATE.0.get().cast::<u8>()
}

/// Decodes the 32-byte key at the input; 1 when the backend accepts it.
#[no_mangle]
pub extern "C" fn raw_set_key() -> u32 {
    with(|state| {
        let Some(bytes) = state.input.first_chunk::<32>() else {
            return 0;
        };
        #[cfg(not(feature = "dalek"))]
        let key = Some(ed25519_compact::PublicKey::new(*bytes));
        #[cfg(feature = "dalek")]
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).ok();
        state.key = key;
        u32::from(state.key.is_some())
    })
}

/// 1 when the signature (the first 64 input bytes) over the message (the rest of the first
/// `len`) verifies with the key, else 0.
#[no_mangle]
pub extern "C" fn raw_verify(len: u32) -> u32 {
    with(|state| {
        let Some(input) = usize::try_from(len)
            .ok()
            .and_then(|len| state.input.get(..len))
        else {
            return 0;
        };
        let (Some(signature), Some(message), Some(key)) = (
            input.first_chunk::<64>(),
            input.get(64..),
            state.key.as_ref(),
        ) else {
            return 0;
        };
        #[cfg(not(feature = "dalek"))]
        let ok = key
            .verify(message, &ed25519_compact::Signature::new(*signature))
            .is_ok();
        #[cfg(feature = "dalek")]
        let ok = key
            .verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok();
        u32::from(ok)
    })
}

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
