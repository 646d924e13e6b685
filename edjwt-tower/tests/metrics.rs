//! The `metrics` feature: counters reach the `metrics` facade with the reason label, so a
//! Prometheus exporter picks them up. A small recorder stands in for the exporter.
#![cfg(feature = "metrics")]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use edjwt::{KeySet, Policy};
use edjwt_tower::{EdjwtLayer, KeyStore, ACCEPTED_METRIC, REJECTED_METRIC};
use http::{Request, Response};
use metrics::{
    Counter, CounterFn, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};
use tower::{service_fn, Layer, ServiceExt};

const PUBLIC_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n";
const TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InJmYzgwMzcifQ.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoiYWxpY2UiLCJhdWQiOiJhcGkiLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6NDEwMjQ0NDgwMCwicHJlZml4IjoicHJvamVjdHMvYWxwaGEvIn0.3AMKPL648CUvkUImGorx316HKx8bqhM2vjxQSxUP-PUC1LcZ49X-p7v6Yj4PjMcywYJCdjGnxgI1fJB8uCc0Cw";

/// Counters by `name{label=value,...}`.
#[derive(Clone, Default)]
struct Counters(Arc<Mutex<BTreeMap<String, Arc<Count>>>>);

#[derive(Default)]
struct Count(AtomicU64);

impl CounterFn for Count {
    fn increment(&self, value: u64) {
        self.0.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.0.store(value, Ordering::Relaxed);
    }
}

impl Counters {
    fn get(&self, name: &str) -> u64 {
        self.0
            .lock()
            .unwrap()
            .get(name)
            .map_or(0, |c| c.0.load(Ordering::Relaxed))
    }
}

impl Recorder for Counters {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        let labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        let name = if labels.is_empty() {
            key.name().to_owned()
        } else {
            format!("{}{{{}}}", key.name(), labels.join(","))
        };
        let count = Arc::clone(self.0.lock().unwrap().entry(name).or_default());
        Counter::from_arc(count)
    }
    fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::noop()
    }
    fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::noop()
    }
}

#[test]
fn counters_reach_the_metrics_facade() {
    let recorder = Counters::default();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            let mut keys = KeySet::new();
            keys.add_text(PUBLIC_PEM).unwrap();
            let layer = EdjwtLayer::builder(KeyStore::with_keys(keys))
                .policy(Policy::new().audience("api"))
                .clock(|| 1_800_000_000)
                .build();
            let service = layer.layer(service_fn(|_: Request<String>| async {
                Ok::<_, Infallible>(Response::new(String::new()))
            }));
            for token in [TOKEN, TOKEN, "x.y.z"] {
                let request = Request::get("/").header("authorization", format!("Bearer {token}"));
                let _ = service
                    .clone()
                    .oneshot(request.body(String::new()).unwrap())
                    .await;
            }
            let _ = service.oneshot(Request::new(String::new())).await;
        });
    });
    assert_eq!(recorder.get(ACCEPTED_METRIC), 2);
    assert_eq!(
        recorder.get(&format!("{REJECTED_METRIC}{{reason=malformed}}")),
        1
    );
    assert_eq!(
        recorder.get(&format!("{REJECTED_METRIC}{{reason=missing-token}}")),
        1
    );
    assert_eq!(
        recorder.get(&format!("{REJECTED_METRIC}{{reason=expired}}")),
        0
    );
}
