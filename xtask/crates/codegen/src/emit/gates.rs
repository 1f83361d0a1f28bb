//! `#[cfg(any(feature = …))]` on the items of an API split into tag features.
//!
//! The feature pass (`passes::features`) decided which features compile each operation and
//! type; this module only turns those lists into attributes. Every item emitter writes the
//! attribute (`text::Writer::cfg`) before each top-level item it writes, so a type and its
//! impls are compiled or left out together. For an API that is not split every list is empty
//! and nothing is written.

use super::text::lit;
use crate::ir::{Api, TypeRef};

/// The attribute for a list of features on one line (`feature = "…"` for one, `any(…)` for
/// several), or `None` for an empty list.
pub(super) fn attribute(features: &[String]) -> Option<String> {
    match features {
        [] => None,
        [one] => Some(format!("#[cfg(feature = {})]", lit(one))),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|f| format!("feature = {}", lit(f)))
                .collect();
            Some(format!("#[cfg(any({}))]", list.join(", ")))
        }
    }
}

/// The attribute of something written in terms of `t` (an example checked through it), as text
/// followed by a space, for the examples file.
pub(super) fn type_ref_text(api: &Api, t: &TypeRef) -> String {
    let features = match t {
        TypeRef::Named(name) => api.features.of_type(name),
        TypeRef::Array(i) | TypeRef::Map(i) | TypeRef::Nullable(i) | TypeRef::Boxed(i) => {
            return type_ref_text(api, i);
        }
        TypeRef::Primitive(_) | TypeRef::Json | TypeRef::FreeForm { .. } => &[],
    };
    attribute(features).map(|a| a + " ").unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::text::Writer;
    use super::*;

    #[test]
    fn one_feature_or_any_of_several() {
        assert_eq!(attribute(&[]), None);
        assert_eq!(
            attribute(&["api-repos".into()]).as_deref(),
            Some(r#"#[cfg(feature = "api-repos")]"#)
        );
        assert_eq!(
            attribute(&["a-b".into(), "a-c".into()]).as_deref(),
            Some(r#"#[cfg(any(feature = "a-b", feature = "a-c"))]"#)
        );
    }

    /// A list too long for one line breaks as prettyplease breaks it, and still parses.
    #[test]
    fn a_long_list_breaks_over_lines() {
        let many: Vec<String> = (0..9).map(|i| format!("api-feature-{i}")).collect();
        let mut w = Writer::new(1);
        w.cfg(&many);
        w.line("pub struct A;");
        assert!(
            w.out.starts_with(
                "    #[cfg(\n        any(\n            feature = \"api-feature-0\",\n"
            ),
            "{}",
            w.out
        );
        syn::parse_file(&w.out).expect("the attribute parses");
    }
}
