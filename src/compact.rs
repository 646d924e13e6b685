//! The JWS compact serialization (RFC 7515 §7.1): limits, three segments, strict base64url.

use crate::base64url::{self, DecodeError};
use crate::error::Error;
use crate::policy::Limits;
use crate::swar;

/// Length of an Ed25519 signature in base64url without padding: 64 bytes → 86 characters.
const SIGNATURE_B64_LEN: usize = 86;

/// The segments of a compact JWS, as received. Bytes, not `str`: splitting a `str` checks
/// UTF-8 boundaries at every cut (code WebAssembly modules pay for), and every segment is
/// only ever read as bytes.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'t> {
    pub(crate) header: &'t [u8],
    pub(crate) payload: &'t [u8],
    pub(crate) signature: &'t [u8],
    /// `header.payload`, the exact bytes the signature covers (RFC 7515 §5.2 step 8).
    pub(crate) signing_input: &'t [u8],
}

/// Splits a token after checking the size limits, before any decoding.
///
/// Exactly three segments (two `.`) and a non-empty header. The other segments are checked
/// after the header, so that `{"alg":"none"}` with an empty signature, or an HS256 token
/// with its 32-byte MAC, is reported as `unsupported-algorithm`, the reason that matters.
pub(crate) fn split<'t>(token: &'t str, limits: &Limits) -> Result<Segments<'t>, Error> {
    if token.len() > limits.max_token_len {
        return Err(Error::TokenTooLarge);
    }
    let token = token.as_bytes();
    let (header, rest) = split_at_dot(token).ok_or(Error::Malformed)?;
    if header.len() > limits.max_header_len {
        return Err(Error::HeaderTooLarge);
    }
    // A header is a JSON object, so its first byte is `{` or JSON whitespace, and the first
    // base64url character (the top six bits) is `e` for `{`, `I` for a space, `C` for a tab
    // or line feed, `D` for a carriage return. Anything else cannot decode to a header:
    // garbage is turned away before any decoding.
    if !matches!(header.first(), Some(b'e' | b'I' | b'C' | b'D')) {
        return Err(Error::Malformed);
    }
    let (payload, signature) = split_at_dot(rest).ok_or(Error::Malformed)?;
    if header.is_empty() || find_dot(signature).is_some() {
        return Err(Error::Malformed);
    }
    let signing_len = header.len().saturating_add(1).saturating_add(payload.len());
    let signing_input = token.get(..signing_len).ok_or(Error::Malformed)?;
    Ok(Segments {
        header,
        payload,
        signature,
        signing_input,
    })
}

impl Segments<'_> {
    /// The limits again, for a token split under other limits (the two-step path: parsed
    /// before the verifier, and so its limits, was chosen).
    pub(crate) fn check_limits(&self, limits: &Limits) -> Result<(), Error> {
        let len = self
            .signing_input
            .len()
            .saturating_add(1)
            .saturating_add(self.signature.len());
        if len > limits.max_token_len {
            return Err(Error::TokenTooLarge);
        }
        if self.header.len() > limits.max_header_len {
            return Err(Error::HeaderTooLarge);
        }
        Ok(())
    }
}

/// `text` before and after its first `.`.
fn split_at_dot(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let (before, after) = text.split_at_checked(find_dot(text)?)?;
    Some((before, after.get(1..)?))
}

/// The index of the first `.` ([`swar::position`]).
fn find_dot(bytes: &[u8]) -> Option<usize> {
    swar::position(
        bytes,
        |w| swar::below(w ^ swar::splat(b'.'), 1),
        |b| b == b'.',
    )
}

/// Decodes one segment into the front of `buf`, returning the decoded bytes and the rest.
///
/// Strict base64url ([`base64url`]): the URL-safe alphabet only, no padding, no whitespace
/// and zero trailing bits (RFC 4648 §3.5), so a token has exactly one accepted encoding.
pub(crate) fn decode<'b>(
    segment: &[u8],
    buf: &'b mut [u8],
) -> Result<(&'b [u8], &'b mut [u8]), Error> {
    let len = base64url::decoded_len(segment.len()).ok_or(Error::Malformed)?;
    if buf.len() < len {
        return Err(Error::BufferTooSmall);
    }
    let (out, rest) = buf.split_at_mut(len);
    let decoded = base64url::decode(segment, out).map_err(|e| match e {
        DecodeError::Invalid => Error::Malformed,
        DecodeError::OutputTooSmall => Error::BufferTooSmall,
    })?;
    Ok((decoded, rest))
}

/// Decodes the 86-character signature segment.
pub(crate) fn decode_signature(segment: &[u8]) -> Result<[u8; 64], Error> {
    if segment.len() != SIGNATURE_B64_LEN {
        return Err(Error::Malformed);
    }
    let mut sig = [0u8; 64];
    base64url::decode(segment, &mut sig).map_err(|_| Error::Malformed)?;
    Ok(sig)
}

#[cfg(test)]
mod tests {
    extern crate std;

    use proptest::prelude::*;

    use super::find_dot;

    #[test]
    fn find_dot_finds_the_first_dot_at_every_position() {
        for len in 0..=40usize {
            for at in 0..len {
                for other in [b'a', b'-', b'/', 0x2D, 0x2F, 0xAE, 0xFF, 0x00] {
                    let mut bytes = std::vec![other; len];
                    bytes[at] = b'.';
                    assert_eq!(find_dot(&bytes), Some(at), "{bytes:?}");
                    // A second dot later does not matter.
                    if at + 3 < len {
                        bytes[at + 3] = b'.';
                        assert_eq!(find_dot(&bytes), Some(at));
                    }
                }
            }
            assert_eq!(find_dot(&std::vec![b'a'; len]), None);
        }
    }

    proptest! {
        #[test]
        fn find_dot_matches_position(bytes in prop::collection::vec(
            prop_oneof![8 => any::<u8>(), 1 => Just(b'.')], 0..100)
        ) {
            prop_assert_eq!(find_dot(&bytes), bytes.iter().position(|&b| b == b'.'));
        }
    }
}
