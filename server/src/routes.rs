//! The routes: a health check, then API routes that only run for a verified token.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::auth::{outside_prefix, prometheus, AppState, Scoped, VerifiedClaims};

/// Every route of the example. The API routes sit behind the edjwt layers: a request
/// without a valid token is answered by the layer, before the path, the body or the
/// handler is looked at.
pub fn router(state: AppState) -> Router {
    let mut any = Router::new().route("/api/whoami", get(whoami));
    let mut scoped = Router::new()
        .route("/api/resources/{*id}", get(resource))
        .route("/api/workflows", post(create_workflow));
    if let Some(layers) = &state.auth {
        any = any.route_layer(layers.any.clone());
        scoped = scoped.route_layer(layers.scoped.clone());
    }
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .merge(any)
        .merge(scoped)
        .with_state(state)
}

/// `GET /metrics`: the authentication counters in the Prometheus text format, no
/// authentication (scrapers reach it from the operator's network).
async fn metrics(State(state): State<AppState>) -> Response {
    let text = state
        .auth
        .as_ref()
        .map(|layers| prometheus(layers, layers.any.key_store()))
        .unwrap_or_default();
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}

/// `GET /health`: no authentication.
async fn health() -> &'static str {
    "ok\n"
}

#[derive(Serialize)]
struct WhoAmI<'a> {
    sub: Option<&'a str>,
    claims: &'a RawValue,
}

/// `GET /api/whoami`: any valid token; answers its `sub` and its verified claims.
async fn whoami(claims: VerifiedClaims) -> Response {
    with_claims_json(&claims, |raw| {
        Json(WhoAmI {
            sub: claims.subject.as_deref(),
            claims: raw,
        })
        .into_response()
    })
}

#[derive(Serialize)]
struct Resource<'a> {
    id: &'a str,
    sub: Option<&'a str>,
    prefix: &'a str,
}

/// `GET /api/resources/{id}`: a token with a `prefix` claim, and `id` under that prefix.
///
/// The extractor order matters: `Scoped` runs first, so a request without a valid token is
/// 401 whatever its path.
async fn resource(scope: Scoped, Path(id): Path<String>) -> Response {
    if !is_plain_id(&id) {
        return bad_id();
    }
    if !scope.allows(&id) {
        return outside_prefix("GET", &id);
    }
    Json(Resource {
        id: &id,
        sub: scope.subject.as_deref(),
        prefix: &scope.prefix,
    })
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewWorkflow {
    id: String,
}

/// `POST /api/workflows` with `{"id": "projects/alpha/nightly"}`: creating a workflow is
/// allowed only under the token's prefix. Authentication runs before the body is read.
async fn create_workflow(scope: Scoped, Json(new): Json<NewWorkflow>) -> Response {
    if !is_plain_id(&new.id) {
        return bad_id();
    }
    if !scope.allows(&new.id) {
        return outside_prefix("POST", &new.id);
    }
    (
        StatusCode::CREATED,
        Json(serde_json::json!({
            "id": new.id,
            "created_by": scope.subject,
        })),
    )
        .into_response()
}

/// A prefix check on a path-like id is only sound if the id cannot climb out of the
/// prefix: `projects/alpha/../beta/x` starts with `projects/alpha/`. Ids with empty, `.` or
/// `..` segments (after percent-decoding) are refused outright.
fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

fn bad_id() -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({
            "error": "bad-resource-id",
            "message": "resource ids have no empty, '.' or '..' segments",
        })),
    )
        .into_response()
}

/// The verified claims JSON as a raw JSON value (embedded as is, not re-serialized).
fn with_claims_json(
    claims: &VerifiedClaims,
    respond: impl FnOnce(&RawValue) -> Response,
) -> Response {
    match RawValue::from_string(claims.json.clone()) {
        Ok(raw) => respond(&raw),
        // Unreachable for a payload edjwt validated as strict JSON.
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_plain_id;

    #[test]
    fn ids_that_could_leave_their_prefix_are_refused() {
        assert!(is_plain_id("projects/alpha/run-1"));
        assert!(is_plain_id("a"));
        assert!(!is_plain_id(""));
        assert!(!is_plain_id("projects/alpha/../beta/x"));
        assert!(!is_plain_id("projects/alpha/./x"));
        assert!(!is_plain_id("projects//alpha"));
        assert!(!is_plain_id("projects/alpha/"));
    }
}
