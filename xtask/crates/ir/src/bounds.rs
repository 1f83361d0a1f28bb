//! Numeric bounds, the validation metadata a number carries in the IR.
//!
//! A bound never changes a Rust type (an `i64` stays `i64`); it is what the mock and the
//! contract runner enforce and what the drift report compares. The sentences built here are the
//! one wording every tool uses for a number out of bounds.

/// Numeric bounds from a schema (`minimum`, `maximum`, their exclusive forms, `multipleOf`).
///
/// They are validation metadata: the generated code ignores them (an `i64` field stays `i64`),
/// while the mock, the contract runner and the drift report read them. Both spellings of
/// exclusivity end up here: OpenAPI 3.0's `exclusiveMinimum: true` beside `minimum`, and 3.1's
/// numeric `exclusiveMinimum: 5`, which the parser rewrites into the 3.0 form.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NumberBounds {
    /// The lower bound.
    pub minimum: Option<f64>,
    /// Whether the lower bound itself is excluded (`x > minimum` rather than `x >= minimum`).
    pub exclusive_minimum: bool,
    /// The upper bound.
    pub maximum: Option<f64>,
    /// Whether the upper bound itself is excluded.
    pub exclusive_maximum: bool,
    /// The value must be an integer multiple of this (`multipleOf`, always positive).
    pub multiple_of: Option<f64>,
}

impl NumberBounds {
    /// `None` when nothing is bounded, so IR without bounds stays as it was.
    pub fn non_empty(self) -> Option<NumberBounds> {
        (self.minimum.is_some() || self.maximum.is_some() || self.multiple_of.is_some())
            .then_some(self)
    }

    /// Every bound `x` breaks, each as a sentence naming the value and the bound
    /// (`0 is less than the minimum 1`). `shown` is how the value is written (its JSON text, so
    /// large integers are shown exactly).
    pub fn violations(&self, x: f64, shown: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(min) = self.minimum {
            if self.exclusive_minimum && x <= min {
                out.push(format!(
                    "{shown} is not greater than the exclusive minimum {min}"
                ));
            } else if x < min {
                out.push(format!("{shown} is less than the minimum {min}"));
            }
        }
        if let Some(max) = self.maximum {
            if self.exclusive_maximum && x >= max {
                out.push(format!(
                    "{shown} is not less than the exclusive maximum {max}"
                ));
            } else if x > max {
                out.push(format!("{shown} is greater than the maximum {max}"));
            }
        }
        if let Some(step) = self.multiple_of.filter(|s| *s > 0.0) {
            // Decimal steps (0.01) are not exact in binary, so the quotient is compared with
            // its nearest integer with a relative tolerance rather than by `%`.
            let q = x / step;
            if q.is_finite() && (q - q.round()).abs() > 1e-9 * q.abs().max(1.0) {
                out.push(format!("{shown} is not a multiple of {step}"));
            }
        }
        out
    }

    /// A value within the bounds, as close to `preferred` as they allow; `integer` keeps it
    /// whole. Used to synthesise conforming values. Contradictory bounds (minimum above maximum)
    /// give the lower bound.
    pub fn sample(&self, preferred: f64, integer: bool) -> f64 {
        let lo = self
            .minimum
            .map(|m| match (self.exclusive_minimum, integer) {
                (true, true) => m.floor() + 1.0,
                (false, true) => m.ceil(),
                (true, false) => self.maximum.map_or(m + 1.0, |hi| (m + hi) / 2.0),
                (false, false) => m,
            });
        let hi = self
            .maximum
            .map(|m| match (self.exclusive_maximum, integer) {
                (true, true) => m.ceil() - 1.0,
                (false, true) => m.floor(),
                (true, false) => self.minimum.map_or(m - 1.0, |lo| (m + lo) / 2.0),
                (false, false) => m,
            });
        let clamp = |x: f64| {
            let x = hi.map_or(x, |hi| x.min(hi));
            lo.map_or(x, |lo| x.max(lo))
        };
        let mut x = clamp(preferred);
        if let Some(step) = self.multiple_of.filter(|s| *s > 0.0) {
            x = (x / step).round() * step;
            if lo.is_some_and(|lo| x < lo) {
                x += step;
            }
            if hi.is_some_and(|hi| x > hi) {
                x -= step;
            }
        }
        x
    }

    /// A value that breaks the bounds and what it breaks (`above maximum 100`), for negative
    /// test cases; `None` when nothing bounds the value.
    pub fn outside(&self) -> Option<(String, f64)> {
        if let Some(max) = self.maximum {
            return Some(if self.exclusive_maximum {
                (format!("equal to the exclusive maximum {max}"), max)
            } else {
                (format!("above maximum {max}"), max + 1.0)
            });
        }
        if let Some(min) = self.minimum {
            return Some(if self.exclusive_minimum {
                (format!("equal to the exclusive minimum {min}"), min)
            } else {
                (format!("below minimum {min}"), min - 1.0)
            });
        }
        let step = self.multiple_of.filter(|s| *s > 0.0)?;
        Some((format!("not a multiple of {step}"), step * 1.5))
    }
}

#[cfg(test)]
mod tests {
    use super::NumberBounds;

    #[test]
    fn inclusive_and_exclusive_bounds_differ_exactly_at_the_bound() {
        let inclusive = NumberBounds {
            minimum: Some(1.0),
            maximum: Some(100.0),
            ..NumberBounds::default()
        };
        assert!(inclusive.violations(1.0, "1").is_empty());
        assert!(inclusive.violations(100.0, "100").is_empty());
        assert_eq!(
            inclusive.violations(0.0, "0"),
            ["0 is less than the minimum 1"]
        );
        assert_eq!(
            inclusive.violations(101.0, "101"),
            ["101 is greater than the maximum 100"]
        );
        let exclusive = NumberBounds {
            minimum: Some(0.0),
            exclusive_minimum: true,
            maximum: Some(10.0),
            exclusive_maximum: true,
            ..NumberBounds::default()
        };
        assert_eq!(
            exclusive.violations(0.0, "0"),
            ["0 is not greater than the exclusive minimum 0"]
        );
        assert_eq!(
            exclusive.violations(10.0, "10"),
            ["10 is not less than the exclusive maximum 10"]
        );
        assert!(exclusive.violations(0.5, "0.5").is_empty());
    }

    #[test]
    fn multiples_tolerate_decimal_steps() {
        let cents = NumberBounds {
            multiple_of: Some(0.01),
            ..NumberBounds::default()
        };
        assert!(cents.violations(19.99, "19.99").is_empty());
        assert_eq!(
            cents.violations(0.005, "0.005"),
            ["0.005 is not a multiple of 0.01"]
        );
        assert_eq!(NumberBounds::default().non_empty(), None);
    }

    #[test]
    fn samples_fall_inside_and_outside_values_break_the_bounds() {
        let cases = [
            NumberBounds {
                minimum: Some(0.0),
                exclusive_minimum: true,
                ..NumberBounds::default()
            },
            NumberBounds {
                minimum: Some(10.0),
                maximum: Some(20.0),
                multiple_of: Some(3.0),
                ..NumberBounds::default()
            },
            NumberBounds {
                maximum: Some(-5.0),
                exclusive_maximum: true,
                ..NumberBounds::default()
            },
        ];
        for b in cases {
            for integer in [true, false] {
                let x = b.sample(1.0, integer);
                assert!(b.violations(x, "x").is_empty(), "{b:?} sample {x}");
            }
            let (_, bad) = b.outside().unwrap();
            assert!(!b.violations(bad, "x").is_empty(), "{b:?} outside {bad}");
        }
    }
}
