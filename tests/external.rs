//! A crate outside the workspace depends on `generated/` by path, enables only the API it uses,
//! and calls `create_partner_client`: what a service does. The crate is built and run against a
//! local server, with the workspace's lock file so no new versions are resolved.

use specgen_tests::{repo_root, scratch_dir};
use std::fs;
use std::process::Command;

const MAIN: &str = r##"
use specgen_apis::customer_orchestration::{Client, types};
use std::io::{Read, Write};

fn main() {
    // A one-shot HTTP server on loopback that answers 409 with Circle's conflict body.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&request).contains("\"businessDetails\"") {
            let n = stream.read(&mut buf).unwrap();
            request.extend_from_slice(&buf[..n]);
        }
        let body = r#"{"code":409,"message":"A client with this name and country already exists."}"#;
        write!(stream, "HTTP/1.1 409 Conflict\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-request-id: 2adba88e-9d63-44bc-b975-9b6ae3440dde\r\n\r\n{body}", body.len()).unwrap();
        String::from_utf8_lossy(&request).into_owned()
    });
    let request = types::CreatePartnerClientRequest {
        client_name: "Acme Trust Co.".into(),
        country: types::CreatePartnerClientRequestCountry::new("US").unwrap(),
        client_type: types::CreatePartnerClientRequestClientType::Business,
        business_details: types::BusinessDetails {
            nature_of_business: types::BusinessDetailsNatureOfBusiness::Trust,
            institution_type: types::BusinessDetailsInstitutionType::Trust,
        },
    };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let result = runtime.block_on(Client::new(base).with_bearer_token("t").create_partner_client(None, &request));
    let sent = server.join().unwrap();
    assert!(sent.starts_with("POST /v1/partner/clients HTTP/1.1"), "{sent}");
    match result {
        Err(specgen_apis::runtime::Error::Api(types::CreatePartnerClientError::Conflict(c))) => {
            println!("conflict {} {:?}", c.status, c.headers.x_request_id);
        }
        other => panic!("{other:?}"),
    }
}
"##;

#[test]
fn a_crate_outside_the_workspace_uses_the_generated_client() {
    let dir = scratch_dir("external-crate");
    fs::create_dir_all(dir.join("src")).unwrap();
    let generated = repo_root().join("generated");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"partner-service\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n\
             specgen-apis = {{ path = {:?}, default-features = false, features = [\"customer_orchestration\"] }}\n\
             tokio = {{ version = \"1\", features = [\"rt\", \"net\", \"time\"] }}\n",
            generated.display().to_string()
        ),
    )
    .unwrap();
    fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["run", "--quiet", "--offline"])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target/breadth-fixture"),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "conflict 409 Some(2adba88e-9d63-44bc-b975-9b6ae3440dde)"
    );
    fs::remove_dir_all(&dir).unwrap();
}
