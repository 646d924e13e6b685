//! `edjwt`: verify, inspect, sign EdDSA (Ed25519) JWTs, and make their keys.
//!
//! Verification is the `edjwt` crate's, unchanged; this binary adds input handling, key
//! files, one line of advice per rejection, and the tools around it. Exit status: 0 ok,
//! 1 token rejected or malformed, 2 usage error or unusable key file.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod demo;
mod diagnose;
mod failure;
mod input;
mod inspect;
mod keygen;
mod keys;
mod output;
mod sign;
mod signing;
mod text;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "edjwt",
    version,
    about = "Verify, inspect and sign EdDSA (Ed25519) JWTs",
    after_help = "\
Examples:
  edjwt demo
  edjwt verify --key public.pem --iss https://issuer.example --aud api \"$TOKEN\"
  edjwt inspect \"$TOKEN\"
  edjwt keygen --private private.pem --public public.pem
  edjwt sign --key private.pem --aud api --expires-in 15m

Exit status: 0 ok, 1 token rejected or malformed, 2 usage error or unusable key file.
Run `edjwt <command> --help` for each command's options and examples."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Verify a token's signature and claims; print its claims JSON if it passes.
    Verify(verify::VerifyArgs),
    /// Show a token's header and claims WITHOUT verifying it, with readable times.
    Inspect(inspect::InspectArgs),
    /// Make an Ed25519 key pair (PKCS#8 and SPKI PEM, as OpenSSL writes them).
    Keygen(keygen::KeygenArgs),
    /// Sign a token with an Ed25519 private key (for tests and debugging).
    Sign(sign::SignArgs),
    /// Make a key, sign a token, verify it, and watch tampered and expired copies fail.
    #[command(after_help = "Example:\n  edjwt demo\n\n\
                            Needs no files; exit 0 when every step behaved as expected.")]
    Demo,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Verify(args) => verify::run(args),
        Command::Inspect(args) => inspect::run(args),
        Command::Keygen(args) => keygen::run(&args),
        Command::Sign(args) => sign::run(args),
        Command::Demo => demo::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

/// Seconds for --leeway and --max-age: a plain number, or a duration such as `5m`.
fn parse_seconds(text: &str) -> Result<u64, String> {
    text.parse::<u64>().or_else(|_| {
        humantime::parse_duration(text)
            .map(|d| d.as_secs())
            .map_err(|e| format!("{e}: give seconds (e.g. 60) or a duration (e.g. 5m)"))
    })
}
