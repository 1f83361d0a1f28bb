//! The generator end to end on the real `specs/`: check mode, determinism, drift snapshots, and
//! what an edited spec does to `--check` and to the snapshots.

use specgen_codegen::{self as codegen, Mode, Outcome, load, surface};
use specgen_tests::{repo_root, scratch_repo};
use std::fs;
use std::path::PathBuf;

fn inputs() -> Vec<load::SpecInput> {
    let (inputs, diagnostics) = load::load_specs(&repo_root().join("specs"), "specs");
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    inputs
}

/// `cargo xtask codegen --check`, as a test: the checked-in crate matches the specs.
#[test]
fn generated_crate_is_current() {
    match codegen::run(&repo_root(), Mode::Check).unwrap() {
        Outcome::Clean(_) => {}
        Outcome::Stale(drift, _) => {
            panic!("generated/ is stale; run `cargo xtask codegen`: {drift:?}")
        }
        other => panic!("unexpected outcome: {other:?}"),
    }
}

#[test]
fn generation_is_deterministic() {
    let first = codegen::generate(&inputs()).unwrap();
    let second = codegen::generate(&inputs()).unwrap();
    assert_eq!(first.files, second.files);
    assert!(
        first
            .files
            .contains_key(&PathBuf::from("src/customer_orchestration.rs"))
    );
}

/// One API-surface snapshot per spec: a spec update shows up as a short reviewable diff
/// (`cargo insta review` accepts it). The code itself is not snapshotted: `generated/` is
/// checked in, and `generated_crate_is_current` proves it is what the specs give, so its git
/// diff is the code view.
#[test]
fn surface_snapshots_of_every_spec() {
    let generated = codegen::generate(&inputs()).unwrap();
    for api in &generated.apis {
        insta::assert_snapshot!(
            format!("{}__surface", api.module),
            surface::render_surface(api)
        );
    }
}

#[test]
fn editing_a_spec_makes_check_fail_and_names_what_changed() {
    let repo = scratch_repo("edit-spec");
    let spec = repo.join("specs/customer-orchestration.yaml");
    let before = fs::read_to_string(&spec).unwrap();
    let edited = before.replacen(
        "            - soleTrader\n            - trust\n",
        "            - soleTrader\n            - trust\n            - cooperativeBank\n",
        1,
    );
    assert_ne!(before, edited, "the fixture edit must apply");
    fs::write(&spec, &edited).unwrap();

    match codegen::run(&repo, Mode::Check).unwrap() {
        Outcome::Stale(drift, _) => {
            assert_eq!(
                drift.stale,
                [PathBuf::from("src/customer_orchestration.rs")]
            );
            assert!(drift.missing.is_empty() && drift.orphaned.is_empty());
        }
        other => panic!("check must fail after a spec edit, got {other:?}"),
    }

    // The surface diff names the new enum value, which is what a reviewer sees in insta.
    let surface_of = |text: &str| {
        let input = load::SpecInput::OpenApi {
            module: "customer_orchestration".into(),
            document: load::SourceFile {
                path: "specs/customer-orchestration.yaml".into(),
                text: text.into(),
            },
            overlay: None,
        };
        surface::render_surface(&codegen::generate(&[input]).unwrap().apis[0])
    };
    let diff = similar::TextDiff::from_lines(&surface_of(&before), &surface_of(&edited))
        .unified_diff()
        .to_string();
    let added: Vec<&str> = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .collect();
    assert_eq!(added.len(), 1, "{diff}");
    // One value per line: the diff is exactly the new value.
    assert_eq!(added[0], "+    | cooperativeBank", "{diff}");

    // Regenerating fixes it, and touches only the changed file.
    match codegen::run(&repo, Mode::Write).unwrap() {
        Outcome::Written(drift, _) => assert_eq!(
            drift.stale,
            [PathBuf::from("src/customer_orchestration.rs")]
        ),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        codegen::run(&repo, Mode::Check).unwrap(),
        Outcome::Clean(_)
    ));
    assert!(
        fs::read_to_string(repo.join("generated/src/customer_orchestration.rs"))
            .unwrap()
            .contains("CooperativeBank")
    );
    fs::remove_dir_all(&repo).unwrap();
}

#[test]
fn orphaned_files_fail_check_and_are_removed_on_write() {
    let repo = scratch_repo("orphan");
    fs::write(
        repo.join("generated/src/removed_api.rs"),
        "// left over from a deleted spec\n",
    )
    .unwrap();
    match codegen::run(&repo, Mode::Check).unwrap() {
        Outcome::Stale(drift, _) => {
            assert_eq!(drift.orphaned, [PathBuf::from("src/removed_api.rs")])
        }
        other => panic!("{other:?}"),
    }
    codegen::run(&repo, Mode::Write).unwrap();
    assert!(!repo.join("generated/src/removed_api.rs").exists());
    assert!(matches!(
        codegen::run(&repo, Mode::Check).unwrap(),
        Outcome::Clean(_)
    ));
    fs::remove_dir_all(&repo).unwrap();
}

#[test]
fn every_generated_file_starts_with_the_do_not_edit_line() {
    let generated = codegen::generate(&inputs()).unwrap();
    for (path, text) in &generated.files {
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.contains("@generated by `cargo xtask codegen`") && first.contains("do not edit"),
            "{}: {first}",
            path.display()
        );
    }
}

/// A service that turns every API feature off (`default-features = false`, as a consumer of
/// only the runtime or of one tag feature starts) still gets a crate that builds without
/// warnings: the runtime's helpers are not all used then.
#[test]
fn the_generated_crate_builds_without_warnings_with_every_feature_off() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--no-default-features",
            "--message-format=short",
        ])
        .arg("--manifest-path")
        .arg(repo_root().join("generated/Cargo.toml"))
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target/breadth-fixture"),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n"));
}
