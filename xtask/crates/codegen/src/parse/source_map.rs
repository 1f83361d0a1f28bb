//! Maps JSON pointers in a YAML or JSON document back to line:column.
//!
//! serde gives us plain values without positions, which is what every later stage wants. Only
//! when a diagnostic needs a position do we re-read the text with yaml-rust2's marked events and
//! record where each node starts. JSON is YAML for this purpose, so one map serves both. A map
//! entry points at the key of an object member (the line a reader looks for), or at the item of a
//! sequence.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Positions of every node in one document, by JSON pointer (without the leading `#`).
#[derive(Debug, Default)]
pub struct SourceMap {
    positions: HashMap<String, (usize, usize)>,
}

enum Frame {
    Map {
        pointer: String,
        key: Option<String>,
    },
    Seq {
        pointer: String,
        next: usize,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

pub use specgen_ir::protocol::pointer::escape_token;

impl Builder {
    /// Works out the pointer of the node that starts at `mark`, records it, and returns it; for a
    /// mapping key it records the key's position under the member's pointer and returns `None`.
    fn node(&mut self, scalar: Option<&str>, mark: Marker) -> Option<String> {
        let here = (mark.line(), mark.col() + 1);
        match self.stack.last_mut() {
            None => {
                // The document itself starts at the top, whatever the parser marks for it.
                self.positions.entry(String::new()).or_insert((1, 1));
                Some(String::new())
            }
            Some(Frame::Map { pointer, key }) => match key.take() {
                None => {
                    let name = scalar.unwrap_or_default().to_owned();
                    let member = format!("{pointer}/{}", escape_token(&name));
                    self.positions.entry(member).or_insert(here);
                    *key = Some(name);
                    None
                }
                Some(name) => {
                    let member = format!("{pointer}/{}", escape_token(&name));
                    self.positions.entry(member.clone()).or_insert(here);
                    Some(member)
                }
            },
            Some(Frame::Seq { pointer, next }) => {
                let item = format!("{pointer}/{next}");
                *next += 1;
                self.positions.entry(item.clone()).or_insert(here);
                Some(item)
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => {
                self.node(Some(&text), mark);
            }
            Event::Alias(_) => {
                self.node(None, mark);
            }
            Event::MappingStart(..) => {
                // A mapping used as a key has no pointer; it still needs a frame to balance the end.
                let pointer = self.node(None, mark).unwrap_or_default();
                self.stack.push(Frame::Map { pointer, key: None });
            }
            Event::SequenceStart(..) => {
                let pointer = self.node(None, mark).unwrap_or_default();
                self.stack.push(Frame::Seq { pointer, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

impl SourceMap {
    /// Builds the map for `text`; a document that does not parse yields an empty map (its syntax
    /// error is reported by the loader with its own position).
    pub fn new(text: &str) -> Self {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(text);
        if parser.load(&mut builder, false).is_err() {
            return SourceMap::default();
        }
        SourceMap {
            positions: builder.positions,
        }
    }

    /// The line:column of the node at `pointer` (`#/paths/~1pets` or `/paths/~1pets`), or of its
    /// nearest ancestor that exists, so a dangling pointer still lands near the problem.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut pointer = pointer.strip_prefix('#').unwrap_or(pointer);
        loop {
            if let Some(pos) = self.positions.get(pointer) {
                return Some(*pos);
            }
            pointer = &pointer[..pointer.rfind('/')?];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_items_and_ancestors() {
        let text = "openapi: 3.0.2\npaths:\n  /v1/pets:\n    get:\n      tags:\n        - a\n        - b\n";
        let map = SourceMap::new(text);
        assert_eq!(map.locate("#/openapi"), Some((1, 1)));
        assert_eq!(map.locate("#/paths/~1v1~1pets"), Some((3, 3)));
        assert_eq!(map.locate("#/paths/~1v1~1pets/get/tags/1"), Some((7, 11)));
        assert_eq!(
            map.locate("#/paths/~1v1~1pets/get/nothing/here"),
            Some((4, 5))
        );
    }

    #[test]
    fn locates_in_json() {
        let text = "{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}\n";
        let map = SourceMap::new(text);
        // `2` is the 14th character of `    "b": [1, 2]`.
        assert_eq!(map.locate("/a/b/1"), Some((3, 14)));
        assert_eq!(map.locate("/a"), Some((2, 3)));
    }
}
