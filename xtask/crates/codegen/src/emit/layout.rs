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

/// Inserts a blank line between consecutive items at the same indentation.
pub fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            let previous = lines[i - 1];
            let trimmed = previous.trim_end();
            let ends_item = trimmed.trim_start() == "}" || trimmed.ends_with(';');
            let starts_item = ITEM_STARTS.iter().any(|s| line.trim_start().starts_with(s));
            let module_attribute = previous.trim_start().starts_with("#![");
            if starts_item
                && !line.trim().is_empty()
                && (ends_item || module_attribute)
                && indent(previous) == indent(line)
                && !previous.trim_start().starts_with("//")
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::space_items;

    #[test]
    fn separates_items_but_not_fields_or_statements() {
        let text = "pub struct A {\n    pub a: u8,\n    /// b\n    pub b: u8,\n}\nimpl A {\n    fn f() {\n        let x = 1;\n        x;\n    }\n    /// g\n    fn g() {}\n}\n";
        assert_eq!(
            space_items(text),
            "pub struct A {\n    pub a: u8,\n    /// b\n    pub b: u8,\n}\n\nimpl A {\n    fn f() {\n        let x = 1;\n        x;\n    }\n\n    /// g\n    fn g() {}\n}\n"
        );
    }
}
