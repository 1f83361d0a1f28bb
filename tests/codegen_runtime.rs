//! What the generator decides for the runtime features, on a small fixture: which fields are
//! redacted, which operations page and how (detected or declared by `x-specgen-pagination`), and
//! collision-free names for the variant that keeps unknown enum values.

use specgen_codegen::{self as codegen, ir, load};
use specgen_tests::repo_root;
use std::fs;
use std::path::PathBuf;

fn input(file: &str) -> load::SpecInput {
    let path = format!("tests/fixtures/runtime/{file}");
    load::SpecInput::OpenApi {
        module: "production".into(),
        document: load::SourceFile {
            text: fs::read_to_string(repo_root().join(&path)).unwrap(),
            path,
        },
        overlay: None,
    }
}

fn generate() -> codegen::Generated {
    codegen::generate(&[input("production.yaml")]).unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn sensitive_fields_come_from_the_extension_the_format_and_the_name_list() {
    let api = &generate().apis[0];
    let widget = api.types.iter().find(|t| t.name == "Widget").unwrap();
    let ir::TypeKind::Struct(s) = &widget.kind else {
        panic!("Widget is a struct")
    };
    let sensitive: Vec<&str> = s
        .fields
        .iter()
        .filter(|f| f.sensitive)
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(sensitive, ["note", "passcode", "routing_number"]);
    let code = &generate().files[&PathBuf::from("src/production.rs")];
    assert!(code.contains(".field(\"note\", &crate::runtime::Redacted)"));
    assert!(code.contains(".field(\"shipping\", &self.shipping)"));
}

#[test]
fn pagination_is_detected_declared_or_turned_off() {
    let api = &generate().apis[0];
    let shape = |name: &str| {
        let op = api.operations.iter().find(|o| o.fn_name == name).unwrap();
        specgen_codegen::passes::pagination::detect_pagination(op, api)
    };
    let widgets = shape("list_widgets").expect("a pageToken cursor with nextPageToken");
    assert_eq!(
        (
            widgets.style,
            widgets.param.as_str(),
            widgets.items.as_str(),
            widgets.next.as_deref()
        ),
        (
            ir::PageStyle::Cursor,
            "page_token",
            "results",
            Some("next_page_token")
        )
    );
    let gadgets = shape("list_gadgets").expect("declared by the overlay extension");
    assert_eq!(
        (
            gadgets.style,
            gadgets.param.as_str(),
            gadgets.items.as_str(),
            gadgets.next.as_deref()
        ),
        (
            ir::PageStyle::Cursor,
            "position",
            "entries_here",
            Some("resume_at")
        )
    );
    assert_eq!(
        shape("list_reports"),
        None,
        "`style: none` turns detection off"
    );
    assert_eq!(
        shape("list_things").map(|s| s.style),
        Some(ir::PageStyle::Offset)
    );
    let code = &generate().files[&PathBuf::from("src/production.rs")];
    for method in [
        "list_widgets_stream",
        "list_gadgets_stream",
        "list_things_stream",
    ] {
        assert!(code.contains(&format!("pub fn {method}(")), "{method}");
    }
    assert!(!code.contains("pub fn list_reports_stream("));
}

#[test]
fn the_unknown_variant_never_collides_with_a_documented_one() {
    let code = &generate().files[&PathBuf::from("src/production.rs")];
    // `Kind` documents a value named `Unknown`, so the catch-all is `Unknown2`.
    assert!(code.contains("Unknown,") && code.contains("Unknown2(::std::string::String),"));
    // The tagged union keeps unknown discriminators as raw JSON.
    assert!(code.contains("Unknown(::serde_json::Value),"));
    assert!(
        code.contains("#[non_exhaustive]\npub enum Kind")
            || code.contains("#[non_exhaustive]\n    pub enum Kind")
    );
}

#[test]
fn a_bad_pagination_declaration_is_a_located_error() {
    let errors = codegen::generate(&[input("bad-pagination.yaml")])
        .unwrap_err()
        .to_string();
    assert!(
        errors.contains("pagination needs `style: cursor`"),
        "{errors}"
    );
    assert!(errors.contains("bad-pagination.yaml:9"), "{errors}");
}

#[test]
fn the_generated_code_separates_items_with_blank_lines() {
    let code = &generate().files[&PathBuf::from("src/production.rs")];
    assert!(
        code.contains("    }\n\n    impl ::std::fmt::Debug for Widget {"),
        "{code}"
    );
    assert!(
        !code.contains("}\n    pub "),
        "every item is preceded by a blank line"
    );
}
