//! How a service uses the generated crate: the README shows this file, and `cargo test` compiles it.
//!
//! Run against a local mock or the sandbox with
//! `CIRCLE_TOKEN=... cargo run -p specgen-tests --example use_client -- https://api-sandbox.circle.com`.

use specgen_apis::customer_orchestration::{Client, types};
use specgen_apis::runtime::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "https://api-sandbox.circle.com".into());
    let client =
        Client::new(base_url).with_bearer_token(std::env::var("CIRCLE_TOKEN").unwrap_or_default());

    let request = types::CreatePartnerClientRequest {
        client_name: "Acme Trust Co.".into(),
        country: types::CreatePartnerClientRequestCountry::new("US")?,
        client_type: types::CreatePartnerClientRequestClientType::Business,
        business_details: types::BusinessDetails {
            nature_of_business: types::BusinessDetailsNatureOfBusiness::PaymentProcessorPlatform,
            institution_type: types::BusinessDetailsInstitutionType::PrivateCo,
        },
    };

    // `None` lets the client generate the X-Idempotency-Key; pass `Some(key)` to retry safely.
    match client.create_partner_client(None, &request).await {
        Ok(created) => println!(
            "created {:?} (request {:?})",
            created.body.data, created.headers.x_request_id
        ),
        Err(Error::Api(types::CreatePartnerClientError::Conflict(conflict))) => {
            println!("already exists: {}", conflict.body.message)
        }
        Err(other) => return Err(other.into()),
    }
    Ok(())
}
