//! The vendors' documented sandbox lifecycles, walked through the generated clients against the
//! in-process stateful mock: Jiko's individual-application table (seed 004, "Sandbox Testing")
//! one application per prefix, and Circle's onboarding quickstart (seed 000) checking that what
//! was saved is what is read back. Every answer is checked against its spec (`check_answers`),
//! so a state-carrying answer that breaks the spec fails here as a 500.

use serde_json::{Value, json};
use specgen_apis::circle_partner_onboarding as onboarding;
use specgen_apis::customer_orchestration as orchestration;
use specgen_apis::jiko_partner_api::{self as jiko, EXAMPLES, types};
use specgen_apis::runtime::{BinaryBody, Error, FilePart};
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_tests::spec_api;

async fn stateful(modules: &[&str]) -> MockServer {
    mock::serve(
        modules.iter().map(|m| spec_api(m)).collect(),
        MockOptions {
            stateful: true,
            check_answers: true,
            ..MockOptions::default()
        },
    )
    .await
    .expect("the mock starts")
}

fn jiko_request(
    identification_number: &str,
    email: &str,
) -> types::InternationalApplicationRequest {
    let origin =
        "#/paths/~1api~1v1~1applications/post/requestBody/content/application~1json/example";
    let (_, text) = EXAMPLES.iter().find(|(o, _)| *o == origin).unwrap();
    let mut body: Value = serde_json::from_str(text).unwrap();
    body["identification_number"] = json!(identification_number);
    body["email"] = json!(email);
    serde_json::from_value(body).unwrap()
}

fn document(kind: &str) -> types::DocumentType {
    serde_json::from_value(json!(kind)).unwrap()
}

fn status(app: &types::InternationalApplication) -> String {
    serde_json::to_value(&app.status)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

fn flags(app: &types::InternationalApplication) -> [bool; 3] {
    [
        app.id_verification_documents_needed,
        app.identification_number_verification_document_needed,
        app.address_verification_document_needed,
    ]
}

/// The documents the application asks for, as `(type, status)`.
fn documents(app: &types::InternationalApplication) -> Vec<(String, String)> {
    let docs = serde_json::to_value(&app.documents).unwrap();
    docs.as_array()
        .map(|a| {
            a.iter()
                .map(|d| {
                    (
                        d["type"].as_str().unwrap().to_owned(),
                        d["status"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One row of seed 004's table: the prefix, the status and flags after Apply, the documents to
/// upload, and the status after re-applying.
struct Row {
    number: &'static str,
    after_apply: &'static str,
    flags: [bool; 3],
    uploads: &'static [&'static str],
    after_reapply: Option<&'static str>,
}

const TABLE: &[Row] = &[
    Row {
        number: "211000000",
        after_apply: "DOCUMENTS_NEEDED",
        flags: [true, false, false],
        uploads: &["ID_FRONT", "ID_BACK", "SELFIE"],
        after_reapply: Some("MANUAL_REVIEW"),
    },
    Row {
        number: "220000000",
        after_apply: "DOCUMENTS_NEEDED",
        flags: [false, true, false],
        uploads: &["IDENTIFICATION_NUMBER_VERIFICATION"],
        after_reapply: Some("APPROVED"),
    },
    Row {
        number: "231000000",
        after_apply: "DOCUMENTS_NEEDED",
        flags: [false, false, true],
        uploads: &["ADDRESS_VERIFICATION"],
        after_reapply: Some("MANUAL_REVIEW"),
    },
    Row {
        number: "240000000",
        after_apply: "DOCUMENTS_NEEDED",
        flags: [true, true, false],
        uploads: &[
            "ID_FRONT",
            "ID_BACK",
            "PASSPORT",
            "IDENTIFICATION_NUMBER_VERIFICATION",
        ],
        after_reapply: Some("APPROVED"),
    },
    Row {
        number: "300000000",
        after_apply: "MANUAL_REVIEW",
        flags: [false; 3],
        uploads: &[],
        after_reapply: None,
    },
    Row {
        number: "400000000",
        after_apply: "APPROVED",
        flags: [false; 3],
        uploads: &[],
        after_reapply: None,
    },
    Row {
        number: "500000000",
        after_apply: "REJECTED",
        flags: [false; 3],
        uploads: &[],
        after_reapply: None,
    },
    Row {
        number: "999999999",
        after_apply: "MANUAL_REVIEW",
        flags: [false; 3],
        uploads: &[],
        after_reapply: None,
    },
    Row {
        number: "123456789",
        after_apply: "MANUAL_REVIEW",
        flags: [false; 3],
        uploads: &[],
        after_reapply: None,
    },
];

#[tokio::test]
async fn jiko_sandbox_walks_the_whole_prefix_table() {
    let server = stateful(&["jiko_partner_api"]).await;
    let client = jiko::Client::new(server.base_url())
        .with_bearer_token("t")
        .with_signing_secret("s");
    let mut ids = Vec::new();
    for row in TABLE {
        let email = format!("applicant-{}@example.com", row.number);
        let created = client
            .individuals_create_application(None, &jiko_request(row.number, &email))
            .await
            .unwrap()
            .body;
        // Fresh ids, the submitted data echoed back, nothing decided yet.
        assert!(!ids.contains(&created.id), "{} reused an id", row.number);
        ids.push(created.id);
        assert_eq!(status(&created), "CREATED");
        assert_eq!(created.email, email);
        assert_eq!(created.phone_number, "+14155550100");
        assert_eq!(
            serde_json::to_value(&created.address).unwrap()["country"],
            "USA"
        );
        assert!(created.customer_id.is_none(), "customer_id while CREATED");

        let applied = client
            .individuals_initiate_kyc_submission(&created.id, None)
            .await
            .unwrap()
            .body;
        assert_eq!(status(&applied), row.after_apply, "{}", row.number);
        assert_eq!(flags(&applied), row.flags, "{}", row.number);
        let pending: Vec<String> = documents(&applied)
            .into_iter()
            .filter(|(_, s)| s == "PENDING_UPLOAD")
            .map(|(t, _)| t)
            .collect();
        for upload in row.uploads {
            if *upload != "SELFIE" && *upload != "PASSPORT" {
                assert!(
                    pending.contains(&upload.to_string()),
                    "{}: {pending:?}",
                    row.number
                );
            }
        }
        assert_eq!(
            applied.customer_id.is_some(),
            row.after_apply == "APPROVED",
            "{}: customer_id only on approval",
            row.number
        );

        for (i, upload) in row.uploads.iter().enumerate() {
            let answer = client
                .individuals_upload_document_to_application(
                    &created.id,
                    &document(upload),
                    None,
                    BinaryBody::new("image/png", b"\x89PNG\r\n\x1a\n".to_vec()),
                )
                .await
                .unwrap()
                .body;
            assert!(answer.success);
            let now = client
                .individuals_get_application(&created.id, None)
                .await
                .unwrap()
                .body;
            let last = i + 1 == row.uploads.len();
            assert_eq!(
                status(&now),
                if last { "PENDING" } else { "DOCUMENTS_NEEDED" },
                "{} after uploading {upload}",
                row.number
            );
            assert!(documents(&now).contains(&(upload.to_string(), "PENDING_REVIEW".into())));
        }

        if let Some(expected) = row.after_reapply {
            let reapplied = client
                .individuals_initiate_kyc_submission(&created.id, None)
                .await
                .unwrap()
                .body;
            assert_eq!(status(&reapplied), expected, "{} re-applied", row.number);
            assert_eq!(flags(&reapplied), [false; 3]);
            assert_eq!(reapplied.customer_id.is_some(), expected == "APPROVED");
        }
        // A later read agrees with the last answer.
        let read = client
            .individuals_get_application(&created.id, None)
            .await
            .unwrap()
            .body;
        assert_eq!(status(&read), row.after_reapply.unwrap_or(row.after_apply));
    }

    let unknown: uuid::Uuid = "00000000-0000-4000-8000-000000000000".parse().unwrap();
    match client.individuals_get_application(&unknown, None).await {
        Err(Error::Api(types::IndividualsGetApplicationError::NotFound(r))) => {
            assert_eq!(r.status, 404)
        }
        other => panic!("expected a typed 404, got {other:?}"),
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn circle_onboarding_keeps_what_the_partner_saved() {
    let server = stateful(&["customer_orchestration", "circle_partner_onboarding"]).await;
    let orchestration = orchestration::Client::new(server.base_url()).with_bearer_token("t");
    let client = onboarding::Client::new(server.base_url()).with_bearer_token("t");
    let before = chrono::Utc::now() - chrono::Duration::seconds(5);

    let request: orchestration::types::CreatePartnerClientRequest = serde_json::from_value(json!({
        "clientName": "Saved State Trust", "country": "US", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}
    }))
    .unwrap();
    let created = orchestration
        .create_partner_client(None, &request)
        .await
        .unwrap()
        .body;
    let data = serde_json::to_value(created.data.unwrap()).unwrap();
    let app: uuid::Uuid = data["applicationId"].as_str().unwrap().parse().unwrap();

    // Step 2: a DRAFT with real timestamps and nothing submitted.
    let draft = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(draft["data"]["status"], "DRAFT");
    assert_eq!(draft["data"]["submitDate"], Value::Null);
    let created_at =
        chrono::DateTime::parse_from_rfc3339(draft["data"]["createDate"].as_str().unwrap())
            .unwrap();
    assert!(
        created_at > before,
        "createDate {created_at} is not the creation time"
    );

    // Step 3: what is saved is what is read back, not the spec's example.
    let saved = json!({"legalName": "Saved State Trust", "websiteUrl": "https://saved.example"});
    let section: onboarding::types::SectionData =
        serde_json::from_value(json!({"data": saved})).unwrap();
    client
        .save_section(&app, "basicBusinessInfo", &section)
        .await
        .unwrap();
    let read = serde_json::to_value(
        client
            .get_section(&app, "basicBusinessInfo")
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(read["data"], saved);
    assert_eq!(read["status"], "complete");
    let params = onboarding::types::ListSectionsParams {
        include_data: Some(true),
    };
    let listed =
        serde_json::to_value(client.list_sections(&app, &params).await.unwrap().body).unwrap();
    assert_eq!(listed["data"][0]["data"], saved, "{listed}");
    let owners = json!({"owners": [{"name": "A. Owner"}]});
    let section: onboarding::types::SectionData =
        serde_json::from_value(json!({"data": owners})).unwrap();
    client
        .save_section(&app, "beneficial_owners", &section)
        .await
        .unwrap();
    let all = serde_json::to_value(client.get_all_data(&app).await.unwrap().body).unwrap();
    assert_eq!(
        all["data"],
        json!({"basicBusinessInfo": saved, "beneficial_owners": owners})
    );

    // Step 4: the uploaded document is listed as sent.
    let upload: onboarding::types::UploadDocumentRequest =
        onboarding::types::UploadDocumentRequest {
            datum_name: "passport_document".into(),
            file_content: FilePart::new("passport.pdf", "application/pdf", b"%PDF-1.4".to_vec()),
            file_name: "passport.pdf".into(),
            document_type: Some(serde_json::from_value(json!("passport")).unwrap()),
            issued_country: None,
            ref_id: None,
        };
    let uploaded = client
        .upload_document(&app, None, &upload)
        .await
        .unwrap()
        .body;
    let docs = serde_json::to_value(client.list_documents(&app).await.unwrap().body).unwrap();
    assert_eq!(docs["data"].as_array().unwrap().len(), 1, "{docs}");
    assert_eq!(
        docs["data"][0]["documentId"],
        json!(uploaded.document_id.to_string())
    );
    assert_eq!(docs["data"][0]["datumName"], "passport_document");
    assert_eq!(docs["data"][0]["fileName"], "passport.pdf");
    assert_eq!(docs["data"][0]["documentType"], "passport");

    // The partner's own applications are listed.
    let apps = serde_json::to_value(client.list_applications().await.unwrap().body).unwrap();
    assert!(
        apps["data"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["applicationId"] == json!(app.to_string())),
        "{apps}"
    );

    // Steps 5 and 6: submitted with a real submitDate, then reviewed.
    let submission: onboarding::types::SubmitApplicationRequest = serde_json::from_value(json!({
        "endUserAgreesToTermsOfService": true, "endUserIpAddress": "203.0.113.7"
    }))
    .unwrap();
    let submitted = serde_json::to_value(
        client
            .submit_application(&app, None, &submission)
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(submitted["status"], "SUBMITTED");
    let reviewing = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(reviewing["data"]["status"], "IN_REVIEW");
    let submit_date =
        chrono::DateTime::parse_from_rfc3339(reviewing["data"]["submitDate"].as_str().unwrap())
            .unwrap();
    assert!(submit_date >= created_at);
    let decided = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(decided["data"]["status"], "APPROVED");
    // Section data survives the review.
    let read = serde_json::to_value(
        client
            .get_section(&app, "basicBusinessInfo")
            .await
            .unwrap()
            .body,
    )
    .unwrap();
    assert_eq!(read["data"], saved);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn circle_rfi_magic_value_publishes_an_rfi_that_can_be_answered() {
    let server = stateful(&["customer_orchestration", "circle_partner_onboarding"]).await;
    let orchestration = orchestration::Client::new(server.base_url()).with_bearer_token("t");
    let client = onboarding::Client::new(server.base_url()).with_bearer_token("t");
    let request: orchestration::types::CreatePartnerClientRequest = serde_json::from_value(json!({
        "clientName": "RFI Example LLC", "country": "US", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}
    }))
    .unwrap();
    let created = orchestration
        .create_partner_client(None, &request)
        .await
        .unwrap()
        .body;
    let data = serde_json::to_value(created.data.unwrap()).unwrap();
    let app: uuid::Uuid = data["applicationId"].as_str().unwrap().parse().unwrap();
    for name in onboarding_sections() {
        let section: onboarding::types::SectionData =
            serde_json::from_value(json!({"data": {"x": name}})).unwrap();
        client.save_section(&app, name, &section).await.unwrap();
    }
    let upload = onboarding::types::UploadDocumentRequest {
        datum_name: "d".into(),
        file_content: FilePart::new("f.pdf", "application/pdf", b"%PDF".to_vec()),
        file_name: "f.pdf".into(),
        document_type: None,
        issued_country: None,
        ref_id: None,
    };
    client.upload_document(&app, None, &upload).await.unwrap();
    let submission: onboarding::types::SubmitApplicationRequest = serde_json::from_value(json!({
        "endUserAgreesToTermsOfService": true, "endUserIpAddress": "203.0.113.7"
    }))
    .unwrap();
    client
        .submit_application(&app, None, &submission)
        .await
        .unwrap();
    client.get_application(&app).await.unwrap();
    let pending = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(pending["data"]["status"], "PENDING_CUSTOMER_INFORMATION");
    let bundles = serde_json::to_value(client.list_rfis(&app).await.unwrap().body).unwrap();
    let bundle = &bundles["data"]["bundles"][0];
    assert_eq!(
        pending["data"]["pendingRfis"],
        json!([bundle["bundleId"]]),
        "{bundles}"
    );
    assert_eq!(bundle["status"], "PUBLISHED");
    let rfi: uuid::Uuid = bundle["rfis"][0]["rfiId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let answer: onboarding::types::SectionData =
        serde_json::from_value(json!({"data": {"owners": []}})).unwrap();
    client.update_rfi_data(&app, &rfi, &answer).await.unwrap();
    let after = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(after["data"]["pendingRfis"], json!([]));
    client
        .submit_application(&app, None, &submission)
        .await
        .unwrap();
    client.get_application(&app).await.unwrap();
    let decided = serde_json::to_value(client.get_application(&app).await.unwrap().body).unwrap();
    assert_eq!(decided["data"]["status"], "APPROVED");
    server.shutdown().await.unwrap();
}

fn onboarding_sections() -> &'static [&'static str] {
    specgen_kit::mock::sandbox::DEFAULT_SECTIONS
}
