//! Several release-notes files for one API → the API as of the newest one.
//!
//! Each file describes what changed in one version, so the files are applied oldest first, each
//! on top of the state the previous ones left:
//!
//! - a `New` endpoint is added (or replaces an earlier description of itself, with a warning);
//! - a `Modified` endpoint keeps everything its block does not restate. A restated table *merges*
//!   into the one before it: rows are added or overridden by key (parameter or field name,
//!   status code), and a row the newer table does not mention stays. The request example and the
//!   example of each restated status are replaced, because an example is one whole body;
//! - a `Deprecated` endpoint is modified the same way and carries the release and the note;
//! - a `Removed` endpoint disappears, and a `Renamed` one (`METHOD /old → METHOD /new`) moves,
//!   keeping what it had and taking what its block restates. Removal happens only through these
//!   sections, never by leaving something out;
//! - `Added Fields`, `Deprecated Fields` and `Removed Fields` accumulate in version order, each
//!   remembering the version that said it.
//!
//! An endpoint that is modified, deprecated or renamed but whose earlier version is not in
//! `specs/` (the oldest notes usually modify endpoints of a version nobody has) is taken as
//! described; removing or renaming one that nobody described is a warning at its line.

use super::parse::{
    Change, Endpoint, FieldChange, FieldRow, JsonBlock, Notes, ResponseExample, StatusRow,
};
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::Method;

/// A record with the file and version it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    /// The file's display path.
    pub file: String,
    /// The version of that file (`v4.3.0`).
    pub version: String,
    /// The record.
    pub item: T,
}

/// One endpoint as of the newest notes.
#[derive(Debug, Clone, PartialEq)]
pub struct CurrentEndpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub path: String,
    /// Where the newest block describing it starts (file, line).
    pub origin: Sourced<usize>,
    /// `Tag:`.
    pub tag: Option<String>,
    /// `Summary:`.
    pub summary: Option<String>,
    /// The prose.
    pub description: Option<String>,
    /// `Path Parameters` rows.
    pub path_params: Vec<Sourced<FieldRow>>,
    /// `Query Parameters` rows.
    pub query_params: Vec<Sourced<FieldRow>>,
    /// `Request Body` rows.
    pub body_fields: Vec<Sourced<FieldRow>>,
    /// Request examples.
    pub request_examples: Vec<Sourced<JsonBlock>>,
    /// The declared statuses.
    pub responses: Vec<Sourced<StatusRow>>,
    /// Response examples.
    pub response_examples: Vec<Sourced<ResponseExample>>,
    /// Every field-change line so far, in the order the versions state them.
    pub field_changes: Vec<(Lifecycle, Sourced<FieldChange>)>,
    /// Prose lines of every version, for optionality and value lists stated in words.
    pub prose_lines: Vec<Sourced<(usize, String)>>,
    /// `deprecated in vX: note`, once a `Deprecated Endpoints` section names the endpoint.
    pub deprecated: Option<String>,
    /// One line per version that touched the endpoint (`v4.3.0: new endpoint.`).
    pub history: Vec<String>,
}

/// The API as of the newest notes.
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    /// The newest file's title.
    pub title: String,
    /// The versions applied, oldest first: (version, release type, previous version, file).
    pub versions: Vec<(String, Option<String>, Option<String>, String)>,
    /// The endpoints, in the order they first appeared.
    pub endpoints: Vec<CurrentEndpoint>,
    /// Endpoints removed on the way, as `METHOD /path (removed in vX: note)`, in order.
    pub removed: Vec<String>,
}

/// What a field-change line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    /// `Added Fields`.
    Added,
    /// `Deprecated Fields`.
    Deprecated,
    /// `Removed Fields`.
    Removed,
}

/// The numeric parts of a version (`v4.3.0` → `[4, 3, 0]`) and whether it is a pre-release.
fn version_key(version: &str) -> (Vec<u64>, bool) {
    let core = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let (numbers, pre) = match core.split_once(['-', '+']) {
        Some((n, _)) => (n, core.contains('-')),
        None => (core, false),
    };
    let mut parts: Vec<u64> = numbers.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    while parts.len() > 1 && parts.last() == Some(&0) {
        parts.pop();
    }
    // A pre-release sorts before its release.
    (parts, !pre)
}

fn sourced<T: Clone>(notes: &Notes, items: &[T]) -> Vec<Sourced<T>> {
    items
        .iter()
        .map(|item| Sourced {
            file: notes.path.clone(),
            version: notes.version.value.clone(),
            item: item.clone(),
        })
        .collect()
}

fn change_summary(e: &Endpoint) -> String {
    let names = |list: &[FieldChange]| {
        list.iter()
            .map(|c| format!("`{}`", c.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    for (word, list) in [
        ("added", &e.added_fields),
        ("deprecated", &e.deprecated_fields),
        ("removed", &e.removed_fields),
    ] {
        if !list.is_empty() {
            parts.push(format!("{word} {}", names(list)));
        }
    }
    let what = match (e.change, &e.renamed_from) {
        (Change::New, _) => return "new endpoint.".to_owned(),
        (Change::Removed, _) => return "removed.".to_owned(),
        (Change::Renamed, Some((m, p))) => format!("renamed from `{} {p}`", m.as_str()),
        (Change::Deprecated, _) => "deprecated".to_owned(),
        _ => "modified".to_owned(),
    };
    if parts.is_empty() {
        format!("{what}.")
    } else {
        format!("{what}: {}.", parts.join("; "))
    }
}

/// Orders the notes by version and applies them oldest first.
pub fn apply_in_order(mut notes: Vec<Notes>, diagnostics: &mut Diagnostics) -> Current {
    notes.sort_by_key(|n| version_key(&n.version.value));
    check_sequence(&notes, diagnostics);
    let mut current = Current {
        title: notes.last().map(|n| n.title.clone()).unwrap_or_default(),
        versions: notes
            .iter()
            .map(|n| {
                (
                    n.version.value.clone(),
                    n.release_type.clone(),
                    n.previous.as_ref().map(|p| p.value.clone()),
                    n.path.clone(),
                )
            })
            .collect(),
        endpoints: Vec::new(),
        removed: Vec::new(),
    };
    for n in &notes {
        for e in &n.endpoints {
            if let Some(method) = e.method {
                apply_endpoint(&mut current, n, e, method, diagnostics);
            }
        }
    }
    current
}

/// Duplicate versions are errors; a gap in the sequence or a changed title is a warning.
fn check_sequence(notes: &[Notes], diagnostics: &mut Diagnostics) {
    for pair in notes.windows(2) {
        let (older, newer) = (&pair[0], &pair[1]);
        if version_key(&older.version.value) == version_key(&newer.version.value) {
            diagnostics.push(
                Diagnostic::error(
                    &newer.path,
                    Location::at(newer.version.line, newer.version.col),
                    format!(
                        "version {} is also described by {}",
                        newer.version.value, older.path
                    ),
                )
                .with_hint("each release-notes file describes one version; remove the duplicate"),
            );
        } else if let Some(previous) = &newer.previous {
            if version_key(&previous.value) != version_key(&older.version.value) {
                diagnostics.push(
                    Diagnostic::warning(
                        &newer.path,
                        Location::at(previous.line, previous.col),
                        format!(
                            "{} follows {} by its own account, but the notes before it are {}",
                            newer.version.value, previous.value, older.version.value
                        ),
                    )
                    .with_hint(format!(
                        "add the notes of {} to the directory if you have them",
                        previous.value
                    )),
                );
            }
        }
        if older.title != newer.title {
            diagnostics.push(
                Diagnostic::warning(
                    &newer.path,
                    Location::at(newer.version.line, 1),
                    format!(
                        "the title `{}` differs from `{}` in {}; the newest title is used",
                        newer.title, older.title, older.path
                    ),
                )
                .with_hint("one directory under specs/ holds the notes of one API"),
            );
        }
    }
}

fn position(endpoints: &[CurrentEndpoint], method: Method, path: &str) -> Option<usize> {
    endpoints
        .iter()
        .position(|c| c.method == method && c.path == path)
}

/// Applies one endpoint block to the API as described so far.
fn apply_endpoint(
    current: &mut Current,
    n: &Notes,
    e: &Endpoint,
    method: Method,
    diagnostics: &mut Diagnostics,
) {
    let history = format!("{}: {}", n.version.value, change_summary(e));
    let at = Location::at(e.line, 1);
    let name = format!("{} {}", method.as_str(), e.path);
    let existing = position(&current.endpoints, method, &e.path);
    match e.change {
        Change::Removed => match existing {
            Some(k) => {
                let note = e.description.as_deref().or(e.summary.as_deref());
                current.removed.push(match note {
                    Some(note) => format!("`{name}` (removed in {}: {note})", n.version.value),
                    None => format!("`{name}` (removed in {})", n.version.value),
                });
                current.endpoints.remove(k);
            }
            None => diagnostics.push(
                Diagnostic::warning(
                    &n.path,
                    at,
                    format!(
                        "`{name}` is removed, but no earlier notes describe it; nothing is removed"
                    ),
                )
                .with_hint("check the method and path against the notes that added it"),
            ),
        },
        Change::Renamed => {
            let Some((old_method, old_path)) = &e.renamed_from else {
                return;
            };
            let old = position(&current.endpoints, *old_method, old_path);
            if existing.is_some() && old != existing {
                diagnostics.push(
                    Diagnostic::error(
                        &n.path,
                        at,
                        format!(
                            "`{name}` is the new name of `{} {old_path}`, but it already exists",
                            old_method.as_str()
                        ),
                    )
                    .with_hint("remove the other endpoint first, or rename to a free path"),
                );
                return;
            }
            match old {
                Some(k) => {
                    let mut moved = current.endpoints.remove(k);
                    moved.method = method;
                    moved.path = e.path.clone();
                    moved.origin = origin(n, e);
                    moved.history.push(history);
                    modify(&mut moved, n, e);
                    current.endpoints.insert(k, moved);
                }
                None => {
                    diagnostics.push(
                        Diagnostic::warning(&n.path, at, format!("`{name}` is renamed from `{} {old_path}`, which no earlier notes describe; it is taken as described", old_method.as_str()))
                            .with_hint("add the notes that described the old path, if you have them"),
                    );
                    current.endpoints.push(fresh(n, e, method, history));
                }
            }
        }
        Change::Modified | Change::Deprecated if existing.is_some() => {
            let c = &mut current.endpoints[existing.expect("checked")];
            c.origin = origin(n, e);
            c.history.push(history);
            modify(c, n, e);
        }
        change => {
            let fresh = fresh(n, e, method, history);
            match existing {
                Some(k) => {
                    debug_assert_eq!(change, Change::New);
                    diagnostics.push(
                        Diagnostic::warning(
                            &n.path,
                            at,
                            format!(
                                "`{name}` is listed as new but {} already describes it; this description replaces that one",
                                current.endpoints[k].origin.file
                            ),
                        )
                        .with_hint("list it under `Modified Endpoints` if it changed"),
                    );
                    current.endpoints[k] = fresh;
                }
                None => current.endpoints.push(fresh),
            }
        }
    }
}

fn origin(n: &Notes, e: &Endpoint) -> Sourced<usize> {
    Sourced {
        file: n.path.clone(),
        version: n.version.value.clone(),
        item: e.line,
    }
}

/// The note a `Deprecated Endpoints` block gives: its prose, else its summary.
fn deprecation(n: &Notes, e: &Endpoint) -> Option<String> {
    (e.change == Change::Deprecated).then(|| {
        let note = e
            .description
            .as_deref()
            .or(e.summary.as_deref())
            .map(|d| d.split("\n\n").next().unwrap_or(d).replace('\n', " "));
        match note {
            Some(note) => format!("deprecated in {}: {note}", n.version.value),
            None => format!("deprecated in {}", n.version.value),
        }
    })
}

fn field_changes(n: &Notes, e: &Endpoint) -> Vec<(Lifecycle, Sourced<FieldChange>)> {
    let tag = |kind: Lifecycle, list: &[FieldChange]| {
        sourced(n, list)
            .into_iter()
            .map(move |c| (kind, c))
            .collect::<Vec<_>>()
    };
    let mut out = tag(Lifecycle::Added, &e.added_fields);
    out.extend(tag(Lifecycle::Deprecated, &e.deprecated_fields));
    out.extend(tag(Lifecycle::Removed, &e.removed_fields));
    out
}

/// An endpoint as its block describes it, with nothing inherited.
fn fresh(n: &Notes, e: &Endpoint, method: Method, history: String) -> CurrentEndpoint {
    CurrentEndpoint {
        method,
        path: e.path.clone(),
        origin: origin(n, e),
        tag: e.tag.clone(),
        summary: e.summary.clone(),
        description: if e.change == Change::Deprecated {
            None
        } else {
            e.description.clone()
        },
        path_params: sourced(n, &e.path_params),
        query_params: sourced(n, &e.query_params),
        body_fields: sourced(n, &e.body_fields),
        request_examples: sourced(n, &e.request_examples),
        responses: sourced(n, e.responses.as_deref().unwrap_or_default()),
        response_examples: sourced(n, &e.response_examples),
        field_changes: field_changes(n, e),
        prose_lines: sourced(n, &e.prose_lines),
        deprecated: deprecation(n, e),
        history: vec![history],
    }
}

/// Merges restated rows into `current` by key: a row with a known key replaces that row in
/// place, a new key is appended, and rows the newer table does not mention stay.
fn merge_rows<T: Clone>(
    current: &mut Vec<Sourced<T>>,
    n: &Notes,
    rows: &[T],
    key: impl Fn(&T) -> String,
) {
    for row in sourced(n, rows) {
        match current.iter_mut().find(|c| key(&c.item) == key(&row.item)) {
            Some(existing) => *existing = row,
            None => current.push(row),
        }
    }
}

/// Applies a `Modified`, `Deprecated` or `Renamed` block to the endpoint as described so far.
fn modify(current: &mut CurrentEndpoint, n: &Notes, e: &Endpoint) {
    if e.tag.is_some() {
        current.tag = e.tag.clone();
    }
    if e.summary.is_some() {
        current.summary = e.summary.clone();
    }
    // A deprecation's prose is its note, not a new description of the endpoint.
    if e.description.is_some() && e.change != Change::Deprecated {
        current.description = e.description.clone();
    }
    if let Some(note) = deprecation(n, e) {
        current.deprecated = Some(note);
    }
    merge_rows(
        &mut current.path_params,
        n,
        &e.path_params,
        |r: &FieldRow| r.name.clone(),
    );
    merge_rows(
        &mut current.query_params,
        n,
        &e.query_params,
        |r: &FieldRow| r.name.clone(),
    );
    merge_rows(
        &mut current.body_fields,
        n,
        &e.body_fields,
        |r: &FieldRow| r.name.clone(),
    );
    if !e.request_examples.is_empty() {
        current.request_examples = sourced(n, &e.request_examples);
    }
    merge_rows(
        &mut current.responses,
        n,
        e.responses.as_deref().unwrap_or_default(),
        |r: &StatusRow| r.status.to_string(),
    );
    // An example shown for a status the tables never declared declares it.
    for r in &e.response_examples {
        if !current
            .responses
            .iter()
            .any(|row| row.item.status == r.status)
        {
            current.responses.push(Sourced {
                file: n.path.clone(),
                version: n.version.value.clone(),
                item: StatusRow {
                    line: r.line,
                    status: r.status,
                    description: r.description.clone(),
                },
            });
        }
    }
    let restated: Vec<u16> = e.response_examples.iter().map(|r| r.status).collect();
    current
        .response_examples
        .retain(|r| !restated.contains(&r.item.status));
    current
        .response_examples
        .extend(sourced(n, &e.response_examples));
    current.field_changes.extend(field_changes(n, e));
    current.prose_lines.extend(sourced(n, &e.prose_lines));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lower::release_notes::parse::parse_notes;

    fn notes(path: &str, text: &str) -> Notes {
        let mut d = Diagnostics::new();
        let n = parse_notes(path, text, &mut d).unwrap();
        assert!(!d.has_errors(), "{d}");
        n
    }

    #[test]
    fn versions_sort_numerically_and_pre_releases_first() {
        let mut versions = ["v4.10.0", "v4.3.0", "v4.3.0-rc1", "v4.9", "v10.0.0"];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(
            versions,
            ["v4.3.0-rc1", "v4.3.0", "v4.9", "v4.10.0", "v10.0.0"]
        );
    }

    #[test]
    fn newer_notes_modify_what_older_notes_said() {
        let v1 = notes(
            "v1.md",
            "API — v1.0.0\n\n✅ New Endpoints\n\nGET /a\n\nSummary: Get a\n\nResponse Codes\n\nCode Description\n200 OK\n\n200 — OK\n\n{\"x\": 1}\n",
        );
        let v2 = notes(
            "v2.md",
            "API — v2.0.0\n\nType: Minor  ·  Previous version: v1.0.0\n\n✅ New Endpoints\n\nGET /b\n\nSummary: Get b\n\n✏️ Modified Endpoints\n\nGET /a\n\nDeprecated Fields\n\n- x integer # use y\n",
        );
        let mut d = Diagnostics::new();
        // Given newest first, still applied oldest first.
        let current = apply_in_order(vec![v2, v1], &mut d);
        assert!(d.is_empty(), "{d}");
        assert_eq!(current.versions[0].0, "v1.0.0");
        let a = &current.endpoints[0];
        assert_eq!(a.summary.as_deref(), Some("Get a"));
        assert_eq!(a.response_examples.len(), 1);
        assert_eq!(a.field_changes[0].1.version, "v2.0.0");
        assert_eq!(a.origin.file, "v2.md");
        assert_eq!(
            a.history,
            ["v1.0.0: new endpoint.", "v2.0.0: modified: deprecated `x`."]
        );
        assert_eq!(current.endpoints[1].path, "/b");
    }

    #[test]
    fn duplicate_versions_and_gaps_are_reported() {
        let a = notes("a.md", "API — v1.0.0\n");
        let b = notes("b.md", "API — v1.0.0\n");
        let c = notes(
            "c.md",
            "API — v3.0.0\nType: Major · Previous version: v2.0.0\n",
        );
        let mut d = Diagnostics::new();
        apply_in_order(vec![a, b, c], &mut d);
        let text = d.to_string();
        assert_eq!(d.error_count(), 1, "{text}");
        assert!(
            text.contains("version v1.0.0 is also described by a.md"),
            "{text}"
        );
        assert!(
            text.contains("v3.0.0 follows v2.0.0 by its own account"),
            "{text}"
        );
    }

    #[test]
    fn restated_tables_merge_and_only_removal_sections_remove() {
        let v1 = notes(
            "v1.md",
            "API — v1.0.0\n\nNew Endpoints\n\nGET /a/{id}\n\nSummary: Get a\n\nPath Parameters\n\nParameter Type Required Description\nid string Yes The id\n\nResponse Codes\n\nCode Description\n200 OK\n401 Unauthorized\n404 - Not found\n\nGET /b\n\nSummary: Get b\n\nResponse Codes\n\nCode Description\n200 OK\n",
        );
        let v2 = notes(
            "v2.md",
            "API — v2.0.0\n\nModified Endpoints\n\nGET /a/{id}\n\nResponse Codes\n\nCode Description\n200 OK, with more\n409 Conflict\n\nDeprecated Endpoints\n\nGET /b\n\nUse GET /a/{id}.\n",
        );
        let v3 = notes(
            "v3.md",
            "API — v3.0.0\n\nRemoved Endpoints\n\nGET /b\n\nRenamed Endpoints\n\nGET /a/{id} → GET /v3/a/{id}\n\nRemoved Endpoints\n\nGET /never\n",
        );
        let mut d = Diagnostics::new();
        let current = apply_in_order(vec![v3, v1, v2], &mut d);
        assert_eq!(d.iter().count(), 1, "{d}");
        assert!(
            d.to_string()
                .contains("`GET /never` is removed, but no earlier notes describe it"),
            "{d}"
        );
        assert_eq!(current.endpoints.len(), 1);
        let a = &current.endpoints[0];
        assert_eq!(a.path, "/v3/a/{id}");
        let rows: Vec<(u16, Option<&str>)> = a
            .responses
            .iter()
            .map(|r| (r.item.status, r.item.description.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                (200, Some("OK, with more")),
                (401, Some("Unauthorized")),
                (404, Some("Not found")),
                (409, Some("Conflict"))
            ]
        );
        assert_eq!(a.path_params.len(), 1, "kept through the rename");
        assert_eq!(
            a.history,
            [
                "v1.0.0: new endpoint.",
                "v2.0.0: modified.",
                "v3.0.0: renamed from `GET /a/{id}`."
            ]
        );
        assert_eq!(current.removed, ["`GET /b` (removed in v3.0.0)"]);
    }

    #[test]
    fn a_deprecation_carries_the_release_and_the_note() {
        let v1 = notes(
            "v1.md",
            "API — v1.0.0\n\nNew Endpoints\n\nGET /b\n\nSummary: Get b\n\nGets b.\n",
        );
        let v2 = notes(
            "v2.md",
            "API — v2.0.0\n\nDeprecated Endpoints\n\nGET /b\n\nUse GET /c.\n",
        );
        let mut d = Diagnostics::new();
        let current = apply_in_order(vec![v1, v2], &mut d);
        let b = &current.endpoints[0];
        assert_eq!(
            b.deprecated.as_deref(),
            Some("deprecated in v2.0.0: Use GET /c.")
        );
        assert_eq!(
            b.description.as_deref(),
            Some("Gets b."),
            "the note is not the description"
        );
        assert_eq!(b.summary.as_deref(), Some("Get b"));
    }
}
