//! The mock against hostile and malformed input over raw TCP: every request of the corpus gets a
//! 4xx and the server is still answering afterwards; stalled heads and idle keep-alive
//! connections are closed; `tokens` restricts credentials; error bodies describe the request's
//! own violations rather than example text; multipart parts are validated.

use serde_json::{Value, json};
use specgen_kit::mock::{self, MockOptions, MockServer};
use specgen_tests::spec_api;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn server(options: MockOptions) -> MockServer {
    mock::serve(
        vec![
            spec_api("customer_orchestration"),
            spec_api("circle_partner_onboarding"),
            spec_api("jiko_partner_api"),
        ],
        MockOptions {
            stateful: true,
            ..options
        },
    )
    .await
    .expect("the mock starts")
}

/// Sends `raw` on a fresh connection and reads until the server closes it; the status and body.
async fn exchange(server: &MockServer, raw: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(server.addr()).await.unwrap();
    // A server that closes early (a 413 before the whole body) may reset the rest of the write.
    let _ = stream.write_all(raw).await;
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut out)).await;
    assert!(
        read.is_ok(),
        "no answer within 10 s to {:?}",
        String::from_utf8_lossy(&raw[..raw.len().min(120)])
    );
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

fn request(method: &str, target: &[u8], headers: &[&[u8]], body: &[u8]) -> Vec<u8> {
    let mut raw = Vec::new();
    raw.extend_from_slice(method.as_bytes());
    raw.push(b' ');
    raw.extend_from_slice(target);
    raw.extend_from_slice(b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for h in headers {
        raw.extend_from_slice(h);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
    raw.extend_from_slice(body);
    raw
}

const AUTH: &[u8] = b"Authorization: Bearer t";
const JSON: &[u8] = b"Content-Type: application/json";

async fn create_application(server: &MockServer) -> String {
    let body = json!({"clientName": "Hostile Co", "country": "US", "clientType": "business",
        "businessDetails": {"natureOfBusiness": "trust", "institutionType": "trust"}});
    let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
    let (status, body) = exchange(
        server,
        &request(
            "POST",
            b"/v1/partner/clients",
            &[AUTH, JSON, key.as_bytes()],
            body.to_string().as_bytes(),
        ),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v["data"]["applicationId"].as_str().unwrap().to_owned()
}

/// Requests that are broken in every way a client or an attacker can break one: bad escapes and
/// bad UTF-8 in paths, queries and headers, huge and deep bodies, unknown methods.
fn hostile_corpus(app: &str, sections: &str) -> Vec<(&'static str, Vec<u8>)> {
    let mut corpus = hostile_heads(app, sections);
    corpus.extend(hostile_bodies(app, sections));
    corpus
}

/// Requests broken in their request line, path, query or headers: bad escapes and bad UTF-8.
fn hostile_heads(app: &str, sections: &str) -> Vec<(&'static str, Vec<u8>)> {
    let bad_header = [b"X-Idempotency-Key: \xff\xfe\x80".as_slice()];
    vec![
        (
            "a bare percent",
            request(
                "GET",
                b"/v1/onboarding/partner/applications/%",
                &[AUTH],
                b"",
            ),
        ),
        (
            "a bad escape",
            request(
                "GET",
                b"/v1/onboarding/partner/applications/%zz%",
                &[AUTH],
                b"",
            ),
        ),
        (
            "an escape of invalid UTF-8",
            request(
                "GET",
                b"/v1/onboarding/partner/applications/%ff%fe%c3%28",
                &[AUTH],
                b"",
            ),
        ),
        (
            "a percent before a multi-byte character",
            request(
                "GET",
                "/v1/onboarding/partner/applications/%é€".as_bytes(),
                &[AUTH],
                b"",
            ),
        ),
        (
            "raw invalid UTF-8 in the path",
            request(
                "GET",
                b"/v1/onboarding/partner/applications/\xff\xfe",
                &[AUTH],
                b"",
            ),
        ),
        (
            "a percent-encoded literal segment",
            request(
                "GET",
                format!("/v1/onboarding/partner/applications/{app}/%73ections%").as_bytes(),
                &[AUTH],
                b"",
            ),
        ),
        (
            "invalid UTF-8 in a typed query",
            request(
                "GET",
                format!("{sections}?includeData=%ff%fe").as_bytes(),
                &[AUTH],
                b"",
            ),
        ),
        (
            "a bad escape in a typed query",
            request(
                "GET",
                format!("{sections}?includeData=%").as_bytes(),
                &[AUTH],
                b"",
            ),
        ),
        (
            "invalid UTF-8 in a header parameter",
            request(
                "POST",
                b"/v1/partner/clients",
                &[AUTH, JSON, bad_header[0]],
                b"{}",
            ),
        ),
        (
            "invalid UTF-8 in the credentials",
            request(
                "GET",
                sections.as_bytes(),
                &[b"Authorization: \xff\xfe"],
                b"",
            ),
        ),
    ]
}

/// Requests broken in their bodies or framing: bad UTF-8, deep and huge JSON, truncated
/// bodies, garbage, oversized heads, broken multipart, out-of-range integers, unknown methods.
fn hostile_bodies(app: &str, sections: &str) -> Vec<(&'static str, Vec<u8>)> {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_valid = format!(
        "{{\"data\": {}1{}}}",
        "{\"a\":".repeat(120),
        "}".repeat(120)
    );
    let huge = vec![b' '; 2 * 1024 * 1024];
    let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
    let with_key: &[&[u8]] = &[AUTH, JSON, key.as_bytes()];
    let save = format!("/v1/onboarding/partner/applications/{app}/sections/basicBusinessInfo");
    vec![
        (
            "a body of invalid UTF-8",
            request(
                "PUT",
                save.as_bytes(),
                with_key,
                b"{\"data\": \"\xff\xfe\"}",
            ),
        ),
        (
            "JSON nested 100,000 deep",
            request("PUT", save.as_bytes(), with_key, deep.as_bytes()),
        ),
        (
            "valid JSON nested 120 deep where an object of strings is fine but the root is wrong",
            request(
                "POST",
                b"/v1/partner/clients",
                with_key,
                deep_valid.as_bytes(),
            ),
        ),
        (
            "a 2 MB body",
            request("PUT", save.as_bytes(), with_key, &huge),
        ),
        (
            "a truncated JSON body",
            request("PUT", save.as_bytes(), with_key, b"{\"data\": {"),
        ),
        (
            "a garbage request line",
            b"\x00\x01\x02 GARBAGE\r\n\r\n".to_vec(),
        ),
        (
            "a header too large",
            request(
                "GET",
                sections.as_bytes(),
                &[AUTH, format!("X-Big: {}", "a".repeat(200_000)).as_bytes()],
                b"",
            ),
        ),
        (
            "a broken multipart body",
            request(
                "POST",
                format!("/v1/onboarding/partner/applications/{app}/documents").as_bytes(),
                &[
                    AUTH,
                    key.as_bytes(),
                    b"Content-Type: multipart/form-data; boundary=zz",
                ],
                b"--zz\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nno end",
            ),
        ),
        (
            "multipart without a boundary",
            request(
                "POST",
                format!("/v1/onboarding/partner/applications/{app}/documents").as_bytes(),
                &[AUTH, key.as_bytes(), b"Content-Type: multipart/form-data"],
                b"--",
            ),
        ),
        (
            "an integer beyond int64",
            request(
                "GET",
                b"/api/v1/events?limit=99999999999999999999999999",
                &[
                    AUTH,
                    format!("x-jiko-idempotency: {}", uuid::Uuid::new_v4()).as_bytes(),
                    b"x-jiko-signature: s",
                ],
                b"",
            ),
        ),
        (
            "an unknown method",
            request("BREW", sections.as_bytes(), &[AUTH], b""),
        ),
    ]
}

#[tokio::test]
async fn every_hostile_request_is_a_4xx_and_the_server_stays_up() {
    let server = server(MockOptions::default()).await;
    let app = create_application(&server).await;
    let sections = format!("/v1/onboarding/partner/applications/{app}/sections");

    // The route that once hit `unreachable!`: an existing application's sections.
    let (status, body) =
        exchange(&server, &request("GET", sections.as_bytes(), &[AUTH], b"")).await;
    assert_eq!(status, 200, "{body}");

    let corpus = hostile_corpus(&app, &sections);
    for (what, raw) in &corpus {
        let (status, body) = exchange(&server, raw).await;
        assert!((400..500).contains(&status), "{what}: {status} {body}");
    }
    // An announced body that never comes is answered (408) rather than held forever.
    let save = format!("/v1/onboarding/partner/applications/{app}/sections/basicBusinessInfo");
    let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
    let stalled = format!(
        "PUT {save} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\n{key}\r\nContent-Length: 100\r\n\r\n{{"
    );
    let (status, _) = exchange(&server, stalled.as_bytes()).await;
    assert_eq!(status, 408);

    let (status, body) =
        exchange(&server, &request("GET", sections.as_bytes(), &[AUTH], b"")).await;
    assert_eq!(status, 200, "the server is still up: {body}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn integers_beyond_int64_are_reported_as_out_of_range() {
    let server = server(MockOptions::default()).await;
    let jiko: &[&[u8]] = &[AUTH, b"x-jiko-signature: s"];
    let key = format!("x-jiko-idempotency: {}", uuid::Uuid::new_v4());
    let headers = [jiko[0], jiko[1], key.as_bytes()];
    let (status, body) = exchange(
        &server,
        &request(
            "GET",
            b"/api/v1/events?limit=99999999999999999999999",
            &headers,
            b"",
        ),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("99999999999999999999999 is out of range for int"),
        "{body}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn stalled_heads_and_idle_keep_alive_connections_are_closed() {
    let server = server(MockOptions {
        head_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        ..MockOptions::default()
    })
    .await;
    let closed_within = |mut stream: TcpStream, limit: Duration| async move {
        let mut buf = Vec::new();
        tokio::time::timeout(limit, stream.read_to_end(&mut buf))
            .await
            .is_ok()
    };

    // A head that never ends.
    let mut slow = TcpStream::connect(server.addr()).await.unwrap();
    slow.write_all(b"GET /v1/onboarding/partner/applications HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    assert!(
        closed_within(slow, Duration::from_secs(5)).await,
        "a stalled head is closed"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "closed too early: {:?}",
        started.elapsed()
    );

    // A keep-alive connection: a second request within the idle limit is served, then idling
    // past it closes the connection.
    let mut idle = TcpStream::connect(server.addr()).await.unwrap();
    let get = b"GET /v1/onboarding/partner/applications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n";
    for _ in 0..2 {
        idle.write_all(get).await.unwrap();
        let mut buf = [0u8; 4096];
        let n = idle.read(&mut buf).await.unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let started = std::time::Instant::now();
    assert!(
        closed_within(idle, Duration::from_secs(5)).await,
        "an idle connection is closed"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "closed too early: {:?}",
        started.elapsed()
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn tokens_restrict_the_credentials_accepted() {
    let server = server(MockOptions {
        tokens: vec!["good".into()],
        ..MockOptions::default()
    })
    .await;
    let path = b"/v1/onboarding/partner/applications";
    let (status, body) = exchange(
        &server,
        &request("GET", path, &[b"Authorization: Bearer bad"], b""),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("not among the accepted tokens"), "{body}");
    let (status, _) = exchange(
        &server,
        &request("GET", path, &[b"Authorization: Bearer good"], b""),
    )
    .await;
    assert_eq!(status, 200);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn error_bodies_describe_the_request_not_the_examples() {
    let server = server(MockOptions::default()).await;
    let app = create_application(&server).await;
    let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
    // A submit with the key sent but a body that breaks the spec.
    let submit = format!("/v1/onboarding/partner/applications/{app}/submit");
    let (status, body) = exchange(
        &server,
        &request(
            "POST",
            submit.as_bytes(),
            &[AUTH, JSON, key.as_bytes()],
            b"{\"endUserIpAddress\": 5}",
        ),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(!body.contains("X-Idempotency-Key is required"), "{body}");
    assert!(body.contains("endUserAgreesToTermsOfService"), "{body}");
    // A 409 (incomplete sections) says why, without the example's `metadata.email`.
    let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
    let ok = json!({"endUserAgreesToTermsOfService": true, "endUserIpAddress": "203.0.113.7"})
        .to_string();
    let (status, body) = exchange(
        &server,
        &request(
            "POST",
            submit.as_bytes(),
            &[AUTH, JSON, key.as_bytes()],
            ok.as_bytes(),
        ),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(!body.contains("metadata.email"), "{body}");
    assert!(body.contains("Sections not complete"), "{body}");

    // Jiko documents 422 for unreadable bodies, and a reused key says why.
    let jiko_key = format!("x-jiko-idempotency: {}", uuid::Uuid::new_v4());
    let jiko: &[&[u8]] = &[AUTH, JSON, b"x-jiko-signature: s", jiko_key.as_bytes()];
    let (status, body) = exchange(
        &server,
        &request("POST", b"/api/v1/applications", jiko, b"{not json"),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("\"detail\"") && body.contains("not valid JSON"),
        "{body}"
    );
    let (status, _) = exchange(&server, &request("GET", b"/api/v1/agreements", jiko, b"")).await;
    assert_eq!(status, 200);
    let (status, body) =
        exchange(&server, &request("GET", b"/api/v1/events/types", jiko, b"")).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("first used for GET /api/v1/agreements"),
        "{body}"
    );

    // The literal route wins over the parameter one.
    let (status, body) = exchange(
        &server,
        &request(
            "GET",
            b"/api/v1/customers/c/counterparties/plaid",
            jiko,
            b"",
        ),
    )
    .await;
    assert_eq!(status, 405, "{body}");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn multipart_parts_are_validated() {
    let server = server(MockOptions::default()).await;
    let app = create_application(&server).await;
    let path = format!("/v1/onboarding/partner/applications/{app}/documents");
    let part = |name: &str, value: &str| {
        format!("--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
    };
    let file = "--b\r\nContent-Disposition: form-data; name=\"fileContent\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n";
    let base = format!(
        "{}{}",
        part("datumName", "passport_document"),
        part("fileName", "a.pdf")
    );
    let cases = [
        (
            "documentType=example",
            format!("{base}{file}{}--b--\r\n", part("documentType", "example")),
            Some("documentType"),
        ),
        (
            "issuedCountry=USA",
            format!("{base}{file}{}--b--\r\n", part("issuedCountry", "USA")),
            Some("issuedCountry"),
        ),
        (
            "no fileContent",
            format!("{base}--b--\r\n"),
            Some("fileContent"),
        ),
        (
            "refId not a UUID",
            format!("{base}{file}{}--b--\r\n", part("refId", "x")),
            Some("refId"),
        ),
        (
            "valid",
            format!(
                "{base}{file}{}{}--b--\r\n",
                part("documentType", "passport"),
                part("issuedCountry", "US")
            ),
            None,
        ),
    ];
    for (what, body, named) in cases {
        let key = format!("X-Idempotency-Key: {}", uuid::Uuid::new_v4());
        let headers: &[&[u8]] = &[
            AUTH,
            key.as_bytes(),
            b"Content-Type: multipart/form-data; boundary=b",
        ];
        let (status, answer) = exchange(
            &server,
            &request("POST", path.as_bytes(), headers, body.as_bytes()),
        )
        .await;
        match named {
            Some(name) => {
                assert_eq!(status, 400, "{what}: {answer}");
                assert!(answer.contains(name), "{what}: {answer}");
            }
            None => assert_eq!(status, 201, "{what}: {answer}"),
        }
    }
    server.shutdown().await.unwrap();
}
