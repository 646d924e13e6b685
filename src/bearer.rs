//! `Authorization: Bearer <token>` (RFC 6750 §2.1), telling a missing token from a bad one.

use crate::error::Error;

/// Extracts the token from an `Authorization` header value.
///
/// RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`, the scheme case-insensitive
/// (RFC 9110 §11.1). Leading and trailing spaces and tabs (which an HTTP parser strips
/// anyway) are ignored. The scheme ends at the first space or tab; what follows `Bearer`
/// must be exactly one space and one `b64token`: a tab, a second space or a second word is
/// not a bearer credential any client sends, and a lenient parser here is one more way for
/// two components to disagree on what the token is.
///
/// # Errors
/// [`Error::MissingToken`] when there is no header, it is empty, or it uses another scheme
/// (`Basic ...`): the request has no bearer credentials. [`Error::Malformed`] when the
/// scheme is `Bearer` but what follows is not exactly one space and one `b64token`.
///
/// ```
/// use edjwt::{bearer_token, Error};
/// assert_eq!(bearer_token(Some("Bearer abc.def.ghi")), Ok("abc.def.ghi"));
/// assert_eq!(bearer_token(None), Err(Error::MissingToken));
/// assert_eq!(bearer_token(Some("Basic dXNlcjpwYXNz")), Err(Error::MissingToken));
/// assert_eq!(bearer_token(Some("Bearer a b")), Err(Error::Malformed));
/// assert_eq!(bearer_token(Some("Bearer\tabc.def.ghi")), Err(Error::Malformed));
/// ```
pub fn bearer_token(authorization: Option<&str>) -> Result<&str, Error> {
    // Bytes, not `str` patterns: the character searchers cost edge modules a kilobyte.
    let value = authorization.ok_or(Error::MissingToken)?;
    let is_space = |b: &u8| matches!(b, b' ' | b'\t');
    let bytes = value.as_bytes();
    let start = bytes
        .iter()
        .position(|b| !is_space(b))
        .ok_or(Error::MissingToken)?;
    let end = bytes
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |last| last.saturating_add(1));
    let trimmed = bytes.get(start..end).unwrap_or(&[]);
    let scheme_end = trimmed.iter().position(is_space).unwrap_or(trimmed.len());
    let (scheme, rest) = trimmed
        .split_at_checked(scheme_end)
        .unwrap_or((trimmed, &[]));
    if !scheme.eq_ignore_ascii_case(b"Bearer") {
        return Err(Error::MissingToken);
    }
    let token = match rest {
        [b' ', token @ ..] if is_b64token(token) => token,
        _ => return Err(Error::Malformed),
    };
    // The token is ASCII and ends where `trimmed` ends.
    value
        .get(end.saturating_sub(token.len())..end)
        .ok_or(Error::Malformed)
}

/// RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &[u8]) -> bool {
    let body_len = token
        .iter()
        .rposition(|&b| b != b'=')
        .map_or(0, |last| last.saturating_add(1));
    let body = token.get(..body_len).unwrap_or(&[]);
    !body.is_empty()
        && body.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}
