//! Release-notes text → records, each carrying the line it came from.
//!
//! The format is what vendors paste from their changelog pages (see `specs/partner-api/`): a
//! title line (`Partner API — v4.3.0`), a `Type: … · Previous version: …` line, then sections
//! (`New`, `Modified`, `Deprecated`, `Removed` and `Renamed Endpoints`, recognised by their
//! words, emoji optional, in any order) of endpoint blocks. An endpoint block opens with a
//! `METHOD /path` line and holds `Tag:` and `Summary:` lines, prose (indented lines are lists),
//! field tables (`Path Parameters`, `Query Parameters`, `Request Body`), JSON examples under
//! `Example Request` / `Current Request Example`, a `Response Codes` (or `Response Examples`)
//! table, `NNN — description` headings each followed by reason bullets and a JSON example, and
//! `Added Fields` / `Deprecated Fields` / `Removed Fields` lists.
//!
//! The parser is a line classifier with a little state (which heading we are under). It never
//! stops at a problem: each one becomes a located diagnostic and parsing goes on, so one run
//! reports every mistake in a file. Like rust-analyzer's `CommentBlock.line`, every record keeps
//! its one-based line number, so later stages can point at the text too.
//!
//! Nothing is lost silently: every non-blank line is either consumed into a record (the parser
//! marks it) or reported as a warning naming its line. Lines shaped like a table header, a JSON
//! member or a field change that sit where such a thing cannot be are errors, because reading
//! them as prose would drop part of the API.
//!
//! Stages of this module: [`lines`] classifies single lines, `sections` reads the header and the
//! section structure, `endpoint` one endpoint block, `tables` its rows and `json` its examples.

mod endpoint;
mod json;
pub(crate) mod lines;
mod sections;
mod tables;

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::Method;
use serde_json::Value;

/// One release-notes file, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notes {
    /// The file's display path (`specs/partner-api/v4.3.0.md`).
    pub path: String,
    /// The API's title (`Partner API`).
    pub title: String,
    /// The version these notes describe (`v4.3.0`), with its line.
    pub version: Spanned<String>,
    /// The release type (`Minor Release`), when the notes state it.
    pub release_type: Option<String>,
    /// The version these notes follow (`v4.2.0`), when the notes state it.
    pub previous: Option<Spanned<String>>,
    /// The endpoint blocks in document order.
    pub endpoints: Vec<Endpoint>,
}

/// A value with the one-based line and column it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub col: usize,
}

/// Which section an endpoint block sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `New Endpoints`: the endpoint appears in this version.
    New,
    /// `Modified Endpoints`: the endpoint existed before and changes in this version.
    Modified,
    /// `Deprecated Endpoints`: the endpoint still works but callers should move off it.
    Deprecated,
    /// `Removed Endpoints`: the endpoint is gone from this version on.
    Removed,
    /// `Renamed Endpoints`: the endpoint moved to another method or path (`renamed_from`).
    Renamed,
}

impl Change {
    /// The word used in counts and messages (`new`, `modified`, …).
    pub fn word(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Modified => "modified",
            Change::Deprecated => "deprecated",
            Change::Removed => "removed",
            Change::Renamed => "renamed",
        }
    }
}

/// One endpoint block.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The line of the `METHOD /path` line.
    pub line: usize,
    /// The section the block sits in.
    pub change: Change,
    /// The HTTP method; `None` when the method word is unknown (already reported).
    pub method: Option<Method>,
    /// The path template (`/onchain-preauth/{invoiceId}`).
    pub path: String,
    /// `Tag:`.
    pub tag: Option<String>,
    /// `Summary:`.
    pub summary: Option<String>,
    /// The prose, as Markdown: indented lines become list items.
    pub description: Option<String>,
    /// `Path Parameters` rows.
    pub path_params: Vec<FieldRow>,
    /// `Query Parameters` rows.
    pub query_params: Vec<FieldRow>,
    /// `Request Body` rows.
    pub body_fields: Vec<FieldRow>,
    /// JSON under `Example Request` / `Current Request Example`.
    pub request_examples: Vec<JsonBlock>,
    /// The `Response Codes` / `Response Examples` table; `None` when the block has no table.
    pub responses: Option<Vec<StatusRow>>,
    /// `NNN — description` sections, each with its reasons and JSON example.
    pub response_examples: Vec<ResponseExample>,
    /// `Added Fields` lines.
    pub added_fields: Vec<FieldChange>,
    /// `Deprecated Fields` lines.
    pub deprecated_fields: Vec<FieldChange>,
    /// `Removed Fields` lines.
    pub removed_fields: Vec<FieldChange>,
    /// For a renamed endpoint: the method and path it had before.
    pub renamed_from: Option<(Method, String)>,
    /// Prose lines with their line numbers, for optionality and value lists stated in words.
    pub prose_lines: Vec<(usize, String)>,
}

/// One row of a field table (`Path Parameters`, `Query Parameters`, `Request Body`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    /// The row's line.
    pub line: usize,
    /// The field or parameter name.
    pub name: String,
    /// The type as written (`string`), lower case, with its column for diagnostics.
    pub ty: Spanned<String>,
    /// The Required column.
    pub required: bool,
    /// The description, without the trailing `e.g.` example.
    pub description: Option<String>,
    /// The text after `e.g.`.
    pub example: Option<String>,
}

/// One row of a `Response Codes` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// The row's line.
    pub line: usize,
    /// The status code.
    pub status: u16,
    /// The description, without a leading `- `.
    pub description: Option<String>,
}

/// A `NNN — description` section.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseExample {
    /// The heading's line.
    pub line: usize,
    /// The status code.
    pub status: u16,
    /// The heading's description.
    pub description: Option<String>,
    /// The bullet lines under the heading (`• Access Denied → …`), without the bullet.
    pub reasons: Vec<String>,
    /// The JSON example, when one follows.
    pub json: Option<JsonBlock>,
}

/// A JSON example: its first line and the parsed value.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonBlock {
    /// The line of the opening `{` or `[`.
    pub line: usize,
    /// The line of the closing bracket.
    pub end_line: usize,
    /// The parsed value.
    pub value: Value,
}

/// One `+ name type # note` or `- name type # note` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The line.
    pub line: usize,
    /// The field name; dots address nested fields (`controlPersons.taxIdNumber`).
    pub name: String,
    /// The type as written, lower case.
    pub ty: Spanned<String>,
    /// The text after `#`.
    pub note: Option<String>,
}

/// The HTTP methods, for hints.
const METHODS: &str = "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or TRACE";

/// The field types a table may name (placeholders in examples use the same words).
pub const FIELD_TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];

/// `v4.3.0`, `4.3`, `v10.0.1-beta`: digits and dots after an optional `v`.
pub fn is_version(text: &str) -> bool {
    let core = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let core = core.split(['-', '+']).next().unwrap_or_default();
    !core.is_empty()
        && core
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses one release-notes file. Problems go to `diagnostics`; the result is `None` only when
/// the file has no title line to name the version.
pub fn parse_notes(path: &str, text: &str, diagnostics: &mut Diagnostics) -> Option<Notes> {
    let lines = lines::split_lines(text);
    let mut parser = Parser {
        path,
        consumed: vec![false; lines.len()],
        rejected_rows: Vec::new(),
        lines,
        diagnostics,
    };
    let notes = parser.parse();
    parser.report_unconsumed();
    notes
}

struct Parser<'a, 'd> {
    path: &'a str,
    lines: Vec<lines::Line>,
    /// Per line index: whether a record took the line.
    consumed: Vec<bool>,
    /// First words of the table rows rejected so far (each already reported).
    rejected_rows: Vec<String>,
    diagnostics: &'d mut Diagnostics,
}

impl Parser<'_, '_> {
    fn error(&mut self, line: usize, col: usize, message: String, hint: &str) {
        self.diagnostics
            .push(Diagnostic::error(self.path, Location::at(line, col), message).with_hint(hint));
    }

    fn warn(&mut self, line: usize, col: usize, message: String, hint: &str) {
        self.diagnostics
            .push(Diagnostic::warning(self.path, Location::at(line, col), message).with_hint(hint));
    }

    /// Marks line index `i` as taken by a record (or by a diagnostic that names it).
    fn consume(&mut self, i: usize) {
        if let Some(c) = self.consumed.get_mut(i) {
            *c = true;
        }
    }

    /// The no-silent-loss check: every non-blank line no record took is a warning. This is a
    /// backstop; the readers report the lines they reject with a better message.
    fn report_unconsumed(&mut self) {
        let lost: Vec<(usize, usize)> = (0..self.lines.len())
            .filter(|&i| !self.consumed[i] && !self.lines[i].trimmed.is_empty())
            .map(|i| (self.lines[i].number, self.lines[i].indent + 1))
            .collect();
        for (line, col) in lost {
            self.warn(
                line,
                col,
                "this line is not part of any record and is ignored".into(),
                "check the headings around it; each line belongs to a heading, a table, a list or an example",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Option<Notes>, Diagnostics) {
        let mut d = Diagnostics::new();
        let notes = parse_notes("notes.md", text, &mut d);
        (notes, d)
    }

    const SMALL: &str = "Partner API — v1.2.0\n\nType: Minor Release  ·  Previous version: v1.1.0\n\n✅ 1 New\n\n✅ New Endpoints\n\nGET /things/{id}\n\nTag: Things\nSummary: Get a thing\n\nGets a thing.\n\n  It returns\n    the name\n    the size\n\nPath Parameters\n\nParameter Type Required Description\nid string Yes The id. e.g. T-1\n\nResponse Codes\n\nCode Description\n200 The thing\n404 - Not found\n\n200 — The thing\n\n{\n  \"name\": \"x\",\n  \"size\": 2\n}\n\n404 — - Not found\n\n  • Missing → no such thing\n{\"errors\": []}\n";

    #[test]
    fn reads_every_record_with_its_line() {
        let (notes, d) = parse(SMALL);
        assert!(d.is_empty(), "{d}");
        let notes = notes.unwrap();
        assert_eq!(notes.title, "Partner API");
        assert_eq!(notes.version.value, "v1.2.0");
        assert_eq!(notes.previous.as_ref().unwrap().value, "v1.1.0");
        assert_eq!(notes.release_type.as_deref(), Some("Minor Release"));
        let e = &notes.endpoints[0];
        assert_eq!(
            (e.line, e.method, e.path.as_str()),
            (9, Some(Method::Get), "/things/{id}")
        );
        assert_eq!(e.tag.as_deref(), Some("Things"));
        assert_eq!(e.summary.as_deref(), Some("Get a thing"));
        assert_eq!(
            e.description.as_deref(),
            Some("Gets a thing.\n\nIt returns\n- the name\n- the size")
        );
        let p = &e.path_params[0];
        assert_eq!(
            (p.line, p.name.as_str(), p.ty.value.as_str(), p.required),
            (23, "id", "string", true)
        );
        assert_eq!(p.description.as_deref(), Some("The id."));
        assert_eq!(p.example.as_deref(), Some("T-1"));
        let rows = e.responses.as_ref().unwrap();
        assert_eq!(rows[1].status, 404);
        assert_eq!(rows[1].description.as_deref(), Some("Not found"));
        let ok = &e.response_examples[0];
        assert_eq!((ok.line, ok.status), (31, 200));
        assert_eq!(ok.json.as_ref().unwrap().line, 33);
        assert_eq!(ok.json.as_ref().unwrap().value["size"], 2);
        let missing = &e.response_examples[1];
        assert_eq!(missing.description.as_deref(), Some("Not found"));
        assert_eq!(missing.reasons, ["Missing → no such thing"]);
        assert_eq!(missing.json.as_ref().unwrap().line, 41);
    }

    #[test]
    fn field_changes_keep_names_types_and_notes() {
        let text = "Partner API — v2.0.0\n\n✏️ Modified Endpoints\n\nPOST /users\n\nAdded Fields\n\n+ taxId     string  # Tax ID\n\nDeprecated Fields\n\n- taxIdNumber  string  # old tax id\n";
        let (notes, d) = parse(text);
        assert!(d.is_empty(), "{d}");
        let e = &notes.unwrap().endpoints[0];
        assert_eq!(e.change, Change::Modified);
        assert_eq!(e.added_fields[0].name, "taxId");
        assert_eq!(e.added_fields[0].note.as_deref(), Some("Tax ID"));
        assert_eq!(e.deprecated_fields[0].name, "taxIdNumber");
        assert_eq!(e.deprecated_fields[0].ty.col, 16);
    }

    #[test]
    fn problems_are_located_and_parsing_goes_on() {
        let text = "Partner API — v2.0.0\n\n✅ New Endpoints\n\nFETCH /a\n\nPOST /b\n\nRequest Body\n\nField Type Required Description\namount string\nnote strng No A note\n\nResponse Codes\n\nCode Description\n201 Created\n\n418 — Teapot\n\n{\"a\": 1,}\n";
        let (_, d) = parse(text);
        let found: Vec<(usize, usize, String)> = d
            .sorted()
            .iter()
            .map(|d| {
                let (l, c) = d.location.line_col.unwrap();
                (l, c, d.message.clone())
            })
            .collect();
        assert_eq!(
            found,
            [
                (5, 1, "unknown HTTP method `FETCH`".to_owned()),
                (
                    12,
                    1,
                    "table row has 2 columns; a `Request Body` row needs at least 3".to_owned()
                ),
                (13, 6, "unknown type `strng` for `note`".to_owned()),
                (
                    20,
                    1,
                    "response example for status 418, which the `Response Codes` table does not declare".to_owned()
                ),
                (22, 9, "invalid JSON example: trailing comma".to_owned()),
            ]
        );
    }

    #[test]
    fn an_unclosed_json_block_stops_at_the_next_heading() {
        let text = "Partner API — v2.0.0\n\n✅ New Endpoints\n\nGET /a\n\nResponse Codes\n\nCode Description\n200 OK\n\n200 — OK\n\n{\n  \"a\": 1\n\nGET /b\n\nSummary: B\n";
        let (notes, d) = parse(text);
        assert_eq!(d.error_count(), 1, "{d}");
        assert!(d.to_string().contains("EOF"), "{d}");
        let notes = notes.unwrap();
        assert_eq!(notes.endpoints.len(), 2);
        assert_eq!(notes.endpoints[1].summary.as_deref(), Some("B"));
    }

    #[test]
    fn hyphen_headings_outside_the_status_table() {
        let text = "API — v1.0.0\n\n✅ New Endpoints\n\nGET /a\n\nResponse Codes\n\nCode Description\n200 - OK\n404 - Gone\n\n404 - Gone\n\n{\"e\": 1}\n";
        let (notes, d) = parse(text);
        assert!(d.is_empty(), "{d}");
        let e = &notes.unwrap().endpoints[0];
        assert_eq!(e.responses.as_ref().unwrap().len(), 2);
        assert_eq!(e.response_examples.len(), 1);
        assert_eq!(e.response_examples[0].status, 404);
        assert_eq!(e.response_examples[0].json.as_ref().unwrap().line, 15);
    }

    #[test]
    fn versions() {
        for v in ["v4.3.0", "4.3", "V1.0.0-beta"] {
            assert!(is_version(v), "{v}");
        }
        for v in ["", "v", "four", "v4..0", "4.x"] {
            assert!(!is_version(v), "{v}");
        }
    }

    fn messages(d: &Diagnostics) -> Vec<(usize, usize, String)> {
        d.sorted()
            .iter()
            .map(|d| {
                let (l, c) = d.location.line_col.unwrap();
                (l, c, d.message.clone())
            })
            .collect()
    }

    #[test]
    fn every_section_kind_by_its_words_in_any_order() {
        let text = "API — v2.0.0\n\n🗑️ 1 Removed 🔀 1 Renamed ⚠️ 1 Deprecated\n\nRemoved Endpoints\n\nDELETE /a/{id}\n\nGone for good.\n\n🔀 Renamed Endpoints\n\nGET /b → GET /c\n\nSummary: Get c\n\n⚠️ Deprecated Endpoints\n\nPOST /d\n\nUse POST /e instead.\n\nRemoved Fields\n\n- legacyId\n- oldName string # replaced by name\n";
        let (notes, d) = parse(text);
        assert!(d.is_empty(), "{d}");
        let e = notes.unwrap().endpoints;
        let kinds: Vec<(Change, &str)> = e.iter().map(|e| (e.change, e.path.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (Change::Removed, "/a/{id}"),
                (Change::Renamed, "/c"),
                (Change::Deprecated, "/d")
            ]
        );
        assert_eq!(e[1].renamed_from, Some((Method::Get, "/b".to_owned())));
        let quoted = "API — v2.0.0\n\nModified Endpoints\n\nRenamed: `GET /b` → `GET /c`\n";
        let (notes, d) = parse(quoted);
        assert!(d.is_empty(), "{d}");
        let r = &notes.unwrap().endpoints[0];
        assert_eq!((r.change, r.path.as_str()), (Change::Renamed, "/c"));
        assert_eq!(e[2].description.as_deref(), Some("Use POST /e instead."));
        let removed: Vec<(&str, &str)> = e[2]
            .removed_fields
            .iter()
            .map(|c| (c.name.as_str(), c.ty.value.as_str()))
            .collect();
        assert_eq!(removed, [("legacyId", ""), ("oldName", "string")]);
    }

    #[test]
    fn web_whitespace_reads_as_spaces() {
        let plain = "API — v1.0.0\n\nNew Endpoints\n\nGET /a\n\nQuery Parameters\n\nParameter Type Required Description\nlimit integer No Page size e.g. 20\n";
        let pasted = plain
            .replace("limit integer", "limit\u{00A0}integer")
            .replace("No Page", "No\tPage");
        let (a, d1) = parse(plain);
        let (b, d2) = parse(&pasted);
        assert!(d1.is_empty() && d2.is_empty(), "{d1}{d2}");
        assert_eq!(a.unwrap().endpoints, b.unwrap().endpoints);
    }

    #[test]
    fn lines_whose_structure_is_missing_are_errors_not_prose() {
        let text = "API — v1.0.0\n\nGET /lost\n\nNew Endpoints\n\nGET /a\n\nCode Description\n200 OK\n\n200 — OK\n\n  \"id\": \"x\"\n}\n\n+ extra string # no heading\n\nSummary: A\nSummary: B\n";
        let (_, d) = parse(text);
        let found: Vec<(usize, String)> =
            messages(&d).into_iter().map(|(l, _, m)| (l, m)).collect();
        let at = |line: usize, start: &str| {
            found
                .iter()
                .any(|(l, m)| *l == line && m.starts_with(start))
        };
        assert!(at(3, "endpoint outside of a section"), "{found:?}");
        assert!(at(9, "a table header without its heading"), "{found:?}");
        assert!(at(14, "a line of a JSON example outside"), "{found:?}");
        assert!(at(15, "a line of a JSON example outside"), "{found:?}");
        assert!(at(17, "a field-change line outside"), "{found:?}");
        assert!(at(20, "a second `Summary:` line"), "{found:?}");
    }

    #[test]
    fn duplicate_json_keys_and_disagreeing_counts_are_located() {
        let text = "API — v1.0.0\n\n✅ 2 New\n\nNew Endpoints\n\nGET /a\n\nResponse Codes\n\nCode Description\n200 OK\n\n200 — OK\n\n{\n  \"id\": 1,\n  \"id\": 1\n}\n";
        let (_, d) = parse(text);
        let found = messages(&d);
        assert!(
            found
                .iter()
                .any(|(l, _, m)| *l == 18 && m.contains("duplicate key `id`")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(l, _, m)| *l == 3 && m.contains("announces 2 new endpoint(s) but 1")),
            "{found:?}"
        );
    }

    #[test]
    fn nothing_is_dropped_without_a_warning() {
        let text = "API — v1.0.0\n\nA stray remark.\n\nNew Endpoints\n\nGET /a\n\nResponse Codes\n\nCode Description\n\n200 — OK\n\n{}\n";
        let (_, d) = parse(text);
        let found = messages(&d);
        assert!(
            found
                .iter()
                .any(|(l, _, m)| *l == 3 && m.contains("is ignored")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(l, _, m)| *l == 9 && m.contains("has no rows")),
            "{found:?}"
        );
    }
}
