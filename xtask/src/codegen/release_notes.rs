//! Release notes as a spec source (placeholder until the parser lands).

use super::ir::Api;
use super::load::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};

/// Lowers a directory of release notes into one API.
pub fn lower_release_notes(
    _module: &str,
    notes: &[SourceFile],
    diagnostics: &mut Diagnostics,
) -> Option<Api> {
    for n in notes {
        diagnostics.push(Diagnostic::error(
            &n.path,
            Location::default(),
            "release notes are not supported yet",
        ));
    }
    None
}
