//! Several release-notes files for one API → the API as of the newest one.
//!
//! Each file describes what changed in one version, so the files are applied oldest first, each
//! on top of the state the previous ones left: a `New` endpoint is added (or replaces an earlier
//! description of itself, with a warning), a `Modified` endpoint replaces the parts its block
//! restates (tag, summary, prose, each table, the request example, the examples of each status
//! it shows) and keeps the rest, and `Added Fields` / `Deprecated Fields` accumulate, each
//! remembering the version that said it. A `Modified` endpoint whose earlier version is not in
//! `specs/` (the oldest notes usually modify endpoints of a version nobody has) is taken as
//! described.

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
    /// Every `Added Fields` line so far.
    pub added: Vec<Sourced<FieldChange>>,
    /// Every `Deprecated Fields` line so far.
    pub deprecated: Vec<Sourced<FieldChange>>,
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
    if !e.added_fields.is_empty() {
        parts.push(format!("added {}", names(&e.added_fields)));
    }
    if !e.deprecated_fields.is_empty() {
        parts.push(format!("deprecated {}", names(&e.deprecated_fields)));
    }
    match e.change {
        Change::New => "new endpoint.".to_owned(),
        Change::Modified if parts.is_empty() => "modified.".to_owned(),
        Change::Modified => format!("modified: {}.", parts.join("; ")),
    }
}

/// Orders the notes by version and applies them oldest first.
pub fn apply_in_order(mut notes: Vec<Notes>, diagnostics: &mut Diagnostics) -> Current {
    notes.sort_by_key(|n| version_key(&n.version.value));
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

    let mut endpoints: Vec<CurrentEndpoint> = Vec::new();
    for n in &notes {
        for e in &n.endpoints {
            let Some(method) = e.method else {
                continue;
            };
            let history = format!("{}: {}", n.version.value, change_summary(e));
            let origin = Sourced {
                file: n.path.clone(),
                version: n.version.value.clone(),
                item: e.line,
            };
            let existing = endpoints
                .iter_mut()
                .find(|c| c.method == method && c.path == e.path);
            match (e.change, existing) {
                (Change::Modified, Some(current)) => {
                    current.origin = origin;
                    current.history.push(history);
                    modify(current, n, e);
                }
                (change, existing) => {
                    let fresh = CurrentEndpoint {
                        method,
                        path: e.path.clone(),
                        origin,
                        tag: e.tag.clone(),
                        summary: e.summary.clone(),
                        description: e.description.clone(),
                        path_params: sourced(n, &e.path_params),
                        query_params: sourced(n, &e.query_params),
                        body_fields: sourced(n, &e.body_fields),
                        request_examples: sourced(n, &e.request_examples),
                        responses: sourced(n, e.responses.as_deref().unwrap_or_default()),
                        response_examples: sourced(n, &e.response_examples),
                        added: sourced(n, &e.added_fields),
                        deprecated: sourced(n, &e.deprecated_fields),
                        history: vec![history],
                    };
                    match existing {
                        Some(current) => {
                            debug_assert_eq!(change, Change::New);
                            diagnostics.push(
                                Diagnostic::warning(
                                    &n.path,
                                    Location::at(e.line, 1),
                                    format!(
                                        "`{} {}` is listed as new but {} already describes it; this description replaces that one",
                                        method.as_str(),
                                        e.path,
                                        current.origin.file
                                    ),
                                )
                                .with_hint("list it under `Modified Endpoints` if it changed"),
                            );
                            *current = fresh;
                        }
                        None => endpoints.push(fresh),
                    }
                }
            }
        }
    }

    let newest = notes.last();
    Current {
        title: newest.map(|n| n.title.clone()).unwrap_or_default(),
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
        endpoints,
    }
}

/// Applies a `Modified` block to the endpoint as described so far.
fn modify(current: &mut CurrentEndpoint, n: &Notes, e: &Endpoint) {
    if e.tag.is_some() {
        current.tag = e.tag.clone();
    }
    if e.summary.is_some() {
        current.summary = e.summary.clone();
    }
    if e.description.is_some() {
        current.description = e.description.clone();
    }
    if !e.path_params.is_empty() {
        current.path_params = sourced(n, &e.path_params);
    }
    if !e.query_params.is_empty() {
        current.query_params = sourced(n, &e.query_params);
    }
    if !e.body_fields.is_empty() {
        current.body_fields = sourced(n, &e.body_fields);
    }
    if !e.request_examples.is_empty() {
        current.request_examples = sourced(n, &e.request_examples);
    }
    if let Some(rows) = &e.responses {
        current.responses = sourced(n, rows);
        // Examples of statuses the new table no longer lists go with them.
        current
            .response_examples
            .retain(|r| rows.iter().any(|row| row.status == r.item.status));
    }
    for r in &e.response_examples {
        if e.responses.as_ref().is_none_or(|rows| rows.is_empty())
            && !current
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
    current.added.extend(sourced(n, &e.added_fields));
    current.deprecated.extend(sourced(n, &e.deprecated_fields));
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
        assert_eq!(a.deprecated[0].version, "v2.0.0");
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
}
