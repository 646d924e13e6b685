//! gRPC through the tower layer, with plain `http` requests (the shape tonic hands a
//! layer): no token is `UNAUTHENTICATED` (16), a refused scope `PERMISSION_DENIED` (7), a
//! valid token reaches the inner service with its claims.
//!
//! The token and key are the edjwt core's documentation example (RFC 8037 key `rfc8037`,
//! `aud` `api`, `sub` `alice`, `prefix` `projects/alpha/`, `exp` 4102444800).

use std::convert::Infallible;

use edjwt::{KeySet, Policy};
use edjwt_tower::{Claims, EdjwtLayer, KeyStore, VerifiedToken};
use http::{Request, Response};
use serde::Deserialize;
use tower::{service_fn, Layer, ServiceExt};

const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InJmYzgwMzcifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwicHJlZml4IjoicHJvamVjdHMvYWxwaGEvIn0.3AMKPL648CUvkUImGorx316HKx8bqhM2vjxQSxUP-PUC1LcZ49X-p7v6Yj4PjMcywYJCdjGnxgI1fJB8uCc0Cw";

#[derive(Clone, Debug, Deserialize)]
struct Prefix {
    prefix: String,
}

fn grpc(token: Option<&str>) -> Request<String> {
    let mut request = Request::post("/workflows.v1.Workflows/Create")
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(String::new()).unwrap()
}

async fn call(
    layer: &EdjwtLayer<Prefix>,
    request: Request<String>,
) -> Response<http_body_util::Either<String, http_body_util::Full<bytes::Bytes>>> {
    let inner = service_fn(|request: Request<String>| async move {
        let prefix = &request
            .extensions()
            .get::<Claims<Prefix>>()
            .unwrap()
            .0
            .prefix;
        let sub = request
            .extensions()
            .get::<VerifiedToken>()
            .unwrap()
            .subject()
            .unwrap()
            .to_owned();
        let mut response = Response::new(format!("{sub} {prefix}"));
        response
            .headers_mut()
            .insert("grpc-status", http::HeaderValue::from_static("0"));
        Ok::<_, Infallible>(response)
    });
    layer.layer(inner).oneshot(request).await.unwrap()
}

fn layer(required_prefix: &'static str) -> EdjwtLayer<Prefix> {
    let mut keys = KeySet::new();
    keys.add_text(PUBLIC_PEM).unwrap();
    EdjwtLayer::builder(KeyStore::with_keys(keys))
        .policy(Policy::new().audience("api"))
        .clock(|| 1_800_000_000)
        .claims::<Prefix>()
        .check(move |claims: &Prefix| claims.prefix.starts_with(required_prefix))
        .build()
}

#[tokio::test]
async fn grpc_statuses() {
    let layer = layer("projects/");
    for (token, status, message) in [
        (None, "16", "missing-token"),
        (Some("not-a-jwt"), "16", "malformed"),
        (Some(&TOKEN[..TOKEN.len() - 2]), "16", "malformed"),
    ] {
        let response = call(&layer, grpc(token)).await;
        assert_eq!(
            response.status(),
            200,
            "gRPC carries its status in grpc-status"
        );
        assert_eq!(response.headers()["content-type"], "application/grpc");
        assert_eq!(response.headers()["grpc-status"], status);
        assert_eq!(response.headers()["grpc-message"], message);
    }
    let response = call(&layer, grpc(Some(TOKEN))).await;
    assert_eq!(response.headers()["grpc-status"], "0");
    let http_body_util::Either::Left(body) = response.into_body() else {
        panic!("the inner service did not answer");
    };
    assert_eq!(body, "alice projects/alpha/");

    let refused = call(&self::layer("admin/"), grpc(Some(TOKEN))).await;
    assert_eq!(refused.headers()["grpc-status"], "7");
    assert_eq!(refused.headers()["grpc-message"], "insufficient-scope");
}

#[tokio::test]
async fn plain_http_gets_401_and_403() {
    let request = |token: &str| {
        Request::get("/hello")
            .header("authorization", format!("Bearer {token}"))
            .body(String::new())
            .unwrap()
    };
    let layer = layer("admin/");
    let refused = call(&layer, request(TOKEN)).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.headers()["www-authenticate"],
        r#"Bearer error="insufficient_scope", error_description="insufficient scope""#
    );
    let forged = call(&layer, request(&TOKEN.replace("3AMK", "3AML"))).await;
    assert_eq!(forged.status(), 401);
    assert_eq!(
        forged.headers()["www-authenticate"],
        r#"Bearer error="invalid_token", error_description="signature does not match""#
    );
    let stats = layer.stats();
    assert_eq!(
        (stats.forbidden, stats.rejected_with("bad-signature")),
        (1, 1)
    );
}

#[tokio::test]
async fn cache_capacity_in_parts_and_off() {
    let mut keys = KeySet::new();
    keys.add_text(PUBLIC_PEM).unwrap();
    let store = KeyStore::with_keys(keys);
    let request = || {
        Request::get("/")
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(String::new())
            .unwrap()
    };
    for (tokens, hits, misses) in [(1024, 2, 1), (0, 0, 0)] {
        let layer = EdjwtLayer::builder(std::sync::Arc::clone(&store))
            .policy(Policy::new().audience("api"))
            .clock(|| 1_800_000_000)
            .cache_capacity(tokens)
            .claims::<Prefix>()
            .build();
        for _ in 0..3 {
            assert_eq!(call(&layer, request()).await.status(), 200);
        }
        let stats = layer.stats();
        assert_eq!(
            (stats.cache.hits, stats.cache.misses),
            (hits, misses),
            "{tokens}"
        );
        assert_eq!(stats.accepted, 3);
    }
}
