//! `NumericDate` (RFC 7519 §2): seconds since the epoch, integer or not, parsed exactly.

use crate::error::Error;

/// Largest accepted `NumericDate`: a signed 64-bit count of seconds (`i64::MAX`), the range
/// every mainstream JWT library and `time_t` use. Anything beyond is `invalid-claim`.
const MAX_SECONDS: u64 = 9_223_372_036_854_775_807;

/// A validated `exp`, `nbf` or `iat` value.
///
/// RFC 7519 §2 allows non-integer values. The whole seconds are kept exactly and a
/// fractional part is remembered, so comparisons can be conservative: a fraction never
/// extends a token's life (`exp` rounds down, `nbf` and `iat` round up).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NumericDate {
    seconds: u64,
    fraction: bool,
}

impl NumericDate {
    /// A whole number of seconds since 1970-01-01T00:00:00Z, or `None` beyond `i64::MAX`.
    #[must_use]
    pub const fn from_seconds(seconds: u64) -> Option<Self> {
        if seconds > MAX_SECONDS {
            None
        } else {
            Some(NumericDate {
                seconds,
                fraction: false,
            })
        }
    }

    /// The whole seconds (the value rounded down).
    #[must_use]
    pub const fn seconds(self) -> u64 {
        self.seconds
    }

    /// Whether the JSON number had a non-zero fractional part.
    #[must_use]
    pub const fn has_fraction(self) -> bool {
        self.fraction
    }

    /// The value rounded up to whole seconds.
    #[must_use]
    pub const fn seconds_ceil(self) -> u64 {
        if self.fraction {
            self.seconds.saturating_add(1)
        } else {
            self.seconds
        }
    }

    /// Parses an RFC 8259 number text (already validated by the JSON layer).
    ///
    /// Integers, fractions and exponents are all exact: `1.7e9` is 1700000000 and
    /// `1700003600.5` is 1700003600 with a fraction. Negative values (a minus sign, even on
    /// zero), and values beyond [`MAX_SECONDS`] are rejected, never clamped.
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let bytes = text.as_bytes();
        // Fast path: a plain integer of at most 18 digits (< 10^18 < i64::MAX) cannot
        // overflow. Almost every real token takes it; the general path below gives the same
        // result.
        if bytes.len() <= 18 {
            // Digits checked and summed in one loop; anything else takes the general path.
            let mut seconds = 0u64;
            let mut digits = true;
            for &b in bytes {
                let d = b.wrapping_sub(b'0');
                digits &= d <= 9;
                seconds = seconds.wrapping_mul(10).wrapping_add(u64::from(d));
            }
            if digits {
                return Ok(NumericDate {
                    seconds,
                    fraction: false,
                });
            }
        }
        if bytes.first() == Some(&b'-') {
            return Err(Error::InvalidClaim);
        }
        let (mantissa, exponent) = match bytes.iter().position(|&b| b == b'e' || b == b'E') {
            Some(i) => (
                bytes.get(..i).unwrap_or(&[]),
                bytes.get(i.saturating_add(1)..),
            ),
            None => (bytes, None),
        };
        // Digits before the `.` (all of them without one).
        let int_len = mantissa
            .iter()
            .position(|&b| b == b'.')
            .unwrap_or(mantissa.len());
        let exponent = parse_exponent(exponent.unwrap_or(&[]));
        // Decimal place of the first integer digit is `int_len - 1 + exponent`; each
        // following digit is one place lower. Digits at place >= 0 form the integer part,
        // digits below it only tell whether there is a fraction.
        let int_len = i64::try_from(int_len).map_err(|_| Error::InvalidClaim)?;
        let mut place = int_len.saturating_sub(1).saturating_add(exponent);
        let mut seconds: u64 = 0;
        let mut fraction = false;
        for &digit in mantissa {
            if digit == b'.' {
                continue;
            }
            let d = u64::from(digit.wrapping_sub(b'0'));
            if place >= 0 {
                seconds = shift_in(seconds, d)?;
            } else if d != 0 {
                fraction = true;
            }
            place = place.saturating_sub(1);
        }
        // Trailing zeros implied by a large exponent (`17e8`): `place` is now one below the
        // last digit's place, so `place + 1` zeros remain.
        let mut zeros = place.saturating_add(1);
        while zeros > 0 && seconds != 0 {
            seconds = shift_in(seconds, 0)?;
            zeros = zeros.saturating_sub(1);
        }
        if seconds > MAX_SECONDS {
            return Err(Error::InvalidClaim);
        }
        Ok(NumericDate { seconds, fraction })
    }
}

/// `seconds * 10 + digit`, or `invalid-claim` once the result would exceed [`MAX_SECONDS`]
/// (the digits only ever grow the value, so stopping early gives the same answer). A bound
/// check instead of `checked_mul`: on 32-bit WebAssembly that is a 128-bit multiply call.
fn shift_in(seconds: u64, digit: u64) -> Result<u64, Error> {
    if seconds > MAX_SECONDS / 10 {
        return Err(Error::InvalidClaim);
    }
    // At most (MAX_SECONDS / 10) * 10 + 9 < 2^64: no wrap.
    Ok(seconds.wrapping_mul(10).wrapping_add(digit))
}

/// The exponent of a validated number, saturated far beyond any meaningful range.
fn parse_exponent(text: &[u8]) -> i64 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    // Saturate at ±10^6: past ~20 every non-zero value is out of range or a pure fraction.
    // 32-bit arithmetic that cannot overflow (at most 10^6 * 10 + 9 before each clamp): a
    // 64-bit overflow-checked multiply costs WebAssembly a 128-bit multiply helper call.
    let mut value: u32 = 0;
    for &digit in digits {
        value = value
            .wrapping_mul(10)
            .wrapping_add(u32::from(digit.wrapping_sub(b'0')));
        value = value.min(1_000_000);
    }
    let value = i64::from(value);
    if negative {
        value.wrapping_neg()
    } else {
        value
    }
}
