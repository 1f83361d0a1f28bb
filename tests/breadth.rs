//! The schema and operation features real specs use, in one fixture: the surface is snapshotted,
//! the generated module must compile, and the names of every kind of collision are asserted.

use specgen_codegen::{self as codegen, ir, load};
use specgen_tests::{check_generated_crate, repo_root};
use std::fs;

fn generate() -> codegen::Generated {
    let path = repo_root().join("tests/fixtures/breadth/features.yaml");
    let input = load::SpecInput::OpenApi {
        module: "features".into(),
        document: load::SourceFile {
            path: "tests/fixtures/breadth/features.yaml".into(),
            text: fs::read_to_string(path).unwrap(),
        },
        overlay: None,
    };
    codegen::generate(&[input]).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn surface_of_every_feature() {
    let generated = generate();
    insta::assert_snapshot!(codegen::surface::render_surface(&generated.apis[0]));
    // Untypeable schemas degrade with a warning instead of failing the spec.
    let warnings = generated.warnings.to_string();
    assert!(
        warnings.contains("`not` schemas cannot be expressed"),
        "{warnings}"
    );
}

#[test]
fn collisions_of_every_kind_get_distinct_names() {
    let api = &generate().apis[0];
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names.contains(&"Pet") && names.contains(&"Pet2"),
        "{names:?}"
    );
    assert!(
        names.contains(&"Client_"),
        "a schema named Client must not shadow the client: {names:?}"
    );
    let fns: Vec<&str> = api.operations.iter().map(|o| o.fn_name.as_str()).collect();
    assert!(
        fns.contains(&"create_pet") && fns.contains(&"create_pet_2"),
        "{fns:?}"
    );
    assert!(
        fns.contains(&"get_pets"),
        "no operationId: method + path: {fns:?}"
    );

    let new_pet = api.types.iter().find(|t| t.name == "NewPet").unwrap();
    let ir::TypeKind::Struct(s) = &new_pet.kind else {
        panic!()
    };
    let fields: Vec<(&str, &str)> = s
        .fields
        .iter()
        .map(|f| (f.wire_name.as_str(), f.name.as_str()))
        .collect();
    for expected in [
        ("type", "r#type"),
        ("Type", "type_2"),
        ("self", "self_"),
        ("123abc", "_123abc"),
        ("$ref", "r#ref"),
    ] {
        assert!(fields.contains(&expected), "{expected:?} in {fields:?}");
    }

    let colour = api.types.iter().find(|t| t.name == "Colour").unwrap();
    let ir::TypeKind::Enum(e) = &colour.kind else {
        panic!()
    };
    let variants: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        variants,
        [
            "Red", "Red2", "Red3", "AB", "AB2", "X1st", "Empty", "Plus", "Self_"
        ]
    );
}

#[test]
fn recursive_types_are_boxed_and_unions_keep_their_tags() {
    let api = &generate().apis[0];
    let pet = api.types.iter().find(|t| t.name == "Pet").unwrap();
    let ir::TypeKind::Struct(s) = &pet.kind else {
        panic!("allOf merges into a struct")
    };
    let parent = s.fields.iter().find(|f| f.wire_name == "parent").unwrap();
    assert_eq!(
        parent.ty,
        ir::TypeRef::Boxed(Box::new(ir::TypeRef::Named("Pet".into())))
    );
    assert!(
        s.fields.iter().any(|f| f.wire_name == "name"),
        "allOf brings in NewPet's fields"
    );
    let kind = api.types.iter().find(|t| t.name == "Kind").unwrap();
    let ir::TypeKind::Union(u) = &kind.kind else {
        panic!()
    };
    assert_eq!(u.discriminator.as_deref(), Some("petType"));
    assert_eq!(
        u.variants
            .iter()
            .map(|v| v.tags.clone())
            .collect::<Vec<_>>(),
        [vec!["dog".to_owned()], vec!["cat".to_owned()]]
    );
}

/// The generated module compiles, as a crate of its own that shares the workspace's lock file
/// and target directory (so dependencies are not built again).
#[test]
fn the_generated_module_compiles() {
    let generated = generate();
    if let Err(errors) = check_generated_crate("breadth-fixture", &generated.files) {
        panic!("{errors}");
    }
}
