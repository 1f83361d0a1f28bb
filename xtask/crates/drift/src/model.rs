//! The values a drift comparison produces: changes with their two verdicts, where they are, and
//! the summary a reviewer reads first.
//!
//! Everything here is plain, ordered data with a `Serialize` derive, so the JSON format is the
//! structure itself and the other formats are renderings of it.

use serde::Serialize;

/// How a change affects a client built from the old spec talking to a server that implements
/// the new one (oasdiff's point of view and levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Wire {
    /// Existing clients may fail: requests rejected, responses not understood.
    Breaking,
    /// Existing clients may misbehave or should act (deprecations, strict decoders).
    Warning,
    /// Nothing an existing client notices.
    Info,
}

impl Wire {
    /// The lowercase name used in every format.
    pub fn as_str(self) -> &'static str {
        match self {
            Wire::Breaking => "breaking",
            Wire::Warning => "warning",
            Wire::Info => "info",
        }
    }
}

/// The semver impact of a change on the generated crate's public API.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Rust {
    /// Code that compiled against the old crate may no longer compile.
    Major,
    /// Additive: new items, new enum variants of `#[non_exhaustive]` enums, deprecations.
    Minor,
    /// The generated public API is unchanged.
    #[default]
    None,
}

impl Rust {
    /// The lowercase name used in every format.
    pub fn as_str(self) -> &'static str {
        match self {
            Rust::Major => "major",
            Rust::Minor => "minor",
            Rust::None => "none",
        }
    }
}

/// One side's position of a change: the file, and the JSON pointer and line where known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Position {
    /// The file as the user names it (`specs/customer-orchestration.yaml`).
    pub file: String,
    /// A JSON pointer into the document, for OpenAPI sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The one-based line, when the pointer resolves or the source is release notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl Position {
    /// `file:line`, or `file` with the pointer when no line is known.
    pub fn display(&self) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
        }
        if let Some(pointer) = &self.pointer {
            out.push_str(&format!(" {pointer}"));
        }
        out
    }
}

/// Where a change is, on both sides (`None` on the side where the thing does not exist).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Locations {
    /// In the base (old) version.
    pub base: Option<Position>,
    /// In the revision (new) version.
    pub revision: Option<Position>,
}

/// One classified change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The rule's stable kebab-case id (see [`super::rules::RULES`]).
    pub id: &'static str,
    /// The wire verdict.
    pub wire: Wire,
    /// The Rust semver verdict.
    pub rust: Rust,
    /// The API's module name.
    pub api: String,
    /// The operation (`POST /v1/clients`) or type (`type ClientRequest`) the change concerns.
    pub operation: String,
    /// Where it is on both sides.
    pub location: Locations,
    /// One line saying what changed.
    pub message: String,
}

/// Counts per verdict and the semver bump the generated crate needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Every change.
    pub total: usize,
    /// Changes with wire verdict `breaking`.
    pub breaking: usize,
    /// Changes with wire verdict `warning`.
    pub warning: usize,
    /// Changes with wire verdict `info`.
    pub info: usize,
    /// Changes with Rust verdict `major`.
    pub major: usize,
    /// Changes with Rust verdict `minor`.
    pub minor: usize,
    /// Changes with Rust verdict `none`.
    pub none: usize,
    /// The bump the generated crate needs: `major`, `minor` or `none`.
    pub semver: Rust,
}

/// A whole comparison: every change (breaking first, then by API, operation and id) and the
/// summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The changes.
    pub changes: Vec<Change>,
    /// The counts.
    pub summary: Summary,
}

impl Report {
    /// Sorts the changes into their stable order and computes the summary.
    pub fn new(mut changes: Vec<Change>) -> Report {
        changes.sort_by(|a, b| {
            (&a.api, &a.operation, a.wire, a.id, &a.message).cmp(&(
                &b.api,
                &b.operation,
                b.wire,
                b.id,
                &b.message,
            ))
        });
        changes.dedup();
        let mut summary = Summary {
            total: changes.len(),
            semver: Rust::None,
            ..Summary::default()
        };
        for c in &changes {
            match c.wire {
                Wire::Breaking => summary.breaking += 1,
                Wire::Warning => summary.warning += 1,
                Wire::Info => summary.info += 1,
            }
            match c.rust {
                Rust::Major => summary.major += 1,
                Rust::Minor => summary.minor += 1,
                Rust::None => summary.none += 1,
            }
            summary.semver = summary.semver.min(c.rust);
        }
        Report { changes, summary }
    }
}
