//! An independent evaluation of a JSON number as a `NumericDate` (RFC 7519 §2) with the
//! rules of `docs/security.md`: exact decimal value, negative (even `-0`) or beyond
//! `i64::MAX` invalid, whole seconds plus "has a non-zero fraction".
//!
//! Written as decimal string surgery (move the point, pad with zeros), unlike edjwt's
//! digit-place loop, so the two can disagree.

/// Whole seconds and whether a non-zero fraction remains, or `None` when invalid.
pub fn numeric_date(number: &str) -> Option<(u64, bool)> {
    if number.starts_with('-') {
        return None;
    }
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(i) => (&number[..i], exponent_value(&number[i + 1..])),
        None => (number, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: String = format!("{int}{frac}");
    // The decimal point sits after `point` digits of `digits`.
    let point = int.len() as i64 + exponent;
    let (whole, below): (String, &str) = if point <= 0 {
        (String::new(), &digits)
    } else if point as usize >= digits.len() {
        let pad = point as usize - digits.len();
        let significant = digits.trim_start_matches('0');
        if significant.is_empty() {
            (String::new(), "")
        } else if significant.len() + pad > 19 {
            return None;
        } else {
            (format!("{significant}{}", "0".repeat(pad)), "")
        }
    } else {
        let (w, b) = digits.split_at(point as usize);
        (w.to_owned(), b)
    };
    let whole = whole.trim_start_matches('0');
    let seconds = if whole.is_empty() {
        0
    } else if whole.len() > 19 {
        return None;
    } else {
        whole.parse::<u64>().ok()?
    };
    if seconds > i64::MAX as u64 {
        return None;
    }
    let fraction = below.bytes().any(|b| b != b'0');
    Some((seconds, fraction))
}

/// The exponent's value, clamped to ±10^7 (far beyond where anything changes).
fn exponent_value(text: &str) -> i64 {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let digits = digits.trim_start_matches('0');
    let value = if digits.len() > 8 {
        10_000_000
    } else {
        digits.parse::<i64>().unwrap_or(0).min(10_000_000)
    };
    if negative {
        -value
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::numeric_date;

    #[test]
    fn examples() {
        assert_eq!(numeric_date("1700000000"), Some((1_700_000_000, false)));
        assert_eq!(numeric_date("1.7e9"), Some((1_700_000_000, false)));
        assert_eq!(numeric_date("17e8"), Some((1_700_000_000, false)));
        assert_eq!(numeric_date("1700003600.5"), Some((1_700_003_600, true)));
        assert_eq!(numeric_date("0.000"), Some((0, false)));
        assert_eq!(numeric_date("5e-1"), Some((0, true)));
        assert_eq!(numeric_date("-0"), None);
        assert_eq!(
            numeric_date("9223372036854775807"),
            Some((i64::MAX as u64, false))
        );
        assert_eq!(numeric_date("9223372036854775808"), None);
        assert_eq!(numeric_date("0e99999999999"), Some((0, false)));
        assert_eq!(numeric_date("1e19"), None);
        assert_eq!(numeric_date("100e-2"), Some((1, false)));
    }
}
