//! The raw-backend baseline: one `ed25519-compact` verify and nothing else, built like the
//! edge module (`--profile wasm`), for the size and speed comparison in `edge/README.md`.
//!
//! ABI: the host writes `public key (32) ‖ signature (64) ‖ message` at `raw_input_ptr()`
//! and calls `raw_verify(len)`, which returns 1 when the signature verifies, else 0.
#![cfg_attr(target_arch = "wasm32", no_std)]
#![allow(unsafe_code)]

use core::cell::UnsafeCell;

use ed25519_compact::{PublicKey, Signature};

const CAP: usize = 64 * 1024;

struct Input(UnsafeCell<[u8; CAP]>);

// SAFETY: single-threaded module; the buffer is only read inside `raw_verify` and written
// by the host between calls.
unsafe impl Sync for Input {}

static INPUT: Input = Input(UnsafeCell::new([0; CAP]));

/// Where the host writes `key ‖ signature ‖ message`.
#[no_mangle]
pub extern "C" fn raw_input_ptr() -> *mut u8 {
    INPUT.0.get().cast::<u8>()
}

/// 1 when the signature over the message verifies with the key, else 0.
#[no_mangle]
pub extern "C" fn raw_verify(len: u32) -> u32 {
    // SAFETY: see `Input`: no other reference exists while this one lives.
    let input: &[u8; CAP] = unsafe { &*INPUT.0.get() };
    let Some(input) = usize::try_from(len).ok().and_then(|len| input.get(..len)) else {
        return 0;
    };
    let (Some(key), Some(signature), Some(message)) =
        (input.get(..32), input.get(32..96), input.get(96..))
    else {
        return 0;
    };
    let (Ok(key), Ok(signature)) = (PublicKey::from_slice(key), Signature::from_slice(signature))
    else {
        return 0;
    };
    u32::from(key.verify(message, &signature).is_ok())
}

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}
