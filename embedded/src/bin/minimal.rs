//! The smallest useful verifier firmware, for the footprint table in README.md: one key
//! (32 bytes in flash, validated at start-up), one policy (issuer, audience, `exp`
//! required), one verify of one token. Exit status 0 when the token verifies. No output:
//! formatting code would be counted as the verifier's.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use edjwt::{Policy, Verifier, VerifyingKey};
use edjwt_embedded::{ATTACK_AUDIENCE, ATTACK_ISSUER, ATTACK_KID, ATTACK_NOW, OK_BASIC};

/// The RFC 8037 Appendix A public key.
const KEY: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

/// Large enough for the token (a real firmware sizes it for its longest token).
const BUF_LEN: usize = 512;

#[entry]
fn main() -> ! {
    let mut buf = [0u8; BUF_LEN];
    // black_box: the token and the time arrive at run time in a real device.
    let token = black_box(OK_BASIC);
    let now = black_box(ATTACK_NOW);
    let verified = VerifyingKey::from_bytes(black_box(&KEY))
        .and_then(|key| key.with_kid(ATTACK_KID))
        .and_then(|key| {
            let keys = [key];
            let policy = Policy::new()
                .issuer(ATTACK_ISSUER)
                .audience(ATTACK_AUDIENCE);
            Verifier::new(&keys, policy)
                .verify(token, now, &mut buf)
                .map(|v| v.key_index())
        });
    debug::exit(if verified == Ok(0) {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

#[panic_handler]
fn panic(_: &PanicInfo<'_>) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}
