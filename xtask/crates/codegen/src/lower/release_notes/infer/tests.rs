//! Unit tests of type inference.

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
    // Only the null-only field is worth a warning, and it names the field and the example.
    assert_eq!(d.iter().count(), 1, "{d}");
    assert!(d.to_string().contains("`gone` is only ever `null`"), "{d}");
    assert!(d.to_string().contains("notes.md:1:1"), "{d}");
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
            (
                "gone".into(),
                TypeRef::Nullable(Box::new(TypeRef::Json)),
                true
            ),
        ]
    );
}

#[test]
fn integers_and_decimals_share_an_exact_number_type() {
    let (defs, root, d) = infer(&[
        json!({"fee": 11, "rate": 2}),
        json!({"fee": 11.5, "rate": 3}),
    ]);
    assert!(d.is_empty(), "{d}");
    let number = TypeRef::Named("Number".into());
    assert_eq!(
        fields(&defs, "Body"),
        [
            ("fee".into(), number, true),
            ("rate".into(), p(Primitive::I64), true)
        ]
    );
    let def = defs.iter().find(|d| d.name == "Number").unwrap();
    match &def.kind {
        TypeKind::Union(u) => {
            assert!(u.discriminator.is_none());
            let tys: Vec<&TypeRef> = u.variants.iter().map(|v| &v.ty).collect();
            assert_eq!(
                tys,
                [&p(Primitive::I64), &p(Primitive::F64)],
                "integers first"
            );
        }
        other => panic!("{other:?}"),
    }
    // The example keeps its integer: nothing rewrites `11` as `11.0`.
    let value = json!({"fee": 11, "rate": 2});
    assert_eq!(fill_placeholders(&value, &root, &defs), value);
}

#[test]
fn listed_values_make_an_enum_with_the_examples_values_too() {
    let mut inf = Inference::new();
    let root = inf.root();
    inf.sample(root, &json!({"status": "AUTHORIZED"}), &origin(3));
    inf.sample(root, &json!({"status": "REFUNDED"}), &origin(9));
    inf.describe_field(
        root,
        "status",
        false,
        Some(vec!["AUTHORIZED".into(), "SETTLED".into()]),
        &origin(1),
    );
    let mut d = Diagnostics::new();
    let (defs, _) = inf.finish(
        &[Root {
            slot: root,
            name: "Body".into(),
            kind: RootKind::Success,
        }],
        &mut Namespace::new(),
        &mut d,
    );
    assert_eq!(fields(&defs, "Body")[0].1, TypeRef::Named("Status".into()));
    let status = defs.iter().find(|d| d.name == "Status").unwrap();
    match &status.kind {
        TypeKind::Enum(e) => {
            let wires: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
            assert_eq!(wires, ["AUTHORIZED", "SETTLED", "REFUNDED"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn removed_fields_leave_the_type_and_the_checked_example() {
    let mut inf = Inference::new();
    let root = inf.root();
    let value = json!({"keep": "a", "old": "b"});
    inf.sample(root, &value, &origin(2));
    let removal = Annotation {
        removed: Some("removed in v2".into()),
        ..Annotation::default()
    };
    inf.annotate(root, "old", &origin(7), removal.clone())
        .unwrap();
    assert_eq!(
        inf.annotate(root, "never", &origin(8), removal),
        Err("never".into())
    );
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
    assert_eq!(
        fields(&defs, "Body"),
        [("keep".into(), p(Primitive::String), true)]
    );
    assert_eq!(
        fill_placeholders(&value, &refs[0], &defs),
        json!({"keep": "a"})
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

#[test]
fn a_bare_number_body_gets_the_number_type_too() {
    let (defs, root, d) = infer(&[json!([1, 2.5])]);
    assert!(d.is_empty(), "{d}");
    assert_eq!(
        root,
        TypeRef::Array(Box::new(TypeRef::Named("Number".into())))
    );
    assert!(defs.iter().any(|t| t.name == "Number"));
}
