//! The JWS compact serialization (RFC 7515 §7.1): limits, three segments, strict base64url.

use base64ct::{Base64UrlUnpadded, Encoding};

use crate::error::Error;
use crate::policy::Limits;

/// Length of an Ed25519 signature in base64url without padding: 64 bytes → 86 characters.
const SIGNATURE_B64_LEN: usize = 86;

/// The segments of a compact JWS, as received.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Segments<'t> {
    pub(crate) header: &'t str,
    pub(crate) payload: &'t str,
    pub(crate) signature: &'t str,
    /// `header.payload`, the exact bytes the signature covers (RFC 7515 §5.2 step 8).
    pub(crate) signing_input: &'t str,
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
    let (header, rest) = token.split_once('.').ok_or(Error::Malformed)?;
    if header.len() > limits.max_header_len {
        return Err(Error::HeaderTooLarge);
    }
    let (payload, signature) = rest.split_once('.').ok_or(Error::Malformed)?;
    if header.is_empty() || signature.contains('.') {
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

/// The exact decoded length of a base64url segment without padding (RFC 4648 §5), or
/// `None` for a length no encoding produces (`len % 4 == 1`).
pub(crate) fn decoded_len(encoded_len: usize) -> Option<usize> {
    let whole = encoded_len.checked_div(4)?.checked_mul(3)?;
    match encoded_len.checked_rem(4)? {
        0 => Some(whole),
        2 => whole.checked_add(1),
        3 => whole.checked_add(2),
        _ => None,
    }
}

/// Decodes one segment into the front of `buf`, returning the decoded bytes and the rest.
///
/// `base64ct` decoding is strict: the URL-safe alphabet only, no padding, no whitespace and
/// zero trailing bits (RFC 4648 §3.5), so a token has exactly one accepted encoding.
pub(crate) fn decode<'b>(
    segment: &str,
    buf: &'b mut [u8],
) -> Result<(&'b [u8], &'b mut [u8]), Error> {
    let len = decoded_len(segment.len()).ok_or(Error::Malformed)?;
    if buf.len() < len {
        return Err(Error::BufferTooSmall);
    }
    let (out, rest) = buf.split_at_mut(len);
    let decoded = Base64UrlUnpadded::decode(segment, out).map_err(|_| Error::Malformed)?;
    Ok((decoded, rest))
}

/// Decodes the 86-character signature segment.
pub(crate) fn decode_signature(segment: &str) -> Result<[u8; 64], Error> {
    if segment.len() != SIGNATURE_B64_LEN {
        return Err(Error::Malformed);
    }
    let mut sig = [0u8; 64];
    let decoded = Base64UrlUnpadded::decode(segment, &mut sig).map_err(|_| Error::Malformed)?;
    if decoded.len() != 64 {
        return Err(Error::Malformed);
    }
    Ok(sig)
}
