//! A client configured for production, and a paged list as a stream: the README shows this
//! file, and `cargo test` compiles it.
//!
//! Run against a local mock with
//! `cargo run -p specgen-tests --example production_client -- http://127.0.0.1:4010`.

use futures_util::StreamExt as _;
use specgen_apis::jiko_partner_api::{Client, types};
use specgen_apis::runtime::{CallOptions, RetryPolicy, Timeouts};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:4010".into());
    // Defaults: 2 retries with backoff on transient failures, 10 s connect and 30 s request
    // timeouts. Both are per client; `RetryPolicy::none()` turns retries off.
    let client = Client::new(base_url)
        .with_bearer_token(std::env::var("JIKO_TOKEN").unwrap_or_default())
        .with_signing_secret(std::env::var("JIKO_SECRET").unwrap_or_default())
        .with_retry_policy(RetryPolicy::default().with_max_retries(3))
        .with_timeouts(Timeouts::new(
            Some(Duration::from_secs(5)),
            Some(Duration::from_secs(20)),
        ));

    // Every subscription, page after page; a repeated cursor ends the stream with an error.
    let params = types::SubscriptionsListPartnerSubscriptionsParams {
        limit: Some(50),
        ..Default::default()
    };
    let mut subscriptions = client.subscriptions_list_partner_subscriptions_stream(&params);
    while let Some(subscription) = subscriptions.next().await {
        let subscription = subscription?;
        // Enums are open: a status the spec does not list yet arrives as `Unknown`.
        match &subscription.status {
            types::SubscriptionStatus::Enabled => println!("{} enabled", subscription.id),
            other if !other.is_known() => println!("{} has a new status {other}", subscription.id),
            other => println!("{} is {other}", subscription.id),
        }
    }

    // Per-call options: a shorter timeout and an extra header for this one call.
    let once = client.with_options(
        CallOptions::new()
            .timeout(Duration::from_secs(2))
            .header("x-trace-id", "example"),
    );
    let agreements = once.individuals_get_agreements(None).await?;
    println!("agreements fetched in {} attempt(s)", agreements.attempts);
    Ok(())
}
