//! The generated crate's compact forms, with the same public API.
//!
//! One response enum per distinct set of responses (`passes::response_sets`): operations that
//! document identical responses share one enum, each keeps its own name as a type alias, and
//! code written against the per-operation names (matching, constructing, passing one
//! operation's error where another's is expected) still compiles. String enums get their
//! `Display`, `FromStr` and serde impls from one runtime macro, and behave exactly as before.
//! Structs get their serde impls from `runtime::record::serde_record!` (their behaviour against
//! the derives is in `records.rs`); models whose names collide with the impls' own compile.

use specgen_codegen::{self as codegen, load};
use specgen_tests::{check_generated_crate, repo_root};
use std::fs;
use std::path::PathBuf;

fn generate() -> codegen::Generated {
    generate_fixture("tests/fixtures/response-sets/shared.yaml", "shared")
}

/// The crate generated from the fixture at `path` as module `module`.
fn generate_fixture(path: &str, module: &str) -> codegen::Generated {
    let input = load::SpecInput::OpenApi {
        module: module.into(),
        document: load::SourceFile {
            text: fs::read_to_string(repo_root().join(path)).unwrap(),
            path: path.into(),
        },
        overlay: None,
    };
    codegen::generate(&[input]).unwrap_or_else(|d| panic!("{d}"))
}

fn code(generated: &codegen::Generated) -> &str {
    &generated.files[&PathBuf::from("src/shared.rs")]
}

#[test]
fn identical_error_sets_share_one_enum_and_keep_every_name() {
    let generated = generate();
    let api = &generated.apis[0];
    let shared = |name: &str| {
        let op = api.operations.iter().find(|o| o.fn_name == name).unwrap();
        (op.error_type.as_deref(), op.shared_error.as_deref())
    };
    let set = Some("NotFoundUnprocessableEntityErrors");
    assert_eq!(shared("get_widget"), (Some("GetWidgetError"), set));
    assert_eq!(shared("delete_widget"), (Some("DeleteWidgetError"), set));
    assert_eq!(shared("get_gadget"), (Some("GetGadgetError"), set));
    // The same statuses and variants with another 404 body are another set, used once.
    assert_eq!(shared("create_gadget"), (Some("CreateGadgetError"), None));

    let code = code(&generated);
    assert_eq!(
        code.matches("pub enum NotFoundUnprocessableEntityErrors {")
            .count(),
        1
    );
    for alias in ["GetWidgetError", "DeleteWidgetError", "GetGadgetError"] {
        assert!(
            code.contains(&format!(
                "pub type {alias} = NotFoundUnprocessableEntityErrors;"
            )),
            "{alias} is an alias of the shared enum"
        );
        assert!(
            !code.contains(&format!("pub enum {alias}")),
            "{alias} is not emitted twice"
        );
    }
    assert!(code.contains("pub enum CreateGadgetError {"));
    // Before the pass: four error enums and two success enums, each with its impl; now three.
    assert_eq!(
        code.matches("impl crate::runtime::ApiErrorStatus for")
            .count(),
        3
    );
}

#[test]
fn repeated_success_sets_share_one_enum_too() {
    let generated = generate();
    let code = code(&generated);
    assert_eq!(code.matches("pub enum OkAcceptedSuccesses {").count(), 1);
    assert!(code.contains("pub type GetWidgetSuccess = OkAcceptedSuccesses;"));
    assert!(code.contains("pub type GetGadgetSuccess = OkAcceptedSuccesses;"));
}

#[test]
fn each_alias_is_documented_as_its_operations_own() {
    let generated = generate();
    let code = code(&generated);
    let alias_doc = |alias: &str| {
        let end = code
            .find(&format!("pub type {alias} ="))
            .unwrap_or_else(|| panic!("{alias} missing"));
        let start = code[..end].rfind("\n\n").unwrap();
        code[start..end].to_owned()
    };
    let widget = alias_doc("GetWidgetError");
    assert!(
        widget.contains("`get_widget` (`GET /widgets/{id}`)"),
        "{widget}"
    );
    assert!(widget.contains("No widget has this id."), "{widget}");
    let gadget = alias_doc("GetGadgetError");
    assert!(gadget.contains("`get_gadget`"), "{gadget}");
    assert!(gadget.contains("No gadget has this id."), "{gadget}");
    // The shared enum keeps a description only where every operation gives the same one.
    let start = code
        .find("pub enum NotFoundUnprocessableEntityErrors")
        .unwrap();
    let body = &code[start..start + code[start..].find("\n    }\n").unwrap()];
    assert!(!body.contains("has this id"), "{body}");
    assert!(body.contains("The id is malformed."), "{body}");
}

/// Code written against the per-operation names before the pass: matching on an operation's
/// error enum, constructing its variants, and naming its success enum.
const CONSUMER: &str = r#"
use crate::runtime::{ApiErrorStatus, HeaderMap, ResponseValue};
use crate::shared::types::*;

fn problem(status: u16, operation: &'static str) -> ResponseValue<Problem, ()> {
    ResponseValue {
        status,
        headers: (),
        raw_headers: HeaderMap::new(),
        body: Problem { message: "no".into() },
        attempts: 1,
        operation,
    }
}

pub fn describe(error: &GetWidgetError) -> String {
    match error {
        GetWidgetError::NotFound(r) => format!("missing: {}", r.body.message),
        GetWidgetError::UnprocessableEntity(r) => format!("invalid: {}", r.status),
    }
}

pub fn build() -> (DeleteWidgetError, GetGadgetError, CreateGadgetError) {
    let delete = DeleteWidgetError::NotFound(problem(404, "delete_widget"));
    let gadget = GetGadgetError::UnprocessableEntity(problem(422, "get_gadget"));
    let create = CreateGadgetError::UnprocessableEntity(problem(422, "create_gadget"));
    (delete, gadget, create)
}

/// One type under two names: an operation's error passes where another's is expected.
pub fn same(error: DeleteWidgetError) -> GetWidgetError {
    error
}

pub fn success(value: GetWidgetSuccess) -> u16 {
    match value {
        GetWidgetSuccess::Ok(r) => r.status,
        GetWidgetSuccess::Accepted(r) => r.status,
    }
}

pub fn operations() -> Vec<&'static str> {
    let (delete, gadget, create) = build();
    let _ = describe(&same(delete.clone()));
    vec![delete.operation(), gadget.operation(), create.operation()]
}
"#;

#[test]
fn a_consumer_of_the_per_operation_names_compiles() {
    let mut files = generate().files;
    files.insert(PathBuf::from("src/consumer.rs"), CONSUMER.to_owned());
    let lib = files.get_mut(&PathBuf::from("src/lib.rs")).unwrap();
    lib.push_str("\n/// The consumer.\n#[allow(missing_docs, dead_code)]\npub mod consumer;\n");
    if let Err(errors) = check_generated_crate("response-sets-consumer", &files) {
        panic!("{errors}");
    }
}

/// In the checked-in crate: two Jiko operations that document the same errors name one type,
/// and the shared enum reports the operation its value came from.
#[test]
fn a_shared_error_enum_names_the_operation_of_its_value() {
    use specgen_apis::jiko_partner_api::types::{
        AccountsGetSpecificAccountError, AccountsListCustomerAccountsError,
    };
    use specgen_apis::runtime::{ApiErrorStatus, HeaderMap, ResponseValue};
    let value = |operation| ResponseValue {
        status: 404,
        headers: (),
        raw_headers: HeaderMap::new(),
        body: (),
        attempts: 2,
        operation,
    };
    let get = AccountsGetSpecificAccountError::NotFound(value("accounts_get_specific_account"));
    // The same type under the other operation's name: no conversion needed.
    let list: AccountsListCustomerAccountsError =
        AccountsListCustomerAccountsError::NotFound(value("accounts_list_customer_accounts"));
    let both: [AccountsGetSpecificAccountError; 2] = [get, list];
    let names: Vec<(&str, u16, u32)> = both
        .iter()
        .map(|e| (e.operation(), e.status(), e.attempts()))
        .collect();
    assert_eq!(
        names,
        [
            ("accounts_get_specific_account", 404, 2),
            ("accounts_list_customer_accounts", 404, 2)
        ]
    );
}

#[test]
fn string_enums_take_their_trait_impls_from_the_runtime_macro() {
    let generated = generate();
    let code = code(&generated);
    assert_eq!(
        code.matches("crate::runtime::open_string_enum!(").count(),
        code.matches("pub const ALL: &'static [Self]").count()
    );
    assert!(code.contains("crate::runtime::open_string_enum!(WidgetColour, Unknown);"));
    assert!(!code.contains("impl ::serde::Serialize for WidgetColour"));
}

#[test]
fn a_string_enum_round_trips_known_and_unknown_values() {
    use specgen_apis::jiko_partner_api::types::SubscriptionStatus;
    let known: SubscriptionStatus = serde_json::from_str(r#""enabled""#).unwrap();
    assert_eq!(known, SubscriptionStatus::Enabled);
    assert_eq!(serde_json::to_string(&known).unwrap(), r#""enabled""#);
    assert_eq!(known.to_string(), "enabled");
    assert_eq!("enabled".parse::<SubscriptionStatus>(), Ok(known.clone()));
    // From an owned string (a `Value`) as well as a borrowed one.
    let owned: SubscriptionStatus = serde_json::from_value(serde_json::json!("enabled")).unwrap();
    assert_eq!(owned, known);

    let unknown: SubscriptionStatus = serde_json::from_str(r#""paused_by_vendor""#).unwrap();
    assert_eq!(
        unknown,
        SubscriptionStatus::Unknown("paused_by_vendor".into())
    );
    assert!(!unknown.is_known());
    assert_eq!(
        serde_json::to_string(&unknown).unwrap(),
        r#""paused_by_vendor""#
    );
    let strict = "paused_by_vendor"
        .parse::<SubscriptionStatus>()
        .unwrap_err();
    assert_eq!(
        strict.to_string(),
        "`paused_by_vendor` is not a value of SubscriptionStatus"
    );
    // A non-string is an error with serde's usual wording, as with the derived `String` impl.
    let wrong = serde_json::from_str::<SubscriptionStatus>("5").unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "invalid type: integer `5`, expected a string at line 1 column 1"
    );
}

#[test]
fn structs_named_like_the_serde_impls_parts_compile() {
    let generated = generate_fixture("tests/fixtures/records/hostile.yaml", "hostile");
    let code = &generated.files[&PathBuf::from("src/hostile.rs")];
    for call in [
        "crate::runtime::record::serde_record!(S {",
        "crate::runtime::record::serde_record!(Visitor {",
    ] {
        assert!(code.contains(call), "{call} missing from:\n{code}");
    }
    assert!(
        !code.contains("::serde::Deserialize)]"),
        "a struct kept the derive"
    );
    if let Err(errors) = check_generated_crate("records-hostile", &generated.files) {
        panic!("{errors}");
    }
}
