//! Verify one token the way a server does, with nothing to set up.
//!
//! ```text
//! cargo run --example verify                       # the embedded demo token and key
//! cargo run --example verify -- TOKEN              # your token, the demo key
//! cargo run --example verify -- TOKEN public.pem   # your token and key (PEM, JWK or JWKS)
//! ```
//!
//! The demo key is the RFC 8037 Appendix A test key, whose private half is published in
//! the RFC: it is for trying things out only, never trust it in a deployment.

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

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

/// The custom claim a server would authorize on.
#[derive(Deserialize)]
struct Scope<'a> {
    prefix: Option<&'a str>,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let token = args.first().map_or(DEMO_TOKEN, String::as_str);
    let key_text = match args.get(1) {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("cannot read key file {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => DEMO_KEY.to_string(),
    };
    let mut keys = KeySet::<8>::new();
    if let Err(e) = keys.add_text(&key_text) {
        eprintln!("unusable key: {}: {e}", e.code());
        return ExitCode::from(2);
    }
    // The demo policy: the issuer and audience the demo token was minted for.
    let policy = Policy::new()
        .issuer("https://issuer.example")
        .audience("api");
    let verifier = Verifier::new(&keys, policy);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());

    let mut buf = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
    match verifier.verify_authorization(Some(&format!("Bearer {token}")), now, &mut buf) {
        Ok(verified) => {
            let claims = verified.claims();
            println!("verified with key #{}", verified.key_index());
            if let Some(sub) = claims.subject() {
                println!("  sub    {sub}");
            }
            if let Some(exp) = claims.expires_at() {
                println!(
                    "  exp    {} ({} s from now)",
                    exp.seconds(),
                    exp.seconds().saturating_sub(now)
                );
            }
            let mut scratch = [0u8; edjwt::DEFAULT_MAX_TOKEN_LEN];
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
            println!("HTTP/1.1 {} Unauthorized", e.http_status());
            if let Some(challenge) = e.www_authenticate() {
                println!("WWW-Authenticate: {challenge}");
            }
            eprintln!("rejected: {}: {}", e.code(), e);
            ExitCode::from(1)
        }
    }
}
