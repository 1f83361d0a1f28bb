//! Cargo features per tag: a large API is split so a consumer compiles only the operations of the
//! tags it enables and the types they reach. The fixture (`tests/fixtures/features/tagged.yaml`)
//! is padded with `bulk` operations up to the threshold, generated into a scratch workspace
//! beside a small consumer crate, and checked with each tag feature alone, with none and with all.

use serde_json::{Value, json};
use specgen_codegen::passes::features::SPLIT_THRESHOLD;
use specgen_codegen::{self as codegen, load};
use specgen_tests::{repo_root, scratch_dir};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const FIXTURE: &str = "tests/fixtures/features/tagged.yaml";

/// The fixture with `bulk` operations added until the API has `ops` operations.
fn padded(ops: usize) -> String {
    let text = fs::read_to_string(repo_root().join(FIXTURE)).unwrap();
    let mut doc: Value = serde_yaml_ng::from_str(&text).unwrap();
    let paths = doc["paths"].as_object_mut().unwrap();
    let present: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    for i in 0..ops.saturating_sub(present) {
        paths.insert(
            format!("/bulk/item{i}"),
            json!({"get": {
                "operationId": format!("bulk{i}"),
                "tags": ["bulk"],
                "responses": {"200": {"description": "One item.", "content": {"application/json":
                    {"schema": {"$ref": "#/components/schemas/BulkItem"}}}}}
            }}),
        );
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

fn generate(ops: usize) -> codegen::Generated {
    let input = load::SpecInput::OpenApi {
        module: "tagged".into(),
        document: load::SourceFile {
            path: FIXTURE.into(),
            text: padded(ops),
        },
        overlay: None,
    };
    codegen::generate(&[input]).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn below_the_threshold_an_api_is_one_feature_without_gates() {
    let generated = generate(SPLIT_THRESHOLD - 1);
    assert!(!generated.apis[0].features.is_split());
    let module = &generated.files[&PathBuf::from("src/tagged.rs")];
    assert!(
        !module.contains("#[cfg(any("),
        "no gates below the threshold"
    );
    let manifest = &generated.files[&PathBuf::from("Cargo.toml")];
    assert!(manifest.contains("\ntagged = []\n"), "{manifest}");
}

#[test]
fn operations_and_the_types_they_reach_get_their_tags_features() {
    let generated = generate(SPLIT_THRESHOLD);
    let api = &generated.apis[0];
    let gates = &api.features;
    let features: Vec<&str> = gates.groups.iter().map(|g| g.feature.as_str()).collect();
    assert_eq!(
        features,
        [
            "tagged-bulk",
            "tagged-pets",
            "tagged-store-front",
            "tagged-untagged"
        ]
    );
    assert_eq!(gates.base, "tagged-client");
    let both = ["tagged-pets", "tagged-store-front"];
    assert_eq!(gates.of_operation("list_store_pets"), both);
    assert_eq!(gates.of_operation("get_store"), ["tagged-store-front"]);
    assert_eq!(gates.of_operation("health"), ["tagged-untagged"]);
    for (ty, expected) in [
        // Reached from both tags' operations, through an array and a field.
        ("Owner", &both[..]),
        ("PetKind", &both[..]),
        ("Problem", &both[..]),
        // A field, and a union variant, of a type only `Store Front` returns.
        ("Employee", &["tagged-store-front"][..]),
        ("Address", &["tagged-store-front"][..]),
        ("Health", &["tagged-untagged"][..]),
        // No operation reaches it: the module's own feature compiles it.
        ("Unused", &["tagged"][..]),
    ] {
        assert_eq!(gates.of_type(ty), expected, "{ty}");
    }
    let get_store = api
        .operations
        .iter()
        .find(|o| o.fn_name == "get_store")
        .unwrap();
    let headers = get_store.responses[0].headers_type.as_deref().unwrap();
    assert_eq!(gates.of_type(headers), ["tagged-store-front"]);
    // The error enum `list_pets` and `get_store` share is compiled by either tag; each
    // operation's alias of it only by its own.
    let shared = get_store
        .shared_error
        .as_deref()
        .expect("one shared error enum");
    assert_eq!(gates.of_type(shared), both);
    assert_eq!(
        gates.of_type(get_store.error_type.as_deref().unwrap()),
        ["tagged-store-front"]
    );
    let manifest = &generated.files[&PathBuf::from("Cargo.toml")];
    assert!(
        manifest.contains("tagged-store-front = [\"tagged-client\"]"),
        "{manifest}"
    );
    assert!(
        manifest.contains(
            "tagged = [\"tagged-bulk\", \"tagged-pets\", \"tagged-store-front\", \"tagged-untagged\"]"
        ),
        "{manifest}"
    );
}

/// A scratch workspace with the generated crate and a consumer crate.
struct Workspace {
    dir: PathBuf,
}

impl Workspace {
    fn new(generated: &codegen::Generated) -> Workspace {
        let dir = scratch_dir("tag-features");
        fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nresolver = \"3\"\nmembers = [\"gen\", \"consumer\"]\n",
        )
        .unwrap();
        fs::copy(repo_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        fs::create_dir_all(dir.join("gen/src")).unwrap();
        fs::create_dir_all(dir.join("consumer/src")).unwrap();
        for (path, text) in &generated.files {
            let text = if path == Path::new("Cargo.toml") {
                text.replace("name = \"specgen-apis\"", "name = \"tagged-apis\"")
            } else {
                text.clone()
            };
            fs::write(dir.join("gen").join(path), text).unwrap();
        }
        Workspace { dir }
    }

    /// Checks the consumer with `features` of the generated crate (besides `tls`, `tracing`
    /// and `examples`, which every run has so the dependencies build once); `uses` is its code.
    fn check(&self, features: &[&str], uses: &str) -> Result<String, String> {
        let mut all = vec!["tls", "tracing", "examples"];
        all.extend(features);
        let list: Vec<String> = all.iter().map(|f| format!("\"{f}\"")).collect();
        fs::write(
            self.dir.join("consumer/Cargo.toml"),
            format!(
                "[package]\nname = \"tagged-consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\napis = {{ package = \"tagged-apis\", path = \"../gen\", default-features = false, features = [{}] }}\n",
                list.join(", ")
            ),
        )
        .unwrap();
        fs::write(
            self.dir.join("consumer/src/lib.rs"),
            format!("#![allow(unused)]\npub fn uses() {{\n{uses}\n}}\n"),
        )
        .unwrap();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .args([
                "check",
                "--offline",
                "--message-format=short",
                "-p",
                "tagged-consumer",
            ])
            .current_dir(&self.dir)
            .env(
                "CARGO_TARGET_DIR",
                repo_root().join("target/breadth-fixture"),
            )
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            Ok(stderr)
        } else {
            Err(stderr)
        }
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Warnings the compiler reported in the API module's files (the runtime's own warnings with
/// no module compiled are not a matter of tags).
fn generated_warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("gen/src/tagged") && l.contains("warning"))
        .collect()
}

#[test]
fn each_tag_feature_compiles_alone_and_leaves_the_other_tags_out() {
    let generated = generate(SPLIT_THRESHOLD);
    let ws = Workspace::new(&generated);
    let runs: &[(&[&str], &str)] = &[
        (&[], ""),
        (
            &["tagged-client"],
            "let _ = apis::tagged::Client::base_url;",
        ),
        (
            &["tagged-pets"],
            "let _ = apis::tagged::Client::list_pets; let _ = apis::tagged::Client::list_store_pets; let _: Option<apis::tagged::types::Owner> = None;",
        ),
        (
            &["tagged-store-front"],
            "let _ = apis::tagged::Client::get_store; let _ = apis::tagged::Client::list_store_pets; let _: Option<apis::tagged::types::Address> = None;",
        ),
        (
            &["tagged-untagged"],
            "let _ = apis::tagged::Client::health;",
        ),
        (&["tagged-bulk"], "let _ = apis::tagged::Client::bulk0;"),
        (
            &["tagged"],
            "let _ = apis::tagged::Client::get_store; let _ = apis::tagged::Client::health; let _: Option<apis::tagged::types::Unused> = None;",
        ),
    ];
    for (features, uses) in runs {
        match ws.check(features, uses) {
            Ok(stderr) => {
                let warnings = generated_warnings(&stderr);
                assert!(warnings.is_empty(), "{features:?}: {warnings:#?}");
            }
            Err(errors) => panic!("{features:?} does not compile:\n{errors}"),
        }
    }
    // With `pets` alone, the operation and the types only `Store Front` reaches are absent.
    let errors = ws
        .check(
            &["tagged-pets"],
            "let _ = apis::tagged::Client::get_store; let _: Option<apis::tagged::types::Employee> = None;",
        )
        .expect_err("get_store and Employee belong to another tag");
    assert!(errors.contains("get_store"), "{errors}");
    assert!(errors.contains("Employee"), "{errors}");
    // ...and so is a type no operation reaches, which only the module's feature compiles.
    let errors = ws
        .check(
            &[
                "tagged-pets",
                "tagged-store-front",
                "tagged-untagged",
                "tagged-bulk",
            ],
            "let _: Option<apis::tagged::types::Unused> = None;",
        )
        .expect_err("Unused needs the module feature");
    assert!(errors.contains("Unused"), "{errors}");
}
