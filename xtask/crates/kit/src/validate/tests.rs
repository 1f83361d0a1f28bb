//! The validator's unit tests: violations with pointers, parameters, integer ranges, bounds.

use super::*;

use serde_json::json;
use specgen_ir::ir::{EnumVariant, Field, StringEnum, Struct};

fn api() -> Api {
    let field = |wire: &str, ty: TypeRef, required: bool| Field {
        name: wire.to_lowercase(),
        wire_name: wire.into(),
        ty,
        required,
        docs: None,
        deprecated: None,
        added_in: None,
        read_only: false,
        write_only: false,
        default: None,
        sensitive: false,
        bounds: None,
    };
    let def = |name: &str, kind: TypeKind| TypeDef {
        name: name.into(),
        origin: format!("#/components/schemas/{name}"),
        docs: None,
        deprecated: None,
        kind,
    };
    Api {
        module: "t".into(),
        sources: vec![],
        title: "t".into(),
        version: None,
        description: None,
        servers: vec![],
        signature: None,
        features: Default::default(),
        security_schemes: vec![],
        examples: vec![],
        operations: vec![],
        types: vec![
            def(
                "Pet",
                TypeKind::Struct(Struct {
                    fields: vec![
                        field("id", TypeRef::Primitive(Primitive::Uuid), true),
                        field("kind", TypeRef::Named("Kind".into()), true),
                        field("code", TypeRef::Named("Code".into()), false),
                        field(
                            "born",
                            TypeRef::Nullable(Box::new(TypeRef::Primitive(Primitive::Date))),
                            false,
                        ),
                    ],
                    additional: None,
                }),
            ),
            def(
                "Kind",
                TypeKind::Enum(StringEnum {
                    variants: vec![EnumVariant {
                        name: "Cat".into(),
                        wire_name: "cat".into(),
                    }],
                }),
            ),
            def(
                "Code",
                TypeKind::Newtype(Newtype {
                    inner: Primitive::String,
                    min_length: Some(2),
                    max_length: Some(2),
                    pattern: Some("^[A-Z]+$".into()),
                    bounds: None,
                }),
            ),
        ],
    }
}

#[test]
fn every_violation_is_reported_with_its_pointer() {
    let api = api();
    let v = Validator::new(&api);
    let pet = TypeRef::Named("Pet".into());
    let found = v.validate(
        &pet,
        &json!({"kind": "dog", "code": "usa", "born": "2020-13-01"}),
        Direction::Request,
    );
    let pointers: Vec<&str> = found.iter().map(|f| f.pointer.as_str()).collect();
    assert_eq!(
        pointers,
        ["/id", "/kind", "/code", "/code", "/born"],
        "{found:#?}"
    );
    assert!(found[0].message.contains("`id` of Pet is missing"));
    assert!(found[2].message.contains("above the maximum 2"));
    assert!(found[3].message.contains("pattern"));
    assert!(
        v.validate(
            &pet,
            &json!({"id": "2adba88e-9d63-44bc-b975-9b6ae3440dde", "kind": "cat", "born": null}),
            Direction::Response
        )
        .is_empty()
    );
}

#[test]
fn parameters_are_read_as_their_type() {
    let api = api();
    let v = Validator::new(&api);
    let int = TypeRef::Primitive(Primitive::I32);
    assert_eq!(parameter_value(&v, &int, "42"), json!(42));
    assert_eq!(parameter_value(&v, &int, "x"), json!("x"));
    assert!(!v.is_valid(&int, &parameter_value(&v, &int, "x"), Direction::Request));
}

#[test]
fn integers_beyond_their_type_say_out_of_range() {
    let api = api();
    let v = Validator::new(&api);
    let i64t = TypeRef::Primitive(Primitive::I64);
    assert_eq!(
        integer_out_of_range(&v, &i64t, "99999999999999999999").as_deref(),
        Some("99999999999999999999 is out of range for int64")
    );
    assert_eq!(integer_out_of_range(&v, &i64t, "42"), None);
    assert_eq!(integer_out_of_range(&v, &i64t, "4x"), None);
    assert_eq!(
        integer_out_of_range(&v, &TypeRef::Primitive(Primitive::I32), "-2147483649").as_deref(),
        Some("-2147483649 is out of range for int32")
    );
    let big: Value = serde_json::from_str("1e300").unwrap();
    let found = v.validate(&i64t, &big, Direction::Request);
    assert!(
        found[0].message.contains("out of range for int64"),
        "{found:?}"
    );
}

#[test]
fn free_form_types_keep_their_json_type() {
    let api = api();
    let v = Validator::new(&api);
    let array = TypeRef::FreeForm {
        shape: JsonShape::Array,
        nullable: false,
    };
    assert!(v.is_valid(&array, &json!([1, "two"]), Direction::Request));
    let found = v.validate(&array, &json!({}), Direction::Request);
    assert_eq!(
        found[0].message,
        "expected an array (free-form), found an object"
    );
    assert!(!v.is_valid(&array, &Value::Null, Direction::Request));
    let nullable = TypeRef::FreeForm {
        shape: JsonShape::Object,
        nullable: true,
    };
    assert!(v.is_valid(&nullable, &Value::Null, Direction::Request));
    assert!(!v.is_valid(&nullable, &json!(5), Direction::Request));
}

#[test]
fn bounds_apply_through_arrays_and_skip_numbers_out_of_type() {
    let api = api();
    let v = Validator::new(&api);
    let ids = TypeRef::Array(Box::new(TypeRef::Primitive(Primitive::I32)));
    let min = NumberBounds {
        minimum: Some(1.0),
        ..NumberBounds::default()
    };
    let found = v.validate_bounded(&ids, Some(&min), &json!([1, 0, "x"]), Direction::Request);
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.pointer.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("/2", "expected an integer, found a string"),
            ("/1", "0 is less than the minimum 1"),
        ]
    );
    // An integer beyond int32 is reported once, as out of range, not also against a maximum.
    let max = NumberBounds {
        maximum: Some(10.0),
        ..NumberBounds::default()
    };
    let found = v.validate_bounded(
        &ids,
        Some(&max),
        &json!([3000000000i64]),
        Direction::Request,
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].message, "3000000000 is out of range for int32");
    // An array parameter's items are range-checked one by one.
    assert_eq!(
        integer_out_of_range(&v, &ids, "1,99999999999").as_deref(),
        Some("99999999999 is out of range for int32")
    );
}
