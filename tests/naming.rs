//! The naming pass: every scope of the generated client is collision-free, for both spec
//! sources, and the fixtures that used to generate code that does not compile now compile.

use specgen_codegen::passes::names::CLIENT_METHODS;
use specgen_codegen::{self as codegen, ir, load};
use specgen_tests::{check_generated_crate, repo_root};
use std::fs;

fn openapi_input() -> load::SpecInput {
    let path = "tests/fixtures/naming/server-vs-operation.yaml";
    load::SpecInput::OpenApi {
        module: "server_vs_operation".into(),
        document: load::SourceFile {
            path: path.into(),
            text: fs::read_to_string(repo_root().join(path)).unwrap(),
        },
        overlay: None,
    }
}

fn notes_input() -> load::SpecInput {
    let path = "tests/fixtures/naming/collisions-notes/v1.0.0.md";
    load::SpecInput::ReleaseNotes {
        module: "collisions_notes".into(),
        notes: vec![load::SourceFile {
            path: path.into(),
            text: fs::read_to_string(repo_root().join(path)).unwrap(),
        }],
    }
}

fn generate() -> codegen::Generated {
    codegen::generate(&[openapi_input(), notes_input()]).unwrap_or_else(|d| panic!("{d}"))
}

fn op<'a>(api: &'a ir::Api, path: &str) -> &'a ir::Operation {
    api.operations.iter().find(|o| o.path == path).unwrap()
}

/// Argument names in the order the method takes them, with the fixed ones the emitter adds.
fn arguments(op: &ir::Operation) -> Vec<&str> {
    let mut names: Vec<&str> = op
        .params
        .iter()
        .filter(|p| p.location == ir::ParamLocation::Path || p.idempotency_key)
        .map(|p| p.name.as_str())
        .collect();
    if op.params_type.is_some() {
        names.push("params");
    }
    if op.body.is_some() {
        names.push("body");
    }
    names
}

#[test]
fn servers_operations_and_builder_methods_share_one_namespace() {
    let generated = generate();
    let api = &generated.apis[0];
    let servers: Vec<&str> = api.servers.iter().map(|s| s.fn_name.as_str()).collect();
    let ops: Vec<&str> = api.operations.iter().map(|o| o.fn_name.as_str()).collect();
    // Operations keep their names; the servers' constructors give way.
    assert!(
        ops.contains(&"sandbox") && ops.contains(&"production"),
        "{ops:?}"
    );
    assert_eq!(servers, ["sandbox_2", "production_2"]);
    // A builder method of the client is never taken by an operation.
    assert_eq!(op(api, "/clients").fn_name, "with_signing_secret_2");
    let mut all: Vec<&str> = servers.iter().chain(&ops).copied().collect();
    all.extend(CLIENT_METHODS);
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "{all:?}");
}

#[test]
fn argument_lists_never_repeat_a_name() {
    let generated = generate();
    let put = op(&generated.apis[0], "/things/{params}/{body}/{self}");
    assert_eq!(
        arguments(put),
        ["params_2", "body_2", "self_2", "params", "body"]
    );
    let notes = op(&generated.apis[1], "/items/{params}");
    assert_eq!(arguments(notes), ["params_2", "params"]);
}

#[test]
fn the_collision_fixtures_compile() {
    if let Err(errors) = check_generated_crate("naming-fixtures", &generate().files) {
        panic!("{errors}");
    }
}

/// `CLIENT_METHODS` must name every method the emitter writes into `impl Client` itself, or
/// an operation could still take one of them. Read from the checked-in crate: each `pub fn`
/// of `impl Client` that is neither an operation nor a server constructor must be listed.
#[test]
fn the_reserved_list_names_every_builder_method_the_emitter_writes() {
    for api in specgen_tests::spec_apis() {
        let text = fs::read_to_string(repo_root().join(format!("generated/src/{}.rs", api.module)))
            .unwrap();
        let start = text
            .find("\nimpl Client {")
            .expect("the client has an impl block");
        let block = &text[start..];
        let end = block.find("\n}\n").unwrap_or(block.len());
        for line in block[..end].lines() {
            let Some(rest) = line.trim_start().strip_prefix("pub fn ") else {
                continue;
            };
            let name = rest.split(['(', '<']).next().unwrap();
            let generated_from_spec = api
                .operations
                .iter()
                .any(|o| o.fn_name == name || o.stream_fn.as_deref() == Some(name))
                || api.servers.iter().any(|s| s.fn_name == name);
            assert!(
                generated_from_spec || CLIENT_METHODS.contains(&name),
                "{}: `Client::{name}` is written by the emitter but missing from CLIENT_METHODS",
                api.module
            );
        }
    }
}
