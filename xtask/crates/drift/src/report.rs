//! Renderings of a drift report: text for a terminal, markdown for a pull-request comment, JSON
//! (the report's own structure) and JUnit XML for CI dashboards.
//!
//! Text and markdown group changes by API and then by operation or type, and put the groups with
//! the worst wire verdict first, so the first lines a reviewer reads are the ones that matter.

use super::Format;
use super::model::{Change, Locations, Report, Wire};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Renders `report` in `format`; every format ends with a newline.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => {
            let mut out = serde_json::to_string_pretty(report).expect("a report always serializes");
            out.push('\n');
            out
        }
        Format::Junit => junit(report),
    }
}

/// The one-line summary shared by text and markdown.
fn headline(report: &Report) -> String {
    let s = &report.summary;
    if s.total == 0 {
        return "no changes".into();
    }
    format!(
        "{} change{}: {} breaking, {} warning, {} info; generated crate: {} major, {} minor, {} none (semver bump: {})",
        s.total,
        if s.total == 1 { "" } else { "s" },
        s.breaking,
        s.warning,
        s.info,
        s.major,
        s.minor,
        s.none,
        s.semver.as_str()
    )
}

/// Changes grouped by API, then by operation or type, worst group first.
fn groups(report: &Report) -> BTreeMap<&str, Vec<(&str, Vec<&Change>)>> {
    let mut by_api: BTreeMap<&str, BTreeMap<&str, Vec<&Change>>> = BTreeMap::new();
    for c in &report.changes {
        by_api
            .entry(&c.api)
            .or_default()
            .entry(&c.operation)
            .or_default()
            .push(c);
    }
    by_api
        .into_iter()
        .map(|(api, ops)| {
            let mut ops: Vec<(&str, Vec<&Change>)> = ops.into_iter().collect();
            for (_, changes) in &mut ops {
                changes.sort_by_key(|c| (c.wire, c.rust, c.id));
            }
            let worst = |cs: &Vec<&Change>| cs.iter().map(|c| c.wire).min().unwrap_or(Wire::Info);
            ops.sort_by(|a, b| (worst(&a.1), a.0).cmp(&(worst(&b.1), b.0)));
            (api, ops)
        })
        .collect()
}

/// `file:line`, revision side when present, for the one-column formats.
fn where_text(l: &Locations) -> String {
    match (&l.base, &l.revision) {
        (Some(b), Some(r)) if b.file == r.file && b.line == r.line => r.display_short(),
        (Some(b), Some(r)) => format!("{} → {}", b.display_short(), r.display_short()),
        (Some(b), None) => format!("{} (base)", b.display_short()),
        (None, Some(r)) => r.display_short(),
        (None, None) => String::new(),
    }
}

impl super::model::Position {
    /// `file:line` when the line is known, else `file` and the pointer.
    fn display_short(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.display(),
        }
    }
}

fn text(report: &Report) -> String {
    let mut out = format!("drift: {}\n", headline(report));
    for (api, ops) in groups(report) {
        let _ = write!(out, "\n{api}\n");
        for (op, changes) in ops {
            let _ = writeln!(out, "  {op}");
            for c in changes {
                let _ = writeln!(
                    out,
                    "    {:<8} {:<5} {}: {}",
                    c.wire.as_str(),
                    c.rust.as_str(),
                    c.id,
                    c.message
                );
                let at = where_text(&c.location);
                if !at.is_empty() {
                    let _ = writeln!(out, "                   at {at}");
                }
            }
        }
    }
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown(report: &Report) -> String {
    let mut out = String::from("## API drift\n\n");
    let _ = writeln!(out, "**{}**", md_escape(&headline(report)));
    for (api, ops) in groups(report) {
        let _ = write!(out, "\n### `{api}`\n\n");
        out.push_str("| wire | rust | rule | where | change | location |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- |\n");
        for (op, changes) in ops {
            for c in changes {
                let icon = match c.wire {
                    Wire::Breaking => "🔴 breaking",
                    Wire::Warning => "🟡 warning",
                    Wire::Info => "⚪ info",
                };
                let _ = writeln!(
                    out,
                    "| {icon} | {} | `{}` | `{}` | {} | {} |",
                    c.rust.as_str(),
                    c.id,
                    md_escape(op),
                    md_escape(&c.message),
                    md_escape(&where_text(&c.location))
                );
            }
        }
    }
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn junit(report: &Report) -> String {
    let breaking: Vec<&Change> = report
        .changes
        .iter()
        .filter(|c| c.wire == Wire::Breaking)
        .collect();
    let mut by_api: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for c in &breaking {
        by_api.entry(&c.api).or_default().push(c);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"drift\" tests=\"{0}\" failures=\"{0}\">",
        breaking.len()
    );
    for (api, changes) in by_api {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{1}\" failures=\"{1}\">",
            xml_escape(api),
            changes.len()
        );
        for c in changes {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}: {}\">",
                xml_escape(&format!("{api}.{}", c.operation)),
                c.id,
                xml_escape(&c.message)
            );
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">rust: {}; at {}</failure>",
                c.id,
                xml_escape(&c.message),
                c.rust.as_str(),
                xml_escape(&where_text(&c.location))
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
