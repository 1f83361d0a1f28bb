//! From shapes to named types: interning objects by structure, naming them, and the
//! definitions the emitter reads.
//!
//! Scalars get three refinements here. A position whose examples show both integers and
//! decimals (`11` and `11.5`) is the shared `Number` type, an untagged union of `i64` and
//! `f64`: decoding `11` picks the integer and `11.5` the decimal, so every example re-encodes to
//! its own text (an `f64` would turn `11` into `11.0`). A position the notes list values for is
//! a string enum with those values plus the ones the examples show. A position only ever seen as
//! `null` is `Option<serde_json::Value>`, with a warning at the example that shows it.

use super::*;
use crate::ir::{Union, UnionVariant};

/// What a scalar position becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Leaf {
    /// A plain primitive.
    Primitive(Primitive),
    /// Integers and decimals: the `Number` union.
    Number,
    /// A string enum with these values.
    Enum(Vec<String>),
}

/// The names chosen for groups, enums and the number type.
struct Names {
    group_of: HashMap<ObjId, usize>,
    groups: Vec<String>,
    enums: HashMap<Vec<String>, String>,
    number: Option<String>,
}

impl Inference {
    // ----- from shapes to types ------------------------------------------------------------

    fn required(&self, obj: ObjId, field: &ObjField) -> bool {
        !field.meta.optional
            && field.meta.required.unwrap_or(
                self.objects[obj].samples > 0 && field.present == self.objects[obj].samples,
            )
    }

    /// The fields that are still part of the type (not removed).
    fn live_fields(&self, obj: ObjId) -> impl Iterator<Item = &ObjField> {
        self.objects[obj]
            .fields
            .iter()
            .filter(|f| f.meta.removed.is_none())
    }

    /// What a scalar slot becomes, after declarations, value lists and number samples.
    fn leaf(&self, slot: SlotId) -> Option<Leaf> {
        let Shape::Scalar(p) = self.effective(slot) else {
            return None;
        };
        let s = &self.slots[slot];
        Some(match p {
            Primitive::F64 if s.ints => Leaf::Number,
            Primitive::String => match &s.values {
                Some((values, _)) => {
                    let mut all = values.clone();
                    all.extend(s.strings.iter().filter(|v| !values.contains(v)).cloned());
                    Leaf::Enum(all)
                }
                None => Leaf::Primitive(p),
            },
            _ => Leaf::Primitive(p),
        })
    }

    /// The structural key of an object: equal keys mean one type. Recursion is written as a
    /// distance up the stack (`^0` is the object itself), so equal recursive shapes compare
    /// equal wherever they sit.
    fn object_key(&self, obj: ObjId, stack: &mut Vec<ObjId>) -> String {
        if let Some(depth) = stack.iter().rev().position(|o| *o == obj) {
            return format!("^{depth}");
        }
        stack.push(obj);
        let mut fields: Vec<&ObjField> = self.live_fields(obj).collect();
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
            Shape::Scalar(_) => format!("{:?}", self.leaf(slot)),
            Shape::Array(item) => format!("[{}]", self.slot_key(item, stack)),
            Shape::Object(obj) if self.live_fields(obj).next().is_none() => "map".to_owned(),
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
        self.check_null_only(roots);
        for (origin, col, message, hint) in std::mem::take(&mut self.warnings) {
            diagnostics.push(
                Diagnostic::warning(&origin.file, Location::at(origin.line, col), message)
                    .with_hint(hint),
            );
        }
        let (groups, group_of) = self.intern(roots);
        let uses = self.uses(&groups, &group_of);
        let group_names = self.name_groups(roots, &groups, &group_of, &uses, types);
        let mut names = Names {
            group_of,
            groups: group_names,
            enums: HashMap::new(),
            number: None,
        };
        let mut defs = Vec::new();
        self.name_leaves(roots, &groups, &mut names, types, &mut defs);
        for (g, &obj) in groups.iter().enumerate() {
            defs.push(self.struct_def(obj, &names.groups[g], &names));
        }
        crate::passes::cycles::box_cycles(&mut defs);
        let refs = roots
            .iter()
            .map(|r| self.type_ref(r.slot, &names))
            .collect();
        (defs, refs)
    }

    /// Interns objects by structure, in discovery order (depth first from the roots): the
    /// representative object of each group, and each object's group.
    fn intern(&self, roots: &[Root]) -> (Vec<ObjId>, HashMap<ObjId, usize>) {
        let mut group_of: HashMap<ObjId, usize> = HashMap::new();
        let mut key_group: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<ObjId> = Vec::new();
        let mut seen_objects = BTreeSet::new();
        let mut queue: Vec<SlotId> = roots.iter().map(|r| r.slot).collect();
        queue.reverse();
        while let Some(slot) = queue.pop() {
            match self.effective(slot) {
                Shape::Array(item) => queue.push(item),
                Shape::Object(obj) if self.live_fields(obj).next().is_some() => {
                    if !seen_objects.insert(obj) {
                        continue;
                    }
                    let key = self.object_key(obj, &mut Vec::new());
                    let group = *key_group.entry(key).or_insert_with(|| {
                        groups.push(obj);
                        groups.len() - 1
                    });
                    group_of.insert(obj, group);
                    let fields: Vec<SlotId> = self.live_fields(obj).map(|f| f.slot).collect();
                    queue.extend(fields.into_iter().rev());
                }
                _ => {}
            }
        }
        (groups, group_of)
    }

    /// The group a slot holds (directly or as array items), and whether through an array.
    fn target(&self, slot: SlotId, group_of: &HashMap<ObjId, usize>) -> Option<(usize, bool)> {
        match self.effective(slot) {
            Shape::Object(obj) => group_of.get(&obj).map(|g| (*g, false)),
            Shape::Array(item) => match self.effective(item) {
                Shape::Object(obj) => group_of.get(&obj).map(|g| (*g, true)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Where each group is used: (parent, key, as an array item), in discovery order.
    fn uses(
        &self,
        groups: &[ObjId],
        group_of: &HashMap<ObjId, usize>,
    ) -> Vec<Vec<(usize, String, bool)>> {
        let mut uses: Vec<Vec<(usize, String, bool)>> = vec![Vec::new(); groups.len()];
        for (g, &obj) in groups.iter().enumerate() {
            for f in self.live_fields(obj) {
                if let Some((child, array)) = self.target(f.slot, group_of) {
                    let entry = (g, f.wire.clone(), array);
                    if !uses[child].contains(&entry) {
                        uses[child].push(entry);
                    }
                }
            }
        }
        uses
    }

    /// Names: bodies first, then everything else by vote.
    fn name_groups(
        &self,
        roots: &[Root],
        groups: &[ObjId],
        group_of: &HashMap<ObjId, usize>,
        uses: &[Vec<(usize, String, bool)>],
        types: &mut Namespace,
    ) -> Vec<String> {
        let mut names: Vec<Option<String>> = vec![None; groups.len()];
        let mut root_users: BTreeMap<usize, Vec<(usize, &Root, bool)>> = BTreeMap::new();
        for (r, root) in roots.iter().enumerate() {
            if let Some((g, array)) = self.target(root.slot, group_of) {
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
        names
            .into_iter()
            .map(|n| n.expect("every group is named"))
            .collect()
    }

    /// Names the enums (after the key that holds them, else parent and key) and the number
    /// type, and defines them.
    fn name_leaves(
        &self,
        roots: &[Root],
        groups: &[ObjId],
        names: &mut Names,
        types: &mut Namespace,
        defs: &mut Vec<TypeDef>,
    ) {
        // (parent type name, key, slot) of every position that may hold a scalar: the fields
        // of every object type, then the bodies themselves (a body may be a bare value).
        let mut positions: Vec<(String, String, SlotId)> = Vec::new();
        for (g, &obj) in groups.iter().enumerate() {
            for f in self.live_fields(obj) {
                positions.push((names.groups[g].clone(), f.wire.clone(), f.slot));
            }
        }
        positions.extend(
            roots
                .iter()
                .map(|r| (String::new(), r.name.clone(), r.slot)),
        );
        for (parent, key, slot) in positions {
            let mut slot = slot;
            while let Shape::Array(item) = self.effective(slot) {
                slot = item;
            }
            match self.leaf(slot) {
                Some(Leaf::Enum(values)) if !names.enums.contains_key(&values) => {
                    let own = naming::type_name(&key);
                    let name = if types.contains(&own) {
                        types.claim(&format!("{parent}{own}"))
                    } else {
                        types.claim(&own)
                    };
                    let origin = self.slots[slot].values.as_ref().map(|v| v.1.clone());
                    defs.push(TypeDef {
                        name: name.clone(),
                        origin: origin.as_ref().map(Origin::to_string).unwrap_or_default(),
                        docs: Some(format!(
                            "The values the release notes list{}, and those their examples show.",
                            origin.map(|o| format!(" at `{o}`")).unwrap_or_default()
                        )),
                        deprecated: None,
                        kind: TypeKind::Enum(crate::lower::openapi::string_enum(&values)),
                    });
                    names.enums.insert(values, name);
                }
                Some(Leaf::Number) if names.number.is_none() => {
                    let name = types.claim("Number");
                    defs.push(number_def(&name));
                    names.number = Some(name);
                }
                _ => {}
            }
        }
    }

    fn struct_def(&self, obj: ObjId, name: &str, names: &Names) -> TypeDef {
        let mut field_names = Namespace::new();
        let fields = self
            .live_fields(obj)
            .map(|f| Field {
                name: field_names.claim(&naming::value_name(&f.wire)),
                wire_name: f.wire.clone(),
                ty: self.type_ref(f.slot, names),
                required: self.required(obj, f),
                docs: f.meta.docs.clone(),
                deprecated: f.meta.deprecated.clone(),
                added_in: f.meta.added_in.clone(),
                read_only: false,
                write_only: false,
                default: None,
                sensitive: crate::ir::sensitive_name(&f.wire),
                bounds: None,
            })
            .collect();
        TypeDef {
            name: name.to_owned(),
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
        }
    }

    /// Positions only ever seen as `null` say nothing about their type: a warning each.
    fn check_null_only(&mut self, _roots: &[Root]) {
        let mut found = Vec::new();
        for obj in &self.objects {
            for f in obj.fields.iter().filter(|f| f.meta.removed.is_none()) {
                let s = &self.slots[f.slot];
                if s.shape == Shape::Unknown && s.nullable && s.declared.is_none() {
                    let origin = s.first_seen.clone().unwrap_or_else(|| obj.origin.clone());
                    found.push((origin, f.wire.clone()));
                }
            }
        }
        for (origin, wire) in found {
            self.warnings.push((
                origin,
                1,
                format!("`{wire}` is only ever `null` in the examples; it is typed as optional any JSON (`Option<serde_json::Value>`)"),
                "give an example with a value, or declare the type in a table or field-change line",
            ));
        }
    }

    fn type_ref(&self, slot: SlotId, names: &Names) -> TypeRef {
        let ty = match self.effective(slot) {
            Shape::Unknown | Shape::Conflict => TypeRef::Json,
            Shape::Scalar(_) => match self.leaf(slot) {
                Some(Leaf::Number) => TypeRef::Named(names.number.clone().unwrap_or_default()),
                Some(Leaf::Enum(values)) => match names.enums.get(&values) {
                    Some(name) => TypeRef::Named(name.clone()),
                    None => TypeRef::Primitive(Primitive::String),
                },
                Some(Leaf::Primitive(p)) => TypeRef::Primitive(p),
                None => TypeRef::Json,
            },
            Shape::Array(item) => TypeRef::Array(Box::new(self.type_ref(item, names))),
            Shape::Object(obj) if self.live_fields(obj).next().is_none() => {
                TypeRef::Map(Box::new(TypeRef::Json))
            }
            Shape::Object(obj) => TypeRef::Named(names.groups[names.group_of[&obj]].clone()),
        };
        let s = &self.slots[slot];
        let null_only = s.shape == Shape::Unknown && s.declared.is_none();
        if s.nullable && (ty != TypeRef::Json || null_only) {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }
}

/// `Number`: an integer or a decimal, kept as the example wrote it.
fn number_def(name: &str) -> TypeDef {
    TypeDef {
        name: name.to_owned(),
        origin: String::new(),
        docs: Some("A number the release notes show both as an integer and as a decimal; each decodes to the variant that re-encodes it exactly (`11` stays `11`, `11.5` stays `11.5`).".into()),
        deprecated: None,
        kind: TypeKind::Union(Union {
            discriminator: None,
            variants: vec![
                UnionVariant {
                    name: "Integer".into(),
                    ty: TypeRef::Primitive(Primitive::I64),
                    tags: Vec::new(),
                },
                UnionVariant {
                    name: "Decimal".into(),
                    ty: TypeRef::Primitive(Primitive::F64),
                    tags: Vec::new(),
                },
            ],
        }),
    }
}

/// The name a type's uses vote for: the last word of its keys (singular), or the whole key
/// when only one key has the winning word.
fn candidate(uses: &[(usize, String, bool)]) -> Option<String> {
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
