//! The verified-token cache against a plain verify, in one run: a hit, a miss (a rotating
//! set of distinct valid tokens, four times as many as the cache holds) and the same
//! rotation without a cache; then the shared form on one thread and on two.
//!
//! Ends with paired median ratios (batches of each side interleaved, so a busy machine
//! slows both alike): hit / verify and miss / verify-without-cache.
//!
//! `cargo bench -p edjwt-bench --bench cache`

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use base64ct::{Base64UrlUnpadded, Encoding};
use criterion::{criterion_group, Criterion, Throughput};
use edjwt::{KeySet, SharedVerifiedCache, VerifiedCache, Verifier};
use edjwt_bench::{edjwt_lib, Fixtures, NOW};

/// 64 slots of 2 KiB (133 KiB): the typical token (465 bytes) needs 747 with its decoded parts.
type Cache = VerifiedCache<'static, 1, 64, 2048>;
/// 8 shards × 8 slots of 2 KiB.
type Shared = SharedVerifiedCache<'static, 1, 8, 8, 2048>;

/// Distinct tokens in the miss rotation: four times the cache's 64 slots.
const ROTATION: usize = 256;

/// Tokens shaped exactly like the typical one (same header, claims and length), each with
/// its own `exp`, so each is a different valid token.
fn rotating_tokens(f: &Fixtures, n: usize) -> Vec<String> {
    let mut parts = f.typical.split('.');
    let decode = |segment: &str| {
        let mut out = vec![0u8; segment.len()];
        let len = Base64UrlUnpadded::decode(segment, &mut out).unwrap().len();
        out.truncate(len);
        String::from_utf8(out).unwrap()
    };
    let header = decode(parts.next().unwrap());
    let claims = decode(parts.next().unwrap());
    assert!(claims.contains("4102444800"));
    (0..n)
        .map(|i| {
            let exp = (4_102_444_800 + i).to_string();
            let token = edjwt_bench::sign(&header, &claims.replace("4102444800", &exp));
            assert_eq!(token.len(), f.typical.len());
            token
        })
        .collect()
}

fn keys(f: &Fixtures) -> KeySet<1> {
    edjwt_lib::keys::<1>(f.public_key, 1)
}

fn single_thread(c: &mut Criterion) {
    let f = Fixtures::new();
    let keys = keys(&f);
    let verifier = Verifier::new(&keys, edjwt_lib::POLICY);
    let rotation = rotating_tokens(&f, ROTATION);
    let mut buf = [0u8; 8192];

    let mut g = c.benchmark_group("cache");
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("verify (no cache)", |b| {
        b.iter(|| {
            assert!(edjwt_lib::verify(
                &verifier,
                black_box(&f.typical),
                &mut buf
            ))
        })
    });

    let mut cache = Box::new(Cache::new(keys.clone(), edjwt_lib::POLICY));
    assert!(cache.verify(&f.typical, NOW, &mut buf).is_ok());
    g.bench_function("hit", |b| {
        b.iter(|| assert!(cache.verify(black_box(&f.typical), NOW, &mut buf).is_ok()))
    });

    let mut i = 0;
    g.bench_function("verify rotation (no cache)", |b| {
        b.iter(|| {
            i = (i + 1) % ROTATION;
            assert!(edjwt_lib::verify(
                &verifier,
                black_box(&rotation[i]),
                &mut buf
            ))
        })
    });
    let mut miss_cache = Box::new(Cache::new(keys.clone(), edjwt_lib::POLICY));
    g.bench_function("miss (rotation through the cache)", |b| {
        b.iter(|| {
            i = (i + 1) % ROTATION;
            assert!(miss_cache
                .verify(black_box(&rotation[i]), NOW, &mut buf)
                .is_ok())
        })
    });
    let s = miss_cache.stats();
    assert!(
        s.hits * 100 <= s.hits + s.misses,
        "the miss bench must miss: {s:?}"
    );
    g.finish();
}

/// Runs `op` `iters` times on each of `threads` threads started together; returns the
/// wall time of the slowest ([`timed_threads`] without the CPU time).
fn on_threads(threads: usize, iters: u64, op: &(dyn Fn(usize, u64, &mut [u8]) + Sync)) -> Duration {
    timed_threads(threads, iters, op).0
}

fn two_threads(c: &mut Criterion) {
    let f = Fixtures::new();
    let keys = keys(&f);
    // Each thread has its own 8 hot tokens (its clients), all cached after the first round.
    let hot = rotating_tokens(&f, 16);
    let shared = Shared::new(keys.clone(), edjwt_lib::POLICY);
    let verifier = Verifier::new(&keys, edjwt_lib::POLICY);

    let hit = |t: usize, n: u64, buf: &mut [u8]| {
        let token = &hot[t * 8 + (n % 8) as usize];
        assert!(shared.verify(black_box(token), NOW, buf).is_ok());
    };
    let full = |t: usize, n: u64, buf: &mut [u8]| {
        let token = &hot[t * 8 + (n % 8) as usize];
        assert!(verifier.verify(black_box(token), NOW, buf).is_ok());
    };
    let mut g = c.benchmark_group("shared");
    g.measurement_time(Duration::from_secs(4));
    for threads in [1, 2] {
        // Time per iteration = every thread doing one verify: elements = threads.
        g.throughput(Throughput::Elements(threads as u64));
        g.bench_function(format!("hit, {threads} thread(s)"), |b| {
            b.iter_custom(|iters| on_threads(threads, iters, &hit))
        });
        g.bench_function(format!("verify (no cache), {threads} thread(s)"), |b| {
            b.iter_custom(|iters| on_threads(threads, iters, &full))
        });
    }
    let s = shared.stats();
    assert!(s.misses <= 16, "{s:?}");
    g.finish();
}

/// Median over `rounds` of (time per op of `b`) / (time per op of `a`), batches interleaved.
fn paired(
    rounds: usize,
    (a, batch_a): (&mut dyn FnMut(), usize),
    (b, batch_b): (&mut dyn FnMut(), usize),
) -> f64 {
    let mut ratios: Vec<f64> = (0..rounds)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..batch_a {
                a();
            }
            let t1 = Instant::now();
            for _ in 0..batch_b {
                b();
            }
            let t2 = Instant::now();
            ((t2 - t1).as_secs_f64() / batch_b as f64) / ((t1 - t0).as_secs_f64() / batch_a as f64)
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[rounds / 2]
}

fn paired_report() {
    let f = Fixtures::new();
    let keys = keys(&f);
    let verifier = Verifier::new(&keys, edjwt_lib::POLICY);
    let rotation = rotating_tokens(&f, ROTATION);
    let mut buf = [0u8; 8192];
    let mut buf2 = [0u8; 8192];
    let mut cache = Box::new(Cache::new(keys.clone(), edjwt_lib::POLICY));
    assert!(cache.verify(&f.typical, NOW, &mut buf).is_ok());

    let hit = paired(
        1000,
        (
            &mut || {
                assert!(edjwt_lib::verify(
                    &verifier,
                    black_box(&f.typical),
                    &mut buf
                ))
            },
            8,
        ),
        (
            &mut || assert!(cache.verify(black_box(&f.typical), NOW, &mut buf2).is_ok()),
            256,
        ),
    );
    println!(
        "paired median: hit / verify = {:.4} ({:.2}%)",
        hit,
        hit * 100.0
    );

    let mut miss_cache = Box::new(Cache::new(keys.clone(), edjwt_lib::POLICY));
    let (mut i, mut j) = (0, ROTATION / 2);
    let miss = paired(
        2000,
        (
            &mut || {
                i = (i + 1) % ROTATION;
                assert!(edjwt_lib::verify(
                    &verifier,
                    black_box(&rotation[i]),
                    &mut buf
                ));
            },
            8,
        ),
        (
            &mut || {
                j = (j + 1) % ROTATION;
                assert!(miss_cache
                    .verify(black_box(&rotation[j]), NOW, &mut buf2)
                    .is_ok());
            },
            8,
        ),
    );
    let s = miss_cache.stats();
    assert!(s.hits * 100 <= s.hits + s.misses, "{s:?}");
    println!(
        "paired median: miss / verify = {:.4} ({:+.2}% over no cache; {} misses, {} hits)",
        miss,
        (miss - 1.0) * 100.0,
        s.misses,
        s.hits
    );
}

/// On-CPU time of the calling thread (Linux `schedstat`): time spent waiting for a CPU on
/// a busy machine is left out. `None` where it is not available.
fn thread_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// `op` `iters` times on each of `threads` threads started together: the wall time of the
/// slowest and the on-CPU time of all.
fn timed_threads(
    threads: usize,
    iters: u64,
    op: &(dyn Fn(usize, u64, &mut [u8]) + Sync),
) -> (Duration, Option<Duration>) {
    let start = Barrier::new(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let start = &start;
                s.spawn(move || {
                    let mut buf = [0u8; 8192];
                    start.wait();
                    let (t0, cpu0) = (Instant::now(), thread_cpu());
                    for n in 0..iters {
                        op(t, n, &mut buf);
                    }
                    let cpu = thread_cpu().zip(cpu0).map(|(b, a)| b - a);
                    (t0.elapsed(), cpu)
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let wall = results.iter().map(|r| r.0).max().unwrap();
        let cpu = results.iter().map(|r| r.1).sum::<Option<Duration>>();
        (wall, cpu)
    })
}

/// The shared cache on 1 and 2 threads: aggregate throughput (wall clock, which a busy
/// machine lowers) and on-CPU time per hit (which lock contention would raise).
fn threads_report() {
    let f = Fixtures::new();
    let keys = keys(&f);
    let hot = rotating_tokens(&f, 16);
    let shared = Shared::new(keys.clone(), edjwt_lib::POLICY);
    // Own tokens: each thread its 8 clients'. Same token: both threads on one slot.
    let own = |t: usize, n: u64, buf: &mut [u8]| {
        let token = &hot[t * 8 + (n % 8) as usize];
        assert!(shared.verify(black_box(token), NOW, buf).is_ok());
    };
    let same = |_: usize, _: u64, buf: &mut [u8]| {
        assert!(shared.verify(black_box(&hot[0]), NOW, buf).is_ok());
    };
    timed_threads(2, 8, &own);
    const ITERS: u64 = 200_000;
    for (name, op) in [
        (
            "own tokens",
            &own as &(dyn Fn(usize, u64, &mut [u8]) + Sync),
        ),
        ("same token", &same),
    ] {
        for threads in [1, 2] {
            let (wall, cpu) = timed_threads(threads, ITERS, op);
            let ops = ITERS as f64 * threads as f64;
            let cpu = cpu.map_or("n/a".to_string(), |c| {
                format!("{:.0} ns", c.as_nanos() as f64 / ops)
            });
            println!(
                "shared hit, {name}, {threads} thread(s): {:.2} M hits/s, on-CPU {cpu} per hit",
                ops / wall.as_secs_f64() / 1e6,
            );
        }
    }
    let s = shared.stats();
    assert!(s.misses <= 16, "{s:?}");
}

criterion_group!(benches, single_thread, two_threads);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Not in `cargo test --benches` / `--list` runs.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--list") {
        paired_report();
        threads_report();
    }
}
