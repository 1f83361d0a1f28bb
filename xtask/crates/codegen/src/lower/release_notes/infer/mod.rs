//! JSON examples and field tables → IR types.
//!
//! Release notes have no schemas, only examples, so the types are inferred. Each body position
//! (a request body, the body of one response status) is a root *slot*; every example for it is
//! merged into the slot, field by field, so one slot per JSON position collects what all
//! examples say about it:
//!
//! - JSON values give the type (`true` → `bool`, `20` → `i64`, `1.5` → `f64`, text → `String`);
//!   the placeholder strings `"<boolean>"`, `"<integer>"`, `"<number>"` and `"<string>"` (and
//!   Postman's other `<…>` words) stand for that type. Numeric text such as `"150.75"` stays a
//!   `String`: amounts must stay exact, and the notes never say which strings are numbers.
//!   Formats (dates, UUIDs) are not guessed from one example; they stay `String` too.
//! - A field present in every example of its object is required, one missing from some is
//!   optional; a field table's Required column overrides both, and its Type column wins over the
//!   examples (with a warning when they disagree). Values that disagree in kind become
//!   `serde_json::Value` with a warning; `null` makes a field nullable.
//! - A field whose key repeats an enclosing field's key with the same kind of value
//!   (`entityBeneficialOwners` inside `entityBeneficialOwners`) is the enclosing slot again: the
//!   shape is recursive, and the inner examples (`[{}]`) count as samples of the outer type.
//! - An object only ever seen empty (`{}`) is a free-form map.
//!
//! Then objects are interned by structure: two positions whose fields, types, optionality and
//! docs are the same become one named type (the address object that appears twenty times is one
//! `Address`). Names are chosen so they read well and depend only on the notes:
//!
//! - a body is `{Operation}Request`, `{Operation}Response` or `{Operation}{Status}Response` (the
//!   item of an array body adds `Item`); a body type shared by several error statuses is
//!   `ErrorResponse`;
//! - any other type is named after the keys that hold it: the last word of each key (singular)
//!   gets one vote per place the type is used; when the winning word comes from one key only,
//!   the whole key is the name, made singular when the type is ever an array item
//!   (`controlPersons` → `ControlPerson`), otherwise the word is (`identification`,
//!   `incorporationDocs`, `otherDocs`, … → `Doc`);
//! - when two types want one name, the one used in more places gets it; the other falls back to
//!   its most common key, then to its first parent's name plus the key, then to a number.

use super::parse::FieldRow;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::ir::{Field, Primitive, Struct, TypeDef, TypeKind, TypeRef};
use crate::naming::{self, Namespace};
use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod fill;
mod finish;
pub mod text;

pub use fill::fill_placeholders;

/// An index into the slot arena.
pub type SlotId = usize;
type ObjId = usize;

/// Where a sample or declaration came from: a file and a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// The file's display path.
    pub file: String,
    /// One-based line.
    pub line: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What the values seen at one position have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Shape {
    /// Nothing but `null` or empty arrays seen yet.
    #[default]
    Unknown,
    /// A scalar type.
    Scalar(Primitive),
    /// An array whose items are the given slot.
    Array(SlotId),
    /// An object.
    Object(ObjId),
    /// Values of different kinds: any JSON.
    Conflict,
}

/// A type the notes declare in a table or a field-change line.
#[derive(Debug, Clone)]
struct Declared {
    kind: String,
    origin: Origin,
    col: usize,
}

#[derive(Debug, Clone, Default)]
struct Slot {
    shape: Shape,
    nullable: bool,
    declared: Option<Declared>,
    /// An integer was sampled here (with `floats`, the value needs a decimal-preserving type).
    ints: bool,
    /// A number with a fraction or exponent was sampled here.
    floats: bool,
    /// The values the notes list for this field, in their order, with where they said it.
    values: Option<(Vec<String>, Origin)>,
    /// The string values the examples show, for an enum's variants.
    strings: BTreeSet<String>,
    /// The first example that showed a value here.
    first_seen: Option<Origin>,
}

#[derive(Debug, Clone, Default)]
struct Meta {
    required: Option<bool>,
    /// The notes' words make the field optional ("Optional", "if settled", …), whatever the
    /// examples show.
    optional: bool,
    docs: Option<String>,
    deprecated: Option<String>,
    added_in: Option<String>,
    /// `removed in vX`: the field is gone from the type.
    removed: Option<String>,
}

/// What a field-change line says about a field.
#[derive(Debug, Clone, Default)]
pub struct Annotation {
    /// The declared type word (`string`), or empty when the line gives none.
    pub kind: String,
    /// The type word's column.
    pub col: usize,
    /// `Added in` version.
    pub added_in: Option<String>,
    /// The `#[deprecated]` note.
    pub deprecated: Option<String>,
    /// The removal note; the field disappears.
    pub removed: Option<String>,
    /// Docs for a field the examples do not document otherwise.
    pub docs: Option<String>,
    /// The note's words make the field optional.
    pub optional: bool,
}

#[derive(Debug, Clone)]
struct ObjField {
    wire: String,
    slot: SlotId,
    present: usize,
    meta: Meta,
}

#[derive(Debug, Clone)]
struct Obj {
    samples: usize,
    fields: Vec<ObjField>,
    origin: Origin,
}

/// Which kind of body a root slot is, for naming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// A request body.
    Request,
    /// A 2xx response body.
    Success,
    /// Any other response body.
    Error,
}

/// A body position to name: its slot, the name it gets, and what kind of body it is.
#[derive(Debug, Clone)]
pub struct Root {
    /// The slot.
    pub slot: SlotId,
    /// The name of its type (`CreatePreauthorizationRequest`).
    pub name: String,
    /// The kind of body.
    pub kind: RootKind,
}

/// The shape arena: slots and objects filled from examples and declarations.
#[derive(Debug, Default)]
pub struct Inference {
    slots: Vec<Slot>,
    objects: Vec<Obj>,
    warnings: Vec<(Origin, usize, String, &'static str)>,
}

/// The type a placeholder string stands for (`"<boolean>"` → `bool`), if it is one.
pub fn placeholder(text: &str) -> Option<Primitive> {
    let word = text.strip_prefix('<')?.strip_suffix('>')?;
    Some(match word.to_ascii_lowercase().as_str() {
        "boolean" | "bool" => Primitive::Bool,
        "integer" | "int" | "long" | "int32" | "int64" => Primitive::I64,
        "number" | "double" | "float" | "decimal" => Primitive::F64,
        "string" | "datetime" | "date" | "date-time" | "uuid" | "uri" | "url" | "email"
        | "byte" | "binary" | "password" => Primitive::String,
        _ => return None,
    })
}

fn scalar_of(value: &Value) -> Option<Primitive> {
    Some(match value {
        Value::Bool(_) => Primitive::Bool,
        Value::Number(n) if n.is_i64() || n.is_u64() => Primitive::I64,
        Value::Number(_) => Primitive::F64,
        Value::String(s) => placeholder(s).unwrap_or(Primitive::String),
        _ => return None,
    })
}

fn kind_word(p: Primitive) -> &'static str {
    match p {
        Primitive::Bool => "boolean",
        Primitive::I64 | Primitive::I32 | Primitive::U64 => "integer",
        Primitive::F64 | Primitive::F32 => "number",
        _ => "string",
    }
}

/// The last word of a key, singular (`incorporationDocs` → `doc`).
fn last_word(key: &str) -> String {
    let snake = key.to_snake_case();
    singular(snake.rsplit('_').next().unwrap_or(&snake))
}

/// A key with its last word made singular (`controlPersons` → `control_person`).
fn singular_key(key: &str) -> String {
    let snake = key.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", singular(last)),
        None => singular(&snake),
    }
}

/// English plural → singular for the regular cases that field names use.
pub fn singular(word: &str) -> String {
    let lower = word.to_ascii_lowercase();
    if lower.len() > 3 && lower.ends_with("ies") {
        return format!("{}y", &word[..word.len() - 3]);
    }
    for suffix in ["sses", "xes", "ches", "shes"] {
        if lower.ends_with(suffix) {
            return word[..word.len() - 2].to_owned();
        }
    }
    if lower.len() > 1
        && lower.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| lower.ends_with(s))
    {
        return word[..word.len() - 1].to_owned();
    }
    word.to_owned()
}

impl Inference {
    /// An empty arena.
    pub fn new() -> Self {
        Self::default()
    }

    fn new_slot(&mut self) -> SlotId {
        self.slots.push(Slot::default());
        self.slots.len() - 1
    }

    fn new_object(&mut self, origin: &Origin) -> ObjId {
        self.objects.push(Obj {
            samples: 0,
            fields: Vec::new(),
            origin: origin.clone(),
        });
        self.objects.len() - 1
    }

    /// A new body position.
    pub fn root(&mut self) -> SlotId {
        self.new_slot()
    }

    /// True when nothing was sampled or declared for `slot`.
    pub fn is_empty(&self, slot: SlotId) -> bool {
        self.slots[slot].shape == Shape::Unknown
            && !self.slots[slot].nullable
            && self.slots[slot].declared.is_none()
    }

    /// Merges one example value into `slot`.
    pub fn sample(&mut self, slot: SlotId, value: &Value, origin: &Origin) {
        let mut ancestors = Vec::new();
        self.merge(slot, value, origin, &mut ancestors);
    }

    fn conflict(&mut self, slot: SlotId, origin: &Origin, what: String) {
        if self.slots[slot].shape != Shape::Conflict {
            self.slots[slot].shape = Shape::Conflict;
            self.warnings.push((
                origin.clone(),
                1,
                what,
                "nothing to fix unless you need a typed value here; the examples disagree",
            ));
        }
    }

    fn merge(
        &mut self,
        slot: SlotId,
        value: &Value,
        origin: &Origin,
        ancestors: &mut Vec<(String, SlotId)>,
    ) {
        let current = self.slots[slot].shape;
        match value {
            Value::Null => {
                self.slots[slot].nullable = true;
                self.slots[slot]
                    .first_seen
                    .get_or_insert_with(|| origin.clone());
            }
            Value::Array(items) => {
                let item = match current {
                    Shape::Array(item) => item,
                    Shape::Unknown => {
                        let item = self.new_slot();
                        self.slots[slot].shape = Shape::Array(item);
                        item
                    }
                    Shape::Conflict => return,
                    _ => {
                        self.conflict(
                            slot,
                            origin,
                            "a value is an array in one example and not in another; it is typed as any JSON".into(),
                        );
                        return;
                    }
                };
                for v in items {
                    self.merge(item, v, origin, ancestors);
                }
            }
            Value::Object(map) => {
                let obj = match current {
                    Shape::Object(obj) => obj,
                    Shape::Unknown => {
                        let obj = self.new_object(origin);
                        self.slots[slot].shape = Shape::Object(obj);
                        obj
                    }
                    Shape::Conflict => return,
                    _ => {
                        self.conflict(
                            slot,
                            origin,
                            "a value is an object in one example and not in another; it is typed as any JSON".into(),
                        );
                        return;
                    }
                };
                self.objects[obj].samples += 1;
                for (key, v) in map {
                    let field = match self.objects[obj].fields.iter().position(|f| &f.wire == key) {
                        Some(i) => i,
                        None => {
                            let slot = self
                                .recursive_slot(key, v, ancestors)
                                .unwrap_or_else(|| self.new_slot());
                            self.objects[obj].fields.push(ObjField {
                                wire: key.clone(),
                                slot,
                                present: 0,
                                meta: Meta::default(),
                            });
                            self.objects[obj].fields.len() - 1
                        }
                    };
                    self.objects[obj].fields[field].present += 1;
                    let field_slot = self.objects[obj].fields[field].slot;
                    ancestors.push((key.clone(), field_slot));
                    self.merge(field_slot, v, origin, ancestors);
                    ancestors.pop();
                }
            }
            scalar => {
                let p = scalar_of(scalar).expect("every other JSON value is a scalar");
                let s = &mut self.slots[slot];
                s.first_seen.get_or_insert_with(|| origin.clone());
                match scalar {
                    Value::Number(n) if n.is_f64() => s.floats = true,
                    Value::Number(_) => s.ints = true,
                    Value::String(text) if placeholder(text).is_none() && s.strings.len() < 64 => {
                        s.strings.insert(text.clone());
                    }
                    _ => {}
                }
                let merged = match current {
                    Shape::Unknown => Shape::Scalar(p),
                    Shape::Scalar(q) if q == p => current,
                    Shape::Scalar(Primitive::I64) if p == Primitive::F64 => Shape::Scalar(p),
                    Shape::Scalar(Primitive::F64) if p == Primitive::I64 => current,
                    Shape::Conflict => return,
                    Shape::Scalar(q) => {
                        let what = format!(
                            "a value is a {} in one example and a {} in another; it is typed as any JSON",
                            kind_word(q),
                            kind_word(p)
                        );
                        self.conflict(slot, origin, what);
                        return;
                    }
                    _ => {
                        self.conflict(slot, origin, format!("a value is a {} in one example and an object or array in another; it is typed as any JSON", kind_word(p)));
                        return;
                    }
                };
                self.slots[slot].shape = merged;
            }
        }
    }

    /// The enclosing slot a new field continues, when its key repeats an enclosing field's key
    /// with the same kind of value: that is how release notes show a recursive structure.
    fn recursive_slot(
        &self,
        key: &str,
        value: &Value,
        ancestors: &[(String, SlotId)],
    ) -> Option<SlotId> {
        ancestors.iter().rev().find_map(|(k, slot)| {
            let same = match (value, self.slots[*slot].shape) {
                (Value::Object(_), Shape::Object(_)) => true,
                (Value::Array(items), Shape::Array(item)) => {
                    items.iter().all(Value::is_object)
                        && matches!(self.slots[item].shape, Shape::Object(_) | Shape::Unknown)
                }
                _ => false,
            };
            (k == key && same).then_some(*slot)
        })
    }

    /// The object behind `slot` (through arrays), created empty when nothing was seen yet.
    fn object_at(&mut self, slot: SlotId, origin: &Origin) -> Option<ObjId> {
        match self.slots[slot].shape {
            Shape::Object(obj) => Some(obj),
            Shape::Array(item) => self.object_at(item, origin),
            Shape::Unknown => {
                let obj = self.new_object(origin);
                self.slots[slot].shape = Shape::Object(obj);
                Some(obj)
            }
            _ => None,
        }
    }

    /// The field `wire` of the object at `slot`, created (absent from every sample, so
    /// optional) when the examples do not show it.
    fn field_at(&mut self, slot: SlotId, wire: &str, origin: &Origin) -> Option<(ObjId, usize)> {
        let obj = self.object_at(slot, origin)?;
        let index = match self.objects[obj].fields.iter().position(|f| f.wire == wire) {
            Some(i) => i,
            None => {
                let slot = self.new_slot();
                self.objects[obj].fields.push(ObjField {
                    wire: wire.to_owned(),
                    slot,
                    present: 0,
                    meta: Meta::default(),
                });
                self.objects[obj].fields.len() - 1
            }
        };
        Some((obj, index))
    }

    /// Applies a field table to the object at `slot`: Required decides optionality, Type wins
    /// over the examples, and the description and `e.g.` example become docs.
    pub fn declare_fields(&mut self, slot: SlotId, rows: &[FieldRow], file: &str) {
        for row in rows {
            let origin = Origin {
                file: file.to_owned(),
                line: row.line,
            };
            let Some((obj, i)) = self.field_at(slot, &row.name, &origin) else {
                continue;
            };
            let docs = row_docs(row.description.as_deref(), row.example.as_deref());
            let description = row.description.as_deref().unwrap_or_default();
            let field = &mut self.objects[obj].fields[i];
            field.meta.required = Some(row.required);
            field.meta.optional |= text::says_optional(description);
            field.meta.docs = docs;
            let field_slot = field.slot;
            if let Some(values) = text::value_list(description) {
                self.slots[field_slot].values = Some((values, origin.clone()));
            }
            self.slots[field_slot].declared = Some(Declared {
                kind: row.ty.value.clone(),
                origin,
                col: row.ty.col,
            });
        }
    }

    /// Applies a field-change line to the field at the dotted `path` below `slot`, creating it
    /// (optional, of the declared type) when the examples do not show it. Errs with the first
    /// path segment that is not an object field.
    pub fn annotate(
        &mut self,
        slot: SlotId,
        path: &str,
        origin: &Origin,
        a: Annotation,
    ) -> Result<(), String> {
        let mut slot = slot;
        let segments: Vec<&str> = path.split('.').collect();
        for (k, segment) in segments.iter().enumerate() {
            let last = k + 1 == segments.len();
            let found = if last && a.removed.is_none() {
                self.field_at(slot, segment, origin)
            } else {
                self.object_at(slot, origin).and_then(|o| {
                    let i = self.objects[o]
                        .fields
                        .iter()
                        .position(|f| f.wire == *segment)?;
                    Some((o, i))
                })
            };
            let Some((obj, i)) = found else {
                return Err(segments[..=k].join("."));
            };
            let field = &mut self.objects[obj].fields[i];
            if !last {
                slot = field.slot;
                continue;
            }
            if a.added_in.is_some() {
                // Added (again) after a removal: the field is back.
                field.meta.added_in = a.added_in.clone();
                field.meta.removed = None;
            }
            if a.deprecated.is_some() {
                field.meta.deprecated = a.deprecated.clone();
            }
            if a.removed.is_some() {
                field.meta.removed = a.removed.clone();
            }
            field.meta.optional |= a.optional;
            if field.meta.docs.is_none() {
                field.meta.docs = a.docs.clone();
            }
            let field_slot = field.slot;
            if self.slots[field_slot].declared.is_none() && !a.kind.is_empty() {
                self.slots[field_slot].declared = Some(Declared {
                    kind: a.kind.clone(),
                    origin: origin.clone(),
                    col: a.col,
                });
            }
            if let Some(values) = a.docs.as_deref().and_then(text::value_list) {
                self.slots[field_slot].values = Some((values, origin.clone()));
            }
        }
        Ok(())
    }

    /// The wire names of the fields of the object at `slot` (through arrays), for matching
    /// the notes' prose to fields.
    pub fn field_names(&self, slot: SlotId) -> Vec<String> {
        match self.slots[slot].shape {
            Shape::Object(obj) => self.objects[obj]
                .fields
                .iter()
                .map(|f| f.wire.clone())
                .collect(),
            Shape::Array(item) => self.field_names(item),
            _ => Vec::new(),
        }
    }

    /// The item objects of the top-level array fields of the object at `slot` (`data: [...]`
    /// in a list response), where prose about "each item" applies.
    pub fn list_item_slots(&self, slot: SlotId) -> Vec<SlotId> {
        let Shape::Object(obj) = self.slots[slot].shape else {
            return Vec::new();
        };
        self.objects[obj]
            .fields
            .iter()
            .filter_map(|f| match self.slots[f.slot].shape {
                Shape::Array(item) if matches!(self.slots[item].shape, Shape::Object(_)) => {
                    Some(item)
                }
                _ => None,
            })
            .collect()
    }

    /// Applies what a prose line says about the field `wire` of the object at `slot`: optional
    /// when the line is conditional, an enum when it lists values.
    pub fn describe_field(
        &mut self,
        slot: SlotId,
        wire: &str,
        optional: bool,
        values: Option<Vec<String>>,
        origin: &Origin,
    ) {
        let mut slot = slot;
        while let Shape::Array(item) = self.slots[slot].shape {
            slot = item;
        }
        let Shape::Object(obj) = self.slots[slot].shape else {
            return;
        };
        let Some(field) = self.objects[obj].fields.iter_mut().find(|f| f.wire == wire) else {
            return;
        };
        field.meta.optional |= optional;
        let field_slot = field.slot;
        if let Some(values) = values {
            if self.slots[field_slot].values.is_none() {
                self.slots[field_slot].values = Some((values, origin.clone()));
            }
        }
    }
}

/// A field's docs from a table row: the description, then the `e.g.` value.
pub fn row_docs(description: Option<&str>, example: Option<&str>) -> Option<String> {
    let example = example.map(|x| format!("Example: `{}`.", x.replace('`', "'")));
    let parts: Vec<String> = description
        .map(str::to_owned)
        .into_iter()
        .chain(example)
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests;
