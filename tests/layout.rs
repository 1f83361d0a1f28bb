//! The maintainers' limits, checked on every run: no hand-written Rust file over 800 lines and
//! no function over 150 lines, in the generator, the kit, the tools and the tests. Generated
//! code (`generated/`, the `runtime.rs.in` template's output) is exempt; the template itself is
//! not.

use specgen_tests::repo_root;
use std::fs;
use std::path::{Path, PathBuf};

const MAX_FILE_LINES: usize = 800;
const MAX_FN_LINES: usize = 150;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != "snapshots" && name != "fixtures" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs" || e == "in") {
            out.push(path);
        }
    }
}

/// Functions longer than the limit, as `(first line, length, signature)`: a function starts at
/// a line whose code begins with `fn` (after visibility and qualifiers) and ends at the first
/// later line that closes a brace at the same indentation.
fn long_functions(text: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let bare = [
            "pub(crate) ",
            "pub(super) ",
            "pub ",
            "const ",
            "async ",
            "unsafe ",
        ]
        .iter()
        .fold(code, |c, p| c.strip_prefix(p).unwrap_or(c));
        let bare = ["async ", "unsafe "]
            .iter()
            .fold(bare, |c, p| c.strip_prefix(p).unwrap_or(c));
        if !bare.starts_with("fn ") || code.ends_with(';') {
            continue;
        }
        let indent = line.len() - code.len();
        let closing = " ".repeat(indent) + "}";
        if let Some(end) = (i + 1..lines.len()).find(|&j| {
            lines[j].starts_with(&closing) && lines[j].len() - lines[j].trim_start().len() == indent
        }) {
            let length = end - i + 1;
            if length > MAX_FN_LINES {
                found.push((i + 1, length, code.chars().take(60).collect()));
            }
        }
    }
    found
}

#[test]
fn no_hand_written_file_or_function_is_over_the_limits() {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["xtask", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 20, "the scan found the sources: {files:?}");
    let mut problems = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let shown = file.strip_prefix(&root).unwrap().display();
        let lines = text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!("{shown}: {lines} lines (limit {MAX_FILE_LINES})"));
        }
        for (line, length, signature) in long_functions(&text) {
            problems.push(format!(
                "{shown}:{line}: `{signature}` is {length} lines (limit {MAX_FN_LINES})"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "split these by responsibility:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_function_scan_finds_long_functions() {
    let long = format!(
        "fn long() {{\n{}}}\n",
        "    let x = 1;\n".repeat(MAX_FN_LINES)
    );
    assert_eq!(long_functions(&long).len(), 1);
    let nested = format!(
        "impl A {{\n    pub(super) fn f(&self) {{\n{}    }}\n}}\n",
        "        x();\n".repeat(MAX_FN_LINES - 3)
    );
    assert!(long_functions(&nested).is_empty());
}
