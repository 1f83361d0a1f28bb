//! Circle's sandbox (seed 000, the Customer Orchestration and Partner Onboarding quickstart).
//!
//! A `clientName` + `country` pair that exists → 409; a new client gets a `DRAFT` application
//! whose sections are all `not_started`; saving a section keeps its data and makes it
//! `complete`; uploaded documents are kept and listed; submitting needs every section complete
//! and a document, moves `DRAFT` → `SUBMITTED` and stamps `submitDate`; each later read of the
//! application advances the review one step, `SUBMITTED` → `IN_REVIEW` → a decision. The
//! decision is chosen by the client name, the way sandboxes use magic values: a name containing
//! `deny` is `DENIED`, one containing `rfi` is `PENDING_CUSTOMER_INFORMATION` with an RFI bundle
//! listed in `pendingRfis` (answering it, through the RFI or by saving its section, and resubmitting then leads to `APPROVED`), any other is
//! `APPROVED`. An application is mutable only in `DRAFT` and `PENDING_CUSTOMER_INFORMATION`
//! (→ 409 otherwise); only a `DRAFT` can be cancelled.

use super::store::{Limits, Store};
use super::{Call, Outcome, fresh_id, now, timestamp};
use serde_json::{Map, Value, json};
use specgen_ir::ir::Method;

/// The sections a new Circle application starts with (the names Circle's guides use).
pub const DEFAULT_SECTIONS: &[&str] = &["basicBusinessInfo", "beneficial_owners"];

/// Circle's clients and applications.
#[derive(Debug)]
pub struct Circle {
    clients: Store<(String, String), String>,
    applications: Store<String, Application>,
}

impl Circle {
    /// No clients yet.
    pub fn new(limits: Limits) -> Self {
        Circle {
            clients: Store::new(limits),
            applications: Store::new(limits),
        }
    }

    /// How many records are held.
    pub fn records(&self) -> usize {
        self.clients.len() + self.applications.len()
    }
}

#[derive(Debug, Clone)]
struct Section {
    name: String,
    status: &'static str,
    data: Option<Value>,
}

#[derive(Debug, Clone)]
struct Rfi {
    bundle_id: String,
    rfi_id: String,
    section: String,
    created: String,
    resolved: bool,
    comments: Vec<Value>,
}

#[derive(Debug, Clone)]
struct Application {
    id: String,
    client_entity_id: String,
    client_name: String,
    status: &'static str,
    sections: Vec<Section>,
    /// Each document as the list endpoint returns it.
    documents: Vec<Value>,
    reviews: u32,
    created: String,
    updated: String,
    submitted: Option<String>,
    rfis: Vec<Rfi>,
}

impl Application {
    fn mutable(&self) -> bool {
        matches!(self.status, "DRAFT" | "PENDING_CUSTOMER_INFORMATION")
    }

    /// Saving the section an RFI asks about answers it.
    fn resolve_rfis(&mut self, section: &str) {
        for r in self.rfis.iter_mut().filter(|r| r.section == section) {
            r.resolved = true;
        }
    }

    fn touch(&mut self) {
        self.updated = timestamp(now());
    }

    fn summaries(&self) -> Value {
        Value::Array(
            self.sections
                .iter()
                .map(|s| json!({"sectionName": s.name, "status": s.status}))
                .collect(),
        )
    }

    fn section_json(&self, s: &Section, with_data: bool) -> Value {
        let mut v = json!({"sectionName": s.name, "status": s.status});
        if with_data {
            v["data"] = s.data.clone().unwrap_or_else(|| json!({}));
        }
        v
    }

    /// The application as `Application` documents it.
    fn json(&self) -> Value {
        let pending: Vec<&str> = self
            .rfis
            .iter()
            .filter(|r| !r.resolved)
            .map(|r| r.bundle_id.as_str())
            .collect();
        json!({
            "applicationId": self.id,
            "clientEntityId": self.client_entity_id,
            "status": self.status,
            "sections": self.summaries(),
            "pendingRfis": pending,
            "createDate": self.created,
            "updateDate": self.updated,
            "submitDate": self.submitted,
        })
    }

    fn rfi_json(&self, r: &Rfi) -> Value {
        json!({"rfiId": r.rfi_id, "section": r.section, "type": "UPDATE_FIELD"})
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    CreateClient,
    ListApplications,
    GetApplication,
    CancelApplication,
    ListSections,
    GetSection,
    SaveSection,
    GetAllData,
    BulkSave,
    UploadDocument,
    ListDocuments,
    Submit,
    ListRfis,
    GetRfi,
    AnswerRfi,
    CommentRfi,
}

fn rule_for(method: Method, shape: &str) -> Option<Rule> {
    const APPS: &str = "/v1/onboarding/partner/applications";
    if (method, shape) == (Method::Post, "/v1/partner/clients") {
        return Some(Rule::CreateClient);
    }
    let rest = shape.strip_prefix(APPS)?;
    if rest.is_empty() {
        return (method == Method::Get).then_some(Rule::ListApplications);
    }
    let rest = rest.strip_prefix("/{}")?;
    Some(match (method, rest) {
        (Method::Get, "") => Rule::GetApplication,
        (Method::Delete, "") => Rule::CancelApplication,
        (Method::Get, "/sections") => Rule::ListSections,
        (Method::Get, "/sections/{}") => Rule::GetSection,
        (Method::Put, "/sections/{}") => Rule::SaveSection,
        (Method::Get, "/data") => Rule::GetAllData,
        (Method::Patch, "/data") => Rule::BulkSave,
        (Method::Post, "/documents") => Rule::UploadDocument,
        (Method::Get, "/documents") => Rule::ListDocuments,
        (Method::Post, "/submit") => Rule::Submit,
        (Method::Get, "/rfis") => Rule::ListRfis,
        (Method::Get, "/rfis/{}") => Rule::GetRfi,
        (Method::Patch, "/rfis/{}") => Rule::AnswerRfi,
        (Method::Post, "/rfis/{}/comments") => Rule::CommentRfi,
        _ => return None,
    })
}

fn err(code: u16, message: impl Into<String>) -> Outcome {
    Outcome::Error(code, message.into())
}

fn immutable(app: &Application, what: &str) -> Outcome {
    err(
        409,
        format!("The application is {} and cannot be {what}.", app.status),
    )
}

/// The outcome of Circle's rule for `call`, if one covers it.
pub fn apply(state: &mut Circle, call: &Call<'_>, shape: &str) -> Option<Outcome> {
    let rule = rule_for(call.method, shape)?;
    Some(match rule {
        Rule::CreateClient => create_client(state, call),
        Rule::ListApplications => {
            // Newest first, as the operation documents.
            let apps: Vec<Value> = state
                .applications
                .values()
                .rev()
                .map(|a| a.json())
                .collect();
            Outcome::Body(json!({ "data": apps }))
        }
        _ => {
            let id = call.param(0);
            let Some(app) = state.applications.get_mut(&id) else {
                return Some(err(404, format!("No application with id `{id}`.")));
            };
            on_application(app, rule, call)
        }
    })
}

fn create_client(state: &mut Circle, call: &Call<'_>) -> Outcome {
    let name = call.text("clientName").unwrap_or_default();
    let country = call.text("country").unwrap_or_default();
    let key = (name.clone(), country.clone());
    if state.clients.contains_key(&key) {
        return err(
            409,
            format!("A client named `{name}` already exists in `{country}`."),
        );
    }
    let client_id = fresh_id();
    let application_id = fresh_id();
    state.clients.insert(key, client_id.clone());
    let created = timestamp(now());
    state.applications.insert(
        application_id.clone(),
        Application {
            id: application_id.clone(),
            client_entity_id: client_id.clone(),
            client_name: name,
            status: "DRAFT",
            sections: DEFAULT_SECTIONS
                .iter()
                .map(|s| Section {
                    name: (*s).to_owned(),
                    status: "not_started",
                    data: None,
                })
                .collect(),
            documents: Vec::new(),
            reviews: 0,
            created: created.clone(),
            updated: created,
            submitted: None,
            rfis: Vec::new(),
        },
    );
    let mut out = Map::new();
    out.insert("clientEntityId".into(), Value::String(client_id));
    out.insert("applicationId".into(), Value::String(application_id));
    Outcome::Success(out)
}

fn on_application(app: &mut Application, rule: Rule, call: &Call<'_>) -> Outcome {
    match rule {
        Rule::GetApplication => {
            advance_review(app);
            Outcome::Body(json!({ "data": app.json() }))
        }
        Rule::CancelApplication => {
            if app.status != "DRAFT" {
                return err(
                    409,
                    format!(
                        "Only a DRAFT application can be cancelled; this one is {}.",
                        app.status
                    ),
                );
            }
            app.status = "CANCELLED";
            app.touch();
            // The whole application: specs that answer with only its id and status allow
            // the other properties, and specs that answer with the application need them.
            Outcome::Body(json!({ "data": app.json() }))
        }
        Rule::ListSections => {
            let with_data = call.query("includeData") == Some("true");
            let sections: Vec<Value> = app
                .sections
                .iter()
                .map(|s| app.section_json(s, with_data))
                .collect();
            Outcome::Body(json!({ "data": sections }))
        }
        Rule::GetSection | Rule::SaveSection => section(app, rule, call),
        Rule::GetAllData => {
            let mut data = Map::new();
            for s in &app.sections {
                if let Some(d) = &s.data {
                    data.insert(s.name.clone(), d.clone());
                }
            }
            Outcome::Body(json!({ "data": data }))
        }
        Rule::BulkSave => bulk_save(app, call),
        Rule::UploadDocument => upload(app, call),
        Rule::ListDocuments => Outcome::Body(json!({ "data": app.documents })),
        Rule::Submit => submit(app),
        Rule::ListRfis | Rule::GetRfi | Rule::AnswerRfi | Rule::CommentRfi => rfi(app, rule, call),
        Rule::CreateClient | Rule::ListApplications => Outcome::NotHandled,
    }
}

/// Each read after submission advances the review one step.
fn advance_review(app: &mut Application) {
    let next = match app.status {
        "SUBMITTED" => "IN_REVIEW",
        "IN_REVIEW" => {
            let name = app.client_name.to_ascii_lowercase();
            if name.contains("deny") {
                "DENIED"
            } else if name.contains("rfi") && app.reviews == 1 {
                // Compliance asks about the last section, the one with the owners in it.
                let section = app
                    .sections
                    .last()
                    .map(|s| s.name.clone())
                    .unwrap_or_default();
                app.rfis.push(Rfi {
                    bundle_id: fresh_id(),
                    rfi_id: fresh_id(),
                    section,
                    created: timestamp(now()),
                    resolved: false,
                    comments: Vec::new(),
                });
                "PENDING_CUSTOMER_INFORMATION"
            } else {
                "APPROVED"
            }
        }
        other => other,
    };
    if next != app.status {
        app.status = next;
        app.touch();
    }
}

fn section(app: &mut Application, rule: Rule, call: &Call<'_>) -> Outcome {
    let name = call.param(1);
    let mutable = app.mutable();
    let status = app.status;
    let Some(index) = app.sections.iter().position(|s| s.name == name) else {
        return err(404, format!("The application has no section `{name}`."));
    };
    if rule == Rule::GetSection {
        return Outcome::Body(app.section_json(&app.sections[index], true));
    }
    if !mutable {
        return err(
            409,
            format!("The application is {status} and cannot be modified."),
        );
    }
    let data = call
        .body
        .and_then(|b| b.get("data"))
        .cloned()
        .unwrap_or_else(|| json!({}));
    let entry = &mut app.sections[index];
    let fields_changed = entry.data.as_ref() != Some(&data);
    let sections_changed = entry.status != "complete";
    entry.data = Some(data.clone());
    entry.status = "complete";
    app.resolve_rfis(&name);
    app.touch();
    Outcome::Body(json!({
        "data": data,
        "fieldsChanged": fields_changed,
        "sections": app.summaries(),
        "sectionsChanged": sections_changed,
    }))
}

fn bulk_save(app: &mut Application, call: &Call<'_>) -> Outcome {
    if !app.mutable() {
        return immutable(app, "modified");
    }
    let Some(Value::Object(by_section)) = call.body else {
        return err(422, "The body must map section names to their data.");
    };
    // Validated atomically: every section must exist before any is saved.
    if let Some(unknown) = by_section
        .keys()
        .find(|k| !app.sections.iter().any(|s| &s.name == *k))
    {
        return err(422, format!("The application has no section `{unknown}`."));
    }
    let mut changed = false;
    for (name, data) in by_section {
        if let Some(s) = app.sections.iter_mut().find(|s| &s.name == name) {
            changed |= s.status != "complete";
            s.data = Some(data.clone());
            s.status = "complete";
        }
        app.resolve_rfis(name);
    }
    app.touch();
    Outcome::Body(json!({
        "data": Value::Object(by_section.clone()),
        "fieldsChanged": true,
        "sections": app.summaries(),
        "sectionsChanged": changed,
    }))
}

fn upload(app: &mut Application, call: &Call<'_>) -> Outcome {
    if !app.mutable() {
        return immutable(app, "modified");
    }
    let document_id = fresh_id();
    let mut document = json!({
        "documentId": document_id,
        "datumName": call.text("datumName").unwrap_or_default(),
        "fileName": call.text("fileName").unwrap_or_default(),
    });
    for key in ["documentType", "refId"] {
        if let Some(v) = call.text(key) {
            document[key] = Value::String(v);
        }
    }
    app.documents.push(document);
    app.touch();
    Outcome::Body(json!({ "documentId": document_id }))
}

fn submit(app: &mut Application) -> Outcome {
    if !app.mutable() {
        return immutable(app, "submitted");
    }
    let incomplete: Vec<&str> = app
        .sections
        .iter()
        .filter(|s| s.status != "complete")
        .map(|s| s.name.as_str())
        .collect();
    if !incomplete.is_empty() {
        return err(
            409,
            format!("Sections not complete: {}.", incomplete.join(", ")),
        );
    }
    if app.documents.is_empty() {
        return err(409, "No document has been uploaded.");
    }
    if app.rfis.iter().any(|r| !r.resolved) {
        return err(409, "Answer every pending RFI before resubmitting.");
    }
    app.status = "SUBMITTED";
    app.reviews += 1;
    let stamp = timestamp(now());
    app.submitted = Some(stamp.clone());
    app.updated = stamp;
    Outcome::Body(json!({"applicationId": app.id, "status": app.status}))
}

fn rfi(app: &mut Application, rule: Rule, call: &Call<'_>) -> Outcome {
    if rule == Rule::ListRfis {
        let bundles: Vec<Value> = app
            .rfis
            .iter()
            .map(|r| {
                json!({
                    "bundleId": r.bundle_id,
                    "status": if r.resolved { "RESOLVED" } else { "PUBLISHED" },
                    "createdAt": r.created,
                    "rfis": [app.rfi_json(r)],
                })
            })
            .collect();
        return Outcome::Body(json!({"data": {"bundles": bundles}}));
    }
    let rfi_id = call.param(1);
    let Some(index) = app.rfis.iter().position(|r| r.rfi_id == rfi_id) else {
        return err(404, format!("The application has no RFI `{rfi_id}`."));
    };
    match rule {
        Rule::GetRfi => {
            let r = &app.rfis[index];
            let mut detail = app.rfi_json(r);
            detail["comments"] = Value::Array(r.comments.clone());
            Outcome::Body(json!({ "data": detail }))
        }
        Rule::AnswerRfi => {
            if !app.mutable() {
                return immutable(app, "modified");
            }
            let data = call
                .body
                .and_then(|b| b.get("data"))
                .cloned()
                .unwrap_or_else(|| json!({}));
            let section = app.rfis[index].section.clone();
            if let Some(s) = app.sections.iter_mut().find(|s| s.name == section) {
                s.data = Some(data.clone());
                s.status = "complete";
            }
            app.rfis[index].resolved = true;
            app.touch();
            Outcome::Body(json!({"data": data, "rfiId": rfi_id, "section": section}))
        }
        _ => {
            let comment = json!({
                "commentId": fresh_id(),
                "content": call.text("content").unwrap_or_default(),
                "createdAt": timestamp(now()),
            });
            app.rfis[index].comments.push(comment.clone());
            Outcome::Body(comment)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_key_on_method_and_path_shape() {
        let shape = super::super::shape;
        assert_eq!(
            rule_for(
                Method::Put,
                &shape(
                    "/v1/onboarding/partner/applications/{applicationId}/sections/{sectionName}"
                )
            ),
            Some(Rule::SaveSection)
        );
        assert_eq!(
            rule_for(
                Method::Get,
                &shape("/v1/onboarding/partner/applications/{id}/sections")
            ),
            Some(Rule::ListSections)
        );
        assert_eq!(
            rule_for(Method::Get, "/v1/onboarding/partner/applications"),
            Some(Rule::ListApplications)
        );
        assert_eq!(rule_for(Method::Post, "/v1/onboarding/partner"), None);
    }
}
