//! Table rows and field-change lines of an endpoint block.
//!
//! Field tables (`Path Parameters`, `Query Parameters`, `Request Body`) have the columns
//! `NAME TYPE REQUIRED DESCRIPTION`, the `Response Codes` table has `CODE DESCRIPTION`, and the
//! field-change lists have `+ NAME TYPE # NOTE` (added) or `- NAME TYPE # NOTE` (deprecated,
//! removed; a removed field may leave out its type). Each bad row is one located error and the
//! rest of the table is still read.

use super::lines::{
    FieldChangeKind, Table, clean_description, example_start, status_code, word_columns,
};
use super::{Endpoint, FIELD_TYPES, FieldChange, FieldRow, Parser, Spanned, StatusRow};

impl Parser<'_, '_> {
    /// Reads one table row; false when the row is rejected (already reported).
    pub(super) fn table_row(&mut self, e: &mut Endpoint, table: Table, i: usize) -> bool {
        let line = &self.lines[i];
        let (number, indent) = (line.number, line.indent);
        let trimmed = line.trimmed.clone();
        let text = line.text.clone();
        let trimmed = trimmed.as_str();
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
                        return false;
                    } else {
                        rows.push(StatusRow {
                            line: number,
                            status,
                            description: clean_description(rest),
                        });
                    }
                }
                None => {
                    self.error(
                        number,
                        indent + 1,
                        format!("`{code}` is not an HTTP status code"),
                        "a `Response Codes` row is `NNN DESCRIPTION` with a three-digit status",
                    );
                    return false;
                }
            }
            return true;
        }
        let columns: Vec<(usize, &str)> = word_columns(&text);
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
            return false;
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
                return false;
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
            return false;
        }
        let rest = columns
            .get(3)
            .map(|&(col, _)| {
                let byte = text
                    .char_indices()
                    .nth(col - 1)
                    .map_or(text.len(), |(b, _)| b);
                text[byte..].trim()
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
            false
        } else {
            rows.push(row);
            true
        }
    }

    /// `+ name type # note` (added) or `- name type # note` (deprecated, removed; the type of
    /// a removed field may be left out).
    pub(super) fn field_change(&mut self, i: usize, kind: FieldChangeKind) -> Option<FieldChange> {
        let line = &self.lines[i];
        let (number, indent) = (line.number, line.indent);
        let trimmed = line.trimmed.clone();
        let text = line.text.clone();
        let (sign, section) = (kind.sign(), kind.heading());
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
        let offset = text.len() - text.trim_start().len() + 1;
        let columns: Vec<(usize, &str)> = word_columns(spec)
            .into_iter()
            .map(|(c, w)| (c + offset, w))
            .collect();
        let untyped_removal = kind == FieldChangeKind::Removed && columns.len() == 1;
        if columns.len() != 2 && !untyped_removal {
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
        let (ty, ty_col) = match columns.get(1) {
            Some(&(col, word)) => (word.to_ascii_lowercase(), col),
            None => (String::new(), columns[0].0),
        };
        if !untyped_removal && !FIELD_TYPES.contains(&ty.as_str()) {
            self.error(
                number,
                ty_col,
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
                col: ty_col,
            },
            note,
        })
    }
}
