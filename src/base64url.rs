//! Strict base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it) for the token's
//! segments.
//!
//! Written by hand for speed, not strictness: `base64ct` is constant-time, built for secret
//! material, but on a token, which is public, its per-character cost is about five times a
//! table decoder's and would be the largest part of the JWT layer. (JWK `x` values and PEM
//! bodies, mapped from the standard alphabet, use this decoder too.) The rules are exactly
//! `base64ct`'s `Base64UrlUnpadded::decode`, so a token still has one accepted encoding:
//! the URL-safe alphabet only, no padding, no whitespace, no length of the form 4n+1, and
//! zero unused trailing bits (RFC 4648 §3.5). The tests below check the two agree,
//! exhaustively on short inputs and on random ones.

// `a b c d` are the four characters of a quad and `x y z` the three bytes they make.
#![allow(clippy::many_single_char_names)]

/// Marks a byte outside the alphabet; any value with a bit in `0xC0` works.
const INVALID: u8 = 0xFF;

/// The 6-bit value of each byte in the base64url alphabet (`A-Z a-z 0-9 - _`), [`INVALID`]
/// for every other byte.
#[rustfmt::skip]
static VALUES: [u8; 256] = [
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3E, 0xFF, 0xFF,
    0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E,
    0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F,
    0xFF, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
];

/// The 6-bit value of a base64url character, or [`INVALID`].
#[inline]
fn value(c: u8) -> u8 {
    if cfg!(feature = "opt_size") {
        // No 256-byte table: a few comparisons, less code and data than the table.
        return match c {
            b'A'..=b'Z' => c.wrapping_sub(b'A'),
            b'a'..=b'z' => c.wrapping_sub(b'a').wrapping_add(26),
            b'0'..=b'9' => c.wrapping_add(4),
            b'-' => 62,
            b'_' => 63,
            _ => INVALID,
        };
    }
    // Never `None`: a `u8` indexes a 256-entry table (the bound check compiles away).
    VALUES.get(usize::from(c)).copied().unwrap_or(INVALID)
}

/// Marks a character outside the alphabet in [`SHIFTED`]: above the 24 bits of a quad.
const SHIFTED_INVALID: u32 = 0xFF00_0000;

/// [`VALUES`] pre-shifted for each position of a quad (`a << 18`, `b << 12`, `c << 6`, `d`),
/// [`SHIFTED_INVALID`] outside the alphabet: a quad is four loads OR-ed together, about
/// half the instructions of shifting each value in (4 KiB of tables, native builds only:
/// `opt_size` builds use none).
static SHIFTED: [[u32; 256]; 4] = [shifted(18), shifted(12), shifted(6), shifted(0)];

// Compile time only: `i < 256` indexes 256-entry tables, `u8` to `u32` is lossless
// (`From` is not `const`), `v << shift` stays below 2^24.
#[allow(
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::arithmetic_side_effects
)]
const fn shifted(shift: u32) -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let v = VALUES[i];
        table[i] = if v == INVALID {
            SHIFTED_INVALID
        } else {
            (v as u32) << shift
        };
        i += 1;
    }
    table
}

/// The 24 bits of the quad `q`, with [`SHIFTED_INVALID`] bits for a character outside the
/// alphabet.
#[inline]
fn quad([a, b, c, d]: [u8; 4]) -> u32 {
    let at = |t: usize, c: u8| {
        SHIFTED
            .get(t)
            .and_then(|t| t.get(usize::from(c)))
            .copied()
            .unwrap_or(SHIFTED_INVALID)
    };
    at(0, a) | at(1, b) | at(2, c) | at(3, d)
}

/// The decoded length of `encoded_len` characters, or `None` for a length no encoding
/// produces (`4n+1`).
pub(crate) fn decoded_len(encoded_len: usize) -> Option<usize> {
    let whole = encoded_len.checked_div(4)?.checked_mul(3)?;
    match encoded_len.checked_rem(4)? {
        0 => Some(whole),
        2 => whole.checked_add(1),
        3 => whole.checked_add(2),
        _ => None,
    }
}

/// Why a segment did not decode.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// Not strict base64url.
    Invalid,
    /// `out` is shorter than [`decoded_len`].
    OutputTooSmall,
}

/// Decodes `src` into the front of `out`; returns the decoded bytes.
pub(crate) fn decode<'o>(src: &[u8], out: &'o mut [u8]) -> Result<&'o [u8], DecodeError> {
    let len = decoded_len(src.len()).ok_or(DecodeError::Invalid)?;
    let out = out.get_mut(..len).ok_or(DecodeError::OutputTooSmall)?;
    let mut bad = 0u8;
    // Eight characters at a time, as two pre-shifted quads, into one 48-bit word stored as 8
    // bytes of which the next block overwrites the last 2: a third of the instructions of
    // the quad loop below (measured: the JWT layer went from 12.2k to 11.2k instructions
    // with the pre-shifted tables), which finishes the last 8 output bytes (no store may
    // run past `out`). Skipped with the `opt_size` feature: the quad loop alone decodes it
    // all, in less code.
    let (mut read, mut written) = (0usize, 0usize);
    while let (false, Some(block), Some(dst)) = (
        cfg!(feature = "opt_size"),
        src.get(read..read.wrapping_add(8)),
        out.get_mut(written..written.wrapping_add(8)),
    ) {
        let (Ok(block), Ok(dst)) = (<&[u8; 8]>::try_from(block), <&mut [u8; 8]>::try_from(dst))
        else {
            break;
        };
        let [a, b, c, d, e, f, g, h] = *block;
        let (high, low) = (quad([a, b, c, d]), quad([e, f, g, h]));
        if (high | low) & SHIFTED_INVALID != 0 {
            bad = INVALID;
        }
        let word = u64::from(high).wrapping_shl(24) | u64::from(low);
        *dst = word.wrapping_shl(16).to_be_bytes();
        read = read.wrapping_add(8);
        written = written.wrapping_add(6);
    }
    let src = src.get(read..).unwrap_or(&[]);
    let out_rest = out.get_mut(written..).unwrap_or(&mut []);
    decode_tail(src, out_rest, bad)?;
    Ok(out)
}

/// The quad loop and the final 2 or 3 characters, with the `bad` bits seen so far.
fn decode_tail(src: &[u8], out: &mut [u8], mut bad: u8) -> Result<(), DecodeError> {
    let quads = src.chunks_exact(4);
    let tail = quads.remainder();
    let mut triples = out.chunks_exact_mut(3);
    for (quad, triple) in quads.zip(&mut triples) {
        let (&[a, b, c, d], [x, y, z]) = (quad, triple) else {
            return Err(DecodeError::Invalid);
        };
        let (a, b, c, d) = (value(a), value(b), value(c), value(d));
        bad |= a | b | c | d;
        *x = a.wrapping_shl(2) | b.wrapping_shr(4);
        *y = b.wrapping_shl(4) | c.wrapping_shr(2);
        *z = c.wrapping_shl(6) | d;
    }
    let rest = triples.into_remainder();
    match (tail, rest) {
        ([], []) => {}
        // Two characters: 12 bits, one byte; the last 4 bits must be zero.
        ([a, b], [x]) => {
            let (a, b) = (value(*a), value(*b));
            bad |= a | b | if b.trailing_zeros() >= 4 { 0 } else { INVALID };
            *x = a.wrapping_shl(2) | b.wrapping_shr(4);
        }
        // Three characters: 18 bits, two bytes; the last 2 bits must be zero.
        ([a, b, c], [x, y]) => {
            let (a, b, c) = (value(*a), value(*b), value(*c));
            bad |= a | b | c | if c.trailing_zeros() >= 2 { 0 } else { INVALID };
            *x = a.wrapping_shl(2) | b.wrapping_shr(4);
            *y = b.wrapping_shl(4) | c.wrapping_shr(2);
        }
        _ => return Err(DecodeError::Invalid),
    }
    if bad & 0xC0 != 0 {
        return Err(DecodeError::Invalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::vec;
    use std::vec::Vec;

    use base64ct::{Base64UrlUnpadded, Encoding};
    use proptest::prelude::*;

    use super::*;

    /// Both decoders' verdicts on one input: the bytes, or `None` when rejected.
    fn both(src: &[u8]) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let mut a = [0u8; 512];
        let mut b = [0u8; 512];
        let ours = decode(src, &mut a).ok().map(<[u8]>::to_vec);
        let reference = core::str::from_utf8(src)
            .ok()
            .and_then(|s| Base64UrlUnpadded::decode(s, &mut b).ok())
            .map(<[u8]>::to_vec);
        (ours, reference)
    }

    #[test]
    fn agrees_with_base64ct_on_every_input_up_to_three_characters() {
        let alphabet: Vec<u8> = (b'A'..=b'Z')
            .chain(b'a'..=b'z')
            .chain(b'0'..=b'9')
            .chain(*b"-_=+/ .\n\0")
            .chain([0x7f, 0x80, 0xff])
            .collect();
        let mut inputs = vec![Vec::new()];
        for len in 1..=3 {
            let mut next = Vec::new();
            for prefix in inputs.iter().filter(|p| p.len() == len - 1) {
                for &c in &alphabet {
                    let mut s = prefix.clone();
                    s.push(c);
                    next.push(s);
                }
            }
            inputs.extend(next);
        }
        let mut accepted = 0;
        for input in &inputs {
            let (ours, reference) = both(input);
            assert_eq!(ours, reference, "{input:?}");
            accepted += usize::from(ours.is_some());
        }
        // 1 empty, 64*4 canonical 2-character and 64*64*16 canonical 3-character encodings.
        assert_eq!(accepted, 1 + 64 * 4 + 64 * 64 * 16);
    }

    #[test]
    fn decodes_what_base64ct_encodes() {
        let mut out = [0u8; 64];
        for len in 0..48usize {
            let bytes: Vec<u8> = (0..len)
                .map(|i| u8::try_from(i * 37 % 256).unwrap())
                .collect();
            let text = Base64UrlUnpadded::encode_string(&bytes);
            assert_eq!(decode(text.as_bytes(), &mut out), Ok(&bytes[..]));
        }
        assert_eq!(
            decode(b"AAAA", &mut [0u8; 2]),
            Err(DecodeError::OutputTooSmall)
        );
    }

    /// Every byte value at every position of encodings long enough for the 8-character
    /// block loop (43 characters: a key; 86: a signature), including its last block and the
    /// quad loop and tail after it.
    #[test]
    fn agrees_with_base64ct_on_every_single_byte_substitution() {
        for len in [11usize, 12, 16, 32, 43, 64, 86] {
            let bytes: Vec<u8> = (0..len * 3 / 4)
                .map(|i| u8::try_from(i * 89 % 251).unwrap())
                .collect();
            let text = Base64UrlUnpadded::encode_string(&bytes);
            for at in 0..text.len() {
                for b in 0..=255u8 {
                    let mut input = text.clone().into_bytes();
                    input[at] = b;
                    let (ours, reference) = both(&input);
                    assert_eq!(ours, reference, "{input:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_base64ct_on_random_inputs(
            src in prop::collection::vec(prop::sample::select(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_AQgw=+/ .".to_vec()
            ), 0..300)
        ) {
            let (ours, reference) = both(&src);
            prop_assert_eq!(ours, reference);
        }

        #[test]
        fn round_trips_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let text = Base64UrlUnpadded::encode_string(&bytes);
            let mut out = [0u8; 300];
            prop_assert_eq!(decode(text.as_bytes(), &mut out), Ok(&bytes[..]));
        }
    }
}
