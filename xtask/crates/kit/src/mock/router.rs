//! Request paths to operations: literal segments beat parameters, and a path that exists under
//! another method is told apart from one that does not exist (405 versus 404).
//!
//! The router is built from the IR's path templates, not from a routing library's syntax, so two
//! specs that name the same parameter differently (`/a/{id}` and `/a/{key}`) can share a server.

use specgen_ir::ir::Method;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    /// A `{name}` segment; `prefix`/`suffix` hold text around it (`v{version}.json`).
    Param {
        name: String,
        prefix: String,
        suffix: String,
    },
}

/// One routable operation: which API and which operation of it.
#[derive(Debug, Clone)]
struct Route {
    target: (usize, usize),
    method: Method,
    segments: Vec<Segment>,
}

/// A route that matched: its count of literal segments, the route, and its path parameters.
type Candidate<'a> = (usize, &'a Route, Vec<(String, String)>);

/// What a request path and method found.
#[derive(Debug, PartialEq, Eq)]
pub enum Found {
    /// The operation `(api, operation)` with its path parameters, decoded.
    Operation((usize, usize), Vec<(String, String)>),
    /// The path exists, but not for this method; the methods it allows.
    MethodNotAllowed(Vec<Method>),
    /// No operation has this path.
    NotFound,
}

/// Every operation's path template, ready to match.
#[derive(Debug, Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
}

fn parse_template(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match (s.find('{'), s.rfind('}')) {
            (Some(open), Some(close)) if open < close => Segment::Param {
                name: s[open + 1..close].to_owned(),
                prefix: s[..open].to_owned(),
                suffix: s[close + 1..].to_owned(),
            },
            _ => Segment::Literal(s.to_owned()),
        })
        .collect()
}

/// Percent-decodes one path segment; invalid escapes are kept as written.
fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&segment[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Router {
    /// Adds the operation `target` answering `method` on the path template `path`.
    pub fn add(&mut self, target: (usize, usize), method: Method, path: &str) {
        self.routes.push(Route {
            target,
            method,
            segments: parse_template(path),
        });
    }

    /// Matches `method` and `path` (without the query string).
    pub fn find(&self, method: &str, path: &str) -> Found {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        // The best match has the most literal segments, so `/a/static` wins over `/a/{id}`.
        let mut best: Option<Candidate<'_>> = None;
        let mut allowed = Vec::new();
        for route in &self.routes {
            let Some(params) = matches(&route.segments, &parts) else {
                continue;
            };
            let literals = route
                .segments
                .iter()
                .filter(|s| matches!(s, Segment::Literal(_)))
                .count();
            if route.method.as_str().eq_ignore_ascii_case(method) {
                if best.as_ref().is_none_or(|(l, ..)| literals > *l) {
                    best = Some((literals, route, params));
                }
            } else if !allowed.contains(&route.method) {
                allowed.push(route.method);
            }
        }
        match best {
            Some((_, route, params)) => Found::Operation(route.target, params),
            None if !allowed.is_empty() => {
                allowed.sort();
                Found::MethodNotAllowed(allowed)
            }
            None => Found::NotFound,
        }
    }
}

fn matches(segments: &[Segment], parts: &[&str]) -> Option<Vec<(String, String)>> {
    if segments.len() != parts.len() {
        return None;
    }
    let mut params = Vec::new();
    for (segment, part) in segments.iter().zip(parts) {
        match segment {
            Segment::Literal(l) => {
                if l != part && *l != decode(part) {
                    return None;
                }
            }
            Segment::Param {
                name,
                prefix,
                suffix,
            } => {
                let inner = part.strip_prefix(prefix.as_str())?;
                let inner = inner.strip_suffix(suffix.as_str())?;
                if inner.is_empty() {
                    return None;
                }
                params.push((name.clone(), decode(inner)));
            }
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_win_and_methods_are_told_apart() {
        let mut router = Router::default();
        router.add((0, 0), Method::Get, "/a/{id}");
        router.add((0, 1), Method::Get, "/a/static");
        router.add((0, 2), Method::Post, "/a/{id}/settle");
        assert_eq!(
            router.find("GET", "/a/x%20y"),
            Found::Operation((0, 0), vec![("id".into(), "x y".into())])
        );
        assert_eq!(
            router.find("GET", "/a/static"),
            Found::Operation((0, 1), vec![])
        );
        assert_eq!(
            router.find("GET", "/a/1/settle"),
            Found::MethodNotAllowed(vec![Method::Post])
        );
        assert_eq!(router.find("GET", "/b"), Found::NotFound);
    }
}
