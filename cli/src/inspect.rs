//! `edjwt inspect`: a token's header and claims, pretty-printed and plainly marked unverified.

use std::ffi::OsString;

use clap::Args;
use edjwt::{Error, Policy, UntrustedToken, Verifier, VerifyingKey};

use crate::failure::{Failure, Refusal};
use crate::output::out;
use crate::signing::b64url_decode;
use crate::text::{relative, terminal_safe_json, utc};
use crate::{diagnose, input};

/// The first line of every `inspect` output.
pub(crate) const BANNER: &str = "UNVERIFIED: signature NOT checked — do not trust these contents";

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  edjwt inspect eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2ln...
  pbpaste | edjwt inspect
  edjwt inspect --now 1700000100 \"$TOKEN\"

Exit status: 0 the token is well-formed (NOT that it is valid: use `edjwt verify`),
1 it is malformed (the reason is the last line on stderr), 2 usage error.")]
pub(crate) struct InspectArgs {
    /// Current time in seconds since 1970, for the relative times (default: the clock).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,

    /// The token, or `Bearer <token>`; read from standard input when absent or `-`.
    #[arg(value_name = "TOKEN")]
    token: Option<OsString>,
}

pub(crate) fn run(args: InspectArgs) -> Result<(), Failure> {
    let input = input::read(args.token).map_err(as_malformed)?;
    let token = input::token(&input).map_err(|r| as_malformed(r.into()))?;
    let mut buf = vec![0u8; token.len()];
    let untrusted = check_form(token)
        .and_then(|()| UntrustedToken::parse(token, &mut buf))
        .map_err(|error| {
            as_malformed(
                Refusal {
                    error,
                    hint: diagnose::format_hint(error, token),
                }
                .into(),
            )
        })?;
    let now = args.now.unwrap_or_else(edjwt::now);

    out(BANNER);
    out("header:");
    let header = untrusted.header().json();
    out(&pretty(header).unwrap_or_else(|| terminal_safe_json(header)));

    // The core hands out no claims before the signature verified (by design), so the
    // payload part is decoded here, for display only. `check_form` made sure it is strict
    // base64url.
    let payload = token
        .split('.')
        .nth(1)
        .and_then(b64url_decode)
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&payload);
    let claims = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .filter(serde_json::Value::is_object);
    let Some(claims) = claims else {
        out(&format!(
            "claims: not a JSON object ({} bytes)",
            payload.len()
        ));
        return Err(as_malformed(
            Refusal::new(
                Error::Malformed,
                "the payload is not a JSON object, so not JWT claims",
            )
            .into(),
        ));
    };
    out("claims:");
    out(&pretty(&text).unwrap_or_default());
    out(&format!("times (now {}):", utc(now)));
    for name in ["iat", "nbf", "exp"] {
        if let Some(value) = claims.get(name) {
            out(&format!("  {name}  {}", describe_time(name, value, now)));
        }
    }
    if claims.get("exp").is_none() {
        out("  exp  absent: `edjwt verify` rejects it unless --allow-missing-exp");
    }
    out(&format!(
        "signature: NOT checked{}; check it with: edjwt verify --key public.pem",
        untrusted
            .kid()
            .map(|k| format!(" (kid {})", crate::text::quote(&k.to_string())))
            .unwrap_or_default()
    ));
    Ok(())
}

/// RFC 8032 §7.1 test 1 public key: a valid point, and no key of any real issuer.
const PROBE_KEY: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

/// The core's verdict on the form of every part. `UntrustedToken::parse` checks the header
/// only (the core decodes payload and signature after choosing keys), so the token is
/// verified against a probe key instead: `bad-signature` (or success, for a token signed
/// by that test key) means the core found every part well-formed.
fn check_form(token: &str) -> Result<(), Error> {
    let key = VerifyingKey::from_bytes(&PROBE_KEY)?;
    let mut buf = vec![0u8; token.len()];
    match Verifier::new(std::slice::from_ref(&key), Policy::new()).verify_jws(token, &mut buf) {
        Ok(_) | Err(Error::BadSignature) => Ok(()),
        Err(error) => Err(error),
    }
}

/// `2023-11-14T23:13:20Z  expires in 58 min 20 s`.
fn describe_time(name: &str, value: &serde_json::Value, now: u64) -> String {
    let Some(t) = numeric_date(value) else {
        return format!(
            "{} is not a NumericDate: `edjwt verify` rejects it (invalid-claim)",
            terminal_safe_json(&value.to_string())
        );
    };
    let when = relative(t, now);
    let note = match (name, t <= now) {
        ("exp", true) => format!("expired {when}"),
        ("exp", false) => format!("expires {when}"),
        ("nbf", true) => format!("valid since {when}"),
        ("nbf", false) => format!("not valid yet: valid {when}"),
        (_, true) => format!("issued {when}"),
        (_, false) => format!("issued in the future ({when})"),
    };
    format!("{}  {note}", utc(t))
}

/// A claim value as the core reads a `NumericDate` (RFC 7519 §2): a JSON number, not
/// negative (not even `-0`), at most `i64::MAX` seconds, rounded down. `None` for what the
/// core calls `invalid-claim`.
pub(crate) fn numeric_date(value: &serde_json::Value) -> Option<u64> {
    let n = value.as_number()?;
    if n.to_string().starts_with('-') {
        return None;
    }
    let seconds = n
        .as_u64()
        .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(saturating_seconds))?;
    (seconds <= u64::try_from(i64::MAX).unwrap_or(u64::MAX)).then_some(seconds)
}

/// `f` (finite, non-negative) as whole seconds, rounded down and capped at `u64::MAX`.
fn saturating_seconds(f: f64) -> u64 {
    // `as` from f64 to u64 saturates and rounds toward zero, which is what is wanted.
    #[allow(
        clippy::as_conversions,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let seconds = f as u64;
    seconds
}

/// Indented JSON, safe for a terminal. serde_json stops at 128 levels of nesting (and
/// the token is at most 8 KiB), so this cannot overflow the stack.
fn pretty(json: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    serde_json::to_string_pretty(&value)
        .ok()
        .map(|s| terminal_safe_json(&s))
}

/// Reports a refusal as `cannot inspect: <code>: <message>` rather than `rejected: ...`
/// (`inspect` judges no signature and no claim: it only could not read the token).
fn as_malformed(failure: Failure) -> Failure {
    match failure {
        Failure::Token { refusal, .. } => Failure::Token {
            verb: "cannot inspect",
            refusal,
        },
        other => other,
    }
}
