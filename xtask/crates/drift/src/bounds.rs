//! Numeric bounds compared: which of `minimum`, `maximum` and `multipleOf` now accept fewer
//! values (a tightening) or more (a relaxation), with exclusivity counted.
//!
//! A bound is ordered by its number and then by its exclusivity: an exclusive minimum of 5
//! accepts less than an inclusive minimum of 5, so moving from one to the other is a change
//! even though the number is the same. The same comparison serves struct fields, parameters,
//! response headers and constrained scalars, so every site that holds a number is judged alike.

use super::compare::{At, Comparer};
use specgen_ir::ir::NumberBounds;

/// One bound that changed.
struct BoundChange {
    /// `minimum`, `maximum` or `multipleOf`.
    what: &'static str,
    /// True when the revision accepts fewer values than the base.
    tight: bool,
    /// `changed from 0 to exclusive 0`.
    shown: String,
    /// The rule for a tightening of a request value.
    request_id: &'static str,
}

/// Where a bounded value travels, which decides the rules a change gets.
#[derive(Debug, Clone, Copy)]
pub(super) struct Travels {
    /// Sent by the client.
    pub(super) request: bool,
    /// Received by the client.
    pub(super) response: bool,
}

fn show(bound: Option<(f64, bool)>) -> String {
    match bound {
        None => "none".into(),
        Some((v, true)) => format!("exclusive {v}"),
        Some((v, false)) => v.to_string(),
    }
}

/// Every bound that differs between `a` and `b`.
fn changes(a: Option<&NumberBounds>, b: Option<&NumberBounds>) -> Vec<BoundChange> {
    let none = NumberBounds::default();
    let (a, b) = (a.unwrap_or(&none), b.unwrap_or(&none));
    let lower = |n: &NumberBounds| n.minimum.map(|v| (v, n.exclusive_minimum));
    let upper = |n: &NumberBounds| n.maximum.map(|v| (v, n.exclusive_maximum));
    let mut out = Vec::new();
    // A lower bound accepts fewer values as its number rises, then as it becomes exclusive.
    let (lo_a, lo_b) = (lower(a), lower(b));
    if lo_a != lo_b {
        let tight = match (lo_a, lo_b) {
            (None, _) => true,
            (_, None) => false,
            (Some((x, ex)), Some((y, ey))) => y > x || (y == x && ey && !ex),
        };
        out.push(BoundChange {
            what: "minimum",
            tight,
            shown: format!("changed from {} to {}", show(lo_a), show(lo_b)),
            request_id: "request-property-min-increased",
        });
    }
    // An upper bound accepts fewer values as its number falls, then as it becomes exclusive.
    let (hi_a, hi_b) = (upper(a), upper(b));
    if hi_a != hi_b {
        let tight = match (hi_a, hi_b) {
            (None, _) => true,
            (_, None) => false,
            (Some((x, ex)), Some((y, ey))) => y < x || (y == x && ey && !ex),
        };
        out.push(BoundChange {
            what: "maximum",
            tight,
            shown: format!("changed from {} to {}", show(hi_a), show(hi_b)),
            request_id: "request-property-max-decreased",
        });
    }
    if a.multiple_of != b.multiple_of {
        // Multiples of `y` are all multiples of `x` exactly when `y` is a multiple of `x`; any
        // other new step rejects values the old one accepted, so it counts as a tightening.
        let multiple = |y: f64, x: f64| (y / x - (y / x).round()).abs() < 1e-9;
        let tight = match (a.multiple_of, b.multiple_of) {
            (_, None) => false,
            (None, Some(_)) => true,
            // Relaxed only when the old step is a multiple of the new one and not the reverse.
            (Some(x), Some(y)) => !multiple(x, y) || multiple(y, x),
        };
        let shown = |m: Option<f64>| m.map_or("none".into(), |m| m.to_string());
        out.push(BoundChange {
            what: "multipleOf",
            tight,
            shown: format!(
                "changed from {} to {}",
                shown(a.multiple_of),
                shown(b.multiple_of)
            ),
            request_id: "request-property-multiple-of-changed",
        });
    }
    out
}

impl Comparer<'_> {
    /// Reports each bound of `label` (`property \`age\``) that changed, under the request rules,
    /// the response rules or both, as `travels` says.
    pub(super) fn number_bounds(
        &mut self,
        at: &At,
        label: &str,
        a: Option<&NumberBounds>,
        b: Option<&NumberBounds>,
        travels: Travels,
    ) {
        for c in changes(a, b) {
            let message = format!("{label}: {} {}", c.what, c.shown);
            if travels.request {
                let id = if c.tight {
                    c.request_id
                } else {
                    "request-property-bounds-relaxed"
                };
                self.push(id, at, None, message.clone());
            }
            if travels.response {
                let id = if c.tight {
                    "response-property-bounds-tightened"
                } else {
                    "response-property-bounds-relaxed"
                };
                self.push(id, at, None, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::changes;
    use specgen_ir::ir::NumberBounds;

    fn min(v: f64, exclusive: bool) -> NumberBounds {
        NumberBounds {
            minimum: Some(v),
            exclusive_minimum: exclusive,
            ..NumberBounds::default()
        }
    }

    #[test]
    fn exclusivity_orders_bounds_with_the_same_number() {
        let tight = |a: NumberBounds, b: NumberBounds| {
            changes(Some(&a), Some(&b))
                .iter()
                .map(|c| c.tight)
                .collect::<Vec<_>>()
        };
        assert_eq!(tight(min(5.0, false), min(5.0, true)), [true]);
        assert_eq!(tight(min(5.0, true), min(5.0, false)), [false]);
        assert_eq!(tight(min(5.0, true), min(6.0, false)), [true]);
        assert_eq!(tight(min(5.0, false), min(5.0, false)), Vec::<bool>::new());
        let step = |m: f64| NumberBounds {
            multiple_of: Some(m),
            ..NumberBounds::default()
        };
        assert_eq!(tight(step(2.0), step(4.0)), [true]);
        assert_eq!(tight(step(4.0), step(2.0)), [false]);
        assert_eq!(tight(step(2.0), step(3.0)), [true]);
        let shown: Vec<String> = changes(Some(&min(0.0, false)), Some(&min(0.0, true)))
            .into_iter()
            .map(|c| c.shown)
            .collect();
        assert_eq!(shown, ["changed from 0 to exclusive 0"]);
    }
}
