//! Facts about the Partner API module inferred from its release notes, and how a second notes
//! file stacks on the first.

use specgen_codegen::lower::release_notes;
use specgen_codegen::{self as codegen, Mode, Outcome, load, surface};
use specgen_ir::ir::{Api, Field, Primitive, TypeDef, TypeKind, TypeRef};
use specgen_tests::{repo_root, scratch_repo};
use std::fs;
use std::path::PathBuf;

fn notes(dir: &str, files: &[&str]) -> load::SpecInput {
    load::SpecInput::ReleaseNotes {
        module: "partner_api".into(),
        notes: files
            .iter()
            .map(|f| load::SourceFile {
                path: format!("{dir}/{f}"),
                text: fs::read_to_string(repo_root().join(dir).join(f)).unwrap(),
            })
            .collect(),
    }
}

fn api_of(input: load::SpecInput) -> Api {
    let generated = codegen::generate(&[input]).unwrap_or_else(|d| panic!("{d}"));
    assert!(generated.warnings.is_empty(), "{}", generated.warnings);
    generated.apis.into_iter().next().unwrap()
}

fn partner_api() -> Api {
    api_of(notes("specs/partner-api", &["v4.3.0.md"]))
}

fn def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type `{name}`"))
}

fn field<'a>(api: &'a Api, ty: &str, wire: &str) -> &'a Field {
    match &def(api, ty).kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .find(|f| f.wire_name == wire)
            .unwrap_or_else(|| panic!("no field `{wire}` in `{ty}`")),
        other => panic!("`{ty}` is not a struct: {other:?}"),
    }
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named(name.into())
}

fn array_of(name: &str) -> TypeRef {
    TypeRef::Array(Box::new(named(name)))
}

const STRING: TypeRef = TypeRef::Primitive(Primitive::String);

#[test]
fn five_operations_named_after_their_summaries() {
    let api = partner_api();
    let ops: Vec<(&str, &str, &str)> = api
        .operations
        .iter()
        .map(|o| (o.method.as_str(), o.path.as_str(), o.fn_name.as_str()))
        .collect();
    assert_eq!(
        ops,
        [
            ("POST", "/onchain-preauth", "create_preauthorization"),
            (
                "GET",
                "/tenant/customer/pii-customer-details/{customerAccountId}",
                "fetch_pii_data_with_bank_details_and_full_change_history"
            ),
            (
                "GET",
                "/onchain-preauth/{invoiceId}",
                "get_preauthorization_details"
            ),
            (
                "POST",
                "/tenant/business-user",
                "onboard_a_new_business_user"
            ),
            (
                "POST",
                "/onchain-preauth/{invoiceId}/settle",
                "settle_preauthorization"
            ),
        ]
    );
    assert_eq!(api.version.as_deref(), Some("v4.3.0"));
    assert_eq!(api.title, "Partner API");
    let create = &api.operations[0];
    let statuses: Vec<String> = create
        .responses
        .iter()
        .map(|r| format!("{:?} {}", r.status, r.variant))
        .collect();
    assert_eq!(
        statuses,
        [
            "Code(201) Created",
            "Code(400) BadRequest",
            "Code(401) Unauthorized",
            "Code(403) Forbidden",
            "Code(404) NotFound",
            "Code(409) Conflict",
            "Code(500) InternalServerError"
        ]
    );
    assert_eq!(create.tags, ["Onchain Preauthorization"]);
}

#[test]
fn the_address_object_is_one_type() {
    let api = partner_api();
    let address_shaped: Vec<&str> = api
        .types
        .iter()
        .filter(|t| match &t.kind {
            TypeKind::Struct(s) => {
                let mut wires: Vec<&str> = s.fields.iter().map(|f| f.wire_name.as_str()).collect();
                wires.sort();
                wires == ["address1", "city", "isoCountryCode", "postalCode", "state"]
            }
            _ => false,
        })
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(address_shaped, ["Address"]);
    for (ty, wire) in [
        ("OnboardANewBusinessUserRequest", "businessUserAddress"),
        ("IndividualBeneficialOwner", "address"),
        ("ControlPerson", "address"),
        ("EntityBeneficialOwnerControlPerson", "address"),
        ("EntityBeneficialOwner", "address"),
        ("BusinessUserMetadata", "company_address"),
    ] {
        assert_eq!(field(&api, ty, wire).ty, named("Address"), "{ty}.{wire}");
    }
}

#[test]
fn every_error_status_shares_the_error_envelope_except_the_odd_array() {
    let api = partner_api();
    let mut bodies = Vec::new();
    for op in &api.operations {
        for r in op.error_responses() {
            match &r.body {
                Some(specgen_ir::ir::ResponseBody::Json { ty, .. }) => {
                    bodies.push((op.fn_name.as_str(), r.variant.as_str(), ty.clone()))
                }
                other => panic!("{} {}: {other:?}", op.fn_name, r.variant),
            }
        }
    }
    let odd = (
        "onboard_a_new_business_user",
        "BadRequest",
        array_of("OnboardANewBusinessUserBadRequestResponseItem"),
    );
    assert!(bodies.contains(&odd), "{bodies:?}");
    let others: Vec<_> = bodies.iter().filter(|b| **b != odd).collect();
    // 3 + 2 + 6 + 5 error statuses across the four other operations.
    assert_eq!(others.len(), 16);
    assert!(
        others
            .iter()
            .all(|(_, _, ty)| *ty == named("ErrorResponse"))
    );
    assert_eq!(field(&api, "ErrorResponse", "errors").ty, array_of("Error"));
    // The odd body's items reuse the same `{type, message}` entry type.
    assert_eq!(
        field(
            &api,
            "OnboardANewBusinessUserBadRequestResponseItem",
            "type"
        )
        .ty,
        array_of("Error")
    );
}

#[test]
fn recursion_objects_versus_arrays_and_exact_amounts() {
    let api = partner_api();
    let owners = field(&api, "EntityBeneficialOwner", "entityBeneficialOwners");
    assert_eq!(owners.ty, array_of("EntityBeneficialOwner"));
    // The inner `[{}]` is a sample of the same type, so every field of it is optional.
    match &def(&api, "EntityBeneficialOwner").kind {
        TypeKind::Struct(s) => assert!(s.fields.iter().all(|f| !f.required)),
        _ => unreachable!(),
    }
    assert_eq!(
        field(&api, "OnboardANewBusinessUserRequest", "otherDocs").ty,
        array_of("Doc")
    );
    assert_eq!(
        field(&api, "IndividualBeneficialOwner", "otherDocs").ty,
        named("Doc")
    );
    assert_eq!(
        field(&api, "OnboardANewBusinessUserRequest", "controlPersons").ty,
        named("ControlPerson")
    );
    assert_eq!(
        field(&api, "OnboardANewBusinessUserRequest", "signatories").ty,
        array_of("ControlPerson")
    );
    // The owners' control persons lack `gender` and `tax`: another type, named by its parent.
    assert_eq!(
        field(&api, "EntityBeneficialOwner", "controlPersons").ty,
        array_of("EntityBeneficialOwnerControlPerson")
    );
    for (ty, wire) in [
        ("CreatePreauthorizationRequest", "amount"),
        ("GetPreauthorizationDetailsResponse", "authorizedAmount"),
        ("SettlePreauthorizationResponse", "settledAmount"),
    ] {
        assert_eq!(field(&api, ty, wire).ty, STRING, "{ty}.{wire}");
    }
    let floats: Vec<String> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Struct(s) => Some((t, s)),
            _ => None,
        })
        .flat_map(|(t, s)| s.fields.iter().map(move |f| (t, f)))
        .filter(|(_, f)| format!("{:?}", f.ty).contains("F64"))
        .map(|(t, f)| format!("{}.{}", t.name, f.wire_name))
        .collect();
    assert!(floats.is_empty(), "no f64 anywhere: {floats:?}");
    // Placeholders are types, not strings.
    assert_eq!(
        field(&api, "IndividualBeneficialOwner", "isControlPerson").ty,
        TypeRef::Primitive(Primitive::Bool)
    );
    assert_eq!(
        field(&api, "Namespace", "isGlobal").ty,
        TypeRef::Primitive(Primitive::Bool)
    );
}

#[test]
fn field_tables_decide_optionality_and_document_fields() {
    let api = partner_api();
    let expires = field(&api, "CreatePreauthorizationRequest", "expiresAt");
    assert!(!expires.required);
    assert_eq!(
        expires.docs.as_deref(),
        Some(
            "Optional expiration timestamp in ISO 8601 format. If not provided, a default TTL will be applied. Example: `2026-03-30T12:00:00Z`."
        )
    );
    assert!(field(&api, "CreatePreauthorizationRequest", "invoiceId").required);
    let op = api
        .operations
        .iter()
        .find(|o| o.fn_name == "get_preauthorization_details")
        .unwrap();
    assert_eq!(op.params[0].wire_name, "invoiceId");
    assert_eq!(op.params[0].docs.as_deref(), Some("Example: `INV-1001`."));
}

#[test]
fn added_and_deprecated_fields_of_the_modified_endpoint() {
    let api = partner_api();
    for wire in ["businessEntityId", "taxId"] {
        let f = field(&api, "OnboardANewBusinessUserRequest", wire);
        assert_eq!(f.added_in.as_deref(), Some("v4.3.0"), "{wire}");
        assert!(f.deprecated.is_none());
    }
    let old = field(&api, "OnboardANewBusinessUserRequest", "taxIdNumber");
    assert_eq!(
        old.deprecated.as_deref(),
        Some("deprecated in v4.3.0: tax id number of business user")
    );
    assert!(
        !old.required,
        "a deprecated field the example omits stays optional"
    );
    assert_eq!(old.ty, STRING);
    // The owners' own tax id numbers are not the business user's and are not deprecated.
    assert!(
        field(&api, "IndividualBeneficialOwner", "taxIdNumber")
            .deprecated
            .is_none()
    );
    let code = fs::read_to_string(repo_root().join("generated/src/partner_api.rs")).unwrap();
    assert!(
        code.contains(
            "#[deprecated(note = \"deprecated in v4.3.0: tax id number of business user\")]"
        ),
        "the generated field carries #[deprecated]"
    );
}

/// v4.4.0 dropped beside v4.3.0 updates the same module: one endpoint more, one field
/// deprecated and one added, and nothing else changes.
#[test]
fn a_newer_notes_file_stacks_on_the_older_one() {
    let dir = "tests/fixtures/release-notes/partner-api";
    let both = api_of(notes(dir, &["v4.3.0.md", "v4.4.0.md"]));
    let reversed = api_of(notes(dir, &["v4.4.0.md", "v4.3.0.md"]));
    assert_eq!(
        both, reversed,
        "files are applied in version order, not file order"
    );
    assert_eq!(both.version.as_deref(), Some("v4.4.0"));
    assert_eq!(
        both.sources,
        [format!("{dir}/v4.3.0.md"), format!("{dir}/v4.4.0.md")]
    );
    let deprecated = field(&both, "CreatePreauthorizationRequest", "contractAddress");
    assert_eq!(
        deprecated.deprecated.as_deref(),
        Some("deprecated in v4.4.0: Use tokenSymbol; the contract is looked up from it.")
    );
    assert!(
        deprecated.required,
        "the v4.3.0 table still says Required: Yes"
    );
    let added = field(&both, "CreatePreauthorizationRequest", "tokenSymbol");
    assert_eq!(added.added_in.as_deref(), Some("v4.4.0"));
    assert!(!added.required);

    let old = api_of(notes(dir, &["v4.3.0.md"]));
    let diff = similar::TextDiff::from_lines(
        &surface::render_surface(&old),
        &surface::render_surface(&both),
    )
    .unified_diff()
    .to_string();
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| {
            (l.starts_with('+') || l.starts_with('-'))
                && !l.starts_with("+++")
                && !l.starts_with("---")
        })
        .collect();
    assert_eq!(
        changed,
        [
            "-api Partner API — module `partner_api`, version v4.3.0",
            "-sources: tests/fixtures/release-notes/partner-api/v4.3.0.md",
            "+api Partner API — module `partner_api`, version v4.4.0",
            "+sources: tests/fixtures/release-notes/partner-api/v4.3.0.md, tests/fixtures/release-notes/partner-api/v4.4.0.md",
            "-operations (5):",
            "+operations (6):",
            "+  POST /onchain-preauth/{invoiceId}/cancel -> cancel_preauthorization",
            "+    path invoiceId: string (required)",
            "+    200 Ok: CancelPreauthorizationResponse",
            "+    404 NotFound: ErrorResponse",
            "-types (32):",
            "+types (33):",
            "+  struct CancelPreauthorizationResponse",
            "+    transactionId: string",
            "+    invoiceId: string",
            "+    status: string",
            "-    contractAddress: string",
            "+    contractAddress: string (deprecated)",
            "+    tokenSymbol: string (optional, added in v4.4.0)",
            "-examples: 25",
            "+examples: 27",
        ],
        "{diff}"
    );
}

/// Dropping the v4.4.0 file into `specs/partner-api/` regenerates exactly the Partner API module.
#[test]
fn dropping_v4_4_0_into_specs_updates_the_same_module() {
    let repo = scratch_repo("notes-v4.4.0");
    fs::copy(
        repo_root().join("tests/fixtures/release-notes/partner-api/v4.4.0.md"),
        repo.join("specs/partner-api/v4.4.0.md"),
    )
    .unwrap();
    match codegen::run(&repo, Mode::Write).unwrap() {
        Outcome::Written(drift, _) => {
            // The module and its example checks (a submodule in its own file) change.
            assert_eq!(
                drift.stale,
                [
                    PathBuf::from("src/partner_api.rs"),
                    PathBuf::from("src/partner_api_examples.rs")
                ]
            );
            assert!(drift.missing.is_empty() && drift.orphaned.is_empty());
        }
        other => panic!("{other:?}"),
    }
    let code = fs::read_to_string(repo.join("generated/src/partner_api.rs")).unwrap();
    assert!(code.contains("pub fn cancel_preauthorization("));
    assert!(code.contains("pub const SPEC_VERSION: ::std::option::Option<&str> = ::std::option::Option::Some(\n    \"v4.4.0\","));
    fs::remove_dir_all(&repo).unwrap();
}

/// Bad input is a diagnostic, never a panic: every fourth truncation of the notes, and the notes
/// with every third line removed in turn, either lower into the IR or report located errors.
#[test]
fn damaged_notes_never_panic() {
    let text = fs::read_to_string(repo_root().join("specs/partner-api/v4.3.0.md")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let generate = |damaged: String| {
        let notes = [load::SourceFile {
            path: "specs/partner-api/v4.3.0.md".into(),
            text: damaged,
        }];
        let mut diagnostics = specgen_ir::diagnostics::Diagnostics::new();
        let api = release_notes::lower_release_notes("partner_api", &notes, &mut diagnostics);
        assert_eq!(api.is_none(), diagnostics.has_errors(), "{diagnostics}");
        assert!(
            diagnostics.iter().all(|d| d.location.line_col.is_some()),
            "{diagnostics}"
        );
    };
    for cut in (0..lines.len()).step_by(4) {
        generate(lines[..cut].join("\n"));
    }
    for removed in (0..lines.len()).step_by(3) {
        let mut kept = lines.clone();
        kept.remove(removed);
        generate(kept.join("\n"));
    }
}
