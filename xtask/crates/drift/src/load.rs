//! Stage 1 of drift, the only one that touches the disk: the two versions to compare, as the
//! generator's `SpecInput`s.
//!
//! The default mode reads `specs/` at a git revision (`git archive REV specs`, unpacked into a
//! scratch directory so that `codegen::load` applies exactly the layout rules the generator
//! does) and `specs/` in the working tree. The two-document mode reads two OpenAPI files (each
//! with its `NAME.overlay.yaml` if one sits beside it) or two release-notes directories.

use specgen_codegen::load::{SourceFile, SpecInput, load_specs};
use specgen_codegen::naming;
use specgen_ir::diagnostics::{Diagnostic, Diagnostics, Location};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Both versions' inputs.
#[derive(Debug, Clone)]
pub struct Versions {
    /// The base (old) version.
    pub base: Vec<SpecInput>,
    /// The revision (new) version.
    pub revision: Vec<SpecInput>,
}

fn error(file: impl Into<String>, message: impl Into<String>, hint: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(file, Location::default(), message).with_hint(hint));
    d
}

/// A scratch directory that is removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// `specs/` at `rev` against `specs/` in the working tree of `repo_root`.
pub fn from_git(repo_root: &Path, rev: &str) -> Result<Versions, Diagnostics> {
    let unique = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("specgen-drift-{}-{unique}", std::process::id()));
    let scratch = Scratch(dir);
    fs::create_dir_all(&scratch.0).map_err(|e| {
        error(
            "--base",
            format!("cannot create a scratch directory: {e}"),
            "check that the temp directory is writable",
        )
    })?;
    let hint =
        "pass a commit, branch or tag that exists and has a specs/ directory (`git log -- specs`)";
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(repo_root)
        .args(["archive", "--format=tar", rev, "specs"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            error(
                "--base",
                format!("cannot run git: {e}"),
                "install git, or compare two documents: `cargo xtask drift OLD NEW`",
            )
        })?;
    let stdout = archive.stdout.take().expect("stdout was piped");
    let untar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&scratch.0)
        .stdin(stdout)
        .stderr(Stdio::piped())
        .output();
    let archived = archive.wait_with_output();
    match archived {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            return Err(error(
                format!("--base {rev}"),
                format!("git archive failed: {text}"),
                hint,
            ));
        }
        Err(e) => {
            return Err(error(
                format!("--base {rev}"),
                format!("git archive failed: {e}"),
                hint,
            ));
        }
    }
    match untar {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stderr).trim().to_owned();
            return Err(error(
                format!("--base {rev}"),
                format!("cannot unpack the archive: {text}"),
                "check that `tar` is installed",
            ));
        }
        Err(e) => {
            return Err(error(
                format!("--base {rev}"),
                format!("cannot run tar: {e}"),
                "check that `tar` is installed",
            ));
        }
    }
    let (base, mut diagnostics) = load_specs(&scratch.0.join("specs"), "specs");
    let (revision, more) = load_specs(&repo_root.join("specs"), "specs");
    diagnostics.extend(more);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Versions { base, revision })
}

/// Two OpenAPI documents, or two release-notes directories, compared as one API.
pub fn from_paths(old: &Path, new: &Path) -> Result<Versions, Diagnostics> {
    let module = module_of(new);
    let mut diagnostics = Diagnostics::new();
    let base = read_input(old, &module, &mut diagnostics);
    let revision = read_input(new, &module, &mut diagnostics);
    if let (Some(b), Some(r)) = (&base, &revision) {
        if matches!(b, SpecInput::OpenApi { .. }) != matches!(r, SpecInput::OpenApi { .. }) {
            diagnostics.extend(error(
                display(new),
                "one side is an OpenAPI document and the other a release-notes directory",
                "compare two documents or two directories",
            ));
        }
    }
    match (base, revision) {
        (Some(base), Some(revision)) if !diagnostics.has_errors() => Ok(Versions {
            base: vec![base],
            revision: vec![revision],
        }),
        _ => Err(diagnostics),
    }
}

fn module_of(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = [".yaml", ".yml", ".json"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    naming::module_name(stem)
}

/// How a path is shown: relative to the current directory when it is inside it, as the user
/// would type it, so reports do not depend on where the checkout lives.
fn display(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}

fn read_file(path: &Path, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    let display = display(path);
    match fs::read_to_string(path) {
        Ok(text) => Some(SourceFile {
            path: display,
            text,
        }),
        Err(e) => {
            diagnostics.extend(error(
                display,
                format!("cannot read file: {e}"),
                "check the path and that the file is UTF-8 text",
            ));
            None
        }
    }
}

fn read_input(path: &Path, module: &str, diagnostics: &mut Diagnostics) -> Option<SpecInput> {
    if path.is_dir() {
        let mut files: Vec<PathBuf> = fs::read_dir(path)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|f| f.extension().is_some_and(|e| e == "md" || e == "txt"));
        files.sort();
        let notes: Vec<SourceFile> = files
            .iter()
            .filter_map(|f| read_file(f, diagnostics))
            .collect();
        if notes.is_empty() {
            diagnostics.extend(error(
                display(path),
                "directory holds no release-notes files",
                "a release-notes directory holds one *.md or *.txt file per version",
            ));
            return None;
        }
        return Some(SpecInput::ReleaseNotes {
            module: module.to_owned(),
            notes,
        });
    }
    let document = read_file(path, diagnostics)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = [".yaml", ".yml", ".json"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(&name);
    let overlay_path = path.with_file_name(format!("{stem}.overlay.yaml"));
    let overlay = if overlay_path.is_file() && overlay_path != path {
        read_file(&overlay_path, diagnostics)
    } else {
        None
    };
    Some(SpecInput::OpenApi {
        module: module.to_owned(),
        document,
        overlay,
    })
}
