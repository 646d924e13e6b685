//! Where a token comes from: the argument or standard input, bare or as an `Authorization`
//! header value (`Bearer <token>`).

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read};

use edjwt::Error;

use crate::failure::{Failure, Refusal};

/// Most bytes read from standard input: 1 MiB. Far above any token the core accepts
/// (`DEFAULT_MAX_TOKEN_LEN` is 8 KiB), so the core still says `token-too-large` for big
/// tokens; the bound only keeps a runaway pipe from filling memory.
pub(crate) const MAX_INPUT: usize = 1024 * 1024;

/// The whole input text: the TOKEN argument, or standard input when it is absent or `-`.
///
/// # Errors
/// A [`Refusal`] for input that cannot be a token (over [`MAX_INPUT`], not UTF-8), a
/// usage [`Failure`] when standard input cannot be read.
pub(crate) fn read(arg: Option<OsString>) -> Result<String, Failure> {
    match arg {
        Some(arg) if arg != "-" => arg.into_string().map_err(|_| {
            Failure::from(Refusal::new(
                Error::Malformed,
                "the TOKEN argument is not UTF-8 text",
            ))
        }),
        _ => read_stdin(),
    }
}

fn read_stdin() -> Result<String, Failure> {
    let stdin = io::stdin();
    if stdin.is_terminal() {
        crate::output::err("reading the token from standard input (end with Ctrl-D)...");
    }
    let bytes = read_bounded(stdin.lock(), MAX_INPUT)
        .map_err(|e| Failure::Usage(format!("cannot read standard input: {e}")))?;
    if bytes.len() > MAX_INPUT {
        return Err(Refusal::new(
            Error::TokenTooLarge,
            "standard input holds more than 1 MiB; a token is a few hundred bytes",
        )
        .into());
    }
    String::from_utf8(bytes)
        .map_err(|_| Refusal::new(Error::Malformed, "standard input is not UTF-8 text").into())
}

/// Reads at most `limit + 1` bytes: enough to tell a reader at the limit from one over it.
pub(crate) fn read_bounded(reader: impl Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The token in `input`: surrounding whitespace trimmed, and an `Authorization` header value
/// (`Bearer <token>`, scheme case-insensitive, optionally after `Authorization:`) unwrapped
/// with [`edjwt::bearer_token`].
///
/// # Errors
/// `missing-token` for empty input or another scheme (`Basic ...`), `malformed` for a
/// `Bearer` value that is not exactly one token.
pub(crate) fn token(input: &str) -> Result<&str, Refusal> {
    let text = input.trim();
    // Pasted from `curl -v` or a log: `Authorization: Bearer eyJ...`.
    let text = strip_prefix_ignore_case(text, "authorization:").map_or(text, str::trim_start);
    if text.is_empty() {
        return Err(Refusal::new(
            Error::MissingToken,
            "no token: pass it as the TOKEN argument or on standard input",
        ));
    }
    let scheme = text.split([' ', '\t']).next().unwrap_or_default();
    let is_header = text.contains([' ', '\t']) && scheme.bytes().all(|b| b.is_ascii_alphabetic());
    if !is_header && !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(text);
    }
    edjwt::bearer_token(Some(text)).map_err(|error| {
        let hint = match error {
            Error::MissingToken => format!(
                "the value uses the {} scheme; a JWT comes as `Bearer <token>`",
                crate::text::quote(scheme)
            ),
            _ => "after `Bearer ` must come exactly one token (base64url parts joined by dots)"
                .to_owned(),
        };
        Refusal::new(error, hint)
    })
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(input: &str) -> Result<&str, &'static str> {
        token(input).map_err(|r| r.error.code())
    }

    #[test]
    fn bare_and_bearer() {
        assert_eq!(code("  a.b.c\n"), Ok("a.b.c"));
        assert_eq!(code("Bearer a.b.c"), Ok("a.b.c"));
        assert_eq!(code("bearer a.b.c\n"), Ok("a.b.c"));
        assert_eq!(code("Authorization: BEARER a.b.c"), Ok("a.b.c"));
        assert_eq!(code(""), Err("missing-token"));
        assert_eq!(code(" \n"), Err("missing-token"));
        assert_eq!(code("Basic dXNlcjpwYXNz"), Err("missing-token"));
        assert_eq!(code("Bearer"), Err("malformed"));
        assert_eq!(code("Bearer a b"), Err("malformed"));
        // Not a header: left for the core to call malformed.
        assert_eq!(code("a.b c"), Ok("a.b c"));
    }
}
