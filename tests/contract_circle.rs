//! The generated Circle Partner Onboarding and Circle Mint accounts clients against a local
//! server: typed multipart uploads, the idempotency header, 3.1 nullable fields, query encoding
//! and typed errors.

use serde_json::{Value, json};
use specgen_apis::circle_accounts as accounts;
use specgen_apis::circle_partner_onboarding as onboarding;
use specgen_apis::runtime::{Error, FilePart};
use specgen_tests::serve_json;
use wiremock::MockServer;

const APPLICATION: &str = "550e8400-e29b-41d4-a716-446655440000";

fn onboarding_client(server: &MockServer) -> onboarding::Client {
    onboarding::Client::new(server.uri()).with_bearer_token("circle-token")
}

#[tokio::test]
async fn uploads_a_document_as_typed_multipart_with_an_idempotency_key() {
    let route = format!("/v1/onboarding/partner/applications/{APPLICATION}/documents");
    let server = serve_json(
        "POST",
        &route,
        201,
        json!({"documentId": "6a3f2b4c-1d2e-4f5a-8b9c-0d1e2f3a4b5c"}),
    )
    .await;
    let body = onboarding::types::UploadDocumentRequest {
        datum_name: "passport_document".into(),
        file_content: FilePart::new("passport.pdf", "application/pdf", b"%PDF-1.7 test".to_vec()),
        file_name: "passport.pdf".into(),
        document_type: Some(onboarding::types::DocumentType::Passport),
        issued_country: Some(
            onboarding::types::UploadDocumentRequestIssuedCountry::new("US").unwrap(),
        ),
        ref_id: None,
    };
    let created = onboarding_client(&server)
        .upload_document(&APPLICATION.parse().unwrap(), None, &body)
        .await
        .unwrap();
    assert_eq!(created.status, 201);
    assert_eq!(
        created.body.document_id.to_string(),
        "6a3f2b4c-1d2e-4f5a-8b9c-0d1e2f3a4b5c"
    );

    let request = &server.received_requests().await.unwrap()[0];
    let content_type = request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart body");
    let text = String::from_utf8_lossy(&request.body);
    let parts: Vec<&str> = text
        .split(&format!("--{boundary}"))
        .filter(|p| p.contains("Content-Disposition"))
        .collect();
    let part = |name: &str| {
        *parts
            .iter()
            .find(|p| p.contains(&format!("name=\"{name}\"")))
            .unwrap_or_else(|| panic!("no part {name}: {text}"))
    };
    assert!(part("datumName").ends_with("\r\n\r\npassport_document\r\n"));
    assert!(part("fileName").ends_with("\r\n\r\npassport.pdf\r\n"));
    assert!(part("documentType").ends_with("\r\n\r\npassport\r\n"));
    assert!(part("issuedCountry").ends_with("\r\n\r\nUS\r\n"));
    let file = part("fileContent");
    assert!(
        file.contains("filename=\"passport.pdf\"")
            && file.contains("Content-Type: application/pdf"),
        "{file}"
    );
    assert!(file.ends_with("\r\n\r\n%PDF-1.7 test\r\n"));
    assert!(
        !text.contains("name=\"refId\""),
        "absent optional parts are not sent"
    );
    let key = request
        .headers
        .get("x-idempotency-key")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(uuid::Uuid::parse_str(key).unwrap().get_version_num(), 4);
}

#[tokio::test]
async fn reads_a_draft_application_with_a_null_submit_date() {
    let route = format!("/v1/onboarding/partner/applications/{APPLICATION}");
    let draft = json!({"data": {
        "applicationId": APPLICATION, "status": "DRAFT",
        "sections": [{"sectionName": "basicBusinessInfo", "status": "not_started"}],
        "submitDate": null
    }});
    let server = serve_json("GET", &route, 200, draft.clone()).await;
    let app = onboarding_client(&server)
        .get_application(&APPLICATION.parse().unwrap())
        .await
        .unwrap()
        .body
        .data;
    assert_eq!(app.status, onboarding::types::ApplicationStatus::Draft);
    assert_eq!(
        app.sections[0].status,
        onboarding::types::SectionStatus::NotStarted
    );
    assert_eq!(
        app.submit_date,
        Some(None),
        "an explicit null is kept apart from an absent field"
    );
}

#[tokio::test]
async fn submitting_an_incomplete_application_is_a_typed_conflict() {
    let route = format!("/v1/onboarding/partner/applications/{APPLICATION}/submit");
    let server = serve_json(
        "POST",
        &route,
        409,
        json!({"code": 409, "message": "Sections are incomplete."}),
    )
    .await;
    let body = onboarding::types::SubmitApplicationRequest {
        end_user_agrees_to_terms_of_service: true,
        end_user_ip_address: onboarding::types::SubmitApplicationRequestEndUserIpAddress::new(
            "203.0.113.7",
        )
        .unwrap(),
        certification_ids: None,
    };
    match onboarding_client(&server)
        .submit_application(&APPLICATION.parse().unwrap(), None, &body)
        .await
    {
        Err(Error::Api(onboarding::types::SubmitApplicationError::Conflict(c))) => {
            assert_eq!(c.body.message, "Sections are incomplete.")
        }
        other => panic!("expected a typed 409, got {other:?}"),
    }
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(
        sent,
        json!({"endUserAgreesToTermsOfService": true, "endUserIpAddress": "203.0.113.7"})
    );
    assert!(
        onboarding::types::SubmitApplicationRequestEndUserIpAddress::new("1.2.3").is_err(),
        "shorter than 7 characters"
    );
}

#[tokio::test]
async fn cancel_reads_the_const_status() {
    let route = format!("/v1/onboarding/partner/applications/{APPLICATION}");
    let server = serve_json(
        "DELETE",
        &route,
        200,
        json!({"data": {"applicationId": APPLICATION, "status": "CANCELLED"}}),
    )
    .await;
    let cancelled = onboarding_client(&server)
        .cancel_application(&APPLICATION.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(cancelled.body.data.status.as_str(), "CANCELLED");
}

#[tokio::test]
async fn creates_a_mint_account_with_the_idempotency_key_in_the_body() {
    let server = serve_json(
        "POST",
        "/v1/accounts",
        201,
        json!({"data": {"accountId": "1000662322", "type": "third_party", "purpose": "custody", "status": "active", "description": "Client custody", "balances": [{"amount": "3.14"}]}}),
    )
    .await;
    let key = uuid::Uuid::new_v4();
    let request = accounts::types::CreateAccountRequest {
        idempotency_key: key,
        description: accounts::types::CreateAccountRequestDescription::new("Client custody")
            .unwrap(),
        r#type: accounts::types::AccountType::ThirdParty,
        purpose: accounts::types::AccountPurpose::Custody,
        client_entity_id: Some("a3f1b2c4-d5e6-7890-abcd-ef1234567890".parse().unwrap()),
        end_customer_type: None,
        business_pii: None,
        individual_pii: None,
    };
    let created = accounts::Client::new(server.uri())
        .with_bearer_token("t")
        .create_account(&request)
        .await
        .unwrap();
    assert_eq!(created.status, 201);
    let account = created.body.data;
    assert_eq!(
        (account.account_id.as_str(), account.status),
        ("1000662322", accounts::types::AccountStatus::Active)
    );
    assert_eq!(
        account.balances.unwrap()[0].amount,
        "3.14",
        "amounts stay exact strings"
    );
    let sent: Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(
        sent,
        json!({"idempotencyKey": key.to_string(), "description": "Client custody", "type": "third_party", "purpose": "custody", "clientEntityId": "a3f1b2c4-d5e6-7890-abcd-ef1234567890"})
    );
}

#[tokio::test]
async fn lists_accounts_with_encoded_filters() {
    let server = serve_json("GET", "/v1/accounts", 200, json!({"data": []})).await;
    let params = accounts::types::ListAccountsParams {
        status: Some(vec![
            accounts::types::AccountStatus::Active,
            accounts::types::AccountStatus::Archived,
        ]),
        from: Some("2026-01-01T00:00:00+01:00".parse().unwrap()),
        page_size: Some(50),
        ..Default::default()
    };
    accounts::Client::new(server.uri())
        .list_accounts(&params)
        .await
        .unwrap();
    let url = &server.received_requests().await.unwrap()[0].url;
    assert_eq!(
        url.query(),
        Some("status=active&status=archived&from=2026-01-01T00%3A00%3A00%2B01%3A00&pageSize=50")
    );
}

#[tokio::test]
async fn a_duplicate_description_is_a_typed_conflict() {
    let server = serve_json(
        "POST",
        "/v1/accounts",
        409,
        json!({"code": 409, "message": "Account description already exists."}),
    )
    .await;
    let request: accounts::types::CreateAccountRequest = serde_json::from_value(json!({
        "idempotencyKey": "ba943ff1-ca16-49b2-ba55-1057e70ca5c7", "description": "My account", "type": "first_party", "purpose": "custody"
    }))
    .unwrap();
    match accounts::Client::new(server.uri())
        .create_account(&request)
        .await
    {
        Err(Error::Api(accounts::types::CreateAccountError::Conflict(c))) => {
            assert_eq!(c.status, 409)
        }
        other => panic!("expected a typed 409, got {other:?}"),
    }
}
