//! A cache of verified tokens: fixed capacity, no heap, exact token bytes as the key.

use core::fmt;

use crate::bearer::bearer_token;
use crate::error::Error;
use crate::key_set::KeySet;
use crate::policy::Policy;
use crate::verifier::{Verified, Verifier};

/// How often each outcome happened since the cache was built (counters wrap, never panic).
///
/// Every [`verify`](VerifiedCache::verify) call counts exactly one of `hits`, `misses` and
/// `bypassed`; a request without a bearer token counts nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CacheStats {
    /// Tokens found in the cache: served without base64 or signature check (the claims and
    /// the policy were still checked, so a hit may be a rejection such as `expired`).
    pub hits: u64,
    /// Tokens looked up and not found, then fully verified (accepted or not).
    pub misses: u64,
    /// Tokens too long for a slot, fully verified without looking at the cache.
    pub bypassed: u64,
    /// Verified tokens stored.
    pub inserts: u64,
    /// Stored tokens overwritten to make room for another.
    pub evictions: u64,
    /// Stored tokens removed because a hit failed the checks at that time (`expired`, a
    /// changed policy); the error was returned.
    pub invalidations: u64,
}

impl CacheStats {
    /// The sum of two sets of counters (for the shards of the shared form).
    #[cfg(feature = "std")]
    fn merged(self, other: CacheStats) -> CacheStats {
        CacheStats {
            hits: self.hits.wrapping_add(other.hits),
            misses: self.misses.wrapping_add(other.misses),
            bypassed: self.bypassed.wrapping_add(other.bypassed),
            inserts: self.inserts.wrapping_add(other.inserts),
            evictions: self.evictions.wrapping_add(other.evictions),
            invalidations: self.invalidations.wrapping_add(other.invalidations),
        }
    }
}

/// Which slot a token goes to.
///
/// Only the last 32 bytes and the length are hashed: in every token that can be cached
/// they are the end of the 86-character Ed25519 signature, which differs pseudorandomly
/// between any two signed messages, so they spread slots as well as the whole token would,
/// in constant time. The hash only chooses a slot and filters candidates; a hit is always
/// decided by comparing every byte, so a collision costs a verify, never a wrong answer.
/// (Only tokens that verified are stored, so choosing colliding ones needs the signing key.)
fn token_hash(token: &[u8]) -> u64 {
    // The FxHash multiplier (rustc's hasher): one rotate, xor and multiply per word.
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let tail = token
        .len()
        .checked_sub(32)
        .and_then(|start| token.get(start..))
        .unwrap_or(token);
    let mut h = u64::try_from(token.len())
        .unwrap_or(u64::MAX)
        .wrapping_mul(K);
    let mut words = tail.chunks_exact(8);
    for word in &mut words {
        let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &byte in words.remainder() {
        h = (h.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
    }
    // MurmurHash3's finalizer, so the low bits (shard) and the high bits (slot) are both
    // well spread.
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h
}

/// One cached token: its exact bytes, then its decoded header JSON, then its decoded
/// payload JSON, all in `bytes`.
#[derive(Clone, Copy)]
struct Slot<const SLOT_BYTES: usize> {
    /// The token's hash: a filter before the byte comparison, never the decision.
    tag: u64,
    /// The key-set generation the token verified under (always 0 in [`VerifiedCache`]).
    generation: u64,
    /// Length of the token; 0 marks an empty slot (no token is empty).
    token_len: u32,
    /// Length of the token's header segment (base64), for the limits.
    header_segment_len: u32,
    header_len: u32,
    payload_len: u32,
    key_index: u32,
    /// Used more recently than the other slot of its pair, which is replaced first.
    recent: bool,
    bytes: [u8; SLOT_BYTES],
}

impl<const SLOT_BYTES: usize> Slot<SLOT_BYTES> {
    const EMPTY: Self = Slot {
        tag: 0,
        generation: 0,
        token_len: 0,
        header_segment_len: 0,
        header_len: 0,
        payload_len: 0,
        key_index: 0,
        recent: false,
        bytes: [0; SLOT_BYTES],
    };

    fn is_empty(&self) -> bool {
        self.token_len == 0
    }

    fn holds(&self, token: &[u8], tag: u64, generation: u64) -> bool {
        self.tag == tag
            && self.generation == generation
            && !self.is_empty()
            && usize::try_from(self.token_len).is_ok_and(|len| len == token.len())
            && self.bytes.get(..token.len()) == Some(token)
    }
}

/// Whether a token of `len` bytes could fit a slot at all (its decoded parts take more).
const fn may_fit(len: usize, slot_bytes: usize) -> bool {
    len != 0 && len <= slot_bytes
}

/// `SLOTS` slots, two-way set-associative: a token may sit in either slot of the pair
/// `{2k, 2k + 1}` its hash picks (an odd last slot pairs with itself).
pub(crate) struct Slots<const SLOTS: usize, const SLOT_BYTES: usize> {
    slots: [Slot<SLOT_BYTES>; SLOTS],
    stats: CacheStats,
}

impl<const SLOTS: usize, const SLOT_BYTES: usize> Slots<SLOTS, SLOT_BYTES> {
    pub(crate) const fn new() -> Self {
        Slots {
            slots: [Slot::EMPTY; SLOTS],
            stats: CacheStats {
                hits: 0,
                misses: 0,
                bypassed: 0,
                inserts: 0,
                evictions: 0,
                invalidations: 0,
            },
        }
    }

    /// The two slot indexes `tag` may use (equal for an odd last slot; none for no slots).
    fn pair(tag: u64) -> Option<[usize; 2]> {
        // The high half, independent of the low bits that pick the shared form's shard.
        let n = u64::try_from(SLOTS).ok()?;
        let index = usize::try_from(tag.rotate_left(32).checked_rem(n)?).ok()?;
        let first = index & !1;
        let second = if (first | 1) < SLOTS {
            first | 1
        } else {
            first
        };
        Some([first, second])
    }

    /// The index of the slot holding exactly `token`, verified under `generation`.
    fn find(&self, token: &[u8], tag: u64, generation: u64) -> Option<usize> {
        Self::pair(tag)?.into_iter().find(|&i| {
            self.slots
                .get(i)
                .is_some_and(|slot| slot.holds(token, tag, generation))
        })
    }

    /// Marks slot `index` as the more recently used of its pair.
    fn touch(&mut self, index: usize, tag: u64) {
        let Some(pair) = Self::pair(tag) else {
            return;
        };
        for i in pair {
            if let Some(slot) = self.slots.get_mut(i) {
                slot.recent = i == index;
            }
        }
    }

    /// Counts a hit on slot `index` and copies its decoded header and payload JSON to the
    /// front of `buf`, where a fresh verify decodes them.
    fn load(&mut self, index: usize, tag: u64, buf: &mut [u8]) -> Loaded {
        self.stats.hits = self.stats.hits.wrapping_add(1);
        if !self.slots.get(index).is_some_and(|slot| slot.recent) {
            self.touch(index, tag);
        }
        // (A `u32` always fits a `usize` where a slot of that size fits in memory; were it
        // not so, `usize::MAX` fails every check below.)
        let len = |n: u32| usize::try_from(n).unwrap_or(usize::MAX);
        let Some(slot) = self.slots.get(index) else {
            return Loaded::NONE;
        };
        let (header_len, payload_len) = (len(slot.header_len), len(slot.payload_len));
        let token_len = len(slot.token_len);
        let stored = header_len
            .checked_add(payload_len)
            .and_then(|decoded| token_len.checked_add(decoded))
            .and_then(|end| slot.bytes.get(token_len..end));
        // A fresh verify needs the same room: the header decoded at the front, the payload
        // right after it.
        let copied = match (stored, buf.get_mut(..stored.map_or(0, <[u8]>::len))) {
            (Some(stored), Some(to)) => {
                to.copy_from_slice(stored);
                Ok(())
            }
            _ => Err(Error::BufferTooSmall),
        };
        Loaded {
            header_segment_len: len(slot.header_segment_len),
            header_len,
            payload_len,
            key_index: len(slot.key_index),
            copied,
        }
    }

    /// Stores a token that verified, unless it does not fit a slot: into the slot that
    /// already holds it, else an empty slot of its pair, else the less recently used one.
    fn insert(&mut self, token: &[u8], tag: u64, generation: u64, verified: &Verified<'_>) {
        let header = verified.header().json().as_bytes();
        let payload = verified.payload().as_bytes();
        let header_segment = token.iter().position(|&b| b == b'.').unwrap_or(0);
        let (Ok(token_len), Ok(header_segment_len), Ok(header_len), Ok(payload_len), Ok(key_index)) = (
            u32::try_from(token.len()),
            u32::try_from(header_segment),
            u32::try_from(header.len()),
            u32::try_from(payload.len()),
            u32::try_from(verified.key_index()),
        ) else {
            return;
        };
        let Some(pair) = Self::pair(tag) else {
            return;
        };
        let fits = token
            .len()
            .checked_add(header.len())
            .and_then(|n| n.checked_add(payload.len()))
            .is_some_and(|n| n <= SLOT_BYTES);
        if !fits || token.is_empty() {
            return;
        }
        let index = self
            .find(token, tag, generation)
            .or_else(|| {
                pair.into_iter()
                    .find(|&i| self.slots.get(i).is_some_and(Slot::is_empty))
            })
            .or_else(|| {
                pair.into_iter()
                    .find(|&i| self.slots.get(i).is_some_and(|slot| !slot.recent))
            })
            .unwrap_or(pair[0]);
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        if !slot.is_empty() && !slot.holds(token, tag, generation) {
            self.stats.evictions = self.stats.evictions.wrapping_add(1);
        }
        // Empty while written: a half-written slot never matches anything.
        slot.token_len = 0;
        let mut rest = slot.bytes.as_mut_slice();
        for part in [token, header, payload] {
            let Some((to, after)) = rest.split_at_mut_checked(part.len()) else {
                return;
            };
            to.copy_from_slice(part);
            rest = after;
        }
        slot.tag = tag;
        slot.generation = generation;
        slot.token_len = token_len;
        slot.header_segment_len = header_segment_len;
        slot.header_len = header_len;
        slot.payload_len = payload_len;
        slot.key_index = key_index;
        self.stats.inserts = self.stats.inserts.wrapping_add(1);
        self.touch(index, tag);
    }

    /// Removes the entry for `token` after a hit on it failed the checks.
    fn invalidate(&mut self, token: &[u8], tag: u64, generation: u64) {
        if let Some(slot) = self
            .find(token, tag, generation)
            .and_then(|i| self.slots.get_mut(i))
        {
            slot.token_len = 0;
            slot.recent = false;
            self.stats.invalidations = self.stats.invalidations.wrapping_add(1);
        }
    }

    /// Empties every slot (the token bytes stay until overwritten; they are unreachable).
    fn clear(&mut self) {
        for slot in &mut self.slots {
            slot.token_len = 0;
            slot.recent = false;
        }
    }

    fn count_miss(&mut self) {
        self.stats.misses = self.stats.misses.wrapping_add(1);
    }

    fn len(&self) -> usize {
        self.slots.iter().filter(|slot| !slot.is_empty()).count()
    }
}

/// What [`Slots::load`] found, and whether it copied the decoded header and payload into
/// the caller's buffer.
#[derive(Clone, Copy)]
struct Loaded {
    header_segment_len: usize,
    header_len: usize,
    payload_len: usize,
    key_index: usize,
    copied: Result<(), Error>,
}

impl Loaded {
    /// For a slot index out of range, which `find` never returns.
    const NONE: Loaded = Loaded {
        header_segment_len: 0,
        header_len: 0,
        payload_len: 0,
        key_index: 0,
        copied: Err(Error::BufferTooSmall),
    };
}

/// Finishes a hit: the limits, then the header, claims and policy, exactly as a fresh
/// verify checks them after the signature.
fn check_hit<'b>(
    token: &str,
    loaded: Loaded,
    policy: &Policy<'_>,
    now: u64,
    buf: &'b [u8],
) -> Result<Verified<'b>, Error> {
    // The two checks of `compact::split` that depend on the limits, in its order: they come
    // first in a fresh verify, and the limits may have been lowered since.
    let limits = policy.size_limits();
    if token.len() > limits.max_token_len {
        return Err(Error::TokenTooLarge);
    }
    if loaded.header_segment_len > limits.max_header_len {
        return Err(Error::HeaderTooLarge);
    }
    loaded.copied?;
    let (header, rest) = buf
        .split_at_checked(loaded.header_len)
        .ok_or(Error::BufferTooSmall)?;
    let payload = rest
        .get(..loaded.payload_len)
        .ok_or(Error::BufferTooSmall)?;
    Verified::from_decoded(header, payload, loaded.key_index, policy, now)
}

/// A [`Verifier`] that remembers the tokens it verified, for proxies and servers that see
/// the same token many times. Fixed capacity, no heap, `no_std`.
///
/// It owns its keys and its policy, so the cache is always tied to the keys it was filled
/// with: [`replace_keys`](Self::replace_keys) empties it.
///
/// - **Keyed by the exact token bytes.** A slot holds the whole token and only a token
///   equal to it byte for byte hits: a token differing anywhere (header, payload or
///   signature) is a miss and is verified in full. The hash only chooses the slot.
/// - **A hit skips only base64 and the signature.** The header and claims JSON stored with
///   the token are copied into `buf`, parsed again and checked against the limits and the
///   policy at `now` in the same order as a fresh verify, so a hit returns exactly what a
///   fresh verify would return, `expired` included. An entry that fails is removed.
/// - **Only tokens that verified are stored**, and only if they fit a slot: a token of `T`
///   bytes needs `T` plus its decoded header and payload, about `1.75 × T` bytes. Longer
///   tokens are verified without the cache ([`CacheStats::bypassed`]).
/// - **Memory**: `SLOTS × (SLOT_BYTES + 40)` bytes (`SLOT_BYTES` a multiple of 8) plus the
///   key set, all inline: 256 slots of 2 KiB (tokens up to about 1.2 KiB) take 522 KiB.
///   Build it in a `static` (`new` is `const`) or a long-lived owner rather than on a small
///   stack.
/// - Slots are two-way set-associative; a full pair replaces its less recently used token.
///
/// For a multi-threaded server, `SharedVerifiedCache` (feature `std`) takes `&self`.
///
/// ```
/// use edjwt::{Error, KeySet, Policy, VerifiedCache};
/// # const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
/// # const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InJmYzgwMzcifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwicHJlZml4IjoicHJvamVjdHMvYWxwaGEvIn0.3AMKPL648CUvkUImGorx316HKx8bqhM2vjxQSxUP-PUC1LcZ49X-p7v6Yj4PjMcywYJCdjGnxgI1fJB8uCc0Cw";
/// # fn main() -> Result<(), Error> {
/// let mut keys = KeySet::<4>::new();
/// keys.add_text(PUBLIC_PEM)?;
/// // 64 slots of 1 KiB: 66 KiB, for tokens up to about 600 bytes.
/// let mut cache = VerifiedCache::<4, 64, 1024>::new(keys, Policy::new().audience("api"));
///
/// let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
/// let now = 1_800_000_000;
/// let first = cache.verify(TOKEN, now, &mut buf)?.claims().subject().is_some_and(|s| s == "alice");
/// let again = cache.verify(TOKEN, now, &mut buf)?; // no base64, no signature check
/// assert!(first && again.claims().subject().is_some_and(|s| s == "alice"));
/// assert_eq!((cache.stats().misses, cache.stats().hits), (1, 1));
///
/// // Time is checked on every hit.
/// assert_eq!(cache.verify(TOKEN, 4_102_444_800 + 60, &mut buf).unwrap_err(), Error::Expired);
/// # Ok(())
/// # }
/// ```
pub struct VerifiedCache<'p, const N: usize, const SLOTS: usize, const SLOT_BYTES: usize> {
    keys: KeySet<N>,
    policy: Policy<'p>,
    slots: Slots<SLOTS, SLOT_BYTES>,
}

impl<'p, const N: usize, const SLOTS: usize, const SLOT_BYTES: usize>
    VerifiedCache<'p, N, SLOTS, SLOT_BYTES>
{
    /// An empty cache verifying with `keys` and `policy`.
    #[must_use]
    pub const fn new(keys: KeySet<N>, policy: Policy<'p>) -> Self {
        VerifiedCache {
            keys,
            policy,
            slots: Slots::new(),
        }
    }

    /// Verifies `token` as [`Verifier::verify`] does, with the same result, serving it from
    /// the cache when this exact token verified before with the current keys.
    ///
    /// # Errors
    /// As for [`Verifier::verify`]. A hit is rejected for the same reasons a fresh verify
    /// would reject it at `now` (`expired`, ...), and the entry is then removed.
    pub fn verify<'b>(
        &mut self,
        token: &str,
        now: u64,
        buf: &'b mut [u8],
    ) -> Result<Verified<'b>, Error> {
        let bytes = token.as_bytes();
        if !may_fit(bytes.len(), SLOT_BYTES) {
            self.slots.stats.bypassed = self.slots.stats.bypassed.wrapping_add(1);
            return Verifier::new(&self.keys, self.policy).verify(token, now, buf);
        }
        let tag = token_hash(bytes);
        if let Some(index) = self.slots.find(bytes, tag, 0) {
            let loaded = self.slots.load(index, tag, buf);
            let result = check_hit(token, loaded, &self.policy, now, buf);
            if let Err(e) = result {
                if e != Error::BufferTooSmall {
                    self.slots.invalidate(bytes, tag, 0);
                }
            }
            return result;
        }
        self.slots.count_miss();
        let verified = Verifier::new(&self.keys, self.policy).verify(token, now, buf)?;
        self.slots.insert(bytes, tag, 0, &verified);
        Ok(verified)
    }

    /// Like [`verify`](Self::verify) for the value of an `Authorization` header, as
    /// [`Verifier::verify_authorization`].
    ///
    /// # Errors
    /// As for [`bearer_token`] and [`verify`](Self::verify).
    pub fn verify_authorization<'b>(
        &mut self,
        authorization: Option<&str>,
        now: u64,
        buf: &'b mut [u8],
    ) -> Result<Verified<'b>, Error> {
        self.verify(bearer_token(authorization)?, now, buf)
    }

    /// The keys tokens are verified with.
    #[must_use]
    pub const fn keys(&self) -> &KeySet<N> {
        &self.keys
    }

    /// Replaces the keys and empties the cache, so no token verified with the old keys is
    /// served again. Returns the old keys.
    pub fn replace_keys(&mut self, keys: KeySet<N>) -> KeySet<N> {
        self.slots.clear();
        core::mem::replace(&mut self.keys, keys)
    }

    /// The policy.
    #[must_use]
    pub const fn policy(&self) -> &Policy<'p> {
        &self.policy
    }

    /// Replaces the policy. Cached tokens stay: every hit is checked against the current
    /// policy, and those that now fail are removed when next seen.
    pub fn set_policy(&mut self, policy: Policy<'p>) {
        self.policy = policy;
    }

    /// Empties the cache.
    pub fn clear(&mut self) {
        self.slots.clear();
    }

    /// How many tokens are cached.
    #[must_use]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no token is cached.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counters.
    #[must_use]
    pub const fn stats(&self) -> CacheStats {
        self.slots.stats
    }
}

/// Shows capacity and counters; never the cached tokens, which are credentials.
impl<const N: usize, const SLOTS: usize, const SLOT_BYTES: usize> fmt::Debug
    for VerifiedCache<'_, N, SLOTS, SLOT_BYTES>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedCache")
            .field("keys", &self.keys.len())
            .field("slots", &SLOTS)
            .field("slot_bytes", &SLOT_BYTES)
            .field("len", &self.len())
            .field("stats", &self.slots.stats)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "std")]
pub use shared::SharedVerifiedCache;

#[cfg(feature = "std")]
mod shared {
    use core::fmt;
    use core::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, MutexGuard, PoisonError, RwLock};

    use super::{check_hit, may_fit, token_hash, CacheStats, Slots};
    use crate::bearer::bearer_token;
    use crate::error::Error;
    use crate::key_set::KeySet;
    use crate::policy::Policy;
    use crate::verifier::{Verified, Verifier};

    /// The thread-safe form of [`VerifiedCache`](super::VerifiedCache) (feature `std`), for
    /// servers verifying on many threads: `verify` takes `&self`.
    ///
    /// `SHARDS` shards of `SLOTS` slots each, every shard behind its own
    /// [`Mutex`](std::sync::Mutex) and chosen by the token's hash, so threads verifying
    /// different tokens rarely wait for each other. A lock is held only to compare and copy
    /// bytes; parsing, the policy and every signature check run outside it.
    ///
    /// The same rules as [`VerifiedCache`](super::VerifiedCache): exact bytes, time and
    /// policy checked on every hit, only verified tokens stored. The keys sit behind a
    /// [`RwLock`](std::sync::RwLock) read on every miss; [`replace_keys`](Self::replace_keys)
    /// waits for the verifies in progress, then empties every shard, so once it returns no
    /// token verified with the old keys is served. Each entry also records the generation
    /// of the keys it verified with, and only entries of the current one hit.
    ///
    /// Memory: `SHARDS × (SLOTS × (SLOT_BYTES + 40) + 56)` bytes plus the key set, all
    /// inline: 16 shards × 16 slots of 2 KiB take 523 KiB. The locks are
    /// `std::sync` ones, which allocate nothing on Linux, Windows and macOS. `new` is
    /// `const`, so the whole cache can live in a `static`:
    ///
    /// ```
    /// use edjwt::{Error, KeySet, Policy, SharedVerifiedCache};
    /// # const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
    /// # const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InJmYzgwMzcifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwicHJlZml4IjoicHJvamVjdHMvYWxwaGEvIn0.3AMKPL648CUvkUImGorx316HKx8bqhM2vjxQSxUP-PUC1LcZ49X-p7v6Yj4PjMcywYJCdjGnxgI1fJB8uCc0Cw";
    ///
    /// // 16 shards × 16 slots of 2 KiB, in static memory.
    /// static CACHE: SharedVerifiedCache<'static, 4, 16, 16, 2048> =
    ///     SharedVerifiedCache::new(KeySet::new(), Policy::new().audience("api"));
    ///
    /// # fn main() -> Result<(), Error> {
    /// // At start-up (or on rotation).
    /// let mut keys = KeySet::new();
    /// keys.add_text(PUBLIC_PEM)?;
    /// CACHE.replace_keys(keys);
    ///
    /// // On any thread, per request.
    /// let authorization = format!("Bearer {TOKEN}");
    /// std::thread::scope(|s| {
    ///     for _ in 0..2 {
    ///         s.spawn(|| {
    ///             let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
    ///             let verified = CACHE.verify_authorization(Some(&authorization), 1_800_000_000, &mut buf);
    ///             assert!(verified.is_ok_and(|v| v.claims().subject().is_some_and(|s| s == "alice")));
    ///         });
    ///     }
    /// });
    /// assert_eq!(CACHE.stats().hits + CACHE.stats().misses, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub struct SharedVerifiedCache<
        'p,
        const N: usize,
        const SHARDS: usize,
        const SLOTS: usize,
        const SLOT_BYTES: usize,
    > {
        keys: RwLock<KeySet<N>>,
        /// Bumped, under the write lock, each time the keys are replaced.
        generation: AtomicU64,
        policy: Policy<'p>,
        shards: [Mutex<Slots<SLOTS, SLOT_BYTES>>; SHARDS],
        /// Counted apart: a bypassed token locks no shard.
        bypassed: AtomicU64,
    }

    /// Our critical sections cannot leave a shard half-written (they do not panic), so a
    /// poisoned lock is still consistent.
    fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
        mutex.lock().unwrap_or_else(PoisonError::into_inner)
    }

    impl<'p, const N: usize, const SHARDS: usize, const SLOTS: usize, const SLOT_BYTES: usize>
        SharedVerifiedCache<'p, N, SHARDS, SLOTS, SLOT_BYTES>
    {
        /// An empty cache verifying with `keys` and `policy`.
        #[must_use]
        pub const fn new(keys: KeySet<N>, policy: Policy<'p>) -> Self {
            SharedVerifiedCache {
                keys: RwLock::new(keys),
                generation: AtomicU64::new(0),
                policy,
                shards: [const { Mutex::new(Slots::new()) }; SHARDS],
                bypassed: AtomicU64::new(0),
            }
        }

        /// The shard for `tag` (the low bits: the slot within it uses the high ones).
        fn shard(&self, tag: u64) -> Option<&Mutex<Slots<SLOTS, SLOT_BYTES>>> {
            let n = u64::try_from(SHARDS).ok()?;
            let index = usize::try_from(tag.checked_rem(n)?).ok()?;
            self.shards.get(index)
        }

        /// Verifies `token` as [`Verifier::verify`] does, with the same result, serving it
        /// from the cache when this exact token verified before with the current keys.
        ///
        /// # Errors
        /// As for [`Verifier::verify`]. A hit is rejected for the same reasons a fresh
        /// verify would reject it at `now` (`expired`, ...), and the entry is then removed.
        pub fn verify<'b>(
            &self,
            token: &str,
            now: u64,
            buf: &'b mut [u8],
        ) -> Result<Verified<'b>, Error> {
            let bytes = token.as_bytes();
            let tag = token_hash(bytes);
            let shard = match self.shard(tag) {
                Some(shard) if may_fit(bytes.len(), SLOT_BYTES) => shard,
                _ => {
                    self.bypassed.fetch_add(1, Ordering::Relaxed);
                    return self.verify_uncached(token, now, buf, None);
                }
            };
            // A hit needs the current generation only: a load, no shared write.
            let generation = self.generation.load(Ordering::Acquire);
            let mut slots = lock(shard);
            if let Some(index) = slots.find(bytes, tag, generation) {
                let loaded = slots.load(index, tag, buf);
                drop(slots);
                let result = check_hit(token, loaded, &self.policy, now, buf);
                if let Err(e) = result {
                    if e != Error::BufferTooSmall {
                        lock(shard).invalidate(bytes, tag, generation);
                    }
                }
                return result;
            }
            slots.count_miss();
            drop(slots);
            self.verify_uncached(token, now, buf, Some((shard, tag)))
        }

        /// A full verify under the keys' read lock, then the insert (so `replace_keys`,
        /// which takes the write lock, never overlaps it).
        fn verify_uncached<'b>(
            &self,
            token: &str,
            now: u64,
            buf: &'b mut [u8],
            store: Option<(&Mutex<Slots<SLOTS, SLOT_BYTES>>, u64)>,
        ) -> Result<Verified<'b>, Error> {
            let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
            let generation = self.generation.load(Ordering::Acquire);
            let verified = Verifier::new(&keys, self.policy).verify(token, now, buf)?;
            if let Some((shard, tag)) = store {
                lock(shard).insert(token.as_bytes(), tag, generation, &verified);
            }
            drop(keys);
            Ok(verified)
        }

        /// Like [`verify`](Self::verify) for the value of an `Authorization` header, as
        /// [`Verifier::verify_authorization`].
        ///
        /// # Errors
        /// As for [`bearer_token`] and [`verify`](Self::verify).
        pub fn verify_authorization<'b>(
            &self,
            authorization: Option<&str>,
            now: u64,
            buf: &'b mut [u8],
        ) -> Result<Verified<'b>, Error> {
            self.verify(bearer_token(authorization)?, now, buf)
        }

        /// Replaces the keys and empties the cache; returns the old keys. Waits for the
        /// verifies in progress; once it returns, no token verified with the old keys is
        /// served (a lookup running concurrently may still be answered as just before).
        pub fn replace_keys(&self, keys: KeySet<N>) -> KeySet<N> {
            let mut current = self.keys.write().unwrap_or_else(PoisonError::into_inner);
            let old = core::mem::replace(&mut *current, keys);
            self.generation.fetch_add(1, Ordering::AcqRel);
            for shard in &self.shards {
                lock(shard).clear();
            }
            drop(current);
            old
        }

        /// A copy of the keys tokens are verified with.
        #[must_use]
        pub fn keys(&self) -> KeySet<N> {
            self.keys
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        }

        /// The policy (fixed at construction: build a new cache to change it).
        #[must_use]
        pub const fn policy(&self) -> &Policy<'p> {
            &self.policy
        }

        /// Empties the cache.
        pub fn clear(&self) {
            for shard in &self.shards {
                lock(shard).clear();
            }
        }

        /// How many tokens are cached.
        #[must_use]
        pub fn len(&self) -> usize {
            self.shards
                .iter()
                .map(|shard| lock(shard).len())
                .fold(0, usize::saturating_add)
        }

        /// Whether no token is cached.
        #[must_use]
        pub fn is_empty(&self) -> bool {
            self.len() == 0
        }

        /// The counters, summed over the shards (each shard's are read under its lock, so
        /// while other threads verify the sum is a moment's approximation).
        #[must_use]
        pub fn stats(&self) -> CacheStats {
            let bypassed = CacheStats {
                bypassed: self.bypassed.load(Ordering::Relaxed),
                ..CacheStats::default()
            };
            self.shards
                .iter()
                .map(|shard| lock(shard).stats)
                .fold(bypassed, CacheStats::merged)
        }
    }

    /// Shows capacity and counters; never the cached tokens, which are credentials.
    impl<const N: usize, const SHARDS: usize, const SLOTS: usize, const SLOT_BYTES: usize>
        fmt::Debug for SharedVerifiedCache<'_, N, SHARDS, SLOTS, SLOT_BYTES>
    {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SharedVerifiedCache")
                .field("shards", &SHARDS)
                .field("slots_per_shard", &SLOTS)
                .field("slot_bytes", &SLOT_BYTES)
                .field("len", &self.len())
                .field("stats", &self.stats())
                .finish_non_exhaustive()
        }
    }
}
