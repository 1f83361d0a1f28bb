//! The file's structure: the header (title, release type, counts), then sections of endpoint
//! blocks.
//!
//! The header ends at the first section heading or the first endpoint line, so a deleted section
//! heading cannot hide the endpoints below it in the header: they are reported as endpoints
//! outside of a section. Lines before the title line are page chrome copied with the notes
//! (`Skip to content`) and are skipped on purpose.

use super::lines::{change_counts, endpoint_line, rename_line, section, title_line};
use super::{Change, Endpoint, METHODS, Method, Notes, Parser, Spanned};

/// What the header says.
#[derive(Default)]
struct Header {
    title: Option<(String, Spanned<String>)>,
    release_type: Option<String>,
    previous: Option<Spanned<String>>,
    counts: Option<(usize, Vec<(usize, Change)>)>,
}

impl Parser<'_, '_> {
    /// True when line index `i` starts an endpoint block or a section.
    fn is_boundary(&self, i: usize) -> bool {
        let line = &self.lines[i];
        endpoint_line(line).is_some()
            || rename_line(line).is_some()
            || section(&line.trimmed).is_some()
    }

    /// Reads the header lines before index `end`.
    fn header(&mut self, end: usize) -> Header {
        let mut h = Header::default();
        for i in 0..end {
            let line = &self.lines[i];
            let (number, indent, trimmed) = (line.number, line.indent, line.trimmed.clone());
            if trimmed.is_empty() {
                continue;
            }
            if h.title.is_none() {
                // Before the title: page chrome (`Skip to content`), skipped on purpose.
                if let Some((name, version, col)) = title_line(&trimmed) {
                    h.title = Some((
                        name,
                        Spanned {
                            value: version,
                            line: number,
                            col: col + indent,
                        },
                    ));
                }
                self.consume(i);
                continue;
            }
            if trimmed.starts_with("Type:") || trimmed.contains("version:") {
                for part in trimmed.split('·') {
                    let part = part.trim();
                    if let Some(t) = part.strip_prefix("Type:") {
                        h.release_type = Some(t.trim().to_owned());
                    } else if let Some((_, v)) = part.split_once("version:") {
                        let v = v.trim();
                        let text = &self.lines[i].text;
                        let col = text.find(v).map_or(1, |b| text[..b].chars().count() + 1);
                        h.previous = Some(Spanned {
                            value: v.to_owned(),
                            line: number,
                            col,
                        });
                    }
                }
                self.consume(i);
            } else if let Some(found) = change_counts(&trimmed) {
                h.counts = Some((number, found));
                self.consume(i);
            } else {
                self.consume(i);
                self.warn(
                    number,
                    indent + 1,
                    "text between the title and the first section is ignored".into(),
                    "the header holds the title, the `Type: … · Previous version: …` line and the counts; put prose inside an endpoint block",
                );
            }
        }
        h
    }

    pub(super) fn parse(&mut self) -> Option<Notes> {
        let header_end = (0..self.lines.len())
            .find(|&i| self.is_boundary(i))
            .unwrap_or(self.lines.len());
        let header = self.header(header_end);
        let Some((title, version)) = header.title else {
            self.error(
                1,
                1,
                "release notes without a title line `API NAME — vX.Y.Z`".into(),
                "the first line of the notes names the API and the version, for example `Partner API — v4.3.0`",
            );
            // Everything is reported through this error; do not add a warning per line.
            self.consumed.iter_mut().for_each(|c| *c = true);
            return None;
        };

        let mut endpoints: Vec<Endpoint> = Vec::new();
        let mut change = None;
        let mut i = header_end;
        while i < self.lines.len() {
            let (number, indent, trimmed) = {
                let l = &self.lines[i];
                (l.number, l.indent, l.trimmed.clone())
            };
            if let Some(found) = section(&trimmed) {
                self.consume(i);
                match found {
                    Ok(c) => change = Some(c),
                    Err(name) => {
                        self.error(
                            number,
                            indent + 1,
                            format!("unknown section `{name}`"),
                            "sections are New, Modified, Deprecated, Removed and Renamed Endpoints",
                        );
                        change = None;
                    }
                }
                i += 1;
                continue;
            }
            if let Some(endpoint) = self.block_at(i, change) {
                if let Some(first) = endpoints
                    .iter()
                    .find(|e| e.method == endpoint.method && e.path == endpoint.path)
                    .filter(|_| endpoint.method.is_some())
                {
                    let first = first.line;
                    self.error(
                        number,
                        1,
                        format!(
                            "`{} {}` is described twice in one file",
                            endpoint.method.map_or("?", Method::as_str),
                            endpoint.path
                        ),
                        &format!("merge it with the block at line {first}"),
                    );
                }
                endpoints.push(endpoint);
                i = self.block_end(i + 1);
                continue;
            }
            if !trimmed.is_empty() {
                self.consume(i);
                self.warn(
                    number,
                    indent + 1,
                    "text outside of any endpoint block is ignored".into(),
                    "endpoint blocks start with a `METHOD /path` line",
                );
            }
            i += 1;
        }
        self.check_counts(header.counts, &endpoints);
        Some(Notes {
            path: self.path.to_owned(),
            title,
            version,
            release_type: header.release_type,
            previous: header.previous,
            endpoints,
        })
    }

    /// The endpoint block starting at line index `i`, when that line opens one.
    fn block_at(&mut self, i: usize, change: Option<Change>) -> Option<Endpoint> {
        let line = &self.lines[i];
        let number = line.number;
        let (word, path, renamed_from) = if let Some((old, new)) = rename_line(line) {
            let old_method = Method::parse(&old.0);
            (new.0, new.1, Some((old_method, old.1)))
        } else {
            let (word, path) = endpoint_line(line)?;
            (word, path, None)
        };
        self.consume(i);
        let method = Method::parse(&word);
        let bad_method = match &renamed_from {
            Some((None, _)) => true,
            _ => method.is_none(),
        };
        if bad_method {
            let word = match &renamed_from {
                Some((None, _)) => self.lines[i].trimmed.clone(),
                _ => word.clone(),
            };
            self.error(
                number,
                1,
                format!("unknown HTTP method `{word}`"),
                &format!("an endpoint line is `METHOD /path` with METHOD one of {METHODS}"),
            );
        }
        let change = match (change, &renamed_from) {
            (Some(Change::Renamed), None) => {
                self.error(
                    number,
                    1,
                    "an endpoint under `Renamed Endpoints` must say what it was renamed from"
                        .into(),
                    "write `METHOD /old/path → METHOD /new/path`",
                );
                Some(Change::Renamed)
            }
            (Some(_), Some(_)) | (None, Some(_)) => Some(Change::Renamed),
            (c, None) => c,
        };
        if change.is_none() {
            self.error(
                number,
                1,
                "endpoint outside of a section (is the `✅ New Endpoints` heading missing?)".into(),
                "put a `New Endpoints`, `Modified Endpoints`, `Deprecated Endpoints`, `Removed Endpoints` or `Renamed Endpoints` line before it",
            );
        }
        let end = self.block_end(i + 1);
        let mut endpoint = self.endpoint(
            i + 1,
            end,
            number,
            change.unwrap_or(Change::New),
            method,
            path,
        );
        endpoint.renamed_from = renamed_from.and_then(|(m, p)| m.map(|m| (m, p)));
        Some(endpoint)
    }

    /// The index of the line that ends the endpoint block starting at `start` (exclusive): the
    /// next endpoint line or section heading.
    fn block_end(&self, start: usize) -> usize {
        (start..self.lines.len())
            .find(|&j| self.is_boundary(j))
            .unwrap_or(self.lines.len())
    }

    /// The counts line must agree with the sections; a disagreement usually means a lost
    /// heading or endpoint line.
    fn check_counts(
        &mut self,
        counts: Option<(usize, Vec<(usize, Change)>)>,
        endpoints: &[Endpoint],
    ) {
        let Some((line, counts)) = counts else {
            return;
        };
        let all = [
            Change::New,
            Change::Modified,
            Change::Deprecated,
            Change::Removed,
            Change::Renamed,
        ];
        for which in all {
            let found = endpoints.iter().filter(|e| e.change == which).count();
            let announced = counts.iter().find(|(_, c)| *c == which).map(|(n, _)| *n);
            if announced.unwrap_or(0) != found {
                self.warn(
                    line,
                    1,
                    format!(
                        "the summary announces {} {} endpoint(s) but {found} were found",
                        announced.unwrap_or(0),
                        which.word()
                    ),
                    "check that every endpoint line is `METHOD /path` on a line of its own, under its section heading",
                );
            }
        }
    }
}
