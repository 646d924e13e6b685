//! The verified-token cache: a hit returns exactly what a fresh verify returns, and a
//! tampered, expired, re-keyed or policy-failing token is never served from the cache.

mod common;

use common::counting::{allocations, Counting};

use common::{keypair, policy, rfc8037_key, sign, sign_with, CLAIMS, HEADER, NOW};
use edjwt::{
    CacheStats, Error, KeySet, Limits, Policy, Verified, VerifiedCache, Verifier, VerifyingKey,
};

/// 8 slots of 1 KiB: enough for the test tokens (about 300 bytes, 520 with their decoded
/// parts) and small enough to fill.
type Cache = VerifiedCache<'static, 4, 8, 1024>;

/// `exp` of [`CLAIMS`] plus the 60 s leeway: the first second at which it is expired.
const EXPIRED_AT: u64 = 1_700_003_600 + 60;

const OTHER_SEED: [u8; 32] = [7; 32];

fn keys() -> KeySet<4> {
    let mut keys = KeySet::new();
    keys.push(rfc8037_key().with_kid("rfc8037").unwrap())
        .unwrap();
    keys
}

fn other_key(kid: &str) -> VerifyingKey {
    VerifyingKey::from_bytes(&keypair(OTHER_SEED).pk)
        .unwrap()
        .with_kid(kid)
        .unwrap()
}

fn cache() -> Cache {
    Cache::new(keys(), policy())
}

/// A valid token at [`NOW`], distinct for each `n`.
fn token(n: usize) -> String {
    sign(HEADER, &format!(r#"{{"jti":"{n}",{}"#, &CLAIMS[1..]))
}

/// Everything a verify returns (header, claims, payload, key index), as one comparable
/// value, and the bytes it left at the front of `buf`.
fn outcome(result: Result<Verified<'_>, Error>) -> Result<String, Error> {
    result.map(|v| format!("{v:?}"))
}

/// What a plain [`Verifier`] says.
fn fresh(keys: &KeySet<4>, policy: Policy<'_>, token: &str, now: u64) -> Result<String, Error> {
    let mut buf = [0u8; 2048];
    outcome(Verifier::new(keys, policy).verify(token, now, &mut buf))
}

fn cached(cache: &mut Cache, token: &str, now: u64) -> Result<String, Error> {
    let mut buf = [0u8; 2048];
    outcome(cache.verify(token, now, &mut buf))
}

fn stats(hits: u64, misses: u64, inserts: u64) -> (u64, u64, u64) {
    (hits, misses, inserts)
}

fn hmi(s: CacheStats) -> (u64, u64, u64) {
    (s.hits, s.misses, s.inserts)
}

#[test]
fn a_hit_returns_what_a_fresh_verify_returns() {
    let mut c = cache();
    let t = token(1);
    let mut fresh_buf = [0u8; 2048];
    let expected = Verifier::new(&keys(), policy())
        .verify(&t, NOW, &mut fresh_buf)
        .unwrap();
    let decoded = expected.header().json().len() + expected.payload().len();
    let expected_debug = format!("{expected:?}");

    for round in 0..3 {
        let mut buf = [0u8; 2048];
        let v = c.verify(&t, NOW, &mut buf).unwrap();
        assert_eq!(format!("{v:?}"), expected_debug, "round {round}");
        assert!(v.claims().subject().unwrap() == "alice");
        assert!(v.claims().jwt_id().unwrap() == "1");
        assert_eq!(v.key_index(), 0);
        // Same layout in the caller's buffer: header JSON, then payload JSON.
        assert_eq!(buf[..decoded], fresh_buf[..decoded], "round {round}");
    }
    assert_eq!(hmi(c.stats()), stats(2, 1, 1));
    assert_eq!(c.len(), 1);
}

#[test]
fn custom_claims_from_a_hit() {
    #[derive(serde::Deserialize)]
    struct Scope<'a> {
        prefix: &'a str,
    }
    let mut c = Cache::new(keys(), policy().require_claims(&["prefix"]));
    let t = sign(
        HEADER,
        &format!(r#"{{"prefix":"projects\/a/",{}"#, &CLAIMS[1..]),
    );
    for _ in 0..2 {
        let mut buf = [0u8; 2048];
        let v = c.verify(&t, NOW, &mut buf).unwrap();
        let mut scratch = [0u8; 512];
        let scope: Scope<'_> = v.deserialize_claims(&mut scratch).unwrap();
        assert_eq!(scope.prefix, "projects/a/");
    }
    assert_eq!(c.stats().hits, 1);
}

#[test]
fn a_token_differing_in_one_byte_never_hits() {
    let mut c = cache();
    let t = token(1);
    assert!(cached(&mut c, &t, NOW).is_ok());
    let mut checked = 0;
    for i in 0..t.len() {
        for replacement in [b'A', b'B', b'.', b'='] {
            let mut bytes = t.clone().into_bytes();
            if bytes[i] == replacement {
                continue;
            }
            bytes[i] = replacement;
            let tampered = String::from_utf8(bytes).unwrap();
            let hits = c.stats().hits;
            let result = cached(&mut c, &tampered, NOW);
            assert!(result.is_err(), "byte {i} -> {replacement}");
            assert_eq!(result, fresh(&keys(), policy(), &tampered, NOW), "byte {i}");
            assert_eq!(c.stats().hits, hits, "byte {i} hit");
            checked += 1;
        }
    }
    // Shorter and longer tokens sharing a prefix, and one spliced from two tokens.
    let others = [
        t[..t.len() - 1].to_string(),
        format!("{t}A"),
        format!("A{t}"),
        format!("{}{}", &t[..t.len() - 40], &token(2)[token(2).len() - 40..]),
    ];
    for other in &others {
        let result = cached(&mut c, other, NOW);
        assert!(result.is_err());
        assert_eq!(result, fresh(&keys(), policy(), other, NOW));
    }
    assert_eq!(c.stats().hits, 0);
    assert_eq!(c.stats().misses, 1 + checked + others.len() as u64);
    // The original is still cached, and still the only entry.
    assert!(cached(&mut c, &t, NOW).is_ok());
    assert_eq!(hmi(c.stats()), (1, 1 + checked + 4, 1));
    assert_eq!(c.len(), 1);
}

#[test]
fn an_expired_token_is_rejected_on_the_hit_and_evicted() {
    let mut c = cache();
    let t = token(1);
    assert!(cached(&mut c, &t, NOW).is_ok());
    assert!(cached(&mut c, &t, EXPIRED_AT - 1).is_ok());
    assert_eq!(cached(&mut c, &t, EXPIRED_AT), Err(Error::Expired));
    assert_eq!(c.stats().hits, 2);
    assert_eq!(c.stats().invalidations, 1);
    assert!(c.is_empty());
    // Now a miss, verified in full, still expired and not stored again.
    assert_eq!(cached(&mut c, &t, EXPIRED_AT), Err(Error::Expired));
    assert_eq!(hmi(c.stats()), stats(2, 2, 1));
    assert!(c.is_empty());
}

#[test]
fn time_is_checked_both_ways_on_hits() {
    // A clock that steps back: before `nbf` (minus leeway) the hit is `not-yet-valid`,
    // exactly as a fresh verify says.
    let mut c = cache();
    let t = token(1);
    assert!(cached(&mut c, &t, NOW).is_ok());
    let early = 1_700_000_000 - 61;
    assert_eq!(cached(&mut c, &t, early), Err(Error::NotYetValid));
    assert_eq!(
        cached(&mut c, &t, early),
        fresh(&keys(), policy(), &t, early)
    );
    assert_eq!(c.stats().hits, 1);
    assert_eq!(c.stats().invalidations, 1);
}

#[test]
fn replaced_keys_empty_the_cache() {
    let mut c = cache();
    let t = token(1);
    assert!(cached(&mut c, &t, NOW).is_ok());
    assert!(cached(&mut c, &t, NOW).is_ok());
    assert_eq!(c.stats().hits, 1);

    // The same kid, another key: the token is re-verified and fails.
    let mut other = KeySet::new();
    other.push(other_key("rfc8037")).unwrap();
    let old = c.replace_keys(other.clone());
    assert_eq!(old.len(), 1);
    assert!(c.is_empty());
    assert_eq!(cached(&mut c, &t, NOW), Err(Error::BadSignature));
    assert_eq!(cached(&mut c, &t, NOW), fresh(&other, policy(), &t, NOW));

    // No key with that kid: `unknown-key`, before any cryptography.
    let mut unrelated = KeySet::new();
    unrelated.push(other_key("2026-11")).unwrap();
    c.replace_keys(unrelated);
    assert_eq!(cached(&mut c, &t, NOW), Err(Error::UnknownKey));

    // The right key again, now second in the set: verified afresh, with the new index.
    let mut both = KeySet::new();
    both.push(other_key("rfc8037")).unwrap();
    both.push(rfc8037_key().with_kid("rfc8037").unwrap())
        .unwrap();
    c.replace_keys(both.clone());
    let misses = c.stats().misses;
    let expected = fresh(&both, policy(), &t, NOW);
    assert!(expected.as_ref().unwrap().contains("key_index: 1"));
    assert_eq!(cached(&mut c, &t, NOW), expected);
    assert_eq!(cached(&mut c, &t, NOW), expected);
    assert_eq!(c.stats().misses, misses + 1);
    assert_eq!(c.stats().hits, 2);

    // Even identical keys empty it.
    c.replace_keys(both);
    assert!(c.is_empty());
    assert_eq!(cached(&mut c, &t, NOW), expected);
    assert_eq!(c.stats().misses, misses + 2);
    assert_eq!(c.keys().len(), 2);
}

#[test]
fn the_policy_is_checked_on_every_hit() {
    let mut c = cache();
    let t = token(1);
    let cases: [(Policy<'static>, Error); 9] = [
        (policy().audience("other"), Error::WrongAudience),
        (policy().audiences(&[]), Error::WrongAudience),
        (policy().issuer("https://evil.example"), Error::WrongIssuer),
        (policy().subject("bob"), Error::WrongSubject),
        (policy().typ("at+jwt"), Error::WrongType),
        (policy().require_claims(&["prefix"]), Error::MissingClaim),
        (policy().max_age(10), Error::TooOld),
        (
            policy().limits(Limits {
                max_token_len: 100,
                ..Limits::DEFAULT
            }),
            Error::TokenTooLarge,
        ),
        (
            policy().limits(Limits {
                max_header_len: 10,
                ..Limits::DEFAULT
            }),
            Error::HeaderTooLarge,
        ),
    ];
    for (strict, error) in cases {
        c.set_policy(policy());
        assert!(cached(&mut c, &t, NOW).is_ok());
        let before = c.stats();
        c.set_policy(strict);
        assert_eq!(cached(&mut c, &t, NOW), Err(error));
        assert_eq!(cached(&mut c, &t, NOW), fresh(&keys(), strict, &t, NOW));
        let after = c.stats();
        assert_eq!(after.hits, before.hits + 1, "{error:?} checked on the hit");
        assert_eq!(after.invalidations, before.invalidations + 1, "{error:?}");
        assert_eq!(after.inserts, before.inserts, "{error:?}");
    }
    // A relaxed policy is also the one applied to hits.
    c.set_policy(policy().leeway(10_000));
    assert!(cached(&mut c, &t, NOW).is_ok());
    assert!(cached(&mut c, &t, EXPIRED_AT).is_ok());
    assert_eq!(c.stats().hits, 10);
}

#[test]
fn rejected_tokens_are_not_stored() {
    let mut c = cache();
    let t = token(1);
    let mut bad = t.clone().into_bytes();
    let last = bad.len() - 5;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let rejected = [
        (String::from_utf8(bad).unwrap(), Error::BadSignature),
        (
            sign(
                HEADER,
                r#"{"iss":"https://issuer.example","aud":"api","exp":1700000000}"#,
            ),
            Error::Expired,
        ),
        (
            sign(
                HEADER,
                r#"{"iss":"https://issuer.example","aud":"web","exp":1800000000}"#,
            ),
            Error::WrongAudience,
        ),
        (sign_with(OTHER_SEED, HEADER, CLAIMS), Error::BadSignature),
        ("abc.def.ghi".to_string(), Error::Malformed),
    ];
    for (token, error) in &rejected {
        for _ in 0..2 {
            assert_eq!(cached(&mut c, token, NOW), Err(*error));
        }
    }
    assert_eq!(hmi(c.stats()), stats(0, 10, 0));
    assert!(c.is_empty());
}

#[test]
fn tokens_too_large_for_a_slot_bypass_the_cache() {
    let mut c = cache();
    // Longer than a slot: not even looked up.
    let huge = sign(
        HEADER,
        &format!(r#"{{"pad":"{}",{}"#, "x".repeat(900), &CLAIMS[1..]),
    );
    assert!(huge.len() > 1024);
    // Fits as a token, not with its decoded header and payload: looked up, never stored.
    let long = sign(
        HEADER,
        &format!(r#"{{"pad":"{}",{}"#, "x".repeat(300), &CLAIMS[1..]),
    );
    assert!(
        long.len() < 1024 && long.len() * 7 / 4 > 1024,
        "{}",
        long.len()
    );
    for _ in 0..3 {
        assert_eq!(
            cached(&mut c, &huge, NOW),
            fresh(&keys(), policy(), &huge, NOW)
        );
        assert!(cached(&mut c, &huge, NOW).is_ok());
        assert!(cached(&mut c, &long, NOW).is_ok());
    }
    let s = c.stats();
    assert_eq!((s.bypassed, s.misses, s.hits, s.inserts), (6, 3, 0, 0));
    assert!(c.is_empty());
}

#[test]
fn more_tokens_than_slots() {
    let mut c = cache();
    let tokens: Vec<String> = (0..20).map(token).collect();
    let expected: Vec<_> = tokens
        .iter()
        .map(|t| fresh(&keys(), policy(), t, NOW))
        .collect();
    for round in 0..3 {
        for (t, e) in tokens.iter().zip(&expected) {
            assert_eq!(&cached(&mut c, t, NOW), e, "round {round}");
            // Just used: always a hit now.
            assert_eq!(&cached(&mut c, t, NOW), e, "round {round}");
        }
    }
    let s = c.stats();
    assert_eq!(s.hits + s.misses, 120);
    assert!(s.hits >= 60, "{s:?}");
    assert!(s.evictions > 0, "{s:?}");
    assert_eq!(s.inserts, s.misses);
    assert!(c.len() <= 8);
    c.clear();
    assert!(c.is_empty());
}

#[test]
fn a_buffer_too_small_on_a_hit_keeps_the_entry() {
    let mut c = cache();
    let t = token(1);
    let mut buf = [0u8; 2048];
    let v = c.verify(&t, NOW, &mut buf).unwrap();
    let needed = v.header().json().len() + v.payload().len();
    for len in [0, 16, needed - 1] {
        let mut small = vec![0u8; len];
        assert_eq!(
            c.verify(&t, NOW, &mut small).err(),
            Some(Error::BufferTooSmall)
        );
        assert_eq!(
            Verifier::new(&keys(), policy())
                .verify(&t, NOW, &mut small)
                .err(),
            Some(Error::BufferTooSmall)
        );
    }
    let mut exact = vec![0u8; needed];
    assert!(c.verify(&t, NOW, &mut exact).is_ok());
    assert_eq!(c.stats().invalidations, 0);
    assert_eq!(hmi(c.stats()), stats(4, 1, 1));
}

#[test]
fn authorization_headers() {
    let mut c = cache();
    let t = token(1);
    let header = format!("Bearer {t}");
    let mut buf = [0u8; 2048];
    for _ in 0..2 {
        let v = c
            .verify_authorization(Some(&header), NOW, &mut buf)
            .unwrap();
        assert!(v.claims().subject().unwrap() == "alice");
    }
    assert_eq!(
        c.verify_authorization(None, NOW, &mut buf).err(),
        Some(Error::MissingToken)
    );
    assert_eq!(
        c.verify_authorization(Some("Basic dXNlcjpwYXNz"), NOW, &mut buf)
            .err(),
        Some(Error::MissingToken)
    );
    assert_eq!(
        c.verify_authorization(Some("Bearer a b"), NOW, &mut buf)
            .err(),
        Some(Error::Malformed)
    );
    assert_eq!(hmi(c.stats()), stats(1, 1, 1));
}

#[test]
fn debug_shows_no_token() {
    let mut c = cache();
    let t = token(1);
    assert!(cached(&mut c, &t, NOW).is_ok());
    let shown = format!("{c:?}");
    assert!(shown.contains("hits"), "{shown}");
    for part in t.split('.') {
        assert!(!shown.contains(part), "{shown}");
    }
    assert!(!shown.contains("alice"), "{shown}");
}

#[test]
fn memory_is_slots_times_slot_bytes_plus_40() {
    use std::mem::size_of;
    let fixed = size_of::<KeySet<1>>() + size_of::<Policy<'static>>() + size_of::<CacheStats>();
    let big = size_of::<VerifiedCache<'static, 1, 256, 2048>>();
    assert_eq!(big, 256 * (2048 + 40) + fixed);
    assert_eq!(big / 1024, 522 + fixed / 1024);
    assert_eq!(
        size_of::<VerifiedCache<'static, 1, 64, 1024>>(),
        64 * (1024 + 40) + fixed
    );
    #[cfg(feature = "std")]
    {
        // 16 shards of 16 slots: each shard adds its lock and counters (56 bytes).
        let shared = size_of::<edjwt::SharedVerifiedCache<'static, 1, 16, 16, 2048>>();
        let shards = 16 * (16 * (2048 + 40) + 56);
        assert!(
            shared >= shards && shared <= shards + 256 + fixed,
            "{shared}"
        );
    }
}

#[test]
fn zero_slots_cache_nothing() {
    let mut c = VerifiedCache::<'static, 4, 0, 1024>::new(keys(), policy());
    let t = token(1);
    for _ in 0..2 {
        assert!(c.verify(&t, NOW, &mut [0u8; 2048]).is_ok());
    }
    assert_eq!(hmi(c.stats()), stats(0, 2, 0));
    let mut one = VerifiedCache::<'static, 4, 1, 1024>::new(keys(), policy());
    for _ in 0..2 {
        assert!(one.verify(&t, NOW, &mut [0u8; 2048]).is_ok());
        assert!(one.verify(&token(2), NOW, &mut [0u8; 2048]).is_ok());
    }
    assert_eq!(hmi(one.stats()), stats(0, 4, 4));
    assert_eq!(one.stats().evictions, 3);
}

// Zero allocations: a counting global allocator, per thread.

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn no_path_allocates() {
    let tokens: Vec<String> = (0..12).map(token).collect();
    let huge = sign(
        HEADER,
        &format!(r#"{{"pad":"{}",{}"#, "x".repeat(900), &CLAIMS[1..]),
    );
    let authorization = format!("Bearer {}", tokens[0]);
    let mut other = KeySet::<4>::new();
    other.push(other_key("rfc8037")).unwrap();
    let ((), n) = allocations(|| {
        let mut c = cache();
        let mut buf = [0u8; 2048];
        for _ in 0..2 {
            for t in &tokens {
                assert!(c.verify(t, NOW, &mut buf).is_ok());
            }
        }
        assert!(c
            .verify_authorization(Some(&authorization), NOW, &mut buf)
            .is_ok());
        assert_eq!(c.verify(&huge, NOW, &mut buf).err(), None);
        assert_eq!(
            c.verify(&tokens[0], EXPIRED_AT, &mut buf).err(),
            Some(Error::Expired)
        );
        c.set_policy(policy().audience("web"));
        assert_eq!(
            c.verify(&tokens[1], NOW, &mut buf).err(),
            Some(Error::WrongAudience)
        );
        c.set_policy(policy());
        c.replace_keys(other.clone());
        assert_eq!(
            c.verify(&tokens[2], NOW, &mut buf).err(),
            Some(Error::BadSignature)
        );
        assert!(c.stats().hits > 0 && c.stats().evictions > 0);
        let _ = c.stats();

        #[cfg(feature = "std")]
        {
            let s = edjwt::SharedVerifiedCache::<'static, 4, 2, 4, 1024>::new(keys(), policy());
            for _ in 0..2 {
                for t in &tokens {
                    assert!(s.verify(t, NOW, &mut buf).is_ok());
                }
            }
            assert_eq!(
                s.verify(&tokens[0], EXPIRED_AT, &mut buf).err(),
                Some(Error::Expired)
            );
            assert!(s.verify(&huge, NOW, &mut buf).is_ok());
            s.replace_keys(other.clone());
            assert_eq!(
                s.verify(&tokens[2], NOW, &mut buf).err(),
                Some(Error::BadSignature)
            );
            assert!(s.stats().hits > 0);
            assert_eq!(s.keys().len(), 1);
        }
    });
    assert_eq!(n, 0, "allocations in the cache paths");
}

#[cfg(feature = "std")]
mod shared {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use edjwt::SharedVerifiedCache;

    use super::*;

    /// 4 shards × 4 slots of 1 KiB.
    type Shared = SharedVerifiedCache<'static, 4, 4, 4, 1024>;

    fn shared_verify(s: &Shared, token: &str, now: u64) -> Result<String, Error> {
        let mut buf = [0u8; 2048];
        outcome(s.verify(token, now, &mut buf))
    }

    #[test]
    fn two_threads_get_what_a_verifier_gets() {
        let s = Shared::new(keys(), policy());
        // Valid tokens (more than fit), rejections, and one too large for a slot.
        let mut tokens: Vec<String> = (0..24).map(token).collect();
        tokens.push(sign_with(OTHER_SEED, HEADER, CLAIMS));
        tokens.push(sign(
            HEADER,
            r#"{"iss":"https://issuer.example","aud":"api","exp":1700000000}"#,
        ));
        tokens.push(sign(
            HEADER,
            &format!(r#"{{"pad":"{}",{}"#, "x".repeat(900), &CLAIMS[1..]),
        ));
        let expected: Vec<_> = tokens
            .iter()
            .map(|t| fresh(&keys(), policy(), t, NOW))
            .collect();
        let rounds = 4u64;
        std::thread::scope(|scope| {
            for thread in 0..2 {
                let (s, tokens, expected) = (&s, &tokens, &expected);
                scope.spawn(move || {
                    for round in 0..rounds {
                        for k in 0..tokens.len() {
                            // Each thread its own order; the hot few tokens repeat.
                            let i = if thread == 0 { k } else { tokens.len() - 1 - k };
                            let i = if k % 2 == 0 { i } else { i % 4 };
                            let got = shared_verify(s, &tokens[i], NOW);
                            assert_eq!(got, expected[i], "thread {thread} round {round} {i}");
                        }
                    }
                });
            }
        });
        let st = s.stats();
        let calls = 2 * rounds * tokens.len() as u64;
        assert_eq!(st.hits + st.misses + st.bypassed, calls, "{st:?}");
        // The large token comes up once per round in each thread.
        assert_eq!(st.bypassed, 2 * rounds, "{st:?}");
        assert!(st.hits > calls / 3, "{st:?}");
        assert!(s.len() <= 16);
    }

    #[test]
    fn expired_hits_and_policy() {
        let s = Shared::new(keys(), policy());
        let t = token(1);
        assert!(shared_verify(&s, &t, NOW).is_ok());
        assert!(shared_verify(&s, &t, NOW).is_ok());
        assert_eq!(shared_verify(&s, &t, EXPIRED_AT), Err(Error::Expired));
        assert_eq!(s.stats().invalidations, 1);
        assert!(s.is_empty());
        assert_eq!(shared_verify(&s, &t, EXPIRED_AT), Err(Error::Expired));
        assert_eq!(hmi(s.stats()), stats(2, 2, 1));

        let strict = Shared::new(keys(), policy().audience("web"));
        assert_eq!(shared_verify(&strict, &t, NOW), Err(Error::WrongAudience));
        assert!(strict.is_empty());
        assert!(strict.policy().size_limits() == Limits::DEFAULT);
        let shown = format!("{s:?}");
        assert!(shown.contains("shards") && !shown.contains(t.split('.').nth(2).unwrap()));
        s.clear();
        assert!(s.is_empty());
    }

    #[test]
    fn replace_keys_while_another_thread_verifies() {
        let s = Shared::new(keys(), policy());
        let t = token(1);
        let replaced = AtomicBool::new(false);
        let verified = AtomicUsize::new(0);
        let mut other = KeySet::new();
        other.push(other_key("rfc8037")).unwrap();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let mut after = 0;
                while after < 50 {
                    let was_replaced = replaced.load(Ordering::Acquire);
                    let got = shared_verify(&s, &t, NOW);
                    if was_replaced {
                        // Started after `replace_keys` returned: never the old answer.
                        assert_eq!(got, Err(Error::BadSignature));
                        after += 1;
                    } else {
                        assert!(got.is_ok() || got == Err(Error::BadSignature));
                        verified.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
            while verified.load(Ordering::Relaxed) < 200 {
                std::thread::yield_now();
            }
            s.replace_keys(other.clone());
            replaced.store(true, Ordering::Release);
        });
        assert!(s.stats().hits >= 150);
        assert!(s.is_empty());
        // And back: verified afresh, cached again.
        s.replace_keys(keys());
        assert!(shared_verify(&s, &t, NOW).is_ok());
        assert!(shared_verify(&s, &t, NOW).is_ok());
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn usable_from_a_static() {
        static CACHE: SharedVerifiedCache<'static, 4, 2, 2, 1024> =
            SharedVerifiedCache::new(KeySet::new(), Policy::new().audience("api"));
        let t = token(1);
        assert_eq!(shared_verify_static(&CACHE, &t), Err(Error::UnknownKey));
        CACHE.replace_keys(keys());
        assert!(shared_verify_static(&CACHE, &t).is_ok());
        assert!(shared_verify_static(&CACHE, &t).is_ok());
        assert_eq!(CACHE.stats().hits, 1);
    }

    fn shared_verify_static(
        s: &SharedVerifiedCache<'static, 4, 2, 2, 1024>,
        t: &str,
    ) -> Result<String, Error> {
        let mut buf = [0u8; 2048];
        outcome(s.verify(t, NOW, &mut buf))
    }
}
