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
