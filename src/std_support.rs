//! The `std` feature: key files from disk and the system clock.

use std::io;
use std::path::Path;

use crate::error::Error;
use crate::key::VerifyingKey;
use crate::key_set::KeySet;

/// Largest key file read, in bytes: 64 KiB, read into a stack buffer (no heap even here).
/// A PEM key is 113 bytes and a JWKS of a few dozen keys a few KiB.
pub const MAX_KEY_FILE_LEN: usize = 64 * 1024;

impl<const N: usize> KeySet<N> {
    /// Adds the key(s) in a file: `PUBLIC KEY` PEM, DER `SubjectPublicKeyInfo`, JWK or JWKS.
    /// Returns how many keys were added.
    ///
    /// # Errors
    /// An [`io::Error`] from opening or reading the file (its kind says which: `NotFound`,
    /// `PermissionDenied`, ...), or one of kind `InvalidData` wrapping the key [`Error`]
    /// (reach it with `err.get_ref().and_then(|e| e.downcast_ref::<edjwt::Error>())`).
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> io::Result<usize> {
        // A stack buffer keeps even this path heap-free; key loading runs at start-up on a
        // thread with a full-size stack.
        #[allow(clippy::large_stack_arrays)]
        let mut buf = [0u8; MAX_KEY_FILE_LEN];
        let bytes = read_limited(path.as_ref(), &mut buf)?;
        let added = match core::str::from_utf8(bytes) {
            Ok(text) => self.add_text(text),
            // Not UTF-8: binary DER.
            Err(_) => VerifyingKey::from_spki_der(bytes).and_then(|key| self.push(key).map(|()| 1)),
        };
        added.map_err(invalid_data)
    }

    /// A set holding the key(s) of one file; see [`add_file`](Self::add_file).
    ///
    /// # Errors
    /// As for [`add_file`](Self::add_file).
    pub fn from_file(path: impl AsRef<Path>) -> io::Result<Self> {
        let mut set = Self::new();
        set.add_file(path)?;
        Ok(set)
    }
}

impl VerifyingKey {
    /// The single key in a file (PEM, DER or JWK).
    ///
    /// # Errors
    /// As for [`KeySet::add_file`]; a JWKS with more than one key is [`Error::InvalidKey`].
    pub fn from_file(path: impl AsRef<Path>) -> io::Result<Self> {
        let mut set = KeySet::<1>::new();
        set.add_file(path).map_err(|e| {
            match e.get_ref().and_then(|i| i.downcast_ref::<Error>()) {
                Some(Error::KeySetFull) => invalid_data(Error::InvalidKey),
                _ => e,
            }
        })?;
        set.first()
            .cloned()
            .ok_or_else(|| invalid_data(Error::InvalidKey))
    }
}

fn read_limited<'b>(path: &Path, buf: &'b mut [u8]) -> io::Result<&'b [u8]> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut len = 0usize;
    while let Some(free) = buf.get_mut(len..) {
        if free.is_empty() {
            // Full: one more byte means the file is over the limit.
            if file.read(&mut [0u8; 1])? != 0 {
                return Err(invalid_data(Error::InvalidKey));
            }
            break;
        }
        match file.read(free) {
            Ok(0) => break,
            Ok(n) => len = len.saturating_add(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.get(..len)
        .ok_or_else(|| invalid_data(Error::InvalidKey))
}

fn invalid_data(error: Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

/// The current time in whole seconds since the Unix epoch, for the `now` argument.
///
/// Not available on `wasm32-unknown-unknown`, which has no clock: edge hosts pass `now`.
/// A clock set before 1970 gives 0.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
#[must_use]
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
