//! Mutation test over the seed notes (`specs/partner-api/v4.3.0.md`): 360 damaged copies made
//! with a fixed-seed generator (deleted, duplicated and swapped lines, truncation at any byte,
//! broken brackets, changed status codes, removed table columns, copy-paste whitespace). For
//! every one:
//!
//! - nothing panics, and a run either lowers or reports errors (never both, never neither);
//! - every diagnostic names `file:line:col`;
//! - nothing is lost silently: every line of the damaged file that is shaped like an endpoint
//!   line, a table row or a JSON line is either part of a parsed record or named by a
//!   diagnostic at its line;
//! - deleting an endpoint line or a table row is never silent: the run reports something;
//! - non-breaking spaces and tabs (copy-pasted web text) change nothing at all.
//!
//! A deleted JSON member line can leave valid JSON that no other part of the notes contradicts;
//! such a mutant is a different, consistent example, so it is not required to warn.

use specgen_codegen::load::{SourceFile, decode_utf8};
use specgen_codegen::lower::release_notes::{lower_release_notes, parse};
use specgen_codegen::surface::render_surface;
use specgen_ir::diagnostics::{Diagnostics, Severity};
use specgen_ir::ir::Api;
use specgen_tests::repo_root;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

const PATH: &str = "specs/partner-api/v4.3.0.md";

/// SplitMix64: a fixed, dependency-free generator so every run makes the same mutants.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct Mutant {
    what: String,
    bytes: Vec<u8>,
    /// The original line a deletion removed, when it was an endpoint line or a table row.
    must_report: bool,
    /// Whitespace-only damage: the API must come out identical.
    same_api: bool,
}

/// What a run produced: the API (when no errors) and every diagnostic.
fn run(bytes: &[u8]) -> (Option<Api>, Diagnostics, Option<parse::Notes>) {
    let mut d = Diagnostics::new();
    let Some(text) = decode_utf8(PATH, bytes.to_vec(), &mut d) else {
        return (None, d, None);
    };
    let notes = parse::parse_notes(PATH, &text, &mut Diagnostics::new());
    let files = [SourceFile {
        path: PATH.into(),
        text,
    }];
    let api = lower_release_notes("partner_api", &files, &mut d);
    (api, d, notes)
}

/// Lines (one-based) that the parse took into a record.
fn covered(notes: &parse::Notes) -> BTreeSet<usize> {
    let mut lines = BTreeSet::new();
    for e in &notes.endpoints {
        lines.insert(e.line);
        let rows = e
            .path_params
            .iter()
            .chain(&e.query_params)
            .chain(&e.body_fields);
        lines.extend(rows.map(|r| r.line));
        lines.extend(e.responses.iter().flatten().map(|r| r.line));
        let changes = e
            .added_fields
            .iter()
            .chain(&e.deprecated_fields)
            .chain(&e.removed_fields);
        lines.extend(changes.map(|c| c.line));
        let blocks = e
            .request_examples
            .iter()
            .chain(e.response_examples.iter().filter_map(|r| r.json.as_ref()));
        for b in blocks {
            lines.extend(b.line..=b.end_line);
        }
        lines.extend(e.response_examples.iter().map(|r| r.line));
    }
    lines
}

/// Lines shaped like a record, judged by the text alone.
fn record_shaped(line: &str) -> bool {
    let t = line.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let endpoint = words.len() == 2
        && words[1].starts_with('/')
        && words[0].bytes().all(|b| b.is_ascii_uppercase());
    let status_row =
        t.len() > 4 && t.as_bytes()[..3].iter().all(u8::is_ascii_digit) && t.as_bytes()[3] == b' ';
    let field_row =
        words.len() >= 3 && matches!(words[2].to_ascii_lowercase().as_str(), "yes" | "no");
    let json = t.starts_with(['{', '}', '[', ']', '"']);
    endpoint || status_row || field_row || json
}

fn mutants(text: &str, original: &parse::Notes) -> Vec<Mutant> {
    let lines: Vec<&str> = text.split('\n').collect();
    let join = |ls: &[&str]| ls.join("\n").into_bytes();
    let non_blank: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();
    let structural: BTreeSet<usize> = {
        let mut s = BTreeSet::new();
        for e in &original.endpoints {
            s.insert(e.line);
            s.extend(e.path_params.iter().chain(&e.body_fields).map(|r| r.line));
            s.extend(e.responses.iter().flatten().map(|r| r.line));
        }
        s
    };
    let mut rng = Rng(0x5EED_0011);
    let mut out = Vec::new();
    let mut push = |what: String, bytes: Vec<u8>, must_report: bool, same_api: bool| {
        out.push(Mutant {
            what,
            bytes,
            must_report,
            same_api,
        })
    };
    // Every endpoint line and table row deleted once, then random deletions.
    for &line in &structural {
        let mut ls = lines.clone();
        ls.remove(line - 1);
        push(
            format!("delete structural line {line}"),
            join(&ls),
            true,
            false,
        );
    }
    for _ in 0..60 {
        let i = non_blank[rng.below(non_blank.len())];
        let mut ls = lines.clone();
        ls.remove(i);
        push(format!("delete line {}", i + 1), join(&ls), false, false);
    }
    for _ in 0..50 {
        let i = non_blank[rng.below(non_blank.len())];
        let mut ls = lines.clone();
        ls.insert(i, lines[i]);
        push(format!("duplicate line {}", i + 1), join(&ls), false, false);
    }
    for _ in 0..50 {
        let i = rng.below(lines.len() - 1);
        let mut ls = lines.clone();
        ls.swap(i, i + 1);
        push(
            format!("swap lines {} and {}", i + 1, i + 2),
            join(&ls),
            false,
            false,
        );
    }
    for _ in 0..40 {
        let at = rng.below(text.len());
        push(
            format!("truncate at byte {at}"),
            text.as_bytes()[..at].to_vec(),
            false,
            false,
        );
    }
    let bracket_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains(['{', '}', '[', ']']))
        .collect();
    for _ in 0..30 {
        let i = bracket_lines[rng.below(bracket_lines.len())];
        let mut ls: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let pos = ls[i].find(['{', '}', '[', ']']).expect("has a bracket");
        if rng.below(2) == 0 {
            ls[i].remove(pos);
        } else {
            ls[i].insert(pos, if rng.below(2) == 0 { '{' } else { ']' });
        }
        push(
            format!("break a bracket on line {}", i + 1),
            ls.join("\n").into_bytes(),
            false,
            false,
        );
    }
    let status_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].len() > 3 && lines[i].as_bytes()[..3].iter().all(u8::is_ascii_digit))
        .collect();
    for _ in 0..30 {
        let i = status_lines[rng.below(status_lines.len())];
        let code = ["200", "201", "204", "302", "418", "422", "503", "99x"][rng.below(8)];
        let mut ls: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        ls[i] = format!("{code}{}", &ls[i][3..]);
        push(
            format!("status on line {} becomes {code}", i + 1),
            ls.join("\n").into_bytes(),
            false,
            false,
        );
    }
    let table_lines: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let w: Vec<&str> = lines[i].split_whitespace().collect();
            w.len() >= 4 && (matches!(w[2], "Yes" | "No" | "Required"))
        })
        .collect();
    for _ in 0..30 {
        let i = table_lines[rng.below(table_lines.len())];
        let column = rng.below(3);
        let mut w: Vec<&str> = lines[i].split_whitespace().collect();
        w.remove(column);
        let mut ls: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        ls[i] = w.join(" ");
        push(
            format!("remove column {column} on line {}", i + 1),
            ls.join("\n").into_bytes(),
            false,
            false,
        );
    }
    // Copy-pasted whitespace: non-breaking spaces between words of prose and table lines, tabs
    // for the indentation of JSON lines.
    for _ in 0..20 {
        let mut ls: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        for _ in 0..25 {
            let i = non_blank[rng.below(non_blank.len())];
            let l = &ls[i];
            ls[i] = if l.trim_start().starts_with(['{', '}', '[', ']', '"']) {
                let indent = l.chars().take_while(|c| c.is_whitespace()).count();
                format!("{}{}", "\t".repeat(indent), l.trim_start())
            } else {
                l.replace(' ', "\u{00A0}")
            };
        }
        push(
            "non-breaking spaces and tabs".into(),
            ls.join("\n").into_bytes(),
            false,
            true,
        );
    }
    out
}

#[test]
fn damaged_seed_notes_are_reported_never_lost() {
    let text = std::fs::read_to_string(repo_root().join(PATH)).unwrap();
    let original = parse::parse_notes(PATH, &text, &mut Diagnostics::new()).unwrap();
    let (clean, clean_d, _) = run(text.as_bytes());
    let clean = clean.unwrap_or_else(|| panic!("{clean_d}"));
    let all = mutants(&text, &original);
    assert!(all.len() >= 300, "{} mutants", all.len());
    let mut failures = Vec::new();
    let (mut failed_runs, mut warned_runs) = (0, 0);
    for m in &all {
        let outcome = catch_unwind(AssertUnwindSafe(|| run(&m.bytes)));
        let Ok((api, d, notes)) = outcome else {
            failures.push(format!("{}: panicked", m.what));
            continue;
        };
        if api.is_some() == d.has_errors() {
            failures.push(format!(
                "{}: lowered {} with errors {}",
                m.what,
                api.is_some(),
                d.has_errors()
            ));
        }
        if d.has_errors() {
            failed_runs += 1;
        } else if !d.is_empty() {
            warned_runs += 1;
        }
        for x in d.iter() {
            if x.file != PATH || x.location.line_col.is_none() {
                failures.push(format!("{}: unlocated: {x}", m.what));
            }
        }
        let named: BTreeSet<usize> = d
            .iter()
            .filter_map(|x| x.location.line_col.map(|l| l.0))
            .collect();
        if m.must_report && d.is_empty() {
            failures.push(format!("{}: silent", m.what));
        }
        if m.same_api
            && (api.as_ref() != Some(&clean) || d.iter().any(|x| x.severity == Severity::Warning))
        {
            failures.push(format!("{}: changed the API\n{d}", m.what));
        }
        if d.has_errors() {
            continue;
        }
        // The run succeeded: every record-shaped line is in a record or named by a warning.
        let Some(notes) = notes else { continue };
        let covered = covered(&notes);
        let text = String::from_utf8_lossy(&m.bytes);
        for (k, line) in text.split('\n').enumerate() {
            let number = k + 1;
            if record_shaped(line) && !covered.contains(&number) && !named.contains(&number) {
                failures.push(format!(
                    "{}: line {number} `{}` lost silently",
                    m.what,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The damage is real: most mutants are reported, as errors or warnings.
    assert!(
        failed_runs + warned_runs > all.len() / 2,
        "{failed_runs} failed, {warned_runs} warned of {}",
        all.len()
    );
}

/// A file cut inside a multi-byte character is an error at the line and column of the cut.
#[test]
fn invalid_utf8_is_located() {
    let text = "Skip to content\n\nPartner API — v4.3.0\n";
    let cut = text.find('—').unwrap() + 1;
    let mut d = Diagnostics::new();
    assert!(decode_utf8(PATH, text.as_bytes()[..cut].to_vec(), &mut d).is_none());
    let only = d.iter().next().unwrap();
    assert_eq!(only.location.line_col, Some((3, 13)), "{d}");
    assert!(only.message.starts_with("invalid UTF-8"), "{d}");
}

/// Markdown framing (a byte-order mark, `###` before endpoint lines, code fences around the
/// examples) changes nothing.
#[test]
fn markdown_framing_changes_nothing() {
    let text = std::fs::read_to_string(repo_root().join(PATH)).unwrap();
    let (clean, _, _) = run(text.as_bytes());
    let mut framed = String::from("\u{FEFF}");
    let mut in_json = false;
    for line in text.split('\n') {
        let t = line.trim();
        let endpoint = ["GET /", "POST /"].iter().any(|p| t.starts_with(p));
        if endpoint {
            framed.push_str("### ");
        }
        if line.starts_with(['{', '[']) && !in_json {
            framed.push_str("```json\n");
            in_json = true;
        }
        framed.push_str(line);
        framed.push('\n');
        if in_json && (line == "}" || line == "]") {
            framed.push_str("```\n");
            in_json = false;
        }
    }
    let (api, d, _) = run(framed.as_bytes());
    assert!(d.is_empty(), "{d}");
    // Fences add lines, so origins move; the API and the example values do not.
    let (api, clean) = (api.unwrap(), clean.unwrap());
    assert_eq!(render_surface(&api), render_surface(&clean));
    let values = |a: &Api| {
        a.examples
            .iter()
            .map(|x| x.value.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(values(&api), values(&clean));
}
