//! An HTTP API server whose routes are protected by edjwt, started like the reference
//! deployment: `edjwt-server-example [serve] --auth-publickey public.pem [--iss I] [--aud A]`.
//!
//! See `server/README.md` for the routes and the status of each rejection.

mod auth;
mod config;
mod routes;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use edjwt::KeySet;
use tracing::{info, warn};
use tracing_subscriber::EnvFilter;

use crate::auth::{AppState, Auth, Clock, MAX_KEYS};
use crate::config::{Cli, ServeArgs};

fn main() -> ExitCode {
    let args = Cli::parse().into_serve_args();
    init_logging();
    let state = match app_state(&args) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
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

/// Loads the keys (at start-up, so a bad key file stops the server before it listens).
fn app_state(args: &ServeArgs) -> Result<AppState, String> {
    if args.no_auth {
        warn!("--no-auth: every API route is open (load comparison only)");
        return Ok(AppState { auth: None });
    }
    let settings = args.auth_settings()?;
    let mut keys = KeySet::<MAX_KEYS>::new();
    for path in &settings.keys {
        keys.add_file(path).map_err(|e| {
            // The key error's stable code when it is one (`private-key`, `weak-key`, ...).
            let code = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<edjwt::Error>())
                .map_or_else(String::new, |k| format!(" ({})", k.code()));
            format!("cannot load key {}: {e}{code}", path.display())
        })?;
    }
    let clock = match args.danger_fixed_now {
        Some(now) => {
            warn!(now, "--danger-fixed-now: the clock is fixed (testing only)");
            Clock::Fixed(now)
        }
        None => Clock::System,
    };
    info!(
        keys = keys.len(),
        iss = settings.iss.as_deref().unwrap_or("(any)"),
        aud = settings.aud.as_deref().unwrap_or(if settings.any_audience {
            "(any)"
        } else {
            "(none: tokens carrying aud are refused)"
        }),
        leeway = settings.leeway,
        "edjwt bearer authentication on"
    );
    let auth = Auth::new(
        keys,
        settings.iss,
        settings.aud,
        settings.any_audience,
        settings.leeway,
        clock,
    );
    Ok(AppState {
        auth: Some(Arc::new(auth)),
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
