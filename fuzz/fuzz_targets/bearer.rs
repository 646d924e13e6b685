//! The `Authorization` extractor (`bearer_token`): any header value, against a reference
//! written from RFC 6750 §2.1 and `docs/security.md` (`credentials = "Bearer" SP b64token`, scheme
//! case-insensitive and ending at the first space or tab, surrounding spaces and tabs
//! ignored; another scheme or nothing is `missing-token`, `Bearer` with anything but one
//! space and one b64token is `malformed`).
#![no_main]

use edjwt::{bearer_token, Error};
use libfuzzer_sys::fuzz_target;

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
fn is_b64token(s: &str) -> bool {
    let b = s.as_bytes();
    let body = b
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || b"-._~+/".contains(&c))
        .count();
    body > 0 && b[body..].iter().all(|&c| c == b'=')
}

fn reference(value: &str) -> Result<&str, Error> {
    let v = value.trim_matches([' ', '\t']);
    if v.is_empty() {
        return Err(Error::MissingToken);
    }
    let scheme_end = v.find([' ', '\t']).unwrap_or(v.len());
    if !v[..scheme_end].eq_ignore_ascii_case("bearer") {
        return Err(Error::MissingToken);
    }
    let token = v[scheme_end..].strip_prefix(' ').unwrap_or("");
    if is_b64token(token) {
        Ok(token)
    } else {
        Err(Error::Malformed)
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let got = bearer_token(Some(value));
    assert_eq!(got, reference(value), "{value:?}");
    if let Ok(token) = got {
        // The token borrows from the header value.
        let start = token.as_ptr() as usize - value.as_ptr() as usize;
        assert_eq!(&value[start..start + token.len()], token);
    }
});
