//! The stable numeric reason codes of the C ABI and their static C strings.
//!
//! The numbers, codes, messages, statuses and challenges of core reasons are the core's
//! (`edjwt::Error::number` and friends), made into C strings at compile time; this table adds
//! only the reasons the ABI alone has (`ok`, `invalid-argument`, `policy-too-large`,
//! `unknown`). A C proxy compiled against one version of the header keeps the meaning of
//! every number forever (the core never reuses one).

use core::ffi::{c_char, c_int, CStr};

use edjwt::Error;

/// Copies `s` into a NUL-terminated array at compile time.
const fn nul_terminated<const N: usize>(s: &str) -> [u8; N] {
    let bytes = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < bytes.len() && i < N {
        // Bounded by the loop condition (const fn: no iterators).
        #[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
        {
            out[i] = bytes[i];
            i += 1;
        }
    }
    out
}

/// A `&'static CStr` made at compile time from a `&'static str` constant expression (the
/// core's `code()`, `message()` and `www_authenticate()` are `const fn`), so the C strings
/// cannot drift from the Rust ones.
macro_rules! c_str {
    ($s:expr) => {{
        const S: &str = $s;
        const B: [u8; S.len() + 1] = nul_terminated::<{ S.len() + 1 }>(S);
        const C: &CStr = match CStr::from_bytes_with_nul(&B) {
            Ok(c) => c,
            Err(_) => panic!("interior NUL"),
        };
        C
    }};
}

/// One row of the table.
pub(crate) struct Reason {
    /// The stable number (`EDJWT_OK`, `EDJWT_ERR_*` in `edjwt.h`).
    pub(crate) number: c_int,
    /// The core's error, `None` for `ok` and the reasons only this ABI has.
    pub(crate) error: Option<Error>,
    /// Kebab-case code, e.g. `expired`.
    pub(crate) code: &'static CStr,
    /// Fixed message, e.g. `token expired`.
    pub(crate) message: &'static CStr,
    /// The RFC 6750 `WWW-Authenticate` value for a 401, `None` otherwise.
    pub(crate) challenge: Option<&'static CStr>,
    /// The HTTP status a server answers with.
    pub(crate) status: u16,
}

/// A row for a core error: everything from the core.
macro_rules! core_reason {
    ($variant:ident) => {
        Reason {
            // Widening `u16` to `c_int` (`From` is not `const`).
            #[allow(clippy::as_conversions)]
            number: Error::$variant.number() as c_int,
            error: Some(Error::$variant),
            code: c_str!(Error::$variant.code()),
            message: c_str!(Error::$variant.message()),
            challenge: match Error::$variant.www_authenticate() {
                Some(_) => Some(c_str!(match Error::$variant.www_authenticate() {
                    Some(challenge) => challenge,
                    None => "",
                })),
                None => None,
            },
            status: Error::$variant.http_status(),
        }
    };
}

/// The token verified.
pub const EDJWT_OK: c_int = 0;
/// A NULL pointer with a non-zero length, memory too small or misaligned for the verifier,
/// a verifier that was not initialized, overlapping buffers, unknown policy flags, policy
/// text that is not UTF-8.
pub const EDJWT_ERR_INVALID_ARGUMENT: c_int = 201;
/// The policy has more values or text than the verifier stores
/// ([`MAX_POLICY_VALUES`](crate::MAX_POLICY_VALUES),
/// [`MAX_POLICY_TEXT`](crate::MAX_POLICY_TEXT)).
pub const EDJWT_ERR_POLICY_TOO_LARGE: c_int = 202;
/// A verifier initialized by another build of the library (another version, layout or
/// Ed25519 backend), e.g. copied from another process: refused rather than misread.
pub const EDJWT_ERR_FOREIGN_VERIFIER: c_int = 203;
/// A core reason newer than this table (never returned by this version: a test checks
/// that every core error has a number).
pub const EDJWT_ERR_UNKNOWN: c_int = 255;

/// Every reason, with its stable number.
pub(crate) static REASONS: &[Reason] = &[
    Reason {
        number: EDJWT_OK,
        error: None,
        code: c"ok",
        message: c"token verified",
        challenge: None,
        status: 200,
    },
    // ---- request / format (401)
    core_reason!(MissingToken),
    core_reason!(Malformed),
    core_reason!(TokenTooLarge),
    core_reason!(HeaderTooLarge),
    core_reason!(NestingTooDeep),
    core_reason!(TooManyMembers),
    // ---- unsupported (401)
    core_reason!(UnsupportedAlgorithm),
    core_reason!(UnsupportedHeader),
    // ---- key selection / signature (401)
    core_reason!(UnknownKey),
    core_reason!(BadSignature),
    // ---- claims / policy (401)
    core_reason!(Expired),
    core_reason!(NotYetValid),
    core_reason!(IssuedInFuture),
    core_reason!(TooOld),
    core_reason!(WrongIssuer),
    core_reason!(WrongAudience),
    core_reason!(WrongSubject),
    core_reason!(WrongType),
    core_reason!(MissingClaim),
    core_reason!(InvalidClaim),
    // ---- keys: configuration errors (500)
    core_reason!(InvalidKey),
    core_reason!(UnsupportedKey),
    core_reason!(WeakKey),
    core_reason!(PrivateKey),
    core_reason!(KeySetFull),
    // ---- caller memory and arguments (500)
    core_reason!(BufferTooSmall),
    Reason {
        number: EDJWT_ERR_INVALID_ARGUMENT,
        error: None,
        code: c"invalid-argument",
        message: c"invalid argument",
        challenge: None,
        status: 500,
    },
    Reason {
        number: EDJWT_ERR_POLICY_TOO_LARGE,
        error: None,
        code: c"policy-too-large",
        message: c"policy too large for the verifier",
        challenge: None,
        status: 500,
    },
    Reason {
        number: EDJWT_ERR_FOREIGN_VERIFIER,
        error: None,
        code: c"foreign-verifier",
        message: c"verifier initialized by another build of the library",
        challenge: None,
        status: 500,
    },
    Reason {
        number: EDJWT_ERR_UNKNOWN,
        error: None,
        code: c"unknown",
        message: c"unknown reason",
        challenge: None,
        status: 500,
    },
];

/// The row of `number`, if it is one.
pub(crate) fn lookup(number: c_int) -> Option<&'static Reason> {
    REASONS.iter().find(|r| r.number == number)
}

/// The stable number of a core error.
pub(crate) fn number(error: Error) -> c_int {
    REASONS
        .iter()
        .find(|r| r.error == Some(error))
        .map_or(EDJWT_ERR_UNKNOWN, |r| r.number)
}

/// The kebab-case reason code of `reason` (`"ok"`, `"expired"`, `"bad-signature"`, ...), a
/// static NUL-terminated string; `"unknown"` for a number that is no reason.
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_reason_code(reason: c_int) -> *const c_char {
    lookup(reason).map_or(c"unknown", |r| r.code).as_ptr()
}

/// The fixed lowercase message of `reason` (`"token expired"`), a static NUL-terminated
/// string; never contains anything from a token.
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_reason_message(reason: c_int) -> *const c_char {
    lookup(reason)
        .map_or(c"unknown reason", |r| r.message)
        .as_ptr()
}

/// The RFC 6750 `WWW-Authenticate` value to send with a 401 for `reason`
/// (`Bearer` for `missing-token`, `Bearer error="invalid_token", error_description="..."`
/// otherwise), a static NUL-terminated string; NULL when `reason` is not a 401.
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_www_authenticate(reason: c_int) -> *const c_char {
    lookup(reason)
        .and_then(|r| r.challenge)
        .map_or(core::ptr::null(), CStr::as_ptr)
}

/// The HTTP status for `reason`: 200 for `EDJWT_OK`, 401 for every rejected or missing
/// token, 500 for the server's own errors (keys, memory, arguments) and unknown numbers.
#[unsafe(no_mangle)]
pub extern "C" fn edjwt_http_status(reason: c_int) -> c_int {
    lookup(reason).map_or(500, |r| c_int::from(r.status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_error_has_a_number_and_the_core_strings() {
        for &error in Error::ALL {
            let n = number(error);
            assert_ne!(n, EDJWT_ERR_UNKNOWN, "{error:?} has no C number");
            let row = lookup(n).unwrap();
            assert_eq!(row.code.to_str().unwrap(), error.code());
            assert_eq!(row.message.to_str().unwrap(), error.message());
            assert_eq!(row.status, error.http_status());
            match row.challenge {
                Some(c) => assert_eq!(Some(c.to_str().unwrap()), error.www_authenticate()),
                None => assert_eq!(error.www_authenticate(), None),
            }
        }
    }

    #[test]
    fn numbers_and_codes_are_unique() {
        for (i, a) in REASONS.iter().enumerate() {
            for b in &REASONS[i + 1..] {
                assert_ne!(a.number, b.number);
                assert_ne!(a.code, b.code);
            }
        }
    }

    #[test]
    fn the_numbers_never_change() {
        // Pinned: changing one breaks every C program built against an older header.
        let pinned: Vec<(c_int, &str)> = REASONS
            .iter()
            .map(|r| (r.number, r.code.to_str().unwrap()))
            .collect();
        assert_eq!(
            pinned,
            [
                (0, "ok"),
                (1, "missing-token"),
                (2, "malformed"),
                (3, "token-too-large"),
                (4, "header-too-large"),
                (5, "nesting-too-deep"),
                (6, "too-many-members"),
                (7, "unsupported-algorithm"),
                (8, "unsupported-header"),
                (9, "unknown-key"),
                (10, "bad-signature"),
                (11, "expired"),
                (12, "not-yet-valid"),
                (13, "issued-in-future"),
                (14, "too-old"),
                (15, "wrong-issuer"),
                (16, "wrong-audience"),
                (17, "wrong-subject"),
                (18, "wrong-type"),
                (19, "missing-claim"),
                (20, "invalid-claim"),
                (100, "invalid-key"),
                (101, "unsupported-key"),
                (102, "weak-key"),
                (103, "private-key"),
                (104, "key-set-full"),
                (200, "buffer-too-small"),
                (201, "invalid-argument"),
                (202, "policy-too-large"),
                (203, "foreign-verifier"),
                (255, "unknown"),
            ]
        );
    }
}
