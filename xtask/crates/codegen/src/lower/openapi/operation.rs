//! Operations: the method name, parameters (path-item level overridden by operation level, in
//! path order), security requirements, and the per-operation types (params, success, error).

use super::*;
use specgen_ir::protocol::path::PathTemplate;

impl<'a> Lowerer<'a> {
    pub(super) fn parameter<'p>(
        &mut self,
        param: &'p ReferenceOr<OaParameter>,
        pointer: &str,
    ) -> Option<(Cow<'p, OaParameter>, String)>
    where
        'a: 'p,
    {
        match param {
            ReferenceOr::Item(p) => Some((Cow::Borrowed(p), pointer.to_owned())),
            ReferenceOr::Reference { reference } => {
                match self.resolve_local::<OaParameter>(reference) {
                    Some(found) => Some(found),
                    None => {
                        self.error(
                            &format!("{pointer}/$ref"),
                            format!("`$ref: {reference}` points to nowhere"),
                            "check the spelling against the keys under components.parameters",
                        );
                        None
                    }
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn operation(
        &mut self,
        path: &str,
        method: Method,
        item: &openapiv3::PathItem,
        op: &openapiv3::Operation,
        pointer: &str,
        fn_names: &mut Namespace,
        schemes: &[SecurityScheme],
    ) -> Option<Operation> {
        let raw_name = match &op.operation_id {
            Some(id) if !id.trim().is_empty() => naming::value_name(id),
            _ => derive_operation_name(method, path),
        };
        let fn_name = fn_names.claim(&raw_name);
        let base = naming::type_name(fn_name.trim_start_matches("r#"));
        let merged = self.merged_parameters(item, op, pointer);
        let params = self.lower_parameters(path, &base, &merged, pointer);
        let body = match &op.request_body {
            Some(body) => self.request_body(body, &base, &format!("{pointer}/requestBody")),
            None => None,
        };
        let responses = self.responses(&op.responses, &base, pointer);
        let security = self.security_keys(op, schemes, pointer);

        let params_type = params
            .iter()
            .any(Parameter::grouped)
            .then(|| self.types.claim(&format!("{base}Params")));
        let has_errors = responses.iter().any(|r| !r.status.is_success());
        let error_type = has_errors.then(|| self.types.claim(&format!("{base}Error")));
        let success_type = (responses.iter().filter(|r| r.status.is_success()).count() > 1)
            .then(|| self.types.claim(&format!("{base}Success")));

        Some(Operation {
            fn_name,
            operation_id: op.operation_id.clone(),
            method,
            path: path.to_owned(),
            origin: pointer.to_owned(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated.then(|| "deprecated by the API".to_owned()),
            security,
            params,
            body,
            responses,
            error_type,
            success_type,
            shared_error: None,
            shared_success: None,
            params_type,
            pagination: self.pagination(op, pointer),
            stream_fn: None,
        })
    }

    /// The paging convention an overlay declares with `x-specgen-pagination`
    /// (`{style: cursor|page|offset|none, param, items, next}`), or `None` when none is declared.
    fn pagination(&mut self, op: &openapiv3::Operation, pointer: &str) -> Option<Pagination> {
        let declared = op.extensions.get("x-specgen-pagination")?;
        let at = format!("{pointer}/x-specgen-pagination");
        let text = |key: &str| declared.get(key).and_then(Value::as_str).map(str::to_owned);
        let style = match text("style").as_deref() {
            Some("cursor") => PageStyle::Cursor,
            Some("page") => PageStyle::Page,
            Some("offset") => PageStyle::Offset,
            Some("none") => PageStyle::None,
            _ => {
                self.error(
                    &at,
                    "pagination needs `style: cursor`, `page`, `offset` or `none`".into(),
                    "declare e.g. `{style: cursor, param: cursor, items: items, next: next_page}`",
                );
                return None;
            }
        };
        let (param, items) = (
            text("param").unwrap_or_default(),
            text("items").unwrap_or_default(),
        );
        let next = text("next");
        if style != PageStyle::None
            && (param.is_empty()
                || items.is_empty()
                || (style == PageStyle::Cursor && next.is_none()))
        {
            self.error(
                &at,
                "pagination needs `param` and `items` (and `next` for cursors)".into(),
                "name the query parameter, the response property with the items and, for cursors, the one with the next cursor",
            );
            return None;
        }
        Some(Pagination {
            style,
            param,
            items,
            next,
        })
    }

    /// Parameters: path-item level, overridden by operation level with the same name and
    /// location, each with the pointer it was declared at.
    fn merged_parameters<'p>(
        &mut self,
        item: &'p openapiv3::PathItem,
        op: &'p openapiv3::Operation,
        pointer: &str,
    ) -> Vec<(Cow<'p, OaParameter>, String)>
    where
        'a: 'p,
    {
        let mut merged: Vec<(Cow<'p, OaParameter>, String)> = Vec::new();
        let levels = [
            (
                &item.parameters,
                pointer
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_owned())
                    .unwrap_or_default(),
            ),
            (&op.parameters, pointer.to_owned()),
        ];
        for (params, base_pointer) in levels {
            for (i, p) in params.iter().enumerate() {
                if let Some((p, at)) = self.parameter(p, &format!("{base_pointer}/parameters/{i}"))
                {
                    let key = |q: &OaParameter| {
                        (
                            q.parameter_data_ref().name.clone(),
                            std::mem::discriminant(q),
                        )
                    };
                    merged.retain(|(q, _)| key(q) != key(&p));
                    merged.push((p, at));
                }
            }
        }
        merged
    }

    /// The operation's parameters: path parameters first, in path order (undeclared ones typed
    /// as strings, with a warning), then the others in declaration order.
    fn lower_parameters(
        &mut self,
        path: &str,
        base: &str,
        merged: &[(Cow<'_, OaParameter>, String)],
        pointer: &str,
    ) -> Vec<Parameter> {
        let mut arg_names =
            Namespace::with_reserved(crate::passes::names::FIXED_ARGUMENTS.iter().copied());
        let template = PathTemplate::parse(path);
        let template_names: Vec<&str> = template.params().collect();
        let mut path_params = Vec::new();
        for name in &template_names {
            let declared = merged.iter().any(|(p, _)| {
                matches!(**p, OaParameter::Path { .. }) && p.parameter_data_ref().name == *name
            });
            if !declared {
                self.warn(
                    pointer,
                    format!("path parameter `{{{name}}}` is not declared; it is typed as a string"),
                    "declare it under `parameters` with `in: path`",
                );
                path_params.push(Parameter {
                    name: arg_names.claim(&naming::value_name(name)),
                    wire_name: (*name).to_owned(),
                    location: ParamLocation::Path,
                    ty: TypeRef::Primitive(Primitive::String),
                    required: true,
                    docs: None,
                    explode: false,
                    idempotency_key: false,
                    signature: false,
                    deprecated: None,
                    bounds: None,
                });
            }
        }
        let mut other_params = Vec::new();
        for (p, at) in merged {
            let Some(param) =
                self.lower_parameter(p, at, path, base, &template_names, &mut arg_names)
            else {
                continue;
            };
            if param.location == ParamLocation::Path {
                path_params.push(param);
            } else {
                other_params.push(param);
            }
        }
        path_params.sort_by_key(|p| template_names.iter().position(|n| *n == p.wire_name));
        path_params.extend(other_params);
        path_params
    }

    /// One declared parameter, or None for those the HTTP client sets itself and for path
    /// parameters the path does not have (both with a reason).
    fn lower_parameter(
        &mut self,
        p: &OaParameter,
        at: &str,
        path: &str,
        base: &str,
        template_names: &[&str],
        arg_names: &mut Namespace,
    ) -> Option<Parameter> {
        let (location, explode_default) = match p {
            OaParameter::Path { .. } => (ParamLocation::Path, false),
            OaParameter::Query { .. } => (ParamLocation::Query, true),
            OaParameter::Header { .. } => (ParamLocation::Header, false),
            OaParameter::Cookie { .. } => (ParamLocation::Cookie, true),
        };
        let data = p.parameter_data_ref();
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization", "content-length"]
                .contains(&data.name.to_ascii_lowercase().as_str())
        {
            // OpenAPI says the first three are ignored; the HTTP client sets all four itself.
            return None;
        }
        if location == ParamLocation::Path && !template_names.contains(&data.name.as_str()) {
            self.warn(
                at,
                format!(
                    "path parameter `{}` does not appear in the path `{path}`; it is ignored",
                    data.name
                ),
                "remove it, or add `{name}` to the path",
            );
            return None;
        }
        let hint = format!("{base}{}", naming::type_name(&data.name));
        let bounds = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.number_bounds(schema),
            ParameterSchemaOrContent::Content(content) => content
                .values()
                .next()
                .and_then(|media| media.schema.as_ref())
                .and_then(|schema| self.number_bounds(schema)),
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.type_of(schema, &hint, &format!("{at}/schema"))
            }
            ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                Some((_, media)) => match &media.schema {
                    Some(schema) => self.type_of(schema, &hint, &format!("{at}/content")),
                    None => TypeRef::Primitive(Primitive::String),
                },
                None => TypeRef::Primitive(Primitive::String),
            },
        };
        if let Some(example) = &data.example {
            self.examples.push(Example {
                origin: format!("{at}/example"),
                ty: ty.clone(),
                value: example.clone(),
            });
        }
        let flag = |name: &str| {
            data.extensions
                .get(name)
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        // A parameter is either sent or not; `null` has no encoding in a query or header.
        let ty = match ty {
            TypeRef::Nullable(inner) => *inner,
            other => other,
        };
        // Query, header and cookie parameters are fields of the params struct, whose own
        // namespace the naming pass does not touch; positional ones share the argument list.
        Some(Parameter {
            name: arg_names.claim(&naming::value_name(&data.name)),
            wire_name: data.name.clone(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            docs: data.description.clone(),
            explode: data.explode.unwrap_or(explode_default),
            idempotency_key: flag("x-specgen-idempotency-key"),
            signature: flag("x-specgen-signature"),
            deprecated: data
                .deprecated
                .unwrap_or(false)
                .then(|| "deprecated by the API".to_owned()),
            bounds,
        })
    }

    /// Every documented response, sorted by status.
    fn responses(
        &mut self,
        documented: &openapiv3::Responses,
        base: &str,
        pointer: &str,
    ) -> Vec<Response> {
        let mut responses = Vec::new();
        let success_count = documented
            .responses
            .keys()
            .filter(|s| status_of(s).is_success())
            .count();
        for (status, response) in &documented.responses {
            let status = status_of(status);
            let variant = variant_for(status);
            let hint = if status.is_success() && success_count == 1 {
                format!("{base}Response")
            } else {
                format!("{base}{variant}Response")
            };
            let at = format!("{pointer}/responses/{}", status.key());
            if let Some(r) = self.response(status, &variant, response, &hint, base, &at) {
                responses.push(r);
            }
        }
        if let Some(default) = &documented.default {
            if let Some(r) = self.response(
                Status::Default,
                "Default",
                default,
                &format!("{base}DefaultResponse"),
                base,
                &format!("{pointer}/responses/default"),
            ) {
                responses.push(r);
            }
        }
        responses.sort_by_key(|r| r.status);
        responses
    }

    /// The security schemes the operation requires (its own, or the document's), each named
    /// once; a requirement naming an undeclared scheme is an error.
    fn security_keys(
        &mut self,
        op: &openapiv3::Operation,
        schemes: &[SecurityScheme],
        pointer: &str,
    ) -> Vec<String> {
        let requirements = op.security.as_ref().or(self.spec.security.as_ref());
        let mut keys = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for key in requirement.keys() {
                if keys.contains(key) {
                    continue;
                }
                if schemes.iter().any(|s| &s.key == key) {
                    keys.push(key.clone());
                } else {
                    self.error(
                        &format!("{pointer}/security"),
                        format!("security requirement names `{key}`, which is not under components.securitySchemes"),
                        "add the scheme under components.securitySchemes or fix the name",
                    );
                }
            }
        }
        keys
    }
}

pub(super) fn variant_for(status: Status) -> String {
    match status {
        Status::Code(code) => naming::status_variant(code),
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".into(),
    }
}

/// The IR's status for one of the document's response keys.
pub(super) fn status_of(code: &openapiv3::StatusCode) -> Status {
    match code {
        openapiv3::StatusCode::Code(c) => Status::Code(*c),
        openapiv3::StatusCode::Range(r) => Status::Range(*r),
    }
}

/// A stable method name for an operation without `operationId`: method plus path words, with
/// path parameters as `by_<name>` (`GET /pets/{petId}/toys` → `get_pets_by_pet_id_toys`).
pub fn derive_operation_name(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => words.push(format!(
                "by_{}",
                naming::value_name(param).trim_start_matches("r#")
            )),
            None => words.push(
                naming::value_name(segment)
                    .trim_start_matches("r#")
                    .to_owned(),
            ),
        }
    }
    naming::value_name(&words.join("_"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_operation_names_are_stable() {
        assert_eq!(
            derive_operation_name(Method::Get, "/pets/{petId}/toys"),
            "get_pets_by_pet_id_toys"
        );
        assert_eq!(derive_operation_name(Method::Post, "/"), "post");
        assert_eq!(
            derive_operation_name(Method::Delete, "/v1/{type}"),
            "delete_v1_by_type"
        );
    }
}
