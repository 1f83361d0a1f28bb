//! Bad input is the user's mistake: located, collected, snapshotted, and nothing is written.

use specgen_codegen::{self as codegen, Mode, Outcome, load};
use specgen_tests::{repo_root, scratch_repo};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

fn diagnostics_for(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let display = format!("tests/fixtures/invalid/{name}");
    let overlay_path = path.with_file_name(name.replace(".yaml", ".overlay.yaml"));
    let overlay = (overlay_path != path && overlay_path.exists()).then(|| load::SourceFile {
        path: format!(
            "tests/fixtures/invalid/{}",
            overlay_path.file_name().unwrap().to_string_lossy()
        ),
        text: fs::read_to_string(&overlay_path).unwrap(),
    });
    let input = load::SpecInput::OpenApi {
        module: "fixture".into(),
        document: load::SourceFile {
            path: display,
            text: fs::read_to_string(path).unwrap(),
        },
        overlay,
    };
    match codegen::generate(&[input]) {
        Ok(_) => panic!("{} must not generate", path.display()),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn invalid_specs_give_located_messages() {
    insta::glob!("fixtures/invalid/*.{yaml,json}", |path| {
        if path.to_string_lossy().ends_with(".overlay.yaml") {
            return;
        }
        insta::assert_snapshot!(diagnostics_for(path));
    });
}

#[test]
fn every_error_is_collected_not_just_the_first() {
    let text = diagnostics_for(&repo_root().join("tests/fixtures/invalid/dangling-refs.yaml"));
    assert_eq!(text.matches("error:").count(), 3, "{text}");
    assert!(
        text.ends_with("3 errors and 0 warnings; nothing was written"),
        "{text}"
    );
}

fn snapshot_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path().display().to_string(), fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn an_invalid_spec_leaves_generated_untouched() {
    let repo = scratch_repo("invalid-untouched");
    // A valid edit and a broken spec together: the valid edit must not be written either.
    let spec = repo.join("specs/customer-orchestration.yaml");
    let edited = fs::read_to_string(&spec).unwrap().replace(
        "Create a partner client",
        "Create a partner client (edited)",
    );
    fs::write(&spec, edited).unwrap();
    fs::copy(
        repo_root().join("tests/fixtures/invalid/dangling-refs.yaml"),
        repo.join("specs/broken.yaml"),
    )
    .unwrap();
    let before = snapshot_of(&repo.join("generated"));
    match codegen::run(&repo, Mode::Write).unwrap() {
        Outcome::Invalid(diagnostics) => assert_eq!(diagnostics.error_count(), 3, "{diagnostics}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        before,
        snapshot_of(&repo.join("generated")),
        "generated/ changed although the specs are invalid"
    );
    fs::remove_dir_all(&repo).unwrap();
}

fn release_notes_diagnostics_for(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let input = load::SpecInput::ReleaseNotes {
        module: "fixture".into(),
        notes: vec![load::SourceFile {
            path: format!("tests/fixtures/release-notes/invalid/{name}"),
            text: fs::read_to_string(path).unwrap(),
        }],
    };
    match codegen::generate(&[input]) {
        Ok(_) => panic!("{} must not generate", path.display()),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

/// Broken JSON, a short table row, an unknown method, an example for an undeclared status:
/// each is reported at file:line:col with a hint.
#[test]
fn invalid_release_notes_give_located_messages() {
    insta::glob!("fixtures/release-notes/invalid/*.md", |path| {
        insta::assert_snapshot!(release_notes_diagnostics_for(path));
    });
}

#[test]
fn every_release_notes_error_is_collected() {
    let text = release_notes_diagnostics_for(
        &repo_root().join("tests/fixtures/release-notes/invalid/partner-api-malformed.md"),
    );
    let located: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .collect();
    assert_eq!(
        located,
        [
            "tests/fixtures/release-notes/invalid/partner-api-malformed.md:44:3",
            "tests/fixtures/release-notes/invalid/partner-api-malformed.md:357:1",
            "tests/fixtures/release-notes/invalid/partner-api-malformed.md:394:1",
            "tests/fixtures/release-notes/invalid/partner-api-malformed.md:511:1",
        ],
        "{text}"
    );
    assert!(
        text.ends_with("4 errors and 0 warnings; nothing was written"),
        "{text}"
    );
}

/// A malformed copy of the notes in `specs/` stops the whole run: nothing under `generated/`
/// changes, not even the module of the valid OpenAPI spec beside it.
#[test]
fn malformed_release_notes_leave_generated_untouched() {
    let repo = scratch_repo("malformed-notes");
    fs::copy(
        repo_root().join("tests/fixtures/release-notes/invalid/partner-api-malformed.md"),
        repo.join("specs/partner-api/v4.3.0.md"),
    )
    .unwrap();
    let before = snapshot_of(&repo.join("generated"));
    match codegen::run(&repo, Mode::Write).unwrap() {
        Outcome::Invalid(diagnostics) => assert_eq!(diagnostics.error_count(), 4, "{diagnostics}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        before,
        snapshot_of(&repo.join("generated")),
        "generated/ changed although the notes are invalid"
    );
    fs::remove_dir_all(&repo).unwrap();
}
