//! Instruction and allocation counts per verify, for `callgrind.sh`.
//!
//! `measure LIB CASE N` runs the setup, then N verifications of CASE with LIB, asserting
//! each outcome, and prints the heap allocations made by the N verifications. Run it under
//! `valgrind --tool=callgrind` with two values of N: the difference divided by the
//! difference in N is the per-verify instruction count, setup excluded.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use edjwt_bench::{edjwt_lib, raw, Fixtures};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args[1] == "paired" {
        return paired(&args[2], args[3].parse().unwrap());
    }
    if args[1] == "backend" {
        return println!("{}", dalek_backend());
    }
    let (lib, case, n) = (
        args[1].as_str(),
        args[2].as_str(),
        args[3].parse::<usize>().unwrap(),
    );
    let f = Fixtures::new();
    let (token, expect_ok) = match case {
        "small" => (&f.small, true),
        "typical" => (&f.typical, true),
        "large" => (&f.large, true),
        "garbage" => (&"abc.def.ghi".to_string(), false),
        "wrong-alg" => (&f.wrong_alg, false),
        "unknown-kid" => (&f.unknown_kid, false),
        "bad-signature" => (&f.bad_signature, false),
        "expired" => (&f.expired, false),
        other => panic!("unknown case {other}"),
    };
    let token = token.clone();
    let run: Box<dyn FnMut(&str) -> bool> = match lib {
        "raw-ed25519-compact" => {
            let r = raw::Raw::new(f.public_key, &token);
            Box::new(move |_| r.verify())
        }
        // ed25519-dalek 3's `verify` (cofactorless, no check of R's order: what jsonwebtoken
        // calls) and `verify_strict` (which also decodes R to reject small order).
        "raw-ed25519-dalek" | "raw-ed25519-dalek-strict" => {
            use ed25519_dalek::Verifier as _;
            let (input, sig) = edjwt_bench::split_signature(&token);
            let key = ed25519_dalek::VerifyingKey::from_bytes(&f.public_key).unwrap();
            let sig = ed25519_dalek::Signature::from_bytes(&sig);
            if lib == "raw-ed25519-dalek" {
                Box::new(move |_| key.verify(&input, &sig).is_ok())
            } else {
                Box::new(move |_| key.verify_strict(&input, &sig).is_ok())
            }
        }
        "edjwt" => {
            let keys = edjwt_lib::keys::<1>(f.public_key, 1);
            let mut buf = vec![0u8; 8192];
            Box::new(move |t| {
                let verifier = edjwt::Verifier::new(&keys, edjwt_lib::POLICY);
                edjwt_lib::verify(&verifier, t, &mut buf)
            })
        }
        // The verified-token cache: CASE's token, every call after the first a hit.
        "edjwt-cache-hit" => {
            let keys = edjwt_lib::keys::<1>(f.public_key, 1);
            let mut cache = Box::new(edjwt::VerifiedCache::<1, 16, 16384>::new(
                keys,
                edjwt_lib::POLICY,
            ));
            let mut buf = vec![0u8; 8192];
            Box::new(move |t| cache.verify(t, edjwt_bench::NOW, &mut buf).is_ok())
        }
        // 64 tokens shaped like CASE's (each its own `exp`) in rotation: through a 16-slot
        // cache (every call a miss), or without a cache (the baseline for the miss).
        "edjwt-cache-miss" | "edjwt-rotation" => {
            use base64ct::{Base64UrlUnpadded, Encoding};
            let mut parts = token.split('.');
            let decode = |segment: &str| {
                let mut out = vec![0u8; segment.len()];
                let len = Base64UrlUnpadded::decode(segment, &mut out).unwrap().len();
                out.truncate(len);
                String::from_utf8(out).unwrap()
            };
            let (header, claims) = (decode(parts.next().unwrap()), decode(parts.next().unwrap()));
            let tokens: Vec<String> = (0..64u64)
                .map(|i| {
                    let exp = (4_102_444_800 + i).to_string();
                    edjwt_bench::sign(&header, &claims.replace("4102444800", &exp))
                })
                .collect();
            let keys = edjwt_lib::keys::<1>(f.public_key, 1);
            let mut cache = Box::new(edjwt::VerifiedCache::<1, 16, 16384>::new(
                keys.clone(),
                edjwt_lib::POLICY,
            ));
            let mut buf = vec![0u8; 8192];
            let mut i = 0;
            let through_cache = lib == "edjwt-cache-miss";
            Box::new(move |_| {
                i = (i + 1) % tokens.len();
                if through_cache {
                    let ok = cache.verify(&tokens[i], edjwt_bench::NOW, &mut buf).is_ok();
                    ok && cache.stats().hits == 0
                } else {
                    let verifier = edjwt::Verifier::new(&keys, edjwt_lib::POLICY);
                    edjwt_lib::verify(&verifier, &tokens[i], &mut buf)
                }
            })
        }
        other => edjwt_bench::peers::runner(other, &f),
    };
    let mut run = run;
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..n {
        let ok = run(black_box(&token));
        assert_eq!(ok, expect_ok, "{lib} {case}");
    }
    let allocs = ALLOCS.load(Ordering::Relaxed) - before;
    println!(
        "{lib} {case} token_bytes={} allocations_per_verify={}",
        token.len(),
        allocs as f64 / n.max(1) as f64
    );
}

/// `measure backend`: the curve25519-dalek backend that runs in this process. curve25519-dalek
/// 5 compiles its AVX-512 IFMA backend only when the build enables the `avx512ifma` and
/// `avx512vl` target features (`-C target-cpu=native` on such a CPU) and Rust is 1.89 or
/// later, its AVX2 backend on every x86-64 build; each call then takes IFMA if compiled in
/// and the CPU has it, else AVX2 if the CPU has it, else the serial 64-bit code (its
/// `build.rs` and `get_selected_backend` in `src/backend.rs`). The bench crate is built
/// with the same flags as its dependencies, so its own `cfg!` answers for them. Under
/// valgrind the CPU is valgrind's, which reports AVX2 but not AVX-512.
fn dalek_backend() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    {
        let ifma_built = cfg!(all(
            target_feature = "avx512ifma",
            target_feature = "avx512vl"
        ));
        if ifma_built
            && std::is_x86_feature_detected!("avx512ifma")
            && std::is_x86_feature_detected!("avx512vl")
        {
            return "avx512ifma";
        }
        if std::is_x86_feature_detected!("avx2") {
            return "avx2";
        }
    }
    "serial"
}

/// `measure paired BASELINE ROUNDS`: interleaves batches of edjwt and BASELINE verifies of
/// the typical token and prints the median of the per-round time ratios (noise on a busy
/// machine hits both sides of a pair alike).
fn paired(baseline: &str, rounds: usize) {
    use std::time::Instant;
    let f = Fixtures::new();
    let raw = raw::Raw::new(f.public_key, &f.typical);
    let (input, sig) = edjwt_bench::split_signature(&f.typical);
    let dalek_key = ed25519_dalek::VerifyingKey::from_bytes(&f.public_key).unwrap();
    let dalek_sig = ed25519_dalek::Signature::from_bytes(&sig);
    let keys = edjwt_lib::keys::<1>(f.public_key, 1);
    let verifier = edjwt::Verifier::new(&keys, edjwt_lib::POLICY);
    let mut buf = [0u8; 8192];
    let mut base: Box<dyn FnMut() -> bool> = match baseline {
        "raw-ed25519-compact" => Box::new(|| raw.verify()),
        "raw-ed25519-dalek" => Box::new(|| {
            use ed25519_dalek::Verifier as _;
            dalek_key.verify(&input, &dalek_sig).is_ok()
        }),
        "raw-ed25519-dalek-strict" => {
            Box::new(|| dalek_key.verify_strict(&input, &dalek_sig).is_ok())
        }
        other => {
            let mut run = edjwt_bench::peers::runner(other, &f);
            let token = f.typical.clone();
            Box::new(move || run(&token))
        }
    };
    const BATCH: usize = 16;
    let mut edjwt_batch = || {
        let t = Instant::now();
        for _ in 0..BATCH {
            assert!(edjwt_lib::verify(
                &verifier,
                black_box(&f.typical),
                &mut buf
            ));
        }
        t.elapsed().as_secs_f64()
    };
    let mut base_batch = || {
        let t = Instant::now();
        for _ in 0..BATCH {
            assert!(base());
        }
        t.elapsed().as_secs_f64()
    };
    let mut ratios = Vec::with_capacity(rounds);
    let (mut edjwt_times, mut base_times) =
        (Vec::with_capacity(rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        // Alternate which side runs first, so that neither always follows the other
        // (cache, branch predictor and clock-frequency effects of the previous batch).
        let (b, e) = if round % 2 == 0 {
            let b = base_batch();
            (b, edjwt_batch())
        } else {
            let e = edjwt_batch();
            (base_batch(), e)
        };
        ratios.push(e / b);
        edjwt_times.push(e);
        base_times.push(b);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[rounds / 2]
    };
    let per_verify_us = 1e6 / BATCH as f64;
    println!(
        "edjwt/{baseline} paired median time ratio {:.4} edjwt_us={:.2} baseline_us={:.2}",
        median(&mut ratios),
        median(&mut edjwt_times) * per_verify_us,
        median(&mut base_times) * per_verify_us
    );
}
