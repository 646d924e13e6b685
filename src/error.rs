//! The one error type: every rejection with a stable code and a fixed message.

use core::fmt;

/// Declares [`Error`] from one table: variant, stable code, fixed message, HTTP status.
///
/// One table keeps the code, the message, the `Display` text and the RFC 6750 challenge in step.
macro_rules! errors {
    ($(
        $(#[$doc:meta])*
        $variant:ident => ($code:literal, $message:literal, $status:literal),
    )*) => {
        /// Why a token (or a key) was rejected.
        ///
        /// Each variant has a stable kebab-case [`code`](Error::code) for logs and scripts and a
        /// fixed lowercase [`Display`](fmt::Display) message. Neither ever contains bytes from
        /// the token or the key: an attacker cannot write into your logs through an error.
        ///
        /// Precedence is fixed: format, algorithm, key and signature failures are reported
        /// first; claim and policy failures (`expired`, `wrong-audience`, ...) only for a token
        /// whose signature verified. A forged token is never reported as `expired`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $( $(#[$doc])* $variant, )*
        }

        impl Error {
            /// Every variant, in declaration order (for tables, docs and exhaustive tests).
            pub const ALL: &'static [Error] = &[$(Error::$variant,)*];

            /// The stable machine-readable reason code, e.g. `"expired"`.
            #[must_use]
            pub const fn code(self) -> &'static str {
                const TEXT: &str = concat!($($code,)*);
                const ENDS: [u16; Error::ALL.len()] = ends(&[$($code,)*]);
                entry(TEXT, &ENDS, self.index())
            }

            /// The fixed human-readable message, e.g. `"token expired"`.
            #[must_use]
            pub const fn message(self) -> &'static str {
                const TEXT: &str = concat!($($message,)*);
                const ENDS: [u16; Error::ALL.len()] = ends(&[$($message,)*]);
                entry(TEXT, &ENDS, self.index())
            }

            /// Position in [`ALL`](Error::ALL).
            #[allow(clippy::as_conversions)] // A fieldless enum's discriminant.
            const fn index(self) -> usize {
                self as usize
            }

            /// The HTTP status a server should answer with: `401` for every rejected or
            /// missing token, `500` for errors that are the server's own (an unusable key, a
            /// scratch buffer too small).
            #[must_use]
            pub const fn http_status(self) -> u16 {
                match self { $(Error::$variant => $status,)* }
            }

            /// The value of the `WWW-Authenticate` response header (RFC 6750 §3).
            ///
            /// `missing-token` gives a bare `Bearer` challenge (RFC 6750 §3.1: a request without
            /// credentials gets no error code); every other reason gives
            /// `Bearer error="invalid_token", error_description="<message>"`. Nothing from the
            /// token is echoed.
            #[must_use]
            pub const fn www_authenticate(self) -> &'static str {
                if let Error::MissingToken = self {
                    return "Bearer";
                }
                match self {
                    $(Error::$variant => concat!(
                        "Bearer error=\"invalid_token\", error_description=\"", $message, "\""
                    ),)*
                }
            }
        }
    };
}

errors! {
    // ---- Request / format ----
    /// No `Authorization: Bearer` credentials in the request (RFC 6750 §2.1): the header is
    /// absent or empty, or it uses another scheme.
    MissingToken => ("missing-token", "no bearer token", 401),
    /// The token is not a well-formed JWS compact serialization or JWT: wrong number of
    /// segments, an empty segment, base64url that is not strict (RFC 7515 §2: no padding, no
    /// `+`/`/`, no whitespace, canonical trailing bits), a signature that is not 64 bytes,
    /// JSON that is not strict RFC 8259 (trailing bytes, comments, raw control characters,
    /// invalid escapes or UTF-8, duplicate member names), a header or claims set that is not a
    /// JSON object, or a header parameter of the wrong type (`kid`, `typ`).
    Malformed => ("malformed", "malformed token", 401),
    /// The token is longer than the configured limit ([`Limits::max_token_len`](crate::Limits)),
    /// checked before any decoding.
    TokenTooLarge => ("token-too-large", "token too large", 401),
    /// The header segment is longer than [`Limits::max_header_len`](crate::Limits), checked
    /// before any decoding.
    HeaderTooLarge => ("header-too-large", "token header too large", 401),
    /// JSON nesting deeper than [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH).
    NestingTooDeep => ("nesting-too-deep", "token json nested too deeply", 401),
    /// More object members open at once than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS).
    TooManyMembers => ("too-many-members", "token json has too many members", 401),

    // ---- Unsupported ----
    /// `alg` is missing, not a string, or not `"EdDSA"`/`"Ed25519"` (RFC 8037, RFC 9864).
    /// `none` in any spelling lands here.
    UnsupportedAlgorithm => ("unsupported-algorithm", "unsupported algorithm", 401),
    /// The header carries `crit` (RFC 7515 §4.1.11: this crate understands no extensions) or
    /// `b64` (RFC 7797 unencoded payloads).
    UnsupportedHeader => ("unsupported-header", "unsupported header parameter", 401),

    // ---- Key selection / signature ----
    /// The token's `kid` matches no configured key and there is no key without a `kid`.
    /// Decided before any signature check.
    UnknownKey => ("unknown-key", "unknown signing key", 401),
    /// No candidate key verifies the signature over the received `header.payload` bytes.
    BadSignature => ("bad-signature", "signature does not match", 401),

    // ---- Claims / policy (only for a token whose signature verified) ----
    /// `exp` (plus leeway) is not after the current time (RFC 7519 §4.1.4).
    Expired => ("expired", "token expired", 401),
    /// `nbf` (minus leeway) is after the current time (RFC 7519 §4.1.5).
    NotYetValid => ("not-yet-valid", "token not yet valid", 401),
    /// `iat` is in the future by more than the leeway.
    IssuedInFuture => ("issued-in-future", "token issued in the future", 401),
    /// `iat` is older than the configured maximum age.
    TooOld => ("too-old", "token too old", 401),
    /// `iss` is none of the expected issuers.
    WrongIssuer => ("wrong-issuer", "wrong issuer", 401),
    /// `aud` names none of the expected audiences.
    WrongAudience => ("wrong-audience", "wrong audience", 401),
    /// `sub` is not the expected subject.
    WrongSubject => ("wrong-subject", "wrong subject", 401),
    /// The header `typ` is not the expected type (RFC 8725 §3.11).
    WrongType => ("wrong-type", "wrong token type", 401),
    /// A claim the policy requires is absent (`exp` by default, `iss`/`aud`/`sub` when an
    /// expected value is configured, and any configured custom claim).
    MissingClaim => ("missing-claim", "required claim missing", 401),
    /// A claim is present but invalid: a registered claim of the wrong type (`"exp": "123"`,
    /// `"exp": null`, `"aud": 1`), a `NumericDate` that is negative or beyond a signed 64-bit
    /// count of seconds, or custom claims that do not deserialize into the caller's type.
    InvalidClaim => ("invalid-claim", "invalid claim", 401),

    // ---- Keys (configuration: the server's problem, not the client's) ----
    /// Key text or bytes are not a well-formed Ed25519 public key in the expected format
    /// (raw 32 bytes, SPKI DER, `PUBLIC KEY` PEM, JWK, JWKS).
    InvalidKey => ("invalid-key", "invalid public key", 500),
    /// A well-formed key of another type: RSA, EC, X25519, Ed448, a JWK with `kty`/`crv`
    /// other than `OKP`/`Ed25519`, or one meant for another use.
    UnsupportedKey => ("unsupported-key", "not an ed25519 signature key", 500),
    /// An Ed25519 key of small order or non-canonical encoding (it could validate forgeries).
    WeakKey => ("weak-key", "weak or non-canonical public key", 500),
    /// Private key material where a public key was expected (a `PRIVATE KEY` PEM, a JWK
    /// with `d`). Refused so that secrets do not end up in verifier configuration.
    PrivateKey => ("private-key", "private key given where a public key was expected", 500),
    /// The fixed-capacity key set is full.
    KeySetFull => ("key-set-full", "key set is full", 500),

    // ---- Caller memory ----
    /// The caller's scratch buffer cannot hold the decoded header and payload (a buffer as
    /// long as the token always suffices), or an unescape buffer is too small.
    BufferTooSmall => ("buffer-too-small", "scratch buffer too small", 500),
}

// Codes and messages are each stored as one string and a table of 2-byte end offsets: a
// `match` returning a `&str` per variant compiles to two tables of 4-byte pointers and
// lengths (for WebAssembly modules, 300 bytes more over both).

/// The end offset of each string in their concatenation.
#[allow(
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::as_conversions,
    clippy::cast_possible_truncation
)]
const fn ends<const N: usize>(strings: &[&str; N]) -> [u16; N] {
    // Evaluated at compile time only (in `const` items): an overflow or a concatenation
    // over 64 KiB fails the build.
    let mut ends = [0u16; N];
    let mut total = 0usize;
    let mut i = 0;
    while i < N {
        total += strings[i].len();
        assert!(total <= u16::MAX as usize);
        ends[i] = total as u16;
        i += 1;
    }
    ends
}

/// String `i` of a concatenation with end offsets `ends`; empty for an index out of range.
#[allow(clippy::as_conversions)] // `u16` to `usize`, lossless (`From` is not `const`).
const fn entry(text: &'static str, ends: &[u16], i: usize) -> &'static str {
    let Some((before, rest)) = ends.split_at_checked(i) else {
        return "";
    };
    let start = match before.last() {
        Some(&start) => start as usize,
        None => 0,
    };
    let Some(&end) = rest.first() else {
        return "";
    };
    // Bytes, then back to `str` (ASCII, so always valid): slicing the `str` directly costs
    // a char-boundary check at each end.
    let Some((head, _)) = text.as_bytes().split_at_checked(end as usize) else {
        return "";
    };
    let Some((_, entry)) = head.split_at_checked(start) else {
        return "";
    };
    match core::str::from_utf8(entry) {
        Ok(entry) => entry,
        Err(_) => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}
