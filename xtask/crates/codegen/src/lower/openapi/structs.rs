//! Object schemas: properties into struct fields, `allOf` merged into one struct, and
//! `oneOf`/`anyOf` into unions tagged by their discriminator or untagged.

use super::*;

/// A property on its way into a struct: its wire name, its schema, and its pointer.
pub(super) type Property<'s> = (&'s str, SchemaAt<'s>, String);

/// What the parts of an `allOf` add up to, borrowed from the parts: the properties in order,
/// the required names, and the last part's `additionalProperties`.
#[derive(Default)]
pub(super) struct Collected<'s> {
    props: Vec<Property<'s>>,
    required: BTreeSet<&'s str>,
    additional: Option<&'s AdditionalProperties>,
}

impl<'s> Collected<'s> {
    /// Adds one object part's properties (a later part restating one overrides it), required
    /// names and `additionalProperties`.
    fn add(
        &mut self,
        properties: impl IntoIterator<Item = (&'s String, &'s ReferenceOr<Box<Schema>>)>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
        pointer: &str,
    ) {
        for (key, value) in properties {
            let entry = (
                key.as_str(),
                value.into(),
                format!("{pointer}/properties/{}", escape_token(key)),
            );
            // A later part restating a property overrides the earlier definition.
            match self.props.iter_mut().find(|(k, ..)| *k == key) {
                Some(existing) => *existing = entry,
                None => self.props.push(entry),
            }
        }
        self.required.extend(required.iter().map(String::as_str));
        if additional.is_some() {
            self.additional = additional;
        }
    }
}

impl<'a> Lowerer<'a> {
    pub(super) fn build_struct(
        &mut self,
        name: &str,
        props: &[Property<'_>],
        required: &BTreeSet<&str>,
        additional: Option<TypeRef>,
    ) -> Struct {
        let mut field_names = Namespace::new();
        let mut fields = Vec::new();
        for &(wire, schema, ref pointer) in props {
            let hint = format!("{name}{}", self.type_word(wire));
            let ty = self.type_of(schema, &hint, pointer);
            let sensitive = sensitive_name(wire) || sensitive_schema(schema);
            let bounds = self.number_bounds(schema);
            let (docs, deprecated, read_only, write_only, default) = match schema {
                SchemaAt::Item(s) => (
                    s.schema_data.description.clone(),
                    s.schema_data
                        .deprecated
                        .then(|| "deprecated by the API".to_owned()),
                    s.schema_data.read_only,
                    s.schema_data.write_only,
                    s.schema_data.default.clone(),
                ),
                SchemaAt::Ref(_) => (None, None, false, false, None),
            };
            fields.push(Field {
                name: field_names.claim(self.value_word(wire)),
                wire_name: wire.to_owned(),
                ty,
                required: required.contains(wire),
                docs,
                deprecated,
                added_in: None,
                read_only,
                write_only,
                default,
                sensitive,
                bounds,
            });
        }
        Struct { fields, additional }
    }

    /// Collects the properties of an allOf part (following refs and nested allOfs).
    pub(super) fn collect_props<'s>(
        &self,
        schema: SchemaAt<'s>,
        pointer: &str,
        collected: &mut Collected<'s>,
        depth: usize,
    ) -> bool
    where
        'a: 's,
    {
        if depth > 16 {
            return false;
        }
        let pointer = match schema {
            SchemaAt::Ref(reference) => reference,
            SchemaAt::Item(_) => pointer,
        };
        let Some(resolved) = self.resolve_schema(schema) else {
            return false;
        };
        let (properties, req, add, all_of) = match &resolved.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                (&o.properties, &o.required, &o.additional_properties, None)
            }
            SchemaKind::AllOf { all_of } => {
                return all_of.iter().enumerate().all(|(i, p)| {
                    self.collect_props(
                        p.into(),
                        &format!("{pointer}/allOf/{i}"),
                        collected,
                        depth + 1,
                    )
                });
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => (
                &any.properties,
                &any.required,
                &any.additional_properties,
                Some(&any.all_of),
            ),
            _ => return false,
        };
        if let Some(all_of) = all_of {
            for (i, p) in all_of.iter().enumerate() {
                if !self.collect_props(
                    p.into(),
                    &format!("{pointer}/allOf/{i}"),
                    collected,
                    depth + 1,
                ) {
                    return false;
                }
            }
        }
        collected.add(properties, req, add.as_ref(), pointer);
        true
    }

    /// One struct from the parts of an `allOf`; `own` is a schema whose properties sit beside
    /// its `allOf`, merged as one more part after the others.
    pub(super) fn merge_all_of(
        &mut self,
        name: &str,
        parts: &[ReferenceOr<Schema>],
        own: Option<&openapiv3::AnySchema>,
        pointer: &str,
    ) -> TypeKind {
        let mut collected = Collected::default();
        let mut mergeable = true;
        for (i, part) in parts.iter().enumerate() {
            mergeable &= self.collect_props(
                part.into(),
                &format!("{pointer}/allOf/{i}"),
                &mut collected,
                0,
            );
        }
        if let Some(own) = own {
            // The own properties are an object part of their own, with the next part's pointer.
            let at = format!("{pointer}/allOf/{}", parts.len());
            collected.add(
                &own.properties,
                &own.required,
                own.additional_properties.as_ref(),
                &at,
            );
        }
        let count = parts.len() + usize::from(own.is_some());
        if !mergeable {
            // Parts that are not objects (a oneOf, a scalar) cannot be merged field by field.
            self.warn(pointer, format!("allOf with {count} parts that are not all objects cannot be merged into a struct; using serde_json::Value"), "nothing to do unless you need a typed value here");
            return TypeKind::Alias(TypeRef::Json);
        }
        let additional = self.additional(collected.additional, name, pointer);
        TypeKind::Struct(self.build_struct(name, &collected.props, &collected.required, additional))
    }

    pub(super) fn union(
        &mut self,
        name: &str,
        schema: &Schema,
        alts: &[ReferenceOr<Schema>],
        key: &str,
        pointer: &str,
    ) -> TypeKind {
        let nullable = alts.iter().any(|a| self.is_null_schema(a));
        let alts: Vec<(usize, &ReferenceOr<Schema>)> = alts
            .iter()
            .enumerate()
            .filter(|(_, a)| !self.is_null_schema(a))
            .collect();

        // A union of string enums or constants is one string enum.
        let mut values = Vec::new();
        let all_strings = alts.iter().all(|&(_, a)| match self.resolve_schema(a) {
            Some(Schema {
                schema_kind: SchemaKind::Type(Type::String(s)),
                ..
            }) if !s.enumeration.is_empty() => {
                values.extend(s.enumeration.iter().flatten().cloned());
                true
            }
            _ => false,
        });
        if all_strings && !values.is_empty() {
            let mut seen = BTreeSet::new();
            values.retain(|v| seen.insert(v.clone()));
            return TypeKind::Enum(string_enum(&values));
        }

        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut variant_names = Namespace::new();
        let mut variants = Vec::new();
        for (i, alt) in alts {
            let alt_pointer = format!("{pointer}/{key}/{i}");
            let (base, ty) = match alt {
                ReferenceOr::Reference { reference } => {
                    let ty = self.schema_ref(reference, &format!("{alt_pointer}/$ref"));
                    let base = ty
                        .direct_name()
                        .map(str::to_owned)
                        .unwrap_or_else(|| "Value".into());
                    (base, ty)
                }
                ReferenceOr::Item(s) => {
                    let ty = self.type_of(alt, &format!("{name}Variant{i}"), &alt_pointer);
                    let base = match &ty {
                        TypeRef::Named(_) => s
                            .schema_data
                            .title
                            .as_deref()
                            .map(naming::type_name)
                            .unwrap_or_else(|| format!("Variant{i}")),
                        other => primitive_variant_name(other),
                    };
                    (base, ty)
                }
            };
            let mut tags = Vec::new();
            if let (Some(d), ReferenceOr::Reference { reference }) = (discriminator, alt) {
                tags.extend(
                    d.mapping
                        .iter()
                        .filter(|(_, target)| {
                            *target == reference || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(value, _)| value.clone()),
                );
                if tags.is_empty() {
                    // Without a mapping, the tag is the component's key (OpenAPI 3.0 discriminator rules).
                    tags.push(reference.rsplit('/').next().unwrap_or(reference).to_owned());
                }
            }
            variants.push(UnionVariant {
                name: variant_names.claim(&base),
                ty,
                tags,
            });
        }
        let discriminator = discriminator
            .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
            .map(|d| d.property_name.clone());
        if nullable {
            self.warn(pointer, "a null alternative in a union is accepted as JSON null only where the field is optional".into(), "nothing to do; make the property optional if the API sends null for it");
        }
        TypeKind::Union(Union {
            discriminator,
            variants,
        })
    }
}

/// The indices of allOf parts that add structure: `$ref`s and schemas with a type, properties,
/// items, an enum or compositions. `allOf: [{$ref: X}, {description: ...}]`, the way many
/// generators attach a description to a reference, has one structural part and means just `X`.
pub(super) fn structural_parts(parts: &[ReferenceOr<Schema>]) -> Vec<usize> {
    let adds_structure = |part: &ReferenceOr<Schema>| match part {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Any(any) => {
                any.typ.is_some()
                    || !any.properties.is_empty()
                    || any.items.is_some()
                    || !any.enumeration.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    || any.additional_properties.is_some()
            }
            SchemaKind::Type(Type::Object(o)) => {
                !o.properties.is_empty() || o.additional_properties.is_some()
            }
            _ => true,
        },
    };
    (0..parts.len())
        .filter(|&i| adds_structure(&parts[i]))
        .collect()
}

/// A string enum with unique variant names.
pub fn string_enum(values: &[String]) -> StringEnum {
    let mut names = Namespace::new();
    StringEnum {
        variants: values
            .iter()
            .map(|v| EnumVariant {
                name: names.claim(&naming::type_name(v)),
                wire_name: v.clone(),
            })
            .collect(),
    }
}

pub(super) fn primitive_variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(Primitive::String | Primitive::Email) => "String".into(),
        TypeRef::Primitive(Primitive::Bool) => "Boolean".into(),
        TypeRef::Primitive(Primitive::I32 | Primitive::I64 | Primitive::U64) => "Integer".into(),
        TypeRef::Primitive(Primitive::F32 | Primitive::F64) => "Number".into(),
        TypeRef::Primitive(p) => format!("{p:?}"),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        _ => "Value".into(),
    }
}

/// True when an inline schema marks its value as secret: `x-specgen-sensitive: true` (from the
/// spec or an overlay) or `format: password`.
pub(super) fn sensitive_schema(schema: SchemaAt<'_>) -> bool {
    let SchemaAt::Item(schema) = schema else {
        return false;
    };
    let flagged = schema
        .schema_data
        .extensions
        .get("x-specgen-sensitive")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let password = matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)
    );
    flagged || password
}
