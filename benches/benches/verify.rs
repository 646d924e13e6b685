//! Criterion benches: edjwt against the raw Ed25519 verify (the floor) and the peers, on the
//! same tokens, keys and checks; rejection paths; key sets of 1, 8 and 64 keys.
//!
//! Each measured closure asserts its result, so a bench can never time a failure path by
//! mistake. Run: `cargo bench -p edjwt-bench --bench verify` (add `--features dalek` for
//! edjwt on its ed25519-dalek backend). `benches/report.sh` gives the instruction counts.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use edjwt::Verifier;
use edjwt_bench::{edjwt_lib, peers, raw, Fixtures};

fn full_verify(c: &mut Criterion) {
    let f = Fixtures::new();
    let keys = edjwt_lib::keys::<1>(f.public_key, 1);
    let verifier = Verifier::new(&keys, edjwt_lib::POLICY);
    let mut group = c.benchmark_group("verify");
    for (name, token) in [
        ("small", &f.small),
        ("typical", &f.typical),
        ("large", &f.large),
    ] {
        let mut buf = [0u8; 8192];
        group.bench_with_input(BenchmarkId::new("edjwt", name), token, |b, t| {
            b.iter(|| assert!(edjwt_lib::verify(&verifier, black_box(t), &mut buf)))
        });
        let floor = raw::Raw::new(f.public_key, token);
        group.bench_with_input(
            BenchmarkId::new("raw-ed25519-compact", name),
            token,
            |b, _| b.iter(|| assert!(black_box(&floor).verify())),
        );
        let (input, sig) = edjwt_bench::split_signature(token);
        let dalek = ed25519_dalek::VerifyingKey::from_bytes(&f.public_key).unwrap();
        let dalek_sig = ed25519_dalek::Signature::from_bytes(&sig);
        group.bench_with_input(
            BenchmarkId::new("raw-ed25519-dalek", name),
            token,
            |b, _| {
                use ed25519_dalek::Verifier as _;
                b.iter(|| assert!(dalek.verify(black_box(&input), &dalek_sig).is_ok()))
            },
        );
        group.bench_with_input(
            BenchmarkId::new("raw-ed25519-dalek-strict", name),
            token,
            |b, _| b.iter(|| assert!(dalek.verify_strict(black_box(&input), &dalek_sig).is_ok())),
        );
        for lib in ["jsonwebtoken", "jwt-simple", "jwt-compact"] {
            let mut run = peers::runner(lib, &f);
            group.bench_with_input(BenchmarkId::new(lib, name), token, |b, t| {
                b.iter(|| assert!(run(black_box(t))))
            });
        }
    }
    let mut buf = [0u8; 8192];
    group.bench_function("edjwt+custom-claim/typical", |b| {
        b.iter(|| {
            assert!(edjwt_lib::verify_with_custom(
                &verifier,
                black_box(&f.typical),
                &mut buf
            ))
        })
    });
    group.finish();
}

fn rejections(c: &mut Criterion) {
    let f = Fixtures::new();
    let keys = edjwt_lib::keys::<1>(f.public_key, 1);
    let verifier = Verifier::new(&keys, edjwt_lib::POLICY);
    let garbage = "abc.def.ghi".to_string();
    let mut group = c.benchmark_group("reject");
    for (name, token) in [
        ("garbage", &garbage),
        ("wrong-alg", &f.wrong_alg),
        ("unknown-kid", &f.unknown_kid),
        ("bad-signature", &f.bad_signature),
        ("expired", &f.expired),
    ] {
        let mut buf = [0u8; 8192];
        group.bench_with_input(BenchmarkId::new("edjwt", name), token, |b, t| {
            b.iter(|| assert!(!edjwt_lib::verify(&verifier, black_box(t), &mut buf)))
        });
        for lib in ["jsonwebtoken", "jwt-simple", "jwt-compact"] {
            let mut run = peers::runner(lib, &f);
            group.bench_with_input(BenchmarkId::new(lib, name), token, |b, t| {
                b.iter(|| assert!(!run(black_box(t))))
            });
        }
    }
    group.finish();
}

fn key_sets(c: &mut Criterion) {
    let f = Fixtures::new();
    let no_kid = edjwt_bench::sign(r#"{"alg":"EdDSA"}"#, &f.typical_claims());
    let mut group = c.benchmark_group("keyset");
    macro_rules! sized {
        ($n:literal) => {{
            let keys = edjwt_lib::keys::<$n>(f.public_key, $n);
            let verifier = Verifier::new(&keys, edjwt_lib::POLICY);
            let mut buf = [0u8; 8192];
            group.bench_function(BenchmarkId::new("kid", $n), |b| {
                b.iter(|| {
                    assert!(edjwt_lib::verify(
                        &verifier,
                        black_box(&f.typical),
                        &mut buf
                    ))
                })
            });
            // Without kid every key is a candidate; the signing key is last (worst case).
            group.bench_function(BenchmarkId::new("no-kid", $n), |b| {
                b.iter(|| assert!(edjwt_lib::verify(&verifier, black_box(&no_kid), &mut buf)))
            });
            group.bench_function(BenchmarkId::new("unknown-kid", $n), |b| {
                b.iter(|| {
                    assert!(!edjwt_lib::verify(
                        &verifier,
                        black_box(&f.unknown_kid),
                        &mut buf
                    ))
                })
            });
        }};
    }
    sized!(1);
    sized!(8);
    sized!(64);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(2));
    targets = full_verify, rejections, key_sets
}
criterion_main!(benches);
