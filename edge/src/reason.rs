//! The reasons of the ABI: the core's stable numbers ([`Error::number`], shared with the C
//! ABI), plus the one mistake only a host can make, and the RFC 6750 challenge built from
//! the core's message.

use edjwt::Error;

/// Success.
pub const OK: u32 = 0;

/// A host mistake the core cannot make: a length beyond a buffer's capacity for key or
/// policy text, an unknown policy field, policy text that is not UTF-8 or does not fit.
/// The C ABI's number for the same mistake.
pub const INVALID_ARGUMENT: u32 = 201;

/// Code string of [`INVALID_ARGUMENT`].
pub const INVALID_ARGUMENT_CODE: &str = "invalid-argument";

/// Why a call failed: a core rejection, or a host mistake at the ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A rejection by the core crate, with its own code, status and challenge.
    Core(Error),
    /// [`INVALID_ARGUMENT`].
    InvalidArgument,
}

impl From<Error> for Reason {
    fn from(error: Error) -> Self {
        Reason::Core(error)
    }
}

impl Reason {
    /// The stable number (see the table in `edge/README.md`).
    #[must_use]
    pub const fn number(self) -> u32 {
        match self {
            Reason::Core(error) => number(error),
            Reason::InvalidArgument => INVALID_ARGUMENT,
        }
    }

    /// The kebab-case code: the core's `Error::code()`, or `invalid-argument`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Reason::Core(error) => error.code(),
            Reason::InvalidArgument => INVALID_ARGUMENT_CODE,
        }
    }

    /// The HTTP status: the core's (401 for a token, 500 for a key or memory problem), 500
    /// for a host mistake.
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            Reason::Core(error) => error.http_status(),
            Reason::InvalidArgument => 500,
        }
    }

    /// Writes the RFC 6750 `WWW-Authenticate` value into `out` and returns its length:
    /// exactly the core's `Error::www_authenticate()` (`Bearer` for `missing-token`, else
    /// `Bearer error="invalid_token", error_description="<message>"`); empty for a 500 (a
    /// key or memory problem, or a host mistake), which carries no challenge.
    ///
    /// Built from the constant prefix and `Error::message()` rather than taken from
    /// `Error::www_authenticate()`, whose 26 complete strings would repeat the prefix and
    /// every message in the module's data (~1.9 KB).
    pub fn write_challenge(self, out: &mut [u8; CHALLENGE_CAP]) -> usize {
        let Reason::Core(error) = self else {
            return 0;
        };
        if error.http_status() != 401 {
            return 0;
        }
        let len = put(out, 0, INVALID_TOKEN_PREFIX);
        let len = put(out, len, error.message().as_bytes());
        let len = put(out, len, b"\"");
        // `missing-token`: the first word of what was written, one path for both
        // (44 bytes of WebAssembly less than writing `Bearer` on its own).
        if error == Error::MissingToken {
            BEARER.len()
        } else {
            len
        }
    }
}

/// Copies `bytes` into `out` at `at` (nothing when they would not fit: never, as checked
/// below) and returns where they end.
fn put(out: &mut [u8], at: usize, bytes: &[u8]) -> usize {
    let end = at.saturating_add(bytes.len());
    if let Some(slot) = out.get_mut(at..end) {
        slot.copy_from_slice(bytes);
    }
    end
}

/// The challenge of `missing-token` (RFC 6750 §3.1): the first word of the prefix below.
const BEARER: &[u8] = b"Bearer";

/// Every other challenge up to the message.
const INVALID_TOKEN_PREFIX: &[u8] = b"Bearer error=\"invalid_token\", error_description=\"";

// `write_challenge` gives `missing-token` the start of the prefix.
#[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
const _: () = {
    let mut i = 0;
    while i < BEARER.len() {
        assert!(INVALID_TOKEN_PREFIX[i] == BEARER[i]);
        i += 1;
    }
};

/// Capacity of the challenge buffer: the prefix, the longest message (50 bytes now) and the
/// closing quote fit with room to spare.
pub const CHALLENGE_CAP: usize = 128;

// Every core message fits: a longer one added later fails the build here.
#[allow(clippy::arithmetic_side_effects)]
const _: () = {
    let mut i = 0;
    while i < Error::ALL.len() {
        #[allow(clippy::indexing_slicing)]
        let message = Error::ALL[i].message();
        assert!(INVALID_TOKEN_PREFIX.len() + message.len() < CHALLENGE_CAP);
        i += 1;
    }
};

/// The stable number of a core reason: the core's own ([`Error::number`]), the numbers of
/// the C ABI too.
#[must_use]
pub const fn number(error: Error) -> u32 {
    // `u32::from` is not `const`; the conversion widens.
    #[allow(clippy::as_conversions)]
    let number = error.number() as u32;
    number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_the_core_s_exactly() {
        let mut buf = [0u8; CHALLENGE_CAP];
        for &error in Error::ALL {
            let len = Reason::Core(error).write_challenge(&mut buf);
            assert_eq!(
                &buf[..len],
                error.www_authenticate().unwrap_or("").as_bytes(),
                "{error:?}"
            );
        }
        buf.fill(b'x');
        assert_eq!(Reason::InvalidArgument.write_challenge(&mut buf), 0);
    }

    #[test]
    fn every_core_reason_has_its_own_number() {
        let mut seen = [false; 256];
        for &error in Error::ALL {
            let n = usize::try_from(number(error)).unwrap();
            assert!(!seen[n], "{} reuses {n}", error.code());
            seen[n] = true;
        }
        assert!(!seen[usize::try_from(INVALID_ARGUMENT).unwrap()]);
    }

    /// The numbers are the core's, which the C ABI shares: one table for every host.
    #[test]
    fn numbers_are_the_core_s() {
        for &error in Error::ALL {
            assert_eq!(number(error), u32::from(error.number()), "{}", error.code());
        }
        assert_eq!(Error::from_number(16), Some(Error::WrongAudience));
        assert_eq!(
            Error::from_number(u16::try_from(INVALID_ARGUMENT).unwrap()),
            None
        );
    }
}
