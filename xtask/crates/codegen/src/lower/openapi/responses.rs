//! Responses: per-status bodies, typed headers, and shared component responses lowered once.

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn response(
        &mut self,
        status: Status,
        variant: &str,
        response: &ReferenceOr<openapiv3::Response>,
        hint: &str,
        base: &str,
        pointer: &str,
    ) -> Option<Response> {
        let (response, at, cache_key, hint, headers_hint) = match response {
            ReferenceOr::Item(r) => (
                Cow::Borrowed(r),
                pointer.to_owned(),
                None,
                hint.to_owned(),
                format!("{base}{variant}Headers"),
            ),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<openapiv3::Response>(reference) {
                    Some((r, at)) => {
                        let key = at
                            .rsplit('/')
                            .next()
                            .unwrap_or_default()
                            .replace("~1", "/")
                            .replace("~0", "~");
                        let name = naming::type_name(&key);
                        (
                            r,
                            at,
                            Some(reference.clone()),
                            name.clone(),
                            format!("{name}Headers"),
                        )
                    }
                    _ => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.responses",
                        );
                        return None;
                    }
                }
            }
        };
        let (body, headers, headers_type) =
            match cache_key.as_ref().and_then(|k| self.response_cache.get(k)) {
                Some(cached) => cached.clone(),
                None => {
                    let body = self.response_body(&response, &hint, &at);
                    let headers = self.response_headers(&response, &headers_hint, &at);
                    let headers_type =
                        (!headers.is_empty()).then(|| self.types.claim(&headers_hint));
                    if let Some(key) = cache_key {
                        // A body named after a response component is named by the spec's author
                        // (`Conflict`): it must not be merged into a same-shaped `NotAuthorized`.
                        if let Some(ResponseBody::Json {
                            ty: TypeRef::Named(name),
                            ..
                        }) = &body
                        {
                            self.spec_named.insert(name.clone());
                        }
                        self.response_cache
                            .insert(key, (body.clone(), headers.clone(), headers_type.clone()));
                    }
                    (body, headers, headers_type)
                }
            };
        Some(Response {
            status,
            variant: variant.to_owned(),
            docs: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            body,
            headers,
            headers_type,
        })
    }

    pub(super) fn response_body(
        &mut self,
        response: &openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Option<ResponseBody> {
        let pick = |pred: &dyn Fn(&str) -> bool| response.content.iter().find(|(m, _)| pred(m));
        if let Some((media_type, media)) = pick(&|m| is_json(m)) {
            let at = format!("{pointer}/content/{}", escape_token(media_type));
            let ty = match &media.schema {
                Some(schema) => self.type_of(schema, hint, &format!("{at}/schema")),
                None => TypeRef::Json,
            };
            let examples = self.record_media_examples(media, &ty, &at);
            Some(ResponseBody::Json {
                media_type: media_type.clone(),
                ty,
                examples,
            })
        } else if let Some((media_type, _)) = pick(&|m| is_text(m)) {
            Some(ResponseBody::Text {
                media_type: media_type.clone(),
            })
        } else {
            response
                .content
                .keys()
                .next()
                .map(|media_type| ResponseBody::Binary {
                    media_type: media_type.clone(),
                })
        }
    }

    pub(super) fn response_headers(
        &mut self,
        response: &openapiv3::Response,
        hint: &str,
        pointer: &str,
    ) -> Vec<ResponseHeader> {
        let mut names = Namespace::new();
        let mut out = Vec::new();
        for (wire, header) in &response.headers {
            let at = format!("{pointer}/headers/{}", escape_token(wire));
            let (header, at) = match header {
                ReferenceOr::Item(h) => (Cow::Borrowed(h), at),
                ReferenceOr::Reference { reference } => {
                    match self.resolve_local::<openapiv3::Header>(reference) {
                        Some(found) => found,
                        None => {
                            self.error(
                                &format!("{at}/$ref"),
                                format!("`$ref: {reference}` points to nowhere"),
                                "check the spelling against the keys under components.headers",
                            );
                            continue;
                        }
                    }
                }
            };
            if wire.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => self.type_of(
                    schema,
                    &format!("{hint}{}", naming::type_name(wire)),
                    &format!("{at}/schema"),
                ),
                ParameterSchemaOrContent::Content(_) => TypeRef::Primitive(Primitive::String),
            };
            let bounds = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => self.number_bounds(schema),
                ParameterSchemaOrContent::Content(_) => None,
            };
            // Header values are scalars; anything structured is kept as the raw string.
            let ty = match ty {
                TypeRef::Primitive(_) => ty,
                TypeRef::Nullable(inner) if matches!(*inner, TypeRef::Primitive(_)) => *inner,
                _ => TypeRef::Primitive(Primitive::String),
            };
            // A header kept as its raw string holds no number to bound.
            let bounds = bounds.filter(|_| ty != TypeRef::Primitive(Primitive::String));
            out.push(ResponseHeader {
                name: names.claim(&naming::value_name(wire)),
                wire_name: wire.clone(),
                ty,
                required: header.required,
                docs: header.description.clone(),
                bounds,
            });
        }
        out
    }
}
