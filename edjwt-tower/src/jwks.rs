//! Keys from a JWKS URL (feature `jwks-url`): fetched at start, refreshed on the server's
//! `Cache-Control: max-age` within bounds, re-fetched for an unknown `kid` at most once per
//! interval, the last good set kept on any failure. OIDC discovery finds the URL.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use edjwt::KeySet;
use reqwest::header::CACHE_CONTROL;
use tokio::task::JoinHandle;

use crate::error::{LoadError, LoadErrorKind};
use crate::key_store::{KeyStore, MAX_KEYS};

/// A JWKS document URL, or an OIDC issuer whose discovery document names one; build with
/// [`new`](Self::new) or [`discover`](Self::discover), start with [`start`](Self::start).
///
/// | setting | default | |
/// |---|---|---|
/// | [`min_refresh`](Self::min_refresh) | 60 s | a `max-age` below it is raised to it; the retry delay after a failed fetch |
/// | [`max_refresh`](Self::max_refresh) | 1 h | a `max-age` above it, or none, is lowered to it |
/// | [`unknown_kid_interval`](Self::unknown_kid_interval) | 60 s | tokens with an unknown `kid` cause at most one fetch per interval |
/// | [`timeout`](Self::timeout) | 10 s | for one fetch, connection to last byte |
/// | [`max_body`](Self::max_body) | 256 KiB | larger documents are refused |
#[derive(Clone, Debug)]
#[must_use]
pub struct JwksSource {
    target: Target,
    min_refresh: Duration,
    max_refresh: Duration,
    unknown_kid_interval: Duration,
    timeout: Duration,
    max_body: usize,
}

#[derive(Clone, Debug)]
enum Target {
    Jwks(String),
    Issuer(String),
}

impl JwksSource {
    /// Keys from the JWKS document at `url` (RFC 7517 §5); its Ed25519 signature keys are
    /// used, keys of other types skipped.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_target(Target::Jwks(url.into()))
    }

    /// Keys of an `OpenID` Connect issuer: `jwks_uri` from
    /// `<issuer>/.well-known/openid-configuration` (OIDC Discovery §4), whose `issuer`
    /// must equal `issuer` exactly (§4.3). Discovery runs at start and again whenever a
    /// fetch of the keys fails.
    pub fn discover(issuer: impl Into<String>) -> Self {
        Self::with_target(Target::Issuer(issuer.into()))
    }

    fn with_target(target: Target) -> Self {
        JwksSource {
            target,
            min_refresh: Duration::from_secs(60),
            max_refresh: Duration::from_secs(3600),
            unknown_kid_interval: Duration::from_secs(60),
            timeout: Duration::from_secs(10),
            max_body: 256 * 1024,
        }
    }

    /// Shortest time between scheduled refreshes.
    pub fn min_refresh(mut self, interval: Duration) -> Self {
        self.min_refresh = interval;
        self
    }

    /// Longest time between scheduled refreshes.
    pub fn max_refresh(mut self, interval: Duration) -> Self {
        self.max_refresh = interval;
        self
    }

    /// At most one fetch per this interval for tokens whose `kid` matches no key, so
    /// unknown kids cannot drive a fetch storm.
    pub fn unknown_kid_interval(mut self, interval: Duration) -> Self {
        self.unknown_kid_interval = interval;
        self
    }

    /// Time allowed for one fetch.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest document accepted, in bytes.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Fetches the keys into `store` and starts refreshing them on the current tokio
    /// runtime.
    ///
    /// # Errors
    /// When the first fetch (or discovery) fails; nothing is started.
    pub async fn start(self, store: &Arc<KeyStore>) -> Result<JwksWatcher, LoadError> {
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .timeout(self.timeout)
            .build()
            .map_err(|e| LoadError::new(self.origin(), LoadErrorKind::Transport(e.to_string())))?;
        let remote = Arc::new(Remote {
            part: store.add_source(),
            client,
            resolved: Mutex::new(None),
            last_unknown_kid_fetch: tokio::sync::Mutex::new(None),
            config: self,
        });
        let max_age = remote.fetch(store).await?;
        store.remote.add(Arc::clone(&remote));
        let task_store = Arc::clone(store);
        let task_remote = Arc::clone(&remote);
        let task = tokio::spawn(async move {
            let mut wait = task_remote.clamp(max_age);
            loop {
                tokio::time::sleep(wait).await;
                wait = match task_remote.fetch(&task_store).await {
                    Ok(max_age) => task_remote.clamp(max_age),
                    Err(_) => task_remote.config.min_refresh,
                };
            }
        });
        Ok(JwksWatcher { task })
    }

    fn origin(&self) -> String {
        match &self.target {
            Target::Jwks(url) | Target::Issuer(url) => url.clone(),
        }
    }
}

/// A running [`JwksSource`]. Dropping it leaves the refreshes running for the life of the
/// runtime; [`stop`](Self::stop) ends them (the keys stay in the store).
#[derive(Debug)]
pub struct JwksWatcher {
    task: JoinHandle<()>,
}

impl JwksWatcher {
    /// Stops the scheduled refreshes.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// The remote sources of a [`KeyStore`], asked for new keys when a token's `kid` is unknown.
#[derive(Debug, Default)]
pub(crate) struct Remotes {
    remotes: Mutex<Vec<Arc<Remote>>>,
}

impl Remotes {
    fn add(&self, remote: Arc<Remote>) {
        self.remotes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(remote);
    }

    pub(crate) fn any(&self) -> bool {
        !self
            .remotes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Lets each source re-fetch if its unknown-kid interval allows; returns once done.
    pub(crate) async fn unknown_kid(&self, store: &KeyStore) {
        let remotes = self
            .remotes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for remote in remotes {
            remote.unknown_kid(store).await;
        }
    }
}

/// The members of an OIDC discovery document this crate reads.
#[derive(serde::Deserialize)]
struct Document {
    issuer: String,
    jwks_uri: String,
}

#[derive(Debug)]
struct Remote {
    config: JwksSource,
    part: usize,
    client: reqwest::Client,
    /// The JWKS URL found by discovery.
    resolved: Mutex<Option<String>>,
    /// When the last unknown-kid fetch started. An async lock: requests with unknown kids
    /// wait here while that fetch runs, then verify again with its keys.
    last_unknown_kid_fetch: tokio::sync::Mutex<Option<Instant>>,
}

impl Remote {
    fn clamp(&self, max_age: Option<Duration>) -> Duration {
        let min = self.config.min_refresh;
        let max = self.config.max_refresh.max(min);
        max_age.unwrap_or(max).clamp(min, max)
    }

    async fn unknown_kid(&self, store: &KeyStore) {
        let mut last = self.last_unknown_kid_fetch.lock().await;
        if last.is_some_and(|at| at.elapsed() < self.config.unknown_kid_interval) {
            return;
        }
        *last = Some(Instant::now());
        tracing::info!("token with an unknown kid: fetching the JWKS again");
        let _ = self.fetch(store).await;
    }

    /// One fetch, bounded by the timeout; publishes the keys or logs why not. Returns the
    /// document's `max-age`.
    async fn fetch(&self, store: &KeyStore) -> Result<Option<Duration>, LoadError> {
        store.fetches.increment();
        let result = match tokio::time::timeout(self.config.timeout, self.fetch_keys()).await {
            Ok(result) => result,
            Err(_) => Err(LoadError::new(self.config.origin(), LoadErrorKind::Timeout)),
        };
        let published = result.and_then(|(url, keys, max_age)| {
            let len = keys.len();
            store
                .set_part(self.part, keys)
                .map_err(|e| LoadError::new(url.clone(), LoadErrorKind::Key(e)))?;
            tracing::info!(url, keys = len, "JWKS fetched");
            Ok(max_age)
        });
        match &published {
            Ok(_) => store.reloads.increment(),
            Err(error) => {
                store.fetch_failures.increment();
                if matches!(self.config.target, Target::Issuer(_)) {
                    // Discover again next time: the provider may have moved its keys.
                    *self.resolved.lock().unwrap_or_else(PoisonError::into_inner) = None;
                }
                tracing::warn!(
                    url = error.origin(),
                    reason = error.code(),
                    %error,
                    "JWKS not fetched: keeping the last good keys"
                );
            }
        }
        published
    }

    async fn fetch_keys(&self) -> Result<(String, KeySet<MAX_KEYS>, Option<Duration>), LoadError> {
        let url = self.jwks_url().await?;
        let (body, cache_control) = self.get(&url).await?;
        let keys = std::str::from_utf8(&body)
            .map_err(|_| edjwt::Error::InvalidKey)
            .and_then(KeySet::from_jwks)
            .map_err(|e| LoadError::new(url.clone(), LoadErrorKind::Key(e)))?;
        Ok((url, keys, cache_control.as_deref().and_then(max_age)))
    }

    async fn jwks_url(&self) -> Result<String, LoadError> {
        let issuer = match &self.config.target {
            Target::Jwks(url) => return Ok(url.clone()),
            Target::Issuer(issuer) => issuer,
        };
        if let Some(url) = self
            .resolved
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Ok(url);
        }
        let discovery = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let (body, _) = self.get(&discovery).await?;
        let document: Document = serde_json::from_slice(&body)
            .map_err(|_| LoadError::new(discovery.clone(), LoadErrorKind::Discovery))?;
        if document.issuer != *issuer {
            return Err(LoadError::new(discovery, LoadErrorKind::Discovery));
        }
        *self.resolved.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(document.jwks_uri.clone());
        Ok(document.jwks_uri)
    }

    /// GET with the size cap applied while reading (a `Content-Length` over it fails
    /// before the body; a body without one is cut off at the cap).
    async fn get(&self, url: &str) -> Result<(Vec<u8>, Option<String>), LoadError> {
        let error = |kind| LoadError::new(url, kind);
        let transport = |e: reqwest::Error| {
            if e.is_timeout() {
                error(LoadErrorKind::Timeout)
            } else {
                error(LoadErrorKind::Transport(e.to_string()))
            }
        };
        let mut response = self.client.get(url).send().await.map_err(transport)?;
        let status = response.status();
        if !status.is_success() {
            return Err(error(LoadErrorKind::Status(status.as_u16())));
        }
        let cap = self.config.max_body;
        if response
            .content_length()
            .is_some_and(|len| usize::try_from(len).map_or(true, |len| len > cap))
        {
            return Err(error(LoadErrorKind::TooLarge));
        }
        let cache_control = response
            .headers()
            .get(CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len().saturating_add(chunk.len()) > cap {
                return Err(error(LoadErrorKind::TooLarge));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, cache_control))
    }
}

/// The `max-age` of a `Cache-Control` value (RFC 9111 §5.2.2.1: `max-age=delta-seconds`,
/// directives comma-separated, names case-insensitive). `no-store` and `no-cache` count
/// as 0 (the lower bound applies).
fn max_age(cache_control: &str) -> Option<Duration> {
    let mut found = None;
    for directive in cache_control.split(',') {
        let directive = directive.trim();
        let (name, value) = directive.split_once('=').unwrap_or((directive, ""));
        if name.eq_ignore_ascii_case("no-store") || name.eq_ignore_ascii_case("no-cache") {
            return Some(Duration::ZERO);
        }
        if name.eq_ignore_ascii_case("max-age") {
            found = value
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_control_max_age() {
        assert_eq!(max_age("max-age=300"), Some(Duration::from_secs(300)));
        assert_eq!(
            max_age("public, Max-Age=60, must-revalidate"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(max_age("s-maxage=10"), None);
        assert_eq!(max_age("no-cache"), Some(Duration::ZERO));
        assert_eq!(max_age("max-age=abc"), None);
        assert_eq!(max_age(""), None);
    }
}
