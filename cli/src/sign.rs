//! `edjwt sign`: mint a compact EdDSA JWT, for tests and for debugging verifiers.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use edjwt::{Policy, Verifier, VerifyingKey, DEFAULT_MAX_TOKEN_LEN};
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::output::{err, out};
use crate::signing::{self, sign_token};

/// Lifetime when --expires-in is not given: one hour.
const DEFAULT_LIFETIME: u64 = 3600;

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  edjwt sign --key private.pem --iss https://issuer.example --aud api --sub alice
  edjwt sign --key private.pem --kid key-1 --expires-in 15m --claim prefix=projects/alpha/
  edjwt sign --key private.pem --claims-json '{\"groups\":[\"admin\"]}' --expires-in none
  edjwt sign --key private.pem --now 1700000000 --expires-in -1h   # an expired token

Claims: --claims-json first, then each --claim (VALUE is JSON if it parses, else a string),
then --iss/--sub/--aud/--not-before/--expires-in (a claim set twice is an error).
iat defaults to now and exp to now + 1h unless given.")]
pub(crate) struct SignArgs {
    /// Private key: PKCS#8 PEM (`openssl genpkey -algorithm Ed25519`) or a private JWK.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,

    /// Header `kid` [default: the JWK's kid, if any].
    #[arg(long, value_name = "KID")]
    kid: Option<String>,

    /// Header `alg`.
    #[arg(long, value_enum, default_value_t = Alg::EdDsa)]
    alg: Alg,

    /// Header `typ`.
    #[arg(long, value_name = "TYP", default_value = "JWT")]
    typ: String,

    /// The `iss` claim.
    #[arg(long, value_name = "ISS")]
    iss: Option<String>,

    /// The `aud` claim; repeat for an array.
    #[arg(long = "aud", value_name = "AUD")]
    audiences: Vec<String>,

    /// The `sub` claim.
    #[arg(long, value_name = "SUB")]
    sub: Option<String>,

    /// `exp` = now + DURATION (`30s`, `15m`, `1h`, `7d`; `-1h` is in the past), or `none`.
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = parse_expiry)]
    expires_in: Option<Expiry>,

    /// `nbf` = now + DURATION (`0s` for now).
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true, value_parser = parse_offset)]
    not_before: Option<i128>,

    /// Leave out `iat`.
    #[arg(long)]
    no_iat: bool,

    /// A claim NAME=VALUE; VALUE is taken as JSON if it parses (`n=5`, `ok=true`,
    /// `r=["a"]`), else as a string. Repeat for several.
    #[arg(long = "claim", value_name = "NAME=VALUE")]
    claims: Vec<String>,

    /// Claims as one JSON object, e.g. '{"scope":"read"}'.
    #[arg(long, value_name = "JSON")]
    claims_json: Option<String>,

    /// Current time in seconds since 1970 [default: the system clock].
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,
}

/// The two `alg` values edjwt accepts (RFC 8037, RFC 9864).
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Alg {
    #[value(name = "EdDSA")]
    EdDsa,
    #[value(name = "Ed25519")]
    Ed25519,
}

#[derive(Clone, Copy, Debug)]
enum Expiry {
    Never,
    In(i128),
}

fn parse_expiry(text: &str) -> Result<Expiry, String> {
    if text == "none" {
        Ok(Expiry::Never)
    } else {
        parse_offset(text).map(Expiry::In)
    }
}

/// `1h`, `90s`, `3600` (seconds), `-15m`.
fn parse_offset(text: &str) -> Result<i128, String> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let seconds = match magnitude.parse::<u64>() {
        Ok(seconds) => seconds,
        Err(_) => humantime::parse_duration(magnitude)
            .map_err(|e| format!("{e} (use e.g. 30s, 15m, 1h, 7d)"))?
            .as_secs(),
    };
    let seconds = i128::from(seconds);
    Ok(if negative {
        seconds.saturating_neg()
    } else {
        seconds
    })
}

pub(crate) fn run(args: SignArgs) -> Result<(), Failure> {
    let key = signing::load(&args.key)?;
    let now = args.now.unwrap_or_else(edjwt::now);
    let claims = build_claims(&args, now)?;
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(args.alg.as_str()));
    header.insert("typ".into(), Value::from(args.typ.clone()));
    if let Some(kid) = args.kid.as_ref().or(key.kid.as_ref()) {
        header.insert("kid".into(), Value::from(kid.clone()));
    }
    let token = sign_token(&key.pair, &Value::Object(header), &Value::Object(claims));
    warn_if_unverifiable(&token, &key.pair.pk, now);
    out(&token);
    Ok(())
}

impl Alg {
    /// The header value.
    fn as_str(self) -> &'static str {
        match self {
            Alg::EdDsa => "EdDSA",
            Alg::Ed25519 => "Ed25519",
        }
    }
}

fn build_claims(args: &SignArgs, now: u64) -> Result<Map<String, Value>, Failure> {
    let usage = |m: String| Failure::Usage(m);
    let mut custom = match &args.claims_json {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err(usage("--claims-json must be a JSON object".to_owned())),
            Err(e) => return Err(usage(format!("--claims-json is not valid JSON: {e}"))),
        },
        None => Map::new(),
    };
    for claim in &args.claims {
        let Some((name, value)) = claim.split_once('=').filter(|(n, _)| !n.is_empty()) else {
            return Err(usage(format!(
                "--claim takes NAME=VALUE, got {}",
                crate::text::quote(claim)
            )));
        };
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::from(value));
        custom.insert(name.to_owned(), value);
    }

    let at = |offset: i128| -> Result<Value, Failure> {
        u64::try_from(i128::from(now).saturating_add(offset))
            .map(Value::from)
            .map_err(|_| usage("that time is before 1970 or too far in the future".to_owned()))
    };
    // Registered claims from the flags, in the usual order; the custom ones follow.
    let mut flags: Vec<(&str, Value, &str)> = Vec::new();
    if let Some(iss) = &args.iss {
        flags.push(("iss", Value::from(iss.clone()), "--iss"));
    }
    if let Some(sub) = &args.sub {
        flags.push(("sub", Value::from(sub.clone()), "--sub"));
    }
    match args.audiences.as_slice() {
        [] => {}
        [one] => flags.push(("aud", Value::from(one.clone()), "--aud")),
        many => flags.push(("aud", Value::from(many.to_vec()), "--aud")),
    }
    if !args.no_iat && !custom.contains_key("iat") {
        flags.push(("iat", Value::from(now), "the default iat"));
    }
    if let Some(offset) = args.not_before {
        flags.push(("nbf", at(offset)?, "--not-before"));
    }
    match args.expires_in {
        Some(Expiry::In(offset)) => flags.push(("exp", at(offset)?, "--expires-in")),
        Some(Expiry::Never) if custom.contains_key("exp") => {
            return Err(usage(
                "--expires-in none, but --claim/--claims-json sets exp; give one".to_owned(),
            ))
        }
        Some(Expiry::Never) => {}
        None if custom.contains_key("exp") => {}
        None => flags.push(("exp", at(i128::from(DEFAULT_LIFETIME))?, "the default exp")),
    }

    let mut claims = Map::new();
    for (name, value, flag) in flags {
        if custom.contains_key(name) {
            return Err(usage(format!(
                "{name} is set twice, by {flag} and by --claim/--claims-json; give it once"
            )));
        }
        claims.insert(name.to_owned(), value);
    }
    claims.extend(custom);
    Ok(claims)
}

/// Warns (the token is still printed: minting tokens a verifier must refuse is a
/// legitimate test) when the core would refuse the token whatever the policy.
fn warn_if_unverifiable(token: &str, public: &[u8; 32], now: u64) {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return;
    };
    let permissive = Policy::new()
        .allow_missing_exp()
        .any_audience()
        .leeway(u64::MAX);
    let mut buf = vec![0u8; token.len()];
    if let Err(e) =
        Verifier::new(std::slice::from_ref(&key), permissive).verify(token, now, &mut buf)
    {
        let size = if token.len() > DEFAULT_MAX_TOKEN_LEN {
            format!(
                " (the token is {} bytes; the default limit is {DEFAULT_MAX_TOKEN_LEN})",
                token.len()
            )
        } else {
            String::new()
        };
        err(&format!(
            "warning: edjwt verifiers will reject this token: {}: {}{size}",
            e.code(),
            e.message()
        ));
    }
}
