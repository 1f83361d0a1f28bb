//! `$ref`s to components, read from the typed document.
//!
//! GitHub's description alone has thousands of `$ref`s to shared parameters and responses.
//! Resolving each one through the JSON value (clone the node, deserialize it again) was a large
//! share of lowering; the typed document already holds every component, so a reference of the
//! form `#/components/<section>/<key>` is a map lookup and a clone. Other pointers (into paths,
//! or into a schema) still go through the value.

use openapiv3::{
    Components, Example, Header, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

/// A kind of object that lives in one section of `components`.
pub(super) trait Component: serde::de::DeserializeOwned + Clone {
    /// The section's key under `components` (`parameters`, `requestBodies`, ...).
    const SECTION: &'static str;
    /// The entry named `key` in that section.
    fn get<'c>(components: &'c Components, key: &str) -> Option<&'c ReferenceOr<Self>>;
}

macro_rules! component {
    ($ty:ty, $section:literal, $field:ident) => {
        impl Component for $ty {
            const SECTION: &'static str = $section;
            fn get<'c>(components: &'c Components, key: &str) -> Option<&'c ReferenceOr<Self>> {
                components.$field.get(key)
            }
        }
    };
}

component!(Schema, "schemas", schemas);
component!(Response, "responses", responses);
component!(Parameter, "parameters", parameters);
component!(Example, "examples", examples);
component!(RequestBody, "requestBodies", request_bodies);
component!(Header, "headers", headers);

/// The component a decoded pointer fragment (`/components/parameters/owner`) names, when it
/// names one of `T`'s section directly.
pub(super) fn component_at<'c, T: Component>(
    components: Option<&'c Components>,
    fragment: &str,
) -> Option<&'c ReferenceOr<T>> {
    let rest = fragment.strip_prefix("/components/")?;
    let key = rest.strip_prefix(T::SECTION)?.strip_prefix('/')?;
    if key.contains('/') {
        return None;
    }
    T::get(
        components?,
        &specgen_ir::protocol::pointer::unescape_token(key),
    )
}

#[cfg(test)]
mod tests {
    use crate::ir::{ParamLocation, Primitive, ResponseBody, TypeRef};
    use crate::load::{SourceFile, SpecInput};

    /// A parameter reached through a chain of component `$ref`s, and a response schema reached
    /// through a pointer into another path: the first is served by the typed document, the second
    /// by the JSON value, which is rebuilt after being consumed.
    #[test]
    fn component_chains_and_pointers_into_paths_resolve() {
        let text = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - $ref: "#/components/parameters/Limit"
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {type: object, properties: {name: {type: string}}}
  /pets/{id}:
    get:
      operationId: getPets
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/paths/~1pets/get/responses/200/content/application~1json/schema"
components:
  parameters:
    Limit:
      $ref: "#/components/parameters/PageLimit"
    PageLimit: {name: limit, in: query, schema: {type: integer, format: int32}}
"##;
        let input = SpecInput::OpenApi {
            module: "pets".into(),
            document: SourceFile {
                path: "pets.yaml".into(),
                text: text.into(),
            },
            overlay: None,
        };
        let (apis, diagnostics) = crate::lower_inputs(&[input]);
        assert!(!diagnostics.has_errors(), "{diagnostics}");
        let api = &apis[0];
        let list = api.operations.iter().find(|o| o.path == "/pets").unwrap();
        let limit = &list.params[0];
        assert_eq!(
            (limit.wire_name.as_str(), limit.location, &limit.ty),
            (
                "limit",
                ParamLocation::Query,
                &TypeRef::Primitive(Primitive::I32)
            )
        );
        let body = |path: &str| {
            let op = api.operations.iter().find(|o| o.path == path).unwrap();
            match &op.responses[0].body {
                Some(ResponseBody::Json { ty, .. }) => ty.clone(),
                other => panic!("{other:?}"),
            }
        };
        let TypeRef::Array(item) = body("/pets/{id}") else {
            panic!("not an array")
        };
        assert!(matches!(*item, TypeRef::Named(_)), "{item:?}");
    }
}
