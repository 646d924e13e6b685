//! The C policy struct, and its copy kept inside the verifier's memory.

use core::ffi::{c_char, c_int};

use edjwt::{Limits, Policy};

use crate::ffi::bytes;
use crate::reason::{EDJWT_ERR_INVALID_ARGUMENT, EDJWT_ERR_POLICY_TOO_LARGE};

/// Most issuers, audiences or required claim names one verifier stores (each list).
pub const MAX_POLICY_VALUES: usize = 8;

/// Most bytes of policy text (issuers, audiences, claim names, subject, `typ`, summed) one
/// verifier stores. Issuer URLs and audience names are tens of bytes each.
pub const MAX_POLICY_TEXT: usize = 1024;

/// `flags`: accept tokens without `exp` (a present `exp` is still checked).
pub const EDJWT_POLICY_ALLOW_MISSING_EXP: u32 = 1;
/// `flags`: with no audience configured, accept a token whose `aud` names any audience
/// (`Policy::any_audience`); without it such a token is `wrong-audience` (RFC 7519 §4.1.3).
pub const EDJWT_POLICY_ANY_AUDIENCE: u32 = 2;

const KNOWN_FLAGS: u32 = EDJWT_POLICY_ALLOW_MISSING_EXP | EDJWT_POLICY_ANY_AUDIENCE;

/// `edjwt_str`: a string with its length (no NUL needed). `ptr` NULL means "not set"
/// where the field allows it, and requires `len` 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EdjwtStr {
    /// The bytes (UTF-8).
    pub ptr: *const c_char,
    /// Their number.
    pub len: usize,
}

/// `edjwt_policy`: what a verified token must also satisfy. Start from
/// `edjwt_policy_init()`; the strings are copied by `edjwt_verifier_init`, so they need not
/// outlive that call.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct EdjwtPolicy {
    /// Accepted `iss` values (any of them); `issuers_len` 0: `iss` not checked.
    pub issuers: *const EdjwtStr,
    /// Number of `issuers`.
    pub issuers_len: usize,
    /// Accepted audiences (the token's `aud` must contain one); 0: `aud` not checked.
    pub audiences: *const EdjwtStr,
    /// Number of `audiences`.
    pub audiences_len: usize,
    /// Custom claims that must be present (any value), e.g. `prefix`.
    pub required_claims: *const EdjwtStr,
    /// Number of `required_claims`.
    pub required_claims_len: usize,
    /// Expected `sub`; `ptr` NULL: not checked.
    pub subject: EdjwtStr,
    /// Expected header `typ` (RFC 8725 §3.11, case-insensitive, `application/` optional);
    /// `ptr` NULL: not checked.
    pub typ: EdjwtStr,
    /// Clock-skew allowance in seconds (`edjwt_policy_init`: 60).
    pub leeway: u64,
    /// Reject tokens whose `iat` is older than this many seconds; 0: no maximum age.
    pub max_age: u64,
    /// Longest accepted token in bytes; 0: the default, 8192.
    pub max_token_len: usize,
    /// Longest accepted header segment in bytes; 0: the default, 1024.
    pub max_header_len: usize,
    /// `EDJWT_POLICY_*` bits; unknown bits are `EDJWT_ERR_INVALID_ARGUMENT`.
    pub flags: u32,
}

impl EdjwtPolicy {
    /// The defaults: `exp` required, leeway 60 s, default limits, nothing else checked.
    pub const DEFAULT: EdjwtPolicy = EdjwtPolicy {
        issuers: core::ptr::null(),
        issuers_len: 0,
        audiences: core::ptr::null(),
        audiences_len: 0,
        required_claims: core::ptr::null(),
        required_claims_len: 0,
        subject: EdjwtStr {
            ptr: core::ptr::null(),
            len: 0,
        },
        typ: EdjwtStr {
            ptr: core::ptr::null(),
            len: 0,
        },
        leeway: edjwt::DEFAULT_LEEWAY,
        max_age: 0,
        max_token_len: 0,
        max_header_len: 0,
        flags: 0,
    };
}

/// Fills `*policy` with the defaults: `exp` required, leeway 60 s, tokens up to 8 KiB,
/// nothing else checked. Does nothing when `policy` is NULL.
///
/// # Safety
/// `policy` is NULL or points to writable memory for one `edjwt_policy`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn edjwt_policy_init(policy: *mut EdjwtPolicy) {
    if !policy.is_null() && policy.is_aligned() {
        // SAFETY: non-NULL and aligned; the caller promises it is writable memory for one
        // policy. `write` does not read the (possibly uninitialized) old value.
        unsafe { policy.write(EdjwtPolicy::DEFAULT) };
    }
}

/// A range of [`StoredPolicy::text`].
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u16,
    end: u16,
}

/// Up to [`MAX_POLICY_VALUES`] strings.
#[derive(Clone, Copy, Debug)]
struct List {
    spans: [Span; MAX_POLICY_VALUES],
    len: usize,
}

impl List {
    const EMPTY: List = List {
        spans: [Span { start: 0, end: 0 }; MAX_POLICY_VALUES],
        len: 0,
    };
}

/// The policy as the verifier keeps it: its strings copied into a fixed arena, so the
/// verifier holds no pointer (it may be copied with `memcpy` or placed in shared memory).
#[derive(Clone, Debug)]
pub(crate) struct StoredPolicy {
    text: heapless::String<MAX_POLICY_TEXT>,
    issuers: List,
    audiences: List,
    required: List,
    subject: Option<Span>,
    typ: Option<Span>,
    leeway: u64,
    max_age: Option<u64>,
    allow_missing_exp: bool,
    any_audience: bool,
    limits: Limits,
}

impl StoredPolicy {
    pub(crate) const DEFAULT: StoredPolicy = StoredPolicy {
        text: heapless::String::new(),
        issuers: List::EMPTY,
        audiences: List::EMPTY,
        required: List::EMPTY,
        subject: None,
        typ: None,
        leeway: edjwt::DEFAULT_LEEWAY,
        max_age: None,
        allow_missing_exp: false,
        any_audience: false,
        limits: Limits::DEFAULT,
    };

    /// Copies a C policy.
    ///
    /// # Safety
    /// Every pointer in `policy` is NULL (with its length 0) or valid for reads of its
    /// length.
    pub(crate) unsafe fn copy_from(&mut self, policy: &EdjwtPolicy) -> Result<(), c_int> {
        if policy.flags & !KNOWN_FLAGS != 0 {
            return Err(EDJWT_ERR_INVALID_ARGUMENT);
        }
        *self = StoredPolicy::DEFAULT;
        // SAFETY: the caller's promise on `policy`'s pointers.
        self.issuers = unsafe { self.push_list(policy.issuers, policy.issuers_len) }?;
        // SAFETY: as above.
        self.audiences = unsafe { self.push_list(policy.audiences, policy.audiences_len) }?;
        // SAFETY: as above.
        self.required =
            unsafe { self.push_list(policy.required_claims, policy.required_claims_len) }?;
        // SAFETY: as above.
        self.subject = unsafe { self.push_optional(policy.subject) }?;
        // SAFETY: as above.
        self.typ = unsafe { self.push_optional(policy.typ) }?;
        self.leeway = policy.leeway;
        self.max_age = (policy.max_age != 0).then_some(policy.max_age);
        self.allow_missing_exp = policy.flags & EDJWT_POLICY_ALLOW_MISSING_EXP != 0;
        self.any_audience = policy.flags & EDJWT_POLICY_ANY_AUDIENCE != 0;
        self.limits = Limits {
            max_token_len: nonzero_or(policy.max_token_len, edjwt::DEFAULT_MAX_TOKEN_LEN),
            max_header_len: nonzero_or(policy.max_header_len, edjwt::DEFAULT_MAX_HEADER_LEN),
        };
        Ok(())
    }

    /// # Safety
    /// `values` is NULL with `len` 0, or valid for reads of `len` `edjwt_str`s whose
    /// pointers are valid for their lengths.
    unsafe fn push_list(&mut self, values: *const EdjwtStr, len: usize) -> Result<List, c_int> {
        if len > MAX_POLICY_VALUES {
            return Err(EDJWT_ERR_POLICY_TOO_LARGE);
        }
        // SAFETY: the caller's promise.
        let values = unsafe { crate::ffi::slice(values, len) }.ok_or(EDJWT_ERR_INVALID_ARGUMENT)?;
        let mut list = List::EMPTY;
        for (slot, value) in list.spans.iter_mut().zip(values) {
            if value.ptr.is_null() {
                return Err(EDJWT_ERR_INVALID_ARGUMENT);
            }
            // SAFETY: the caller's promise.
            *slot = unsafe { self.push(*value) }?;
        }
        list.len = values.len();
        Ok(list)
    }

    /// # Safety
    /// `value.ptr` is NULL or valid for reads of `value.len` bytes.
    unsafe fn push_optional(&mut self, value: EdjwtStr) -> Result<Option<Span>, c_int> {
        if value.ptr.is_null() {
            return if value.len == 0 {
                Ok(None)
            } else {
                Err(EDJWT_ERR_INVALID_ARGUMENT)
            };
        }
        // SAFETY: the caller's promise.
        unsafe { self.push(value) }.map(Some)
    }

    /// # Safety
    /// `value.ptr` is non-NULL and valid for reads of `value.len` bytes.
    unsafe fn push(&mut self, value: EdjwtStr) -> Result<Span, c_int> {
        // SAFETY: the caller's promise.
        let bytes = unsafe { bytes(value.ptr, value.len) }.ok_or(EDJWT_ERR_INVALID_ARGUMENT)?;
        let text = core::str::from_utf8(bytes).map_err(|_| EDJWT_ERR_INVALID_ARGUMENT)?;
        let start = self.text.len();
        self.text
            .push_str(text)
            .map_err(|_| EDJWT_ERR_POLICY_TOO_LARGE)?;
        let end = self.text.len();
        Ok(Span {
            start: u16::try_from(start).map_err(|_| EDJWT_ERR_POLICY_TOO_LARGE)?,
            end: u16::try_from(end).map_err(|_| EDJWT_ERR_POLICY_TOO_LARGE)?,
        })
    }

    fn get(&self, span: Span) -> &str {
        // Spans are only made by `push`, so this always succeeds; an empty string
        // otherwise.
        self.text
            .get(usize::from(span.start)..usize::from(span.end))
            .unwrap_or("")
    }

    fn strings(&self, list: &List) -> [&str; MAX_POLICY_VALUES] {
        let mut out = [""; MAX_POLICY_VALUES];
        for (slot, span) in out.iter_mut().zip(&list.spans) {
            *slot = self.get(*span);
        }
        out
    }

    /// Calls `f` with the core [`Policy`] this stored policy stands for. The string lists
    /// live on the stack for the duration of the call.
    pub(crate) fn with<R>(&self, f: impl FnOnce(Policy<'_>) -> R) -> R {
        let issuers = self.strings(&self.issuers);
        let audiences = self.strings(&self.audiences);
        let required = self.strings(&self.required);
        let mut policy = Policy::new().leeway(self.leeway).limits(self.limits);
        if self.issuers.len > 0 {
            policy = policy.issuers(issuers.get(..self.issuers.len).unwrap_or(&[]));
        }
        if self.audiences.len > 0 {
            policy = policy.audiences(audiences.get(..self.audiences.len).unwrap_or(&[]));
        }
        if self.required.len > 0 {
            policy = policy.require_claims(required.get(..self.required.len).unwrap_or(&[]));
        }
        if let Some(subject) = self.subject {
            policy = policy.subject(self.get(subject));
        }
        if let Some(typ) = self.typ {
            policy = policy.typ(self.get(typ));
        }
        if let Some(max_age) = self.max_age {
            policy = policy.max_age(max_age);
        }
        if self.allow_missing_exp {
            policy = policy.allow_missing_exp();
        }
        if self.any_audience {
            policy = policy.any_audience();
        }
        f(policy)
    }
}

fn nonzero_or(value: usize, default: usize) -> usize {
    if value == 0 {
        default
    } else {
        value
    }
}
