//! `Serialize` and `Deserialize` for plain structs: one `runtime::record::serde_record!` call
//! with a line per field, in place of the serde derives.
//!
//! A derive expands to about a dozen statements per field, and type-checking them was most of a
//! large crate's check time (the derives on GitHub's 1,800 structs); the macro's impls are one
//! statement per field each way and behave as the derives with `default`,
//! `skip_serializing_if = "Option::is_none"`, `rename` and `with = "double_option"` did (the
//! runtime module's docs list the rules). Structs that collect undeclared properties keep the
//! derive, because `flatten` buffers the whole map and has no short form.

use super::text::{self, Writer};
use crate::ir::*;

/// How a field travels: the `runtime::record` module that sends and reads it.
fn shape(f: &Field) -> &'static str {
    match (f.required, &f.ty) {
        // Always sent; a missing one is `missing_field`, or `None` for a nullable type.
        (true, _) => "required",
        // `Option<Option<T>>`: absent is `None`, `null` is `Some(None)`.
        (false, TypeRef::Nullable(_)) => "nullable",
        // `Option<T>`: absent is `None` and is not sent.
        (false, _) => "optional",
    }
}

/// Whether `s` gets the impls here rather than the derives.
pub(super) fn compact(s: &Struct) -> bool {
    s.additional.is_none()
}

/// The `serde_record!` call of a struct, gated by `cfg`: `index name "wire" shape` per field.
pub(super) fn record_text(w: &mut Writer, def: &TypeDef, s: &Struct, cfg: &[String]) {
    w.cfg(cfg);
    if s.fields.is_empty() {
        w.line(&format!(
            "crate::runtime::record::serde_record!({} {{}});",
            def.name
        ));
        return;
    }
    w.line(&format!(
        "crate::runtime::record::serde_record!({} {{",
        def.name
    ));
    w.nested(|w| {
        for (i, f) in s.fields.iter().enumerate() {
            let (name, wire) = (&f.name, text::lit(&f.wire_name));
            w.line(&format!("{i} {name} {wire} {},", shape(f)));
        }
    });
    w.line("});");
}
