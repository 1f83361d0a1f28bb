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
use crate::ir::{Field, Primitive, Struct, TypeDef, TypeKind, TypeRef, sensitive_name};
use crate::naming::{self, Namespace};
use heck::ToSnakeCase;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Nothing but `null` or empty arrays seen yet.
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

#[derive(Debug, Clone)]
struct Slot {
    shape: Shape,
    nullable: bool,
    declared: Option<Declared>,
}

#[derive(Debug, Clone, Default)]
struct Meta {
    required: Option<bool>,
    docs: Option<String>,
    deprecated: Option<String>,
    added_in: Option<String>,
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
        self.slots.push(Slot {
            shape: Shape::Unknown,
            nullable: false,
            declared: None,
        });
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
            Value::Null => self.slots[slot].nullable = true,
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
            let field = &mut self.objects[obj].fields[i];
            field.meta.required = Some(row.required);
            field.meta.docs = docs;
            let field_slot = field.slot;
            self.slots[field_slot].declared = Some(Declared {
                kind: row.ty.value.clone(),
                origin,
                col: row.ty.col,
            });
        }
    }

    /// Marks the field at the dotted `path` below `slot` as added or deprecated, creating it
    /// (optional, of the declared type) when the examples do not show it. Errs with the first
    /// path segment that is not an object field.
    #[allow(clippy::too_many_arguments)]
    pub fn annotate(
        &mut self,
        slot: SlotId,
        path: &str,
        kind: &str,
        col: usize,
        origin: &Origin,
        added_in: Option<String>,
        deprecated: Option<String>,
        docs: Option<String>,
    ) -> Result<(), String> {
        let mut slot = slot;
        let segments: Vec<&str> = path.split('.').collect();
        for (k, segment) in segments.iter().enumerate() {
            let last = k + 1 == segments.len();
            let found = if last {
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
            if added_in.is_some() {
                field.meta.added_in = added_in.clone();
            }
            if deprecated.is_some() {
                field.meta.deprecated = deprecated.clone();
            }
            if field.meta.docs.is_none() {
                field.meta.docs = docs.clone();
            }
            let field_slot = field.slot;
            if self.slots[field_slot].declared.is_none() {
                self.slots[field_slot].declared = Some(Declared {
                    kind: kind.to_owned(),
                    origin: origin.clone(),
                    col,
                });
            }
        }
        Ok(())
    }

    // ----- from shapes to types ------------------------------------------------------------

    fn required(&self, obj: ObjId, field: &ObjField) -> bool {
        field
            .meta
            .required
            .unwrap_or(self.objects[obj].samples > 0 && field.present == self.objects[obj].samples)
    }

    /// The structural key of an object: equal keys mean one type. Recursion is written as a
    /// distance up the stack (`^0` is the object itself), so equal recursive shapes compare
    /// equal wherever they sit.
    fn object_key(&self, obj: ObjId, stack: &mut Vec<ObjId>) -> String {
        if let Some(depth) = stack.iter().rev().position(|o| *o == obj) {
            return format!("^{depth}");
        }
        stack.push(obj);
        let mut fields: Vec<&ObjField> = self.objects[obj].fields.iter().collect();
        fields.sort_by(|a, b| a.wire.cmp(&b.wire));
        let mut key = String::from("{");
        for f in fields {
            key.push_str(&format!(
                "{:?}:{}{}|{:?}|{:?}|{:?};",
                f.wire,
                self.slot_key(f.slot, stack),
                if self.required(obj, f) { "" } else { "?" },
                f.meta.docs,
                f.meta.deprecated,
                f.meta.added_in
            ));
        }
        key.push('}');
        stack.pop();
        key
    }

    fn slot_key(&self, slot: SlotId, stack: &mut Vec<ObjId>) -> String {
        let s = &self.slots[slot];
        let inner = match self.effective(slot) {
            Shape::Unknown | Shape::Conflict => "any".to_owned(),
            Shape::Scalar(p) => format!("{p:?}"),
            Shape::Array(item) => format!("[{}]", self.slot_key(item, stack)),
            Shape::Object(obj) if self.objects[obj].fields.is_empty() => "map".to_owned(),
            Shape::Object(obj) => self.object_key(obj, stack),
        };
        if s.nullable {
            format!("{inner}?")
        } else {
            inner
        }
    }

    /// The shape after a declared type is taken into account.
    fn effective(&self, slot: SlotId) -> Shape {
        let s = &self.slots[slot];
        let Some(declared) = &s.declared else {
            return s.shape;
        };
        let p = match declared.kind.as_str() {
            "boolean" => Primitive::Bool,
            "integer" => Primitive::I64,
            "number" => Primitive::F64,
            "string" => Primitive::String,
            "object" => {
                return match s.shape {
                    Shape::Object(_) => s.shape,
                    _ => Shape::Unknown,
                };
            }
            _ => {
                return match s.shape {
                    Shape::Array(_) => s.shape,
                    _ => Shape::Unknown,
                };
            }
        };
        Shape::Scalar(p)
    }

    /// Warnings for declared types the examples contradict.
    fn check_declared(&mut self) {
        for slot in 0..self.slots.len() {
            let s = &self.slots[slot];
            let Some(d) = &s.declared else { continue };
            let seen = match s.shape {
                Shape::Unknown => continue,
                Shape::Scalar(p) => kind_word(p),
                Shape::Array(_) => "array",
                Shape::Object(_) => "object",
                Shape::Conflict => "mix of kinds",
            };
            let agrees = seen == d.kind || (d.kind == "number" && seen == "integer");
            if !agrees {
                let what = format!(
                    "the notes declare type `{}` but the examples show {} {seen}; the declared type wins",
                    d.kind,
                    if seen.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    }
                );
                let (origin, col) = (d.origin.clone(), d.col);
                self.warnings.push((
                    origin,
                    col,
                    what,
                    "fix the table or the example; the generated type follows the table",
                ));
            }
        }
    }

    /// Turns the arena into named types. `roots` are claimed first, in order; every other
    /// object is named by the keys that hold it. Returns the types and each root's reference.
    pub fn finish(
        mut self,
        roots: &[Root],
        types: &mut Namespace,
        diagnostics: &mut Diagnostics,
    ) -> (Vec<TypeDef>, Vec<TypeRef>) {
        self.check_declared();
        for (origin, col, message, hint) in std::mem::take(&mut self.warnings) {
            diagnostics.push(
                Diagnostic::warning(&origin.file, Location::at(origin.line, col), message)
                    .with_hint(hint),
            );
        }

        // Intern objects by structure, in discovery order (depth first from the roots).
        let mut group_of: HashMap<ObjId, usize> = HashMap::new();
        let mut key_group: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<ObjId> = Vec::new(); // group → representative object
        let mut seen_objects = BTreeSet::new();
        let mut queue: Vec<SlotId> = roots.iter().map(|r| r.slot).collect();
        queue.reverse();
        while let Some(slot) = queue.pop() {
            match self.effective(slot) {
                Shape::Array(item) => queue.push(item),
                Shape::Object(obj) if !self.objects[obj].fields.is_empty() => {
                    if !seen_objects.insert(obj) {
                        continue;
                    }
                    let key = self.object_key(obj, &mut Vec::new());
                    let group = *key_group.entry(key).or_insert_with(|| {
                        groups.push(obj);
                        groups.len() - 1
                    });
                    group_of.insert(obj, group);
                    for f in self.objects[obj].fields.iter().rev() {
                        queue.push(f.slot);
                    }
                }
                _ => {}
            }
        }

        // Where each group is used: (parent, key, as an array item), in discovery order.
        let mut uses: Vec<Vec<(usize, String, bool)>> = vec![Vec::new(); groups.len()];
        let target = |this: &Self, slot: SlotId| -> Option<(usize, bool)> {
            match this.effective(slot) {
                Shape::Object(obj) => group_of.get(&obj).map(|g| (*g, false)),
                Shape::Array(item) => match this.effective(item) {
                    Shape::Object(obj) => group_of.get(&obj).map(|g| (*g, true)),
                    _ => None,
                },
                _ => None,
            }
        };
        for (g, &obj) in groups.iter().enumerate() {
            for f in &self.objects[obj].fields {
                if let Some((child, array)) = target(&self, f.slot) {
                    let entry = (g, f.wire.clone(), array);
                    if !uses[child].contains(&entry) {
                        uses[child].push(entry);
                    }
                }
            }
        }

        // Names: bodies first, then everything else by vote.
        let mut names: Vec<Option<String>> = vec![None; groups.len()];
        let mut root_users: BTreeMap<usize, Vec<(usize, &Root, bool)>> = BTreeMap::new();
        for (r, root) in roots.iter().enumerate() {
            if let Some((g, array)) = target(&self, root.slot) {
                root_users.entry(g).or_default().push((r, root, array));
            }
        }
        let mut root_groups: Vec<(usize, String)> = root_users
            .iter()
            .map(|(g, users)| {
                let (_, first, array) = users[0];
                let name =
                    if users.len() > 1 && users.iter().all(|(_, r, _)| r.kind == RootKind::Error) {
                        "ErrorResponse".to_owned()
                    } else if array {
                        format!("{}Item", first.name)
                    } else {
                        first.name.clone()
                    };
                (*g, name)
            })
            .collect();
        root_groups.sort_by_key(|(g, _)| root_users[g][0].0);
        for (g, name) in root_groups {
            names[g] = Some(types.claim(&name));
        }
        let candidate = |uses: &[(usize, String, bool)]| -> Option<String> {
            let mut votes: Vec<(String, usize, BTreeSet<String>)> = Vec::new();
            for (_, key, _) in uses {
                let word = last_word(key);
                match votes.iter_mut().find(|(w, ..)| *w == word) {
                    Some((_, n, keys)) => {
                        *n += 1;
                        keys.insert(key.clone());
                    }
                    None => votes.push((word, 1, BTreeSet::from([key.clone()]))),
                }
            }
            let best = votes.iter().map(|(_, n, _)| *n).max()?;
            let (word, _, keys) = votes.into_iter().find(|(_, n, _)| *n == best)?;
            Some(if keys.len() == 1 {
                full_key_name(uses, keys.first().expect("one key"))
            } else {
                naming::type_name(&word)
            })
        };
        let mut order: Vec<usize> = (0..groups.len()).filter(|g| names[*g].is_none()).collect();
        order.sort_by_key(|g| (std::cmp::Reverse(uses[*g].len()), *g));
        for &g in &order {
            if let Some(name) = candidate(&uses[g]) {
                if !types.contains(&name) {
                    names[g] = Some(types.claim(&name));
                }
            }
        }
        for g in 0..groups.len() {
            if names[g].is_some() {
                continue;
            }
            let Some((parent, key, _)) = uses[g].first().cloned() else {
                names[g] = Some(types.claim("Object"));
                continue;
            };
            let most_common = most_common_key(&uses[g]);
            let own = full_key_name(&uses[g], &most_common);
            let name = if !types.contains(&own) {
                own
            } else {
                let parent_name = names[parent].clone().unwrap_or_default();
                format!("{parent_name}{}", full_key_name(&uses[g], &key))
            };
            names[g] = Some(types.claim(&name));
        }
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.expect("every group is named"))
            .collect();

        // Type definitions.
        let mut defs = Vec::new();
        for (g, &obj) in groups.iter().enumerate() {
            let mut field_names = Namespace::new();
            let fields = self.objects[obj]
                .fields
                .iter()
                .map(|f| Field {
                    name: field_names.claim(&naming::value_name(&f.wire)),
                    wire_name: f.wire.clone(),
                    ty: self.type_ref(f.slot, &group_of, &names),
                    required: self.required(obj, f),
                    docs: f.meta.docs.clone(),
                    deprecated: f.meta.deprecated.clone(),
                    added_in: f.meta.added_in.clone(),
                    read_only: false,
                    write_only: false,
                    default: None,
                    sensitive: sensitive_name(&f.wire),
                })
                .collect();
            defs.push(TypeDef {
                name: names[g].clone(),
                origin: self.objects[obj].origin.to_string(),
                docs: Some(format!(
                    "Inferred from the release-notes examples; first seen in the example at `{}`.",
                    self.objects[obj].origin
                )),
                deprecated: None,
                kind: TypeKind::Struct(Struct {
                    fields,
                    additional: None,
                }),
            });
        }
        crate::passes::cycles::box_cycles(&mut defs);
        let refs = roots
            .iter()
            .map(|r| self.type_ref(r.slot, &group_of, &names))
            .collect();
        (defs, refs)
    }

    fn type_ref(
        &self,
        slot: SlotId,
        group_of: &HashMap<ObjId, usize>,
        names: &[String],
    ) -> TypeRef {
        let ty = match self.effective(slot) {
            Shape::Unknown | Shape::Conflict => TypeRef::Json,
            Shape::Scalar(p) => TypeRef::Primitive(p),
            Shape::Array(item) => TypeRef::Array(Box::new(self.type_ref(item, group_of, names))),
            Shape::Object(obj) if self.objects[obj].fields.is_empty() => {
                TypeRef::Map(Box::new(TypeRef::Json))
            }
            Shape::Object(obj) => TypeRef::Named(names[group_of[&obj]].clone()),
        };
        if self.slots[slot].nullable && ty != TypeRef::Json {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
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

/// The key used most often among `uses` (earliest on ties).
fn most_common_key<P>(uses: &[(P, String, bool)]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for (_, key, _) in uses {
        match counts.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|(k, _)| k.to_owned())
        .unwrap_or_default()
}

/// The type name for `key`: singular when the type is ever an array item (a type names one
/// value, and `signatories: [ControlPerson]` reads better than `[ControlPersons]`).
fn full_key_name<P>(uses: &[(P, String, bool)], key: &str) -> String {
    let array = uses.iter().any(|(_, _, a)| *a);
    naming::type_name(&if array {
        singular_key(key)
    } else {
        key.to_owned()
    })
}

/// The example with every placeholder string replaced by a fixed value of the type it was
/// inferred as (`"<boolean>"` → `false`, `"<integer>"` → `0`, `"<number>"` → `0.0`), so the
/// round-trip check decodes it as the generated type. Placeholders typed as strings, or in
/// positions typed as any JSON, stay as written.
pub fn fill_placeholders(value: &Value, ty: &TypeRef, defs: &[TypeDef]) -> Value {
    match (value, ty) {
        (_, TypeRef::Nullable(inner) | TypeRef::Boxed(inner)) => {
            fill_placeholders(value, inner, defs)
        }
        (Value::String(s), TypeRef::Primitive(p)) if placeholder(s).is_some() => match p {
            Primitive::Bool => Value::Bool(false),
            Primitive::I64 | Primitive::I32 | Primitive::U64 => Value::from(0),
            Primitive::F64 | Primitive::F32 => Value::from(0.0),
            _ => value.clone(),
        },
        (Value::Array(items), TypeRef::Array(inner)) => Value::Array(
            items
                .iter()
                .map(|v| fill_placeholders(v, inner, defs))
                .collect(),
        ),
        (Value::Object(map), TypeRef::Named(name)) => {
            let fields = defs
                .iter()
                .find(|d| &d.name == name)
                .and_then(|d| match &d.kind {
                    TypeKind::Struct(s) => Some(&s.fields),
                    _ => None,
                });
            let Some(fields) = fields else {
                return value.clone();
            };
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let v = match fields.iter().find(|f| &f.wire_name == k) {
                            Some(f) => fill_placeholders(v, &f.ty, defs),
                            None => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            )
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn origin(line: usize) -> Origin {
        Origin {
            file: "notes.md".into(),
            line,
        }
    }

    fn infer(samples: &[Value]) -> (Vec<TypeDef>, TypeRef, Diagnostics) {
        let mut inf = Inference::new();
        let root = inf.root();
        for (i, s) in samples.iter().enumerate() {
            inf.sample(root, s, &origin(i + 1));
        }
        let mut d = Diagnostics::new();
        let (defs, refs) = inf.finish(
            &[Root {
                slot: root,
                name: "Body".into(),
                kind: RootKind::Success,
            }],
            &mut Namespace::new(),
            &mut d,
        );
        (defs, refs[0].clone(), d)
    }

    fn fields(defs: &[TypeDef], name: &str) -> Vec<(String, TypeRef, bool)> {
        let def = defs.iter().find(|d| d.name == name).unwrap_or_else(|| {
            panic!(
                "no type {name} in {:?}",
                defs.iter().map(|d| &d.name).collect::<Vec<_>>()
            )
        });
        match &def.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| (f.wire_name.clone(), f.ty.clone(), f.required))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn p(p: Primitive) -> TypeRef {
        TypeRef::Primitive(p)
    }

    #[test]
    fn types_come_from_values_and_placeholders() {
        let (defs, root, d) = infer(&[json!({
            "amount": "150.75", "flag": "<boolean>", "count": "<integer>", "ratio": "<number>",
            "name": "<string>", "n": 20, "x": 1.5, "ok": true, "gone": null
        })]);
        assert!(d.is_empty(), "{d}");
        assert_eq!(root, TypeRef::Named("Body".into()));
        assert_eq!(
            fields(&defs, "Body"),
            [
                ("amount".into(), p(Primitive::String), true),
                ("flag".into(), p(Primitive::Bool), true),
                ("count".into(), p(Primitive::I64), true),
                ("ratio".into(), p(Primitive::F64), true),
                ("name".into(), p(Primitive::String), true),
                ("n".into(), p(Primitive::I64), true),
                ("x".into(), p(Primitive::F64), true),
                ("ok".into(), p(Primitive::Bool), true),
                ("gone".into(), TypeRef::Json, true),
            ]
        );
    }

    #[test]
    fn fields_missing_from_some_examples_are_optional() {
        let (defs, _, _) = infer(&[json!({"a": 1, "b": 2}), json!({"a": 3})]);
        assert_eq!(
            fields(&defs, "Body"),
            [
                ("a".into(), p(Primitive::I64), true),
                ("b".into(), p(Primitive::I64), false)
            ]
        );
    }

    #[test]
    fn identical_objects_are_one_type_named_by_their_keys() {
        let address = json!({"city": "X", "zip": "1"});
        let (defs, _, _) = infer(&[json!({
            "address": address, "homeAddress": address, "owners": [{"address": address}],
            "errors": [{"type": "a", "message": "b"}]
        })]);
        let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["Body", "Address", "Owner", "Error"]);
        assert_eq!(
            fields(&defs, "Body")[2].1,
            TypeRef::Array(Box::new(TypeRef::Named("Owner".into())))
        );
    }

    #[test]
    fn recursion_and_empty_objects() {
        let (defs, _, _) = infer(&[json!({
            "owners": [{"name": "a", "owners": [{}]}],
            "meta": {}
        })]);
        assert_eq!(
            fields(&defs, "Owner"),
            [
                ("name".into(), p(Primitive::String), false),
                (
                    "owners".into(),
                    TypeRef::Array(Box::new(TypeRef::Named("Owner".into()))),
                    false
                ),
            ]
        );
        assert_eq!(
            fields(&defs, "Body")[1].1,
            TypeRef::Map(Box::new(TypeRef::Json))
        );
    }

    #[test]
    fn object_here_and_array_there_gets_the_right_type_in_each_place() {
        let doc = json!({"fileName": "a.png"});
        let (defs, _, _) = infer(&[json!({"docs": doc, "more": {"docs": [doc]}})]);
        assert_eq!(fields(&defs, "Body")[0].1, TypeRef::Named("Doc".into()));
        assert_eq!(
            fields(&defs, "More")[0].1,
            TypeRef::Array(Box::new(TypeRef::Named("Doc".into())))
        );
    }

    #[test]
    fn disagreeing_kinds_become_any_json_with_a_warning() {
        let (defs, _, d) = infer(&[json!({"v": 1}), json!({"v": "x"})]);
        assert_eq!(fields(&defs, "Body")[0].1, TypeRef::Json);
        assert_eq!(d.iter().count(), 1);
        assert!(d.to_string().contains("notes.md:2:1"), "{d}");
    }

    #[test]
    fn placeholders_are_filled_by_type() {
        let value = json!({"flag": "<boolean>", "n": "<integer>", "s": "<string>", "list": [{"x": "<number>"}]});
        let (defs, root, _) = infer(std::slice::from_ref(&value));
        assert_eq!(
            fill_placeholders(&value, &root, &defs),
            json!({"flag": false, "n": 0, "s": "<string>", "list": [{"x": 0.0}]})
        );
    }

    #[test]
    fn singulars() {
        for (plural, want) in [
            ("owners", "owner"),
            ("signatories", "signatory"),
            ("addresses", "address"),
            ("address", "address"),
            ("data", "data"),
            ("status", "status"),
            ("Docs", "Doc"),
        ] {
            assert_eq!(singular(plural), want, "{plural}");
        }
    }
}
