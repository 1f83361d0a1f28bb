//! Path templates (`/v1/clients/{clientId}/documents`), parsed once into segments.

use super::percent;

/// One `/`-separated piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text that must match exactly (after percent-decoding of the request).
    Literal(String),
    /// A `{name}` placeholder, filled by a path parameter.
    Param(String),
    /// Text and placeholders within one segment (`{name}.json`, `v{major}.{minor}`).
    Mixed(Vec<Piece>),
}

/// A part of a [`Segment::Mixed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A `{name}` placeholder.
    Param(String),
}

/// Splits one segment into text and `{name}` placeholders.
fn pieces(segment: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let name = &rest[open + 1..close];
        if name.is_empty() || name.contains('{') {
            break;
        }
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_owned()));
        }
        out.push(Piece::Param(name.to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_owned()));
    }
    out
}

/// Matches `actual` against the pieces of a mixed segment: each placeholder takes the shortest
/// text up to the next literal piece (or the rest of the segment when it is last).
fn match_pieces(pieces: &[Piece], mut actual: &str, values: &mut Vec<(String, String)>) -> bool {
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Text(text) => match actual.strip_prefix(text.as_str()) {
                Some(rest) => actual = rest,
                None => return false,
            },
            Piece::Param(name) => {
                let end = match pieces.get(i + 1) {
                    Some(Piece::Text(next)) => match actual.find(next.as_str()) {
                        Some(at) => at,
                        None => return false,
                    },
                    _ => actual.len(),
                };
                if end == 0 {
                    return false;
                }
                values.push((name.clone(), actual[..end].to_owned()));
                actual = &actual[end..];
            }
        }
        i += 1;
    }
    actual.is_empty()
}

/// A parsed path template. Empty segments (a doubled or trailing `/`) are dropped, as routers
/// and vendors' guides treat `/a/` and `/a` alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTemplate {
    /// The segments, in order.
    pub segments: Vec<Segment>,
}

/// A request path that is not valid percent-encoded UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPath(pub String);

impl PathTemplate {
    /// Parses `template`. A segment that is exactly `{name}` is a parameter; one that mixes
    /// text and placeholders (`{id}.json`) is [`Segment::Mixed`]; unbalanced braces are
    /// literal text, so no template is ever rejected.
    pub fn parse(template: &str) -> PathTemplate {
        let segments = template
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                let parts = pieces(s);
                match parts.as_slice() {
                    [Piece::Param(name)] => Segment::Param(name.clone()),
                    parts if parts.iter().any(|p| matches!(p, Piece::Param(_))) => {
                        Segment::Mixed(parts.to_vec())
                    }
                    _ => Segment::Literal(s.to_owned()),
                }
            })
            .collect();
        PathTemplate { segments }
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().flat_map(|s| {
            let names: Vec<&str> = match s {
                Segment::Param(name) => vec![name.as_str()],
                Segment::Literal(_) => Vec::new(),
                Segment::Mixed(pieces) => pieces
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Param(name) => Some(name.as_str()),
                        Piece::Text(_) => None,
                    })
                    .collect(),
            };
            names
        })
    }

    /// The template with every parameter written `{}`: two templates with the same shape
    /// route the same requests, whatever their parameters are called.
    pub fn shape(&self) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Param(_) => out.push_str("{}"),
                Segment::Mixed(pieces) => {
                    for piece in pieces {
                        match piece {
                            Piece::Text(text) => out.push_str(text),
                            Piece::Param(_) => out.push_str("{}"),
                        }
                    }
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    /// How many literal segments the template has: when several templates match a request,
    /// the one with more literals wins (`/counterparties/plaid` over `/counterparties/{id}`).
    pub fn literal_count(&self) -> usize {
        self.segments
            .iter()
            .filter(|s| matches!(s, Segment::Literal(_)))
            .count()
    }

    /// Matches decoded request segments, returning the parameter values by name.
    pub fn match_segments(&self, segments: &[String]) -> Option<Vec<(String, String)>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        let mut values = Vec::new();
        for (template, actual) in self.segments.iter().zip(segments) {
            match template {
                Segment::Literal(text) if text == actual => {}
                Segment::Literal(_) => return None,
                Segment::Param(name) => values.push((name.clone(), actual.clone())),
                Segment::Mixed(pieces) => {
                    if !match_pieces(pieces, actual, &mut values) {
                        return None;
                    }
                }
            }
        }
        Some(values)
    }

    /// Fills the parameters with `value(name)` (already encoded by the caller).
    pub fn render(&self, mut value: impl FnMut(&str) -> String) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            out.push('/');
            match segment {
                Segment::Literal(text) => out.push_str(text),
                Segment::Param(name) => out.push_str(&value(name)),
                Segment::Mixed(pieces) => {
                    for piece in pieces {
                        match piece {
                            Piece::Text(text) => out.push_str(text),
                            Piece::Param(name) => out.push_str(&value(name)),
                        }
                    }
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }
}

/// Splits a request path (without its query) into percent-decoded segments, dropping empty
/// ones. An invalid escape or invalid UTF-8 is an error the server answers with 400.
pub fn request_segments(path: &str) -> Result<Vec<String>, BadPath> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent::decode(s).map_err(|e| BadPath(format!("path segment `{s}`: {e}"))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_into_literals_and_parameters() {
        let t = PathTemplate::parse("/v1/clients/{clientId}/documents/");
        assert_eq!(
            t.segments,
            [
                Segment::Literal("v1".into()),
                Segment::Literal("clients".into()),
                Segment::Param("clientId".into()),
                Segment::Literal("documents".into()),
            ]
        );
        assert_eq!(t.params().collect::<Vec<_>>(), ["clientId"]);
        assert_eq!(t.shape(), "/v1/clients/{}/documents");
        assert_eq!(t.literal_count(), 3);
        assert_eq!(PathTemplate::parse("/").shape(), "/");
        // Unbalanced braces are literal text.
        assert_eq!(
            PathTemplate::parse("/a{b").segments,
            [Segment::Literal("a{b".into())]
        );
    }

    #[test]
    fn matching_and_rendering_round_trip() {
        let t = PathTemplate::parse("/pets/{id}/toys/{toy}");
        let segments = request_segments("/pets/7/toys/a%20b").unwrap();
        assert_eq!(
            t.match_segments(&segments).unwrap(),
            [("id".into(), "7".into()), ("toy".into(), "a b".into())]
        );
        assert!(
            t.match_segments(&request_segments("/pets/7").unwrap())
                .is_none()
        );
        assert_eq!(t.render(|n| n.to_uppercase()), "/pets/ID/toys/TOY");
    }

    #[test]
    fn placeholders_inside_a_segment() {
        let t = PathTemplate::parse("/files/{name}.{ext}");
        assert_eq!(t.params().collect::<Vec<_>>(), ["name", "ext"]);
        assert_eq!(t.shape(), "/files/{}.{}");
        let segments = request_segments("/files/report.2026.pdf").unwrap();
        assert_eq!(
            t.match_segments(&segments).unwrap(),
            [
                ("name".into(), "report".into()),
                ("ext".into(), "2026.pdf".into())
            ]
        );
        assert!(
            t.match_segments(&request_segments("/files/.pdf").unwrap())
                .is_none()
        );
        assert_eq!(t.render(|n| n.to_owned()), "/files/name.ext");
    }

    #[test]
    fn bad_escapes_are_errors_not_panics() {
        for bad in ["/a/%", "/a/%zz", "/a/%e9", "/a/%€", "/%C3%28"] {
            assert!(request_segments(bad).is_err(), "{bad}");
        }
        assert_eq!(request_segments("/caf%C3%A9").unwrap(), ["café"]);
    }
}
