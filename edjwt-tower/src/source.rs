//! Where the layer finds the token in a request: `Authorization: Bearer`, a cookie, or a
//! header of its own.

use edjwt::Error;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderMap, HeaderName};

/// Where requests carry their token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenSource {
    /// `Authorization: Bearer <token>` (RFC 6750 §2.1), the default. A request with several
    /// `Authorization` fields is `malformed` (RFC 9110 §11.6.2: one credentials value).
    #[default]
    Bearer,
    /// The value of the cookie with this name (for browser sessions). A request naming the
    /// cookie twice is `malformed`: which one the client meant is unknowable.
    Cookie(String),
    /// The whole value of this header, without a scheme (`X-Auth-Token: <token>`). Several
    /// fields of that header are `malformed`.
    Header(HeaderName),
}

impl TokenSource {
    /// The token in `headers`.
    ///
    /// # Errors
    /// [`Error::MissingToken`] when the request carries none, [`Error::Malformed`] when the
    /// place is ambiguous or not visible ASCII (and as [`edjwt::bearer_token`] for Bearer).
    pub(crate) fn token<'h>(&self, headers: &'h HeaderMap) -> Result<&'h str, Error> {
        match self {
            TokenSource::Bearer => edjwt::bearer_token(single(headers, &AUTHORIZATION)?),
            TokenSource::Header(name) => match single(headers, name)? {
                Some(value) if !value.is_empty() => Ok(value),
                _ => Err(Error::MissingToken),
            },
            TokenSource::Cookie(name) => cookie(headers, name),
        }
    }
}

/// The one value of header `name`, if present.
fn single<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Result<Option<&'h str>, Error> {
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Error::Malformed);
    }
    value.to_str().map(Some).map_err(|_| Error::Malformed)
}

/// The value of cookie `name`. RFC 6265 §4.2.1: `cookie-string = cookie-pair *( ";" SP
/// cookie-pair )`, `cookie-pair = cookie-name "=" cookie-value`, and HTTP/2 may split the
/// string over several `Cookie` fields (RFC 9113 §8.2.3), so every field is read.
fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Result<&'h str, Error> {
    let mut found = None;
    for field in headers.get_all(COOKIE) {
        let Ok(field) = field.to_str() else {
            continue;
        };
        for pair in field.split(';') {
            let Some((key, value)) = pair.trim_matches([' ', '\t']).split_once('=') else {
                continue;
            };
            if key == name {
                if found.is_some() {
                    return Err(Error::Malformed);
                }
                // RFC 6265 §4.1.1 allows the value in double quotes.
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value);
                found = Some(value);
            }
        }
    }
    match found {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::MissingToken),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(fields: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in fields {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn bearer() {
        let source = TokenSource::Bearer;
        assert_eq!(
            source.token(&headers(&[("authorization", "Bearer a.b.c")])),
            Ok("a.b.c")
        );
        assert_eq!(source.token(&headers(&[])), Err(Error::MissingToken));
        assert_eq!(
            source.token(&headers(&[("authorization", "Basic eDp5")])),
            Err(Error::MissingToken)
        );
        assert_eq!(
            source.token(&headers(&[
                ("authorization", "Bearer a.b.c"),
                ("authorization", "Bearer a.b.c")
            ])),
            Err(Error::Malformed)
        );
    }

    #[test]
    fn cookies() {
        let source = TokenSource::Cookie("session".to_owned());
        assert_eq!(
            source.token(&headers(&[("cookie", "a=1; session=x.y.z; b=2")])),
            Ok("x.y.z")
        );
        assert_eq!(
            source.token(&headers(&[
                ("cookie", "a=1"),
                ("cookie", "session=\"x.y.z\"")
            ])),
            Ok("x.y.z")
        );
        assert_eq!(
            source.token(&headers(&[("cookie", "sessionx=1; xsession=2")])),
            Err(Error::MissingToken)
        );
        assert_eq!(
            source.token(&headers(&[("cookie", "session=")])),
            Err(Error::MissingToken)
        );
        assert_eq!(source.token(&headers(&[])), Err(Error::MissingToken));
        assert_eq!(
            source.token(&headers(&[("cookie", "session=a.b.c; session=d.e.f")])),
            Err(Error::Malformed)
        );
    }

    #[test]
    fn custom_header() {
        let source = TokenSource::Header(HeaderName::from_static("x-auth-token"));
        assert_eq!(
            source.token(&headers(&[("x-auth-token", "x.y.z")])),
            Ok("x.y.z")
        );
        assert_eq!(
            source.token(&headers(&[("authorization", "Bearer x.y.z")])),
            Err(Error::MissingToken)
        );
        assert_eq!(
            source.token(&headers(&[
                ("x-auth-token", "x.y.z"),
                ("x-auth-token", "x.y.z")
            ])),
            Err(Error::Malformed)
        );
    }
}
