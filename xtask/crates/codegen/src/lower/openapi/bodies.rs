//! Request bodies by media type: JSON, multipart parts, forms, raw bytes and text, with their
//! documented examples recorded for round-trip checks.

use super::*;

impl<'a> Lowerer<'a> {
    /// Records a media type's examples for round-trip checks and returns their values.
    pub(super) fn record_media_examples(
        &mut self,
        media: &openapiv3::MediaType,
        ty: &TypeRef,
        pointer: &str,
    ) -> Vec<Value> {
        let before = self.examples.len();
        if let Some(example) = &media.example {
            self.examples.push(Example {
                origin: format!("{pointer}/example"),
                ty: ty.clone(),
                value: example.clone(),
            });
        }
        for (name, example) in &media.examples {
            let at = format!("{pointer}/examples/{}", escape_token(name));
            let value = match example {
                ReferenceOr::Item(e) => e.value.clone(),
                ReferenceOr::Reference { reference } => {
                    match self.resolve_local::<openapiv3::Example>(reference) {
                        Some((e, _)) => e.value.clone(),
                        None => {
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref: {reference}` points to nowhere"),
                                "check the spelling against the keys under components.examples",
                            );
                            None
                        }
                    }
                }
            };
            if let Some(value) = value {
                self.examples.push(Example {
                    origin: at,
                    ty: ty.clone(),
                    value,
                });
            }
        }
        self.examples[before..]
            .iter()
            .map(|e| e.value.clone())
            .collect()
    }

    pub(super) fn request_body(
        &mut self,
        body: &ReferenceOr<openapiv3::RequestBody>,
        base: &str,
        pointer: &str,
    ) -> Option<RequestBody> {
        let (body, pointer) = match body {
            ReferenceOr::Item(b) => (Cow::Borrowed(b), pointer.to_owned()),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<openapiv3::RequestBody>(reference) {
                    Some(found) => found,
                    None => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.requestBodies",
                        );
                        return None;
                    }
                }
            }
        };
        let hint = format!("{base}Request");
        let pick = |pred: &dyn Fn(&str) -> bool| body.content.iter().find(|(m, _)| pred(m));
        let content = if let Some((media_type, media)) = pick(&|m| is_json(m)) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, &hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            let examples = self.record_media_examples(media, &ty, &at);
            BodyContent::Json {
                media_type: media_type.clone(),
                ty,
                examples,
            }
        } else if let Some((media_type, media)) = pick(&|m| m.starts_with("multipart/form-data")) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            self.multipart(media, &hint, &at)?
        } else if let Some((media_type, media)) =
            pick(&|m| m.starts_with("application/x-www-form-urlencoded"))
        {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, &hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            BodyContent::Form { ty }
        } else if let Some((media_type, _)) = pick(&|m| is_text(m)) {
            BodyContent::Text {
                media_type: media_type.clone(),
            }
        } else if let Some((media_type, _)) = body.content.iter().next() {
            BodyContent::Binary {
                media_type: media_type.clone(),
            }
        } else {
            self.warn(
                &pointer,
                "request body has no content; it is not sent".into(),
                "add a `content` entry with a media type",
            );
            return None;
        };
        Some(RequestBody {
            required: body.required,
            docs: body.description.clone(),
            content,
        })
    }

    pub(super) fn multipart(
        &mut self,
        media: &openapiv3::MediaType,
        hint: &str,
        pointer: &str,
    ) -> Option<BodyContent> {
        let schema_pointer = format!("{pointer}/schema");
        let resolved = media.schema.as_ref().and_then(|s| self.resolve_schema(s));
        let object = match resolved.map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Object(o))) if !o.properties.is_empty() => o,
            _ => {
                self.warn(
                    &schema_pointer,
                    "multipart body without an object schema; it is sent as raw bytes".into(),
                    "describe each part as a property of an object schema",
                );
                return Some(BodyContent::Binary {
                    media_type: "multipart/form-data".into(),
                });
            }
        };
        let name = match &media.schema {
            Some(ReferenceOr::Reference { reference })
                if self.component_names.contains_key(reference) =>
            {
                // The component struct is reused; file parts are typed by the component already.
                self.component_names[reference].clone()
            }
            _ => self.types.claim(hint),
        };
        let required: BTreeSet<String> = object.required.iter().cloned().collect();
        let mut field_names = Namespace::new();
        let mut parts = Vec::new();
        let mut fields = Vec::new();
        for (wire, prop) in &object.properties {
            let at = format!("{schema_pointer}/properties/{}", escape_token(wire));
            let prop = SchemaAt::from(prop);
            let is_file = matches!(self.resolve_schema(prop), Some(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. }) if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Byte)));
            let (ty, kind) = if is_file {
                (TypeRef::Primitive(Primitive::File), PartKind::File)
            } else {
                let ty = self.type_of(prop, &format!("{name}{}", naming::type_name(wire)), &at);
                let kind = match &ty {
                    TypeRef::Primitive(_) => PartKind::Text,
                    TypeRef::Named(n)
                        if self.defs.iter().any(|d| {
                            &d.name == n
                                && matches!(d.kind, TypeKind::Enum(_) | TypeKind::Newtype(_))
                        }) =>
                    {
                        PartKind::Text
                    }
                    _ => PartKind::Json,
                };
                (ty, kind)
            };
            let field = field_names.claim(&naming::value_name(wire));
            let docs = prop.item().and_then(|s| s.schema_data.description.clone());
            parts.push(MultipartPart {
                field: field.clone(),
                wire_name: wire.clone(),
                required: required.contains(wire),
                kind,
            });
            fields.push(Field {
                name: field,
                wire_name: wire.clone(),
                ty,
                required: required.contains(wire),
                docs,
                deprecated: None,
                added_in: None,
                read_only: false,
                write_only: false,
                default: None,
                sensitive: sensitive_name(wire) || sensitive_schema(prop),
                bounds: self.number_bounds(prop),
            });
        }
        // A multipart struct is its own definition even when the schema is a component, because
        // file parts are typed differently from the component's JSON shape.
        let name = if self.defs.iter().any(|d| d.name == name) {
            self.types.claim(hint)
        } else {
            name
        };
        self.defs.retain(|d| d.name != name);
        self.defs.push(TypeDef {
            name: name.clone(),
            origin: schema_pointer,
            docs: resolved.and_then(|s| s.schema_data.description.clone()),
            deprecated: None,
            kind: TypeKind::Struct(Struct {
                fields,
                additional: None,
            }),
        });
        Some(BodyContent::Multipart { ty: name, parts })
    }
}
