//! Bearer authentication with `edjwt-tower`: the layers that verify every API request,
//! the extractors handlers use, the 403 for a resource outside a token's prefix, and the
//! Prometheus text of the layers' counters.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use edjwt::Policy;
use edjwt_tower::{Claims, EdjwtLayer, KeyStore, Stats, VerifiedToken};
use serde::Deserialize;
use tracing::debug;

/// The custom claim that limits which resource ids a token may touch.
pub const PREFIX_CLAIM: &str = "prefix";

/// Claims a scoped route requires on top of the server's policy: a token without `prefix`
/// is `missing-claim` (401) before any handler runs.
const SCOPED_CLAIMS: &[&str] = &[PREFIX_CLAIM];

/// The `prefix` claim, owned (`"projects\/alpha\/"` from PHP arrives unescaped). A
/// `prefix` that is not a string is `invalid-claim` (401).
#[derive(Clone, Debug, Deserialize)]
pub struct Scope {
    /// Resource ids this token may touch start with it; empty allows every id.
    pub prefix: String,
}

/// The two layers: every API route needs a valid token; the scoped routes also a `prefix`.
#[derive(Clone, Debug)]
pub struct Layers {
    /// `/api/whoami`.
    pub any: EdjwtLayer,
    /// `/api/resources/...`, `/api/workflows`.
    pub scoped: EdjwtLayer<Scope>,
}

impl Layers {
    /// Both layers over one key store (so one reload serves both), each with its own
    /// verified-token cache.
    pub fn new(store: &Arc<KeyStore>, policy: Policy<'static>, clock: Option<u64>) -> Self {
        let builder = || {
            let builder = EdjwtLayer::builder(Arc::clone(store));
            match clock {
                Some(now) => builder.clock(move || now),
                None => builder,
            }
        };
        Layers {
            any: builder().policy(policy).build(),
            scoped: builder()
                .policy(policy.require_claims(SCOPED_CLAIMS))
                .claims::<Scope>()
                .build(),
        }
    }
}

/// Shared by every request.
#[derive(Clone, Debug)]
pub struct AppState {
    /// `None` with `--no-auth` (the load comparison): every request is anonymous.
    pub auth: Option<Layers>,
}

/// Extractor: the request carried a valid bearer token (or auth is off).
#[derive(Clone, Debug)]
pub struct VerifiedClaims {
    /// `sub`, unescaped.
    pub subject: Option<String>,
    /// The claims set JSON exactly as signed (`{}` without auth).
    pub json: String,
}

/// Extractor: a valid bearer token that also carries a `prefix` claim, the resource ids it
/// may touch. [`Scoped::allows`] checks an id.
#[derive(Clone, Debug)]
pub struct Scoped {
    /// `sub`, if any.
    pub subject: Option<String>,
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

/// The layer put a [`VerifiedToken`] into every request it let through; without auth the
/// request is anonymous. A route with auth on but without the layer is a 500, never open.
fn verified(parts: &Parts, state: &AppState) -> Result<Option<VerifiedToken>, StatusCode> {
    match (&state.auth, parts.extensions.get::<VerifiedToken>()) {
        (None, _) => Ok(None),
        (Some(_), Some(token)) => {
            debug!(
                method = %parts.method,
                path = parts.uri.path(),
                sub = token.subject().unwrap_or(""),
                kid = token.kid(),
                "bearer token accepted"
            );
            Ok(Some(token.clone()))
        }
        (Some(_), None) => Err(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

impl FromRequestParts<AppState> for VerifiedClaims {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StatusCode> {
        Ok(match verified(parts, state)? {
            Some(token) => VerifiedClaims {
                subject: token.subject().map(str::to_owned),
                json: token.claims_json().to_owned(),
            },
            None => VerifiedClaims {
                subject: None,
                json: "{}".to_owned(),
            },
        })
    }
}

impl FromRequestParts<AppState> for Scoped {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, StatusCode> {
        let Some(token) = verified(parts, state)? else {
            return Ok(Scoped {
                subject: None,
                prefix: String::new(),
            });
        };
        let Claims(scope) = parts
            .extensions
            .get::<Claims<Scope>>()
            .cloned()
            .ok_or(StatusCode::INTERNAL_SERVER_ERROR)?;
        Ok(Scoped {
            subject: token.subject().map(str::to_owned),
            prefix: scope.prefix,
        })
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

/// The Prometheus text exposition (version 0.0.4) of both layers' counters, summed.
pub fn prometheus(layers: &Layers, store: &KeyStore) -> String {
    let (any, scoped) = (layers.any.stats(), layers.scoped.stats());
    let both = |f: fn(&Stats) -> u64| f(&any).saturating_add(f(&scoped));
    let mut text = String::new();
    let mut counter = |name: &str, help: &str, samples: &[(Option<&str>, u64)]| {
        let _ = writeln!(text, "# HELP {name} {help}\n# TYPE {name} counter");
        for (label, value) in samples {
            match label {
                Some(reason) => {
                    let _ = writeln!(text, "{name}{{reason=\"{reason}\"}} {value}");
                }
                None => {
                    let _ = writeln!(text, "{name} {value}");
                }
            }
        }
    };
    let rejected: Vec<(Option<&str>, u64)> = any
        .rejected
        .iter()
        .zip(&scoped.rejected)
        .map(|((error, a), (_, b))| (Some(error.code()), a.saturating_add(*b)))
        .collect();
    counter(
        "edjwt_requests_rejected_total",
        "Requests rejected by edjwt, by reason code.",
        &rejected,
    );
    counter(
        "edjwt_requests_accepted_total",
        "Requests whose bearer token verified.",
        &[(None, both(|s| s.accepted))],
    );
    counter(
        "edjwt_cache_hits_total",
        "Tokens served from the verified-token cache.",
        &[(None, both(|s| s.cache.hits))],
    );
    counter(
        "edjwt_cache_misses_total",
        "Tokens verified in full.",
        &[(None, both(|s| s.cache.misses))],
    );
    let keys = store.counters();
    counter(
        "edjwt_key_reloads_total",
        "Key sets loaded from files or JWKS URLs.",
        &[(None, keys.reloads)],
    );
    counter(
        "edjwt_key_reload_failures_total",
        "Key file reloads that failed (the last good keys stayed).",
        &[(None, keys.reload_failures)],
    );
    counter(
        "edjwt_jwks_fetches_total",
        "JWKS documents fetched.",
        &[(None, keys.fetches)],
    );
    counter(
        "edjwt_jwks_fetch_failures_total",
        "JWKS fetches that failed (the last good keys stayed).",
        &[(None, keys.fetch_failures)],
    );
    text
}
