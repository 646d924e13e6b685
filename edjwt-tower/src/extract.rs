//! The axum extractors (feature `axum`): `Claims<T>` and `VerifiedToken`, put into the
//! request by the layer.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::layer::Claims;
use crate::token::VerifiedToken;

/// The rejection of the extractors when the request did not go through an
/// [`EdjwtLayer`](crate::EdjwtLayer) with that claims type: a server misconfiguration,
/// answered `500` (never a way around the layer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingLayer;

impl IntoResponse for MissingLayer {
    fn into_response(self) -> Response {
        tracing::error!(
            "edjwt extractor used on a route without an EdjwtLayer of that claims type"
        );
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    }
}

impl<S, T> FromRequestParts<S> for Claims<T>
where
    S: Send + Sync,
    T: Clone + Send + Sync + 'static,
{
    type Rejection = MissingLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Claims<T>>()
            .cloned()
            .ok_or(MissingLayer)
    }
}

impl<S> FromRequestParts<S> for VerifiedToken
where
    S: Send + Sync,
{
    type Rejection = MissingLayer;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<VerifiedToken>()
            .cloned()
            .ok_or(MissingLayer)
    }
}
