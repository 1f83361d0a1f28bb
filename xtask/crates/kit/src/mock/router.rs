//! Request paths to operations: literal segments beat parameters, and a path that exists under
//! another method is told apart from one that does not exist (405 versus 404).
//!
//! The router is built from the IR's path templates, not from a routing library's syntax, so two
//! specs that name the same parameter differently (`/a/{id}` and `/a/{key}`) can share a server.
//! Templates and percent-decoding are the shared vocabulary's (`specgen_ir::protocol::path`):
//! placeholders inside a segment (`{name}.json`) match, and a request path that does not decode
//! (`%zz`, `%FF`) is reported, never guessed at.

use specgen_ir::ir::Method;
use specgen_ir::protocol::path::{PathTemplate, request_segments};

/// One routable operation: which API and which operation of it.
#[derive(Debug, Clone)]
struct Route {
    target: (usize, usize),
    method: Method,
    template: PathTemplate,
    /// `template.literal_count()`, counted once.
    literals: usize,
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
    /// The path is not valid percent-encoded UTF-8 (`%zz`, `%FF`): a 400, with this reason.
    BadPath(String),
}

/// Every operation's path template, ready to match.
#[derive(Debug, Clone, Default)]
pub struct Router {
    routes: Vec<Route>,
}

impl Router {
    /// Adds the operation `target` answering `method` on the path template `path`.
    pub fn add(&mut self, target: (usize, usize), method: Method, path: &str) {
        let template = PathTemplate::parse(path);
        self.routes.push(Route {
            target,
            method,
            literals: template.literal_count(),
            template,
        });
    }

    /// Matches `method` and `path` (without the query string). The path templates that match
    /// with the most literal segments decide: `/a/static` wins over `/a/{id}` even when only
    /// `/a/{id}` has the method asked for, which is then 405, because the request names the
    /// literal resource.
    pub fn find(&self, method: &str, path: &str) -> Found {
        let parts = match request_segments(path) {
            Ok(parts) => parts,
            Err(bad) => return Found::BadPath(bad.0),
        };
        let mut best: Option<Candidate<'_>> = None;
        let mut most = None;
        let mut allowed = Vec::new();
        for route in &self.routes {
            let Some(params) = route.template.match_segments(&parts) else {
                continue;
            };
            let literals = route.literals;
            if most.is_none_or(|m| literals > m) {
                most = Some(literals);
                allowed.clear();
                best = None;
            } else if most != Some(literals) {
                continue;
            }
            if route.method.as_str().eq_ignore_ascii_case(method) {
                if best.is_none() {
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
        // A literal path with another method is 405, not the parameter route.
        router.add((0, 3), Method::Post, "/c/plaid");
        router.add((0, 4), Method::Get, "/c/{id}");
        assert_eq!(
            router.find("GET", "/c/plaid"),
            Found::MethodNotAllowed(vec![Method::Post])
        );
        assert_eq!(
            router.find("GET", "/c/x"),
            Found::Operation((0, 4), vec![("id".into(), "x".into())])
        );
    }

    #[test]
    fn placeholders_inside_a_segment_route() {
        let mut router = Router::default();
        router.add((0, 0), Method::Get, "/files/{name}.json");
        router.add((0, 1), Method::Get, "/files/index.json");
        assert_eq!(
            router.find("GET", "/files/report.json"),
            Found::Operation((0, 0), vec![("name".into(), "report".into())])
        );
        assert_eq!(
            router.find("GET", "/files/index.json"),
            Found::Operation((0, 1), vec![])
        );
        assert_eq!(router.find("GET", "/files/report.xml"), Found::NotFound);
    }

    #[test]
    fn bad_escapes_are_a_reason_not_a_panic() {
        let mut router = Router::default();
        router.add((0, 0), Method::Get, "/a/{id}");
        for raw in [
            "/a/%",
            "/a/%%",
            "/a/%e2%82",
            "/a/%\u{e9}",
            "/a/\u{e9}%",
            "/a/%zz",
            "/a/%c3%28",
            "/a/a%2",
        ] {
            match router.find("GET", raw) {
                Found::BadPath(reason) => assert!(reason.contains("path segment"), "{reason}"),
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert_eq!(
            router.find("GET", "/a/%e2%82%ac"),
            Found::Operation((0, 0), vec![("id".into(), "\u{20ac}".into())])
        );
        // An encoded slash stays inside its segment.
        assert_eq!(
            router.find("GET", "/a/x%2Fy"),
            Found::Operation((0, 0), vec![("id".into(), "x/y".into())])
        );
    }
}
