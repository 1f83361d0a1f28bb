//! Diagnostics for bad input: every stage reports problems here instead of panicking.
//!
//! A malformed spec is the user's mistake, so each problem carries the file, the best location we
//! know (line:column when a parser gave one, otherwise a JSON pointer that `source_map` may turn
//! into a line:column), what is wrong and a hint. Stages collect problems into [`Diagnostics`] and
//! keep going, so one run reports every error; the pipeline stops between stages when any error
//! was collected (the cxx `Errors::propagate` model).

use std::fmt;

/// How bad a diagnostic is: errors stop generation, warnings are printed and generation continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The input cannot be turned into code; nothing is written.
    Error,
    /// The input was understood with a loss (for example a schema degraded to `serde_json::Value`).
    Warning,
}

/// Where in a file a diagnostic points.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// One-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// A JSON pointer into the document (`#/paths/~1pets/get`), when the problem is structural.
    pub pointer: Option<String>,
}

impl Location {
    /// A location known only by line and column.
    pub fn at(line: usize, col: usize) -> Self {
        Location {
            line_col: Some((line, col)),
            pointer: None,
        }
    }

    /// A location known by JSON pointer; `source_map` may add the line later.
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Location {
            line_col: None,
            pointer: Some(pointer.into()),
        }
    }
}

/// One problem found in one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the user would type it (relative to the repository root when possible).
    pub file: String,
    /// Where in the file.
    pub location: Location,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What the user can do about it.
    pub hint: Option<String>,
    /// The source line the location points at, for rendering with a caret.
    pub source_line: Option<String>,
}

impl Diagnostic {
    /// A new error at `location` in `file`.
    pub fn error(file: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    /// A new warning at `location` in `file`.
    pub fn warning(
        file: impl Into<String>,
        location: Location,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, location, message)
        }
    }

    /// Attaches a hint telling the user how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Fills in the line:column and the source line from the file's text, when the location has a
    /// line or a pointer that `locate` can resolve.
    pub fn resolve(&mut self, text: &str, locate: impl Fn(&str) -> Option<(usize, usize)>) {
        if self.location.line_col.is_none() {
            if let Some(pointer) = &self.location.pointer {
                self.location.line_col = locate(pointer);
            }
        }
        if let Some((line, _)) = self.location.line_col {
            self.source_line = text.lines().nth(line.saturating_sub(1)).map(str::to_owned);
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.message)?;
        // Like rustc, the gutter is as wide as the line number, and every marker aligns with it.
        let gutter = self
            .location
            .line_col
            .map_or(1, |(line, _)| line.to_string().len());
        write!(f, "\n{:gutter$}--> {}", "", self.file)?;
        if let Some((line, col)) = self.location.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(pointer) = &self.location.pointer {
            write!(f, " (at {pointer})")?;
        }
        if let (Some(source), Some((line, col))) = (&self.source_line, self.location.line_col) {
            write!(f, "\n{:gutter$} |", "")?;
            write!(f, "\n{line} | {}", source.trim_end())?;
            write!(f, "\n{:gutter$} | {:>col$}", "", "^")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n{:gutter$} = hint: {hint}", "")?;
        }
        Ok(())
    }
}

/// The diagnostics a run collected, in a stable order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Adds all diagnostics from `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, sorted by file, then position, so output is stable across runs.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| {
            (
                &a.file,
                a.location.line_col,
                &a.location.pointer,
                a.severity,
                &a.message,
            )
                .cmp(&(
                    &b.file,
                    b.location.line_col,
                    &b.location.pointer,
                    b.severity,
                    &b.message,
                ))
        });
        items
    }

    /// Iterates over the diagnostics in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Mutable access, for resolving locations once the source text is at hand.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Diagnostic> {
        self.items.iter_mut()
    }

    /// The number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// True when nothing was reported.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.sorted().into_iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            writeln!(f, "{d}")?;
        }
        let errors = self.error_count();
        let warnings = self.items.len() - errors;
        if errors > 0 {
            write!(
                f,
                "{errors} error{} and {warnings} warning{}; nothing was written",
                plural(errors),
                plural(warnings)
            )?;
        }
        Ok(())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl std::error::Error for Diagnostics {}
