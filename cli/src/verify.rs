//! `edjwt verify`: the core's verdict on one token, as an exit status and one line of JSON.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::Args;
use edjwt::{Policy, Verifier, DEFAULT_LEEWAY};

use crate::diagnose::{self, Expected};
use crate::failure::{Failure, Refusal};
use crate::input;
use crate::keys::LoadedKeys;

#[derive(Args, Debug)]
#[command(after_help = "\
Examples:
  edjwt verify --key public.pem --iss https://issuer.example --aud api \"$TOKEN\"
  edjwt verify --key jwks.json --aud api < token.txt
  echo \"Authorization: Bearer $TOKEN\" | edjwt verify --key public.pem -
  edjwt verify --key old.pem --key new.pem --allow-missing-exp \"$TOKEN\" | jq .sub

Exit status:
  0  verified; stdout is the claims JSON exactly as signed
  1  rejected; the last line on stderr is `rejected: <code>: <message>`,
     possibly after one `hint: ...` line
  2  usage error or unusable key file")]
pub(crate) struct VerifyArgs {
    /// Public key: PEM (`openssl pkey -pubout`), DER, JWK or JWKS. Repeat for several keys.
    #[arg(long = "key", value_name = "FILE", required = true)]
    keys: Vec<PathBuf>,

    /// Expected issuer; repeated, any of them is accepted.
    #[arg(long = "iss", value_name = "ISS")]
    issuers: Vec<String>,

    /// Expected audience; repeated, the token must name any of them. Without --aud a
    /// token that carries aud is rejected (RFC 7519 4.1.3) unless --any-audience is given.
    #[arg(long = "aud", value_name = "AUD")]
    audiences: Vec<String>,

    /// With no --aud, accept tokens whose aud names any audience (a token minted for
    /// another service then verifies here too).
    #[arg(long)]
    any_audience: bool,

    /// Expected subject.
    #[arg(long, value_name = "SUB")]
    sub: Option<String>,

    /// Expected header `typ`, e.g. `at+jwt` (case-insensitive, `application/` optional).
    #[arg(long, value_name = "TYP")]
    typ: Option<String>,

    /// Clock-skew allowance in seconds for exp, nbf, iat [default: 60].
    #[arg(long, value_name = "SECS", value_parser = crate::parse_seconds)]
    leeway: Option<u64>,

    /// Reject tokens whose iat is older than this many seconds (makes iat required).
    #[arg(long, value_name = "SECS", value_parser = crate::parse_seconds)]
    max_age: Option<u64>,

    /// A claim that must be present (any value); repeat for several.
    #[arg(long = "require", value_name = "CLAIM")]
    required: Vec<String>,

    /// Accept tokens without exp (an exp that is present is still checked).
    #[arg(long)]
    allow_missing_exp: bool,

    /// Current time in seconds since 1970 [default: the system clock].
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,

    /// The token, or an Authorization value `Bearer <token>`; standard input when absent
    /// or `-`.
    #[arg(value_name = "TOKEN")]
    token: Option<OsString>,
}

pub(crate) fn run(args: VerifyArgs) -> Result<(), Failure> {
    let keys = LoadedKeys::load(&args.keys)?;
    let input = input::read(args.token.clone())?;
    let token = input::token(&input)?;
    let now = args.now.unwrap_or_else(edjwt::now);

    let issuers: Vec<&str> = args.issuers.iter().map(String::as_str).collect();
    let audiences: Vec<&str> = args.audiences.iter().map(String::as_str).collect();
    let required: Vec<&str> = args.required.iter().map(String::as_str).collect();
    let mut policy = Policy::new().require_claims(&required);
    if !issuers.is_empty() {
        policy = policy.issuers(&issuers);
    }
    if !audiences.is_empty() {
        policy = policy.audiences(&audiences);
    }
    if let Some(sub) = &args.sub {
        policy = policy.subject(sub);
    }
    if let Some(typ) = &args.typ {
        policy = policy.typ(typ);
    }
    if let Some(leeway) = args.leeway {
        policy = policy.leeway(leeway);
    }
    if let Some(max_age) = args.max_age {
        policy = policy.max_age(max_age);
    }
    if args.allow_missing_exp {
        policy = policy.allow_missing_exp();
    }
    if args.any_audience {
        policy = policy.any_audience();
    }

    let mut buf = vec![0u8; token.len()];
    match Verifier::new(&keys.set, policy).verify(token, now, &mut buf) {
        Ok(verified) => {
            crate::output::out(verified.payload());
            Ok(())
        }
        Err(error) => {
            let expected = Expected {
                issuers: &args.issuers,
                audiences: &args.audiences,
                subject: args.sub.as_deref(),
                typ: args.typ.as_deref(),
                required: &args.required,
                leeway: args.leeway.unwrap_or(DEFAULT_LEEWAY),
                max_age: args.max_age,
                allow_missing_exp: args.allow_missing_exp,
            };
            let hint = diagnose::verify_hint(error, token, now, &keys, &expected);
            Err(Refusal { error, hint }.into())
        }
    }
}
