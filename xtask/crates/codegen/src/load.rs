//! Stage 1: find and read the spec files. The only stage besides `write` that touches the disk.
//!
//! Layout of `specs/`:
//! - `NAME.yaml`, `NAME.yml` or `NAME.json`: an OpenAPI document; the module is `NAME` in snake
//!   case. `NAME.overlay.yaml` beside it is an OpenAPI Overlay applied to it at load time.
//! - `NAME/`: a directory of release-notes files (`*.md` or `*.txt`), one per version, that
//!   together describe the API of module `NAME`, and optionally `overlay.yaml`, an OpenAPI
//!   Overlay applied to the document the notes produce (it travels with the notes files).
//! - `README.md` is documentation and is skipped; anything else is reported, so a typo in a file
//!   name does not silently drop an API.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::naming;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// A file's display path and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as the user would type it (`specs/customer-orchestration.yaml`).
    pub path: String,
    /// The file's contents.
    pub text: String,
}

/// One API's input files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecInput {
    /// An OpenAPI document with an optional overlay.
    OpenApi {
        /// The module name.
        module: String,
        /// The document.
        document: SourceFile,
        /// The overlay beside it, if any.
        overlay: Option<SourceFile>,
    },
    /// Release notes, one file per version, in file-name order (the parser orders by version).
    ReleaseNotes {
        /// The module name.
        module: String,
        /// The notes files.
        notes: Vec<SourceFile>,
    },
}

impl SpecInput {
    /// The module this input generates.
    pub fn module(&self) -> &str {
        match self {
            SpecInput::OpenApi { module, .. } | SpecInput::ReleaseNotes { module, .. } => module,
        }
    }
}

const OVERLAY_SUFFIX: &str = ".overlay.yaml";

/// `bytes` as UTF-8 text, or an error at the line and column of the first invalid byte (a file
/// cut inside a multi-byte character, or saved in another encoding).
pub fn decode_utf8(display: &str, bytes: Vec<u8>, diagnostics: &mut Diagnostics) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let bytes = err.as_bytes();
            let valid = &bytes[..err.utf8_error().valid_up_to()];
            let before = std::str::from_utf8(valid).unwrap_or_default();
            let line = before.matches('\n').count() + 1;
            let col = before
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            diagnostics.push(
                Diagnostic::error(
                    display,
                    Location::at(line, col),
                    format!("invalid UTF-8 (byte 0x{:02x})", bytes[valid.len()]),
                )
                .with_hint("save the file as UTF-8; a file cut inside a character is incomplete"),
            );
            None
        }
    }
}

fn read(path: &Path, display: String, diagnostics: &mut Diagnostics) -> Option<SourceFile> {
    match fs::read(path) {
        Ok(bytes) => decode_utf8(&display, bytes, diagnostics).map(|text| SourceFile {
            path: display,
            text,
        }),
        Err(err) => {
            diagnostics.push(
                Diagnostic::error(
                    display,
                    Location::default(),
                    format!("cannot read file: {err}"),
                )
                .with_hint("check the file's permissions and that it is UTF-8 text"),
            );
            None
        }
    }
}

/// Reads every spec under `dir`; `display_prefix` is how the user names `dir` (`specs`). Returns
/// the inputs it could read and every problem it found; the caller stops on errors.
pub fn load_specs(dir: &Path, display_prefix: &str) -> (Vec<SpecInput>, Diagnostics) {
    let mut diagnostics = Diagnostics::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            diagnostics.push(
                Diagnostic::error(
                    display_prefix,
                    Location::default(),
                    format!("cannot read the spec directory: {err}"),
                )
                .with_hint("run from the repository root, or pass --specs DIR"),
            );
            return (Vec::new(), diagnostics);
        }
    };
    let mut names: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            (e.file_name().to_string_lossy().into_owned(), is_dir)
        })
        .collect();
    names.sort();

    let mut inputs: BTreeMap<String, (String, SpecInput)> = BTreeMap::new();
    let mut add =
        |module: String, display: String, input: SpecInput, diagnostics: &mut Diagnostics| {
            if let Some((other, _)) = inputs.get(&module) {
                diagnostics.push(
                Diagnostic::error(
                    display.clone(),
                    Location::default(),
                    format!("module `{module}` is already generated from {other}"),
                )
                .with_hint(
                    "rename one of the files: each spec becomes the module named after its file",
                ),
            );
            } else {
                inputs.insert(module, (display, input));
            }
        };

    for (name, is_dir) in &names {
        let path = dir.join(name);
        let display = format!("{display_prefix}/{name}");
        if *is_dir {
            let mut notes = Vec::new();
            let mut files: Vec<String> = fs::read_dir(&path)
                .map(|rd| {
                    rd.filter_map(Result::ok)
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            for file in files {
                let overlay = file == crate::lower::release_notes::OVERLAY_FILE;
                if file.ends_with(".md") || file.ends_with(".txt") || overlay {
                    if let Some(source) = read(
                        &path.join(&file),
                        format!("{display}/{file}"),
                        &mut diagnostics,
                    ) {
                        notes.push(source);
                    }
                }
            }
            if notes
                .iter()
                .all(crate::lower::release_notes::overlay::is_overlay)
            {
                diagnostics.push(
                    Diagnostic::error(display.clone(), Location::default(), "directory holds no release-notes files")
                        .with_hint("a directory under specs/ holds one release-notes file (*.md or *.txt) per version"),
                );
                continue;
            }
            let module = naming::module_name(name);
            add(
                module.clone(),
                display,
                SpecInput::ReleaseNotes { module, notes },
                &mut diagnostics,
            );
            continue;
        }
        if name == "README.md" || name.ends_with(OVERLAY_SUFFIX) {
            continue;
        }
        let Some(stem) = [".yaml", ".yml", ".json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
        else {
            diagnostics.push(
                Diagnostic::warning(display, Location::default(), "not a spec file; skipped")
                    .with_hint("OpenAPI documents end in .yaml, .yml or .json; release notes go in a directory per API"),
            );
            continue;
        };
        let Some(document) = read(&path, display.clone(), &mut diagnostics) else {
            continue;
        };
        let overlay_path = dir.join(format!("{stem}{OVERLAY_SUFFIX}"));
        let overlay = if overlay_path.exists() {
            read(
                &overlay_path,
                format!("{display_prefix}/{stem}{OVERLAY_SUFFIX}"),
                &mut diagnostics,
            )
        } else {
            None
        };
        let module = naming::module_name(stem);
        add(
            module.clone(),
            display,
            SpecInput::OpenApi {
                module,
                document,
                overlay,
            },
            &mut diagnostics,
        );
    }

    // Overlays must extend a document that exists, or the conventions they carry are silently lost.
    for (name, _) in &names {
        if let Some(stem) = name.strip_suffix(OVERLAY_SUFFIX) {
            let has_base = [".yaml", ".yml", ".json"]
                .iter()
                .any(|ext| names.iter().any(|(n, _)| *n == format!("{stem}{ext}")));
            if !has_base {
                diagnostics.push(
                    Diagnostic::error(format!("{display_prefix}/{name}"), Location::default(), format!("overlay has no document `{stem}.yaml` beside it"))
                        .with_hint("name the overlay after the document it extends: NAME.yaml and NAME.overlay.yaml"),
                );
            }
        }
    }

    (
        inputs.into_values().map(|(_, input)| input).collect(),
        diagnostics,
    )
}
