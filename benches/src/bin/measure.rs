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
        "edjwt" => {
            let keys = edjwt_lib::keys::<1>(f.public_key, 1);
            let mut buf = vec![0u8; 8192];
            Box::new(move |t| {
                let verifier = edjwt::Verifier::new(&keys, edjwt_lib::POLICY);
                edjwt_lib::verify(&verifier, t, &mut buf)
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
        "{lib} {case} allocations_per_verify={}",
        allocs as f64 / n.max(1) as f64
    );
}
