//! Byte searches 8 bytes at a time in one `u64` (SWAR): the token's `.` separators and the
//! plain runs inside JSON strings, at `memchr` speed without `str` pattern machinery (large
//! code in WebAssembly modules).
//!
//! `#[inline(always)]`: with plain `#[inline]` LLVM keeps the shared search out of line, and
//! the call on every JSON string is a measurable part of the JWT layer.
#![allow(clippy::inline_always)]

/// `b` in every byte of a word.
pub(crate) const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The high bit set in the lowest byte of `w` whose value is below `n` (`n <= 0x80`). Bytes
/// above it may be flagged too (by the borrow), so only the lowest flag is exact; `w ^
/// splat(c)` with `n = 1` flags the bytes equal to `c`.
#[inline(always)]
pub(crate) fn below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(splat(1).wrapping_mul(u64::from(n))) & !w & splat(0x80)
}

/// The index of the first byte that `is_match` accepts: whole words while 8 bytes remain,
/// through `flags` (which must flag, as [`below`] does, at least the lowest matching byte
/// exactly and nothing below it), then the tail byte by byte.
#[inline(always)]
pub(crate) fn position(
    bytes: &[u8],
    flags: impl Fn(u64) -> u64,
    is_match: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut at = 0usize;
    while let Some(Ok(block)) = bytes.get(at..at.wrapping_add(8)).map(<[u8; 8]>::try_from) {
        let flagged = flags(u64::from_le_bytes(block));
        if flagged != 0 {
            // Little-endian: the lowest flagged byte is the first in the text.
            return at.checked_add(usize::try_from(flagged.trailing_zeros() / 8).ok()?);
        }
        at = at.wrapping_add(8);
    }
    at.checked_add(bytes.get(at..)?.iter().position(|&b| is_match(b))?)
}
