//! Verify one token the way a server does.
//!
//! ```text
//! cargo run --example verify                                   # the embedded demo
//! cargo run --example verify -- TOKEN public.pem --iss I --aud A
//! cargo run --example verify -- --help
//! ```
//!
//! With no arguments it verifies an embedded demo token with the RFC 8037 Appendix A test
//! key, whose private half is published in the RFC: for trying things out only, never trust
//! it in a deployment. With a token it needs the key file (PEM, JWK or JWKS) and takes the
//! policy from the flags; it prints which key and policy it used. For every option of a real
//! verification (leeway, `typ`, required claims, several keys, hints) use the `edjwt` command:
//! `cargo run -q -p edjwt-cli -- verify --help`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Parser;
use edjwt::{KeySet, Policy, Verifier};
use serde::Deserialize;

/// RFC 8037 A.2 public key as `openssl pkey -pubout` writes it.
const DEMO_KEY: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
-----END PUBLIC KEY-----
";

/// Signed with the RFC 8037 A.1 private key: iss https://issuer.example, aud api, sub alice,
/// a custom `prefix` claim, expiring in 2100.
const DEMO_TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InJmYzgwMzcifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwicHJlZml4IjoicHJvamVjdHMvYWxwaGEvIn0.3AMKPL648CUvkUImGorx316HKx8bqhM2vjxQSxUP-PUC1LcZ49X-p7v6Yj4PjMcywYJCdjGnxgI1fJB8uCc0Cw";

/// The demo token's issuer and audience.
const DEMO_ISSUER: &str = "https://issuer.example";
const DEMO_AUDIENCE: &str = "api";

/// Verify one EdDSA JWT the way a server does (no arguments: an embedded demo).
#[derive(Parser)]
#[command(
    after_help = "For every option of a real verification, use the edjwt command: \
                        cargo run -q -p edjwt-cli -- verify --help"
)]
struct Args {
    /// The token (or `Bearer <token>`); without it, the embedded demo token and key.
    #[arg(requires = "key")]
    token: Option<String>,
    /// The public key file: PEM (`openssl pkey -pubout`), JWK or JWKS.
    key: Option<PathBuf>,
    /// Expected issuer (`iss`); repeat for any of several. Not checked when absent.
    #[arg(long = "iss", value_name = "ISS")]
    issuers: Vec<String>,
    /// Expected audience (`aud`); repeat for any of several. Without it a token that
    /// carries `aud` is rejected (RFC 7519 §4.1.3) unless --any-audience.
    #[arg(long = "aud", value_name = "AUD")]
    audiences: Vec<String>,
    /// With no --aud, accept a token whose `aud` names any audience.
    #[arg(long)]
    any_audience: bool,
}

/// The custom claim a server would authorize on.
#[derive(Deserialize)]
struct Scope<'a> {
    prefix: Option<&'a str>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let demo = args.token.is_none();
    let (token, key_text, key_name) = match (&args.token, &args.key) {
        (Some(token), Some(path)) => match std::fs::read_to_string(path) {
            Ok(text) => (token.as_str(), text, path.display().to_string()),
            Err(e) => {
                eprintln!("cannot read key file {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        _ => (
            DEMO_TOKEN,
            DEMO_KEY.to_owned(),
            "the RFC 8037 demo key (embedded)".to_owned(),
        ),
    };
    let mut keys = KeySet::<8>::new();
    if let Err(e) = keys.add_text(&key_text) {
        eprintln!("unusable key {key_name}: {}: {e}", e.code());
        return ExitCode::from(2);
    }
    let (issuers, audiences): (Vec<&str>, Vec<&str>) = if demo {
        (vec![DEMO_ISSUER], vec![DEMO_AUDIENCE])
    } else {
        (
            args.issuers.iter().map(String::as_str).collect(),
            args.audiences.iter().map(String::as_str).collect(),
        )
    };
    let mut policy = Policy::new();
    if !issuers.is_empty() {
        policy = policy.issuers(&issuers);
    }
    if !audiences.is_empty() {
        policy = policy.audiences(&audiences);
    }
    if args.any_audience {
        policy = policy.any_audience();
    }
    if demo {
        println!("token: the embedded demo token (pass TOKEN KEY to verify your own)");
    }
    println!(
        "key: {key_name} ({} key{})",
        keys.len(),
        if keys.len() == 1 { "" } else { "s" }
    );
    println!(
        "policy: exp required, leeway 60 s; iss {}; aud {}",
        any_of(&issuers).unwrap_or_else(|| "not checked".to_owned()),
        any_of(&audiences).unwrap_or_else(|| if args.any_audience {
            "any".to_owned()
        } else {
            "none expected (a token carrying aud is rejected)".to_owned()
        })
    );

    let verifier = Verifier::new(&keys, policy);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let authorization = if token.starts_with("Bearer ") {
        token.to_owned()
    } else {
        format!("Bearer {token}")
    };
    let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
    match verifier.verify_authorization(Some(&authorization), now, &mut buf) {
        Ok(verified) => {
            let claims = verified.claims();
            println!("verified with key #{}", verified.key_index());
            if let Some(sub) = claims.subject() {
                println!("  sub    {sub}");
            }
            if let Some(exp) = claims.expires_at() {
                println!(
                    "  exp    {} ({})",
                    utc(exp.seconds()),
                    relative(exp.seconds(), now)
                );
            }
            let mut scratch = [0u8; edjwt::scratch_len(edjwt::DEFAULT_MAX_TOKEN_LEN)];
            match verified.deserialize_claims::<Scope<'_>>(&mut scratch) {
                Ok(Scope {
                    prefix: Some(prefix),
                }) => println!("  prefix {prefix}"),
                Ok(Scope { prefix: None }) => println!("  prefix (none)"),
                Err(e) => println!("  prefix unreadable: {}", e.code()),
            }
            println!("{}", verified.payload());
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("HTTP/1.1 {}", e.http_status());
            if let Some(challenge) = e.www_authenticate() {
                println!("WWW-Authenticate: {challenge}");
            }
            eprintln!("rejected: {}: {}", e.code(), e);
            if !demo {
                eprintln!(
                    "for a hint about why: cargo run -q -p edjwt-cli -- verify --key {} {}TOKEN",
                    key_name,
                    flags(&args)
                );
            }
            ExitCode::from(1)
        }
    }
}

/// `"a"` or `any of "a", "b"`; `None` for an empty list.
fn any_of(values: &[&str]) -> Option<String> {
    match values {
        [] => None,
        [one] => Some(format!("{one:?}")),
        many => Some(format!(
            "any of {}",
            many.iter()
                .map(|v| format!("{v:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The policy flags again, for the `edjwt verify` command line.
fn flags(args: &Args) -> String {
    let mut out = String::new();
    for iss in &args.issuers {
        out.push_str(&format!("--iss {iss} "));
    }
    for aud in &args.audiences {
        out.push_str(&format!("--aud {aud} "));
    }
    if args.any_audience {
        out.push_str("--any-audience ");
    }
    out
}

/// `2100-01-01T00:00:00Z` (RFC 3339, as the `edjwt` command prints dates).
fn utc(seconds: u64) -> String {
    // humantime formats years up to 9999 only.
    const YEAR_10000: u64 = 253_402_300_800;
    match UNIX_EPOCH.checked_add(Duration::from_secs(seconds)) {
        Some(time) if seconds < YEAR_10000 => humantime::format_rfc3339_seconds(time).to_string(),
        _ => format!("{seconds} s since 1970"),
    }
}

/// `in 74 years`, `3 min ago`: the largest whole unit.
fn relative(t: u64, now: u64) -> String {
    let d = t.abs_diff(now);
    let span = match d {
        0..=119 => format!("{d} s"),
        120..=7199 => format!("{} min", d / 60),
        7200..=172_799 => format!("{} h", d / 3600),
        172_800..=63_071_999 => format!("{} days", d / 86_400),
        _ => format!("{} years", d / 31_536_000),
    };
    if t >= now {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}
