//! The entry point: untrusted token → key selection → signature → claims → policy.

use crate::bearer::bearer_token;
use crate::claims::Claims;
use crate::compact::{self, Segments};
use crate::error::Error;
use crate::guard;
use crate::header::Header;
use crate::json::{self, JsonStr};
use crate::key::VerifyingKey;
use crate::policy::{Limits, Policy};

/// A token whose header has been parsed and checked, but whose signature has not been
/// verified. Its `kid` may be used to pick keys; nothing else in it is trustworthy, and its
/// claims are not reachable from this type.
#[derive(Debug)]
pub struct UntrustedToken<'t, 'b> {
    segments: Segments<'t>,
    header: Header<'b>,
    /// The rest of the caller's buffer, where the payload is decoded once a key is chosen.
    rest: &'b mut [u8],
}

impl<'t, 'b> UntrustedToken<'t, 'b> {
    /// Parses a compact token with the default [`Limits`], decoding the header into `buf`
    /// (a buffer as long as the token always suffices for header and payload).
    ///
    /// # Errors
    /// See [`parse_with_limits`](Self::parse_with_limits).
    pub fn parse(token: &'t str, buf: &'b mut [u8]) -> Result<Self, Error> {
        Self::parse_with_limits(token, &Limits::DEFAULT, buf)
    }

    /// Parses a compact token as far as key selection needs: limits, then three segments,
    /// then strict base64url of the header and the header JSON (`alg`, `crit`, `b64`,
    /// `kid`, `typ`). The signature and the payload are decoded only once a key has been
    /// selected, and the payload JSON only once the signature verified.
    ///
    /// # Errors
    /// [`Error::TokenTooLarge`], [`Error::HeaderTooLarge`], [`Error::Malformed`],
    /// [`Error::NestingTooDeep`], [`Error::TooManyMembers`],
    /// [`Error::UnsupportedAlgorithm`], [`Error::UnsupportedHeader`],
    /// [`Error::BufferTooSmall`].
    pub fn parse_with_limits(
        token: &'t str,
        limits: &Limits,
        buf: &'b mut [u8],
    ) -> Result<Self, Error> {
        let segments = compact::split(token, limits)?;
        let (header_json, rest) = compact::decode(segments.header, buf)?;
        let header = Header::parse(header_json)?;
        Ok(UntrustedToken {
            segments,
            header,
            rest,
        })
    }

    /// The checked header (`alg` is one of the accepted two, no `crit`/`b64`).
    #[must_use]
    pub const fn header(&self) -> &Header<'b> {
        &self.header
    }

    /// The untrusted `kid`, for routing to a key.
    #[must_use]
    pub const fn kid(&self) -> Option<JsonStr<'b>> {
        self.header.kid()
    }

    /// Key selection, then the signature over the received `header.payload` bytes.
    /// Returns the decoded payload and the index of the key that verified.
    fn verify_signature(
        self,
        keys: &[VerifyingKey],
    ) -> Result<(Header<'b>, &'b [u8], usize), Error> {
        let kid = self.header.kid();
        if !keys.iter().any(|k| k.is_candidate(kid)) {
            return Err(Error::UnknownKey);
        }
        let signature = compact::decode_signature(self.segments.signature)?;
        // An empty payload is a legal JWS (detached content, RFC 7515 Appendix F) but never
        // a JWT, and this crate verifies no detached content.
        if self.segments.payload.is_empty() {
            return Err(Error::Malformed);
        }
        let (payload, _) = compact::decode(self.segments.payload, self.rest)?;
        let message = self.segments.signing_input;
        // The candidates in order (the `kid` comparison again: simpler code than keeping a
        // peeked iterator, for a few instructions).
        let index = keys
            .iter()
            .position(|key| key.is_candidate(kid) && key.verify(message, &signature))
            .ok_or(Error::BadSignature)?;
        Ok((self.header, payload, index))
    }
}

/// A token whose signature verified and whose claims passed the policy.
#[derive(Clone, Copy, Debug)]
pub struct Verified<'b> {
    header: Header<'b>,
    claims: Claims<'b>,
    key_index: usize,
}

impl<'b> Verified<'b> {
    /// The claims half of a verify, for the verified-token cache: header and payload JSON
    /// decoded earlier from a token whose signature verified with key `key_index` (of the
    /// same key set) are parsed again and the policy is checked at `now`, exactly as
    /// [`Verifier::verify_untrusted`] does after the signature.
    pub(crate) fn from_decoded(
        header: &'b [u8],
        payload: &'b [u8],
        key_index: usize,
        policy: &Policy<'_>,
        now: u64,
    ) -> Result<Self, Error> {
        let header = Header::parse(header)?;
        let claims = Claims::parse(payload)?;
        policy.check(&header, &claims, now)?;
        Ok(Verified {
            header,
            claims,
            key_index,
        })
    }

    /// The header.
    #[must_use]
    pub const fn header(&self) -> &Header<'b> {
        &self.header
    }

    /// The registered claims, read in the pass that validated the claims JSON.
    #[must_use]
    pub const fn claims(&self) -> &Claims<'b> {
        &self.claims
    }

    /// The claims set JSON exactly as signed.
    #[must_use]
    pub const fn payload(&self) -> &'b str {
        self.claims.json()
    }

    /// Index, in the key slice given to the [`Verifier`], of the key that verified.
    #[must_use]
    pub const fn key_index(&self) -> usize {
        self.key_index
    }

    /// Deserializes the claims into the caller's type, e.g. `struct Scope<'a> { prefix:
    /// &'a str }`, with `serde-json-core` over the already-validated JSON.
    ///
    /// When the payload holds no `\` escape at all (the common case) this borrows straight
    /// from it and `scratch` may be empty. Otherwise the payload is first copied into
    /// `scratch` with every escape that does not need to stay one decoded (`\/`, `\u00e9`,
    /// surrogate pairs), so `&str` fields still borrow; the rest of `scratch` then serves to
    /// unescape strings that keep an escape (`\"`, `\\`, `\n`, ...), which only owned fields
    /// such as `heapless::String<N>` can receive. A scratch of
    /// [`scratch_len`]`(token.len())` bytes always suffices.
    ///
    /// Whatever `T` is, a token's claims never make this panic: map keys other than strings
    /// (`LinearMap<u32, _>`, enum keys) and floats that are not finite (`null`, `1e400`) are
    /// [`Error::InvalidClaim`].
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `scratch` is too small, [`Error::InvalidClaim`] when
    /// the claims do not fit `T` (`serde-json-core` does not support `deserialize_any`, so
    /// untagged enums and `serde_json::Value`-like types are not available).
    pub fn deserialize_claims<'s, T>(&'s self, scratch: &'s mut [u8]) -> Result<T, Error>
    where
        T: serde::Deserialize<'s>,
    {
        let json = self.claims.json();
        let (json, unescape) = if json.as_bytes().contains(&b'\\') {
            let (normalized, rest) = split_normalized(json, scratch)?;
            // Each string that keeps an escape is unescaped into `rest`, one at a time, and
            // its unescaped form is never longer than its escaped form.
            if rest.len() < json::longest_escaped_string(normalized) {
                return Err(Error::BufferTooSmall);
            }
            (normalized, rest)
        } else {
            (json.as_bytes(), &mut [][..])
        };
        guard::deserialize(json, unescape).map_err(|_| Error::InvalidClaim)
    }
}

/// A scratch length for [`Verified::deserialize_claims`] that suffices for every token of
/// `token_len` bytes, whatever its payload holds.
///
/// The payload decodes to at most three bytes per four characters; the normalized copy is
/// never longer than the payload, and the longest string to unescape is shorter still:
/// twice the decoded length bounds both together.
///
/// ```
/// let mut scratch = [0u8; edjwt::scratch_len(edjwt::DEFAULT_MAX_TOKEN_LEN)];
/// # let _ = &mut scratch;
/// ```
#[must_use]
pub const fn scratch_len(token_len: usize) -> usize {
    (token_len / 4)
        .saturating_mul(3)
        .saturating_add(2)
        .saturating_mul(2)
}

/// Normalizes `json` into the front of `scratch`; returns it and the unused rest.
fn split_normalized<'s>(
    json: &str,
    scratch: &'s mut [u8],
) -> Result<(&'s [u8], &'s mut [u8]), Error> {
    let len = json::normalize_into(json, scratch)?.len();
    let (front, rest) = scratch.split_at_mut(len);
    Ok((&*front, rest))
}

/// A JWS whose signature verified, before any JWT processing: the payload is opaque bytes.
///
/// For payloads that are not JWT claims sets (RFC 8037 Appendix A.4 signs plain text).
#[derive(Clone, Copy, Debug)]
pub struct VerifiedJws<'b> {
    header: Header<'b>,
    payload: &'b [u8],
    key_index: usize,
}

impl<'b> VerifiedJws<'b> {
    /// The header.
    #[must_use]
    pub const fn header(&self) -> &Header<'b> {
        &self.header
    }

    /// The payload bytes as signed.
    #[must_use]
    pub const fn payload(&self) -> &'b [u8] {
        self.payload
    }

    /// Index of the key that verified.
    #[must_use]
    pub const fn key_index(&self) -> usize {
        self.key_index
    }

    /// The registered claims of the payload, parsed strictly but checked against no policy
    /// and no time: for tools that explain a rejection (the `edjwt` command's hints), never
    /// for an authorization decision, which needs [`Verifier::verify`].
    ///
    /// # Errors
    /// [`Error::Malformed`] (and the other JSON errors) when the payload is not a strict
    /// JSON object, [`Error::InvalidClaim`] for a registered claim of the wrong type.
    pub fn claims(&self) -> Result<Claims<'b>, Error> {
        Claims::parse(self.payload)
    }
}

/// Verifies tokens against a set of keys and a [`Policy`]. Cheap to build and `Copy`.
///
/// ```
/// use edjwt::{Error, Policy, Verifier, VerifyingKey};
/// # fn main() -> Result<(), Error> {
/// let key = VerifyingKey::from_pem(
///     "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n",
/// )?;
/// let keys = [key];
/// let verifier = Verifier::new(&keys, Policy::new());
/// let mut buf = [0u8; 512];
/// assert_eq!(verifier.verify("abc.def.ghi", 1_700_000_000, &mut buf).err(), Some(Error::Malformed));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Verifier<'k, 'p> {
    keys: &'k [VerifyingKey],
    policy: Policy<'p>,
}

impl<'k, 'p> Verifier<'k, 'p> {
    /// A verifier trusting exactly `keys` (a [`KeySet`](crate::KeySet) derefs to a slice).
    #[must_use]
    pub const fn new(keys: &'k [VerifyingKey], policy: Policy<'p>) -> Self {
        Verifier { keys, policy }
    }

    /// The policy.
    #[must_use]
    pub const fn policy(&self) -> &Policy<'p> {
        &self.policy
    }

    /// Verifies a compact token at time `now` (seconds since the Unix epoch), decoding into
    /// `buf`: a buffer as long as the token always suffices, so
    /// `[0u8; DEFAULT_MAX_TOKEN_LEN]` fits every token the default limits accept.
    ///
    /// Order: split → limits → header → key selection → signature → claims → policy.
    ///
    /// # Errors
    /// Any [`Error`] of the token classes; claim and policy errors only once the signature
    /// verified.
    pub fn verify<'b>(
        &self,
        token: &str,
        now: u64,
        buf: &'b mut [u8],
    ) -> Result<Verified<'b>, Error> {
        let untrusted = UntrustedToken::parse_with_limits(token, &self.policy.size_limits(), buf)?;
        self.verify_parsed(untrusted, now)
    }

    /// Like [`verify`](Self::verify) for the value of an `Authorization` header (`None` when
    /// the request has none); see [`bearer_token`] for `missing-token` vs `malformed`.
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

    /// Finishes verifying a token parsed with [`UntrustedToken::parse`]: this verifier's
    /// size limits (the token may have been parsed under others), key selection,
    /// signature, claims, policy.
    ///
    /// # Errors
    /// [`Error::TokenTooLarge`], [`Error::HeaderTooLarge`], [`Error::UnknownKey`],
    /// [`Error::BadSignature`], then the claims errors ([`Error::Malformed`] for a payload
    /// that is not a strict JSON object, [`Error::InvalidClaim`]) and the policy errors.
    pub fn verify_untrusted<'b>(
        &self,
        token: UntrustedToken<'_, 'b>,
        now: u64,
    ) -> Result<Verified<'b>, Error> {
        token.segments.check_limits(&self.policy.size_limits())?;
        self.verify_parsed(token, now)
    }

    /// Key selection, signature, claims and policy of a token parsed under this verifier's
    /// limits.
    fn verify_parsed<'b>(
        &self,
        token: UntrustedToken<'_, 'b>,
        now: u64,
    ) -> Result<Verified<'b>, Error> {
        let (header, payload, key_index) = token.verify_signature(self.keys)?;
        // RFC 7519 §7.2 step 10: the payload must be a JSON object, parsed only now.
        let claims = Claims::parse(payload)?;
        self.policy.check(&header, &claims, now)?;
        Ok(Verified {
            header,
            claims,
            key_index,
        })
    }

    /// Verifies only the JWS signature (RFC 7515), leaving the payload uninterpreted: no
    /// claims, no policy, no time. For JWT use [`verify`](Self::verify).
    ///
    /// # Errors
    /// The format, header, key and signature errors of [`verify`](Self::verify).
    pub fn verify_jws<'b>(&self, token: &str, buf: &'b mut [u8]) -> Result<VerifiedJws<'b>, Error> {
        let untrusted = UntrustedToken::parse_with_limits(token, &self.policy.size_limits(), buf)?;
        let (header, payload, key_index) = untrusted.verify_signature(self.keys)?;
        Ok(VerifiedJws {
            header,
            payload,
            key_index,
        })
    }
}
