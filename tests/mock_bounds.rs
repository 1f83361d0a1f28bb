//! Numeric bounds and free-form types, from the document to the mock's answer: lowering carries
//! `minimum`/`maximum`/exclusive bounds/`multipleOf` (3.0 and 3.1 spellings alike) into the IR
//! without changing a Rust type, and the mock rejects values outside them, naming the value,
//! the bound and where it was.

use reqwest::StatusCode;
use serde_json::{Value, json};
use specgen_ir::ir::{Api, JsonShape, NumberBounds, Primitive, TypeKind, TypeRef};
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_tests::mock_fixture;

fn bounds(minimum: Option<f64>, maximum: Option<f64>) -> NumberBounds {
    NumberBounds {
        minimum,
        maximum,
        ..NumberBounds::default()
    }
}

fn param<'a>(api: &'a Api, wire: &str) -> &'a specgen_ir::ir::Parameter {
    api.operations
        .iter()
        .flat_map(|o| &o.params)
        .find(|p| p.wire_name == wire)
        .unwrap_or_else(|| panic!("no parameter {wire}"))
}

fn field<'a>(api: &'a Api, wire: &str) -> &'a specgen_ir::ir::Field {
    let item = api.types.iter().find(|t| t.name == "Item").unwrap();
    let TypeKind::Struct(s) = &item.kind else {
        panic!("Item is a struct")
    };
    s.fields.iter().find(|f| f.wire_name == wire).unwrap()
}

/// What both spellings of the fixture must lower to.
fn assert_lowered(api: &Api) {
    let page = param(api, "pageSize");
    assert_eq!(page.ty, TypeRef::Primitive(Primitive::I32), "no newtype");
    assert_eq!(page.bounds, Some(bounds(Some(1.0), Some(100.0))));
    let limit = param(api, "limit");
    assert_eq!(limit.ty, TypeRef::Primitive(Primitive::I64));
    assert_eq!(
        limit.bounds,
        Some(NumberBounds {
            exclusive_minimum: true,
            ..bounds(Some(0.0), None)
        })
    );
    assert_eq!(
        param(api, "ratio").bounds,
        Some(NumberBounds {
            exclusive_maximum: true,
            ..bounds(None, Some(1.0))
        })
    );
    // Array items and `$ref`s to bounded components carry their bounds to the site.
    assert_eq!(param(api, "ids").bounds, Some(bounds(Some(1.0), None)));
    assert_eq!(param(api, "itemId").bounds, Some(bounds(Some(1.0), None)));
    assert_eq!(
        param(api, "X-Step").bounds,
        Some(NumberBounds {
            multiple_of: Some(5.0),
            ..NumberBounds::default()
        })
    );
    assert_eq!(
        field(api, "quantity").bounds,
        Some(bounds(Some(1.0), Some(10.0)))
    );
    assert_eq!(
        field(api, "price").bounds,
        Some(NumberBounds {
            exclusive_minimum: true,
            ..bounds(Some(0.0), None)
        })
    );
    assert_eq!(field(api, "scores").bounds, Some(bounds(None, Some(5.0))));
    assert_eq!(field(api, "weights").bounds, Some(bounds(Some(0.0), None)));
    assert_eq!(field(api, "metadata").bounds, None);
    // Free-form objects keep their `Value` type but say they must be objects.
    assert_eq!(
        field(api, "metadata").ty,
        TypeRef::FreeForm {
            shape: JsonShape::Object,
            nullable: false
        }
    );
    assert_eq!(
        field(api, "extra").ty,
        TypeRef::FreeForm {
            shape: JsonShape::Object,
            nullable: true
        }
    );
    assert_eq!(field(api, "anything").ty, TypeRef::Json);
    assert_eq!(
        field(api, "list").ty,
        TypeRef::Array(Box::new(TypeRef::Json))
    );
}

#[test]
fn bounds_are_lowered_from_both_spellings_of_exclusivity() {
    assert_lowered(&mock_fixture("bounds.yaml"));
    let api = mock_fixture("bounds-31.yaml");
    assert_lowered(&api);
    // With both 3.1 keywords, the tighter bound (inclusive 10 over exclusive 5) is kept.
    assert_eq!(field(&api, "tier").bounds, Some(bounds(Some(10.0), None)));
}

async fn start() -> MockServer {
    mock::serve(vec![mock_fixture("bounds.yaml")], MockOptions::default())
        .await
        .expect("the mock starts")
}

/// The status, the listed violations (pointer and message) and the message of one answer.
async fn send(request: reqwest::RequestBuilder) -> (StatusCode, Vec<(String, String)>, String) {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let found = body["violations"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|v| {
                    (
                        v["pointer"].as_str().unwrap_or_default().to_owned(),
                        v["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let message = body["message"].as_str().unwrap_or_default().to_owned();
    (status, found, message)
}

#[tokio::test]
async fn parameters_outside_their_bounds_are_400_with_the_bound_named() {
    let server = start().await;
    let client = reqwest::Client::new();
    let get = |query: &str| client.get(format!("{}/items?{query}", server.base_url()));
    let cases: &[(&str, Option<&str>)] = &[
        (
            "pageSize=0",
            Some("query parameter pageSize: 0 is less than the minimum 1"),
        ),
        ("pageSize=1", None),
        ("pageSize=100", None),
        (
            "pageSize=101",
            Some("query parameter pageSize: 101 is greater than the maximum 100"),
        ),
        (
            "pageSize=3000000000",
            Some("query parameter pageSize: 3000000000 is out of range for int32"),
        ),
        (
            "limit=0",
            Some("query parameter limit: 0 is not greater than the exclusive minimum 0"),
        ),
        ("limit=1", None),
        (
            "ratio=1",
            Some("query parameter ratio: 1 is not less than the exclusive maximum 1"),
        ),
        ("ratio=0.99", None),
        (
            "ids=3,0",
            Some("query parameter ids: 0 is less than the minimum 1"),
        ),
        (
            "ids=1,99999999999999999999",
            Some("query parameter ids: 99999999999999999999 is out of range for int64"),
        ),
    ];
    // The documented 400 body has room for a `message` only, so the message lists what broke.
    for (query, expected) in cases {
        let (status, _, message) = send(get(query)).await;
        match expected {
            None => assert_eq!(status, StatusCode::OK, "{query}: {message}"),
            Some(expected) => {
                assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
                assert_eq!(
                    message,
                    format!("the request breaks the spec in 1 place: {expected}"),
                    "{query}"
                );
            }
        }
    }
    let (status, _, message) = send(get("").header("X-Step", "7")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        message.ends_with("header parameter X-Step: 7 is not a multiple of 5"),
        "{message}"
    );
    let (status, _, _) = send(get("").header("X-Step", "10")).await;
    assert_eq!(status, StatusCode::OK);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn body_numbers_and_free_form_objects_are_checked() {
    let server = start().await;
    let client = reqwest::Client::new();
    let put = |id: &str, body: &Value| {
        client
            .put(format!("{}/items/{id}", server.base_url()))
            .json(body)
    };
    let valid = json!({"quantity": 10, "metadata": {}, "price": 0.5, "scores": [5],
        "weights": {"a": 0}, "extra": null, "anything": null, "list": []});
    let (status, found, _) = send(put("1", &valid)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{found:?}");

    let (status, found, _) = send(put("0", &valid)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        found,
        [(
            String::new(),
            "path parameter itemId: 0 is less than the minimum 1".to_owned()
        )]
    );

    let broken = json!({"quantity": 0, "metadata": {}, "price": 0, "scores": [1, 6],
        "weights": {"a": -1}});
    let (status, found, _) = send(put("1", &broken)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let expected = [
        ("/quantity", "0 is less than the minimum 1"),
        ("/price", "0 is not greater than the exclusive minimum 0"),
        ("/scores/1", "6 is greater than the maximum 5"),
        ("/weights/a", "-1 is less than the minimum 0"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    assert_eq!(found, expected);

    for (metadata, message) in [
        (json!(5), "expected an object (free-form), found an integer"),
        (json!([]), "expected an object (free-form), found an array"),
        (json!("x"), "expected an object (free-form), found a string"),
        (Value::Null, "must not be null"),
    ] {
        let body = json!({"quantity": 1, "metadata": metadata});
        let (status, found, _) = send(put("1", &body)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{metadata}");
        assert_eq!(
            found,
            [("/metadata".to_owned(), message.to_owned())],
            "{metadata}"
        );
    }
    let body = json!({"quantity": 1, "metadata": {"any": [1, "two"]}, "extra": 5, "list": {}});
    let (_, found, _) = send(put("1", &body)).await;
    let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(pointers, ["/extra", "/list"], "{found:?}");

    // An integer beyond int64 in JSON arrives as a float: the message shows that float, not a
    // rounded integer that would look exact, and the maximum is not reported on top.
    let response = client
        .put(format!("{}/items/1", server.base_url()))
        .header("content-type", "application/json")
        .body(r#"{"quantity": 99999999999999999999, "metadata": {}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    let found: Vec<&str> = body["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["message"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["1e+20 is out of range for int64"], "{body}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_vendors_bounded_parameters_are_enforced() {
    // Circle's `pageSize` has `minimum: 1`; Jiko's `limit` has (3.1) `exclusiveMinimum: 0` and
    // Jiko answers every invalid request with its documented 422.
    let server = mock::serve(
        vec![
            specgen_tests::spec_api("circle_accounts"),
            specgen_tests::spec_api("jiko_partner_api"),
        ],
        MockOptions::default(),
    )
    .await
    .expect("the mock starts");
    let client = reqwest::Client::new();
    let circle = |query: &str| {
        client
            .get(format!("{}/v1/accounts?{query}", server.base_url()))
            .bearer_auth("t")
    };
    let (status, found, message) = send(circle("pageSize=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{found:?} {message}");
    assert!(
        message.contains("query parameter pageSize: 0 is less than the minimum 1"),
        "{message}"
    );
    let (status, _, message) = send(circle("pageSize=1")).await;
    assert_eq!(status, StatusCode::OK, "{message}");
    let jiko = |query: &str| {
        client
            .get(format!("{}/api/v1/events?{query}", server.base_url()))
            .bearer_auth("t")
            .header("x-jiko-signature", "s")
            .header("x-jiko-idempotency", uuid::Uuid::new_v4().to_string())
    };
    let response = jiko("limit=0").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(
        body.contains("query parameter limit: 0 is not greater than the exclusive minimum 0"),
        "{body}"
    );
    let response = jiko("limit=1").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    server.shutdown().await.unwrap();
}
