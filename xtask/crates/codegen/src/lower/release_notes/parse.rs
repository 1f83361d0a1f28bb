//! Release-notes text → records, each carrying the line it came from.
//!
//! The format is what vendors paste from their changelog pages (see `specs/partner-api/`): a
//! title line (`Partner API — v4.3.0`), a `Type: … · Previous version: …` line, then sections
//! (`New Endpoints`, `Modified Endpoints`) of endpoint blocks. An endpoint block opens with a
//! `METHOD /path` line and holds `Tag:` and `Summary:` lines, prose (indented lines are lists),
//! field tables (`Path Parameters`, `Query Parameters`, `Request Body`), JSON examples under
//! `Example Request` / `Current Request Example`, a `Response Codes` (or `Response Examples`)
//! table, `NNN — description` headings each followed by reason bullets and a JSON example, and
//! `Added Fields` / `Deprecated Fields` lists.
//!
//! The parser is a line classifier with a little state (which heading we are under). It never
//! stops at a problem: each one becomes a located diagnostic and parsing goes on, so one run
//! reports every mistake in a file. Like rust-analyzer's `CommentBlock.line`, every record keeps
//! its one-based line number, so later stages can point at the text too.

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

/// Where the parser is inside an endpoint block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Prose belongs to the description.
    Description,
    /// After a table heading, before its header line.
    TableHeading(Table),
    /// Reading rows of a table.
    Rows(Table),
    /// After a request-example heading: a JSON block is expected.
    RequestExample,
    /// After a `NNN —` heading: bullets, then a JSON block.
    ResponseExample,
    /// Reading `+` (added) or `-` (deprecated) lines; the flag says whether one was read, so
    /// the blank line after the heading does not end the list.
    FieldChanges(bool, bool),
}

/// The tables an endpoint block can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    PathParams,
    QueryParams,
    Body,
    Responses,
}

impl Table {
    fn heading(self) -> &'static str {
        match self {
            Table::PathParams => "Path Parameters",
            Table::QueryParams => "Query Parameters",
            Table::Body => "Request Body",
            Table::Responses => "Response Codes",
        }
    }

    /// The header line the table must start with, in lower case, word by word.
    fn header(self) -> &'static str {
        match self {
            Table::PathParams | Table::QueryParams => "parameter type required description",
            Table::Body => "field type required description",
            Table::Responses => "code description",
        }
    }
}

/// A line split into the pieces the classifier looks at.
struct Line<'a> {
    /// One-based line number.
    number: usize,
    /// The whole line, without the line ending.
    text: &'a str,
    /// The line without leading or trailing whitespace.
    trimmed: &'a str,
    /// Leading whitespace width in characters.
    indent: usize,
}

/// Parses one release-notes file. Problems go to `diagnostics`; the result is `None` only when
/// the file has no title line to name the version.
pub fn parse_notes(path: &str, text: &str, diagnostics: &mut Diagnostics) -> Option<Notes> {
    let mut parser = Parser {
        path,
        lines: text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                let trimmed = l.trim();
                Line {
                    number: i + 1,
                    text: l,
                    trimmed,
                    indent: l.chars().take_while(|c| c.is_whitespace()).count(),
                }
            })
            .collect(),
        diagnostics,
    };
    parser.parse()
}

struct Parser<'a, 'd> {
    path: &'a str,
    lines: Vec<Line<'a>>,
    diagnostics: &'d mut Diagnostics,
}

/// The `(title, version)` of a title line such as `Partner API — v4.3.0`.
fn title_line(line: &str) -> Option<(String, String, usize)> {
    for dash in [" — ", " – ", " - "] {
        if let Some(at) = line.rfind(dash) {
            let (title, version) = (line[..at].trim(), line[at + dash.len()..].trim());
            if !title.is_empty() && is_version(version) {
                let col = line[..at + dash.len()].chars().count() + 1;
                return Some((title.to_owned(), version.to_owned(), col));
            }
        }
    }
    None
}

/// `v4.3.0`, `4.3`, `v10.0.1-beta`: digits and dots after an optional `v`.
pub fn is_version(text: &str) -> bool {
    let core = text.strip_prefix(['v', 'V']).unwrap_or(text);
    let core = core.split(['-', '+']).next().unwrap_or_default();
    !core.is_empty()
        && core
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The section a heading line opens, or `Err(name)` for a line that looks like a section heading
/// (`… Endpoints`) but is not one we know.
fn section(trimmed: &str) -> Option<Result<Change, String>> {
    let words = trimmed.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = words.to_ascii_lowercase();
    if !lower.ends_with(" endpoints") || lower.split_whitespace().count() != 2 {
        return None;
    }
    Some(match lower.as_str() {
        "new endpoints" => Ok(Change::New),
        "modified endpoints" => Ok(Change::Modified),
        _ => Err(words.to_owned()),
    })
}

/// `METHOD /path` at column 1: the method word (upper case) and the path.
fn endpoint_line(line: &Line<'_>) -> Option<(String, String)> {
    if line.indent != 0 {
        return None;
    }
    let mut parts = line.trimmed.split_whitespace();
    let (word, path) = (parts.next()?, parts.next()?);
    if parts.next().is_some()
        || !path.starts_with('/')
        || word.is_empty()
        || !word.bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    Some((word.to_owned(), path.to_owned()))
}

/// `200 — Preauthorization details`: the status and the description. A plain hyphen
/// (`200 - OK`) is accepted too, except inside a `Response Codes` table, whose rows look the same
/// (`404 - Preauthorization not found`).
fn response_heading(line: &Line<'_>, hyphen: bool) -> Option<(u16, Option<String>)> {
    if line.indent != 0 {
        return None;
    }
    let (code, rest) = line.trimmed.split_once(char::is_whitespace)?;
    let status = status_code(code)?;
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('—')
        .or_else(|| rest.strip_prefix('–'))
        .or_else(|| rest.strip_prefix("- ").filter(|_| hyphen))?;
    Some((status, clean_description(rest)))
}

/// A three-digit HTTP status.
fn status_code(text: &str) -> Option<u16> {
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|s| (100..600).contains(s))
}

/// A description with the vendor's `- ` prefix (`404 - Preauthorization not found`) removed;
/// `None` when nothing is left.
fn clean_description(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix("- ").unwrap_or(text).trim();
    (!text.is_empty() && text != "-").then(|| text.to_owned())
}

/// The heading an exact line names, if any.
fn heading(trimmed: &str) -> Option<Heading> {
    Some(match trimmed.to_ascii_lowercase().as_str() {
        "path parameters" => Heading::Table(Table::PathParams),
        "query parameters" => Heading::Table(Table::QueryParams),
        "request body" => Heading::Table(Table::Body),
        "response codes" | "response examples" => Heading::Table(Table::Responses),
        "example request" | "request example" | "current request example" => {
            Heading::RequestExample
        }
        "added fields" => Heading::FieldChanges(true),
        "deprecated fields" => Heading::FieldChanges(false),
        _ => return None,
    })
}

enum Heading {
    Table(Table),
    RequestExample,
    FieldChanges(bool),
}

/// The byte offset of the `e.g.` that starts a row's example, if any: the last `e.g. ` that
/// starts a word. Earlier ones (`(e.g., AUTHORIZED)`) are prose.
fn example_start(text: &str) -> Option<usize> {
    text.match_indices("e.g. ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text[..i].ends_with(' '))
        .last()
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

    fn parse(&mut self) -> Option<Notes> {
        let mut i = 0;
        // The header: everything before the first section heading.
        let mut title = None;
        let mut release_type = None;
        let mut previous = None;
        let mut counts: Option<(usize, Vec<(usize, Change)>)> = None;
        while i < self.lines.len() && section(self.lines[i].trimmed).is_none() {
            let line = &self.lines[i];
            if title.is_none() {
                if let Some((name, version, col)) = title_line(line.trimmed) {
                    title = Some((
                        name,
                        Spanned {
                            value: version,
                            line: line.number,
                            col: col + line.indent,
                        },
                    ));
                }
            } else if line.trimmed.starts_with("Type:") || line.trimmed.contains("version:") {
                for part in line.trimmed.split('·') {
                    let part = part.trim();
                    if let Some(t) = part.strip_prefix("Type:") {
                        release_type = Some(t.trim().to_owned());
                    } else if let Some((_, v)) = part.split_once("version:") {
                        let v = v.trim();
                        let col = line
                            .text
                            .find(v)
                            .map_or(1, |b| line.text[..b].chars().count() + 1);
                        previous = Some(Spanned {
                            value: v.to_owned(),
                            line: line.number,
                            col,
                        });
                    }
                }
            } else if let Some(found) = change_counts(line.trimmed) {
                counts = Some((line.number, found));
            }
            i += 1;
        }
        let Some((title, version)) = title else {
            self.error(
                1,
                1,
                "release notes without a title line `API NAME — vX.Y.Z`".into(),
                "the first line of the notes names the API and the version, for example `Partner API — v4.3.0`",
            );
            return None;
        };

        let mut endpoints: Vec<Endpoint> = Vec::new();
        let mut change = None;
        while i < self.lines.len() {
            let line = &self.lines[i];
            if let Some(found) = section(line.trimmed) {
                match found {
                    Ok(c) => change = Some(c),
                    Err(name) => {
                        let (n, col) = (line.number, line.indent + 1);
                        self.error(
                            n,
                            col,
                            format!("unknown section `{name}`"),
                            "release-notes sections are `New Endpoints` and `Modified Endpoints`",
                        );
                        change = None;
                    }
                }
                i += 1;
                continue;
            }
            if let Some((word, path)) = endpoint_line(line) {
                let number = line.number;
                let method = Method::parse(&word);
                if method.is_none() {
                    self.error(
                        number,
                        1,
                        format!("unknown HTTP method `{word}`"),
                        &format!("an endpoint line is `METHOD /path` with METHOD one of {METHODS}"),
                    );
                }
                let end = self.block_end(i + 1);
                let endpoint = self.endpoint(
                    i + 1,
                    end,
                    number,
                    change.unwrap_or(Change::New),
                    method,
                    path,
                );
                if change.is_none() {
                    self.error(
                        number,
                        1,
                        "endpoint outside of a `New Endpoints` or `Modified Endpoints` section"
                            .into(),
                        "put a `New Endpoints` or `Modified Endpoints` line before it",
                    );
                }
                if let Some(first) = endpoints
                    .iter()
                    .find(|e| e.method == endpoint.method && e.path == endpoint.path)
                    .filter(|_| endpoint.method.is_some())
                {
                    let first = first.line;
                    self.error(
                        number,
                        1,
                        format!("`{word} {}` is described twice in one file", endpoint.path),
                        &format!("merge it with the block at line {first}"),
                    );
                }
                endpoints.push(endpoint);
                i = end;
                continue;
            }
            if !line.trimmed.is_empty() {
                let (n, col) = (line.number, line.indent + 1);
                self.warn(
                    n,
                    col,
                    "text outside of any endpoint block is ignored".into(),
                    "endpoint blocks start with a `METHOD /path` line",
                );
            }
            i += 1;
        }

        if let Some((line, counts)) = counts {
            for (expected, which) in counts {
                let found = endpoints.iter().filter(|e| e.change == which).count();
                if found != expected {
                    let word = match which {
                        Change::New => "new",
                        Change::Modified => "modified",
                    };
                    self.warn(
                        line,
                        1,
                        format!(
                            "the summary announces {expected} {word} endpoint(s) but {found} were found"
                        ),
                        "check that every endpoint line is `METHOD /path` on a line of its own",
                    );
                }
            }
        }

        Some(Notes {
            path: self.path.to_owned(),
            title,
            version,
            release_type,
            previous,
            endpoints,
        })
    }

    /// The index of the line that ends the endpoint block starting at `start` (exclusive): the
    /// next endpoint line or section heading.
    fn block_end(&self, start: usize) -> usize {
        (start..self.lines.len())
            .find(|&j| {
                let line = &self.lines[j];
                endpoint_line(line).is_some() || section(line.trimmed).is_some()
            })
            .unwrap_or(self.lines.len())
    }

    fn endpoint(
        &mut self,
        start: usize,
        end: usize,
        line: usize,
        change: Change,
        method: Option<Method>,
        path: String,
    ) -> Endpoint {
        let mut e = Endpoint {
            line,
            change,
            method,
            path,
            tag: None,
            summary: None,
            description: None,
            path_params: Vec::new(),
            query_params: Vec::new(),
            body_fields: Vec::new(),
            request_examples: Vec::new(),
            responses: None,
            response_examples: Vec::new(),
            added_fields: Vec::new(),
            deprecated_fields: Vec::new(),
        };
        // Prose lines with their indentation, rendered as Markdown at the end.
        let mut prose: Vec<(usize, String)> = Vec::new();
        let mut state = State::Description;
        let mut i = start;
        while i < end {
            let line = &self.lines[i];
            let (number, indent, trimmed) = (line.number, line.indent, line.trimmed);
            if trimmed.is_empty() {
                if matches!(state, State::Rows(_) | State::FieldChanges(_, true)) {
                    state = State::Description;
                }
                if state == State::Description && prose.last().is_some_and(|(_, t)| !t.is_empty()) {
                    prose.push((0, String::new()));
                }
                i += 1;
                continue;
            }
            if trimmed.starts_with('{') || trimmed.starts_with('[') {
                let (block, next) = self.json_block(i, end);
                match state {
                    State::RequestExample => {
                        if let Some(b) = block {
                            e.request_examples.push(b);
                        }
                        state = State::Description;
                    }
                    State::ResponseExample => {
                        if let Some(r) = e.response_examples.last_mut() {
                            if r.json.is_some() {
                                self.error(
                                    number,
                                    indent + 1,
                                    format!(
                                        "a second JSON example under the `{} —` heading",
                                        r.status
                                    ),
                                    "give each example its own `NNN — description` heading",
                                );
                            } else {
                                r.json = block;
                            }
                        }
                        state = State::Description;
                    }
                    _ => self.error(
                        number,
                        indent + 1,
                        "JSON example without a heading that says what it shows".into(),
                        "put `Example Request` or a `NNN — description` line before it",
                    ),
                }
                i = next;
                continue;
            }
            if indent == 0 {
                if let Some(tag) = trimmed.strip_prefix("Tag:") {
                    e.tag = Some(tag.trim().to_owned()).filter(|t| !t.is_empty());
                    state = State::Description;
                    i += 1;
                    continue;
                }
                if let Some(summary) = trimmed.strip_prefix("Summary:") {
                    e.summary = Some(summary.trim().to_owned()).filter(|t| !t.is_empty());
                    state = State::Description;
                    i += 1;
                    continue;
                }
                if let Some(h) = heading(trimmed) {
                    state = match h {
                        Heading::Table(t) => {
                            if t == Table::Responses && e.responses.is_none() {
                                e.responses = Some(Vec::new());
                            }
                            State::TableHeading(t)
                        }
                        Heading::RequestExample => State::RequestExample,
                        Heading::FieldChanges(added) => State::FieldChanges(added, false),
                    };
                    i += 1;
                    continue;
                }
                let in_table = matches!(
                    state,
                    State::Rows(Table::Responses) | State::TableHeading(Table::Responses)
                );
                if let Some((status, description)) = response_heading(line, !in_table) {
                    e.response_examples.push(ResponseExample {
                        line: number,
                        status,
                        description,
                        reasons: Vec::new(),
                        json: None,
                    });
                    state = State::ResponseExample;
                    i += 1;
                    continue;
                }
            }
            match state {
                State::TableHeading(table) => {
                    let words: Vec<String> = trimmed
                        .split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect();
                    if words.join(" ") == table.header() {
                        state = State::Rows(table);
                    } else {
                        self.error(
                            number,
                            indent + 1,
                            format!("the `{}` table has no header line", table.heading()),
                            &format!(
                                "the line after `{}` names the columns: `{}`",
                                table.heading(),
                                title_case(table.header())
                            ),
                        );
                        state = State::Rows(table);
                        self.table_row(&mut e, table, i);
                    }
                }
                State::Rows(table) => self.table_row(&mut e, table, i),
                State::FieldChanges(added, _) => {
                    state = State::FieldChanges(added, true);
                    if let Some(change) = self.field_change(i, added) {
                        if added {
                            e.added_fields.push(change);
                        } else {
                            e.deprecated_fields.push(change);
                        }
                    }
                }
                State::ResponseExample if indent > 0 || is_bullet(trimmed) => {
                    if let Some(r) = e.response_examples.last_mut() {
                        r.reasons.push(strip_bullet(trimmed).to_owned());
                    }
                }
                State::RequestExample | State::ResponseExample | State::Description => {
                    prose.push((indent, trimmed.to_owned()));
                    state = State::Description;
                }
            }
            i += 1;
        }
        e.description = render_prose(&prose);
        self.check_statuses(&e);
        e
    }

    /// Every response example must be for a status the table declares.
    fn check_statuses(&mut self, e: &Endpoint) {
        let Some(rows) = &e.responses else {
            return;
        };
        for r in &e.response_examples {
            if !rows.iter().any(|row| row.status == r.status) {
                let declared: Vec<String> = rows.iter().map(|r| r.status.to_string()).collect();
                self.error(
                    r.line,
                    1,
                    format!(
                        "response example for status {}, which the `Response Codes` table does not declare",
                        r.status
                    ),
                    &format!(
                        "the table declares {}; add a `{} DESCRIPTION` row or fix the status",
                        if declared.is_empty() {
                            "no status".to_owned()
                        } else {
                            declared.join(", ")
                        },
                        r.status
                    ),
                );
            }
        }
    }

    fn table_row(&mut self, e: &mut Endpoint, table: Table, i: usize) {
        let line = &self.lines[i];
        let (number, indent, trimmed) = (line.number, line.indent, line.trimmed);
        if table == Table::Responses {
            let (code, rest) = trimmed
                .split_once(char::is_whitespace)
                .unwrap_or((trimmed, ""));
            match status_code(code) {
                Some(status) => {
                    let rows = e.responses.get_or_insert_with(Vec::new);
                    if rows.iter().any(|r| r.status == status) {
                        self.error(
                            number,
                            indent + 1,
                            format!("status {status} is listed twice"),
                            "list each status once",
                        );
                    } else {
                        rows.push(StatusRow {
                            line: number,
                            status,
                            description: clean_description(rest),
                        });
                    }
                }
                None => self.error(
                    number,
                    indent + 1,
                    format!("`{code}` is not an HTTP status code"),
                    "a `Response Codes` row is `NNN DESCRIPTION` with a three-digit status",
                ),
            }
            return;
        }
        let columns: Vec<(usize, &str)> = word_columns(line.text);
        if columns.len() < 3 {
            self.error(
                number,
                indent + 1,
                format!(
                    "table row has {} column{}; a `{}` row needs at least 3",
                    columns.len(),
                    if columns.len() == 1 { "" } else { "s" },
                    table.heading()
                ),
                "write `NAME TYPE Yes|No DESCRIPTION`, with the description optional",
            );
            return;
        }
        let (name, (ty_col, ty), (req_col, req)) = (columns[0].1, columns[1], columns[2]);
        let required = match req.to_ascii_lowercase().as_str() {
            "yes" | "true" | "required" => true,
            "no" | "false" | "optional" => false,
            _ => {
                self.error(
                    number,
                    req_col,
                    format!("the Required column says `{req}`"),
                    "write `Yes` or `No`; a description never comes before the Required column",
                );
                return;
            }
        };
        let ty_lower = ty.to_ascii_lowercase();
        if !FIELD_TYPES.contains(&ty_lower.as_str()) {
            self.error(
                number,
                ty_col,
                format!("unknown type `{ty}` for `{name}`"),
                &format!("the Type column is one of {}", FIELD_TYPES.join(", ")),
            );
            return;
        }
        let rest = columns
            .get(3)
            .map(|&(col, _)| {
                let byte = line
                    .text
                    .char_indices()
                    .nth(col - 1)
                    .map_or(line.text.len(), |(b, _)| b);
                line.text[byte..].trim()
            })
            .unwrap_or_default();
        let (description, example) = match example_start(rest) {
            Some(at) => (
                &rest[..at],
                Some(rest[at + "e.g. ".len()..].trim().to_owned()),
            ),
            None => (rest, None),
        };
        let row = FieldRow {
            line: number,
            name: name.to_owned(),
            ty: Spanned {
                value: ty_lower,
                line: number,
                col: ty_col,
            },
            required,
            description: Some(description.trim().to_owned()).filter(|d| !d.is_empty()),
            example: example.filter(|x| !x.is_empty()),
        };
        let rows = match table {
            Table::PathParams => &mut e.path_params,
            Table::QueryParams => &mut e.query_params,
            Table::Body => &mut e.body_fields,
            Table::Responses => unreachable!("handled above"),
        };
        if let Some(first) = rows.iter().find(|r| r.name == row.name) {
            let first = first.line;
            self.error(
                number,
                indent + 1,
                format!(
                    "`{}` is listed twice in the `{}` table",
                    row.name,
                    table.heading()
                ),
                &format!("the first row is at line {first}; keep one"),
            );
        } else {
            rows.push(row);
        }
    }

    /// `+ name type # note` (added) or `- name type # note` (deprecated).
    fn field_change(&mut self, i: usize, added: bool) -> Option<FieldChange> {
        let line = &self.lines[i];
        let (number, indent, trimmed) = (line.number, line.indent, line.trimmed);
        let sign = if added { '+' } else { '-' };
        let section = if added {
            "Added Fields"
        } else {
            "Deprecated Fields"
        };
        let hint = format!("each line under `{section}` is `{sign} NAME TYPE # NOTE`");
        let Some(body) = trimmed.strip_prefix(sign) else {
            self.error(
                number,
                indent + 1,
                format!("`{section}` line does not start with `{sign}`"),
                &hint,
            );
            return None;
        };
        let (spec, note) = match body.split_once('#') {
            Some((spec, note)) => (spec, Some(note.trim().to_owned()).filter(|n| !n.is_empty())),
            None => (body, None),
        };
        let offset = line.text.len() - line.text.trim_start().len() + 1;
        let columns: Vec<(usize, &str)> = word_columns(spec)
            .into_iter()
            .map(|(c, w)| (c + offset, w))
            .collect();
        if columns.len() != 2 {
            self.error(
                number,
                indent + 1,
                format!(
                    "`{section}` line has {} column{} before `#`; expected a name and a type",
                    columns.len(),
                    if columns.len() == 1 { "" } else { "s" }
                ),
                &hint,
            );
            return None;
        }
        let ty = columns[1].1.to_ascii_lowercase();
        if !FIELD_TYPES.contains(&ty.as_str()) {
            self.error(
                number,
                columns[1].0,
                format!("unknown type `{}` for `{}`", columns[1].1, columns[0].1),
                &format!("the type is one of {}", FIELD_TYPES.join(", ")),
            );
            return None;
        }
        Some(FieldChange {
            line: number,
            name: columns[0].1.to_owned(),
            ty: Spanned {
                value: ty,
                line: number,
                col: columns[1].0,
            },
            note,
        })
    }

    /// Reads the JSON block that starts at line index `start`: up to the line where its brackets
    /// balance, or, when they never do, up to the first line at column 1 that cannot continue
    /// it. Returns the parsed block (`None` after reporting a syntax error) and the next index.
    fn json_block(&mut self, start: usize, end: usize) -> (Option<JsonBlock>, usize) {
        let mut depth: i64 = 0;
        let mut in_string = false;
        let mut escaped = false;
        let mut j = start;
        while j < end {
            let line = &self.lines[j];
            if j > start
                && line.indent == 0
                && !line.trimmed.is_empty()
                && !line.trimmed.starts_with(['}', ']'])
            {
                break;
            }
            for c in line.text.chars() {
                if in_string {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => depth -= 1,
                    _ => {}
                }
            }
            j += 1;
            if depth <= 0 && !in_string {
                break;
            }
        }
        let first = self.lines[start].number;
        let text: String = self.lines[start..j]
            .iter()
            .map(|l| format!("{}\n", l.text))
            .collect();
        match serde_json::from_str::<Value>(&text) {
            Ok(value) => (Some(JsonBlock { line: first, value }), j),
            Err(err) => {
                let (line, col) = if err.line() == 0 {
                    (first, 1)
                } else {
                    (first + err.line() - 1, err.column().max(1))
                };
                let message = err.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                self.error(
                    line,
                    col,
                    format!("invalid JSON example: {message}"),
                    "fix the JSON at this position; every example must be one complete JSON value",
                );
                (None, j)
            }
        }
    }
}

/// `parameter type required description` → `Parameter Type Required Description`.
fn title_case(words: &str) -> String {
    words
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whitespace-separated words with their one-based character columns.
fn word_columns(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut col = 0;
    for (byte, c) in text.char_indices() {
        col += 1;
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((byte, col)),
            (true, Some((b, s))) => {
                out.push((s, &text[b..byte]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some((b, s)) = start {
        out.push((s, &text[b..]));
    }
    out
}

fn is_bullet(trimmed: &str) -> bool {
    trimmed.starts_with('•') || trimmed.starts_with("* ") || trimmed.starts_with("- ")
}

fn strip_bullet(trimmed: &str) -> &str {
    trimmed
        .strip_prefix('•')
        .or_else(|| trimmed.strip_prefix("* "))
        .or_else(|| trimmed.strip_prefix("- "))
        .unwrap_or(trimmed)
        .trim()
}

/// `✅ 4 New ✏️ 1 Modified`: the announced count per section.
fn change_counts(trimmed: &str) -> Option<Vec<(usize, Change)>> {
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let mut out = Vec::new();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            match pair[1].to_ascii_lowercase().as_str() {
                "new" => out.push((n, Change::New)),
                "modified" => out.push((n, Change::Modified)),
                _ => {}
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Prose lines as Markdown: lines at the block's base indentation are paragraphs, deeper lines
/// are list items nested by indentation, and a line followed by deeper lines stays a plain line
/// that introduces its list.
fn render_prose(lines: &[(usize, String)]) -> Option<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, (indent, text)) in lines.iter().enumerate() {
        if text.is_empty() {
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let next_deeper = lines
            .get(k + 1)
            .is_some_and(|(n, t)| !t.is_empty() && n > indent);
        if *indent == 0 {
            out.push(text.clone());
            continue;
        }
        // The nearest shallower line that introduces this one decides the list depth.
        let parents = lines[..k]
            .iter()
            .rev()
            .take_while(|(_, t)| !t.is_empty())
            .filter(|(n, _)| n < indent && *n > 0)
            .map(|(n, _)| *n)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let introduced = lines[..k]
            .iter()
            .rev()
            .take_while(|(_, t)| !t.is_empty())
            .any(|(n, _)| n < indent);
        if next_deeper || !introduced {
            // A list heading: its own line, separated from earlier text.
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            out.push(text.clone());
        } else {
            out.push(format!(
                "{}- {text}",
                "  ".repeat(parents.saturating_sub(1))
            ));
        }
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    (!out.is_empty()).then(|| out.join("\n"))
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
}
