//! The stateful sandbox over real HTTP: the preauthorisation rules of Partner API v4.3.0, the
//! Circle onboarding lifecycle of the quickstart, and idempotency keys.

use reqwest::StatusCode;
use serde_json::{Value, json};
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_tests::{mock_fixture, spec_api};

async fn stateful(apis: Vec<specgen_ir::ir::Api>) -> MockServer {
    mock::serve(
        apis,
        MockOptions {
            stateful: true,
            // Every answer, state included, must conform to its spec, or the test sees a 500.
            check_answers: true,
            ..MockOptions::default()
        },
    )
    .await
    .expect("the mock starts")
}

struct Http {
    base: String,
    client: reqwest::Client,
}

impl Http {
    fn new(server: &MockServer) -> Self {
        Http {
            base: server.base_url(),
            client: reqwest::Client::new(),
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth("t");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let key = key
            .map(str::to_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        request = request.header("X-Idempotency-Key", key);
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body), None)
            .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None, None).await
    }

    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, Some(body), None)
            .await
    }
}

fn preauth(invoice: &str, amount: &str, sender: &str, expires_at: &str) -> Value {
    json!({
        "invoiceId": invoice, "sender": sender,
        "receiver": "0xaec528683845350e9bfc937e0f6c72bc999b5123", "amount": amount,
        "contractAddress": "0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2", "expiresAt": expires_at
    })
}

const SENDER: &str = "0x41c528683845350e9bfc937e0f6c72bc999b5cdc";
const FUTURE: &str = "2099-01-01T00:00:00Z";

fn message(body: &Value) -> &str {
    body["errors"][0]["message"].as_str().unwrap_or_default()
}

/// The rules key on method and path, so they hold for the fixture and for the module the release
/// notes in `specs/partner-api/` become.
fn preauth_apis() -> Vec<specgen_ir::ir::Api> {
    vec![mock_fixture("preauth.yaml"), spec_api("partner_api")]
}

#[tokio::test]
async fn preauthorisation_rules_of_v4_3_0() {
    for api in preauth_apis() {
        preauthorisation_rules(api).await;
    }
}

async fn preauthorisation_rules(api: specgen_ir::ir::Api) {
    let server = stateful(vec![api]).await;
    let http = Http::new(&server);

    let (status, created) = http
        .post(
            "/onchain-preauth",
            preauth("INV-1", "150.75", SENDER, FUTURE),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "AUTHORIZED");
    assert_eq!(created["invoiceId"], "INV-1");
    assert_eq!(created["amount"], "150.75");

    let (status, body) = http
        .post("/onchain-preauth", preauth("INV-1", "1", SENDER, FUTURE))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::CONFLICT, "Invoice already exists")
    );

    let (status, body) = http
        .post("/onchain-preauth", preauth("INV-2", "0.00", SENDER, FUTURE))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::BAD_REQUEST, "Amount must be greater than zero")
    );
    let receiver = "0xaec528683845350e9bfc937e0f6c72bc999b5123";
    let (status, body) = http
        .post("/onchain-preauth", preauth("INV-2", "5", receiver, FUTURE))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::BAD_REQUEST, "Sender and receiver cannot match")
    );

    let (status, body) = http
        .post("/onchain-preauth/INV-1/settle", json!({"amount": "150.76"}))
        .await;
    assert_eq!(
        (status, message(&body)),
        (
            StatusCode::CONFLICT,
            "Settlement exceeds authorized amount with allowed tip"
        )
    );
    let (status, body) = http
        .post("/onchain-preauth/INV-1/settle", json!({"amount": "0"}))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::CONFLICT, "Amount must be greater than zero")
    );

    let (status, settled) = http
        .post("/onchain-preauth/INV-1/settle", json!({"amount": "120.50"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{settled}");
    assert_eq!(
        (
            &settled["status"],
            &settled["settledAmount"],
            &settled["authorizedAmount"]
        ),
        (&json!("SETTLED"), &json!("120.50"), &json!("150.75"))
    );
    let (status, body) = http
        .post("/onchain-preauth/INV-1/settle", json!({"amount": "1"}))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::CONFLICT, "Invalid settlement state: SETTLED")
    );
    let (status, read) = http.get("/onchain-preauth/INV-1").await;
    assert_eq!(
        (status, &read["status"]),
        (StatusCode::OK, &json!("SETTLED"))
    );
    assert_eq!(read["settledAmount"], "120.50");

    let (status, body) = http.get("/onchain-preauth/INV-404").await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::NOT_FOUND, "Preauthorization not found")
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_preauthorisation_expires_after_expires_at() {
    let server = stateful(preauth_apis().split_off(1)).await;
    let http = Http::new(&server);
    // The expiry is a second away, so the test waits only that long.
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(300))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (status, _) = http
        .post("/onchain-preauth", preauth("INV-E", "10", SENDER, &soon))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, before) = http.get("/onchain-preauth/INV-E").await;
    assert_eq!(before["status"], "AUTHORIZED");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let (_, after) = http.get("/onchain-preauth/INV-E").await;
    assert_eq!(after["status"], "EXPIRED");
    let (status, body) = http
        .post("/onchain-preauth/INV-E/settle", json!({"amount": "1"}))
        .await;
    assert_eq!(
        (status, message(&body)),
        (StatusCode::CONFLICT, "Pre-authorization expired")
    );
    server.shutdown().await.unwrap();
}

fn client(name: &str) -> Value {
    json!({
        "clientName": name, "country": "US", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}
    })
}

/// The onboarding fixture and the spec in `specs/`: the rules apply to both unchanged.
fn onboarding_apis() -> Vec<specgen_ir::ir::Api> {
    vec![
        mock_fixture("circle-onboarding.yaml"),
        spec_api("circle_partner_onboarding"),
    ]
}

async fn circle(onboarding: specgen_ir::ir::Api) -> MockServer {
    stateful(vec![spec_api("customer_orchestration"), onboarding]).await
}

async fn upload(http: &Http, app: &str) -> StatusCode {
    let boundary = "b0undary";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"datumName\"\r\n\r\npassport_document\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"fileName\"\r\n\r\npassport.pdf\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"fileContent\"; filename=\"passport.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n\
         --{boundary}--\r\n"
    );
    http.client
        .post(format!(
            "{}/v1/onboarding/partner/applications/{app}/documents",
            http.base
        ))
        .bearer_auth("t")
        .header("X-Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
}

/// Creates a client, completes every section and uploads a document; returns the application id.
async fn ready_application(http: &Http, name: &str) -> String {
    let (status, created) = http.post("/v1/partner/clients", client(name)).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let app = created["data"]["applicationId"]
        .as_str()
        .unwrap()
        .to_owned();
    for section in specgen_kit::mock::sandbox::DEFAULT_SECTIONS {
        let (status, saved) = http
            .put(
                &format!("/v1/onboarding/partner/applications/{app}/sections/{section}"),
                json!({"data": {"legalName": name}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
    }
    assert_eq!(upload(http, &app).await, StatusCode::CREATED);
    app
}

fn submission() -> Value {
    json!({"endUserAgreesToTermsOfService": true, "endUserIpAddress": "203.0.113.7"})
}

#[tokio::test]
async fn the_quickstart_lifecycle_from_draft_to_approved() {
    for api in onboarding_apis() {
        quickstart_lifecycle(api).await;
    }
}

async fn quickstart_lifecycle(onboarding: specgen_ir::ir::Api) {
    let server = circle(onboarding).await;
    let http = Http::new(&server);

    let (status, created) = http.post("/v1/partner/clients", client("Acme")).await;
    assert_eq!(status, StatusCode::OK);
    let app = created["data"]["applicationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/onboarding/partner/applications/{app}");

    let (status, dup) = http.post("/v1/partner/clients", client("Acme")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{dup}");

    let (status, draft) = http.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["data"]["status"], "DRAFT");
    assert_eq!(draft["data"]["applicationId"], app.as_str());
    let sections = draft["data"]["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 2);
    assert!(
        sections.iter().all(|s| s["status"] == "not_started"),
        "{draft}"
    );

    let (status, early) = http.post(&format!("{path}/submit"), submission()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        early["message"]
            .as_str()
            .unwrap()
            .contains("Sections not complete")
    );

    let (status, saved) = http
        .put(
            &format!("{path}/sections/basicBusinessInfo"),
            json!({"data": {"legalName": "Acme"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        saved["sections"]
            .as_array()
            .unwrap()
            .contains(&json!({"sectionName": "basicBusinessInfo", "status": "complete"})),
        "{saved}"
    );
    let (_, section) = http
        .get(&format!("{path}/sections/basicBusinessInfo"))
        .await;
    assert_eq!(section["status"], "complete");
    let (status, _) = http.get(&format!("{path}/sections/noSuchSection")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    http.put(
        &format!("{path}/sections/beneficial_owners"),
        json!({"data": {}}),
    )
    .await;

    let (status, no_document) = http.post(&format!("{path}/submit"), submission()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        no_document["message"]
            .as_str()
            .unwrap()
            .contains("document")
    );
    assert_eq!(upload(&http, &app).await, StatusCode::CREATED);

    let (status, submitted) = http.post(&format!("{path}/submit"), submission()).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["status"], "SUBMITTED");
    let (status, again) = http.post(&format!("{path}/submit"), submission()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    let statuses = [
        http.get(&path).await.1["data"]["status"].clone(),
        http.get(&path).await.1["data"]["status"].clone(),
        http.get(&path).await.1["data"]["status"].clone(),
    ];
    assert_eq!(
        statuses,
        [json!("IN_REVIEW"), json!("APPROVED"), json!("APPROVED")]
    );
    let (status, _) = http
        .put(
            &format!("{path}/sections/basicBusinessInfo"),
            json!({"data": {}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "an approved application is not mutable"
    );
    let (status, _) = http.call(reqwest::Method::DELETE, &path, None, None).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "only a DRAFT can be cancelled"
    );

    let (status, _) = http
        .get("/v1/onboarding/partner/applications/2adba88e-9d63-44bc-b975-9b6ae3440dde")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn review_outcomes_denied_and_request_for_information() {
    for api in onboarding_apis() {
        review_outcomes(api).await;
    }
}

async fn review_outcomes(onboarding: specgen_ir::ir::Api) {
    let server = circle(onboarding).await;
    let http = Http::new(&server);
    let read = |app: String| {
        let http = &http;
        async move {
            http.get(&format!("/v1/onboarding/partner/applications/{app}"))
                .await
                .1["data"]["status"]
                .clone()
        }
    };

    let denied = ready_application(&http, "Deny Holdings").await;
    http.post(
        &format!("/v1/onboarding/partner/applications/{denied}/submit"),
        submission(),
    )
    .await;
    read(denied.clone()).await;
    assert_eq!(read(denied).await, "DENIED");

    let rfi = ready_application(&http, "RFI Partners").await;
    let submit = format!("/v1/onboarding/partner/applications/{rfi}/submit");
    http.post(&submit, submission()).await;
    read(rfi.clone()).await;
    assert_eq!(read(rfi.clone()).await, "PENDING_CUSTOMER_INFORMATION");
    // The customer answers and resubmits; the second review approves.
    let (status, _) = http
        .put(
            &format!("/v1/onboarding/partner/applications/{rfi}/sections/beneficial_owners"),
            json!({"data": {"owners": []}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, resubmitted) = http.post(&submit, submission()).await;
    assert_eq!(
        (status, &resubmitted["status"]),
        (StatusCode::OK, &json!("SUBMITTED"))
    );
    read(rfi.clone()).await;
    assert_eq!(read(rfi).await, "APPROVED");

    let (status, cancelled) = {
        let (_, created) = http.post("/v1/partner/clients", client("Cancel Co")).await;
        let app = created["data"]["applicationId"]
            .as_str()
            .unwrap()
            .to_owned();
        http.call(
            reqwest::Method::DELETE,
            &format!("/v1/onboarding/partner/applications/{app}"),
            None,
            None,
        )
        .await
    };
    assert_eq!(
        (status, &cancelled["data"]["status"]),
        (StatusCode::OK, &json!("CANCELLED"))
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_idempotency_key_replays_without_a_second_effect() {
    let server = circle(spec_api("circle_partner_onboarding")).await;
    let http = Http::new(&server);
    let key = uuid::Uuid::new_v4().to_string();
    let first = http
        .call(
            reqwest::Method::POST,
            "/v1/partner/clients",
            Some(client("Once")),
            Some(&key),
        )
        .await;
    let replay = http
        .call(
            reqwest::Method::POST,
            "/v1/partner/clients",
            Some(client("Once")),
            Some(&key),
        )
        .await;
    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(replay, first, "the replay repeats the first answer");
    // A new key shows the client exists exactly once: the replay created nothing.
    let (status, _) = http.post("/v1/partner/clients", client("Once")).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, reused) = http
        .call(
            reqwest::Method::POST,
            "/v1/partner/clients",
            Some(client("Other")),
            Some(&key),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{reused}");
    assert!(
        reused["message"]
            .as_str()
            .unwrap()
            .contains("idempotency key")
    );
    server.shutdown().await.unwrap();
}
