//! A fixed-capacity set of verifying keys, for rotation (`kid`) and JWKS documents.

use core::ops::Deref;

use crate::error::Error;
use crate::json::{self, Value};
use crate::key::{JwkFields, VerifyingKey};

/// Up to `N` verifying keys, stored inline (no heap).
///
/// A token with `kid` is checked against the keys with that `kid` and the keys without
/// one; a token without `kid` against every key. So a token costs at most `N` signature
/// checks, and a `kid` that selects nothing is `unknown-key` before any cryptography.
///
/// Derefs to `[VerifyingKey]`, which is what [`Verifier::new`](crate::Verifier::new) takes.
#[derive(Clone, Debug)]
pub struct KeySet<const N: usize> {
    keys: heapless::Vec<VerifyingKey, N>,
}

impl<const N: usize> KeySet<N> {
    /// An empty set.
    #[must_use]
    pub const fn new() -> Self {
        KeySet {
            keys: heapless::Vec::new(),
        }
    }

    /// Adds a key.
    ///
    /// # Errors
    /// [`Error::KeySetFull`] when the set already holds `N` keys.
    pub fn push(&mut self, key: VerifyingKey) -> Result<(), Error> {
        self.keys.push(key).map_err(|_| Error::KeySetFull)
    }

    /// A set with the Ed25519 signature keys of a JWKS document (RFC 7517 §5).
    ///
    /// See [`add_jwks`](Self::add_jwks).
    ///
    /// # Errors
    /// As for [`add_jwks`](Self::add_jwks).
    pub fn from_jwks(jwks: &str) -> Result<Self, Error> {
        let mut set = Self::new();
        set.add_jwks(jwks)?;
        Ok(set)
    }

    /// Adds the Ed25519 signature keys of a JWKS document and returns how many.
    ///
    /// Keys of other types or uses (RSA, EC, X25519, `"use":"enc"`, another `alg`) are
    /// skipped, as identity providers publish mixed sets. An Ed25519 key that is malformed,
    /// weak or private fails the whole document: a half-loaded key set hides mistakes.
    ///
    /// # Errors
    /// [`Error::InvalidKey`] when the text is not strict JSON with a `keys` array of objects,
    /// [`Error::UnsupportedKey`] when it holds no usable key, [`Error::KeySetFull`], and the
    /// errors of [`VerifyingKey::from_jwk`] for an Ed25519 key. On error the set is unchanged.
    pub fn add_jwks(&mut self, jwks: &str) -> Result<usize, Error> {
        let keys = JwkFields::parse(jwks.as_bytes())?
            .keys
            .ok_or(Error::InvalidKey)?;
        self.add_keys_value(keys)
    }

    /// Adds the keys of the `keys` member of a JWKS (RFC 7517 §5): all or none.
    fn add_keys_value(&mut self, keys: Value<'_>) -> Result<usize, Error> {
        let Value::Array(array) = keys else {
            return Err(Error::InvalidKey);
        };
        let before = self.keys.len();
        let result = self.add_jwk_array(array);
        if result.is_err() {
            self.keys.truncate(before);
        }
        result
    }

    /// Adds the key(s) in `text`, whichever of the accepted text forms it is: a `PUBLIC
    /// KEY` PEM, a JWK or a JWKS document. Returns how many keys were added.
    ///
    /// # Errors
    /// Those of [`VerifyingKey::from_pem`], [`VerifyingKey::from_jwk`] and
    /// [`add_jwks`](Self::add_jwks), and [`Error::InvalidKey`] for text that is none of them.
    pub fn add_text(&mut self, text: &str) -> Result<usize, Error> {
        // ASCII whitespace only (bytes, no Unicode tables): the PEM and JSON readers accept
        // no other leading whitespace either.
        let trimmed = text.as_bytes().trim_ascii_start();
        if trimmed.starts_with(b"-----BEGIN ") {
            self.push(VerifyingKey::from_pem(text)?)?;
            return Ok(1);
        }
        if !trimmed.starts_with(b"{") {
            return Err(Error::InvalidKey);
        }
        // One parse tells a JWKS from a single JWK and reads either.
        let fields = JwkFields::parse(text.as_bytes())?;
        if let Some(keys) = fields.keys {
            self.add_keys_value(keys)
        } else {
            self.push(VerifyingKey::from_jwk_fields(&fields)?)?;
            Ok(1)
        }
    }

    fn add_jwk_array(&mut self, array: &str) -> Result<usize, Error> {
        let mut added = 0usize;
        for element in json::elements(array) {
            let Value::Object(jwk) = element else {
                return Err(Error::InvalidKey);
            };
            match VerifyingKey::from_jwk(jwk) {
                Ok(key) => {
                    self.push(key)?;
                    added = added.saturating_add(1);
                }
                Err(Error::UnsupportedKey) => {}
                Err(e) => return Err(e),
            }
        }
        if added == 0 {
            return Err(Error::UnsupportedKey);
        }
        Ok(added)
    }

    /// The keys as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[VerifyingKey] {
        &self.keys
    }
}

impl<const N: usize> Default for KeySet<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deref for KeySet<N> {
    type Target = [VerifyingKey];

    fn deref(&self) -> &[VerifyingKey] {
        &self.keys
    }
}
