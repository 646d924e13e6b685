//! Human-readable text: UTC dates, relative times, and untrusted strings made safe to print.

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

/// First second of the year 10000: RFC 3339 (and `humantime`) stop at 9999-12-31T23:59:59Z.
const YEAR_10000: u64 = 253_402_300_800;

/// Longest untrusted string shown in a hint, in characters.
const MAX_QUOTED_CHARS: usize = 80;

/// `2023-11-14T22:13:20Z`, or a plain description past year 9999 (`exp` may be any
/// `NumericDate` up to `i64::MAX`).
pub(crate) fn utc(seconds: u64) -> String {
    if seconds >= YEAR_10000 {
        return format!("after year 9999 ({seconds} s since 1970)");
    }
    // Checked above: `humantime`'s Display fails (and `to_string` would panic) past 9999.
    match UNIX_EPOCH.checked_add(Duration::from_secs(seconds)) {
        Some(time) => humantime::format_rfc3339_seconds(time).to_string(),
        None => format!("{seconds} s since 1970"),
    }
}

/// A duration in at most two units: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`, `31 years`.
pub(crate) fn span(seconds: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    let two = |big: u64, big_unit: &str, small: u64, small_unit: &str| {
        if small == 0 {
            format!("{big} {big_unit}")
        } else {
            format!("{big} {big_unit} {small} {small_unit}")
        }
    };
    match seconds {
        s if s < MIN => format!("{s} s"),
        s if s < HOUR => two(s / MIN, "min", s % MIN, "s"),
        s if s < DAY => two(s / HOUR, "h", s % HOUR / MIN, "min"),
        s if s < 2 * YEAR => two(s / DAY, "d", s % DAY / HOUR, "h"),
        s => format!("{} years", s / YEAR),
    }
}

/// `3 h ago` or `in 12 min` for time `t` seen from `now`.
pub(crate) fn relative(t: u64, now: u64) -> String {
    if t <= now {
        format!("{} ago", span(now.abs_diff(t)))
    } else {
        format!("in {}", span(t.abs_diff(now)))
    }
}

/// An untrusted string as a quoted, escaped literal, cut at [`MAX_QUOTED_CHARS`]: control
/// characters, bidirectional overrides and other invisible characters are escaped so a
/// token cannot rewrite the operator's terminal or hide text.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(4 * MAX_QUOTED_CHARS).saturating_add(2));
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        if i == MAX_QUOTED_CHARS {
            out.push_str("\"…");
            return out;
        }
        // `escape_debug` escapes `"`, `\`, controls and non-printable characters
        // (C1 controls, U+202E and the other format characters included).
        let _ = write!(out, "{}", c.escape_debug());
    }
    out.push('"');
    out
}

/// Makes JSON text safe for a terminal while keeping it valid JSON: characters that JSON
/// allows raw inside strings but a terminal would act on (C1 controls such as U+009B CSI,
/// bidirectional controls, other invisible format characters) become `\uXXXX` escapes.
/// Outside strings JSON allows only ASCII whitespace, so every such character is inside
/// a string and the escape means the same text.
pub(crate) fn terminal_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_dangerous(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Non-ASCII characters that control a terminal or change how text around them reads.
fn is_dangerous(c: char) -> bool {
    matches!(c,
        '\u{80}'..='\u{9f}'            // C1 controls (CSI, OSC, ...)
        | '\u{ad}'                     // soft hyphen (invisible)
        | '\u{61c}'                    // Arabic letter mark
        | '\u{200b}'..='\u{200f}'      // zero-width characters, LRM, RLM
        | '\u{2028}'..='\u{202e}'      // line/paragraph separators, bidi embeddings
        | '\u{2060}'..='\u{2069}'      // word joiner, invisible operators, bidi isolates
        | '\u{feff}'                   // zero-width no-break space / BOM
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_700_000_100), "2023-11-14T22:15:00Z");
        assert_eq!(utc(YEAR_10000 - 1), "9999-12-31T23:59:59Z");
        assert!(utc(YEAR_10000).starts_with("after year 9999"));
        assert!(utc(u64::MAX).starts_with("after year 9999"));
    }

    #[test]
    fn spans() {
        assert_eq!(span(0), "0 s");
        assert_eq!(span(59), "59 s");
        assert_eq!(span(60), "1 min");
        assert_eq!(span(725), "12 min 5 s");
        assert_eq!(span(10_100), "2 h 48 min");
        assert_eq!(span(3 * 86_400 + 3_600), "3 d 1 h");
        assert_eq!(span(u64::MAX), "584942417355 years");
        assert_eq!(relative(100, 160), "1 min ago");
        assert_eq!(relative(160, 100), "in 1 min");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("api"), "\"api\"");
        assert_eq!(
            quote("a\"b\u{1b}[2J\u{202e}"),
            "\"a\\\"b\\u{1b}[2J\\u{202e}\""
        );
        assert!(quote(&"x".repeat(500)).ends_with("\"…"));
    }

    #[test]
    fn terminal_safe() {
        assert_eq!(
            terminal_safe_json("{\"a\":\"\u{9b}2J\u{202e}\"}"),
            "{\"a\":\"\\u009b2J\\u202e\"}"
        );
        assert_eq!(
            terminal_safe_json("{\"a\":\"zoë 😀\"}"),
            "{\"a\":\"zoë 😀\"}"
        );
    }
}
