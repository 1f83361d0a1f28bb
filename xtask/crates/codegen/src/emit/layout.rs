//! Readable output: a blank line between items, which prettyplease does not print.
//!
//! Checked-in code is read in diffs; items that run together make every hunk harder to follow.
//! The pass works on prettyplease's output, whose layout is fixed: an item ends with a line that
//! is `}` or ends in `;` (or `{` for a module that opens), and the next item starts at the same
//! indentation with a doc comment, an attribute or an item keyword.

/// Line starts that begin an item (after indentation).
const ITEM_STARTS: &[&str] = &[
    "///",
    "#[",
    "pub ",
    "impl",
    "fn ",
    "const ",
    "static ",
    "mod ",
    "struct ",
    "enum ",
    "type ",
    "use ",
    "trait ",
    "unsafe impl",
];

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether a blank line goes between `previous` and `line`: the first ends an item and the
/// second starts one at the same indentation.
pub(super) fn needs_blank(previous: &str, line: &str) -> bool {
    let trimmed = previous.trim_end();
    let ends_item = trimmed.trim_start() == "}" || trimmed.ends_with(';');
    let starts_item = ITEM_STARTS.iter().any(|s| line.trim_start().starts_with(s));
    let module_attribute = previous.trim_start().starts_with("#![");
    starts_item
        && !line.trim().is_empty()
        && (ends_item || module_attribute)
        && indent(previous) == indent(line)
        && !previous.trim_start().starts_with("//")
}

/// Inserts a blank line between consecutive items at the same indentation.
pub(super) fn space_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if previous.is_some_and(|p| needs_blank(p, line)) {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

/// Appends already spaced `text` to `out`, with the blank line [`space_items`] would put
/// between the last line of `out` and the first of `text`: pieces spaced on their own and
/// joined this way give what spacing the joined text gives.
pub(super) fn append_spaced(out: &mut String, text: &str) {
    let last = out
        .strip_suffix('\n')
        .map(|done| done.rsplit('\n').next().unwrap_or(done));
    let first = text.lines().next();
    if let (Some(last), Some(first)) = (last, first) {
        if needs_blank(last, first) {
            out.push('\n');
        }
    }
    out.push_str(text);
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn pieces_spaced_alone_and_appended_match_the_whole() {
        let whole = "pub struct A;\nimpl A {\n    fn f() {}\n    fn g() {}\n}\npub struct B;\n";
        let mut out = String::new();
        for piece in [
            "pub struct A;\nimpl A {\n    fn f() {}\n",
            "    fn g() {}\n}\n",
            "pub struct B;\n",
        ] {
            super::append_spaced(&mut out, &space_items(piece));
        }
        assert_eq!(out, space_items(whole));
    }

    #[test]
    fn separates_items_but_not_fields_or_statements() {
        let text = "pub struct A {\n    pub a: u8,\n    /// b\n    pub b: u8,\n}\nimpl A {\n    fn f() {\n        let x = 1;\n        x;\n    }\n    /// g\n    fn g() {}\n}\n";
        assert_eq!(
            space_items(text),
            "pub struct A {\n    pub a: u8,\n    /// b\n    pub b: u8,\n}\n\nimpl A {\n    fn f() {\n        let x = 1;\n        x;\n    }\n\n    /// g\n    fn g() {}\n}\n"
        );
    }
}
