//! The keys every request is verified with: one set, swapped whole, read without a lock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use arc_swap::ArcSwap;
use edjwt::{Error, KeySet, VerifyingKey};

use crate::stats::{Counter, KeyCounters};

/// Most keys a [`KeyStore`] holds at once, over all its sources. A token without `kid`
/// costs at most this many signature checks; 16 covers the current and next key of a
/// rotation for several environments or issuers.
pub const MAX_KEYS: usize = 16;

/// The key set of one generation, as readers see it.
#[derive(Debug)]
pub(crate) struct Snapshot {
    pub(crate) keys: KeySet<MAX_KEYS>,
    /// Bumped on every swap; the verified-token cache follows it.
    pub(crate) generation: u64,
}

/// The verifying keys shared by every request, swapped atomically when a source reloads.
///
/// A request loads the current set with one atomic read (`arc-swap`): it never waits for a
/// reload, and a reload never waits for requests. Each source (files, a JWKS URL, keys set
/// by hand with [`replace`](Self::replace)) owns a part; the set requests see is the union
/// of the parts, rebuilt when one changes. A source whose reload fails keeps its last good
/// part.
///
/// ```
/// use edjwt::KeySet;
/// use edjwt_tower::KeyStore;
/// # fn main() -> Result<(), edjwt::Error> {
/// let mut keys = KeySet::new();
/// keys.add_text("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n")?;
/// let store = KeyStore::new();
/// store.replace(keys)?;
/// assert_eq!(store.len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct KeyStore {
    current: ArcSwap<Snapshot>,
    /// Each source's last good keys; index 0 is [`replace`](Self::replace)'s.
    parts: Mutex<Vec<KeySet<MAX_KEYS>>>,
    generation: AtomicU64,
    pub(crate) reloads: Counter,
    pub(crate) reload_failures: Counter,
    #[cfg_attr(not(feature = "jwks-url"), allow(dead_code))]
    pub(crate) fetches: Counter,
    #[cfg_attr(not(feature = "jwks-url"), allow(dead_code))]
    pub(crate) fetch_failures: Counter,
    #[cfg(feature = "jwks-url")]
    pub(crate) remote: crate::jwks::Remotes,
}

impl KeyStore {
    /// An empty store (every token is `unknown-key` until a source adds keys).
    #[must_use]
    pub fn new() -> Arc<Self> {
        Arc::new(KeyStore {
            current: ArcSwap::from_pointee(Snapshot {
                keys: KeySet::new(),
                generation: 0,
            }),
            parts: Mutex::new(vec![KeySet::new()]),
            generation: AtomicU64::new(0),
            reloads: Counter::new("edjwt_key_reloads_total"),
            reload_failures: Counter::new("edjwt_key_reload_failures_total"),
            fetches: Counter::new("edjwt_jwks_fetches_total"),
            fetch_failures: Counter::new("edjwt_jwks_fetch_failures_total"),
            #[cfg(feature = "jwks-url")]
            remote: crate::jwks::Remotes::default(),
        })
    }

    /// A store holding `keys`, which [`replace`](Self::replace) may change later.
    #[must_use]
    pub fn with_keys(keys: KeySet<MAX_KEYS>) -> Arc<Self> {
        let store = Self::new();
        // A single part always fits.
        let _ = store.replace(keys);
        store
    }

    /// Replaces the keys set by hand (the other sources' keys stay).
    ///
    /// # Errors
    /// [`Error::KeySetFull`] when the union with the other sources exceeds [`MAX_KEYS`];
    /// the store is then unchanged.
    pub fn replace(&self, keys: KeySet<MAX_KEYS>) -> Result<(), Error> {
        self.set_part(0, keys)
    }

    /// A copy of the keys requests are verified with now.
    #[must_use]
    pub fn keys(&self) -> KeySet<MAX_KEYS> {
        self.current.load().keys.clone()
    }

    /// How many keys requests are verified with now.
    #[must_use]
    pub fn len(&self) -> usize {
        self.current.load().keys.len()
    }

    /// Whether the store holds no key.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The current set: one atomic load, no reference count touched in the common case
    /// (threads do not contend on a shared counter per request).
    pub(crate) fn snapshot(&self) -> arc_swap::Guard<Arc<Snapshot>> {
        self.current.load()
    }

    /// Registers a new source and returns its part index.
    pub(crate) fn add_source(&self) -> usize {
        let mut parts = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
        parts.push(KeySet::new());
        parts.len().saturating_sub(1)
    }

    /// Sets one source's keys and publishes the union. All or nothing.
    pub(crate) fn set_part(&self, index: usize, keys: KeySet<MAX_KEYS>) -> Result<(), Error> {
        let mut parts = self.parts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut union = KeySet::<MAX_KEYS>::new();
        for (i, part) in parts.iter().enumerate() {
            let part = if i == index { &keys } else { part };
            for key in part.iter() {
                union.push(key.clone())?;
            }
        }
        let slot = parts.get_mut(index).ok_or(Error::KeySetFull)?;
        *slot = keys;
        // Under the parts lock, so generations are published in order.
        let generation = self
            .generation
            .fetch_add(1, Ordering::AcqRel)
            .wrapping_add(1);
        self.current.store(Arc::new(Snapshot {
            keys: union,
            generation,
        }));
        Ok(())
    }

    /// The configured key whose `kid` equals `kid`, so logs can name a key with text
    /// that came from the configuration rather than from a token.
    pub(crate) fn configured_kid(
        keys: &[VerifyingKey],
        kid: &edjwt::JsonStr<'_>,
    ) -> Option<String> {
        keys.iter()
            .filter_map(VerifyingKey::kid)
            .find(|configured| kid.eq_str(configured))
            .map(str::to_owned)
    }

    /// The sources' counters: reloads, failed reloads, JWKS fetches and failed fetches.
    #[must_use]
    pub fn counters(&self) -> KeyCounters {
        KeyCounters {
            reloads: self.reloads.get(),
            reload_failures: self.reload_failures.get(),
            fetches: self.fetches.get(),
            fetch_failures: self.fetch_failures.get(),
        }
    }

    /// Whether a source can fetch new keys for a token whose `kid` is unknown.
    #[cfg_attr(not(feature = "jwks-url"), allow(clippy::unused_self))]
    pub(crate) fn can_refresh(&self) -> bool {
        #[cfg(feature = "jwks-url")]
        return self.remote.any();
        #[cfg(not(feature = "jwks-url"))]
        false
    }

    /// Lets the remote sources fetch again for an unknown `kid` (each at most once per
    /// its interval); returns when they are done.
    #[cfg_attr(not(feature = "jwks-url"), allow(clippy::unused_async))]
    pub(crate) async fn refresh_for_unknown_kid(&self) {
        #[cfg(feature = "jwks-url")]
        self.remote.unknown_kid(self).await;
    }
}
