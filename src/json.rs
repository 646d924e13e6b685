//! Strict RFC 8259 JSON: one validating, non-recursive pass over an object.
//!
//! Written by hand because no heap-free crate enforces what the security model needs:
//! `serde-json-core` skips unknown values leniently (comments, `NaN`, `tru`, `1"`), recurses
//! without a bound on ignored nesting, hands out strings still escaped, accepts raw control
//! characters and does not detect duplicate member names. This walker validates the whole
//! text once (grammar, UTF-8, escapes, surrogates, duplicates after unescaping, depth) and
//! reports the top-level members; `serde-json-core` is only ever run on text it accepted.

use core::fmt;
use core::str;

use crate::error::Error;

/// Deepest nesting of arrays and objects accepted in a header, claims set or JWK, counting
/// the outer object as 1.
///
/// Real tokens nest a few levels (Keycloak's `resource_access.<client>.roles` is 4); 32
/// leaves ample room while bounding the work, and the recursion of `serde-json-core` when it
/// deserializes custom claims, by a constant instead of by the input.
pub const MAX_JSON_DEPTH: usize = 32;

/// Most object member names open at once (summed over all objects on the current path), the
/// capacity of the stack-allocated table used to reject duplicate names (one string slice
/// and a flag an entry: 24 bytes on 64-bit targets, 12 on 32-bit ones).
///
/// Claims sets from real identity providers carry 10–40 members.
pub const MAX_JSON_MEMBERS: usize = 128;

/// `match_name!(name, { b"iss" => arm, b"b64" | b"crit" => arm, _ => arm })`: matches a
/// member name ([`JsonStr`]) against byte-string names of at most 7 bytes, unescaped.
///
/// Natively a `match` on the name's bytes, which LLVM turns into a few byte comparisons.
/// With the `opt_size` feature each name is packed into one integer ([`name_key`]) and
/// compared once: 437 bytes less of WebAssembly over the header, claims and JWK matches,
/// but 350 instructions more per token natively (the packing), so not the default.
macro_rules! match_name {
    ($name:expr, { $($($lit:literal)|+ => $arm:expr,)+ _ => $default:expr $(,)? }) => {{
        #[cfg(feature = "opt_size")]
        {
            let key = $name.name_key();
            $(if $(key == const { $crate::json::name_key($lit) })||+ { $arm } else)+ { $default }
        }
        #[cfg(not(feature = "opt_size"))]
        {
            let mut buf = [0u8; 8];
            match $name.name_bytes(&mut buf) {
                $($($lit)|+ => $arm,)+
                _ => $default,
            }
        }
    }};
}
pub(crate) use match_name;

/// A JSON string value or member name, borrowed in its escaped form and already validated.
///
/// Comparisons (`==` with a `&str`) and [`chars`](JsonStr::chars) see the unescaped text:
/// `"https:\/\/issuer.example"` equals `"https://issuer.example"` and `"\ud83d\ude00"` is
/// one character. [`as_str`](JsonStr::as_str) borrows without copying when the string holds
/// no escapes (the common case); [`unescape_into`](JsonStr::unescape_into) writes the text
/// into a caller buffer otherwise.
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
}

impl<'a> JsonStr<'a> {
    /// The text between the quotes exactly as received, escapes included.
    #[must_use]
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// The text itself, borrowed, when it contains no escape sequence.
    #[must_use]
    pub const fn as_str(&self) -> Option<&'a str> {
        if self.escaped {
            None
        } else {
            Some(self.raw)
        }
    }

    /// The unescaped characters.
    #[must_use]
    pub fn chars(&self) -> Chars<'a> {
        Chars { rest: self.raw }
    }

    /// Writes the unescaped text into `out` and returns it.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` cannot hold the text (it never needs more than
    /// `self.raw().len()` bytes).
    pub fn unescape_into<'o>(&self, out: &'o mut [u8]) -> Result<&'o str, Error> {
        let mut len = 0usize;
        for b in self.bytes() {
            *out.get_mut(len).ok_or(Error::BufferTooSmall)? = b;
            len = len.saturating_add(1);
        }
        let written = out.get(..len).ok_or(Error::BufferTooSmall)?;
        str::from_utf8(written).map_err(|_| Error::Malformed)
    }

    /// Length of the unescaped text in bytes.
    #[must_use]
    pub fn unescaped_len(&self) -> usize {
        if self.escaped {
            self.bytes().count()
        } else {
            self.raw.len()
        }
    }

    /// Whether the unescaped text equals `other`.
    #[must_use]
    pub fn eq_str(&self, other: &str) -> bool {
        if self.escaped {
            self.bytes().eq(other.bytes())
        } else {
            self.raw == other
        }
    }

    /// The unescaped text as bytes for matching against names of at most 8 bytes: the raw
    /// text when it holds no escapes, else the text unescaped into `buf`, or 9 bytes that are
    /// not UTF-8 (so no name) when it does not fit.
    pub(crate) fn name_bytes<'b>(&self, buf: &'b mut [u8; 8]) -> &'b [u8]
    where
        'a: 'b,
    {
        const TOO_LONG: &[u8] = &[0xFF; 9];
        if !self.escaped {
            return self.raw.as_bytes();
        }
        self.unescape_into(buf).map_or(TOO_LONG, str::as_bytes)
    }

    /// The unescaped text as a [`name_key`], for matching member names with one `match` on
    /// integer constants: one comparison a name instead of one a byte (WebAssembly: about
    /// 20 bytes less per name matched).
    #[cfg_attr(not(feature = "opt_size"), allow(dead_code))]
    pub(crate) fn name_key(&self) -> u64 {
        let mut buf = [0u8; 8];
        // More than 8 bytes (`TOO_LONG` above): key 0, no name.
        name_key(self.name_bytes(&mut buf))
    }

    /// Whether two JSON strings have the same unescaped text.
    fn same_text(&self, other: &JsonStr<'_>) -> bool {
        match (self.escaped, other.escaped) {
            (false, false) => self.raw == other.raw,
            _ => self.bytes().eq(other.bytes()),
        }
    }

    /// The UTF-8 bytes of the unescaped text: every comparison of unescaped text goes
    /// through this one routine (and [`unescape`]).
    pub(crate) fn bytes(&self) -> Bytes<'a> {
        Bytes {
            rest: self.raw.as_bytes(),
            pending: 0,
            left: 0,
        }
    }
}

/// Iterator over the UTF-8 bytes of the unescaped text of a [`JsonStr`]: bytes outside
/// escapes as they are, each escape as the UTF-8 encoding of its character.
#[derive(Clone)]
pub(crate) struct Bytes<'a> {
    rest: &'a [u8],
    /// The character of the last escape, of which `left` continuation bytes are still to
    /// come (RFC 3629 §3).
    pending: u32,
    left: u32,
}

impl Iterator for Bytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let byte = |x: u32| u8::try_from(x & 0xFF).unwrap_or(0);
        if let Some(left) = self.left.checked_sub(1) {
            self.left = left;
            return Some(byte(
                0x80 | (self.pending.wrapping_shr(left.wrapping_mul(6)) & 0x3F),
            ));
        }
        let (&b, tail) = self.rest.split_first()?;
        self.rest = tail;
        if b != b'\\' {
            return Some(b);
        }
        let v = u32::from(unescape(&mut self.rest)?);
        // The length of the encoding (less one) and the marker bits of its first byte.
        let (left, lead) = match v {
            0..=0x7F => (0, 0),
            0x80..=0x7FF => (1, 0xC0),
            0x800..=0xFFFF => (2, 0xE0),
            _ => (3, 0xF0),
        };
        self.pending = v;
        self.left = left;
        Some(byte(lead | v.wrapping_shr(left.wrapping_mul(6))))
    }
}

impl PartialEq<str> for JsonStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq<&str> for JsonStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}

impl PartialEq for JsonStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.same_text(other)
    }
}

impl Eq for JsonStr<'_> {}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        if !self.escaped {
            return f.write_str(self.raw);
        }
        self.chars().try_for_each(|c| f.write_char(c))
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        fmt::Display::fmt(&self.raw.escape_debug(), f)?;
        f.write_str("\"")
    }
}

/// Iterator over the unescaped characters of a [`JsonStr`].
#[derive(Clone, Debug)]
pub struct Chars<'a> {
    rest: &'a str,
}

impl Iterator for Chars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        if let Some(escape) = self.rest.strip_prefix('\\') {
            let mut rest = escape.as_bytes();
            let c = unescape(&mut rest)?;
            let used = escape.len().checked_sub(rest.len())?;
            self.rest = escape.get(used..)?;
            Some(c)
        } else {
            let mut it = self.rest.chars();
            let c = it.next()?;
            self.rest = it.as_str();
            Some(c)
        }
    }
}

/// The character of the escape sequence at the start of `rest` (just after its backslash),
/// advancing `rest` past it; `None` for an invalid escape (never in validated text).
fn unescape(rest: &mut &[u8]) -> Option<char> {
    let (&kind, tail) = rest.split_first()?;
    *rest = tail;
    Some(match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex4_bytes(rest);
            if is_high_surrogate(unit) {
                // Validated input: a low surrogate escape always follows.
                let tail = rest.strip_prefix(b"\\u")?;
                *rest = tail;
                let low = hex4_bytes(rest);
                if !is_low_surrogate(low) {
                    return None;
                }
                char::from_u32(combine_surrogates(unit, low))?
            } else {
                char::from_u32(unit)?
            }
        }
        _ => return None,
    })
}

/// A name of at most 7 bytes packed into a `u64`: its bytes from the lowest (little-endian)
/// and its length plus one in the top byte, so that distinct names have distinct keys and
/// none, not even the empty name, has key 0. 0 for longer names: they match none of the
/// names this crate reads.
#[allow(clippy::as_conversions)] // `u8` to `u64`, lossless (`From` is not `const`).
pub(crate) const fn name_key(name: &[u8]) -> u64 {
    if name.len() > 7 {
        return 0;
    }
    let mut key = (name.len() as u64).wrapping_add(1).wrapping_shl(56);
    let mut rest = name;
    let mut shift = 0u32;
    while let [b, tail @ ..] = rest {
        key |= (*b as u64).wrapping_shl(shift);
        shift = shift.wrapping_add(8);
        rest = tail;
    }
    key
}

/// The value of a top-level member, as reported by [`parse_object`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum Value<'a> {
    String(JsonStr<'a>),
    /// A number in its exact RFC 8259 text.
    Number(&'a str),
    Bool,
    Null,
    /// An array's whole text, brackets included (already validated).
    Array(&'a str),
    /// An object's whole text, braces included (already validated).
    Object(&'a str),
}

/// Validates `input` as exactly one JSON object (RFC 8259, strictly) and calls `on_member`
/// with each top-level member in order, after the member's value has been validated.
///
/// The whole input is validated even when `on_member` has already seen what it needs, so a
/// syntax error anywhere wins over what a callback might report. Returns the text.
///
/// # Errors
/// [`Error::Malformed`] for anything that is not strict JSON or not an object, duplicate
/// member names (compared after unescaping, at every depth), [`Error::NestingTooDeep`],
/// [`Error::TooManyMembers`], or the first error returned by `on_member`.
pub(crate) fn parse_object<'a, F>(input: &'a [u8], mut on_member: F) -> Result<&'a str, Error>
where
    F: FnMut(JsonStr<'a>, Value<'a>) -> Result<(), Error>,
{
    walk_object(input, &mut on_member)
}

/// [`parse_object`] compiled once for every caller (header, claims, JWK, JWKS, ...): a
/// member callback through `dyn` costs a few instructions and saves kilobytes of code, which
/// WebAssembly edge modules pay for at every cold start.
fn walk_object<'a>(
    input: &'a [u8],
    on_member: &mut dyn FnMut(JsonStr<'a>, Value<'a>) -> Result<(), Error>,
) -> Result<&'a str, Error> {
    // RFC 8259 §8.1: JSON text exchanged between systems MUST be UTF-8; this also rejects
    // overlong forms and encoded surrogates (RFC 3629).
    let text = str::from_utf8(input).map_err(|_| Error::Malformed)?;
    let mut c = Cursor::new(text);
    c.skip_ws();
    let mut walk = Walk::new();
    if cfg!(feature = "opt_size") {
        // The whole object through the state machine, which reports the outer members
        // itself: one loop instead of two (`walk_members` is there for speed).
        if c.peek() != b'{' {
            return Err(Error::Malformed);
        }
        walk_nested(&mut c, &mut walk, Some(on_member))?;
    } else {
        walk_members(&mut c, &mut walk, on_member)?;
    }
    // RFC 8259 §2: JSON-text = ws value ws; nothing may follow.
    c.skip_ws();
    if c.at_end() {
        Ok(text)
    } else {
        Err(Error::Malformed)
    }
}

/// The outer object at the cursor, its members read directly and reported to `on_member`;
/// nested containers go through [`walk_nested`].
fn walk_members<'a>(
    c: &mut Cursor<'a>,
    walk: &mut Walk<'a>,
    on_member: &mut dyn FnMut(JsonStr<'a>, Value<'a>) -> Result<(), Error>,
) -> Result<(), Error> {
    let text = c.text;
    if c.next() != b'{' {
        return Err(Error::Malformed);
    }
    walk.open(true)?;
    c.skip_ws();
    if c.peek() == b'}' {
        c.bump();
        return Ok(());
    }
    // The members of the outer object (the claims and header parameters), read directly;
    // nested containers go through `walk_nested`. The name-and-colon steps below repeat
    // `walk_nested`'s `State::Key` on purpose: sharing them through a helper function
    // cost 367 instructions per typical token (measured), 3% of the JWT layer.
    loop {
        if c.peek() != b'"' {
            return Err(Error::Malformed);
        }
        let key = c.string()?;
        walk.add_key(key)?;
        c.skip_ws();
        if c.next() != b':' {
            return Err(Error::Malformed);
        }
        c.skip_ws();
        let value = match c.peek() {
            b'"' => Value::String(c.string()?),
            b'-' | b'0'..=b'9' => Value::Number(c.number()?),
            b't' => {
                c.literal(b"true")?;
                Value::Bool
            }
            b'f' => {
                c.literal(b"false")?;
                Value::Bool
            }
            b'n' => {
                c.literal(b"null")?;
                Value::Null
            }
            b'{' | b'[' => {
                let start = c.pos;
                walk_nested(c, walk, None)?;
                text.get(start..c.pos)
                    .and_then(Value::of_text)
                    .ok_or(Error::Malformed)?
            }
            _ => return Err(Error::Malformed),
        };
        on_member(key, value)?;
        c.skip_ws();
        match c.next() {
            b',' => c.skip_ws(),
            b'}' => break,
            _ => return Err(Error::Malformed),
        }
    }
    Ok(())
}

/// Validates one nested object or array (the cursor is on its `{` or `[`) up to and including
/// its closing bracket, without recursion: `walk` holds the open containers and their
/// member names, within [`MAX_JSON_DEPTH`] and [`MAX_JSON_MEMBERS`].
///
/// With `members` (the `opt_size` build), the value is the outer object itself (`walk` is
/// empty) and each of its members is reported once its value has been validated.
fn walk_nested<'a>(
    c: &mut Cursor<'a>,
    walk: &mut Walk<'a>,
    mut members: Option<&mut dyn FnMut(JsonStr<'a>, Value<'a>) -> Result<(), Error>>,
) -> Result<(), Error> {
    let mut state = State::Value;
    // With `members`: the outer member being read (its name and where its value starts),
    // and the last string value read (a string member's value).
    let mut member = None;
    let mut string = JsonStr {
        raw: "",
        escaped: false,
    };
    loop {
        state = match state {
            State::ObjectFirst => {
                c.skip_ws();
                if c.peek() == b'}' {
                    c.bump();
                    walk.close();
                    State::AfterValue
                } else {
                    State::Key
                }
            }
            State::Key => {
                c.skip_ws();
                if c.peek() != b'"' {
                    return Err(Error::Malformed);
                }
                let key = c.string()?;
                walk.add_key(key)?;
                c.skip_ws();
                if c.next() != b':' {
                    return Err(Error::Malformed);
                }
                c.skip_ws();
                if walk.depth == 1 {
                    member = Some((key, c.pos));
                }
                State::Value
            }
            State::Value => match c.peek() {
                b'{' => {
                    c.bump();
                    walk.open(true)?;
                    State::ObjectFirst
                }
                b'[' => {
                    c.bump();
                    walk.open(false)?;
                    State::ArrayFirst
                }
                b'"' => {
                    string = c.string()?;
                    State::AfterValue
                }
                b't' => {
                    c.literal(b"true")?;
                    State::AfterValue
                }
                b'f' => {
                    c.literal(b"false")?;
                    State::AfterValue
                }
                b'n' => {
                    c.literal(b"null")?;
                    State::AfterValue
                }
                b'-' | b'0'..=b'9' => {
                    c.number()?;
                    State::AfterValue
                }
                _ => return Err(Error::Malformed),
            },
            State::ArrayFirst => {
                c.skip_ws();
                if c.peek() == b']' {
                    c.bump();
                    walk.close();
                    State::AfterValue
                } else {
                    State::Value
                }
            }
            State::AfterValue => {
                if walk.depth <= 1 {
                    // Back in the outer object: the nested value ended. Or, with `members`,
                    // an outer member's value ended (depth 1) or the outer object (0).
                    let Some(on_member) = members.as_mut().filter(|_| walk.depth == 1) else {
                        return Ok(());
                    };
                    let (key, start) = member.take().ok_or(Error::Malformed)?;
                    let raw = c.text.get(start..c.pos).ok_or(Error::Malformed)?;
                    let value = match raw.as_bytes().first() {
                        Some(b'"') => Value::String(string),
                        _ => Value::of_text(raw).ok_or(Error::Malformed)?,
                    };
                    on_member(key, value)?;
                }
                c.skip_ws();
                let in_object = walk.in_object();
                match c.next() {
                    b',' if in_object => State::Key,
                    b',' => {
                        c.skip_ws();
                        State::Value
                    }
                    b'}' if in_object => {
                        walk.close();
                        State::AfterValue
                    }
                    b']' if !in_object => {
                        walk.close();
                        State::AfterValue
                    }
                    _ => return Err(Error::Malformed),
                }
            }
        };
    }
}

#[derive(Clone, Copy)]
enum State {
    ObjectFirst,
    Key,
    Value,
    ArrayFirst,
    AfterValue,
}

/// The open containers and the member names of the open objects.
struct Walk<'a> {
    depth: usize,
    is_object: [bool; MAX_JSON_DEPTH],
    /// Index in `keys` of the first name of each open object.
    key_base: [u16; MAX_JSON_DEPTH],
    /// One bit per name fingerprint seen in each open object: a name whose bit is clear
    /// cannot be a duplicate, so most names are never compared with anything.
    seen: [u64; MAX_JSON_DEPTH],
    /// Names of the open objects (uninitialized beyond its length: nothing to clear), kept
    /// as the strings themselves: no offsets to turn back into text (with its UTF-8
    /// boundary checks) at each comparison.
    keys: heapless::Vec<JsonStr<'a>, MAX_JSON_MEMBERS>,
}

impl<'a> Walk<'a> {
    fn new() -> Self {
        Walk {
            depth: 0,
            is_object: [false; MAX_JSON_DEPTH],
            key_base: [0; MAX_JSON_DEPTH],
            seen: [0; MAX_JSON_DEPTH],
            keys: heapless::Vec::new(),
        }
    }

    fn open(&mut self, object: bool) -> Result<(), Error> {
        let slot = self
            .is_object
            .get_mut(self.depth)
            .ok_or(Error::NestingTooDeep)?;
        *slot = object;
        if object {
            let base = u16::try_from(self.keys.len()).map_err(|_| Error::TooManyMembers)?;
            if let Some(b) = self.key_base.get_mut(self.depth) {
                *b = base;
            }
            if let Some(seen) = self.seen.get_mut(self.depth) {
                *seen = 0;
            }
        }
        self.depth = self.depth.checked_add(1).ok_or(Error::NestingTooDeep)?;
        Ok(())
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.is_object.get(self.depth) == Some(&true) {
            if let Some(&base) = self.key_base.get(self.depth) {
                // Forget the closed object's names.
                self.keys.truncate(usize::from(base));
            }
        }
    }

    fn in_object(&self) -> bool {
        self.depth
            .checked_sub(1)
            .and_then(|d| self.is_object.get(d))
            .copied()
            .unwrap_or(false)
    }

    /// Records a member name, rejecting a duplicate within the same object.
    ///
    /// RFC 8259 §4 says names SHOULD be unique; RFC 7515 §4 and RFC 7519 §4 require JOSE
    /// headers and claims sets to reject duplicates (or use the last), and parsers that
    /// disagree on first-wins vs last-wins are an attack surface, so every duplicate fails.
    fn add_key(&mut self, key: JsonStr<'a>) -> Result<(), Error> {
        let level = self.depth.checked_sub(1).ok_or(Error::Malformed)?;
        let base = self.key_base.get(level).map_or(0, |&b| usize::from(b));
        let bit = 1u64.wrapping_shl(fingerprint(key));
        let seen = self.seen.get_mut(level).ok_or(Error::Malformed)?;
        let maybe_duplicate = *seen & bit != 0;
        *seen |= bit;
        if maybe_duplicate {
            for earlier in self.keys.get(base..).unwrap_or(&[]) {
                // Two names without escapes can only be equal with equal lengths.
                if !earlier.escaped && !key.escaped && earlier.raw.len() != key.raw.len() {
                    continue;
                }
                if earlier.same_text(&key) {
                    return Err(Error::Malformed);
                }
            }
        }
        self.keys.push(key).map_err(|_| Error::TooManyMembers)
    }
}

/// A 6-bit fingerprint of a name's unescaped text (its length and first and last bytes):
/// equal names have equal fingerprints.
#[inline]
fn fingerprint(key: JsonStr<'_>) -> u32 {
    let (len, first, last) = if key.escaped {
        let mut len = 0usize;
        let (mut first, mut last) = (0u8, 0u8);
        for b in key.bytes() {
            if len == 0 {
                first = b;
            }
            last = b;
            len = len.saturating_add(1);
        }
        (len, first, last)
    } else {
        let bytes = key.raw.as_bytes();
        (
            bytes.len(),
            bytes.first().copied().unwrap_or(0),
            bytes.last().copied().unwrap_or(0),
        )
    };
    let len = u32::try_from(len & 0xff).unwrap_or(0);
    len.wrapping_mul(7)
        .wrapping_add(u32::from(first).wrapping_mul(3))
        .wrapping_add(u32::from(last))
        & 63
}

/// Whether a byte ends the plain run inside a string: `"`, `\\` and the control characters
/// U+0000–U+001F, which RFC 8259 §7 requires to be escaped.
const fn is_string_special(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The length of the run of bytes at the start of `rest` that [`is_string_special`] accepts
/// as plain, 8 bytes at a time (SWAR) while 8 remain, then byte by byte.
fn plain_run(rest: Option<&[u8]>) -> usize {
    use crate::swar::{below, position, splat};
    let rest = rest.unwrap_or(&[]);
    // Control characters are below 0x20; `"` and `\\` become zero after the XOR.
    let special = |w: u64| below(w, 0x20) | below(w ^ splat(b'"'), 1) | below(w ^ splat(b'\\'), 1);
    position(rest, special, is_string_special).unwrap_or(rest.len())
}

/// What [`Cursor::peek`] reads past the end of the text: a NUL byte, which no position the
/// cursor inspects accepts (outside strings it is not JSON, inside them RFC 8259 §7 requires
/// it escaped), so the end of the text needs no case of its own. Plain bytes, not
/// `Option<u8>`: WebAssembly returns an `Option` through memory (measured: 104 bytes of code
/// less, and 20 instructions less per token natively).
const END: u8 = 0;

/// A non-panicking reader over the bytes of a `str`.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// The byte at the cursor, or [`END`] past the end.
    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.pos).copied().unwrap_or(END)
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    /// The byte at the cursor ([`END`] past the end), moving past it.
    fn next(&mut self) -> u8 {
        let b = self.peek();
        self.bump();
        b
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    /// RFC 8259 §2: `ws = *( %x20 / %x09 / %x0A / %x0D )`.
    fn skip_ws(&mut self) {
        while let b' ' | b'\t' | b'\n' | b'\r' = self.peek() {
            self.bump();
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Error> {
        let end = self.pos.checked_add(word.len()).ok_or(Error::Malformed)?;
        if self.text.as_bytes().get(self.pos..end) != Some(word) {
            return Err(Error::Malformed);
        }
        self.pos = end;
        Ok(())
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let b'0'..=b'9' = self.peek() {
            self.bump();
        }
        self.pos.saturating_sub(start)
    }

    /// RFC 8259 §6: `number = [ minus ] int [ frac ] [ exp ]`,
    /// `int = zero / ( digit1-9 *DIGIT )`, `frac = "." 1*DIGIT`,
    /// `exp = ("e" / "E") [ "-" / "+" ] 1*DIGIT`.
    fn number(&mut self) -> Result<&'a str, Error> {
        let start = self.pos;
        if self.peek() == b'-' {
            self.bump();
        }
        match self.next() {
            b'0' => {}
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return Err(Error::Malformed),
        }
        if self.peek() == b'.' {
            self.bump();
            if self.digits() == 0 {
                return Err(Error::Malformed);
            }
        }
        if let b'e' | b'E' = self.peek() {
            self.bump();
            if let b'+' | b'-' = self.peek() {
                self.bump();
            }
            if self.digits() == 0 {
                return Err(Error::Malformed);
            }
        }
        self.text.get(start..self.pos).ok_or(Error::Malformed)
    }

    /// RFC 8259 §7: a string at the cursor (which is on the opening quote).
    ///
    /// `unescaped = %x20-21 / %x23-5B / %x5D-10FFFF`; escapes are `\" \\ \/ \b \f \n \r \t`
    /// and `\uXXXX` with exactly four hex digits. A `\u` high surrogate must be followed by a
    /// `\u` low surrogate and a low surrogate may not stand alone: lone surrogates are not
    /// Unicode scalar values and have no UTF-8 form (RFC 8259 §8.2).
    fn string(&mut self) -> Result<JsonStr<'a>, Error> {
        self.bump();
        let start = self.pos;
        let mut escaped = false;
        loop {
            // Fast path: skip the bytes that need no attention (most of every string).
            self.pos = self
                .pos
                .saturating_add(plain_run(self.text.as_bytes().get(self.pos..)));
            match self.next() {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    match self.next() {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                        b'u' => {
                            let unit = self.hex4()?;
                            if is_high_surrogate(unit) {
                                if self.next() != b'\\' || self.next() != b'u' {
                                    return Err(Error::Malformed);
                                }
                                if !is_low_surrogate(self.hex4()?) {
                                    return Err(Error::Malformed);
                                }
                            } else if is_low_surrogate(unit) {
                                return Err(Error::Malformed);
                            }
                        }
                        _ => return Err(Error::Malformed),
                    }
                }
                0x00..=0x1f => return Err(Error::Malformed),
                _ => {}
            }
        }
        let end = self.pos.checked_sub(1).ok_or(Error::Malformed)?;
        let raw = self.text.get(start..end).ok_or(Error::Malformed)?;
        Ok(JsonStr { raw, escaped })
    }

    /// Exactly four hex digits (not `u32::from_str_radix`, which also takes a sign).
    fn hex4(&mut self) -> Result<u32, Error> {
        let mut rest = self.text.as_bytes().get(self.pos..).unwrap_or(&[]);
        let unit = hex4_bytes(&mut rest);
        if unit == NOT_HEX {
            return Err(Error::Malformed);
        }
        self.pos = self.pos.saturating_add(4);
        Ok(unit)
    }

    /// Skips one already-validated value (used by [`Elements`]): one loop for every kind,
    /// up to the `,`, `]` or whitespace that follows it at its own level.
    fn skip_value(&mut self) -> Option<Value<'a>> {
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.peek() {
                END => break,
                b'"' => {
                    let string = self.string().ok()?;
                    if depth == 0 {
                        return Some(Value::String(string));
                    }
                    continue;
                }
                b'{' | b'[' => depth = depth.checked_add(1)?,
                b'}' | b']' => match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => break,
                },
                b',' | b' ' | b'\t' | b'\n' | b'\r' if depth == 0 => break,
                _ => {}
            }
            self.bump();
        }
        Value::of_text(self.text.get(start..self.pos)?)
    }
}

impl<'a> Value<'a> {
    /// The value whose complete, validated text is `raw`, other than a string (which
    /// [`Cursor::skip_value`] returns as it reads it), classified by its first byte; `None`
    /// for empty text.
    fn of_text(raw: &'a str) -> Option<Self> {
        Some(match raw.as_bytes().first()? {
            b'{' => Value::Object(raw),
            b'[' => Value::Array(raw),
            b't' | b'f' => Value::Bool,
            b'n' => Value::Null,
            _ => Value::Number(raw),
        })
    }
}

/// Iterator over the elements of an array that [`parse_object`] already validated.
pub(crate) struct Elements<'a> {
    cursor: Cursor<'a>,
    done: bool,
}

/// The elements of a validated array text (`[` ... `]`).
pub(crate) fn elements(array: &str) -> Elements<'_> {
    let mut cursor = Cursor::new(array);
    let done = cursor.next() != b'[';
    Elements { cursor, done }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;

    fn next(&mut self) -> Option<Value<'a>> {
        if self.done {
            return None;
        }
        self.cursor.skip_ws();
        // `None` at the closing `]`.
        let value = self.cursor.skip_value();
        self.cursor.skip_ws();
        self.done = value.is_none() || self.cursor.next() != b',';
        value
    }
}

/// Copies validated JSON into `out`, replacing every escape that `serde-json-core` could
/// mishandle by the character itself: `\/`, `\uXXXX` outside the control range and
/// surrogate pairs (which its unescaper rejects) become raw UTF-8. `\"`, `\\`, the short
/// control escapes and `\u0000`–`\u001F` stay escaped (raw they would be invalid JSON).
/// The output is never longer than the input.
pub(crate) fn normalize_into<'o>(json: &str, out: &'o mut [u8]) -> Result<&'o [u8], Error> {
    let mut w = Writer { out, len: 0 };
    let mut rest = json;
    while let Some(i) = rest.find('\\') {
        let (plain, tail) = rest.split_at_checked(i).ok_or(Error::Malformed)?;
        w.put(plain.as_bytes())?;
        let mut chars = Chars { rest: tail };
        let c = chars.next().ok_or(Error::Malformed)?;
        let used = tail.len().saturating_sub(chars.rest.len());
        match c {
            '"' | '\\' | '\u{0}'..='\u{1f}' => w.put(tail.get(..used).unwrap_or("").as_bytes())?,
            other => {
                let (bytes, n) = utf8(other);
                w.put(bytes.get(..n).unwrap_or(&[]))?;
            }
        }
        rest = chars.rest;
    }
    w.put(rest.as_bytes())?;
    let Writer { out, len } = w;
    out.get(..len).ok_or(Error::BufferTooSmall)
}

/// Length of the longest string of validated JSON that holds a `\\` escape (0 for none),
/// counted as written, without its quotes: what `serde-json-core` may unescape at once.
pub(crate) fn longest_escaped_string(json: &[u8]) -> usize {
    let mut longest = 0;
    // Where the open string's content starts, and whether it has an escape so far.
    let mut open: Option<(usize, bool)> = None;
    let mut after_backslash = false;
    for (i, &b) in json.iter().enumerate() {
        match open {
            None if b == b'"' => open = Some((i.saturating_add(1), false)),
            Some(_) if after_backslash => after_backslash = false,
            Some((start, _)) if b == b'\\' => {
                after_backslash = true;
                open = Some((start, true));
            }
            Some((start, escaped)) if b == b'"' => {
                if escaped {
                    longest = longest.max(i.saturating_sub(start));
                }
                open = None;
            }
            // Outside a string, or an unescaped byte inside one.
            None | Some(_) => {}
        }
    }
    longest
}

/// Appends bytes to a caller buffer without ever growing it.
struct Writer<'o> {
    out: &'o mut [u8],
    len: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let end = self
            .len
            .checked_add(bytes.len())
            .ok_or(Error::BufferTooSmall)?;
        self.out
            .get_mut(self.len..end)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// The UTF-8 encoding of `c` (RFC 3629 §3) and its length. Written out because
/// `char::encode_utf8` carries a panic path (and its formatting code) for short buffers.
fn utf8(c: char) -> ([u8; 4], usize) {
    let v = u32::from(c);
    let byte = |x: u32| u8::try_from(x & 0xFF).unwrap_or(0);
    match v {
        0..=0x7F => ([byte(v), 0, 0, 0], 1),
        0x80..=0x7FF => ([byte(0xC0 | v >> 6), byte(0x80 | (v & 0x3F)), 0, 0], 2),
        0x800..=0xFFFF => (
            [
                byte(0xE0 | v >> 12),
                byte(0x80 | (v >> 6 & 0x3F)),
                byte(0x80 | (v & 0x3F)),
                0,
            ],
            3,
        ),
        _ => (
            [
                byte(0xF0 | v >> 18),
                byte(0x80 | (v >> 12 & 0x3F)),
                byte(0x80 | (v >> 6 & 0x3F)),
                byte(0x80 | (v & 0x3F)),
            ],
            4,
        ),
    }
}

/// What [`hex4_bytes`] returns for text that is not four hex digits: above every UTF-16
/// code unit. A plain `u32` rather than `Option<u32>`, which WebAssembly returns through
/// memory.
const NOT_HEX: u32 = u32::MAX;

/// Four hex digits at the start of `rest`, advancing it past them, or [`NOT_HEX`].
fn hex4_bytes(rest: &mut &[u8]) -> u32 {
    let Some((digits, tail)) = rest.split_first_chunk::<4>() else {
        return NOT_HEX;
    };
    *rest = tail;
    let mut unit = 0u32;
    for &b in digits {
        // `b | 0x20` is in `a-f` exactly when `b` is in `a-f` or `A-F`.
        let digit = b.wrapping_sub(b'0');
        let letter = (b | 0x20).wrapping_sub(b'a');
        let value = if digit < 10 {
            digit
        } else if letter < 6 {
            letter.wrapping_add(10)
        } else {
            return NOT_HEX;
        };
        unit = unit.wrapping_shl(4) | u32::from(value);
    }
    unit
}

fn is_high_surrogate(unit: u32) -> bool {
    (0xD800..=0xDBFF).contains(&unit)
}

fn is_low_surrogate(unit: u32) -> bool {
    (0xDC00..=0xDFFF).contains(&unit)
}

/// RFC 2781 §2.2: the scalar value of a UTF-16 surrogate pair.
fn combine_surrogates(high: u32, low: u32) -> u32 {
    let high = high.wrapping_sub(0xD800) & 0x3FF;
    let low = low.wrapping_sub(0xDC00) & 0x3FF;
    0x10000u32
        .wrapping_add(high.wrapping_shl(10))
        .wrapping_add(low)
}

#[cfg(test)]
// Reference models written plainly: test arithmetic cannot overflow on these inputs.
#[allow(clippy::arithmetic_side_effects, clippy::format_collect)]
mod tests {
    use super::{fingerprint, is_string_special, name_key, plain_run, Cursor, JsonStr};
    use proptest::prelude::*;

    extern crate std;
    use std::string::String;
    use std::vec::Vec;

    /// The unescaper as it was before every comparison went through `JsonStr::bytes`: the
    /// reference model for `Chars`, `bytes`, `eq_str`, `unescape_into`, `unescaped_len`,
    /// `name_bytes` and `fingerprint`.
    fn reference_chars(raw: &str) -> Vec<char> {
        fn hex4(it: &mut core::str::Chars<'_>) -> Option<u32> {
            let mut unit = 0u32;
            for _ in 0..4 {
                unit = unit * 16 + it.next()?.to_digit(16)?;
            }
            Some(unit)
        }
        let mut out = Vec::new();
        let mut it = raw.chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let c = match it.next().unwrap() {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => {
                    let unit = hex4(&mut it).unwrap();
                    if (0xD800..=0xDBFF).contains(&unit) {
                        assert_eq!(it.next(), Some('\\'));
                        assert_eq!(it.next(), Some('u'));
                        let low = hex4(&mut it).unwrap();
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).unwrap()
                    } else {
                        char::from_u32(unit).unwrap()
                    }
                }
                other => panic!("bad escape {other}"),
            };
            out.push(c);
        }
        out
    }

    /// The string literal `quoted` (with its quotes) as the parser validates it.
    fn parse(quoted: &str) -> JsonStr<'_> {
        Cursor::new(quoted).string().unwrap()
    }

    /// Every unescaping routine agrees with the reference model on `quoted`.
    fn check_unescaping(quoted: &str) {
        let s = parse(quoted);
        let chars = reference_chars(s.raw());
        let text: String = chars.iter().collect();
        assert_eq!(s.chars().collect::<Vec<_>>(), chars, "{quoted}");
        assert_eq!(s.bytes().collect::<Vec<_>>(), text.as_bytes(), "{quoted}");
        assert!(s.eq_str(&text), "{quoted}");
        assert_eq!(s.unescaped_len(), text.len(), "{quoted}");
        let mut buf = [0u8; 256];
        assert_eq!(s.unescape_into(&mut buf).ok(), Some(text.as_str()));
        let mut short = [0u8; 8];
        if text.len() <= 8 || s.as_str().is_some() {
            assert_eq!(s.name_bytes(&mut short), text.as_bytes(), "{quoted}");
        } else {
            assert_eq!(s.name_bytes(&mut short), [0xFF; 9], "{quoted}");
        }
        let key = if text.len() <= 7 {
            name_key(text.as_bytes())
        } else {
            0
        };
        assert_eq!(s.name_key(), key, "{quoted}");
        let bytes = text.as_bytes();
        let expected = u32::try_from(bytes.len() & 0xff).unwrap() * 7
            + u32::from(bytes.first().copied().unwrap_or(0)) * 3
            + u32::from(bytes.last().copied().unwrap_or(0));
        assert_eq!(fingerprint(s), expected & 63, "{quoted}");
        // One character more or less never compares equal.
        let mut longer = text.clone();
        longer.push('a');
        assert!(!s.eq_str(&longer), "{quoted}");
        if let Some(last) = text.chars().last() {
            let shorter = &text[..text.len() - last.len_utf8()];
            assert!(!s.eq_str(shorter), "{quoted}");
        }
    }

    /// Every `\uXXXX` that is not a surrogate, every high surrogate with two lows and
    /// every low surrogate with two highs, in upper and lower case hex, alone and between
    /// plain text.
    /// The elements of validated arrays, kind and text, against `serde_json`'s reading.
    #[test]
    fn elements_reads_every_kind_of_value() {
        use super::{elements, Value};
        let arrays = [
            "[]",
            "[ ]",
            "[1]",
            r#"[ "a" , "b\"c" ,"\u00e9\\" ]"#,
            r#"[1, -2.5e+3, true, false, null, "x", {"k": [1, {"n": "]"}]}, [[], [1, "}"]], {}]"#,
            "[\n\t{\"a\":1}\r\n,\t[ 2 ]\n]",
        ];
        for text in arrays {
            let wrapped = std::format!("{{\"v\":{text}}}");
            let mut array = None;
            super::parse_object(wrapped.as_bytes(), |_, value| {
                if let Value::Array(a) = value {
                    array = Some(a);
                }
                Ok(())
            })
            .unwrap();
            let array = array.unwrap();
            let expected: Vec<serde_json::Value> = serde_json::from_str(text).unwrap();
            let got: Vec<Value<'_>> = elements(array).collect();
            assert_eq!(got.len(), expected.len(), "{text}");
            for (value, want) in got.iter().zip(&expected) {
                let ok = match (value, want) {
                    (Value::String(s), serde_json::Value::String(w)) => s.eq_str(w),
                    (Value::Number(n), serde_json::Value::Number(w)) => {
                        n.parse::<f64>().ok() == w.as_f64()
                    }
                    (Value::Bool, serde_json::Value::Bool(_))
                    | (Value::Null, serde_json::Value::Null) => true,
                    (Value::Array(raw), serde_json::Value::Array(_))
                    | (Value::Object(raw), serde_json::Value::Object(_)) => {
                        serde_json::from_str::<serde_json::Value>(raw).ok().as_ref() == Some(want)
                    }
                    _ => false,
                };
                assert!(ok, "{text}: {value:?} vs {want:?}");
            }
        }
    }

    #[test]
    fn hex4_bytes_takes_exactly_four_hex_digits() {
        use super::{hex4_bytes, NOT_HEX};
        for b in 0..=255u8 {
            for at in 0..4 {
                let mut text = *b"0aF9xyz";
                text[at] = b;
                let mut rest = &text[..];
                let expected = (0..4)
                    .map(|i| char::from(text[i]).to_digit(16))
                    .try_fold(0u32, |unit, d| Some(unit * 16 + d?));
                assert_eq!(
                    hex4_bytes(&mut rest),
                    expected.unwrap_or(NOT_HEX),
                    "{b} at {at}"
                );
                if expected.is_some() {
                    assert_eq!(rest, b"xyz");
                }
            }
        }
        assert_eq!(hex4_bytes(&mut &b"123"[..]), NOT_HEX);
    }

    /// Which arm `match_name!` takes, in whichever form this build compiles it (the CI runs
    /// the suite with and without `opt_size`).
    fn arm(quoted: &str) -> u8 {
        let name = parse(quoted);
        match_name!(name, {
            b"iss" => 1,
            b"x" => 2,
            b"key_ops" => 3,
            b"b64" | b"crit" => 4,
            b"" => 5,
            _ => 0,
        })
    }

    #[test]
    fn match_name_matches_unescaped_names_exactly() {
        let cases = [
            (r#""iss""#, 1),
            (r#""\u0069ss""#, 1),
            (r#""is\u0073""#, 1),
            (r#""x""#, 2),
            (r#""\u0078""#, 2),
            (r#""key_ops""#, 3),
            (r#""key\u005fops""#, 3),
            (r#""b64""#, 4),
            (r#""crit""#, 4),
            (r#""cr\u0069t""#, 4),
            (r#""""#, 5),
            // Prefixes, extensions, case, NUL padding, 8 bytes sharing the first 7.
            (r#""is""#, 0),
            (r#""issx""#, 0),
            (r#""ISS""#, 0),
            (r#""iss\u0000""#, 0),
            (r#""\u0000iss""#, 0),
            (r#""x\u0000""#, 0),
            (r#""\u0000""#, 0),
            (r#""key_opsx""#, 0),
            (r#""key_ops\u0000""#, 0),
            (r#""b6""#, 0),
            (r#""crit64""#, 0),
            (r#""\u00e9""#, 0),
            // Escaped and longer than 8 bytes unescaped: no name, not the empty one.
            (r#""\u0069ss-and-more""#, 0),
            (r#""iss-and-more""#, 0),
        ];
        for (quoted, expected) in cases {
            assert_eq!(arm(quoted), expected, "{quoted}");
        }
    }

    #[test]
    fn name_keys_of_distinct_short_names_differ() {
        let mut names: Vec<Vec<u8>> = std::vec![Vec::new()];
        for len in 1..=3 {
            for b in [0u8, 1, b'a', b'z', 0x7f, 0x80, 0xff] {
                names.push(std::vec![b; len]);
            }
        }
        names.extend([
            b"key_op".to_vec(),
            b"key_ops".to_vec(),
            b"key_op\0".to_vec(),
        ]);
        for (i, a) in names.iter().enumerate() {
            assert_ne!(name_key(a), 0, "{a:?}");
            for b in &names[i + 1..] {
                assert_ne!(name_key(a), name_key(b), "{a:?} {b:?}");
            }
        }
        assert_eq!(name_key(b"12345678"), 0);
    }

    #[test]
    fn unescaping_matches_the_reference_for_every_unicode_escape() {
        let mut units: Vec<String> = Vec::new();
        for unit in 0u32..=0xFFFF {
            match unit {
                0xD800..=0xDBFF => {
                    units.push(std::format!("\\u{unit:04x}\\udc00"));
                    units.push(std::format!("\\u{unit:04X}\\uDFFF"));
                }
                0xDC00..=0xDFFF => {
                    units.push(std::format!("\\ud800\\u{unit:04x}"));
                    units.push(std::format!("\\uDBFF\\u{unit:04X}"));
                }
                _ => {
                    units.push(std::format!("\\u{unit:04x}"));
                    units.push(std::format!("\\u{unit:04X}"));
                }
            }
        }
        for unit in &units {
            check_unescaping(&std::format!("\"{unit}\""));
            check_unescaping(&std::format!("\"a{unit}\u{e9}\""));
        }
        for short in ["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"] {
            check_unescaping(&std::format!("\"{short}\""));
            check_unescaping(&std::format!("\"x{short}\u{1F600}{short}\""));
        }
    }

    fn json_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => any::<char>()
                .prop_filter("plain", |c| *c >= ' ' && *c != '"' && *c != '\\')
                .prop_map(String::from),
            2 => prop::sample::select(std::vec!["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"])
                .prop_map(String::from),
            2 => any::<char>().prop_map(|c| {
                let mut units = [0u16; 2];
                c.encode_utf16(&mut units)
                    .iter()
                    .map(|u| std::format!("\\u{u:04x}"))
                    .collect()
            }),
        ]
    }

    proptest! {
        #[test]
        fn unescaping_matches_the_reference(pieces in proptest::collection::vec(json_piece(), 0..12)) {
            let quoted = std::format!("\"{}\"", pieces.concat());
            check_unescaping(&quoted);
        }

        #[test]
        fn same_text_matches_the_reference(
            a in proptest::collection::vec(json_piece(), 0..6),
            b in proptest::collection::vec(json_piece(), 0..6),
        ) {
            let (qa, qb) = (std::format!("\"{}\"", a.concat()), std::format!("\"{}\"", b.concat()));
            let (sa, sb) = (parse(&qa), parse(&qb));
            let expected = reference_chars(sa.raw()) == reference_chars(sb.raw());
            prop_assert_eq!(sa == sb, expected);
            prop_assert_eq!(sa.same_text(&sa), true);
        }
    }

    fn naive(bytes: &[u8]) -> usize {
        bytes
            .iter()
            .position(|&b| is_string_special(b))
            .unwrap_or(bytes.len())
    }

    /// Every byte value at every position of the first three 8-byte blocks, in runs of every
    /// length up to 24, among plain bytes that sit next to the flagged ranges (0x20, 0x21,
    /// 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF) so a borrow or an off-by-one would show.
    #[test]
    fn plain_run_matches_a_byte_loop_for_every_byte_at_every_position() {
        let fillers = [0x20u8, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xFF, b'a'];
        for filler in fillers {
            for len in 0..=24usize {
                for at in 0..len {
                    for b in 0..=255u8 {
                        let mut buf = [filler; 24];
                        buf[at] = b;
                        let text = &buf[..len];
                        assert_eq!(plain_run(Some(text)), naive(text), "{text:?}");
                    }
                }
            }
        }
        assert_eq!(plain_run(None), 0);
    }

    proptest! {
        #[test]
        fn plain_run_matches_a_byte_loop(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(plain_run(Some(&bytes)), naive(&bytes));
        }

        #[test]
        fn plain_run_matches_a_byte_loop_on_mostly_plain_text(
            bytes in proptest::collection::vec(prop_oneof![
                20 => 0x23u8..=0x5B,
                1 => Just(b'"'),
                1 => Just(b'\\'),
                1 => 0u8..0x20,
                2 => 0x80u8..=0xFF,
            ], 0..80)
        ) {
            prop_assert_eq!(plain_run(Some(&bytes)), naive(&bytes));
        }
    }
}
