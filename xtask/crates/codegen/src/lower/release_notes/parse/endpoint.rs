//! One endpoint block: the lines after `METHOD /path` up to the next endpoint or section.
//!
//! The reader is a small state machine over lines (which heading we are under). Each line is
//! consumed by exactly one record: `Tag:`/`Summary:`, prose, a table row, a field change, a
//! reason bullet or a JSON example. Lines that belong to a structure whose heading is missing (a
//! table header, a JSON member, a `+ name type` line) are errors at their line rather than prose.

use super::lines::{
    FieldChangeKind, Heading, Table, heading, is_bullet, looks_like_field_change, looks_like_json,
    render_prose, response_heading, strip_bullet, table_header, title_case,
};
use super::{Change, Endpoint, Method, Parser, ResponseExample};

/// How many rows of `table`'s kind the endpoint holds so far.
fn rows_of(e: &Endpoint, table: Table) -> usize {
    match table {
        Table::PathParams => e.path_params.len(),
        Table::QueryParams => e.query_params.len(),
        Table::Body => e.body_fields.len(),
        Table::Responses => e.responses.as_ref().map_or(0, Vec::len),
    }
}

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
    /// Reading field-change lines; the flag says whether one was read, so the blank line after
    /// the heading does not end the list.
    FieldChanges(FieldChangeKind, bool),
}

impl Parser<'_, '_> {
    pub(super) fn endpoint(
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
            removed_fields: Vec::new(),
            renamed_from: None,
            prose_lines: Vec::new(),
        };
        // Prose lines with their indentation, rendered as Markdown at the end.
        let mut prose: Vec<(usize, String)> = Vec::new();
        // Each table heading with its line and how many rows of its kind were read before it.
        let mut tables: Vec<(Table, usize, usize)> = Vec::new();
        let mut state = State::Description;
        let mut i = start;
        while i < end {
            let (indent, trimmed) = (self.lines[i].indent, self.lines[i].trimmed.clone());
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
                i = self.example(&mut e, &mut state, i, end);
                continue;
            }
            self.consume(i);
            if indent == 0 && self.structure_line(&mut e, &mut state, i) {
                if let State::TableHeading(t) = state {
                    let before = rows_of(&e, t) + self.rejected_rows.len();
                    tables.push((t, self.lines[i].number, before));
                }
                i += 1;
                continue;
            }
            self.content_line(&mut e, &mut state, &mut prose, i);
            i += 1;
        }
        e.description = render_prose(&prose);
        for (table, line, before) in tables {
            if rows_of(&e, table) + self.rejected_rows.len() == before {
                self.warn(
                    line,
                    1,
                    format!("the `{}` table has no rows", table.heading()),
                    "a row may have been lost; each row follows the header line, without blank lines",
                );
            }
        }
        self.check_statuses(&e);
        self.check_request_example(&e);
        e
    }

    /// A JSON block at line index `i`, filed under the heading that announced it.
    fn example(&mut self, e: &mut Endpoint, state: &mut State, i: usize, end: usize) -> usize {
        let (number, indent) = (self.lines[i].number, self.lines[i].indent);
        let (block, next) = self.json_block(i, end);
        match *state {
            State::RequestExample => e.request_examples.extend(block),
            State::ResponseExample => {
                if let Some(r) = e.response_examples.last_mut() {
                    if r.json.is_some() {
                        let status = r.status;
                        self.error(
                            number,
                            indent + 1,
                            format!("a second JSON example under the `{status} —` heading"),
                            "give each example its own `NNN — description` heading",
                        );
                    } else {
                        r.json = block;
                    }
                }
            }
            _ => self.error(
                number,
                indent + 1,
                "JSON example without a heading that says what it shows (is an `Example Request` or `NNN —` line missing?)".into(),
                "put `Example Request` or a `NNN — description` line before it",
            ),
        }
        *state = State::Description;
        next
    }

    /// `Tag:`, `Summary:`, a heading or a `NNN —` line at column 1; false for anything else.
    fn structure_line(&mut self, e: &mut Endpoint, state: &mut State, i: usize) -> bool {
        let number = self.lines[i].number;
        let trimmed = self.lines[i].trimmed.clone();
        for (prefix, slot) in [("Tag:", &mut e.tag), ("Summary:", &mut e.summary)] {
            let Some(value) = trimmed.strip_prefix(prefix) else {
                continue;
            };
            if slot.is_some() {
                // Two in one block: the endpoint line between them is probably gone.
                self.error(
                    number,
                    1,
                    format!("a second `{prefix}` line in one endpoint block (is the `METHOD /path` line above it missing?)"),
                    "each endpoint block starts with its `METHOD /path` line and has one `Tag:` and one `Summary:`",
                );
            }
            *slot = Some(value.trim().to_owned()).filter(|t| !t.is_empty());
            *state = State::Description;
            return true;
        }
        if let Some(h) = heading(&trimmed) {
            *state = match h {
                Heading::Table(t) => {
                    if t == Table::Responses && e.responses.is_none() {
                        e.responses = Some(Vec::new());
                    }
                    State::TableHeading(t)
                }
                Heading::RequestExample => State::RequestExample,
                Heading::FieldChanges(kind) => State::FieldChanges(kind, false),
            };
            return true;
        }
        let in_table = matches!(
            state,
            State::Rows(Table::Responses) | State::TableHeading(Table::Responses)
        );
        if let Some((status, description)) = response_heading(&self.lines[i], !in_table) {
            e.response_examples.push(ResponseExample {
                line: number,
                status,
                description,
                reasons: Vec::new(),
                json: None,
            });
            *state = State::ResponseExample;
            return true;
        }
        false
    }

    /// Any other line: a table row, a field change, a reason bullet or prose.
    fn content_line(
        &mut self,
        e: &mut Endpoint,
        state: &mut State,
        prose: &mut Vec<(usize, String)>,
        i: usize,
    ) {
        let (number, indent) = (self.lines[i].number, self.lines[i].indent);
        let trimmed = self.lines[i].trimmed.clone();
        match *state {
            State::TableHeading(table) => {
                let words: Vec<String> = trimmed
                    .split_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect();
                *state = State::Rows(table);
                if words.join(" ") != table.header() {
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
                    self.row(e, table, i);
                }
            }
            State::Rows(table) => self.row(e, table, i),
            State::FieldChanges(kind, _) => {
                *state = State::FieldChanges(kind, true);
                if let Some(change) = self.field_change(i, kind) {
                    match kind {
                        FieldChangeKind::Added => e.added_fields.push(change),
                        FieldChangeKind::Deprecated => e.deprecated_fields.push(change),
                        FieldChangeKind::Removed => e.removed_fields.push(change),
                    }
                }
            }
            State::ResponseExample if looks_like_json(&trimmed) => self.stray_json(number, indent),
            State::ResponseExample if indent > 0 || is_bullet(&trimmed) => {
                if let Some(r) = e.response_examples.last_mut() {
                    r.reasons.push(strip_bullet(&trimmed).to_owned());
                }
            }
            State::RequestExample | State::ResponseExample | State::Description => {
                *state = State::Description;
                if self.misplaced(number, indent, &trimmed) {
                    return;
                }
                prose.push((indent, trimmed.clone()));
                e.prose_lines.push((number, trimmed));
            }
        }
    }

    /// A table row; a rejected one (already reported) is remembered by its first word, so the
    /// checks that follow do not report its absence again.
    fn row(&mut self, e: &mut Endpoint, table: Table, i: usize) {
        if !self.table_row(e, table, i) {
            let name = self.lines[i]
                .trimmed
                .split_whitespace()
                .next()
                .unwrap_or_default();
            self.rejected_rows.push(name.to_owned());
        }
    }

    /// Reports a line that belongs to a structure whose heading or opening line is missing.
    fn misplaced(&mut self, number: usize, indent: usize, trimmed: &str) -> bool {
        if let Some(table) = table_header(trimmed) {
            self.error(
                number,
                indent + 1,
                format!("a table header without its heading (is the `{table}` line missing?)"),
                "put the table's heading on the line before its header, with a blank line above",
            );
            return true;
        }
        if looks_like_json(trimmed) {
            self.stray_json(number, indent);
            return true;
        }
        if looks_like_field_change(trimmed) {
            self.error(
                number,
                indent + 1,
                "a field-change line outside of an `Added Fields`, `Deprecated Fields` or `Removed Fields` list".into(),
                "put the list's heading before it",
            );
            return true;
        }
        false
    }

    fn stray_json(&mut self, number: usize, indent: usize) {
        self.error(
            number,
            indent + 1,
            "a line of a JSON example outside of any JSON block (is its opening `{` or `[` missing?)".into(),
            "every example starts with a line that begins with `{` or `[`",
        );
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

    /// A request example must be the body the `Request Body` table announces: every required
    /// row present, and no top-level key the table does not list.
    fn check_request_example(&mut self, e: &Endpoint) {
        if e.body_fields.is_empty() {
            return;
        }
        for x in &e.request_examples {
            let Some(map) = x.value.as_object() else {
                self.warn(
                    x.line,
                    1,
                    "the request example is not a JSON object, but the `Request Body` table lists fields".into(),
                    "the example should be the object the table describes",
                );
                continue;
            };
            for row in e.body_fields.iter().filter(|r| r.required) {
                if !map.contains_key(&row.name) {
                    self.warn(
                        x.line,
                        1,
                        format!(
                            "the request example has no `{}`, which the table at line {} requires",
                            row.name, row.line
                        ),
                        "add the field to the example, or mark it `No` in the Required column",
                    );
                }
            }
            for key in map.keys() {
                let rejected = self.rejected_rows.contains(key);
                if !rejected && !e.body_fields.iter().any(|r| &r.name == key) {
                    self.warn(
                        x.line,
                        1,
                        format!("the request example has `{key}`, which the `Request Body` table does not list"),
                        "add a row for it to the table, or remove it from the example",
                    );
                }
            }
        }
    }
}
