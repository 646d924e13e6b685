//! An HTTP API server whose routes are protected by edjwt, started like the reference
//! deployment: `edjwt-server-example [serve] --auth-publickey public.pem [--iss I] [--aud A]`,
//! built on the `edjwt-tower` layer.
//!
//! See `server/README.md` for the routes and the status of each rejection.

mod auth;
mod config;
mod routes;

use clap::Parser;
use edjwt::Policy;
use edjwt_tower::{FileSource, JwksSource, KeyStore};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

use crate::auth::{AppState, Layers};
use crate::config::{Cli, ServeArgs};

fn main() -> ExitCode {
    let args = Cli::parse().into_serve_args();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let state = match runtime.block_on(app_state(&args)) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(serve(&args, state)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries only the `listening on` line); `RUST_LOG=debug` shows
/// the reason of every rejected token.
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Loads the keys and starts watching them (at start-up, so a bad key file or an
/// unreachable JWKS URL stops the server before it listens).
async fn app_state(args: &ServeArgs) -> Result<AppState, String> {
    if args.no_auth {
        warn!("--no-auth: every API route is open (load comparison only)");
        return Ok(AppState { auth: None });
    }
    let settings = args.auth_settings()?;
    let store = KeyStore::new();
    if !settings.keys.is_empty() {
        // Runs for the life of the server: SIGHUP and file changes reload the files.
        let _watcher = FileSource::new(&settings.keys)
            .start(&store)
            .map_err(|e| format!("cannot load key {e}"))?;
    }
    if let Some(url) = &settings.jwks_url {
        let _watcher = JwksSource::new(url.as_str())
            .start(&store)
            .await
            .map_err(|e| format!("cannot fetch keys from {e}"))?;
    }
    if let Some(now) = args.danger_fixed_now {
        warn!(now, "--danger-fixed-now: the clock is fixed (testing only)");
    }
    info!(
        keys = store.len(),
        files = settings.keys.len(),
        jwks_url = settings.jwks_url.as_deref().unwrap_or("(none)"),
        iss = settings.iss.as_deref().unwrap_or("(any)"),
        aud = settings.aud.as_deref().unwrap_or(if settings.any_audience {
            "(any)"
        } else {
            "(none: tokens carrying aud are refused)"
        }),
        leeway = settings.leeway,
        "edjwt bearer authentication on"
    );
    // The policy borrows its strings for the life of the layers, which is the life of the
    // process: leaked once at start-up.
    let mut policy = Policy::new().leeway(settings.leeway);
    if let Some(issuer) = settings.iss {
        policy = policy.issuer(String::leak(issuer));
    }
    if let Some(audience) = settings.aud {
        policy = policy.audience(String::leak(audience));
    }
    if settings.any_audience {
        policy = policy.any_audience();
    }
    Ok(AppState {
        auth: Some(Layers::new(&store, policy, args.danger_fixed_now)),
    })
}

async fn serve(args: &ServeArgs, state: AppState) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    // The one line on stdout: tests and scripts read the port from it.
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{addr}")
        .and_then(|()| stdout.flush())
        .map_err(|e| format!("cannot write to stdout: {e}"))?;
    drop(stdout);
    axum::serve(listener, routes::router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| format!("server error: {e}"))
}

/// Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    info!("shutting down");
}
