//! The answers to requests that do not get through: RFC 6750 challenges for HTTP, a gRPC
//! status for gRPC. Nothing from the request is echoed.

use bytes::Bytes;
use edjwt::Error;
use http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use http_body_util::Full;

/// The challenge of a 403: the token is valid but lacks what the route needs (RFC 6750 §3.1).
pub const INSUFFICIENT_SCOPE: &str =
    r#"Bearer error="insufficient_scope", error_description="insufficient scope""#;

/// The reason code of a 403 in the body and in `grpc-message`.
pub const INSUFFICIENT_SCOPE_CODE: &str = "insufficient-scope";

/// gRPC status codes (`grpc/doc/statuscodes.md`).
const GRPC_UNAUTHENTICATED: &str = "16";
const GRPC_PERMISSION_DENIED: &str = "7";
const GRPC_INTERNAL: &str = "13";

/// Whether the request is gRPC (`application/grpc`, `application/grpc+proto`, ...): its
/// client reads `grpc-status`, not the HTTP status.
pub(crate) fn is_grpc(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.strip_prefix("application/grpc")
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['+', ';']))
        })
}

/// A rejected token: `401` with `WWW-Authenticate` from [`Error::www_authenticate`] (a
/// bare `Bearer` for `missing-token`), or `500` without a challenge for the server's own
/// errors, and a JSON body
/// `{"error": "<code>", "message": "<fixed message>"}`. gRPC gets `UNAUTHENTICATED` (16) or
/// `INTERNAL` (13) with the code as `grpc-message`.
pub(crate) fn rejected(error: Error, grpc: bool) -> Response<Full<Bytes>> {
    let unauthorized = error.http_status() == 401;
    // The core gives a challenge for every client error and none for the server's own.
    let challenge = error.www_authenticate().map(HeaderValue::from_static);
    if grpc {
        let status = if unauthorized {
            GRPC_UNAUTHENTICATED
        } else {
            GRPC_INTERNAL
        };
        return grpc_status(status, error.code(), challenge);
    }
    let status =
        StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    json(status, error.code(), error.message(), challenge)
}

/// A valid token the claims checker refused: `403` with `insufficient_scope`; gRPC
/// `PERMISSION_DENIED` (7).
pub(crate) fn forbidden(grpc: bool) -> Response<Full<Bytes>> {
    let challenge = Some(HeaderValue::from_static(INSUFFICIENT_SCOPE));
    if grpc {
        return grpc_status(GRPC_PERMISSION_DENIED, INSUFFICIENT_SCOPE_CODE, challenge);
    }
    json(
        StatusCode::FORBIDDEN,
        INSUFFICIENT_SCOPE_CODE,
        "insufficient scope",
        challenge,
    )
}

/// A bare `500`, for a future polled after it completed (a bug in the caller).
pub(crate) fn internal() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

fn json(
    status: StatusCode,
    code: &'static str,
    message: &'static str,
    challenge: Option<HeaderValue>,
) -> Response<Full<Bytes>> {
    // Codes and messages are fixed lowercase ASCII without quotes or backslashes.
    let body = format!(r#"{{"error":"{code}","message":"{message}"}}"#);
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(challenge) = challenge {
        headers.insert(WWW_AUTHENTICATE, challenge);
    }
    response
}

/// A trailers-only gRPC response (gRPC over HTTP/2: status 200, `grpc-status` in headers).
fn grpc_status(
    status: &'static str,
    code: &'static str,
    challenge: Option<HeaderValue>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    headers.insert("grpc-status", HeaderValue::from_static(status));
    headers.insert("grpc-message", HeaderValue::from_static(code));
    if let Some(challenge) = challenge {
        headers.insert(WWW_AUTHENTICATE, challenge);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_content_types() {
        let mut headers = HeaderMap::new();
        for (value, grpc) in [
            ("application/grpc", true),
            ("application/grpc+proto", true),
            ("application/grpc;charset=utf-8", true),
            ("application/grpc-web", false),
            ("application/json", false),
        ] {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            assert_eq!(is_grpc(&headers), grpc, "{value}");
        }
        assert!(!is_grpc(&HeaderMap::new()));
    }
}
