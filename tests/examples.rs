//! Every documented example round-trips through its generated type: decode, re-encode, equal JSON.
//!
//! The set of examples is also found independently by walking the raw spec (or, for release
//! notes, by reading the JSON blocks out of the text), so an example the generator forgot to
//! check fails here instead of passing silently.
//!
//! Vendors' examples are not always valid against their own schemas. Such defects are not papered
//! over by loosening the models: each is listed below as a correction with its reason, the test
//! proves the documented value fails and the corrected one passes, and the list of findings (with
//! properties the schemas do not declare) is a snapshot a reviewer reads when the spec changes.

use specgen_apis::runtime::ExampleCheck;
use specgen_codegen::{self as codegen, load};
use specgen_tests::{
    equal_modulo_placeholders, raw_example_pointers, release_notes_json_blocks, repo_root,
};
use std::fmt::Write;

/// A value in a documented example that contradicts the schema, and what the schema allows.
struct Correction {
    wrong: &'static str,
    right: &'static str,
    why: &'static str,
}

/// A documented example that contradicts its schema in shape, not in one value.
struct KnownInvalid {
    origin: &'static str,
    why: &'static str,
}

struct Module {
    name: &'static str,
    spec: &'static str,
    examples: &'static [(&'static str, &'static str)],
    check: fn(&str, &str) -> Option<ExampleCheck>,
    corrections: &'static [Correction],
    known_invalid: &'static [KnownInvalid],
}

/// Checks every example of `module` and returns the vendor findings as text.
fn check_module(module: &Module) -> String {
    let mut failures = Vec::new();
    let mut findings = String::new();
    for (origin, json) in module.examples {
        let check = (module.check)(origin, json).expect("every listed example has a check");
        if let Some(known) = module.known_invalid.iter().find(|k| k.origin == *origin) {
            // The defect must be real: if the vendor fixes the example, this entry must go.
            assert!(
                check.result.is_err(),
                "{origin} now round-trips; remove it from known_invalid"
            );
            let _ = writeln!(
                findings,
                "{origin}: does not match its schema ({})",
                known.why
            );
            continue;
        }
        let check = match &check.result {
            Ok(()) => check,
            Err(error) => {
                let applicable: Vec<&Correction> = module
                    .corrections
                    .iter()
                    .filter(|c| json.contains(c.wrong))
                    .collect();
                if applicable.is_empty() {
                    failures.push(format!("{origin} as {}: {error}", check.type_name));
                    continue;
                }
                let mut corrected = json.to_string();
                for c in &applicable {
                    corrected = corrected.replace(c.wrong, c.right);
                    let _ = writeln!(
                        findings,
                        "{origin}: `{}` is invalid ({}); checked as `{}`",
                        c.wrong, c.why, c.right
                    );
                }
                let again = (module.check)(origin, &corrected).unwrap();
                if let Err(error) = &again.result {
                    failures.push(format!(
                        "{origin} as {} (after documented corrections): {error}",
                        again.type_name
                    ));
                    continue;
                }
                again
            }
        };
        for pointer in &check.dropped {
            let _ = writeln!(
                findings,
                "{origin}: property {pointer} is not declared by the schema"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{}: {} of {} examples fail:\n{}",
        module.name,
        failures.len(),
        module.examples.len(),
        failures.join("\n")
    );

    // Every correction is still needed: a fixed vendor example must leave the list.
    for c in module.corrections {
        assert!(
            findings.contains(c.wrong),
            "{}: correction for `{}` no longer applies; remove it",
            module.name,
            c.wrong
        );
    }

    let text = std::fs::read_to_string(repo_root().join(module.spec)).unwrap();
    let documented = raw_example_pointers(&text);
    let mut checked: Vec<String> = module
        .examples
        .iter()
        .map(|(origin, _)| (*origin).to_owned())
        .collect();
    checked.sort();
    assert_eq!(
        checked, documented,
        "{}: the examples checked differ from the examples documented",
        module.name
    );
    assert!(!checked.is_empty());
    if findings.is_empty() {
        findings.push_str("no findings: every example is valid against its schema\n");
    }
    findings
}

#[test]
fn customer_orchestration_examples_round_trip() {
    use specgen_apis::customer_orchestration as m;
    let findings = check_module(&Module {
        name: "customer_orchestration",
        spec: "specs/customer-orchestration.yaml",
        examples: m::EXAMPLES,
        check: m::check_example,
        corrections: &[],
        known_invalid: &[],
    });
    insta::assert_snapshot!(findings);
}

#[test]
fn jiko_partner_api_examples_round_trip() {
    use specgen_apis::jiko_partner_api as m;
    let findings = check_module(&Module {
        name: "jiko_partner_api",
        spec: "specs/jiko-partner-api.yaml",
        examples: m::EXAMPLES,
        check: m::check_example,
        corrections: &[Correction {
            wrong: "497f6eca-6276-4993-bfeb-53cbbbba6f08X",
            right: "497f6eca-6276-4993-bfeb-53cbbbba6f08",
            why: "Jiko's examples append an `X` to this id; the schema says `format: uuid`",
        }],
        known_invalid: &[
            KnownInvalid {
                origin: "#/components/schemas/CustomerDefundingTransferResponse/example",
                why: "`amount` is shown as the request-side {type: FULL_WITHDRAWAL} but the schema says Amount {value, currency}",
            },
            KnownInvalid {
                origin: "#/components/schemas/CustomerFundingTransferResponse/example",
                why: "`amount` is shown as the request-side {type: ...} but the schema says Amount {value, currency}",
            },
            KnownInvalid {
                origin: "#/components/schemas/InternalReallocationTransferResponse/example",
                why: "`amount` is shown as the request-side {type: REQUESTED_AMOUNT, amount_usdc} but the schema says Amount {value, currency}",
            },
        ],
    });
    insta::assert_snapshot!(findings);
}

#[test]
fn circle_partner_onboarding_examples_round_trip() {
    use specgen_apis::circle_partner_onboarding as m;
    let findings = check_module(&Module {
        name: "circle_partner_onboarding",
        spec: "specs/circle-partner-onboarding.yaml",
        examples: m::EXAMPLES,
        check: m::check_example,
        corrections: &[],
        known_invalid: &[],
    });
    insta::assert_snapshot!(findings);
}

#[test]
fn circle_accounts_examples_round_trip() {
    use specgen_apis::circle_accounts as m;
    let findings = check_module(&Module {
        name: "circle_accounts",
        spec: "specs/circle-accounts.yaml",
        examples: m::EXAMPLES,
        check: m::check_example,
        corrections: &[],
        known_invalid: &[],
    });
    insta::assert_snapshot!(findings);
}

/// The Partner API is described by release notes: its examples are the JSON blocks of the notes,
/// counted here by reading the text, not through the generator. Its types are inferred from
/// those examples, so nothing may be dropped either.
#[test]
fn partner_api_examples_round_trip() {
    let checks = specgen_apis::partner_api::example_checks();
    let failures: Vec<String> = checks
        .iter()
        .filter_map(|c| match (&c.result, c.dropped.is_empty()) {
            (Err(e), _) => Some(format!("{} as {}: {e}", c.origin, c.type_name)),
            (Ok(()), false) => Some(format!(
                "{} as {}: dropped {:?}",
                c.origin, c.type_name, c.dropped
            )),
            (Ok(()), true) => None,
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
    let mut checked: Vec<String> = checks.iter().map(|c| c.origin.clone()).collect();
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
