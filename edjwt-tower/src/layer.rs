//! `EdjwtLayer` and the service it wraps around an inner service.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use edjwt::{Error, Policy};
use http::{Request, Response};
use http_body_util::{Either, Full};
use pin_project_lite::pin_project;
use serde::de::{DeserializeOwned, IgnoredAny};
use tower_layer::Layer;
use tower_service::Service;

use crate::engine::{Accepted, Engine, Rejected};
use crate::key_store::KeyStore;
use crate::response;
use crate::source::TokenSource;
use crate::stats::{RequestCounters, Stats};

/// The caller's claims type `T`, deserialized once per request by the layer from the
/// verified claims and put into the request extensions (with the `axum` feature, also an
/// extractor).
///
/// `T` is deserialized with `serde-json-core` over the verified, strict JSON: owned types
/// (`String`, numbers, `Vec`, `Option`, nested structs, `#[serde(default)]`), no
/// `deserialize_any` (no `serde_json::Value`, no untagged enums). Claims that do not fit
/// `T` reject the request with `invalid-claim`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Claims<T>(pub T);

/// The cache's default capacity: one part.
const DEFAULT_CACHE_TOKENS: usize = crate::engine::TOKENS_PER_PART;

type Check<T> = Box<dyn Fn(&T) -> bool + Send + Sync>;
type Clock = Box<dyn Fn() -> u64 + Send + Sync>;

struct Shared<T> {
    store: Arc<KeyStore>,
    engine: Engine,
    source: TokenSource,
    check: Option<Check<T>>,
    clock: Clock,
    counters: RequestCounters,
}

/// Builds an [`EdjwtLayer`]; start with [`EdjwtLayer::builder`].
#[must_use]
pub struct Builder<T> {
    store: Arc<KeyStore>,
    policy: Policy<'static>,
    source: TokenSource,
    cache: usize,
    check: Option<Check<T>>,
    clock: Clock,
}

impl<T> Builder<T> {
    /// The checks a verified token must also pass (default [`Policy::new`]: `exp` required,
    /// 60 s leeway, a token carrying `aud` rejected unless an audience is configured).
    pub fn policy(mut self, policy: Policy<'static>) -> Self {
        self.policy = policy;
        self
    }

    /// Where requests carry the token (default [`TokenSource::Bearer`]).
    pub fn source(mut self, source: TokenSource) -> Self {
        self.source = source;
        self
    }

    /// Whether to use edjwt's verified-token cache (default on, 256 tokens): a token seen
    /// before is served without base64 or signature check, its claims and the policy
    /// checked again at the current time. Emptied when the keys change.
    pub fn cache(mut self, on: bool) -> Self {
        self.cache = if on { DEFAULT_CACHE_TOKENS } else { 0 };
        self
    }

    /// The cache's capacity in tokens (up to about 1.2 KiB each; longer ones are verified
    /// without it), rounded up to a multiple of 256; 523 KiB per 256. Size it to the
    /// distinct tokens seen within a few minutes: when they outnumber it, most requests
    /// miss and the cache only costs a lookup. 0 turns the cache off.
    pub fn cache_capacity(mut self, tokens: usize) -> Self {
        self.cache = tokens;
        self
    }

    /// The current time in seconds since the Unix epoch (default [`edjwt::now`]).
    pub fn clock(mut self, clock: impl Fn() -> u64 + Send + Sync + 'static) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// Deserialize the verified claims into `U` for every request, for handlers
    /// ([`Claims<U>`]) and for [`check`](Builder::check). Drops a checker set before.
    pub fn claims<U>(self) -> Builder<U> {
        Builder {
            store: self.store,
            policy: self.policy,
            source: self.source,
            cache: self.cache,
            check: None,
            clock: self.clock,
        }
    }

    /// A claims checker: a verified token whose claims it refuses gets `403` with
    /// `error="insufficient_scope"` (`PERMISSION_DENIED` for gRPC).
    pub fn check(mut self, check: impl Fn(&T) -> bool + Send + Sync + 'static) -> Self {
        self.check = Some(Box::new(check));
        self
    }

    /// The layer.
    pub fn build(self) -> EdjwtLayer<T> {
        EdjwtLayer {
            shared: Arc::new(Shared {
                store: self.store,
                engine: Engine::new(self.policy, self.cache),
                source: self.source,
                check: self.check,
                clock: self.clock,
                counters: RequestCounters::new(),
            }),
        }
    }
}

/// A tower [`Layer`] that verifies an EdDSA JWT on every request before the inner service
/// sees it.
///
/// - Accepted: the request goes on with [`Claims<T>`] and [`VerifiedToken`](crate::VerifiedToken) in its
///   extensions.
/// - Rejected: `401` with the RFC 6750 challenge from edjwt's reason table
///   (`WWW-Authenticate: Bearer error="invalid_token", error_description="token expired"`)
///   and `{"error": "expired", "message": "token expired"}`; `403 insufficient_scope` when
///   the claims checker refuses; for gRPC requests `grpc-status` 16 (`UNAUTHENTICATED`) or 7
///   (`PERMISSION_DENIED`) with the reason code as `grpc-message`.
/// - A token whose `kid` names no key makes a JWKS source re-fetch (at most once per its
///   interval) and the request is verified again with the new keys.
///
/// Logs are `tracing` events with the reason code and the `kid` of the configured key the
/// token named; nothing read from a token that did not verify, never the token.
///
/// Cloning is cheap (one `Arc`); clones share counters, cache and keys.
pub struct EdjwtLayer<T = IgnoredAny> {
    shared: Arc<Shared<T>>,
}

impl EdjwtLayer {
    /// A builder verifying with the keys of `store`.
    pub fn builder(store: Arc<KeyStore>) -> Builder<IgnoredAny> {
        Builder {
            store,
            policy: Policy::new(),
            source: TokenSource::Bearer,
            cache: DEFAULT_CACHE_TOKENS,
            check: None,
            clock: Box::new(edjwt::now),
        }
    }
}

impl<T> EdjwtLayer<T> {
    /// The layer's counters: requests accepted, forbidden and rejected by reason, the cache,
    /// key reloads and fetches.
    #[must_use]
    pub fn stats(&self) -> Stats {
        let shared = &self.shared;
        shared
            .counters
            .read(shared.engine.cache_stats(), shared.store.counters())
    }

    /// The key store requests are verified with.
    #[must_use]
    pub fn key_store(&self) -> &Arc<KeyStore> {
        &self.shared.store
    }
}

impl<T> Clone for EdjwtLayer<T> {
    fn clone(&self) -> Self {
        EdjwtLayer {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> fmt::Debug for EdjwtLayer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EdjwtLayer")
            .field("source", &self.shared.source)
            .field("keys", &self.shared.store.len())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl<S, T> Layer<S> for EdjwtLayer<T> {
    type Service = Edjwt<S, T>;

    fn layer(&self, inner: S) -> Self::Service {
        Edjwt {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service made by [`EdjwtLayer`].
pub struct Edjwt<S, T> {
    inner: S,
    shared: Arc<Shared<T>>,
}

impl<S: Clone, T> Clone for Edjwt<S, T> {
    fn clone(&self) -> Self {
        Edjwt {
            inner: self.inner.clone(),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<S: fmt::Debug, T> fmt::Debug for Edjwt<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Edjwt")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// What to do with a request.
enum Decision<T> {
    Accept(Accepted<T>),
    Respond(Response<Full<Bytes>>),
    /// `unknown-key` with a source that may fetch new keys.
    Refresh,
}

impl<T: DeserializeOwned + Clone + Send + Sync + 'static> Shared<T> {
    fn decide<B>(&self, request: &Request<B>, may_refresh: bool) -> Decision<T> {
        let grpc = response::is_grpc(request.headers());
        let token = match self.source.token(request.headers()) {
            Ok(token) => token,
            Err(error) => return self.reject(Rejected { error, kid: None }, grpc),
        };
        match self.engine.verify::<T>(token, (self.clock)(), &self.store) {
            Ok(accepted) => {
                if self
                    .check
                    .as_ref()
                    .is_some_and(|check| !check(&accepted.claims))
                {
                    self.counters.forbidden();
                    tracing::debug!(
                        reason = response::INSUFFICIENT_SCOPE_CODE,
                        kid = accepted.token.kid(),
                        "token refused by the claims checker"
                    );
                    return Decision::Respond(response::forbidden(grpc));
                }
                self.counters.accepted();
                tracing::trace!(kid = accepted.token.kid(), "token accepted");
                Decision::Accept(accepted)
            }
            // Asked only for this reason: the check takes a lock.
            Err(rejected)
                if rejected.error == Error::UnknownKey
                    && may_refresh
                    && self.store.can_refresh() =>
            {
                Decision::Refresh
            }
            Err(rejected) => self.reject(rejected, grpc),
        }
    }

    fn reject(&self, rejected: Rejected, grpc: bool) -> Decision<T> {
        let Rejected { error, kid } = rejected;
        self.counters.rejected(error);
        if error.http_status() == 401 {
            tracing::debug!(reason = error.code(), kid, "token rejected");
        } else {
            tracing::error!(
                reason = error.code(),
                kid,
                "token verification failed on the server side"
            );
        }
        Decision::Respond(response::rejected(error, grpc))
    }
}

fn admit<T: Clone + Send + Sync + 'static, B>(request: &mut Request<B>, accepted: Accepted<T>) {
    let extensions = request.extensions_mut();
    extensions.insert(Claims(accepted.claims));
    extensions.insert(accepted.token);
}

type BoxFuture<R, E> = Pin<Box<dyn Future<Output = Result<R, E>> + Send>>;

impl<S, T, B, ResBody> Service<Request<B>> for Edjwt<S, T>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: 'static,
    B: Send + 'static,
    ResBody: 'static,
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    type Response = Response<Either<ResBody, Full<Bytes>>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future, ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        match self.shared.decide(&request, true) {
            Decision::Accept(accepted) => {
                admit(&mut request, accepted);
                ResponseFuture::inner(self.inner.call(request))
            }
            Decision::Respond(response) => ResponseFuture::ready(response),
            Decision::Refresh => {
                // The inner service was made ready for this call: take it, leave a clone.
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                let shared = Arc::clone(&self.shared);
                ResponseFuture::boxed(Box::pin(async move {
                    shared.store.refresh_for_unknown_kid().await;
                    match shared.decide(&request, false) {
                        Decision::Accept(accepted) => {
                            admit(&mut request, accepted);
                            let response = inner.call(request).await?;
                            Ok(response.map(Either::Left))
                        }
                        Decision::Respond(response) => Ok(response.map(Either::Right)),
                        // `may_refresh` was false.
                        Decision::Refresh => {
                            Ok(response::rejected(Error::UnknownKey, false).map(Either::Right))
                        }
                    }
                }))
            }
        }
    }
}

pin_project! {
    /// The future of [`Edjwt`]: the inner service's, or an immediate rejection.
    pub struct ResponseFuture<F, ResBody, E> {
        #[pin]
        state: State<F, ResBody, E>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F, ResBody, E> {
        Inner { #[pin] future: F },
        Ready { response: Option<Response<Full<Bytes>>> },
        Boxed { future: BoxFuture<Response<Either<ResBody, Full<Bytes>>>, E> },
    }
}

impl<F, ResBody, E> ResponseFuture<F, ResBody, E> {
    fn inner(future: F) -> Self {
        ResponseFuture {
            state: State::Inner { future },
        }
    }

    fn ready(response: Response<Full<Bytes>>) -> Self {
        ResponseFuture {
            state: State::Ready {
                response: Some(response),
            },
        }
    }

    fn boxed(future: BoxFuture<Response<Either<ResBody, Full<Bytes>>>, E>) -> Self {
        ResponseFuture {
            state: State::Boxed { future },
        }
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F, ResBody, E>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = Result<Response<Either<ResBody, Full<Bytes>>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().state.project() {
            StateProj::Inner { future } => future
                .poll(cx)
                .map(|result| result.map(|response| response.map(Either::Left))),
            StateProj::Ready { response } => match response.take() {
                Some(response) => Poll::Ready(Ok(response.map(Either::Right))),
                // Polled again after completion: the tower contract says never; answer a
                // 500 rather than panic.
                None => Poll::Ready(Ok(response::internal().map(Either::Right))),
            },
            StateProj::Boxed { future } => future.as_mut().poll(cx),
        }
    }
}

impl<F, ResBody, E> fmt::Debug for ResponseFuture<F, ResBody, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
