//! Four releases of the Partner API notes stacked: the v4.3.0 seed, then v4.4.0 (list, PATCH and
//! DELETE endpoints, an optional added field, restated tables with fewer rows), v4.5.0 (a
//! deprecated endpoint and field) and v5.0.0 (a removed endpoint, a renamed path, a removed
//! field), with an overlay beside them. The fixtures are under
//! `tests/fixtures/release-notes/partner-api-stack/`, written in the vendor's format.

use specgen_codegen::{self as codegen, load, surface};
use specgen_ir::ir::{Api, Field, Operation, ParamLocation, Status, TypeKind, TypeRef};
use specgen_tests::repo_root;
use std::fs;
use std::path::Path;
use std::process::Command;

const DIR: &str = "tests/fixtures/release-notes/partner-api-stack";

/// The notes `files` of the stack directory (plus its overlay when `overlay`), as one input.
fn input(files: &[&str], overlay: bool) -> load::SpecInput {
    let mut names: Vec<&str> = files.to_vec();
    if overlay {
        names.push("overlay.yaml");
    }
    load::SpecInput::ReleaseNotes {
        module: "partner_api".into(),
        notes: names
            .iter()
            .map(|f| load::SourceFile {
                path: format!("{DIR}/{f}"),
                text: fs::read_to_string(repo_root().join(DIR).join(f)).unwrap(),
            })
            .collect(),
    }
}

fn generate(files: &[&str], overlay: bool) -> codegen::Generated {
    let generated = codegen::generate(&[input(files, overlay)]).unwrap_or_else(|d| panic!("{d}"));
    assert!(generated.warnings.is_empty(), "{}", generated.warnings);
    generated
}

fn api(files: &[&str]) -> Api {
    generate(files, false).apis.remove(0)
}

const V44: &[&str] = &["v4.3.0.md", "v4.4.0.md"];
const V45: &[&str] = &["v4.3.0.md", "v4.4.0.md", "v4.5.0.md"];
const V50: &[&str] = &["v4.3.0.md", "v4.4.0.md", "v4.5.0.md", "v5.0.0.md"];

fn op<'a>(api: &'a Api, method: &str, path: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.method.as_str() == method && o.path == path)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

fn has_op(api: &Api, method: &str, path: &str) -> bool {
    api.operations
        .iter()
        .any(|o| o.method.as_str() == method && o.path == path)
}

fn statuses(op: &Operation) -> Vec<u16> {
    op.responses
        .iter()
        .map(|r| match r.status {
            Status::Code(c) => c,
            other => panic!("{other:?}"),
        })
        .collect()
}

fn field<'a>(api: &'a Api, ty: &str, wire: &str) -> Option<&'a Field> {
    let def = api.types.iter().find(|t| t.name == ty)?;
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().find(|f| f.wire_name == wire),
        _ => None,
    }
}

#[test]
fn v4_4_0_adds_list_patch_and_delete_and_keeps_what_it_does_not_restate() {
    let api = api(V44);
    assert_eq!(api.version.as_deref(), Some("v4.4.0"));
    let list = op(&api, "GET", "/onchain-preauth");
    assert_eq!(list.fn_name, "list_preauthorizations");
    let query: Vec<(&str, bool)> = list
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| (p.wire_name.as_str(), p.required))
        .collect();
    assert_eq!(
        query,
        [("status", false), ("limit", false), ("cursor", false)]
    );
    assert_eq!(
        op(&api, "PATCH", "/onchain-preauth/{invoiceId}").fn_name,
        "update_preauthorization"
    );
    let delete = op(&api, "DELETE", "/onchain-preauth/{invoiceId}");
    assert_eq!(statuses(delete), [204, 404]);
    assert!(delete.deprecated.is_none());

    // The GET's table was restated with one row: the other statuses stay.
    let get = op(&api, "GET", "/onchain-preauth/{invoiceId}");
    assert_eq!(statuses(get), [200, 401, 403, 404]);
    assert_eq!(
        get.responses[0].docs.as_deref(),
        Some("Preauthorization details, now with the fee rate"),
        "the restated row overrides the old one"
    );
    // The create table restated 201 and added 422: 400…500 stay.
    let create = op(&api, "POST", "/onchain-preauth");
    assert_eq!(statuses(create), [201, 400, 401, 403, 404, 409, 422, 500]);

    // Optional by the notes' words, although the request example of v4.4.0 does not exist.
    let token = field(&api, "CreatePreauthorizationRequest", "tokenSymbol").unwrap();
    assert!(!token.required);
    assert_eq!(token.added_in.as_deref(), Some("v4.4.0"));
    let memo = field(&api, "UpdatePreauthorizationRequest", "memo").unwrap();
    assert!(
        !memo.required,
        "the table says No and the text says (optional)"
    );

    // `feeRate` is 11 in one item and 11.5 in the other: the exact number type.
    let item = match &field(&api, "ListPreauthorizationsResponse", "data")
        .unwrap()
        .ty
    {
        TypeRef::Array(inner) => match inner.as_ref() {
            TypeRef::Named(n) => n.clone(),
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(&api, &item, "feeRate").unwrap().ty,
        TypeRef::Named("Number".into())
    );
    // "Current status (AUTHORIZED, SETTLED, EXPIRED, CANCELLED)" about each item: an enum.
    let status = match &field(&api, &item, "status").unwrap().ty {
        TypeRef::Named(n) => n.clone(),
        other => panic!("status is not an enum: {other:?}"),
    };
    let values: Vec<String> = match &api.types.iter().find(|t| t.name == status).unwrap().kind {
        TypeKind::Enum(e) => e.variants.iter().map(|v| v.wire_name.clone()).collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(values, ["AUTHORIZED", "SETTLED", "EXPIRED", "CANCELLED"]);
    // v4.3.0's "(if settled)": the unsettled preauthorization decodes.
    for wire in ["settledAmount", "transactionHash"] {
        assert!(
            !field(&api, "GetPreauthorizationDetailsResponse", wire)
                .unwrap()
                .required,
            "{wire}"
        );
    }
}

#[test]
fn v4_5_0_deprecates_the_delete_method_and_a_field() {
    let generated = generate(V45, false);
    let api = &generated.apis[0];
    let delete = op(api, "DELETE", "/onchain-preauth/{invoiceId}");
    let note = "deprecated in v4.5.0: Use PATCH /onchain-preauth/{invoiceId} with the status CANCELLED; this endpoint goes away in v5.0.0.";
    assert_eq!(delete.deprecated.as_deref(), Some(note));
    assert_eq!(
        delete.summary.as_deref(),
        Some("Delete preauthorization"),
        "kept from v4.4.0"
    );
    let code = &generated.files[Path::new("src/partner_api.rs")];
    let method = code
        .find("pub fn delete_preauthorization(")
        .expect("the method is generated");
    // The attribute sits right before the method (after its doc comment).
    let before = &code[..method];
    let attr = before
        .rfind("#[deprecated(")
        .expect("the method carries #[deprecated]");
    assert!(
        !before[attr..].contains("pub fn"),
        "the attribute belongs to this method"
    );
    assert!(
        before[attr..].contains("deprecated in v4.5.0: Use PATCH"),
        "{}",
        &before[attr..]
    );
    let name = field(api, "OnboardANewBusinessUserRequest", "businessEntityName").unwrap();
    assert_eq!(
        name.deprecated.as_deref(),
        Some("deprecated in v4.5.0: Use businessEntityId; names are not unique.")
    );
}

#[test]
fn v5_0_0_removes_the_delete_renames_a_path_and_removes_a_field() {
    let api = api(V50);
    assert!(!has_op(&api, "DELETE", "/onchain-preauth/{invoiceId}"));
    assert!(!has_op(
        &api,
        "GET",
        "/tenant/customer/pii-customer-details/{customerAccountId}"
    ));
    let renamed = op(
        &api,
        "GET",
        "/tenant/customers/{customerAccountId}/pii-history",
    );
    assert_eq!(renamed.fn_name, "get_customer_pii_history");
    assert_eq!(statuses(renamed), [200, 400, 404], "kept from v4.3.0");
    assert_eq!(renamed.params[0].wire_name, "customerAccountId");
    assert!(renamed.description.as_deref().unwrap().contains(
        "v5.0.0: renamed from `GET /tenant/customer/pii-customer-details/{customerAccountId}`."
    ));
    assert!(
        api.description
            .as_deref()
            .unwrap()
            .contains("`DELETE /onchain-preauth/{invoiceId}` (removed in v5.0.0")
    );
    assert!(field(&api, "OnboardANewBusinessUserRequest", "taxIdNumber").is_none());
    assert!(field(&api, "OnboardANewBusinessUserRequest", "taxId").is_some());
    // The owners' own `taxIdNumber` is another field and stays.
    assert!(field(&api, "IndividualBeneficialOwner", "taxIdNumber").is_some());
    assert_eq!(api.operations.len(), 7);
}

#[test]
fn files_apply_in_version_order_whatever_their_order() {
    let mut reversed = V50.to_vec();
    reversed.reverse();
    assert_eq!(api(V50), api(&reversed));
}

#[test]
fn the_overlay_adds_auth_servers_names_and_idempotency() {
    let generated = generate(V50, true);
    let api = &generated.apis[0];
    assert_eq!(api.servers.len(), 1);
    assert_eq!(api.servers[0].url, "https://sandbox.partner.example");
    assert_eq!(api.security_schemes.len(), 1);
    assert!(api.operations.iter().all(|o| o.security == ["bearerAuth"]));
    let list = op(api, "GET", "/onchain-preauth");
    assert_eq!(list.fn_name, "list_preauths");
    assert_eq!(list.success_type, None);
    assert!(
        api.types.iter().any(|t| t.name == "ListPreauthsResponse"),
        "types follow the new name"
    );
    let create = op(api, "POST", "/onchain-preauth");
    let key = create
        .params
        .iter()
        .find(|p| p.wire_name == "Idempotency-Key")
        .unwrap();
    assert!(key.idempotency_key && key.location == ParamLocation::Header);
    // What the notes said survives the overlay.
    assert_eq!(
        field(api, "CreatePreauthorizationRequest", "tokenSymbol")
            .unwrap()
            .added_in
            .as_deref(),
        Some("v4.4.0")
    );
    let values = |api: &Api| -> Vec<(String, serde_json::Value)> {
        api.examples
            .iter()
            .map(|x| (x.origin.clone(), x.value.clone()))
            .collect()
    };
    assert_eq!(
        values(api),
        values(&generate(V50, false).apis[0]),
        "the same examples"
    );
    let code = &generated.files[Path::new("src/partner_api.rs")];
    assert!(code.contains("pub fn with_bearer_token("));
    assert!(code.contains("pub fn list_preauths("));
}

#[test]
fn stacked_surface() {
    let api = generate(V50, true).apis.remove(0);
    insta::assert_snapshot!(surface::render_surface(&api));
}

/// The whole stack, generated into a scratch crate under `target/`, compiles, and every example
/// of every release round-trips through its generated type. One `cargo run`, sharing the
/// workspace's target directory and lock file so only the generated crate itself is built.
#[test]
fn the_stacked_client_compiles_and_its_examples_round_trip() {
    let generated = generate(V50, true);
    let root = repo_root();
    let crate_dir = root.join("target/notes-stack");
    let _ = fs::remove_dir_all(&crate_dir);
    for (path, text) in &generated.files {
        let dest = crate_dir.join(path);
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let text = if path == Path::new("Cargo.toml") {
            // Its own workspace, so the repository's workspace does not claim it.
            format!("{text}\n[workspace]\n")
        } else {
            text.clone()
        };
        fs::write(dest, text).unwrap();
    }
    fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    fs::create_dir_all(crate_dir.join("examples")).unwrap();
    fs::write(
        crate_dir.join("examples/roundtrip.rs"),
        r#"fn main() {
    let checks = specgen_apis::partner_api::example_checks();
    let mut failed = 0;
    for c in &checks {
        if c.result.is_err() || !c.dropped.is_empty() {
            failed += 1;
            println!("FAIL {} as {}: {:?} dropped {:?}", c.origin, c.type_name, c.result, c.dropped);
        }
    }
    println!("checked {} examples, {failed} failed", checks.len());
    std::process::exit(if failed == 0 { 0 } else { 1 });
}
"#,
    )
    .unwrap();
    let output = Command::new(env!("CARGO"))
        .args([
            "run",
            "--quiet",
            "--offline",
            "--example",
            "roundtrip",
            "--features",
            "examples",
        ])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let expected = generated.apis[0].examples.len();
    assert!(expected > 30, "{expected}");
    assert!(
        stdout.contains(&format!("checked {expected} examples, 0 failed")),
        "{stdout}"
    );
}

/// The surface diff between releases (the drift report) shows the deprecation, then the
/// removal and the rename, line by line.
#[test]
fn the_surface_diff_shows_deprecations_and_removals() {
    let diff = |old: &[&str], new: &[&str]| -> Vec<String> {
        let (a, b) = (
            surface::render_surface(&api(old)),
            surface::render_surface(&api(new)),
        );
        similar::TextDiff::from_lines(&a, &b)
            .unified_diff()
            .to_string()
            .lines()
            .filter(|l| {
                (l.starts_with('+') || l.starts_with('-'))
                    && !l.starts_with("+++")
                    && !l.starts_with("---")
            })
            .map(str::to_owned)
            .collect()
    };
    let deprecation = diff(V44, V45);
    assert!(
        deprecation.contains(&"+    deprecated".to_owned()),
        "{deprecation:#?}"
    );
    let removal = diff(V45, V50);
    for line in [
        "-  DELETE /onchain-preauth/{invoiceId} -> delete_preauthorization",
        "-  GET /tenant/customer/pii-customer-details/{customerAccountId} -> fetch_pii_data_with_bank_details_and_full_change_history",
        "+  GET /tenant/customers/{customerAccountId}/pii-history -> get_customer_pii_history",
        "-    taxIdNumber: string (optional, deprecated)",
    ] {
        assert!(
            removal.contains(&line.to_owned()),
            "{line} not in {removal:#?}"
        );
    }
}
