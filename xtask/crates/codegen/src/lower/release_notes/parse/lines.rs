//! Line-level classification: what one line of release notes is, looked at on its own.
//!
//! Text copied from web pages carries non-breaking spaces and tabs, so every line is normalised
//! first (both become plain spaces, one column each) and every later test sees the same
//! characters a reader sees. The functions here never look at neighbouring lines; the
//! section and endpoint readers decide what a line means in its place.

use super::Change;

/// A line split into the pieces the classifier looks at.
pub(super) struct Line {
    /// One-based line number.
    pub number: usize,
    /// The whole line with non-breaking spaces and tabs read as spaces, without the line ending.
    pub text: String,
    /// The line without leading or trailing whitespace.
    pub trimmed: String,
    /// Leading whitespace width in characters.
    pub indent: usize,
}

/// Characters that web pages use for spacing and that mean a plain space here.
fn is_space_like(c: char) -> bool {
    matches!(c, '\t' | '\u{00A0}' | '\u{2007}' | '\u{202F}')
}

/// Splits `text` into normalised lines. A byte-order mark is dropped, and Markdown code fences
/// (```` ```json ````) around examples read as blank lines: they frame an example, they are not
/// part of it.
pub(super) fn split_lines(text: &str) -> Vec<Line> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| {
            let text: String = raw
                .chars()
                .filter(|c| *c != '\u{FEFF}')
                .map(|c| if is_space_like(c) { ' ' } else { c })
                .collect();
            let text = if text.trim_start().starts_with("```") {
                String::new()
            } else {
                text
            };
            let trimmed = text.trim().to_owned();
            let indent = text.chars().take_while(|c| c.is_whitespace()).count();
            Line {
                number: i + 1,
                text,
                trimmed,
                indent,
            }
        })
        .collect()
}

/// The `(title, version, column of the version)` of a title line such as `Partner API — v4.3.0`.
pub(super) fn title_line(line: &str) -> Option<(String, String, usize)> {
    for dash in [" — ", " – ", " - "] {
        if let Some(at) = line.rfind(dash) {
            let (title, version) = (line[..at].trim(), line[at + dash.len()..].trim());
            if !title.is_empty() && super::is_version(version) {
                let col = line[..at + dash.len()].chars().count() + 1;
                return Some((title.to_owned(), version.to_owned(), col));
            }
        }
    }
    None
}

/// The words of a line with emoji and punctuation in front removed, in lower case.
fn heading_words(trimmed: &str) -> String {
    trimmed
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The section a heading line opens, or `Err(name)` for a line that looks like a section heading
/// (`… Endpoints`) but is not one we know. Emoji in front are optional.
pub(super) fn section(trimmed: &str) -> Option<Result<Change, String>> {
    let lower = heading_words(trimmed);
    if !lower.ends_with(" endpoints") || lower.split(' ').count() != 2 {
        return None;
    }
    Some(match lower.as_str() {
        "new endpoints" | "added endpoints" => Ok(Change::New),
        "modified endpoints" | "changed endpoints" | "updated endpoints" => Ok(Change::Modified),
        "deprecated endpoints" => Ok(Change::Deprecated),
        "removed endpoints" | "deleted endpoints" => Ok(Change::Removed),
        "renamed endpoints" | "moved endpoints" => Ok(Change::Renamed),
        _ => Err(trimmed
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_owned()),
    })
}

/// A line without a Markdown heading prefix (`### GET /a` → `GET /a`).
fn without_hashes(trimmed: &str) -> &str {
    match trimmed.trim_start_matches('#') {
        rest if rest.len() < trimmed.len() && rest.starts_with(' ') => rest.trim_start(),
        _ => trimmed,
    }
}

/// A path as written after a method word: starts with `/`, no spaces.
fn is_path(word: &str) -> bool {
    word.starts_with('/') && !word.contains(['"', '`'])
}

/// `METHOD /path` at column 1: the method word (upper case) and the path.
pub(super) fn endpoint_line(line: &Line) -> Option<(String, String)> {
    if line.indent != 0 {
        return None;
    }
    let mut parts = without_hashes(&line.trimmed).split_whitespace();
    let (word, path) = (parts.next()?, parts.next()?);
    if parts.next().is_some()
        || !is_path(path)
        || word.is_empty()
        || !word.bytes().all(|b| b.is_ascii_uppercase())
    {
        return None;
    }
    Some((word.to_owned(), path.to_owned()))
}

/// `METHOD /old → METHOD /new` (or `-> /new`, keeping the method) at column 1: the old method
/// word and path, then the new method word and path.
pub(super) fn rename_line(line: &Line) -> Option<((String, String), (String, String))> {
    if line.indent != 0 {
        return None;
    }
    // `Renamed: `GET /a` → `GET /b`` reads the same as the bare form.
    let unquoted = without_hashes(&line.trimmed).replace('`', "");
    let trimmed = ["Renamed:", "Moved:", "Renamed", "Moved"]
        .iter()
        .find_map(|p| unquoted.strip_prefix(p))
        .unwrap_or(&unquoted)
        .trim();
    let (old, new) = trimmed
        .split_once('→')
        .or_else(|| trimmed.split_once("->"))?;
    let old: Vec<&str> = old.split_whitespace().collect();
    let new: Vec<&str> = new.split_whitespace().collect();
    let upper = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_uppercase());
    let [method, path] = old.as_slice() else {
        return None;
    };
    if !upper(method) || !is_path(path) {
        return None;
    }
    let (new_method, new_path) = match new.as_slice() {
        [p] if is_path(p) => ((*method).to_owned(), (*p).to_owned()),
        [m, p] if upper(m) && is_path(p) => ((*m).to_owned(), (*p).to_owned()),
        _ => return None,
    };
    Some((
        ((*method).to_owned(), (*path).to_owned()),
        (new_method, new_path),
    ))
}

/// `200 — Preauthorization details`: the status and the description. A plain hyphen
/// (`200 - OK`) is accepted too, except inside a `Response Codes` table, whose rows look the same
/// (`404 - Preauthorization not found`).
pub(super) fn response_heading(line: &Line, hyphen: bool) -> Option<(u16, Option<String>)> {
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
pub(super) fn status_code(text: &str) -> Option<u16> {
    (text.len() == 3 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
        .filter(|s| (100..600).contains(s))
}

/// A description with the vendor's `- ` prefix (`404 - Preauthorization not found`) removed;
/// `None` when nothing is left.
pub(super) fn clean_description(text: &str) -> Option<String> {
    let text = text.trim();
    let text = text.strip_prefix("- ").unwrap_or(text).trim();
    (!text.is_empty() && text != "-").then(|| text.to_owned())
}

/// The tables an endpoint block can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Table {
    PathParams,
    QueryParams,
    Body,
    Responses,
}

impl Table {
    pub(super) fn heading(self) -> &'static str {
        match self {
            Table::PathParams => "Path Parameters",
            Table::QueryParams => "Query Parameters",
            Table::Body => "Request Body",
            Table::Responses => "Response Codes",
        }
    }

    /// The header line the table must start with, in lower case, word by word.
    pub(super) fn header(self) -> &'static str {
        match self {
            Table::PathParams | Table::QueryParams => "parameter type required description",
            Table::Body => "field type required description",
            Table::Responses => "code description",
        }
    }
}

/// What a field-change heading introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FieldChangeKind {
    /// `Added Fields`, lines start with `+`.
    Added,
    /// `Deprecated Fields`, lines start with `-`.
    Deprecated,
    /// `Removed Fields`, lines start with `-`.
    Removed,
}

impl FieldChangeKind {
    pub(super) fn heading(self) -> &'static str {
        match self {
            FieldChangeKind::Added => "Added Fields",
            FieldChangeKind::Deprecated => "Deprecated Fields",
            FieldChangeKind::Removed => "Removed Fields",
        }
    }

    pub(super) fn sign(self) -> char {
        match self {
            FieldChangeKind::Added => '+',
            _ => '-',
        }
    }
}

/// A heading inside an endpoint block.
pub(super) enum Heading {
    Table(Table),
    RequestExample,
    FieldChanges(FieldChangeKind),
}

/// The heading a line names, recognised by its words (emoji in front are optional).
pub(super) fn heading(trimmed: &str) -> Option<Heading> {
    Some(match heading_words(trimmed).as_str() {
        "path parameters" => Heading::Table(Table::PathParams),
        "query parameters" => Heading::Table(Table::QueryParams),
        "request body" | "request body fields" => Heading::Table(Table::Body),
        "response codes" | "response examples" | "responses" => Heading::Table(Table::Responses),
        "example request" | "request example" | "current request example" => {
            Heading::RequestExample
        }
        "added fields" | "new fields" => Heading::FieldChanges(FieldChangeKind::Added),
        "deprecated fields" => Heading::FieldChanges(FieldChangeKind::Deprecated),
        "removed fields" | "deleted fields" => Heading::FieldChanges(FieldChangeKind::Removed),
        _ => return None,
    })
}

/// The table a header line (`Code Description`) starts, when it is one; used to report a table
/// whose heading is missing instead of reading its rows as prose.
pub(super) fn table_header(trimmed: &str) -> Option<&'static str> {
    let words = trimmed
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    match words.as_str() {
        "parameter type required description" => Some("Path Parameters` or `Query Parameters"),
        "field type required description" => Some("Request Body"),
        "code description" => Some("Response Codes"),
        _ => None,
    }
}

/// True for a line that can only be part of a JSON example (`"key": value,`, `},`, `]`).
pub(super) fn looks_like_json(trimmed: &str) -> bool {
    let t = trimmed.trim_end_matches(',');
    matches!(t, "}" | "]" | "{}" | "[]")
        || (trimmed.starts_with('"') && trimmed[1..].contains("\":"))
}

/// True for a line shaped like a field change (`+ name type # note`) outside its list.
pub(super) fn looks_like_field_change(trimmed: &str) -> bool {
    let Some(rest) = trimmed.strip_prefix(['+', '-']) else {
        return false;
    };
    let words: Vec<&str> = rest
        .split('#')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    words.len() == 2 && super::FIELD_TYPES.contains(&words[1].to_ascii_lowercase().as_str())
}

/// The byte offset of the `e.g.` that starts a row's example, if any: the last `e.g. ` that
/// starts a word. Earlier ones (`(e.g., AUTHORIZED)`) are prose.
pub(super) fn example_start(text: &str) -> Option<usize> {
    text.match_indices("e.g. ")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || text[..i].ends_with(' '))
        .last()
}

/// `parameter type required description` → `Parameter Type Required Description`.
pub(super) fn title_case(words: &str) -> String {
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
pub(super) fn word_columns(text: &str) -> Vec<(usize, &str)> {
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

pub(super) fn is_bullet(trimmed: &str) -> bool {
    trimmed.starts_with('•') || trimmed.starts_with("* ") || trimmed.starts_with("- ")
}

pub(super) fn strip_bullet(trimmed: &str) -> &str {
    trimmed
        .strip_prefix('•')
        .or_else(|| trimmed.strip_prefix("* "))
        .or_else(|| trimmed.strip_prefix("- "))
        .unwrap_or(trimmed)
        .trim()
}

/// `✅ 4 New ✏️ 1 Modified ⚠️ 1 Deprecated`: the announced count per section.
pub(super) fn change_counts(trimmed: &str) -> Option<Vec<(usize, Change)>> {
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    let mut out = Vec::new();
    for pair in words.windows(2) {
        if let Ok(n) = pair[0].parse::<usize>() {
            let which = match pair[1].to_ascii_lowercase().as_str() {
                "new" | "added" => Change::New,
                "modified" | "changed" | "updated" => Change::Modified,
                "deprecated" => Change::Deprecated,
                "removed" | "deleted" => Change::Removed,
                "renamed" | "moved" => Change::Renamed,
                _ => continue,
            };
            out.push((n, which));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Prose lines as Markdown: lines at the block's base indentation are paragraphs, deeper lines
/// are list items nested by indentation, and a line followed by deeper lines stays a plain line
/// that introduces its list.
pub(super) fn render_prose(lines: &[(usize, String)]) -> Option<String> {
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
