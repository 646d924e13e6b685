//! The verifier placed in the caller's memory, and the verify entry points.

use core::ffi::{c_char, c_int};
use core::mem::{align_of, size_of};

use edjwt::{Error, KeySet, Verifier, VerifyingKey};

use crate::ffi::{bytes, bytes_mut, overlaps, range};
use crate::policy::{EdjwtPolicy, StoredPolicy};
use crate::reason::{
    edjwt_http_status, number, EDJWT_ERR_FOREIGN_VERIFIER, EDJWT_ERR_INVALID_ARGUMENT,
    EDJWT_ERR_UNKNOWN, EDJWT_OK,
};

/// Most keys one verifier holds (a JWKS with more Ed25519 keys is `key-set-full`). Each
/// token costs at most this many signature checks.
pub const MAX_KEYS: usize = 16;

/// `EDJWT_VERIFIER_SIZE`: bytes of caller memory a verifier may need, `sizeof
/// (edjwt_verifier)`. A fixed upper bound, part of the ABI; the exact need of this build,
/// [`edjwt_verifier_size`], is at most this (checked at compile time).
pub const VERIFIER_SIZE: usize = 8192;

/// `EDJWT_VERIFIER_ALIGN`: alignment the verifier memory needs at most.
pub const VERIFIER_ALIGN: usize = 8;

/// `edjwt_verifier`: opaque storage for one verifier, as the C header declares it (bytes
/// aligned for `uint64_t` and pointers).
#[repr(C, align(8))]
pub struct EdjwtVerifier {
    bytes: [u8; VERIFIER_SIZE],
}

/// `edjwt_result`: what `edjwt_verify` found. Pointers point into the caller's scratch
/// buffer and are valid while it is neither freed nor reused.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EdjwtResult {
    /// `EDJWT_OK` or an `EDJWT_ERR_*` number (also the function's return value).
    pub reason: c_int,
    /// 200, 401 or 500 (`edjwt_http_status(reason)`).
    pub http_status: u16,
    /// 1 when the verified token has `exp`.
    pub has_exp: u8,
    /// Always 0.
    pub reserved: u8,
    /// `exp` in whole seconds since the epoch (a fraction rounded down); 0 without `exp`.
    pub exp: u64,
    /// The verified claims set JSON exactly as signed, NUL-terminated, inside scratch;
    /// NULL unless `reason` is `EDJWT_OK`.
    pub claims: *const c_char,
    /// Its length in bytes, without the NUL.
    pub claims_len: usize,
    /// `sub` with JSON escapes decoded, NUL-terminated, inside scratch; NULL when the token
    /// has no `sub` or `reason` is not `EDJWT_OK`.
    pub subject: *const c_char,
    /// Its length in bytes, without the NUL (`sub` may itself contain `\u0000`).
    pub subject_len: usize,
    /// Index of the key that verified, in the order the keys were added.
    pub key_index: usize,
}

/// What lives in the caller's memory. No pointer inside: the keys and the policy strings
/// are stored inline, so the bytes may be copied (`memcpy`, `fork`, shared memory).
#[repr(C)]
struct Inner {
    /// [`MAGIC`] once initialized; 0 while being built or after a failed init.
    magic: u64,
    /// [`BUILD`]: which build of the library wrote these bytes.
    build: u64,
    keys: KeySet<MAX_KEYS>,
    policy: StoredPolicy,
}

const MAGIC: u64 = u64::from_le_bytes(*b"edjwt-vf");

/// The build that lays out verifier memory: crate version, the size and alignment of
/// [`Inner`] and the Ed25519 backend (its keys are stored differently), hashed. Bytes
/// written by another build (an older library, the other backend, copied from another
/// process) are refused with `EDJWT_ERR_FOREIGN_VERIFIER` instead of being read as this
/// build's layout, which would be undefined behaviour.
const BUILD: u64 = build_stamp(
    env!("CARGO_PKG_VERSION"),
    size_of::<Inner>(),
    align_of::<Inner>(),
    if cfg!(feature = "dalek") {
        "ed25519-dalek"
    } else {
        "ed25519-compact"
    },
);

/// FNV-1a over the version, the layout and the backend (at compile time).
const fn build_stamp(version: &str, size: usize, align: usize, backend: &str) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let size = size.to_le_bytes();
    let align = align.to_le_bytes();
    let parts: [&[u8]; 4] = [version.as_bytes(), &size, &align, backend.as_bytes()];
    let mut p = 0;
    while p < parts.len() {
        // Bounded by the loop conditions (const fn: no iterators); `u8` to `u64` widens
        // (`From` is not `const`).
        #[allow(
            clippy::indexing_slicing,
            clippy::arithmetic_side_effects,
            clippy::as_conversions
        )]
        {
            let part = parts[p];
            let mut i = 0;
            while i < part.len() {
                hash = (hash ^ part[i] as u64).wrapping_mul(PRIME);
                i += 1;
            }
            // A separator, so that ("0.1", "0") and ("0.10", "") differ.
            hash = (hash ^ 0xff).wrapping_mul(PRIME);
            p += 1;
        }
    }
    hash
}

impl Inner {
    const EMPTY: Inner = Inner {
        magic: 0,
        build: 0,
        keys: KeySet::new(),
        policy: StoredPolicy::DEFAULT,
    };
}

// The header's constants are upper bounds of what this build needs.
const _: () = assert!(size_of::<Inner>() <= VERIFIER_SIZE);
const _: () = assert!(align_of::<Inner>() <= VERIFIER_ALIGN);
const _: () = assert!(align_of::<EdjwtVerifier>() == VERIFIER_ALIGN);

/// Bytes of verifier memory this build needs (at most `EDJWT_VERIFIER_SIZE`).
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_verifier_size() -> usize {
    size_of::<Inner>()
}

/// Alignment of verifier memory this build needs (at most `EDJWT_VERIFIER_ALIGN`).
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_verifier_align() -> usize {
    align_of::<Inner>()
}

/// The version of the library, e.g. `"0.1.0"`, a static NUL-terminated string.
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_version() -> *const c_char {
    c_str_version().as_ptr()
}

fn c_str_version() -> &'static core::ffi::CStr {
    match core::ffi::CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes())
    {
        Ok(version) => version,
        Err(_) => c"",
    }
}

/// Builds a verifier in the caller's memory `verifier` (`size` bytes, at least
/// `edjwt_verifier_size()`, aligned to `edjwt_verifier_align()`; a whole `edjwt_verifier`
/// always is) from key text and a policy.
///
/// `keys` is one `PUBLIC KEY` PEM (`openssl pkey -pubout`), JWK or JWKS document, or 44
/// bytes of SPKI DER; `keys_len` 0 adds none (add them with `edjwt_verifier_add_keys`).
/// `policy` NULL means the defaults (`edjwt_policy_init`); its strings are copied. Nothing is
/// allocated and nothing needs freeing: the verifier is plain bytes.
///
/// Returns `EDJWT_OK`, a key reason (`EDJWT_ERR_INVALID_KEY`, `..._UNSUPPORTED_KEY`,
/// `..._WEAK_KEY`, `..._PRIVATE_KEY`, `..._KEY_SET_FULL`), `EDJWT_ERR_POLICY_TOO_LARGE` or
/// `EDJWT_ERR_INVALID_ARGUMENT`. After an error the verifier refuses to verify
/// (`EDJWT_ERR_INVALID_ARGUMENT`) until initialized again.
///
/// # Safety
/// `verifier` is NULL or writable memory of `size` bytes not used by anything else during
/// the call; `keys` is NULL or readable for `keys_len` bytes; `policy` is NULL or points to
/// an `edjwt_policy` whose pointers are NULL (with length 0) or readable for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_verifier_init(
    verifier: *mut EdjwtVerifier,
    size: usize,
    keys: *const c_char,
    keys_len: usize,
    policy: *const EdjwtPolicy,
) -> c_int {
    let ptr = verifier.cast::<Inner>();
    if ptr.is_null() || !ptr.is_aligned() || size < size_of::<Inner>() {
        return EDJWT_ERR_INVALID_ARGUMENT;
    }
    // SAFETY: non-NULL, aligned for `Inner` and at least its size (checked); writable and
    // unused by anything else during the call (the caller's promise). `write` does not read
    // or drop the old bytes.
    unsafe { ptr.write(Inner::EMPTY) };
    // SAFETY: just initialized above; the caller's promise that nothing else uses it.
    let inner = unsafe { &mut *ptr };
    let policy = if policy.is_null() {
        EdjwtPolicy::DEFAULT
    } else if policy.is_aligned() {
        // SAFETY: non-NULL and aligned (checked), readable (the caller's promise).
        unsafe { policy.read() }
    } else {
        return EDJWT_ERR_INVALID_ARGUMENT;
    };
    // SAFETY: the caller's promise on the policy's pointers.
    if let Err(reason) = unsafe { inner.policy.copy_from(&policy) } {
        return reason;
    }
    if keys_len > 0 {
        // SAFETY: the caller's promise on `keys`.
        let Some(text) = (unsafe { bytes(keys, keys_len) }) else {
            return EDJWT_ERR_INVALID_ARGUMENT;
        };
        if let Err(error) = add_keys(&mut inner.keys, text) {
            return number(error);
        }
    }
    inner.build = BUILD;
    inner.magic = MAGIC;
    EDJWT_OK
}

/// Adds the key(s) in `keys` (as for `edjwt_verifier_init`) to an initialized verifier;
/// `*added` (when not NULL) receives how many. On error the verifier keeps its keys.
/// Not to be called while another thread verifies with the same verifier.
///
/// # Safety
/// `verifier` is NULL or was initialized by `edjwt_verifier_init` and is not used by
/// anything else during the call; `keys` is NULL or readable for `keys_len` bytes; `added`
/// is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_verifier_add_keys(
    verifier: *mut EdjwtVerifier,
    keys: *const c_char,
    keys_len: usize,
    added: *mut usize,
) -> c_int {
    // SAFETY: the caller's promise on `verifier`.
    let inner = match unsafe { initialized_mut(verifier) } {
        Ok(inner) => inner,
        Err(reason) => return reason,
    };
    // SAFETY: the caller's promise on `keys`.
    let Some(text) = (unsafe { bytes(keys, keys_len) }) else {
        return EDJWT_ERR_INVALID_ARGUMENT;
    };
    // On error nothing was added: a key is pushed only once it parsed, and a JWKS is
    // added whole or not at all (the core truncates back on error).
    let count = match add_keys(&mut inner.keys, text) {
        Ok(n) => n,
        Err(error) => return number(error),
    };
    if !added.is_null() && added.is_aligned() {
        // SAFETY: non-NULL, aligned (checked), writable (the caller's promise).
        unsafe { added.write(count) };
    }
    EDJWT_OK
}

/// How many keys an initialized verifier holds (0 for NULL or an uninitialized verifier).
///
/// # Safety
/// `verifier` is NULL or was initialized by `edjwt_verifier_init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_verifier_key_count(verifier: *const EdjwtVerifier) -> usize {
    // SAFETY: the caller's promise.
    unsafe { initialized(verifier) }.map_or(0, |inner| inner.keys.len())
}

/// Verifies a compact token (`token_len` bytes, no NUL needed) at time `now` (seconds since
/// the Unix epoch), decoding into the caller's `scratch`, and fills `*out` (when not NULL).
///
/// `scratch` must not overlap the token, the verifier or `out`. A scratch as long as the
/// token suffices to verify; the result also stores the decoded `sub` after the claims, so
/// `scratch_len >= 2 * token_len` always suffices (`EDJWT_SCRATCH_LEN(token_len)`), and
/// `2 * 8192` for every token the default limits accept. Too small is
/// `EDJWT_ERR_BUFFER_TOO_SMALL`, never a crash.
///
/// Returns `EDJWT_OK` or the reason (`EDJWT_ERR_EXPIRED`, `EDJWT_ERR_BAD_SIGNATURE`, ...).
/// Safe to call from many threads at once with one verifier (it is only read).
///
/// # Safety
/// `verifier` was initialized by `edjwt_verifier_init` (or is NULL); `token` is readable for
/// `token_len` bytes; `scratch` is writable for `scratch_len` bytes and not used by
/// anything else during the call; `out` is NULL or writable for one `edjwt_result`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_verify(
    verifier: *const EdjwtVerifier,
    token: *const c_char,
    token_len: usize,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out: *mut EdjwtResult,
) -> c_int {
    // SAFETY: the caller's promises, passed on.
    unsafe {
        run(
            verifier,
            Some((token, token_len)),
            now,
            (scratch, scratch_len),
            out,
            Input::Token,
        )
    }
}

/// Like `edjwt_verify` for the value of an HTTP `Authorization` header: `authorization`
/// NULL when the request has none (`EDJWT_ERR_MISSING_TOKEN`), another scheme is
/// `EDJWT_ERR_MISSING_TOKEN` too, and `Bearer` followed by anything but one token is
/// `EDJWT_ERR_MALFORMED` (RFC 6750 §2.1).
///
/// # Safety
/// As for `edjwt_verify`, with `authorization` NULL or readable for `authorization_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_verify_authorization(
    verifier: *const EdjwtVerifier,
    authorization: *const c_char,
    authorization_len: usize,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out: *mut EdjwtResult,
) -> c_int {
    let input = (!authorization.is_null()).then_some((authorization, authorization_len));
    // SAFETY: the caller's promises, passed on.
    unsafe {
        run(
            verifier,
            input,
            now,
            (scratch, scratch_len),
            out,
            Input::Authorization,
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Input {
    Token,
    Authorization,
}

/// Where the results are, as offsets into scratch.
struct Outcome {
    claims: (usize, usize),
    subject: Option<(usize, usize)>,
    exp: Option<u64>,
    key_index: usize,
}

/// Checks the arguments, verifies, writes `*out`.
///
/// # Safety
/// The promises of [`edjwt_verify`]; `input` `None` stands for a NULL `Authorization`.
unsafe fn run(
    verifier: *const EdjwtVerifier,
    input: Option<(*const c_char, usize)>,
    now: u64,
    (scratch_ptr, scratch_len): (*mut u8, usize),
    out: *mut EdjwtResult,
    kind: Input,
) -> c_int {
    if !out.is_null() && !out.is_aligned() {
        return EDJWT_ERR_INVALID_ARGUMENT;
    }
    let input_range = input.map_or((0, 0), |(ptr, len)| range(ptr, len));
    let scratch_range = range(scratch_ptr, scratch_len);
    let verifier_range = range(verifier, size_of::<Inner>());
    let out_range = range(out, size_of::<EdjwtResult>());
    let result = if overlaps(scratch_range, input_range)
        || overlaps(scratch_range, verifier_range)
        || overlaps(out_range, scratch_range)
        || overlaps(out_range, verifier_range)
        || overlaps(out_range, input_range)
    {
        Err(EDJWT_ERR_INVALID_ARGUMENT)
    } else {
        // SAFETY: the caller's promises; the regions do not overlap (checked), so the
        // shared borrows of the verifier and the input and the unique borrow of scratch
        // do not alias, and `out` is written only after they end.
        unsafe { verify_checked(verifier, input, now, scratch_ptr, scratch_len, kind) }
    };
    let reason = match &result {
        Ok(_) => EDJWT_OK,
        Err(reason) => *reason,
    };
    if !out.is_null() {
        let mut written = EdjwtResult {
            reason,
            http_status: u16::try_from(edjwt_http_status(reason)).unwrap_or(500),
            has_exp: 0,
            reserved: 0,
            exp: 0,
            claims: core::ptr::null(),
            claims_len: 0,
            subject: core::ptr::null(),
            subject_len: 0,
            key_index: 0,
        };
        if let Ok(outcome) = result {
            // Pointers derived from the caller's scratch pointer: the offsets are within
            // `scratch_len` (they come from slices of it).
            written.claims = scratch_ptr.wrapping_add(outcome.claims.0).cast::<c_char>();
            written.claims_len = outcome.claims.1;
            if let Some((start, len)) = outcome.subject {
                written.subject = scratch_ptr.wrapping_add(start).cast::<c_char>();
                written.subject_len = len;
            }
            if let Some(exp) = outcome.exp {
                written.has_exp = 1;
                written.exp = exp;
            }
            written.key_index = outcome.key_index;
        }
        // SAFETY: non-NULL and aligned (checked), writable (the caller's promise), and no
        // reference into it or overlapping it is alive.
        unsafe { out.write(written) };
    }
    reason
}

/// # Safety
/// As for [`run`], with the regions known not to overlap.
unsafe fn verify_checked(
    verifier: *const EdjwtVerifier,
    input: Option<(*const c_char, usize)>,
    now: u64,
    scratch_ptr: *mut u8,
    scratch_len: usize,
    kind: Input,
) -> Result<Outcome, c_int> {
    // SAFETY: the caller's promise on `verifier`.
    let inner = unsafe { initialized(verifier) }?;
    // SAFETY: the caller's promise on `scratch`; it overlaps nothing else (checked by the
    // caller of this function).
    let scratch =
        unsafe { bytes_mut(scratch_ptr, scratch_len) }.ok_or(EDJWT_ERR_INVALID_ARGUMENT)?;
    let text = match input {
        None => None,
        // SAFETY: the caller's promise on the input.
        Some((ptr, len)) => Some(unsafe { bytes(ptr, len) }.ok_or(EDJWT_ERR_INVALID_ARGUMENT)?),
    };
    // A token or header value that is not UTF-8 cannot be a token (they are ASCII).
    let text = match text {
        Some(t) => Some(core::str::from_utf8(t).map_err(|_| number(Error::Malformed))?),
        None => None,
    };
    let token = match kind {
        Input::Token => text.unwrap_or(""),
        Input::Authorization => edjwt::bearer_token(text).map_err(number)?,
    };
    verify_into(inner, token, now, scratch)
}

/// Verifies `token`, then lays out scratch as
/// `[decoded header][claims JSON][NUL] ... | [sub][NUL]`, the `|` at `token.len()`.
fn verify_into(inner: &Inner, token: &str, now: u64, scratch: &mut [u8]) -> Result<Outcome, c_int> {
    let base = scratch.as_ptr().addr();
    // The core needs at most the token's length to decode; what follows holds `sub`.
    let split = token.len().min(scratch.len());
    let (decode, rest) = scratch.split_at_mut(split);
    let outcome = inner.policy.with(|policy| {
        let verified = Verifier::new(&inner.keys, policy)
            .verify(token, now, decode)
            .map_err(number)?;
        let payload = verified.payload();
        let start = payload
            .as_ptr()
            .addr()
            .checked_sub(base)
            .ok_or(EDJWT_ERR_UNKNOWN)?;
        let subject = match verified.claims().subject() {
            Some(sub) => {
                let len = sub.unescape_into(rest).map_err(number)?.len();
                let nul = rest.get_mut(len).ok_or(number(Error::BufferTooSmall))?;
                *nul = 0;
                Some((split, len))
            }
            None => None,
        };
        Ok::<_, c_int>(Outcome {
            claims: (start, payload.len()),
            subject,
            exp: verified
                .claims()
                .expires_at()
                .map(edjwt::NumericDate::seconds),
            key_index: verified.key_index(),
        })
    })?;
    // The verified borrow of `decode` has ended: terminate the claims JSON.
    let end = outcome
        .claims
        .0
        .checked_add(outcome.claims.1)
        .ok_or(EDJWT_ERR_UNKNOWN)?;
    *decode.get_mut(end).ok_or(number(Error::BufferTooSmall))? = 0;
    Ok(outcome)
}

/// Adds keys from text (PEM, JWK, JWKS) or SPKI DER bytes.
fn add_keys(keys: &mut KeySet<MAX_KEYS>, data: &[u8]) -> Result<usize, Error> {
    // DER starts with a SEQUENCE tag; no text form does.
    if data.first() == Some(&0x30) {
        keys.push(VerifyingKey::from_spki_der(data)?)?;
        return Ok(1);
    }
    let text = core::str::from_utf8(data).map_err(|_| Error::InvalidKey)?;
    keys.add_text(text)
}

/// The verifier at `verifier` when it is initialized, by this build of the library.
///
/// # Errors
/// `EDJWT_ERR_INVALID_ARGUMENT` for NULL, misaligned or uninitialized memory,
/// `EDJWT_ERR_FOREIGN_VERIFIER` for a verifier that another build initialized.
///
/// # Safety
/// `verifier` is NULL or points to memory at least 16 bytes long that was written by
/// `edjwt_verifier_init` of some build of this library (then at least its
/// `edjwt_verifier_size()` bytes long), not written during `'a`.
unsafe fn initialized<'a>(verifier: *const EdjwtVerifier) -> Result<&'a Inner, c_int> {
    let ptr = verifier.cast::<Inner>();
    if ptr.is_null() || !ptr.is_aligned() {
        return Err(EDJWT_ERR_INVALID_ARGUMENT);
    }
    // `magic` and `build` are the first two fields of the `repr(C)` struct (in every build
    // that wrote `MAGIC`): the first 16 bytes, aligned for `u64` (`Inner` is at least as
    // aligned).
    let words = ptr.cast::<[u64; 2]>();
    // SAFETY: non-NULL, aligned, readable for 16 bytes (the caller's promise).
    let [magic, build] = unsafe { words.read() };
    if magic != MAGIC {
        return Err(EDJWT_ERR_INVALID_ARGUMENT);
    }
    if build != BUILD {
        return Err(EDJWT_ERR_FOREIGN_VERIFIER);
    }
    // SAFETY: `edjwt_verifier_init` of this build finished on this memory (the magic is set
    // last), so it holds a valid `Inner`; nothing writes it during `'a` (the caller's
    // promise).
    Ok(unsafe { &*ptr })
}

/// Like [`initialized`], for changing it.
///
/// # Safety
/// As for [`initialized`], and nothing else reads or writes it during `'a`.
unsafe fn initialized_mut<'a>(verifier: *mut EdjwtVerifier) -> Result<&'a mut Inner, c_int> {
    // SAFETY: the caller's promise.
    unsafe { initialized(verifier) }?;
    // SAFETY: checked just above that it is an initialized `Inner`; unique (the caller's
    // promise).
    Ok(unsafe { &mut *verifier.cast::<Inner>() })
}

#[cfg(test)]
mod build_tests {
    use super::*;

    #[test]
    fn the_build_stamp_encodes_version_layout_and_backend() {
        let base = build_stamp("0.1.0", 4040, 8, "ed25519-compact");
        assert_ne!(base, build_stamp("0.1.1", 4040, 8, "ed25519-compact"));
        assert_ne!(base, build_stamp("0.1.0", 4048, 8, "ed25519-compact"));
        assert_ne!(base, build_stamp("0.1.0", 4040, 16, "ed25519-compact"));
        assert_ne!(base, build_stamp("0.1.0", 4040, 8, "ed25519-dalek"));
        let backend = if cfg!(feature = "dalek") {
            "ed25519-dalek"
        } else {
            "ed25519-compact"
        };
        let expected = build_stamp(
            env!("CARGO_PKG_VERSION"),
            size_of::<Inner>(),
            align_of::<Inner>(),
            backend,
        );
        assert_eq!(BUILD, expected);
    }
}
