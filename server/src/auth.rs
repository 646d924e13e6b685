//! Bearer authentication with edjwt: extractors that hand handlers verified claims, and the
//! RFC 6750 responses for requests that do not get that far.

use std::borrow::Cow;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use edjwt::{Error, KeySet, Policy, Verifier, DEFAULT_MAX_TOKEN_LEN};
use serde::Deserialize;
use tracing::{debug, error};

/// Most keys one server trusts at once (current and next key of a rotation, a few
/// environments); each costs at most one signature check per token.
pub const MAX_KEYS: usize = 16;

/// The custom claim that limits which resource ids a token may touch.
pub const PREFIX_CLAIM: &str = "prefix";

/// Claims a scoped route requires on top of the server's policy: a token without `prefix`
/// is `missing-claim` (401) before any handler runs.
const SCOPED_CLAIMS: &[&str] = &[PREFIX_CLAIM];

/// Where `now` comes from.
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// `edjwt::now()`, the system clock.
    System,
    /// A fixed time (the hidden `--danger-fixed-now` testing flag): replays tokens minted at
    /// a known time, such as the committed interop fixtures.
    Fixed(u64),
}

/// The server's verification setup, built once at start-up.
#[derive(Debug)]
pub struct Auth {
    keys: KeySet<MAX_KEYS>,
    issuer: Option<String>,
    audience: Option<String>,
    any_audience: bool,
    leeway: u64,
    clock: Clock,
}

impl Auth {
    /// Trusts `keys`; `issuer`/`audience`, when given, must match the token's `iss`/`aud`.
    /// Without an audience a token carrying `aud` is refused unless `any_audience`.
    pub fn new(
        keys: KeySet<MAX_KEYS>,
        issuer: Option<String>,
        audience: Option<String>,
        any_audience: bool,
        leeway: u64,
        clock: Clock,
    ) -> Self {
        Auth {
            keys,
            issuer,
            audience,
            any_audience,
            leeway,
            clock,
        }
    }

    /// The base policy: `exp` required, the leeway, the expected issuer and audience.
    fn policy(&self) -> Policy<'_> {
        let mut policy = Policy::new().leeway(self.leeway);
        if let Some(issuer) = &self.issuer {
            policy = policy.issuer(issuer);
        }
        if let Some(audience) = &self.audience {
            policy = policy.audience(audience);
        }
        if self.any_audience {
            policy = policy.any_audience();
        }
        policy
    }

    fn now(&self) -> u64 {
        match self.clock {
            Clock::System => edjwt::now(),
            Clock::Fixed(now) => now,
        }
    }

    /// Verifies the value of an `Authorization` header (`None`: the request has none).
    /// With `scoped`, the token must also carry a string `prefix` claim.
    ///
    /// Synchronous on purpose: the decode buffers live on the worker thread's stack for the
    /// duration of one call, never in a future's state, and nothing is allocated until the
    /// token verified.
    pub fn verify(&self, authorization: Option<&str>, scoped: bool) -> Result<Claims, Error> {
        let mut policy = self.policy();
        if scoped {
            policy = policy.require_claims(SCOPED_CLAIMS);
        }
        let verifier = Verifier::new(&self.keys, policy);
        let mut buf = [0u8; DEFAULT_MAX_TOKEN_LEN];
        let verified = verifier.verify_authorization(authorization, self.now(), &mut buf)?;
        let prefix = if scoped {
            // Only used when the payload has `\` escapes (`"projects\/alpha\/"` from PHP);
            // `scratch_len` of the longest accepted token suffices for any payload.
            let mut scratch = [0u8; edjwt::scratch_len(DEFAULT_MAX_TOKEN_LEN)];
            let scope: Scope<'_> = verified.deserialize_claims(&mut scratch)?;
            Some(scope.prefix.into_owned())
        } else {
            None
        };
        Ok(Claims {
            subject: verified.claims().subject().map(|s| s.to_string()),
            json: verified.payload().to_owned(),
            prefix,
        })
    }
}

/// The custom claim, borrowed from the verified payload when it has no escapes.
#[derive(Deserialize)]
struct Scope<'a> {
    #[serde(borrow)]
    prefix: Cow<'a, str>,
}

/// What a handler gets from a verified token.
#[derive(Clone, Debug)]
pub struct Claims {
    /// `sub`, unescaped.
    pub subject: Option<String>,
    /// The claims set JSON exactly as signed (strict JSON, already validated).
    pub json: String,
    /// The `prefix` claim (scoped routes only).
    pub prefix: Option<String>,
}

/// Shared by every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// `None` with `--no-auth` (the load comparison): every request is anonymous.
    pub auth: Option<Arc<Auth>>,
}

/// Extractor: the request carried a valid bearer token. Handlers that take it never run
/// for a request without one.
#[derive(Clone, Debug)]
pub struct VerifiedClaims(pub Claims);

/// Extractor: a valid bearer token that also carries a `prefix` claim, the resource ids it
/// may touch. [`Scoped::allows`] checks an id.
#[derive(Clone, Debug)]
pub struct Scoped {
    /// The verified claims.
    pub claims: Claims,
    /// The `prefix` claim; empty allows every id.
    pub prefix: String,
}

impl Scoped {
    /// Whether this token may touch `id`: `id` starts with the prefix (an empty prefix
    /// allows everything).
    pub fn allows(&self, id: &str) -> bool {
        id.starts_with(self.prefix.as_str())
    }
}

impl FromRequestParts<AppState> for VerifiedClaims {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(parts, state, false).map(VerifiedClaims)
    }
}

impl FromRequestParts<AppState> for Scoped {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let claims = authenticate(parts, state, true)?;
        let prefix = claims.prefix.clone().unwrap_or_default();
        Ok(Scoped { claims, prefix })
    }
}

fn authenticate(parts: &Parts, state: &AppState, scoped: bool) -> Result<Claims, AuthRejection> {
    let Some(auth) = &state.auth else {
        return Ok(anonymous(scoped));
    };
    let result = authorization(parts).and_then(|value| auth.verify(value, scoped));
    match result {
        Ok(claims) => {
            debug!(
                method = %parts.method,
                path = parts.uri.path(),
                sub = claims.subject.as_deref().unwrap_or(""),
                "bearer token accepted"
            );
            Ok(claims)
        }
        Err(reason) => {
            // The reason code only: never the token, nor anything read from it.
            if reason.http_status() == 401 {
                debug!(
                    method = %parts.method,
                    path = parts.uri.path(),
                    reason = reason.code(),
                    "bearer token rejected"
                );
            } else {
                error!(
                    method = %parts.method,
                    path = parts.uri.path(),
                    reason = reason.code(),
                    "token verification failed on the server side"
                );
            }
            Err(AuthRejection(reason))
        }
    }
}

/// The identity every request has with `--no-auth`.
fn anonymous(scoped: bool) -> Claims {
    Claims {
        subject: None,
        json: "{}".to_owned(),
        prefix: scoped.then(String::new),
    }
}

/// The `Authorization` value. RFC 9110 §11.6.2 defines it as a single credentials value,
/// so a request with several is malformed; so is one that is not visible ASCII.
fn authorization(parts: &Parts) -> Result<Option<&str>, Error> {
    let mut values = parts.headers.get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(Error::Malformed);
    }
    value.to_str().map(Some).map_err(|_| Error::Malformed)
}

/// A request without a valid token: the status edjwt gives (401, or 500 for the server's
/// own errors) with the RFC 6750 challenge, and the reason code in a small JSON body.
#[derive(Debug)]
pub struct AuthRejection(pub Error);

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let reason = self.0;
        let status =
            StatusCode::from_u16(reason.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = Json(serde_json::json!({
            "error": reason.code(),
            "message": reason.message(),
        }));
        let mut response = (status, body).into_response();
        if let Some(challenge) = reason.www_authenticate() {
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

/// RFC 6750 §3.1 `insufficient_scope`: the token is valid but its `prefix` does not cover
/// the resource.
pub fn outside_prefix(method: &str, id: &str) -> Response {
    debug!(
        method,
        id,
        reason = "outside-prefix",
        "bearer token lacks scope"
    );
    let mut response = (
        StatusCode::FORBIDDEN,
        Json(serde_json::json!({
            "error": "outside-prefix",
            "message": "resource outside the token's prefix",
        })),
    )
        .into_response();
    response.headers_mut().insert(
        WWW_AUTHENTICATE,
        HeaderValue::from_static(INSUFFICIENT_SCOPE),
    );
    response
}

/// The challenge of a 403 answer.
pub const INSUFFICIENT_SCOPE: &str =
    r#"Bearer error="insufficient_scope", error_description="resource outside the token's prefix""#;
