//! The module's state and every operation of the ABI, in safe code over the static buffers.

use edjwt::{
    KeySet, Limits, Policy, Verifier, DEFAULT_LEEWAY, DEFAULT_MAX_HEADER_LEN, DEFAULT_MAX_TOKEN_LEN,
};

use crate::reason::{Reason, CHALLENGE_CAP, OK};

/// Capacity of each static buffer (input, decoded token, subject), in bytes: 64 KiB.
/// JWKS documents with certificate chains (`x5c`) from large identity providers stay well
/// under 32 KiB; tokens are limited to 8 KiB by default and may be allowed up to this size.
/// Zero-initialized, so they cost memory pages, not bytes of the `.wasm` file.
pub const BUFFER_CAP: usize = 64 * 1024;

/// Keys the module holds at once. A token costs at most this many signature checks (only
/// a token without `kid`, or keys without `kid`, make it try more than one).
pub const MAX_KEYS: usize = 16;

/// Bytes of policy text (issuers, audiences, subject, `typ`, required claim names).
pub const POLICY_TEXT_CAP: usize = 4096;

/// Values in each policy list (issuers, audiences, required claims).
pub const MAX_POLICY_VALUES: usize = 16;

/// `edjwt_policy_add` fields (text values, read from the input buffer).
pub mod text_field {
    /// An accepted `iss` (several: any of them).
    pub const ISSUER: u32 = 1;
    /// An accepted `aud` value (several: any of them).
    pub const AUDIENCE: u32 = 2;
    /// The required `sub` (replaces).
    pub const SUBJECT: u32 = 3;
    /// The required header `typ` (replaces).
    pub const TYPE: u32 = 4;
    /// A custom claim that must be present (several: all of them).
    pub const REQUIRED_CLAIM: u32 = 5;
}

/// `edjwt_policy_set` fields (numbers).
pub mod number_field {
    /// Clock-skew allowance in seconds (default 60).
    pub const LEEWAY: u32 = 1;
    /// Maximum age of `iat` in seconds; makes `iat` required.
    pub const MAX_AGE: u32 = 2;
    /// 1 (default): `exp` is required; 0: tokens without `exp` are accepted.
    pub const REQUIRE_EXP: u32 = 3;
    /// Longest token in bytes (default 8192, at most [`BUFFER_CAP`](super::BUFFER_CAP)).
    pub const MAX_TOKEN_LEN: u32 = 4;
    /// Longest header segment in bytes (default 1024).
    pub const MAX_HEADER_LEN: u32 = 5;
    /// 1: with no audience configured, accept a token whose `aud` names any audience
    /// (`Policy::any_audience`); 0 (default): such a token is `wrong-audience`.
    pub const ANY_AUDIENCE: u32 = 6;
}

/// `len` of `edjwt_verify_authorization` for a request without an `Authorization` header.
pub const NO_HEADER: u32 = u32::MAX;

/// The buffers. `input` is first: its address is the start of the static.
#[repr(C)]
pub struct Buffers {
    /// Written by the host before each call that reads text.
    pub input: [u8; BUFFER_CAP],
    /// The decoded header and payload of the last token; the verified claims point here.
    pub decode: [u8; BUFFER_CAP],
    /// The unescaped `sub` of the last verified token.
    pub subject: [u8; BUFFER_CAP],
    /// The last call's `WWW-Authenticate` value, written when the host asks for it.
    pub challenge: [u8; CHALLENGE_CAP],
}

impl Buffers {
    /// All zero: the static's initializer, evaluated at compile time (never build one on
    /// the stack).
    #[allow(clippy::large_stack_arrays)]
    pub const ZERO: Buffers = Buffers {
        input: [0; BUFFER_CAP],
        decode: [0; BUFFER_CAP],
        subject: [0; BUFFER_CAP],
        challenge: [0; CHALLENGE_CAP],
    };
}

/// A range of a buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Length in bytes.
    pub len: usize,
}

impl Span {
    const EMPTY: Span = Span { start: 0, len: 0 };

    /// The span of `text`, or "" if it is not one (never: every value was stored whole).
    ///
    /// Through `from_utf8`, which the module has anyway, rather than `str::get` and its
    /// char-boundary checks: 54 bytes of WebAssembly less.
    fn of(self, text: &str) -> &str {
        text.as_bytes()
            .get(self.start..self.start.wrapping_add(self.len))
            .and_then(|bytes| core::str::from_utf8(bytes).ok())
            .unwrap_or("")
    }
}

/// Text fields of the policy ([`text_field`] `1..=5`, at index `field - 1`).
const TEXT_FIELDS: usize = 5;

/// The policy as set through the ABI; turned into an `edjwt::Policy` at each verify.
///
/// Every default is the all-zero value (`None`, `false`, empty), so the static holding it
/// is zero-initialized and costs no bytes of the `.wasm` file.
///
/// The five text fields share one table (up to 16 values each; the subject and `typ` use
/// only the first, replaced by each new value): one code path for every field in `add`
/// and one loop in `build` (426 bytes of WebAssembly less than a list per field).
struct PolicyStore {
    text: heapless::String<POLICY_TEXT_CAP>,
    /// The values of each text field, as spans of `text`.
    values: [[Span; MAX_POLICY_VALUES]; TEXT_FIELDS],
    /// How many of each field's values are set.
    counts: [usize; TEXT_FIELDS],
    /// The leeway XOR [`DEFAULT_LEEWAY`]; the limits likewise XOR the core's defaults:
    /// zero is the default, with no `Option` tag to store, reset and test (50 bytes of
    /// WebAssembly less).
    leeway: u64,
    max_age: Option<u64>,
    allow_missing_exp: bool,
    any_audience: bool,
    max_token_len: usize,
    max_header_len: usize,
}

impl PolicyStore {
    /// `Policy::new()`: `exp` required, leeway 60 s, default limits, nothing else.
    const DEFAULT: PolicyStore = PolicyStore {
        text: heapless::String::new(),
        values: [[Span::EMPTY; MAX_POLICY_VALUES]; TEXT_FIELDS],
        counts: [0; TEXT_FIELDS],
        leeway: 0,
        max_age: None,
        allow_missing_exp: false,
        any_audience: false,
        max_token_len: 0,
        max_header_len: 0,
    };

    /// Back to [`DEFAULT`](Self::DEFAULT), field by field (assigning the constant would
    /// copy a few KiB from a data segment). Stale spans stay: only counted ones are read.
    fn reset(&mut self) {
        self.text.clear();
        self.counts = [0; TEXT_FIELDS];
        self.leeway = 0;
        self.max_age = None;
        self.allow_missing_exp = false;
        self.any_audience = false;
        self.max_token_len = 0;
        self.max_header_len = 0;
    }

    /// Every value of every text field (empty when not set), in field order. Built by
    /// `from_fn` rather than filled in after an initialization: 16 bytes of WebAssembly less.
    fn strs(&self) -> [&str; MAX_POLICY_VALUES * TEXT_FIELDS] {
        let text = self.text.as_str();
        let values = self.values.as_flattened();
        core::array::from_fn(|i| values.get(i).map_or("", |span| span.of(text)))
    }

    /// The `edjwt::Policy` this describes, borrowing its strings from `self` and the lists
    /// from the caller's array of [`strs`](Self::strs).
    ///
    /// The array is flat and `as_chunks` splits it into the fields (85 bytes of WebAssembly
    /// less than filling an array per field).
    fn build<'p>(&'p self, strs: &'p [&'p str; MAX_POLICY_VALUES * TEXT_FIELDS]) -> Policy<'p> {
        let ([issuers, audiences, subject, typ, required], []) =
            strs.as_chunks::<MAX_POLICY_VALUES>()
        else {
            // Never (5 chunks of 16, no remainder); fail closed: no issuer accepted.
            return Policy::new().issuers(&[]);
        };
        let [n_issuers, n_audiences, n_subject, n_typ, n_required] = self.counts;
        // An empty list of required claims is the default: no condition needed.
        let mut policy = Policy::new()
            .leeway(self.leeway ^ DEFAULT_LEEWAY)
            .limits(Limits {
                max_token_len: self.max_token_len ^ DEFAULT_MAX_TOKEN_LEN,
                max_header_len: self.max_header_len ^ DEFAULT_MAX_HEADER_LEN,
            })
            .require_claims(required.get(..n_required).unwrap_or(&[]));
        // An empty issuer or audience list accepts no token: set only when configured
        // (and fail closed should a count be out of range, which it never is).
        if n_issuers != 0 {
            policy = policy.issuers(issuers.get(..n_issuers).unwrap_or(&[]));
        }
        if n_audiences != 0 {
            policy = policy.audiences(audiences.get(..n_audiences).unwrap_or(&[]));
        }
        let [subject, ..] = subject;
        if n_subject != 0 {
            policy = policy.subject(subject);
        }
        let [typ, ..] = typ;
        if n_typ != 0 {
            policy = policy.typ(typ);
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
        policy
    }

    fn add(&mut self, field: u32, value: &str) -> Result<(), Reason> {
        let index = usize::try_from(field.wrapping_sub(1)).unwrap_or(usize::MAX);
        let (Some(count), Some(values)) = (self.counts.get_mut(index), self.values.get_mut(index))
        else {
            return Err(Reason::InvalidArgument);
        };
        // The subject and `typ` are one value, replaced by the next.
        let at = if field == text_field::SUBJECT || field == text_field::TYPE {
            0
        } else {
            *count
        };
        let slot = values.get_mut(at).ok_or(Reason::InvalidArgument)?;
        let span = Span {
            start: self.text.len(),
            len: value.len(),
        };
        self.text
            .push_str(value)
            .map_err(|_| Reason::InvalidArgument)?;
        *slot = span;
        *count = at.saturating_add(1);
        Ok(())
    }

    fn set(&mut self, field: u32, value: u64) -> Result<(), Reason> {
        match field {
            number_field::LEEWAY => self.leeway = value ^ DEFAULT_LEEWAY,
            number_field::MAX_AGE => self.max_age = Some(value),
            number_field::REQUIRE_EXP if value <= 1 => self.allow_missing_exp = value == 0,
            number_field::ANY_AUDIENCE if value <= 1 => self.any_audience = value == 1,
            // A token longer than the input buffer could not even be written: keeping the
            // limit within it lets a too-long input be reported as `token-too-large`,
            // exactly as the core reports a token over its limit.
            number_field::MAX_TOKEN_LEN => {
                self.max_token_len = usize::try_from(value)
                    .ok()
                    .filter(|&len| len <= BUFFER_CAP)
                    .ok_or(Reason::InvalidArgument)?
                    ^ DEFAULT_MAX_TOKEN_LEN;
            }
            number_field::MAX_HEADER_LEN => {
                self.max_header_len = usize::try_from(value)
                    .map_err(|_| Reason::InvalidArgument)?
                    ^ DEFAULT_MAX_HEADER_LEN;
            }
            _ => return Err(Reason::InvalidArgument),
        }
        Ok(())
    }
}

/// The last call's result. Not an `Option<Reason>`: its `None` would be a niche value of
/// `Error`, not zero, and the state must be all-zero to live in `.bss`.
///
/// `Verified` says that [`Verified`] holds the last call's results: every other call
/// records only this (one store instead of clearing the results: 180 bytes of WebAssembly
/// less over the six exports that do).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
enum Last {
    Ok = 0,
    Failed(Reason) = 1,
    Verified = 2,
}

/// What the last successful verify left for the host to read.
#[derive(Clone, Copy, Debug)]
struct Verified {
    /// The verified claims JSON, in the decode buffer.
    claims: Span,
    /// Length of the unescaped `sub` at the start of the subject buffer, -1 for none; and
    /// the key's index: as the ABI returns them, converted once here rather than at every
    /// read (28 bytes of WebAssembly less).
    subject: i32,
    key_index: i32,
}

/// What `verify` reads from the input buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A compact token.
    Token,
    /// The value of an `Authorization` header ([`NO_HEADER`] for none).
    Authorization,
}

/// Keys, policy and the last outcome.
pub struct State {
    keys: KeySet<MAX_KEYS>,
    policy: PolicyStore,
    last: Last,
    /// Meaningful only while `last` is [`Last::Verified`].
    verified: Verified,
}

impl State {
    /// No keys, the default policy.
    #[must_use]
    pub const fn new() -> Self {
        State {
            keys: KeySet::new(),
            policy: PolicyStore::DEFAULT,
            last: Last::Ok,
            verified: Verified {
                claims: Span::EMPTY,
                subject: 0,
                key_index: 0,
            },
        }
    }

    /// Records a call's result and returns its number.
    fn finish(&mut self, result: Result<(), Reason>) -> u32 {
        let (last, number) = match result {
            Ok(()) => (Last::Ok, OK),
            Err(reason) => (Last::Failed(reason), reason.number()),
        };
        self.last = last;
        number
    }

    /// Removes every key.
    pub fn keys_clear(&mut self) {
        self.keys = KeySet::new();
        self.finish(Ok(()));
    }

    /// Adds the keys in the first `len` bytes of `input` (a `PUBLIC KEY` PEM, a JWK or a
    /// JWKS). On error no key is added.
    pub fn keys_load(&mut self, input: &[u8], len: u32) -> u32 {
        let result = text(input, len, Reason::InvalidArgument)
            .and_then(|text| {
                core::str::from_utf8(text).map_err(|_| edjwt::Error::InvalidKey.into())
            })
            .and_then(|text| self.keys.add_text(text).map(|_| ()).map_err(Reason::from));
        self.finish(result)
    }

    /// Number of keys held.
    #[must_use]
    pub fn keys_count(&self) -> usize {
        self.keys.len()
    }

    /// Back to the default policy.
    pub fn policy_reset(&mut self) {
        self.policy.reset();
        self.finish(Ok(()));
    }

    /// Adds a text value ([`text_field`]) from the first `len` bytes of `input`.
    pub fn policy_add(&mut self, input: &[u8], field: u32, len: u32) -> u32 {
        let result = text(input, len, Reason::InvalidArgument)
            .and_then(|text| core::str::from_utf8(text).map_err(|_| Reason::InvalidArgument))
            .and_then(|value| self.policy.add(field, value));
        self.finish(result)
    }

    /// Sets a number ([`number_field`]).
    pub fn policy_set(&mut self, field: u32, value: u64) -> u32 {
        let result = self.policy.set(field, value);
        self.finish(result)
    }

    /// Verifies the token or `Authorization` value in the first `len` bytes of the input
    /// buffer at time `now`.
    pub fn verify(&mut self, buffers: &mut Buffers, kind: Input, len: u32, now: u64) -> u32 {
        match self.verify_into(buffers, kind, len, now) {
            Ok(verified) => {
                self.verified = verified;
                self.last = Last::Verified;
                OK
            }
            Err(reason) => self.finish(Err(reason)),
        }
    }

    fn verify_into(
        &self,
        buffers: &mut Buffers,
        kind: Input,
        len: u32,
        now: u64,
    ) -> Result<Verified, Reason> {
        let Buffers {
            input,
            decode,
            subject,
            ..
        } = buffers;
        let text = if kind == Input::Authorization && len == NO_HEADER {
            None
        } else {
            // Longer than the buffer: longer than any allowed token (the limit is kept
            // within the buffer), so `token-too-large` as the core would say.
            let bytes = self::text(input, len, edjwt::Error::TokenTooLarge.into())?;
            // A token is ASCII; text that is not even UTF-8 is malformed.
            Some(core::str::from_utf8(bytes).map_err(|_| edjwt::Error::Malformed)?)
        };
        let base = decode.as_ptr().addr();
        let strs = self.policy.strs();
        let policy = self.policy.build(&strs);
        let jwt = Verifier::new(&self.keys, policy);
        // `bearer_token` and one `verify` call rather than `verify_authorization` and
        // `verify`: the core's verify is then inlined here, its only caller (550 bytes of
        // WebAssembly less).
        let token = match kind {
            Input::Token => text.unwrap_or(""),
            Input::Authorization => edjwt::bearer_token(text)?,
        };
        let verified = jwt.verify(token, now, decode)?;
        let payload = verified.payload();
        let claims = Span {
            start: payload.as_ptr().addr().wrapping_sub(base),
            len: payload.len(),
        };
        let subject = match verified.claims().subject() {
            // The unescaped `sub` is never longer than the token, so it always fits.
            Some(sub) => abi_i32(sub.unescape_into(subject)?.len()),
            None => -1,
        };
        Ok(Verified {
            claims,
            subject,
            key_index: abi_i32(verified.key_index()),
        })
    }

    fn failed(&self) -> Option<Reason> {
        match self.last {
            Last::Failed(reason) => Some(reason),
            Last::Ok | Last::Verified => None,
        }
    }

    /// The results of the last call when it was a successful verify.
    fn verified(&self) -> Option<&Verified> {
        match self.last {
            Last::Verified => Some(&self.verified),
            Last::Ok | Last::Failed(_) => None,
        }
    }

    /// Number of the last call's reason ([`OK`] after a success).
    #[must_use]
    pub fn reason(&self) -> u32 {
        self.failed().map_or(OK, Reason::number)
    }

    /// Code of the last call's reason (empty after a success).
    #[must_use]
    pub fn reason_code(&self) -> &'static str {
        self.failed().map_or("", Reason::code)
    }

    /// HTTP status for the last call: 200 after a success.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        self.failed().map_or(200, Reason::http_status)
    }

    /// Writes the RFC 6750 `WWW-Authenticate` value for the last call into `out` and
    /// returns its length (0 after a success or a host mistake).
    pub fn write_challenge(&self, out: &mut [u8; CHALLENGE_CAP]) -> usize {
        self.failed()
            .map_or(0, |reason| reason.write_challenge(out))
    }

    /// Where the verified claims JSON of the last verify starts in the decode buffer (0
    /// unless it succeeded).
    #[must_use]
    pub fn claims_start(&self) -> usize {
        self.verified().map_or(0, |v| v.claims.start)
    }

    /// Length of the verified claims JSON of the last verify (0 unless it succeeded).
    #[must_use]
    pub fn claims_len(&self) -> usize {
        self.verified().map_or(0, |v| v.claims.len)
    }

    /// Length of the unescaped `sub` of the last verify, at the start of the subject
    /// buffer; -1 when it failed or the token has no `sub`.
    #[must_use]
    pub fn subject_len(&self) -> i32 {
        self.verified().map_or(-1, |v| v.subject)
    }

    /// Index (in load order) of the key that verified the last token; -1 after a failure.
    #[must_use]
    pub fn key_index(&self) -> i32 {
        self.verified().map_or(-1, |v| v.key_index)
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}

/// A length or index as the ABI's `i32` (never over 64 KiB: -1 would be unreachable).
fn abi_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(-1)
}

/// The first `len` bytes of `buffer`, or `too_long` when it holds fewer.
fn text(buffer: &[u8], len: u32, too_long: Reason) -> Result<&[u8], Reason> {
    usize::try_from(len)
        .ok()
        .and_then(|len| buffer.get(..len))
        .ok_or(too_long)
}
