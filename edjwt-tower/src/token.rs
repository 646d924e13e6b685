//! The registered claims of a verified token, owned, for handlers and logs.

/// What the layer verified, put into the request extensions of every accepted request
/// (and extracted by handlers with the `axum` feature).
///
/// Everything here comes from a token whose signature verified and whose claims passed
/// the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedToken {
    subject: Option<String>,
    kid: Option<String>,
    expires_at: Option<u64>,
    claims_json: String,
}

impl VerifiedToken {
    pub(crate) fn new(
        subject: Option<String>,
        kid: Option<String>,
        expires_at: Option<u64>,
        claims_json: String,
    ) -> Self {
        VerifiedToken {
            subject,
            kid,
            expires_at,
            claims_json,
        }
    }

    /// `sub`, unescaped.
    #[must_use]
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// The header's `kid`, unescaped.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// `exp` in whole seconds since the Unix epoch (a fraction rounded down); `None` for a
    /// token without `exp`, which only a policy with `allow_missing_exp` accepts.
    #[must_use]
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The claims set JSON exactly as signed (strict RFC 8259 JSON, already validated), for
    /// handlers that pass the claims on or read members `T` does not name.
    #[must_use]
    pub fn claims_json(&self) -> &str {
        &self.claims_json
    }
}
