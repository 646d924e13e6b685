//! Why a key source could not load keys.

use std::fmt;
use std::io;

/// A key source failed: a file that cannot be read or holds no usable key, or a JWKS URL
/// that cannot be fetched. At start-up it is returned; later it is logged and the source
/// keeps its last good keys.
#[derive(Debug)]
pub struct LoadError {
    origin: String,
    kind: LoadErrorKind,
}

/// What went wrong, by class.
#[derive(Debug)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// Opening or reading a file failed.
    Io(io::Error),
    /// The text is not usable keys; the edjwt key reason (`invalid-key`, `private-key`,
    /// `weak-key`, `unsupported-key`, `key-set-full`, ...).
    Key(edjwt::Error),
    /// The HTTP answer had this non-success status.
    Status(u16),
    /// The fetch did not finish within the configured timeout.
    Timeout,
    /// The body is larger than the configured cap.
    TooLarge,
    /// Connection, TLS or protocol failure.
    Transport(String),
    /// The OIDC discovery document is not JSON with a string `jwks_uri`.
    Discovery,
}

impl LoadError {
    pub(crate) fn new(origin: impl Into<String>, kind: LoadErrorKind) -> Self {
        LoadError {
            origin: origin.into(),
            kind,
        }
    }

    /// The file path or URL.
    #[must_use]
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &LoadErrorKind {
        &self.kind
    }

    /// A short stable code for logs: the edjwt key reason (`private-key`, ...) or `io`,
    /// `http-status`, `timeout`, `too-large`, `transport`, `discovery`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match &self.kind {
            LoadErrorKind::Io(_) => "io",
            LoadErrorKind::Key(e) => e.code(),
            LoadErrorKind::Status(_) => "http-status",
            LoadErrorKind::Timeout => "timeout",
            LoadErrorKind::TooLarge => "too-large",
            LoadErrorKind::Transport(_) => "transport",
            LoadErrorKind::Discovery => "discovery",
        }
    }

    /// From `KeySet::add_file`'s error: the key reason when there is one.
    pub(crate) fn from_file(path: &std::path::Path, error: io::Error) -> Self {
        let kind = match error
            .get_ref()
            .and_then(|e| e.downcast_ref::<edjwt::Error>())
        {
            Some(key) => LoadErrorKind::Key(*key),
            None => LoadErrorKind::Io(error),
        };
        LoadError::new(path.display().to_string(), kind)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = &self.origin;
        match &self.kind {
            LoadErrorKind::Io(e) => write!(f, "{origin}: {e}"),
            LoadErrorKind::Key(e) => write!(f, "{origin}: {e} ({})", e.code()),
            LoadErrorKind::Status(status) => write!(f, "{origin}: HTTP status {status}"),
            LoadErrorKind::Timeout => write!(f, "{origin}: timed out"),
            LoadErrorKind::TooLarge => write!(f, "{origin}: body larger than the cap"),
            LoadErrorKind::Transport(e) => write!(f, "{origin}: {e}"),
            LoadErrorKind::Discovery => {
                write!(f, "{origin}: no jwks_uri in the discovery document")
            }
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            LoadErrorKind::Io(e) => Some(e),
            LoadErrorKind::Key(e) => Some(e),
            _ => None,
        }
    }
}
