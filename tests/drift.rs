//! `cargo xtask drift`: every rule over small base/revision fixture pairs, the release-notes
//! source, the seed spec in all four formats, bad input, and git revisions. The Rust verdict is
//! checked against the compiler in `drift_compile.rs`.

use specgen_drift::model::{Report, Rust, Wire};
use specgen_drift::{self as drift, load, rules::RULES};
use specgen_ir::ir::{Api, NumberBounds, Primitive, TypeKind};
use specgen_tests::repo_root;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use Rust::{Major, Minor, None as Unchanged};
use Wire::{Breaking, Info, Warning};

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/drift").join(name)
}

fn compare(old: &Path, new: &Path) -> Report {
    let versions = load::from_paths(old, new).unwrap_or_else(|d| panic!("{d}"));
    drift::compare_versions(&versions).unwrap_or_else(|d| panic!("{d}"))
}

fn found(report: &Report) -> Vec<(&'static str, Wire, Rust)> {
    let mut out: Vec<_> = report
        .changes
        .iter()
        .map(|c| (c.id, c.wire, c.rust))
        .collect();
    out.sort();
    out
}

/// Each entry: a revision in `fixtures/drift/rules/` (against `base.yaml`, or against
/// `NAME.base.yaml` when present) and every change it must produce.
/// A change as the table states it: rule id and both verdicts.
type Expected = (&'static str, Wire, Rust);

const TABLE: &[(&str, &[Expected])] = &[
    ("server-added", &[("server-added", Info, Minor)]),
    (
        "server-removed",
        &[
            ("server-removed", Warning, Major),
            ("server-added", Info, Minor),
        ],
    ),
    ("endpoint-added", &[("endpoint-added", Info, Minor)]),
    (
        "api-path-removed-without-deprecation",
        &[("api-path-removed-without-deprecation", Breaking, Major)],
    ),
    (
        "api-removed-without-deprecation",
        &[("api-removed-without-deprecation", Breaking, Major)],
    ),
    ("endpoint-removed", &[("endpoint-removed", Warning, Major)]),
    (
        "endpoint-deprecated",
        &[("endpoint-deprecated", Warning, Minor)],
    ),
    (
        "endpoint-reactivated",
        &[("endpoint-reactivated", Info, Minor)],
    ),
    (
        "operation-method-renamed",
        &[("operation-method-renamed", Info, Major)],
    ),
    // Renaming a path parameter changes neither the wire nor the positional argument.
    ("path-parameter-renamed", &[]),
    (
        "new-required-request-parameter",
        &[("new-required-request-parameter", Breaking, Major)],
    ),
    (
        "new-optional-request-parameter",
        &[("new-optional-request-parameter", Info, Major)],
    ),
    (
        "request-parameter-removed",
        &[("request-parameter-removed", Warning, Major)],
    ),
    (
        "request-parameter-became-required",
        &[("request-parameter-became-required", Breaking, Major)],
    ),
    (
        "request-parameter-became-optional",
        &[("request-parameter-became-optional", Info, Major)],
    ),
    (
        "request-parameter-type-changed",
        &[("request-parameter-type-changed", Breaking, Major)],
    ),
    // A format change (string to uuid) is a type change.
    (
        "path-parameter-type-changed",
        &[("request-parameter-type-changed", Breaking, Major)],
    ),
    // Query to header: both stay fields of `GetClientParams`, so the Rust API is unchanged.
    (
        "request-parameter-location-changed",
        &[("request-parameter-location-changed", Breaking, Unchanged)],
    ),
    (
        "request-parameter-deprecated",
        &[("request-parameter-deprecated", Warning, Minor)],
    ),
    (
        "request-body-added-required",
        &[("request-body-added-required", Breaking, Major)],
    ),
    (
        "request-body-added-optional",
        &[("request-body-added-optional", Info, Major)],
    ),
    (
        "request-body-removed",
        &[("request-body-removed", Warning, Major)],
    ),
    (
        "request-body-became-required",
        &[("request-body-became-required", Breaking, Major)],
    ),
    (
        "request-body-became-optional",
        &[("request-body-became-optional", Info, Major)],
    ),
    (
        "request-body-media-type-changed",
        &[("request-body-media-type-changed", Breaking, Unchanged)],
    ),
    (
        "request-body-type-changed",
        &[("request-body-type-changed", Breaking, Major)],
    ),
    (
        "response-success-status-added",
        &[("response-success-status-added", Info, Major)],
    ),
    (
        "response-non-success-status-added",
        &[("response-non-success-status-added", Info, Major)],
    ),
    (
        "response-success-status-removed",
        &[
            ("response-success-status-removed", Breaking, Major),
            ("response-success-status-added", Info, Major),
        ],
    ),
    (
        "shared-response-enum-removed",
        &[
            ("response-non-success-status-added", Info, Major),
            ("shared-response-enum-removed", Info, Major),
        ],
    ),
    (
        "response-non-success-status-removed",
        &[("response-non-success-status-removed", Warning, Major)],
    ),
    (
        "response-media-type-changed",
        &[("response-media-type-changed", Breaking, Unchanged)],
    ),
    (
        "response-body-type-changed",
        &[("response-body-type-changed", Breaking, Major)],
    ),
    (
        "response-body-added",
        &[("response-body-added", Info, Major)],
    ),
    (
        "response-body-removed",
        &[("response-body-removed", Breaking, Major)],
    ),
    (
        "new-response-header",
        &[("new-response-header", Info, Major)],
    ),
    (
        "response-required-header-removed",
        &[("response-required-header-removed", Breaking, Major)],
    ),
    (
        "response-optional-header-removed",
        &[("response-optional-header-removed", Warning, Major)],
    ),
    (
        "response-header-became-optional",
        &[("response-header-became-optional", Breaking, Major)],
    ),
    (
        "response-header-became-required",
        &[("response-header-became-required", Info, Major)],
    ),
    (
        "response-header-type-changed",
        &[("response-header-type-changed", Breaking, Major)],
    ),
    ("type-added", &[("type-added", Info, Minor)]),
    ("type-removed", &[("type-removed", Info, Major)]),
    (
        "type-kind-changed",
        &[("type-kind-changed", Breaking, Major)],
    ),
    ("type-deprecated", &[("type-deprecated", Warning, Minor)]),
    // `Address` renamed to `PostalAddress` with the same shape: the wire is unchanged.
    (
        "rust-type-changed",
        &[
            ("rust-type-changed", Info, Major),
            ("type-added", Info, Minor),
            ("type-removed", Info, Major),
        ],
    ),
    // `company_x` inserted before `company-x` takes the variant name `CompanyX`.
    (
        "rust-name-changed",
        &[
            ("rust-name-changed", Info, Major),
            ("request-property-enum-value-added", Info, Minor),
        ],
    ),
    (
        "new-required-request-property",
        &[("new-required-request-property", Breaking, Major)],
    ),
    (
        "new-optional-request-property",
        &[("new-optional-request-property", Info, Major)],
    ),
    (
        "response-required-property-added",
        &[("response-required-property-added", Info, Major)],
    ),
    (
        "response-optional-property-added",
        &[("response-optional-property-added", Info, Major)],
    ),
    (
        "request-property-removed",
        &[("request-property-removed", Warning, Major)],
    ),
    (
        "response-property-removed",
        &[("response-property-removed", Breaking, Major)],
    ),
    (
        "response-optional-property-removed",
        &[("response-optional-property-removed", Warning, Major)],
    ),
    (
        "request-property-became-required",
        &[("request-property-became-required", Breaking, Major)],
    ),
    (
        "request-property-became-optional",
        &[("request-property-became-optional", Info, Major)],
    ),
    (
        "response-property-became-optional",
        &[("response-property-became-optional", Breaking, Major)],
    ),
    (
        "response-property-became-required",
        &[("response-property-became-required", Info, Major)],
    ),
    (
        "request-property-type-changed",
        &[("request-property-type-changed", Breaking, Major)],
    ),
    // `format: uuid` dropped from a response property.
    (
        "response-property-type-changed",
        &[("response-property-type-changed", Breaking, Major)],
    ),
    (
        "request-property-became-nullable",
        &[("request-property-became-nullable", Info, Major)],
    ),
    (
        "response-property-became-nullable",
        &[("response-property-became-nullable", Breaking, Major)],
    ),
    (
        "request-property-became-not-nullable",
        &[("request-property-became-not-nullable", Breaking, Major)],
    ),
    (
        "response-property-became-not-nullable",
        &[("response-property-became-not-nullable", Info, Major)],
    ),
    (
        "property-deprecated",
        &[("property-deprecated", Warning, Minor)],
    ),
    (
        "property-default-value-changed",
        &[("property-default-value-changed", Warning, Unchanged)],
    ),
    (
        "additional-properties-changed",
        &[("additional-properties-changed", Warning, Major)],
    ),
    // `Money` travels both ways: the worse verdict wins (a required field breaks requests).
    (
        "shared-type-property-added",
        &[("new-required-request-property", Breaking, Major)],
    ),
    (
        "shared-type-property-removed",
        &[("request-property-removed", Warning, Major)],
    ),
    (
        "request-property-enum-value-added",
        &[("request-property-enum-value-added", Info, Minor)],
    ),
    // The enum sits at the end of a `$ref` chain (`ClientStatus` → `ClientStatusValues`).
    (
        "response-property-enum-value-added",
        &[("response-property-enum-value-added", Warning, Minor)],
    ),
    (
        "request-property-enum-value-removed",
        &[("request-property-enum-value-removed", Breaking, Major)],
    ),
    (
        "response-property-enum-value-removed",
        &[("response-property-enum-value-removed", Info, Major)],
    ),
    (
        "request-union-variant-added",
        &[
            ("request-union-variant-added", Info, Major),
            ("type-added", Info, Minor),
        ],
    ),
    (
        "response-union-variant-added",
        &[
            ("response-union-variant-added", Warning, Major),
            ("type-added", Info, Minor),
        ],
    ),
    (
        "request-union-variant-removed",
        &[("request-union-variant-removed", Breaking, Major)],
    ),
    (
        "response-union-variant-removed",
        &[("response-union-variant-removed", Info, Major)],
    ),
    (
        "union-discriminator-changed",
        &[("union-discriminator-changed", Breaking, Unchanged)],
    ),
    (
        "request-property-max-length-decreased",
        &[("request-property-max-length-decreased", Breaking, Unchanged)],
    ),
    (
        "request-property-min-length-increased",
        &[("request-property-min-length-increased", Breaking, Unchanged)],
    ),
    (
        "request-property-pattern-changed",
        &[("request-property-pattern-changed", Warning, Unchanged)],
    ),
    // `Age` (0..150) is `ClientRequest.age`'s type: its maximum falls to 100.
    (
        "request-property-max-decreased",
        &[("request-property-max-decreased", Breaking, Unchanged)],
    ),
    // `exclusiveMinimum: true` beside `minimum: 0`: the same number, one value fewer.
    (
        "request-property-min-increased",
        &[("request-property-min-increased", Breaking, Unchanged)],
    ),
    (
        "request-property-multiple-of-changed",
        &[("request-property-multiple-of-changed", Breaking, Unchanged)],
    ),
    // A query parameter's maximum (100 to 50): parameters carry bounds too.
    (
        "request-parameter-max-decreased",
        &[("request-property-max-decreased", Breaking, Unchanged)],
    ),
    // A response property and a response header gain a minimum.
    (
        "response-property-min-added",
        &[("response-property-bounds-tightened", Info, Unchanged)],
    ),
    (
        "response-header-min-added",
        &[("response-property-bounds-tightened", Info, Unchanged)],
    ),
    (
        "request-property-bounds-relaxed",
        &[("request-property-bounds-relaxed", Info, Unchanged)],
    ),
    (
        "response-property-bounds-relaxed",
        &[("response-property-bounds-relaxed", Warning, Unchanged)],
    ),
    (
        "response-property-bounds-tightened",
        &[("response-property-bounds-tightened", Info, Unchanged)],
    ),
    // Prose is not API.
    ("no-change-description", &[]),
];

/// Rules checked on edited IR below, because no OpenAPI edit reaches them today.
const CHECKED_ON_IR: &[&str] = &["api-added", "api-removed"];

#[test]
fn every_fixture_pair_gives_exactly_its_changes() {
    let dir = fixture("rules");
    let mut failures = Vec::new();
    for (name, expected) in TABLE {
        let base = dir.join(format!("{name}.base.yaml"));
        let base = if base.exists() {
            base
        } else {
            fixture("base.yaml")
        };
        let report = compare(&base, &dir.join(format!("{name}.yaml")));
        let mut expected = expected.to_vec();
        expected.sort();
        let got = found(&report);
        if got != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_table_covers_every_rule_and_every_fixture() {
    let covered: BTreeSet<&str> = TABLE
        .iter()
        .flat_map(|(_, changes)| changes.iter().map(|c| c.0))
        .chain(CHECKED_ON_IR.iter().copied())
        .collect();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
    // Verdicts in the table are the rule's own unless a rule narrows them on purpose.
    for (_, changes) in TABLE {
        for (id, wire, _) in *changes {
            let rule = RULES
                .iter()
                .find(|r| r.id == *id)
                .unwrap_or_else(|| panic!("unknown id {id}"));
            assert_eq!(rule.wire, *wire, "{id}");
        }
    }
    let fixtures: BTreeSet<String> = fs::read_dir(fixture("rules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".base.yaml"))
        .map(|n| n.trim_end_matches(".yaml").to_owned())
        .collect();
    let listed: BTreeSet<String> = TABLE.iter().map(|(n, _)| n.to_string()).collect();
    assert_eq!(fixtures, listed, "every fixture has a table row");
}

fn lowered(path: &Path) -> Api {
    let versions = load::from_paths(path, path).unwrap();
    let (apis, diagnostics) = specgen_codegen::lower_inputs(&versions.base);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    apis.into_iter().next().unwrap()
}

#[test]
fn apis_added_and_removed() {
    let api = lowered(&fixture("base.yaml"));
    let added = drift::compare_apis(&[], std::slice::from_ref(&api));
    let removed = drift::compare_apis(std::slice::from_ref(&api), &[]);
    let ids = |c: &[specgen_drift::model::Change]| {
        c.iter().map(|c| (c.id, c.wire, c.rust)).collect::<Vec<_>>()
    };
    assert_eq!(ids(&added), [("api-added", Info, Minor)]);
    assert_eq!(ids(&removed), [("api-removed", Breaking, Major)]);
}

#[test]
fn numeric_bounds_on_request_newtypes() {
    // No OpenAPI number becomes a newtype (bounded numbers keep their Rust type), but release
    // notes and hand-made IR can hold one, so the pair is made on the IR: `Name` becomes a
    // bounded number, then its bounds tighten.
    let mut old = lowered(&fixture("base.yaml"));
    let name = old.types.iter_mut().find(|t| t.name == "Name").unwrap();
    let TypeKind::Newtype(n) = &mut name.kind else {
        panic!("Name is a newtype")
    };
    (n.inner, n.min_length, n.max_length, n.pattern) = (Primitive::F64, None, None, None);
    n.bounds = Some(NumberBounds {
        minimum: Some(0.0),
        maximum: Some(100.0),
        ..NumberBounds::default()
    });
    let mut new = old.clone();
    let name = new.types.iter_mut().find(|t| t.name == "Name").unwrap();
    let TypeKind::Newtype(n) = &mut name.kind else {
        unreachable!()
    };
    n.bounds = Some(NumberBounds {
        minimum: Some(1.0),
        maximum: Some(50.0),
        ..NumberBounds::default()
    });
    let mut got: Vec<_> = drift::compare_apis(&[old.clone()], &[new.clone()])
        .iter()
        .map(|c| (c.id, c.wire, c.rust))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("request-property-max-decreased", Breaking, Unchanged),
            ("request-property-min-increased", Breaking, Unchanged)
        ]
    );
    // The other direction relaxes both.
    let back: Vec<_> = drift::compare_apis(&[new], &[old])
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(
        back,
        [
            "request-property-bounds-relaxed",
            "request-property-bounds-relaxed"
        ]
    );
}

#[test]
fn an_enum_listing_a_value_twice_equals_itself() {
    // Seen in the corpus (ix-api.net): two enum entries with the same wire text get two Rust
    // names; comparing the document with itself must still report nothing.
    let mut api = lowered(&fixture("base.yaml"));
    let kind = api
        .types
        .iter_mut()
        .find(|t| t.name == "ClientKind")
        .unwrap();
    let TypeKind::Enum(e) = &mut kind.kind else {
        panic!("ClientKind is an enum")
    };
    let mut twin = e.variants[0].clone();
    twin.name.push('2');
    e.variants.push(twin);
    assert!(drift::compare_apis(std::slice::from_ref(&api), std::slice::from_ref(&api)).is_empty());
}

#[test]
fn changes_carry_both_locations_with_lines() {
    let report = compare(
        &fixture("base.yaml"),
        &fixture("rules/new-required-request-property.yaml"),
    );
    let change = &report.changes[0];
    assert_eq!(change.api, "new_required_request_property");
    assert_eq!(change.operation, "type ClientRequest");
    let revision = change.location.revision.as_ref().unwrap();
    assert_eq!(
        revision.pointer.as_deref(),
        Some("#/components/schemas/ClientRequest/properties/email")
    );
    let line = revision.line.expect("the pointer resolves to a line");
    let text = fs::read_to_string(fixture("rules/new-required-request-property.yaml")).unwrap();
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .trim_start()
            .starts_with("email:")
    );
    // The property does not exist in the base, so the base side is absent.
    assert!(change.location.base.is_none());
}
