//! Schemas to types: `$ref`s, components, inline schemas and the kind of type each becomes
//! (primitive, newtype, enum, struct, union, map, or `serde_json::Value` with a warning).

use super::*;

/// `type: object` without properties or a typed `additionalProperties`.
const FREE_FORM_OBJECT: TypeRef = TypeRef::FreeForm {
    shape: JsonShape::Object,
    nullable: false,
};

/// `ty` made nullable for a `nullable: true` schema at a use site. `serde_json::Value` already
/// holds `null`, so free-form types take a flag instead of an `Option`, keeping their Rust type.
fn nullable_if(nullable: bool, ty: TypeRef) -> TypeRef {
    match ty {
        _ if !nullable => ty,
        TypeRef::Nullable(_) | TypeRef::Json => ty,
        TypeRef::FreeForm { shape, .. } => TypeRef::FreeForm {
            shape,
            nullable: true,
        },
        other => TypeRef::Nullable(Box::new(other)),
    }
}

/// A schema or a `$ref` to one, borrowed from where it sits (a component, a property, a
/// parameter). Lowering only reads schemas; passing a borrowed view down instead of a cloned
/// `ReferenceOr` keeps it from copying every subtree once per level of nesting.
#[derive(Clone, Copy)]
pub(super) enum SchemaAt<'s> {
    /// A `$ref`, by its target.
    Ref(&'s str),
    /// A schema written in place.
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SchemaAt<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaAt::Ref(reference),
            ReferenceOr::Item(s) => SchemaAt::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SchemaAt<'s> {
    fn from(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaAt::Ref(reference),
            ReferenceOr::Item(s) => SchemaAt::Item(s),
        }
    }
}

impl<'s> From<&'s Schema> for SchemaAt<'s> {
    fn from(schema: &'s Schema) -> Self {
        SchemaAt::Item(schema)
    }
}

impl<'s> SchemaAt<'s> {
    /// The schema written in place, if this is not a `$ref`.
    pub(super) fn item(self) -> Option<&'s Schema> {
        match self {
            SchemaAt::Item(s) => Some(s),
            SchemaAt::Ref(_) => None,
        }
    }
}

impl<'a> Lowerer<'a> {
    /// Resolves a `$ref` to a schema; reports refs to nowhere at `pointer` (the referring site).
    pub(super) fn schema_ref(&mut self, reference: &str, pointer: &str) -> TypeRef {
        if let Some(name) = self.component_names.get(reference) {
            return TypeRef::Named(name.clone());
        }
        if let Some(ty) = self.pointer_types.get(reference) {
            return ty.clone();
        }
        if let Some((schema, at)) = self.resolve_local::<Schema>(reference) {
            // A reference into a path or another schema: lower the target once, under its key.
            // The placeholder stops a target that refers back to itself from recursing forever.
            self.pointer_types
                .insert(reference.to_owned(), TypeRef::Json);
            let last = at
                .rsplit('/')
                .next()
                .unwrap_or("Schema")
                .replace("~1", "/")
                .replace("~0", "~");
            let ty = self.type_of(&*schema, &naming::type_name(&last), &at);
            self.pointer_types.insert(reference.to_owned(), ty.clone());
            return ty;
        }
        if !reference.starts_with('#') {
            self.error(pointer, format!("external reference `{reference}` is not supported"), "bundle the document into one file (for example with `redocly bundle`) and point specs/ at the result");
        } else {
            self.error(
                pointer,
                format!("`$ref: {reference}` points to nowhere"),
                "check the spelling against the keys under components.schemas",
            );
        }
        TypeRef::Json
    }

    /// Resolves a local `$ref` of any kind (`#/components/...`, `#/paths/...`) through the
    /// document, following chains of references; returns the target and its JSON pointer. A
    /// component is borrowed from the typed document; a target elsewhere is read from the JSON
    /// value, so it is owned.
    pub(super) fn resolve_local<T: super::refs::Component>(
        &self,
        reference: &str,
    ) -> Option<(Cow<'a, T>, String)> {
        let spec: &'a OpenAPI = self.spec;
        let mut reference = reference.to_owned();
        for _ in 0..16 {
            // A fragment is percent-encoded (`~1pets~1%7Bid%7D`); text that does not decode is
            // looked up as written, so a key that really contains `%` still resolves.
            let raw_fragment = reference.strip_prefix('#')?;
            let fragment = specgen_ir::protocol::percent::decode(raw_fragment)
                .unwrap_or_else(|_| raw_fragment.to_owned());
            match super::refs::component_at::<T>(spec.components.as_ref(), &fragment) {
                Some(ReferenceOr::Item(item)) => {
                    return Some((Cow::Borrowed(item), format!("#{fragment}")));
                }
                Some(ReferenceOr::Reference { reference: next }) => {
                    reference = next.clone();
                    continue;
                }
                None => {}
            }
            let node = self.parsed.raw().pointer(&fragment)?;
            match node.get("$ref").and_then(Value::as_str) {
                Some(next) => reference = next.to_owned(),
                None => {
                    return serde_json::from_value(node.clone())
                        .ok()
                        .map(|t| (Cow::Owned(t), format!("#{fragment}")));
                }
            }
        }
        None
    }

    /// The schema behind `$ref`s to components, following chains, for allOf merging.
    pub(super) fn resolve_schema<'s>(&self, schema: impl Into<SchemaAt<'s>>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        let spec: &'a OpenAPI = self.spec;
        let mut current = schema.into();
        for _ in 0..32 {
            match current {
                SchemaAt::Item(s) => return Some(s),
                SchemaAt::Ref(reference) => {
                    let key = reference.strip_prefix("#/components/schemas/")?;
                    current = spec.components.as_ref()?.schemas.get(key)?.into();
                }
            }
        }
        None
    }

    pub(super) fn record_example(&mut self, schema: &Schema, ty: &TypeRef, pointer: &str) {
        if let Some(example) = &schema.schema_data.example {
            self.examples.push(Example {
                origin: format!("{pointer}/example"),
                ty: ty.clone(),
                value: example.clone(),
            });
        }
    }

    /// The type of a schema used in a position (`hint` names it if it needs a named type).
    pub(super) fn type_of<'s>(
        &mut self,
        schema: impl Into<SchemaAt<'s>>,
        hint: &str,
        pointer: &str,
    ) -> TypeRef {
        match schema.into() {
            SchemaAt::Ref(reference) => self.schema_ref(reference, &format!("{pointer}/$ref")),
            SchemaAt::Item(schema) => {
                if self.depth > MAX_DEPTH {
                    self.warn(
                        pointer,
                        format!("schemas nest more than {MAX_DEPTH} levels deep here (a recursive allOf?); using serde_json::Value"),
                        "name the recursive part under components.schemas and refer to it with $ref",
                    );
                    return TypeRef::Json;
                }
                self.depth += 1;
                let ty = self.inline(schema, hint, pointer);
                self.depth -= 1;
                let ty = nullable_if(schema.schema_data.nullable, ty);
                self.record_example(schema, &ty, pointer);
                ty
            }
        }
    }

    /// Defines a component schema under its pre-claimed name: a real type when the schema needs
    /// one, otherwise an alias, so `$ref`s to it always name something.
    pub(super) fn define_component(
        &mut self,
        name: &str,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
    ) {
        let (kind, docs, deprecated) = match schema {
            ReferenceOr::Reference { reference } => (
                TypeKind::Alias(self.schema_ref(reference, &format!("{pointer}/$ref"))),
                None,
                None,
            ),
            ReferenceOr::Item(schema) => {
                let docs = schema.schema_data.description.clone();
                let deprecated = schema
                    .schema_data
                    .deprecated
                    .then(|| "deprecated by the API".to_owned());
                let kind = match self.kind_of(name, schema, pointer) {
                    Some(kind) => kind,
                    None => {
                        let ty = self.inline(schema, name, pointer);
                        // An alias wraps any type, `Value` included (`Option<Value>`).
                        TypeKind::Alias(if schema.schema_data.nullable {
                            TypeRef::Nullable(Box::new(ty))
                        } else {
                            ty
                        })
                    }
                };
                let ty = TypeRef::Named(name.to_owned());
                self.record_example(schema, &ty, pointer);
                (kind, docs, deprecated)
            }
        };
        self.defs.push(TypeDef {
            name: name.to_owned(),
            origin: pointer.to_owned(),
            docs,
            deprecated,
            kind,
        });
    }

    /// A type for an inline schema: a primitive or collection directly, or a new named type.
    pub(super) fn inline(&mut self, schema: &Schema, hint: &str, pointer: &str) -> TypeRef {
        if let Some(ty) = self.unnamed(schema, hint, pointer) {
            return ty;
        }
        let name = self.types.claim(hint);
        let kind = self
            .kind_of(&name, schema, pointer)
            .expect("unnamed() returned None, so the schema needs a named type");
        let deprecated = schema
            .schema_data
            .deprecated
            .then(|| "deprecated by the API".to_owned());
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: pointer.to_owned(),
            docs: schema.schema_data.description.clone(),
            deprecated,
            kind,
        });
        TypeRef::Named(name)
    }

    /// The type of a schema that needs no name of its own, or `None` when it does.
    pub(super) fn unnamed(
        &mut self,
        schema: &Schema,
        hint: &str,
        pointer: &str,
    ) -> Option<TypeRef> {
        if self.kind_is_named(schema) {
            return None;
        }
        Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => TypeRef::Primitive(match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Primitive::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Primitive::Date,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Primitive::Uuid,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "email" => Primitive::Email,
                _ => Primitive::String,
            }),
            SchemaKind::Type(Type::Integer(i)) => TypeRef::Primitive(match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Primitive::I32,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uint64" || f == "uint32" => {
                    Primitive::U64
                }
                _ => Primitive::I64,
            }),
            SchemaKind::Type(Type::Number(n)) => TypeRef::Primitive(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Primitive::F32,
                _ => Primitive::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Primitive(Primitive::Bool),
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => TypeRef::Array(Box::new(self.type_of(
                    items,
                    &format!("{hint}Item"),
                    &format!("{pointer}/items"),
                ))),
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => match &o.additional_properties {
                Some(AdditionalProperties::Schema(value)) => TypeRef::Map(Box::new(self.type_of(
                    &**value,
                    &format!("{hint}Value"),
                    &format!("{pointer}/additionalProperties"),
                ))),
                // Free-form, but still an object: a `Value` in Rust, checked as an object.
                _ => FREE_FORM_OBJECT,
            },
            SchemaKind::AllOf { all_of } if structural_parts(all_of).len() == 1 => {
                let i = structural_parts(all_of)[0];
                self.type_of(&all_of[i], hint, &format!("{pointer}/allOf/{i}"))
            }
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                // Only reached for a single non-null alternative (see kind_is_named).
                let key = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) {
                    "oneOf"
                } else {
                    "anyOf"
                };
                let (i, alt) = alts
                    .iter()
                    .enumerate()
                    .find(|(_, a)| !self.is_null_schema(a))
                    .expect("kind_is_named checked one alternative");
                let ty = self.type_of(alt, hint, &format!("{pointer}/{key}/{i}"));
                if alts.len() > 1 {
                    TypeRef::Nullable(Box::new(ty))
                } else {
                    ty
                }
            }
            SchemaKind::Any(any) => {
                if let Some(items) = &any.items {
                    TypeRef::Array(Box::new(self.type_of(
                        items,
                        &format!("{hint}Item"),
                        &format!("{pointer}/items"),
                    )))
                } else if let Some(AdditionalProperties::Schema(value)) = &any.additional_properties
                {
                    TypeRef::Map(Box::new(self.type_of(
                        &**value,
                        &format!("{hint}Value"),
                        &format!("{pointer}/additionalProperties"),
                    )))
                } else {
                    match any.typ.as_deref() {
                        Some("string") => TypeRef::Primitive(match any.format.as_deref() {
                            Some("uuid") => Primitive::Uuid,
                            Some("date-time") => Primitive::DateTime,
                            Some("date") => Primitive::Date,
                            Some("email") => Primitive::Email,
                            _ => Primitive::String,
                        }),
                        Some("integer") => {
                            TypeRef::Primitive(if any.format.as_deref() == Some("int32") {
                                Primitive::I32
                            } else {
                                Primitive::I64
                            })
                        }
                        Some("number") => TypeRef::Primitive(Primitive::F64),
                        Some("boolean") => TypeRef::Primitive(Primitive::Bool),
                        Some("object") => FREE_FORM_OBJECT,
                        // An array without `items` beside keywords that made it `Any`: still a
                        // `Value` (as it always was), but it must be an array.
                        Some("array") => TypeRef::FreeForm {
                            shape: JsonShape::Array,
                            nullable: false,
                        },
                        _ => TypeRef::Json,
                    }
                }
            }
            SchemaKind::Not { .. } => {
                self.warn(
                    pointer,
                    "`not` schemas cannot be expressed as a Rust type; using serde_json::Value"
                        .into(),
                    "nothing to do unless you need a typed value here",
                );
                TypeRef::Json
            }
            _ => TypeRef::Json,
        })
    }

    pub(super) fn is_null_schema(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Any(any) => {
                    any.typ.as_deref() == Some("null")
                        || (s.schema_data.nullable
                            && any.typ.is_none()
                            && any.properties.is_empty()
                            && any.enumeration.is_empty()
                            && any.items.is_none())
                }
                SchemaKind::Type(Type::String(st)) => {
                    st.enumeration.len() == 1 && st.enumeration[0].is_none()
                }
                _ => false,
            },
            ReferenceOr::Reference { .. } => false,
        }
    }

    /// True when the schema becomes a named type of its own.
    pub(super) fn kind_is_named(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let is_special = matches!(
                    &s.format,
                    VariantOrUnknownOrEmpty::Item(StringFormat::DateTime | StringFormat::Date)
                ) || matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid");
                s.enumeration.iter().any(Option::is_some)
                    || (!is_special
                        && (s.min_length.is_some()
                            || s.max_length.is_some()
                            || s.pattern.is_some()))
            }
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::AllOf { all_of } => structural_parts(all_of).len() != 1,
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => {
                alts.iter().filter(|a| !self.is_null_schema(a)).count() != 1
            }
            SchemaKind::Any(any) => {
                !any.properties.is_empty()
                    || !any.all_of.is_empty()
                    || !any.one_of.is_empty()
                    || !any.any_of.is_empty()
                    // A string enum without `type`, as OpenAPI 3.1 `const: X` becomes.
                    || (matches!(any.typ.as_deref(), None | Some("string"))
                        && !any.enumeration.is_empty()
                        && any.enumeration.iter().all(Value::is_string))
            }
            _ => false,
        }
    }

    /// The definition of a schema that needs a named type; `None` when it needs none.
    pub(super) fn kind_of(
        &mut self,
        name: &str,
        schema: &Schema,
        pointer: &str,
    ) -> Option<TypeKind> {
        if !self.kind_is_named(schema) {
            return None;
        }
        Some(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                TypeKind::Enum(string_enum(&values))
            }
            SchemaKind::Type(Type::String(s)) => TypeKind::Newtype(Newtype {
                inner: Primitive::String,
                min_length: s.min_length,
                max_length: s.max_length,
                pattern: s.pattern.clone(),
                bounds: None,
            }),
            SchemaKind::Type(Type::Object(o)) => {
                let props: Vec<Property<'_>> = o
                    .properties
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str(),
                            v.into(),
                            format!("{pointer}/properties/{}", escape_token(k)),
                        )
                    })
                    .collect();
                let required: BTreeSet<&str> = o.required.iter().map(String::as_str).collect();
                let additional = self.additional(o.additional_properties.as_ref(), name, pointer);
                TypeKind::Struct(self.build_struct(name, &props, &required, additional))
            }
            SchemaKind::AllOf { all_of } => self.merge_all_of(name, all_of, None, pointer),
            SchemaKind::OneOf { one_of: alts } => self.union(name, schema, alts, "oneOf", pointer),
            SchemaKind::AnyOf { any_of: alts } => self.union(name, schema, alts, "anyOf", pointer),
            SchemaKind::Any(any) => {
                if !any.all_of.is_empty() || !any.properties.is_empty() {
                    // Properties beside allOf are one more part of the merge, after the others.
                    let own = (!any.properties.is_empty()).then_some(any);
                    self.merge_all_of(name, &any.all_of, own, pointer)
                } else if !any.one_of.is_empty() {
                    self.union(name, schema, &any.one_of, "oneOf", pointer)
                } else if !any.any_of.is_empty() {
                    self.union(name, schema, &any.any_of, "anyOf", pointer)
                } else {
                    let values: Vec<String> = any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                    TypeKind::Enum(string_enum(&values))
                }
            }
            _ => unreachable!("kind_is_named covers every named kind"),
        })
    }

    pub(super) fn additional(
        &mut self,
        additional: Option<&AdditionalProperties>,
        name: &str,
        pointer: &str,
    ) -> Option<TypeRef> {
        match additional {
            Some(AdditionalProperties::Schema(value)) => Some(self.type_of(
                &**value,
                &format!("{name}Value"),
                &format!("{pointer}/additionalProperties"),
            )),
            Some(AdditionalProperties::Any(true)) => Some(TypeRef::Json),
            _ => None,
        }
    }
}
