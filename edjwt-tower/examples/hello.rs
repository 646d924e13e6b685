//! `GET /hello` behind the layer, for the load figures (`edjwt-tower/load.sh`):
//! `hello PUBLIC.pem off|cache|cache2048|nocache` prints `listening on http://ADDR` and
//! serves until killed. `off` serves without the layer (the baseline); `cache` has the
//! default cache (256 tokens), `cache2048` one of 2,048 tokens.

use std::io::Write;

use axum::routing::get;
use axum::Router;
use edjwt::Policy;
use edjwt_tower::{EdjwtLayer, FileSource, KeyStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (key, mode) = (
        args.next()
            .ok_or("usage: hello PUBLIC.pem off|cache|cache2048|nocache")?,
        args.next().unwrap_or_default(),
    );
    let mut app = Router::new().route("/hello", get(|| async { "hello" }));
    let store = KeyStore::new();
    let _watcher = FileSource::new([key]).start(&store)?;
    let layer = match mode.as_str() {
        "off" => None,
        "cache" | "cache2048" | "nocache" => Some(
            EdjwtLayer::builder(store)
                .policy(Policy::new().audience("api"))
                .cache(mode != "nocache")
                .cache_capacity(match mode.as_str() {
                    "cache" => 256,
                    "cache2048" => 2048,
                    _ => 0,
                })
                .build(),
        ),
        _ => return Err("mode: off, cache, cache2048 or nocache".into()),
    };
    if let Some(layer) = &layer {
        app = app.layer(layer.clone());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on http://{}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    // SIGTERM ends the run; the counters go to stderr (cache hits and misses for the table).
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            term.recv().await;
        })
        .await?;
    if let Some(layer) = layer {
        let stats = layer.stats();
        eprintln!(
            "accepted {} rejected {} cache hits {} misses {}",
            stats.accepted,
            stats.rejected_total(),
            stats.cache.hits,
            stats.cache.misses
        );
    }
    Ok(())
}
