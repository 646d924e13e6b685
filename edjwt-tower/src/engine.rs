//! The one place that calls the edjwt core: verify (with or without the verified-token
//! cache), read the registered claims, deserialize the caller's claims type.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use edjwt::{
    scratch_len, CacheStats, Error, Policy, SharedVerifiedCache, UntrustedToken, Verified,
    Verifier, DEFAULT_MAX_TOKEN_LEN,
};
use serde::de::DeserializeOwned;

use crate::key_store::{KeyStore, Snapshot, MAX_KEYS};
use crate::token::VerifiedToken;

/// One part of the cache: 16 shards × 16 slots of 2 KiB (tokens up to about 1.2 KiB),
/// 523 KiB. 16 shards keep threads verifying different tokens off each other's locks.
type Cache = SharedVerifiedCache<'static, MAX_KEYS, 16, 16, 2048>;

/// Tokens one [`Cache`] part holds.
pub(crate) const TOKENS_PER_PART: usize = 256;

/// Tokens up to this length decode into buffers on the worker's stack (24 KiB with the
/// scratch); only a policy raising the default limits lets longer ones reach the heap.
const STACK_TOKEN_LEN: usize = DEFAULT_MAX_TOKEN_LEN;

/// A verified request: the caller's claims and the registered ones.
pub(crate) struct Accepted<T> {
    pub(crate) claims: T,
    pub(crate) token: VerifiedToken,
}

/// A rejected request: the reason, and the `kid` of the configured key the token named,
/// if any (never text from the token itself).
pub(crate) struct Rejected {
    pub(crate) error: Error,
    pub(crate) kid: Option<String>,
}

/// Policy plus, optionally, the cache, kept in step with a [`KeyStore`].
pub(crate) struct Engine {
    policy: Policy<'static>,
    /// Parts chosen by a hash of the token; empty without the cache. Boxed one by one:
    /// each is built on the stack first, and 523 KiB fits any thread's.
    cache: Vec<Box<Cache>>,
    /// The key-store generation the cache holds.
    synced: AtomicU64,
    sync_lock: Mutex<()>,
}

impl Engine {
    /// `tokens`: the cache's capacity, rounded up to whole parts of [`TOKENS_PER_PART`]
    /// (0: no cache).
    pub(crate) fn new(policy: Policy<'static>, tokens: usize) -> Self {
        let parts = tokens.div_ceil(TOKENS_PER_PART);
        Engine {
            policy,
            cache: (0..parts)
                .map(|_| Box::new(Cache::new(edjwt::KeySet::new(), policy)))
                .collect(),
            // No generation yet: the first request loads the keys.
            synced: AtomicU64::new(u64::MAX),
            sync_lock: Mutex::new(()),
        }
    }

    pub(crate) fn cache_stats(&self) -> CacheStats {
        self.cache
            .iter()
            .map(|part| part.stats())
            .fold(CacheStats::default(), |sum, part| {
                let mut sum = sum;
                sum.hits = sum.hits.wrapping_add(part.hits);
                sum.misses = sum.misses.wrapping_add(part.misses);
                sum.bypassed = sum.bypassed.wrapping_add(part.bypassed);
                sum.inserts = sum.inserts.wrapping_add(part.inserts);
                sum.evictions = sum.evictions.wrapping_add(part.evictions);
                sum.invalidations = sum.invalidations.wrapping_add(part.invalidations);
                sum
            })
    }

    /// The part for `token`: a hash of its last bytes (the end of the signature, which
    /// differs between any two signed tokens). Only spreads tokens; a hit is decided by
    /// the part comparing every byte.
    fn part(&self, token: &str) -> Option<&Cache> {
        let tail = token.as_bytes().rchunks(8).next().unwrap_or_default();
        let hash = tail.iter().fold(0u64, |h, &b| {
            (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95)
        });
        let n = u64::try_from(self.cache.len()).ok().filter(|n| *n > 0)?;
        let index = usize::try_from((hash >> 32).checked_rem(n)?).ok()?;
        self.cache.get(index).map(AsRef::as_ref)
    }

    /// Verifies `token` at `now` with the store's current keys and deserializes `T` from
    /// the verified claims. Synchronous: the buffers live on this thread's stack for the
    /// call only, never in a future.
    pub(crate) fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
        now: u64,
        store: &KeyStore,
    ) -> Result<Accepted<T>, Rejected> {
        let snapshot = store.snapshot();
        if token.len() <= STACK_TOKEN_LEN {
            let mut buf = [0u8; STACK_TOKEN_LEN];
            let mut scratch = [0u8; scratch_len(STACK_TOKEN_LEN)];
            self.verify_in(token, now, store, &snapshot, &mut buf, &mut scratch)
        } else {
            let mut buf = vec![0u8; token.len()];
            let mut scratch = vec![0u8; scratch_len(token.len())];
            self.verify_in(token, now, store, &snapshot, &mut buf, &mut scratch)
        }
    }

    fn verify_in<T: DeserializeOwned>(
        &self,
        token: &str,
        now: u64,
        store: &KeyStore,
        snapshot: &Snapshot,
        buf: &mut [u8],
        scratch: &mut [u8],
    ) -> Result<Accepted<T>, Rejected> {
        let result = match self.part(token) {
            Some(cache) => {
                self.sync(store, snapshot);
                cache.verify(token, now, buf)
            }
            None => Verifier::new(&snapshot.keys, self.policy).verify(token, now, buf),
        };
        match result {
            Ok(verified) => accept(&verified, scratch).map_err(|error| Rejected {
                error,
                kid: verified
                    .header()
                    .kid()
                    .and_then(|kid| KeyStore::configured_kid(&snapshot.keys, &kid)),
            }),
            Err(error) => Err(Rejected {
                error,
                kid: configured_kid_of(token, &snapshot.keys),
            }),
        }
    }

    /// Loads the store's current keys into every part of the cache when they changed. Inside the lock
    /// the store is read again, so a slow thread never installs an older set over a newer.
    fn sync(&self, store: &KeyStore, current: &Snapshot) {
        if self.synced.load(Ordering::Acquire) == current.generation {
            return;
        }
        let _guard = self
            .sync_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let latest = store.snapshot();
        if self.synced.load(Ordering::Acquire) != latest.generation {
            for part in &self.cache {
                part.replace_keys(latest.keys.clone());
            }
            self.synced.store(latest.generation, Ordering::Release);
        }
    }
}

/// The configured `kid` a (rejected) token names, for the log line. Only a `kid` equal to
/// one in the key set is returned, as that key's own text.
fn configured_kid_of(token: &str, keys: &[edjwt::VerifyingKey]) -> Option<String> {
    let mut header = [0u8; edjwt::DEFAULT_MAX_HEADER_LEN];
    let untrusted = UntrustedToken::parse(token, &mut header).ok()?;
    KeyStore::configured_kid(keys, &untrusted.kid()?)
}

fn accept<T: DeserializeOwned>(
    verified: &Verified<'_>,
    scratch: &mut [u8],
) -> Result<Accepted<T>, Error> {
    let claims = verified.deserialize_claims::<T>(scratch)?;
    let token = VerifiedToken::new(
        verified.claims().subject().map(|s| s.chars().collect()),
        verified.header().kid().map(|k| k.chars().collect()),
        verified
            .claims()
            .expires_at()
            .map(edjwt::NumericDate::seconds),
        verified.payload().to_owned(),
    );
    Ok(Accepted { claims, token })
}
