//! The one error type: every rejection with a stable code and a fixed message.

use core::fmt;

/// Declares [`Error`] from one table: variant, stable number, stable code, fixed message,
/// HTTP status. Every host (the C ABI, the WebAssembly module and its JS wrapper, the CLI)
/// takes its numbers, codes, messages and challenges from here.
macro_rules! errors {
    ($(
        $(#[$doc:meta])*
        $variant:ident => ($number:literal, $code:literal, $message:literal, $status:literal),
    )*) => {
        /// Why a token (or a key) was rejected.
        ///
        /// Each variant has a stable [`number`](Error::number) and kebab-case
        /// [`code`](Error::code) for logs, scripts and ABIs, and a fixed lowercase
        /// [`Display`](fmt::Display) message. Neither ever contains bytes from the token or
        /// the key: an attacker cannot write into your logs through an error.
        ///
        /// Numbers and codes are stable: a variant keeps both for ever, and a number is never
        /// reused. 1–99 are token rejections (HTTP 401), 100–199 key (configuration) errors,
        /// 200–254 the caller's memory (both 500). Hosts number their own argument errors in
        /// 201–254 (the C ABI's `invalid-argument` 201 and `policy-too-large` 202) and report
        /// a reason their table does not know as 255, `unknown`.
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

            /// The stable number, e.g. `11` for `expired` (the C ABI's `EDJWT_ERR_EXPIRED`).
            #[must_use]
            pub const fn number(self) -> u16 {
                match self { $(Error::$variant => $number,)* }
            }

            /// The variant with stable number `number`, if any.
            #[must_use]
            pub const fn from_number(number: u16) -> Option<Error> {
                match number {
                    $($number => Some(Error::$variant),)*
                    _ => None,
                }
            }

            /// The stable machine-readable reason code, e.g. `"expired"`.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self { $(Error::$variant => $code,)* }
            }

            /// The fixed human-readable message, e.g. `"token expired"`.
            #[must_use]
            pub const fn message(self) -> &'static str {
                match self { $(Error::$variant => $message,)* }
            }

            /// The HTTP status a server should answer with: `401` for every rejected or
            /// missing token, `500` for errors that are the server's own (an unusable key, a
            /// scratch buffer too small).
            #[must_use]
            pub const fn http_status(self) -> u16 {
                match self { $(Error::$variant => $status,)* }
            }

            /// The value of the `WWW-Authenticate` response header (RFC 6750 §3) for a 401;
            /// `None` for the server's own errors (500), which carry no challenge.
            ///
            /// `missing-token` gives a bare `Bearer` challenge (RFC 6750 §3.1: a request without
            /// credentials gets no error code); every other token reason gives
            /// `Bearer error="invalid_token", error_description="<message>"`. Nothing from the
            /// token is echoed.
            #[must_use]
            pub const fn www_authenticate(self) -> Option<&'static str> {
                if self.http_status() != 401 {
                    return None;
                }
                if let Error::MissingToken = self {
                    return Some("Bearer");
                }
                Some(match self {
                    $(Error::$variant => concat!(
                        "Bearer error=\"invalid_token\", error_description=\"", $message, "\""
                    ),)*
                })
            }
        }
    };
}

errors! {
    // ---- Request / format ----
    /// No `Authorization: Bearer` credentials in the request (RFC 6750 §2.1): the header is
    /// absent or empty, or it uses another scheme.
    MissingToken => (1, "missing-token", "no bearer token", 401),
    /// The token is not a well-formed JWS compact serialization or JWT: wrong number of
    /// segments, an empty segment, base64url that is not strict (RFC 7515 §2: no padding, no
    /// `+`/`/`, no whitespace, canonical trailing bits), a signature that is not 64 bytes,
    /// JSON that is not strict RFC 8259 (trailing bytes, comments, raw control characters,
    /// invalid escapes or UTF-8, duplicate member names), a header or claims set that is not a
    /// JSON object, or a header parameter of the wrong type (`kid`, `typ`).
    Malformed => (2, "malformed", "malformed token", 401),
    /// The token is longer than the configured limit ([`Limits::max_token_len`](crate::Limits)),
    /// checked before any decoding.
    TokenTooLarge => (3, "token-too-large", "token too large", 401),
    /// The header segment is longer than [`Limits::max_header_len`](crate::Limits), checked
    /// before any decoding.
    HeaderTooLarge => (4, "header-too-large", "token header too large", 401),
    /// JSON nesting deeper than [`MAX_JSON_DEPTH`](crate::MAX_JSON_DEPTH).
    NestingTooDeep => (5, "nesting-too-deep", "token json nested too deeply", 401),
    /// More object members open at once than [`MAX_JSON_MEMBERS`](crate::MAX_JSON_MEMBERS).
    TooManyMembers => (6, "too-many-members", "token json has too many members", 401),

    // ---- Unsupported ----
    /// `alg` is missing, not a string, or not `"EdDSA"`/`"Ed25519"` (RFC 8037, RFC 9864).
    /// `none` in any spelling lands here.
    UnsupportedAlgorithm => (7, "unsupported-algorithm", "unsupported algorithm", 401),
    /// The header carries `crit` (RFC 7515 §4.1.11: this crate understands no extensions) or
    /// `b64` (RFC 7797 unencoded payloads).
    UnsupportedHeader => (8, "unsupported-header", "unsupported header parameter", 401),

    // ---- Key selection / signature ----
    /// The token's `kid` matches no configured key and there is no key without a `kid`.
    /// Decided before any signature check.
    UnknownKey => (9, "unknown-key", "unknown signing key", 401),
    /// No candidate key verifies the signature over the received `header.payload` bytes.
    BadSignature => (10, "bad-signature", "signature does not match", 401),

    // ---- Claims / policy (only for a token whose signature verified) ----
    /// `exp` (plus leeway) is not after the current time (RFC 7519 §4.1.4).
    Expired => (11, "expired", "token expired", 401),
    /// `nbf` (minus leeway) is after the current time (RFC 7519 §4.1.5).
    NotYetValid => (12, "not-yet-valid", "token not yet valid", 401),
    /// `iat` is in the future by more than the leeway.
    IssuedInFuture => (13, "issued-in-future", "token issued in the future", 401),
    /// `iat` is older than the configured maximum age.
    TooOld => (14, "too-old", "token too old", 401),
    /// `iss` is none of the expected issuers.
    WrongIssuer => (15, "wrong-issuer", "wrong issuer", 401),
    /// `aud` names none of the expected audiences.
    WrongAudience => (16, "wrong-audience", "wrong audience", 401),
    /// `sub` is not the expected subject.
    WrongSubject => (17, "wrong-subject", "wrong subject", 401),
    /// The header `typ` is not the expected type (RFC 8725 §3.11).
    WrongType => (18, "wrong-type", "wrong token type", 401),
    /// A claim the policy requires is absent (`exp` by default, `iss`/`aud`/`sub` when an
    /// expected value is configured, and any configured custom claim).
    MissingClaim => (19, "missing-claim", "required claim missing", 401),
    /// A claim is present but invalid: a registered claim of the wrong type (`"exp": "123"`,
    /// `"exp": null`, `"aud": 1`), a `NumericDate` that is negative or beyond a signed 64-bit
    /// count of seconds, or custom claims that do not deserialize into the caller's type.
    InvalidClaim => (20, "invalid-claim", "invalid claim", 401),

    // ---- Keys (configuration: the server's problem, not the client's) ----
    /// Key text or bytes are not a well-formed Ed25519 public key in the expected format
    /// (raw 32 bytes, SPKI DER, `PUBLIC KEY` PEM, JWK, JWKS).
    InvalidKey => (100, "invalid-key", "invalid public key", 500),
    /// A well-formed key of another type: RSA, EC, X25519, Ed448, a JWK with `kty`/`crv`
    /// other than `OKP`/`Ed25519`, or one meant for another use.
    UnsupportedKey => (101, "unsupported-key", "not an ed25519 signature key", 500),
    /// An Ed25519 key of small order or non-canonical encoding (it could validate forgeries).
    WeakKey => (102, "weak-key", "weak or non-canonical public key", 500),
    /// Private key material where a public key was expected (a `PRIVATE KEY` PEM, a JWK
    /// with `d`). Refused so that secrets do not end up in verifier configuration.
    PrivateKey => (103, "private-key", "private key given where a public key was expected", 500),
    /// The fixed-capacity key set is full.
    KeySetFull => (104, "key-set-full", "key set is full", 500),

    // ---- Caller memory ----
    /// The caller's scratch buffer cannot hold the decoded header and payload (a buffer as
    /// long as the token always suffices), or an unescape buffer is too small.
    BufferTooSmall => (200, "buffer-too-small", "scratch buffer too small", 500),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}
