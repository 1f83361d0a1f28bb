//! The sandbox's memory stays bounded: creates go through the mock's request handler in-process
//! (no sockets), each with a fresh client name and idempotency key, and the stores' caps hold.
//!
//! The quick test runs by default. The measurement of issue 12 (one million creates, resident
//! memory under 256 MB with the default caps) is `#[ignore]`d because it takes minutes:
//!
//!     SPECGEN_CREATES=1000000 cargo test -p specgen-tests --test mock_memory -- --ignored --nocapture

use axum::body::Body;
use http_body_util::BodyExt;
use specgen_kit::mock::{Handler, MockOptions};
use specgen_tests::spec_api;
use std::time::Instant;

fn handler(options: MockOptions) -> Handler {
    Handler::new(
        vec![
            spec_api("customer_orchestration"),
            spec_api("circle_partner_onboarding"),
        ],
        MockOptions {
            stateful: true,
            ..options
        },
    )
    .unwrap()
}

async fn create(handler: &Handler, i: usize) -> u16 {
    let body = format!(
        r#"{{"clientName":"Client {i}","country":"US","clientType":"business","businessDetails":{{"natureOfBusiness":"trust","institutionType":"trust"}}}}"#
    );
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/v1/partner/clients")
        .header("authorization", "Bearer t")
        .header("content-type", "application/json")
        .header("x-idempotency-key", uuid::Uuid::new_v4().to_string())
        .body(Body::from(body))
        .unwrap();
    let response = handler.call(request).await;
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    status
}

/// Resident memory of this process in bytes (Linux).
fn rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[tokio::test]
async fn the_caps_bound_the_records_and_evict_the_oldest() {
    let handler = handler(MockOptions {
        store_cap: 500,
        ..MockOptions::default()
    });
    for i in 0..2_000 {
        assert_eq!(create(&handler, i).await, 200);
    }
    // Idempotency records, clients and applications: three stores of at most 500 each.
    assert_eq!(handler.records(), 1_500);
    // The oldest client was evicted, so its name is free again; the newest is still a conflict.
    assert_eq!(create(&handler, 0).await, 200);
    assert_eq!(create(&handler, 1_999).await, 409);
}

#[tokio::test]
#[ignore = "a measurement that takes minutes; run it with --ignored"]
async fn memory_after_a_million_creates() {
    let n: usize = std::env::var("SPECGEN_CREATES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let handler = handler(MockOptions::default());
    let before = rss().unwrap_or(0);
    let started = Instant::now();
    for i in 0..n {
        assert_eq!(create(&handler, i).await, 200);
    }
    let after = rss().unwrap_or(0);
    println!(
        "{n} creates in {:.1?}: {} records held, resident memory {:.1} MB (before {:.1} MB)",
        started.elapsed(),
        handler.records(),
        after as f64 / 1e6,
        before as f64 / 1e6
    );
    assert!(after < 256 * 1024 * 1024, "resident memory {after} bytes");
}
