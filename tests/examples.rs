//! Every documented example round-trips through its generated type: decode, re-encode, equal JSON.
//!
//! The set of examples is also found independently by walking the raw spec (or, for release
//! notes, by reading the JSON blocks out of the text), so an example the generator forgot to
//! check fails here instead of passing silently.

use specgen_apis::runtime::ExampleCheck;
use specgen_tests::{
    equal_modulo_placeholders, raw_example_pointers, release_notes_json_blocks, repo_root,
};
use xtask::codegen::{self, load};

fn assert_all_round_trip(module: &str, spec: &str, checks: Vec<ExampleCheck>) {
    let failures: Vec<String> = checks
        .iter()
        .filter_map(|c| {
            c.result
                .as_ref()
                .err()
                .map(|e| format!("{} as {}: {e}", c.origin, c.type_name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{module}: {} of {} examples fail:\n{}",
        failures.len(),
        checks.len(),
        failures.join("\n")
    );

    let text = std::fs::read_to_string(repo_root().join(spec)).unwrap();
    let documented = raw_example_pointers(&text);
    let mut checked: Vec<String> = checks.iter().map(|c| c.origin.to_owned()).collect();
    checked.sort();
    assert_eq!(
        checked, documented,
        "{module}: the examples checked differ from the examples documented"
    );
    assert!(!checked.is_empty());
}

#[test]
fn customer_orchestration_examples_round_trip() {
    assert_all_round_trip(
        "customer_orchestration",
        "specs/customer-orchestration.yaml",
        specgen_apis::customer_orchestration::example_checks(),
    );
}

/// The Partner API is described by release notes: its examples are the JSON blocks of the notes,
/// counted here by reading the text, not through the generator.
#[test]
fn partner_api_examples_round_trip() {
    let checks = specgen_apis::partner_api::example_checks();
    let failures: Vec<String> = checks
        .iter()
        .filter_map(|c| {
            c.result
                .as_ref()
                .err()
                .map(|e| format!("{} as {}: {e}", c.origin, c.type_name))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let notes = "specs/partner-api/v4.3.0.md";
    let text = std::fs::read_to_string(repo_root().join(notes)).unwrap();
    let mut documented: Vec<String> = release_notes_json_blocks(&text)
        .iter()
        .map(|(line, _)| format!("{notes}:{line}"))
        .collect();
    documented.sort();
    let mut checked: Vec<String> = checks.iter().map(|c| c.origin.to_owned()).collect();
    checked.sort();
    assert_eq!(
        checked, documented,
        "the examples checked differ from the JSON blocks in the notes"
    );
    // 4 request examples, 21 response examples.
    assert_eq!(checked.len(), 25);
}

/// The checked examples are the notes' JSON, except that placeholders typed other than string
/// (`"<boolean>"`) hold a value of their type: the round trip above is a real check of the notes.
#[test]
fn partner_api_examples_are_the_notes_json_up_to_placeholders() {
    let notes = "specs/partner-api/v4.3.0.md";
    let text = std::fs::read_to_string(repo_root().join(notes)).unwrap();
    let blocks = release_notes_json_blocks(&text);
    let (inputs, diagnostics) = load::load_specs(&repo_root().join("specs"), "specs");
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    let generated = codegen::generate(&inputs).unwrap();
    let api = generated
        .apis
        .iter()
        .find(|a| a.module == "partner_api")
        .unwrap();
    let mut replaced = 0;
    for example in &api.examples {
        let line: usize = example
            .origin
            .strip_prefix(&format!("{notes}:"))
            .and_then(|l| l.parse().ok())
            .unwrap_or_else(|| panic!("unexpected origin {}", example.origin));
        let (_, documented) = blocks.iter().find(|(l, _)| *l == line).unwrap();
        replaced += equal_modulo_placeholders(documented, &example.value, "")
            .unwrap_or_else(|e| panic!("{}: {e}", example.origin));
    }
    // `isControlPerson: "<boolean>"` twice, `isGlobal` and `isPrimary` once each.
    assert_eq!(replaced, 4);
}
