//! Strict base64url without padding (RFC 4648 §5, as RFC 7515 §2 uses it) for the token's
//! segments.
//!
//! Written by hand for speed, not strictness: `base64ct` is constant-time, built for secret
//! material, but on a token, which is public, its per-character cost is several times a
//! table decoder's and would be the largest part of the JWT layer. (JWK `x` values and PEM
//! bodies, mapped from the standard alphabet, use this decoder too.) The rules are exactly
//! `base64ct`'s `Base64UrlUnpadded::decode`, so a token still has one accepted encoding:
//! the URL-safe alphabet only, no padding, no whitespace, no length of the form 4n+1, and
//! zero unused trailing bits (RFC 4648 §3.5). The tests below check the two agree,
//! exhaustively on short inputs and on random ones.

// `a b c d` are the four characters of a quad.
#![allow(clippy::many_single_char_names)]

/// What [`HIGH`] and [`LOW`] hold for a byte outside the alphabet: -1, all bits set once
/// widened to 32 bits, so that however it is shifted into a quad it still sets bits of
/// [`QUAD_INVALID`] and one test of the assembled quad finds a bad character anywhere in it.
const INVALID: i16 = -1;

/// The bits above the 24 of a decoded quad: set exactly when a character was invalid.
const QUAD_INVALID: u32 = 0xFF00_0000;

/// The 6-bit value of each byte in the base64url alphabet (`A-Z a-z 0-9 - _`) shifted
/// left by 6, as the first character of a pair; [`INVALID`] for every other byte.
static HIGH: [i16; 256] = values(6);

/// The 6-bit value of each byte in the base64url alphabet, as the second character of a
/// pair; [`INVALID`] for every other byte.
///
/// A pair of characters is one OR of the two tables, and a quad one shift of a pair: a
/// third of the shifts of one table shifted into place, in a quarter of the data of a
/// pre-shifted table per position (which WebAssembly modules carry).
static LOW: [i16; 256] = values(0);

// Compile time only: `i < 64` indexes the alphabet and `ALPHABET[i]` the 256-entry table;
// `u8` to `usize` is lossless and `i << shift` fits in 12 bits (`From` is not `const`).
#[allow(
    clippy::indexing_slicing,
    clippy::as_conversions,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::arithmetic_side_effects
)]
const fn values(shift: u32) -> [i16; 256] {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = (i << shift) as i16;
        i += 1;
    }
    table
}

/// RFC 4648 §5, Table 2: the character of each 6-bit value.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The 24 bits of the quad `a b c d`, with bits of [`QUAD_INVALID`] set when a character is
/// outside the alphabet.
#[inline]
fn quad([a, b, c, d]: [u8; 4]) -> u32 {
    let at = |table: &[i16; 256], c: u8| {
        let v = table.get(usize::from(c)).copied().unwrap_or(INVALID);
        i32::from(v).cast_unsigned()
    };
    (at(&HIGH, a) | at(&LOW, b)).wrapping_shl(12) | at(&HIGH, c) | at(&LOW, d)
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
    // Every quad's bits OR-ed together: a bad character anywhere leaves bits of
    // `QUAD_INVALID`, tested once at the end.
    let mut bad = 0u32;
    // Eight characters at a time, as two quads, into one 48-bit word stored as 8 bytes of
    // which the next block overwrites the last 2: one store where the quad loop in
    // `decode_tail` makes six. That loop finishes the last 8 output bytes (no store may run
    // past `out`).
    let (mut read, mut written) = (0usize, 0usize);
    while let (Some(block), Some(dst)) = (
        src.get(read..read.wrapping_add(8)),
        out.get_mut(written..written.wrapping_add(8)),
    ) {
        let (Ok(block), Ok(dst)) = (<&[u8; 8]>::try_from(block), <&mut [u8; 8]>::try_from(dst))
        else {
            break;
        };
        let [a, b, c, d, e, f, g, h] = *block;
        let (high, low) = (quad([a, b, c, d]), quad([e, f, g, h]));
        bad |= high | low;
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
fn decode_tail(src: &[u8], out: &mut [u8], mut bad: u32) -> Result<(), DecodeError> {
    let quads = src.chunks_exact(4);
    let tail = quads.remainder();
    let mut triples = out.chunks_exact_mut(3);
    for (chars, triple) in quads.zip(&mut triples) {
        let (Ok(chars), Ok(triple)) =
            (<[u8; 4]>::try_from(chars), <&mut [u8; 3]>::try_from(triple))
        else {
            return Err(DecodeError::Invalid);
        };
        let bits = quad(chars);
        bad |= bits;
        let [_, x, y, z] = bits.to_be_bytes();
        *triple = [x, y, z];
    }
    // The last 2 or 3 characters, completed to a quad with `A` (value 0). Their unused low
    // bits must be zero (RFC 4648 §3.5): 4 of the 12 bits of 2 characters, 2 of the 18
    // bits of 3.
    let rest = triples.into_remainder();
    let (bits, unused) = match (tail, &mut *rest) {
        ([], []) => (0, 0),
        ([a, b], [x]) => {
            let bits = quad([*a, *b, b'A', b'A']);
            let [_, first, ..] = bits.to_be_bytes();
            *x = first;
            (bits, 0xFFFF)
        }
        ([a, b, c], [x, y]) => {
            let bits = quad([*a, *b, *c, b'A']);
            let [_, first, second, _] = bits.to_be_bytes();
            (*x, *y) = (first, second);
            (bits, 0xFF)
        }
        _ => return Err(DecodeError::Invalid),
    };
    bad |= bits;
    if bad & QUAD_INVALID != 0 || bits & unused != 0 {
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
