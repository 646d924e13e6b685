//! Counters: per-reason rejections, acceptances, key reloads and fetches, readable with
//! `stats()` and, with the `metrics` feature, reported through the `metrics` facade.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use edjwt::{CacheStats, Error};

/// One monotonic counter, mirrored to the `metrics` facade under `name` (feature `metrics`).
pub(crate) struct Counter {
    value: AtomicU64,
    #[cfg_attr(not(feature = "metrics"), allow(dead_code))]
    name: &'static str,
}

impl Counter {
    pub(crate) const fn new(name: &'static str) -> Self {
        Counter {
            value: AtomicU64::new(0),
            name,
        }
    }

    pub(crate) fn increment(&self) {
        self.value.fetch_add(1, Ordering::Relaxed);
        #[cfg(feature = "metrics")]
        metrics::counter!(self.name).increment(1);
    }

    pub(crate) fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}

impl fmt::Debug for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// The metric every rejection increments, labelled `reason` with the edjwt reason code.
pub const REJECTED_METRIC: &str = "edjwt_requests_rejected_total";
/// The metric every accepted request increments.
pub const ACCEPTED_METRIC: &str = "edjwt_requests_accepted_total";
/// The metric every request refused by the claims checker (403) increments.
pub const FORBIDDEN_METRIC: &str = "edjwt_requests_forbidden_total";

/// The layer's request counters.
#[derive(Debug)]
pub(crate) struct RequestCounters {
    accepted: Counter,
    forbidden: Counter,
    /// Indexed like [`Error::ALL`].
    rejected: Vec<AtomicU64>,
}

impl RequestCounters {
    pub(crate) fn new() -> Self {
        RequestCounters {
            accepted: Counter::new(ACCEPTED_METRIC),
            forbidden: Counter::new(FORBIDDEN_METRIC),
            rejected: Error::ALL.iter().map(|_| AtomicU64::new(0)).collect(),
        }
    }

    pub(crate) fn accepted(&self) {
        self.accepted.increment();
    }

    pub(crate) fn forbidden(&self) {
        self.forbidden.increment();
    }

    pub(crate) fn rejected(&self, error: Error) {
        if let Some(counter) = Error::ALL
            .iter()
            .position(|e| *e == error)
            .and_then(|i| self.rejected.get(i))
        {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        #[cfg(feature = "metrics")]
        metrics::counter!(REJECTED_METRIC, "reason" => error.code()).increment(1);
    }

    pub(crate) fn read(&self, cache: CacheStats, keys: KeyCounters) -> Stats {
        Stats {
            accepted: self.accepted.get(),
            forbidden: self.forbidden.get(),
            rejected: Error::ALL
                .iter()
                .zip(&self.rejected)
                .map(|(e, n)| (*e, n.load(Ordering::Relaxed)))
                .collect(),
            cache,
            keys,
        }
    }
}

/// Key source counters, from the layer's [`KeyStore`](crate::KeyStore).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeyCounters {
    /// Keys loaded and published by a file source (start-up, SIGHUP, file change) or a
    /// JWKS fetch.
    pub reloads: u64,
    /// File reloads that failed (the last good keys stayed).
    pub reload_failures: u64,
    /// JWKS documents fetched (successfully or not).
    pub fetches: u64,
    /// JWKS fetches that failed: HTTP error, timeout, oversized or invalid document (the
    /// last good keys stayed).
    pub fetch_failures: u64,
}

/// A snapshot of a layer's counters: see [`EdjwtLayer::stats`](crate::EdjwtLayer::stats).
///
/// Counts since the layer was built; each request is counted once, as accepted, forbidden
/// (403 from the claims checker) or rejected with one reason.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// Requests whose token verified and passed the claims checker.
    pub accepted: u64,
    /// Requests whose token verified but that the claims checker refused (403).
    pub forbidden: u64,
    /// Rejections by reason, every [`Error`] in [`Error::ALL`] order (zeros included).
    pub rejected: Vec<(Error, u64)>,
    /// The verified-token cache's counters (all zero without the cache).
    pub cache: CacheStats,
    /// The key sources' counters.
    pub keys: KeyCounters,
}

impl Stats {
    /// Rejections with the reason code `code` (`"expired"`, `"bad-signature"`, ...).
    #[must_use]
    pub fn rejected_with(&self, code: &str) -> u64 {
        self.rejected
            .iter()
            .find(|(e, _)| e.code() == code)
            .map_or(0, |(_, n)| *n)
    }

    /// All rejections.
    #[must_use]
    pub fn rejected_total(&self) -> u64 {
        self.rejected
            .iter()
            .fold(0, |sum, (_, n)| sum.saturating_add(*n))
    }
}
