//! The Ed25519 backend behind [`VerifyingKey`](crate::VerifyingKey): `ed25519-compact` by
//! default, `ed25519-dalek` with the `dalek` feature. No backend type is public.
//!
//! Both backends load keys through the same rule (`ed25519-compact`'s `validate`: canonical
//! encoding, not of small order), so a key set means the same under either. They differ in
//! the verification equation: `ed25519-compact` is cofactored (`[8][S]B = [8]R + [8][k]A`),
//! `ed25519-dalek`'s `verify_strict` is cofactorless (`[S]B = R + [k]A`) and so also rejects
//! the mixed-order signatures (cases 4 and 5 of the ed25519-speccheck vectors, from
//! "Taming the many EdDSAs"), which only the key holder can produce. Both reject S >= L and small-order R.

use crate::error::Error;

/// A validated public key in the backend's own form.
#[derive(Clone)]
pub(crate) struct PublicKey {
    #[cfg(not(feature = "dalek"))]
    key: ed25519_compact::PublicKey,
    /// Decompressed once when loaded, so each verification skips the decompression.
    #[cfg(feature = "dalek")]
    key: ed25519_dalek::VerifyingKey,
}

impl PublicKey {
    /// Validates and converts a 32-byte encoding.
    pub(crate) fn from_bytes(bytes: &[u8; 32]) -> Result<Self, Error> {
        ed25519_compact::PublicKey::new(*bytes)
            .validate()
            .map_err(|_| Error::WeakKey)?;
        #[cfg(not(feature = "dalek"))]
        let key = ed25519_compact::PublicKey::new(*bytes);
        #[cfg(feature = "dalek")]
        let key = ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| Error::WeakKey)?;
        Ok(PublicKey { key })
    }

    /// The 32-byte encoding.
    pub(crate) fn to_bytes(&self) -> [u8; 32] {
        #[cfg(not(feature = "dalek"))]
        return *self.key;
        #[cfg(feature = "dalek")]
        return self.key.to_bytes();
    }

    /// RFC 8032 §5.1.7 verification with the backend's checks.
    pub(crate) fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        #[cfg(not(feature = "dalek"))]
        return self
            .key
            .verify(message, &ed25519_compact::Signature::new(*signature))
            .is_ok();
        #[cfg(feature = "dalek")]
        return self
            .key
            .verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok();
    }
}
