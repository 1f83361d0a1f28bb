//! The Rust verdict against reality: a consumer written against the crate generated from
//! `fixtures/drift/base.yaml` is compiled against the crates generated from a few revisions, and
//! must fail to compile exactly when drift says `major`.
//!
//! Everything lives in one scratch workspace under `target/drift-compile/` and is checked by one
//! `cargo check --keep-going`, with its own target directory (kept between runs, so only the
//! first run builds the dependencies) because the test's own cargo holds the workspace's lock.

use specgen_codegen::{self as codegen, load};
use specgen_drift::{self as drift, model::Rust};
use specgen_tests::repo_root;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Revisions compiled against, each with the verdict drift must give (asserted too).
const PAIRS: &[(&str, Rust)] = &[
    ("new-required-request-property", Rust::Major),
    ("request-parameter-became-optional", Rust::Major),
    ("endpoint-added", Rust::Minor),
    ("request-parameter-location-changed", Rust::None),
];

/// The consumer, written against the base crate: it builds the request struct and the params
/// structs with literals and calls the methods, as a service owner would.
const CONSUMER: &str = r#"
#![allow(dead_code, deprecated)]
use api::fixture::{Client, types};

async fn uses(client: &Client) {
    let request = types::ClientRequest {
        name: types::Name::new("acme").unwrap(),
        kind: types::ClientKind::Person,
        note: None,
        nickname: None,
        age: Some(30),
        address: None,
        budget: None,
    };
    let _ = client.create_client(&types::CreateClientParams { dry_run: Some(true) }, &request).await;
    let _ = client.get_client("c-1", &types::GetClientParams { expand: Some("all".into()), x_trace: None }).await;
    let _ = client.list_reports(&types::ListReportsParams { x_tenant: "t-1".into() }).await;
    let _ = client.delete_client("c-1").await;
}
"#;

fn generate(name: &str, spec: &Path, into: &Path) {
    let input = load::SpecInput::OpenApi {
        module: "fixture".into(),
        document: load::SourceFile {
            path: spec.display().to_string(),
            text: fs::read_to_string(spec).unwrap(),
        },
        overlay: None,
    };
    let generated = codegen::generate(&[input]).unwrap_or_else(|d| panic!("{d}"));
    for (path, text) in generated.files.iter() {
        let text = if path == Path::new("Cargo.toml") {
            text.replace(
                &format!("name = \"{}\"", codegen::CRATE_NAME),
                &format!("name = \"gen-{name}\""),
            )
        } else {
            text.clone()
        };
        let path = into.join(format!("gen-{name}")).join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let consumer = into.join(format!("use-{name}"));
    fs::create_dir_all(consumer.join("src")).unwrap();
    fs::write(
        consumer.join("Cargo.toml"),
        format!(
            "[package]\nname = \"use-{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\napi = {{ package = \"gen-{name}\", path = \"../gen-{name}\", default-features = false, features = [\"fixture\"] }}\n"
        ),
    )
    .unwrap();
    fs::write(consumer.join("src/lib.rs"), CONSUMER).unwrap();
}

#[test]
fn consumers_of_the_old_crate_fail_to_compile_exactly_when_the_verdict_is_major() {
    let fixtures = repo_root().join("tests/fixtures/drift");
    let root = repo_root().join("target/drift-compile");
    let ws = root.join("ws");
    let _ = fs::remove_dir_all(&ws);
    fs::create_dir_all(&ws).unwrap();
    generate("base", &fixtures.join("base.yaml"), &ws);
    let mut expected: BTreeMap<String, bool> = BTreeMap::from([("use-base".to_owned(), true)]);
    for (name, verdict) in PAIRS {
        let revision: PathBuf = fixtures.join(format!("rules/{name}.yaml"));
        let versions = drift::load::from_paths(&fixtures.join("base.yaml"), &revision).unwrap();
        let report = drift::compare_versions(&versions).unwrap();
        assert_eq!(
            report.summary.semver, *verdict,
            "{name}: {:#?}",
            report.changes
        );
        generate(name, &revision, &ws);
        expected.insert(format!("use-{name}"), *verdict != Rust::Major);
    }
    let members: Vec<String> = fs::read_dir(&ws)
        .unwrap()
        .map(|e| format!("\"{}\"", e.unwrap().file_name().to_string_lossy()))
        .collect();
    fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // The repository's lock file pins the dependencies the generated crate is already built with.
    fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .current_dir(&ws)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--offline",
            "--message-format=short",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut failures = Vec::new();
    for (package, compiles) in &expected {
        let failed = stderr.contains(&format!("could not compile `{package}`"));
        if failed == *compiles {
            failures.push(format!(
                "{package}: expected it to {}compile",
                if *compiles { "" } else { "fail to " }
            ));
        }
    }
    // Generated crates must always compile; only consumers may fail.
    assert!(!stderr.contains("could not compile `gen-"), "{stderr}");
    assert!(failures.is_empty(), "{failures:?}\n{stderr}");
}
