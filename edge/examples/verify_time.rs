//! Time per verification of the edge module's code compiled natively (the host build of the
//! same crate, through the same exported functions), for the workerd / node / native
//! comparison in edge/README.md (edge/workers/bench/bench.mjs runs it):
//!
//! `cargo run --release -p edjwt-edge --example verify_time -- KEYFILE ISSUER AUDIENCE TOKEN N ROUNDS`
//!
//! Prints the median over ROUNDS of the mean time of N `edjwt_verify_authorization` calls
//! on `Bearer TOKEN` at the current time, in microseconds: elapsed, then this thread's CPU
//! time (Linux `/proc/thread-self/schedstat`), which a busy machine inflates much less.
#![allow(unsafe_code)]

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use edjwt_edge::abi::*;
use edjwt_edge::state::text_field;

fn write(text: &str) -> u32 {
    assert!(text.len() <= edjwt_input_cap() as usize, "input too long");
    // SAFETY: the buffer holds `cap` bytes and no call is running.
    unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), edjwt_input_ptr(), text.len()) };
    u32::try_from(text.len()).unwrap()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key_file, issuer, audience, token, n, rounds] = <[String; 6]>::try_from(args)
        .expect("usage: verify_time KEYFILE ISSUER AUDIENCE TOKEN N ROUNDS");
    let (n, rounds): (u32, usize) = (n.parse().unwrap(), rounds.parse().unwrap());
    let key = std::fs::read_to_string(key_file).unwrap();
    assert_eq!(edjwt_keys_load(write(&key)), 0, "key refused");
    edjwt_policy_reset();
    assert_eq!(edjwt_policy_add(text_field::ISSUER, write(&issuer)), 0);
    assert_eq!(edjwt_policy_add(text_field::AUDIENCE, write(&audience)), 0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let value = format!("Bearer {token}");

    let mut times = Vec::with_capacity(rounds);
    let mut cpu_times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let cpu = cpu_ns();
        let start = Instant::now();
        for _ in 0..n {
            // The host writes the value for every call, as the JS wrapper does.
            let reason = edjwt_verify_authorization(write(std::hint::black_box(&value)), now);
            assert_eq!(reason, 0, "verification failed");
        }
        times.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(n));
        cpu_times.push((cpu_ns() - cpu) as f64 / 1e3 / f64::from(n));
    }
    println!("{:.1} {:.1}", median(times), median(cpu_times));
}

/// This thread's CPU time so far, in nanoseconds.
fn cpu_ns() -> u64 {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap();
    stat.split(' ').next().unwrap().parse().unwrap()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}
