//! Writing generated items as text, laid out the way prettyplease lays out the same items.
//!
//! Building tokens with `quote`, re-parsing them with `syn` and printing them with prettyplease
//! cost most of the generator's time on large specs (re-parsing the emitted tokens took more
//! CPU than reading the spec), although generated items have a fixed shape: only names, types
//! and the number of fields vary. So they are written straight to text with the few layout
//! rules prettyplease applies to them: a list (arguments, attribute arguments, generic
//! arguments) stays on one line when that line fits in the margin and otherwise breaks one
//! element per line. Models follow prettyplease exactly; calls in method bodies follow
//! rustfmt's style (`f(` and the arguments below), which reads better in diffs.

use crate::ir::*;

/// prettyplease's line width: a line ends by column 89, or 60 columns after a deep indent.
const MARGIN: usize = 89;
const MIN_SPACE: usize = 60;

/// One level of indentation.
pub(super) const INDENT: &str = "    ";

/// Whether `width` columns of text fit on a line that starts at `indent` columns.
pub(super) fn fits(indent: usize, width: usize) -> bool {
    width <= MARGIN.saturating_sub(indent).max(MIN_SPACE)
}

/// A string literal, escaped as `proc_macro2::Literal::string` writes it (so the text is what
/// the token emitters printed).
pub(super) fn lit(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    // Runs of printable ASCII other than quotes and backslashes are copied as they are; examples hold
    // megabytes of JSON, and escaping char by char was most of writing the examples file.
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
    let mut rest = text;
    while !rest.is_empty() {
        let run = rest.bytes().position(|b| !plain(b)).unwrap_or(rest.len());
        out.push_str(&rest[..run]);
        rest = &rest[run..];
        let mut chars = rest.chars();
        let Some(ch) = chars.next() else { break };
        match ch {
            '\0' if chars
                .as_str()
                .starts_with(|next: char| ('0'..='7').contains(&next)) =>
            {
                out.push_str("\\x00");
            }
            '\'' => out.push(ch),
            _ => out.extend(ch.escape_debug()),
        }
        rest = chars.as_str();
    }
    out.push('"');
    out
}

/// Text written at an indentation level.
pub(super) struct Writer {
    pub(super) out: String,
    indent: String,
}

impl Writer {
    /// A writer whose lines start at `depth` levels of indentation.
    pub(super) fn new(depth: usize) -> Self {
        Writer {
            out: String::new(),
            indent: INDENT.repeat(depth),
        }
    }

    /// The current indentation in columns.
    pub(super) fn indent(&self) -> usize {
        self.indent.len()
    }

    /// One line at the current indentation.
    pub(super) fn line(&mut self, text: &str) {
        self.out.push_str(&self.indent);
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Runs `f` one level deeper.
    pub(super) fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.indent.push_str(INDENT);
        f(self);
        self.indent.truncate(self.indent.len() - INDENT.len());
    }

    /// `open` + items + `close`: on one line when it fits, else one item per line below `open`,
    /// each followed by `,` (the last one too when `trailing` is set, as prettyplease does for
    /// calls and signatures but not for attribute arguments).
    pub(super) fn list(&mut self, open: &str, items: &[String], close: &str, trailing: bool) {
        let width = open.len() + close.len() + items.iter().map(|i| i.len() + 2).sum::<usize>();
        if items.is_empty() || fits(self.indent(), width.saturating_sub(2)) {
            self.line(&format!("{open}{}{close}", items.join(", ")));
            return;
        }
        self.line(open);
        self.nested(|w| {
            for (i, item) in items.iter().enumerate() {
                let comma = if trailing || i + 1 < items.len() {
                    ","
                } else {
                    ""
                };
                w.line(&format!("{item}{comma}"));
            }
        });
        self.line(close);
    }

    /// `head(args) -> ret {`: on one line when it fits, else one argument per line and the
    /// return type's generics broken as in [`Self::field_line`], as prettyplease lays out a
    /// function signature.
    pub(super) fn signature(&mut self, head: &str, args: &[String], ret: &str) {
        let one_line = format!("{head}({}) -> {ret} {{", args.join(", "));
        if fits(self.indent(), one_line.len()) {
            self.line(&one_line);
            return;
        }
        self.line(&format!("{head}("));
        self.nested(|w| args.iter().for_each(|a| w.line(&format!("{a},"))));
        self.field_line(") -> ", ret, " {");
    }

    /// `impl Trait for Type {`, with `for Type {` on a line of its own when it does not fit.
    pub(super) fn impl_for(&mut self, trait_path: &str, ty: &str) {
        let line = format!("impl {trait_path} for {ty} {{");
        if fits(self.indent(), line.len()) {
            self.line(&line);
        } else {
            self.line(&format!("impl {trait_path}"));
            self.line(&format!("for {ty} {{"));
        }
    }

    /// `pub name: Type,` with the type's outer generics broken over lines when it does not
    /// fit, as prettyplease breaks them.
    pub(super) fn field_line(&mut self, head: &str, ty: &str, tail: &str) {
        if fits(self.indent(), head.len() + ty.len() + tail.len()) {
            self.line(&format!("{head}{ty}{tail}"));
            return;
        }
        match split_generics(ty) {
            Some((outer, args)) => {
                self.line(&format!("{head}{outer}<"));
                self.nested(|w| {
                    for arg in &args {
                        w.field_line("", arg, ",");
                    }
                });
                self.line(&format!(">{tail}"));
            }
            None => self.line(&format!("{head}{ty}{tail}")),
        }
    }

    /// A method chain: on one line when it fits, else the receiver and one call per line below.
    pub(super) fn chain(&mut self, calls: &[String], tail: &str) {
        let whole: String = calls.concat();
        if fits(self.indent(), whole.len() + tail.len()) {
            self.line(&format!("{whole}{tail}"));
            return;
        }
        self.line(&calls[0]);
        self.nested(|w| {
            for (i, call) in calls.iter().enumerate().skip(1) {
                let end = if i + 1 == calls.len() { tail } else { "" };
                w.call_line(call, end);
            }
        });
    }

    /// A call `name(a, b)` followed by `tail`: on one line when it fits, else one argument per
    /// line.
    pub(super) fn call_line(&mut self, call: &str, tail: &str) {
        let split = call
            .find('(')
            .filter(|_| call.ends_with(')'))
            .map(|open| (&call[..=open], &call[open + 1..call.len() - 1]));
        match split {
            Some((open, args)) if !fits(self.indent(), call.len() + tail.len()) => {
                let args: Vec<String> = split_top_level(args)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                self.list(open, &args, &format!("){tail}"), true);
            }
            _ => self.line(&format!("{call}{tail}")),
        }
    }

    /// A match arm `pattern => value,`, or the value in a block on its own line when the arm
    /// does not fit.
    pub(super) fn arm(&mut self, pattern: &str, value: &str) {
        // prettyplease lets the comma after an arm run past the margin.
        if fits(self.indent(), pattern.len() + value.len() + 4) {
            self.line(&format!("{pattern} => {value},"));
        } else {
            self.line(&format!("{pattern} => {{"));
            self.nested(|w| w.line(value));
            self.line("}");
        }
    }

    /// `///` lines for doc text, as prettyplease printed `#[doc]` attributes:
    /// non-empty parts joined by blank lines, each line trimmed at the end.
    pub(super) fn docs(&mut self, parts: &[Option<&str>]) {
        let mut first = true;
        for part in parts.iter().flatten().map(|s| s.trim()) {
            if part.is_empty() {
                continue;
            }
            if !first {
                self.line("///");
            }
            first = false;
            // Vendor prose may carry `\r\n` or bare `\r`, which rustc rejects in doc comments;
            // most prose has neither, and is not copied.
            let part = if part.contains('\r') {
                std::borrow::Cow::Owned(part.replace("\r\n", "\n").replace('\r', "\n"))
            } else {
                std::borrow::Cow::Borrowed(part)
            };
            for line in part.lines() {
                let line = line.trim_end();
                if line.is_empty() {
                    self.line("///");
                } else {
                    self.line(&format!("/// {line}"));
                }
            }
        }
    }

    /// `#[deprecated(note = "...")]` when there is a note.
    pub(super) fn deprecated(&mut self, note: &Option<String>) {
        if let Some(note) = note {
            self.list(
                "#[deprecated(",
                &[format!("note = {}", lit(note))],
                ")]",
                false,
            );
        }
    }

    /// The `#[cfg(...)]` of an item in an API split into tag features (`emit::gates`).
    pub(super) fn cfg(&mut self, features: &[String]) {
        let Some(attribute) = super::gates::attribute(features) else {
            return;
        };
        if features.len() < 2 || fits(self.indent(), attribute.len()) {
            self.line(&attribute);
            return;
        }
        let list: Vec<String> = features
            .iter()
            .map(|f| format!("feature = {}", lit(f)))
            .collect();
        self.line("#[cfg(");
        self.nested(|w| w.list("any(", &list, ")", false));
        self.line(")]");
    }
}

/// `a, b<c, d>, "e, f"` as `["a", "b<c, d>", "\"e, f\""]`: split at the commas outside
/// brackets and string literals.
pub(super) fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for (i, ch) in text.char_indices() {
        if in_string {
            match ch {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '<' | '(' | '[' | '{' => depth += 1,
            '>' | ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// `Outer<A, B>` as `("Outer", ["A", "B"])`.
fn split_generics(ty: &str) -> Option<(&str, Vec<&str>)> {
    let open = ty.find('<')?;
    let inner = ty.strip_suffix('>')?.get(open + 1..)?;
    Some((&ty[..open], split_top_level(inner)))
}

/// `ty`, or `Option<ty>` when the value may be absent.
pub(super) fn optional(ty: String, required: bool) -> String {
    if required {
        ty
    } else {
        format!("::std::option::Option<{ty}>")
    }
}

/// A primitive's Rust type.
pub(super) fn primitive(p: Primitive) -> &'static str {
    match p {
        Primitive::String | Primitive::Email => "::std::string::String",
        Primitive::Bool => "bool",
        Primitive::I32 => "i32",
        Primitive::I64 => "i64",
        Primitive::U64 => "u64",
        Primitive::F32 => "f32",
        Primitive::F64 => "f64",
        Primitive::Uuid => "::uuid::Uuid",
        Primitive::DateTime => "crate::runtime::DateTime",
        Primitive::Date => "::chrono::NaiveDate",
        Primitive::Bytes => "::std::vec::Vec<u8>",
        Primitive::File => "crate::runtime::FilePart",
    }
}

/// A type reference as Rust source, from inside `types` or from the client (`types::Name`).
pub(super) fn ty(t: &TypeRef, client: bool) -> String {
    let mut out = String::new();
    write_ty(&mut out, t, client);
    out
}

fn write_ty(out: &mut String, t: &TypeRef, client: bool) {
    let wrapped = |out: &mut String, open: &str, inner: &TypeRef| {
        out.push_str(open);
        write_ty(out, inner, client);
        out.push('>');
    };
    match t {
        TypeRef::Named(name) => {
            if client {
                out.push_str("types::");
            }
            out.push_str(name);
        }
        TypeRef::Primitive(p) => out.push_str(primitive(*p)),
        TypeRef::Array(inner) => wrapped(out, "::std::vec::Vec<", inner),
        TypeRef::Map(inner) => wrapped(
            out,
            "::std::collections::BTreeMap<::std::string::String, ",
            inner,
        ),
        TypeRef::Nullable(inner) => wrapped(out, "::std::option::Option<", inner),
        TypeRef::Boxed(inner) => wrapped(out, "::std::boxed::Box<", inner),
        // A free-form object or array is a `Value` like any other free-form JSON.
        TypeRef::Json | TypeRef::FreeForm { .. } => out.push_str("::serde_json::Value"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_as_proc_macro2_does() {
        for text in [
            "plain",
            "quote \" and \\",
            "it's",
            "line\nbreak\r\t",
            "\0",
            "\u{7}",
            "é ✓",
            "\0 1",
        ] {
            assert_eq!(
                lit(text),
                proc_macro2::Literal::string(text).to_string(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_list_breaks_only_when_it_does_not_fit() {
        let mut w = Writer::new(1);
        w.list("f(", &["a".into(), "b".into()], ");", true);
        let long: Vec<String> = (0..8).map(|i| format!("argument_number_{i}")).collect();
        w.list("g(", &long, ");", true);
        let text = w.out;
        assert!(
            text.starts_with("    f(a, b);\n    g(\n        argument_number_0,\n"),
            "{text}"
        );
        assert!(
            text.ends_with("        argument_number_7,\n    );\n"),
            "{text}"
        );
    }

    #[test]
    fn top_level_commas_split_outside_brackets_and_strings() {
        assert_eq!(
            split_top_level(r#"a, b<c, d>, "e, \"f(", g(h, i)"#),
            vec!["a", "b<c, d>", r#""e, \"f(""#, "g(h, i)"]
        );
    }

    #[test]
    fn docs_join_parts_with_blank_lines_and_trim() {
        let mut w = Writer::new(0);
        w.docs(&[Some(" Title  "), None, Some("one\r\n\r\ntwo "), Some("  ")]);
        assert_eq!(w.out, "/// Title\n///\n/// one\n///\n/// two\n");
    }
}
