//! Figures for README.md, in the configuration of `minimal` (one key, one policy, one
//! verify): instructions (SysTick under `-icount shift=0`, calibrated) and the stack
//! high-water mark (painted stack) of loading the key, of one verify that succeeds, and of
//! the cheap and the expensive rejections. Exits 0 only when every call gave its expected
//! outcome and every count was measurable.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::panic::PanicInfo;

use cortex_m::peripheral::{DCB, DWT};
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hprintln};
use edjwt::{Error, Policy, Verifier, VerifyingKey};
use edjwt_embedded::measure::{stack_used, Instructions};
use edjwt_embedded::{
    code, ATTACK_AUDIENCE, ATTACK_ISSUER, ATTACK_KID, ATTACK_NOW, OK_BASIC, OK_BASIC_SIGNATURE,
    OK_BASIC_SIGNING_INPUT, RFC8037_PUBLIC_KEY,
};

#[entry]
fn main() -> ! {
    // SAFETY: taken once, before anything else uses the core peripherals.
    let mut p = unsafe { cortex_m::Peripherals::steal() };
    let dwt_counts = probe_dwt(&mut p.DCB, &mut p.DWT);
    hprintln!(
        "dwt cycle counter: {}",
        if dwt_counts {
            "counts"
        } else {
            "absent (reads as zero)"
        }
    );
    let mut counter = Instructions::new(p.SYST);
    let (instructions, ticks) = counter.calibrate();
    hprintln!(
        "calibration: {} instructions in {} SysTick ticks",
        instructions,
        ticks
    );

    let backend = if cfg!(feature = "dalek") {
        "ed25519-dalek"
    } else {
        "ed25519-compact"
    };
    hprintln!(
        "backend {}{}",
        backend,
        if cfg!(feature = "compact_opt_size") {
            " (opt_size)"
        } else {
            ""
        }
    );

    // 40 instructions a tick is the board's 25 MHz clock under -icount shift=0.
    let mut ok = ticks > 0 && instructions / u64::from(ticks) >= 1;
    let key_bytes: [u8; 32] = RFC8037_PUBLIC_KEY.try_into().unwrap_or([0; 32]);
    let mut load =
        || VerifyingKey::from_bytes(black_box(&key_bytes)).and_then(|k| k.with_kid(ATTACK_KID));
    ok &= report(
        &mut counter,
        "load key (from_bytes, validate)",
        &mut load,
        "ok",
    );
    let Ok(key) = load() else { fail() };
    let keys = [key];
    let verifier = Verifier::new(
        &keys,
        Policy::new()
            .issuer(ATTACK_ISSUER)
            .audience(ATTACK_AUDIENCE),
    );

    let mut buf = [0u8; 512];
    let now = black_box(ATTACK_NOW);
    let mut tampered = [0u8; 512];
    let tampered = tamper(OK_BASIC, &mut tampered);
    let garbage = black_box("eyJhbGciOiJFZERTQSJ9.e30.@@@");
    let cases: [(&str, &str, &str); 3] = [
        ("verify (valid token)", OK_BASIC, "ok"),
        ("reject bad-signature", tampered, "bad-signature"),
        ("reject malformed", garbage, "malformed"),
    ];
    for (what, token, want) in cases {
        let token = black_box(token);
        ok &= report(
            &mut counter,
            what,
            &mut || verifier.verify(token, now, &mut buf).map(|v| v.key_index()),
            want,
        );
    }
    // The floor: the raw Ed25519 check alone, over the same signing input.
    let (input, signature) = (OK_BASIC_SIGNING_INPUT.as_bytes(), OK_BASIC_SIGNATURE);
    ok &= report(
        &mut counter,
        "raw ed25519 verify",
        &mut || keys[0].verify_signature(black_box(input), black_box(signature)),
        "ok",
    );
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {}
}

/// Measures `f` twice (instructions, then stack) and prints one line; false when the
/// outcome is not `want` or the count overflowed.
fn report<T>(
    counter: &mut Instructions,
    what: &str,
    f: &mut dyn FnMut() -> Result<T, Error>,
    want: &str,
) -> bool {
    let (result, ticks) = counter.ticks(&mut *f);
    let (_, stack) = stack_used(&mut *f);
    let got = code(&result);
    match ticks {
        Some(ticks) => hprintln!(
            "{}: {} -> {} instructions ({} ticks), stack {} bytes",
            what,
            got,
            counter.instructions(ticks),
            ticks,
            stack
        ),
        None => hprintln!("{}: {}: too long to count", what, got),
    }
    got == want && ticks.is_some()
}

/// `token` with one bit of its signature's first character flipped.
fn tamper<'b>(token: &str, buf: &'b mut [u8]) -> &'b str {
    let bytes = token.as_bytes();
    let dot = bytes.iter().rposition(|&b| b == b'.').unwrap_or(0);
    let out = &mut buf[..bytes.len()];
    out.copy_from_slice(bytes);
    out[dot + 1] = if out[dot + 1] == b'A' { b'B' } else { b'A' };
    core::str::from_utf8(out).unwrap_or("")
}

/// Whether the DWT cycle counter runs: enable it, spin, read it.
fn probe_dwt(dcb: &mut DCB, dwt: &mut DWT) -> bool {
    dcb.enable_trace();
    DWT::unlock();
    dwt.enable_cycle_counter();
    let before = DWT::cycle_count();
    for i in 0..1000u32 {
        black_box(i);
    }
    DWT::cycle_count() != before
}

fn fail() -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {}
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    hprintln!("panic: {}", info);
    fail()
}
