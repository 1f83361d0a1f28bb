//! Path templates (`/v1/clients/{clientId}/documents`), parsed once into segments.

use super::percent;

/// One `/`-separated piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// Text that must match exactly (after percent-decoding of the request).
    Literal(String),
    /// A `{name}` placeholder, filled by a path parameter.
    Param(String),
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
    /// Parses `template`. A segment is a parameter only when it is exactly `{name}`; anything
    /// else (including `a{b}c`) is literal text, so no template is ever rejected.
    pub fn parse(template: &str) -> PathTemplate {
        let segments = template
            .split('/')
            .filter(|s| !s.is_empty())
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) if !name.is_empty() && !name.contains(['{', '}']) => {
                        Segment::Param(name.to_owned())
                    }
                    _ => Segment::Literal(s.to_owned()),
                },
            )
            .collect();
        PathTemplate { segments }
    }

    /// The parameter names, in order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Param(name) => Some(name.as_str()),
            Segment::Literal(_) => None,
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
        // Not a whole-segment placeholder: literal text.
        assert_eq!(
            PathTemplate::parse("/a{b}c").segments,
            [Segment::Literal("a{b}c".into())]
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
    fn bad_escapes_are_errors_not_panics() {
        for bad in ["/a/%", "/a/%zz", "/a/%e9", "/a/%€", "/%C3%28"] {
            assert!(request_segments(bad).is_err(), "{bad}");
        }
        assert_eq!(request_segments("/caf%C3%A9").unwrap(), ["café"]);
    }
}
