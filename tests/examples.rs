//! Every documented example round-trips through its generated type: decode, re-encode, equal JSON.
//!
//! The set of examples is also found independently by walking the raw spec, so an example the
//! generator forgot to check fails here instead of passing silently.

use specgen_apis::runtime::ExampleCheck;
use specgen_tests::{raw_example_pointers, repo_root};

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
