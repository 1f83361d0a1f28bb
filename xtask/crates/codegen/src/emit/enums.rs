//! Open enums: string enums and tagged unions that keep values the spec does not list.
//!
//! Vendors add enum values and union variants in minor releases; a closed enum turns each such
//! addition into a failed call. So every generated enum is `#[non_exhaustive]` and has one extra
//! variant that keeps the unknown wire value (the text of a string enum, the raw JSON of a tagged
//! union), which round-trips byte for byte. The contract kit stays strict: the mock and the
//! runner validate against the IR, not these types, and still report undocumented values.

use super::text::{self, Writer};
use crate::ir::*;

/// The name of the variant that keeps unknown values: `Unknown`, or `Unknown2`, `Unknown3`, …
/// when the spec already has a variant of that name.
pub(super) fn unknown_variant<'a>(names: impl Iterator<Item = &'a str> + Clone) -> String {
    let taken = |candidate: &str| names.clone().any(|n| n == candidate);
    let mut candidate = "Unknown".to_owned();
    let mut n = 1;
    while taken(&candidate) {
        n += 1;
        candidate = format!("Unknown{n}");
    }
    candidate
}

/// A string enum, its inherent impl and the runtime macro that adds its trait impls.
pub(super) fn enum_text(w: &mut Writer, def: &TypeDef, e: &StringEnum, cfg: &[String]) {
    let name = &def.name;
    let unknown = unknown_variant(e.variants.iter().map(|v| v.name.as_str()));
    w.cfg(cfg);
    w.docs(&[def.docs.as_deref()]);
    w.deprecated(&def.deprecated);
    w.line("#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    w.line("#[non_exhaustive]");
    w.line(&format!("pub enum {name} {{"));
    w.nested(|w| {
        for v in &e.variants {
            w.docs(&[Some(&format!("`{}`", v.wire_name))]);
            w.line(&format!("{},", v.name));
        }
        w.line("/// A value the spec does not list (yet), kept as received so it round-trips.");
        w.line(&format!("{unknown}(::std::string::String),"));
    });
    w.line("}");
    w.cfg(cfg);
    w.line(&format!("impl {name} {{"));
    w.nested(|w| {
        w.line("/// Every value the spec lists, in its order.");
        let all: Vec<String> = e
            .variants
            .iter()
            .map(|v| format!("Self::{}", v.name))
            .collect();
        w.list("pub const ALL: &'static [Self] = &[", &all, "];", true);
        w.line("/// The value as it appears on the wire (the received text for unknown values).");
        w.line("pub fn as_str(&self) -> &str {");
        w.nested(|w| {
            w.line("match self {");
            w.nested(|w| {
                for v in &e.variants {
                    w.arm(&format!("Self::{}", v.name), &text::lit(&v.wire_name));
                }
                w.line(&format!("Self::{unknown}(value) => value.as_str(),"));
            });
            w.line("}");
        });
        w.line("}");
        w.line("/// The variant for a wire value; values the spec does not list keep their text.");
        w.line("pub fn from_wire(value: &str) -> Self {");
        w.nested(|w| {
            w.line("match value {");
            w.nested(|w| {
                for v in &e.variants {
                    w.arm(&text::lit(&v.wire_name), &format!("Self::{}", v.name));
                }
                w.line(&format!("other => Self::{unknown}(other.to_owned()),"));
            });
            w.line("}");
        });
        w.line("}");
        w.line("/// False for values the spec does not list.");
        w.line("pub fn is_known(&self) -> bool {");
        w.nested(|w| w.line(&format!("!matches!(self, Self::{unknown}(_))")));
        w.line("}");
    });
    w.line("}");
    w.cfg(cfg);
    let call = format!("crate::runtime::open_string_enum!({name}, {unknown});");
    if text::fits(w.indent(), call.len()) {
        w.line(&call);
    } else {
        // prettyplease keeps a macro's arguments together on one line of their own.
        w.line("crate::runtime::open_string_enum!(");
        w.nested(|w| w.line(&format!("{name}, {unknown}")));
        w.line(");");
    }
}

/// The `deserialize` signature of a hand-written `Deserialize` impl.
pub(super) fn deserialize_signature(w: &mut Writer) {
    w.signature(
        "fn deserialize<D: ::serde::Deserializer<'de>>",
        &["deserializer: D".to_owned()],
        "::std::result::Result<Self, D::Error>",
    );
}

/// `let value = <T as Deserialize>::deserialize(deserializer)?;`
pub(super) fn deserialize_value(w: &mut Writer, ty: &str) {
    let line = format!("let value = <{ty} as ::serde::Deserialize>::deserialize(deserializer)?;");
    if text::fits(w.indent(), line.len()) {
        w.line(&line);
    } else {
        w.line(&format!(
            "let value = <{ty} as ::serde::Deserialize>::deserialize("
        ));
        w.nested(|w| w.line("deserializer,"));
        w.line(")?;");
    }
}

/// A pattern of alternatives followed by `tail`: as many per line as fit, later lines starting
/// with `| `, as prettyplease fills them.
fn alternatives(w: &mut Writer, alternatives: &[String], tail: &str) {
    let mut current = String::new();
    for (i, alternative) in alternatives.iter().enumerate() {
        let last = i + 1 == alternatives.len();
        let extra = if last { tail.len() } else { 0 };
        if current.is_empty() {
            current = alternative.clone();
        } else if text::fits(w.indent(), current.len() + 3 + alternative.len() + extra) {
            current = format!("{current} | {alternative}");
        } else {
            w.line(&current);
            current = format!("| {alternative}");
        }
    }
    w.line(&format!("{current}{tail}"));
}

/// A union: untagged, or selected by a discriminator with a variant that keeps unknown tags.
pub(super) fn union_text(w: &mut Writer, def: &TypeDef, u: &Union, cfg: &[String]) {
    let name = &def.name;
    let unknown = unknown_variant(u.variants.iter().map(|v| v.name.as_str()));
    w.cfg(cfg);
    w.docs(&[def.docs.as_deref()]);
    w.deprecated(&def.deprecated);
    if u.discriminator.is_some() {
        w.line("#[derive(Debug, Clone, PartialEq, ::serde::Serialize)]");
    } else {
        w.line("#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]");
    }
    w.line("#[serde(untagged)]");
    w.line("#[non_exhaustive]");
    w.line(&format!("pub enum {name} {{"));
    w.nested(|w| {
        for v in &u.variants {
            if !v.tags.is_empty() {
                let listed: Vec<String> = v.tags.iter().map(|t| format!("`{t}`")).collect();
                w.docs(&[Some(&format!("Selected by: {}.", listed.join(", ")))]);
            }
            let line = format!("{}({}),", v.name, text::ty(&v.ty, false));
            if text::fits(w.indent(), line.len()) {
                w.line(&line);
            } else {
                w.line(&format!("{}(", v.name));
                w.nested(|w| w.field_line("", &text::ty(&v.ty, false), ","));
                w.line("),");
            }
        }
        if let Some(property) = &u.discriminator {
            w.docs(&[Some(&format!(
                "A `{property}` the spec does not list (yet): the raw JSON, kept so it round-trips."
            ))]);
            w.line(&format!("{unknown}(::serde_json::Value),"));
        }
    });
    w.line("}");
    let Some(property) = &u.discriminator else {
        return;
    };
    w.cfg(cfg);
    w.line(&format!(
        "impl<'de> ::serde::Deserialize<'de> for {name} {{"
    ));
    w.nested(|w| {
        deserialize_signature(w);
        w.nested(|w| {
            deserialize_value(w, "::serde_json::Value");
            let calls = [
                format!(
                    "let tag = crate::runtime::discriminator(&value, {})",
                    text::lit(property)
                ),
                ".map_err(<D::Error as ::serde::de::Error>::custom)?".to_owned(),
            ];
            w.chain(&calls, ";");
            w.line("match tag.as_str() {");
            w.nested(|w| {
                for v in &u.variants {
                    let tags: Vec<String> = v.tags.iter().map(|t| text::lit(t)).collect();
                    let wrap = if matches!(v.ty, TypeRef::Boxed(_)) {
                        format!(".map(|v| Self::{}(::std::boxed::Box::new(v)))", v.name)
                    } else {
                        format!(".map(Self::{})", v.name)
                    };
                    let calls = [
                        "::serde_json::from_value(value)".to_owned(),
                        wrap,
                        ".map_err(<D::Error as ::serde::de::Error>::custom)".to_owned(),
                    ];
                    let pattern = tags.join(" | ");
                    let whole = calls.concat();
                    if text::fits(w.indent(), pattern.len() + whole.len() + 4) {
                        w.line(&format!("{pattern} => {whole},"));
                    } else {
                        alternatives(w, &tags, " => {");
                        w.nested(|w| w.chain(&calls, ""));
                        w.line("}");
                    }
                }
                w.line(&format!("_ => Ok(Self::{unknown}(value)),"));
            });
            w.line("}");
        });
        w.line("}");
    });
    w.line("}");
}
