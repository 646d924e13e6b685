//! `Authorization: Bearer <token>` (RFC 6750 §2.1), telling a missing token from a bad one.

use crate::error::Error;

/// Extracts the token from an `Authorization` header value.
///
/// RFC 6750 §2.1: `credentials = "Bearer" 1*SP b64token`, the scheme case-insensitive
/// (RFC 9110 §11.1). Leading and trailing spaces and tabs (which an HTTP parser strips
/// anyway) are ignored.
///
/// # Errors
/// [`Error::MissingToken`] when there is no header, it is empty, or it uses another scheme
/// (`Basic ...`): the request has no bearer credentials. [`Error::Malformed`] when the
/// scheme is `Bearer` but what follows is not exactly one `b64token`.
///
/// ```
/// use edjwt::{bearer_token, Error};
/// assert_eq!(bearer_token(Some("Bearer abc.def.ghi")), Ok("abc.def.ghi"));
/// assert_eq!(bearer_token(None), Err(Error::MissingToken));
/// assert_eq!(bearer_token(Some("Basic dXNlcjpwYXNz")), Err(Error::MissingToken));
/// assert_eq!(bearer_token(Some("Bearer a b")), Err(Error::Malformed));
/// ```
pub fn bearer_token(authorization: Option<&str>) -> Result<&str, Error> {
    let value = authorization.ok_or(Error::MissingToken)?;
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    if value.is_empty() {
        return Err(Error::MissingToken);
    }
    let (scheme, rest) = match value.split_once(' ') {
        Some((scheme, rest)) => (scheme, rest),
        None => (value, ""),
    };
    if !scheme.eq_ignore_ascii_case("Bearer") {
        return Err(Error::MissingToken);
    }
    let token = rest.trim_start_matches(' ');
    if token.is_empty() || !is_b64token(token) {
        return Err(Error::Malformed);
    }
    Ok(token)
}

/// RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        })
}
