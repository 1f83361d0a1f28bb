//! Numeric bounds (`minimum`, `maximum`, exclusive forms, `multipleOf`) read off the schema at
//! each place a number can appear: a property, a parameter, a response header.
//!
//! Bounds never change a type, so they are read beside `type_of` rather than inside it: the
//! schema at a site is followed through `$ref`s, array `items`, map values and single-part
//! `allOf`/`oneOf`/`anyOf` wrappers to the number it holds, and that number's bounds become the
//! site's. Objects stop the walk: their properties carry their own bounds.

use super::*;

/// How many references and wrappers are followed before giving up (a reference cycle through
/// arrays, say); a site that deep simply carries no bounds.
const MAX_HOPS: usize = 32;

impl<'a> Lowerer<'a> {
    /// The bounds of the numbers the schema holds, or `None` when it holds no bounded number.
    pub(super) fn number_bounds<'s>(
        &self,
        schema: impl Into<SchemaAt<'s>>,
    ) -> Option<NumberBounds> {
        self.bounds_at(schema.into(), 0)
    }

    /// [`Self::number_bounds`] of a schema reached after `hops` references and wrappers. The
    /// schemas are borrowed; only a target outside `components` is read into a value of its own.
    fn bounds_at(&self, schema: SchemaAt<'_>, hops: usize) -> Option<NumberBounds> {
        if hops >= MAX_HOPS {
            return None;
        }
        let resolved;
        let current = match schema {
            SchemaAt::Item(s) => s,
            SchemaAt::Ref(reference) => {
                resolved = self.resolve_local::<Schema>(reference)?.0;
                &*resolved
            }
        };
        let next: SchemaAt<'_> = match &current.schema_kind {
            SchemaKind::Type(Type::Integer(i)) => {
                return NumberBounds {
                    minimum: i.minimum.map(|v| v as f64),
                    exclusive_minimum: i.exclusive_minimum && i.minimum.is_some(),
                    maximum: i.maximum.map(|v| v as f64),
                    exclusive_maximum: i.exclusive_maximum && i.maximum.is_some(),
                    multiple_of: i.multiple_of.filter(|m| *m > 0).map(|m| m as f64),
                }
                .non_empty();
            }
            SchemaKind::Type(Type::Number(n)) => {
                return NumberBounds {
                    minimum: n.minimum,
                    exclusive_minimum: n.exclusive_minimum && n.minimum.is_some(),
                    maximum: n.maximum,
                    exclusive_maximum: n.exclusive_maximum && n.maximum.is_some(),
                    multiple_of: n.multiple_of.filter(|m| *m > 0.0),
                }
                .non_empty();
            }
            SchemaKind::Type(Type::Array(a)) => a.items.as_ref()?.into(),
            SchemaKind::Type(Type::Object(o)) if o.properties.is_empty() => {
                match &o.additional_properties {
                    Some(AdditionalProperties::Schema(value)) => (&**value).into(),
                    _ => return None,
                }
            }
            SchemaKind::AllOf { all_of } if structural_parts(all_of).len() == 1 => {
                (&all_of[structural_parts(all_of)[0]]).into()
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                let mut non_null = alts.iter().filter(|a| !self.is_null_schema(a));
                match (non_null.next(), non_null.next()) {
                    (Some(only), None) => only.into(),
                    _ => return None,
                }
            }
            SchemaKind::Any(any) if any.properties.is_empty() => {
                if let Some(items) = &any.items {
                    items.into()
                } else if matches!(any.typ.as_deref(), Some("integer" | "number")) {
                    return NumberBounds {
                        minimum: any.minimum,
                        exclusive_minimum: any.exclusive_minimum == Some(true)
                            && any.minimum.is_some(),
                        maximum: any.maximum,
                        exclusive_maximum: any.exclusive_maximum == Some(true)
                            && any.maximum.is_some(),
                        multiple_of: any.multiple_of.filter(|m| *m > 0.0),
                    }
                    .non_empty();
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        self.bounds_at(next, hops + 1)
    }
}
