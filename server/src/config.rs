//! Command-line flags and the reference deployment's `[auth]` config file, merged.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

/// A workflow-style API server whose routes are protected by edjwt.
#[derive(Debug, Parser)]
#[command(
    name = "edjwt-server-example",
    version,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve (the default; `serve` is accepted so the reference deployment's command line
    /// works unchanged).
    Serve(ServeArgs),
}

impl Cli {
    /// The serve flags, with or without the `serve` word.
    pub fn into_serve_args(self) -> ServeArgs {
        match self.command {
            Some(Command::Serve(args)) => args,
            None => self.serve,
        }
    }
}

/// How the server is started.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Public key file: `PUBLIC KEY` PEM (`openssl pkey -pubout`), DER, JWK or JWKS.
    /// Repeat for rotation. Reloaded on SIGHUP and when a file changes.
    #[arg(long = "auth-publickey", value_name = "FILE")]
    pub auth_publickey: Vec<PathBuf>,
    /// JWKS URL (an identity provider's keys), fetched at start and refreshed; alone or
    /// with --auth-publickey.
    #[arg(long = "auth-jwks-url", value_name = "URL")]
    pub auth_jwks_url: Option<String>,
    /// Expected `iss`: tokens from any other issuer, or without `iss`, get 401.
    #[arg(long, value_name = "ISSUER")]
    pub iss: Option<String>,
    /// Expected `aud` (one of the token's audiences): otherwise 401. Without it a token
    /// that carries `aud` gets 401 (RFC 7519 §4.1.3) unless --any-audience is given.
    #[arg(long, value_name = "AUDIENCE")]
    pub aud: Option<String>,
    /// With no --aud, accept tokens whose `aud` names any audience (a token minted for
    /// another service then passes here too).
    #[arg(long)]
    pub any_audience: bool,
    /// Clock-skew allowance for `exp`, `nbf` and `iat`, in seconds [default: 60].
    #[arg(long, value_name = "SECONDS")]
    pub leeway: Option<u64>,
    /// TOML file with an `[auth]` table: `publickey`, `jwks_url`, `iss`, `aud`, `any_audience`,
    /// `leeway`. Flags win.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free port. The bound address is printed on
    /// stdout as `listening on http://ADDR`.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Serve the API without authentication (only for comparing load with auth off).
    #[arg(long, conflicts_with_all = ["auth_publickey", "auth_jwks_url", "iss", "aud", "any_audience", "config"])]
    pub no_auth: bool,
    /// Testing only: use this fixed time (seconds since the epoch) instead of the clock,
    /// to replay tokens minted at a known time.
    #[arg(long, value_name = "SECS", hide = true)]
    pub danger_fixed_now: Option<u64>,
}

/// The `[auth]` table of the reference deployment's config file. Other tables of that file
/// are the server's business and ignored here.
#[derive(Debug, Default, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub auth: AuthSection,
}

/// `[auth]`: unknown keys are refused, so a misspelled `audience = ...` cannot silently
/// turn a check off.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    pub publickey: Option<PathBuf>,
    pub jwks_url: Option<String>,
    pub iss: Option<String>,
    pub aud: Option<String>,
    pub any_audience: Option<bool>,
    pub leeway: Option<u64>,
}

/// Everything auth needs, flags over config file.
#[derive(Debug)]
pub struct AuthSettings {
    pub keys: Vec<PathBuf>,
    pub jwks_url: Option<String>,
    pub iss: Option<String>,
    pub aud: Option<String>,
    pub any_audience: bool,
    pub leeway: u64,
}

impl ServeArgs {
    /// Merges the flags with the config file, if any. A relative `publickey` in the file is
    /// relative to the file's folder.
    ///
    /// # Errors
    /// A message for an unreadable or invalid config file, or when no key is configured.
    pub fn auth_settings(&self) -> Result<AuthSettings, String> {
        let file = match &self.config {
            Some(path) => read_config(path)?,
            None => ConfigFile::default(),
        };
        let base = self
            .config
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or_else(|| Path::new(""));
        let keys = if self.auth_publickey.is_empty() {
            file.auth
                .publickey
                .map(|p| base.join(p))
                .into_iter()
                .collect()
        } else {
            self.auth_publickey.clone()
        };
        let jwks_url = self.auth_jwks_url.clone().or(file.auth.jwks_url);
        if keys.is_empty() && jwks_url.is_none() {
            return Err(
                "no public key: pass --auth-publickey FILE or --auth-jwks-url URL (or [auth] \
                 publickey / jwks_url in --config), or --no-auth"
                    .to_owned(),
            );
        }
        Ok(AuthSettings {
            keys,
            jwks_url,
            iss: self.iss.clone().or(file.auth.iss),
            aud: self.aud.clone().or(file.auth.aud),
            any_audience: self.any_audience || file.auth.any_audience.unwrap_or(false),
            leeway: self
                .leeway
                .or(file.auth.leeway)
                .unwrap_or(edjwt::DEFAULT_LEEWAY),
        })
    }
}

fn read_config(path: &Path) -> Result<ConfigFile, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("invalid config {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn parse(args: &[&str]) -> ServeArgs {
        Cli::try_parse_from(args).unwrap().into_serve_args()
    }

    #[test]
    fn the_reference_command_line_parses_with_or_without_serve() {
        for args in [
            &[
                "srv",
                "serve",
                "--auth-publickey",
                "public.pem",
                "--aud",
                "api",
            ][..],
            &["srv", "--auth-publickey", "public.pem", "--aud", "api"][..],
        ] {
            let serve = parse(args);
            let auth = serve.auth_settings().unwrap();
            assert_eq!(auth.keys, [PathBuf::from("public.pem")]);
            assert_eq!(auth.aud.as_deref(), Some("api"));
            assert_eq!(auth.iss, None);
            assert_eq!(auth.leeway, 60);
        }
    }

    #[test]
    fn no_key_is_an_error_and_no_auth_excludes_keys() {
        assert!(parse(&["srv"]).auth_settings().is_err());
        assert!(Cli::try_parse_from(["srv", "--no-auth", "--auth-publickey", "k.pem"]).is_err());
        assert!(parse(&["srv", "--no-auth"]).no_auth);
    }

    #[test]
    fn config_auth_table() {
        let file: ConfigFile = toml::from_str(
            "[server]\nport = 1\n[auth]\npublickey = \"/etc/x/public.pem\"\niss = \"i\"\n",
        )
        .unwrap();
        assert_eq!(
            file.auth.publickey.as_deref(),
            Some(Path::new("/etc/x/public.pem"))
        );
        assert_eq!(file.auth.iss.as_deref(), Some("i"));
        assert!(toml::from_str::<ConfigFile>("[auth]\naudience = \"api\"\n").is_err());
    }
}
