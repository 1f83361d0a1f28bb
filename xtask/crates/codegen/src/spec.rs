//! One spec named on the command line (`--spec specs/customer-orchestration.yaml`), loaded into
//! the IR through the same `load` and lowering stages as `cargo xtask codegen`.
//!
//! The mock, the contract runner and the benchmark take a single spec, or a few, rather than the
//! whole `specs/` directory. Going through `load::load_specs` on the file's directory means the
//! overlay beside a document and the release-notes directories are found exactly as the
//! generator finds them, so the mock serves the API the generated client was built from.

use crate::ir::Api;
use crate::load;
use crate::lower::{Lowered, lower_with_documents};
use serde_json::Value;
use std::path::Path;

/// A loaded spec: its IR, and the OpenAPI document after its overlay (absent for release
/// notes, which have no document of their own).
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The API.
    pub api: Api,
    /// The OpenAPI document as the generator read it (overlay applied, 3.1 rewritten to 3.0).
    pub document: Option<Value>,
}

/// Loads the spec at `path`: an OpenAPI file (with `NAME.overlay.yaml` beside it, if present) or
/// a directory of release notes. Errors are rendered diagnostics, ready to print.
pub fn load_spec(path: &Path) -> Result<LoadedSpec, String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| format!("cannot read spec `{}`: {e}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("`{}` names no file", path.display()))?;
    if name.ends_with(".overlay.yaml") {
        return Err(format!(
            "`{}` is an overlay; name the document it extends instead",
            path.display()
        ));
    }
    let stem = if meta.is_dir() {
        name.clone()
    } else {
        [".yaml", ".yml", ".json"]
            .iter()
            .find_map(|ext| name.strip_suffix(ext))
            .map(str::to_owned)
            .ok_or_else(|| {
                format!(
                    "`{}` is not a spec: OpenAPI documents end in .yaml, .yml or .json, release notes are a directory",
                    path.display()
                )
            })?
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = dir.display().to_string();
    let (inputs, diagnostics) = load::load_specs(dir, &prefix);
    let module = crate::naming::module_name(&stem);
    let Some(input) = inputs.into_iter().find(|i| i.module() == module) else {
        return Err(if diagnostics.has_errors() {
            diagnostics.to_string()
        } else {
            format!("no spec for module `{module}` in {prefix}")
        });
    };
    let (mut lowered, diagnostics) = lower_with_documents(std::slice::from_ref(&input));
    if diagnostics.has_errors() || lowered.is_empty() {
        return Err(diagnostics.to_string());
    }
    let Lowered { api, document } = lowered.remove(0);
    Ok(LoadedSpec { api, document })
}
