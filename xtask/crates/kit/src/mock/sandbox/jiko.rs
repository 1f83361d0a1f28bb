//! Jiko's sandbox for individual applications (seed 004, "Onboard Individuals" and "Sandbox
//! Testing").
//!
//! Create returns a fresh `id`, `status: CREATED` and the submitted data echoed back. Apply
//! decides by the first digit(s) of `identification_number`:
//!
//! | prefix | after Apply |
//! | --- | --- |
//! | `21` | `DOCUMENTS_NEEDED`, `id_verification_documents_needed` |
//! | `22` | `DOCUMENTS_NEEDED`, `identification_number_verification_document_needed` |
//! | `23` | `DOCUMENTS_NEEDED`, `address_verification_document_needed` |
//! | `24` | `DOCUMENTS_NEEDED`, the first two flags |
//! | other `2` | `DOCUMENTS_NEEDED`, `id_verification_documents_needed` |
//! | `3` | `MANUAL_REVIEW` |
//! | `4` | `APPROVED` |
//! | `5` | `REJECTED` |
//! | other | `MANUAL_REVIEW` |
//!
//! The seed's table gives `2` no flag of its own, but a `DOCUMENTS_NEEDED` application with no
//! flag set would be `PENDING` at once ("once all flags are cleared, the status moves to
//! `PENDING`"); the mock sets the ID flag, as the spec's own Apply example does.
//!
//! Each flag lists the documents it asks for as `PENDING_UPLOAD` (ID: `ID_FRONT`, `ID_BACK`,
//! `SELFIE` or `PASSPORT`; identification number: `IDENTIFICATION_NUMBER_VERIFICATION`;
//! address: `ADDRESS_VERIFICATION`). An upload marks its document `PENDING_REVIEW` and clears a
//! flag once everything it asks for is uploaded; with every flag clear the application is
//! `PENDING`. Applying again then gives `MANUAL_REVIEW` when the number starts with `2*1` (the
//! third digit is `1`) and `APPROVED` otherwise. Apply in any other status changes nothing and
//! answers the application as it is. `APPROVED` is the only status with a `customer_id`.
//! Unknown application ids are 404.

use super::store::{Limits, Store};
use super::{Call, Outcome, fresh_id, now, timestamp};
use serde_json::{Value, json};
use specgen_ir::ir::Method;

/// Jiko's individual applications.
#[derive(Debug)]
pub struct Jiko {
    applications: Store<String, Application>,
}

impl Jiko {
    /// No applications yet.
    pub fn new(limits: Limits) -> Self {
        Jiko {
            applications: Store::new(limits),
        }
    }

    /// How many records are held.
    pub fn records(&self) -> usize {
        self.applications.len()
    }
}

/// The three verification flags, in the order the seed lists them.
const FLAGS: [&str; 3] = [
    "id_verification_documents_needed",
    "identification_number_verification_document_needed",
    "address_verification_document_needed",
];

#[derive(Debug, Clone)]
struct Document {
    id: String,
    kind: String,
    status: &'static str,
}

#[derive(Debug, Clone)]
struct Application {
    /// The application as created (the submitted data in the response's shape), without the
    /// fields the lifecycle changes.
    record: Value,
    identification_number: String,
    status: &'static str,
    flags: [bool; 3],
    documents: Vec<Document>,
    customer_id: Option<String>,
    updated: String,
}

impl Application {
    fn json(&self) -> Value {
        let mut v = self.record.clone();
        v["status"] = json!(self.status);
        v["updated_at"] = json!(self.updated);
        for (flag, set) in FLAGS.iter().zip(self.flags) {
            v[*flag] = json!(set);
        }
        v["documents"] = Value::Array(
            self.documents
                .iter()
                .map(|d| json!({"id": d.id, "type": d.kind, "status": d.status}))
                .collect(),
        );
        if let (Some(id), Value::Object(map)) = (&self.customer_id, &mut v) {
            map.insert("customer_id".into(), json!(id));
        }
        v
    }

    fn uploaded(&self, kind: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.kind == kind && d.status != "PENDING_UPLOAD")
    }

    /// Clears each flag whose documents are all uploaded; `PENDING` once none is left.
    fn clear_flags(&mut self) {
        let id_done = self.uploaded("ID_FRONT")
            && self.uploaded("ID_BACK")
            && (self.uploaded("SELFIE") || self.uploaded("PASSPORT"));
        let done = [
            id_done,
            self.uploaded("IDENTIFICATION_NUMBER_VERIFICATION"),
            self.uploaded("ADDRESS_VERIFICATION"),
        ];
        for (flag, done) in self.flags.iter_mut().zip(done) {
            *flag &= !done;
        }
        if self.status == "DOCUMENTS_NEEDED" && !self.flags.iter().any(|f| *f) {
            self.status = "PENDING";
        }
    }
}

/// The documents each flag asks for.
fn documents_for(flag: usize) -> &'static [&'static str] {
    match flag {
        0 => &["ID_FRONT", "ID_BACK", "PASSPORT", "SELFIE"],
        1 => &["IDENTIFICATION_NUMBER_VERIFICATION"],
        _ => &["ADDRESS_VERIFICATION"],
    }
}

/// What the first Apply decides for an identification number: the status and the flags set.
pub fn first_decision(identification_number: &str) -> (&'static str, [bool; 3]) {
    let mut digits = identification_number.chars();
    match (digits.next(), digits.next()) {
        (Some('2'), second) => {
            let flags = match second {
                Some('2') => [false, true, false],
                Some('3') => [false, false, true],
                Some('4') => [true, true, false],
                _ => [true, false, false],
            };
            ("DOCUMENTS_NEEDED", flags)
        }
        (Some('3'), _) => ("MANUAL_REVIEW", [false; 3]),
        (Some('4'), _) => ("APPROVED", [false; 3]),
        (Some('5'), _) => ("REJECTED", [false; 3]),
        _ => ("MANUAL_REVIEW", [false; 3]),
    }
}

/// What Apply decides for a `PENDING` application: the third-digit rule.
pub fn second_decision(identification_number: &str) -> &'static str {
    let bytes = identification_number.as_bytes();
    if bytes.first() == Some(&b'2') && bytes.get(2) == Some(&b'1') {
        "MANUAL_REVIEW"
    } else {
        "APPROVED"
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Create,
    Get,
    Apply,
    Upload,
}

fn rule_for(method: Method, shape: &str) -> Option<Rule> {
    Some(match (method, shape) {
        (Method::Post, "/api/v1/applications") => Rule::Create,
        (Method::Get, "/api/v1/applications/{}") => Rule::Get,
        (Method::Post, "/api/v1/applications/{}/apply") => Rule::Apply,
        (Method::Post, "/api/v1/applications/{}/documents/{}/file") => Rule::Upload,
        _ => return None,
    })
}

/// The outcome of Jiko's rule for `call`, if one covers it.
pub fn apply(state: &mut Jiko, call: &Call<'_>, shape: &str) -> Option<Outcome> {
    let rule = rule_for(call.method, shape)?;
    if rule == Rule::Create {
        return Some(create(state, call));
    }
    let id = call.param(0);
    let Some(app) = state.applications.get_mut(&id) else {
        return Some(Outcome::Error(
            404,
            format!("No application with id `{id}`."),
        ));
    };
    Some(match rule {
        Rule::Get => Outcome::Body(app.json()),
        Rule::Apply => submit(app),
        _ => upload(app, &call.param(1)),
    })
}

fn create(state: &mut Jiko, call: &Call<'_>) -> Outcome {
    let body = call.body.cloned().unwrap_or_else(|| json!({}));
    let id = fresh_id();
    let created = timestamp(now());
    let mut record = json!({
        "id": id,
        "time_created": created,
        "exception_reasons": [],
        "citizenship_country": "US",
        "object_type": "InternationalApplication",
    });
    // The submitted data, echoed back in the response's shape: the date of birth is an object
    // there, and the identification number is never returned.
    if let (Value::Object(out), Value::Object(input)) = (&mut record, &body) {
        for (key, value) in input {
            match key.as_str() {
                "identification_number" => {}
                "date_of_birth" => {
                    out.insert(key.clone(), json!({ "date_of_birth": value }));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
    }
    let app = Application {
        record,
        identification_number: call.text("identification_number").unwrap_or_default(),
        status: "CREATED",
        flags: [false; 3],
        documents: Vec::new(),
        customer_id: None,
        updated: created,
    };
    let answer = app.json();
    state.applications.insert(id, app);
    Outcome::Body(answer)
}

fn submit(app: &mut Application) -> Outcome {
    match app.status {
        "CREATED" => {
            let (status, flags) = first_decision(&app.identification_number);
            app.status = status;
            app.flags = flags;
            for (i, set) in flags.iter().enumerate() {
                if *set {
                    for kind in documents_for(i) {
                        if !app.documents.iter().any(|d| d.kind == *kind) {
                            app.documents.push(Document {
                                id: fresh_id(),
                                kind: (*kind).to_owned(),
                                status: "PENDING_UPLOAD",
                            });
                        }
                    }
                }
            }
            // Documents uploaded before Apply count ("before and after calling Apply").
            app.clear_flags();
        }
        "PENDING" => app.status = second_decision(&app.identification_number),
        // Apply decides nothing in any other status: the application is answered as it is
        // (a REJECTED one "cannot be revived", a DOCUMENTS_NEEDED one waits for its uploads).
        _ => return Outcome::Body(app.json()),
    }
    if app.status == "APPROVED" {
        app.customer_id.get_or_insert_with(fresh_id);
    }
    app.updated = timestamp(now());
    Outcome::Body(app.json())
}

fn upload(app: &mut Application, kind: &str) -> Outcome {
    let id = match app
        .documents
        .iter_mut()
        .find(|d| d.kind == kind && d.status == "PENDING_UPLOAD")
    {
        Some(d) => {
            d.status = "PENDING_REVIEW";
            d.id.clone()
        }
        None => {
            let id = fresh_id();
            app.documents.push(Document {
                id: id.clone(),
                kind: kind.to_owned(),
                status: "PENDING_REVIEW",
            });
            id
        }
    };
    app.clear_flags();
    app.updated = timestamp(now());
    Outcome::Body(json!({"success": true, "document_id": id}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefix_table_and_the_third_digit_rule() {
        assert_eq!(
            first_decision("211000000"),
            ("DOCUMENTS_NEEDED", [true, false, false])
        );
        assert_eq!(
            first_decision("220000000"),
            ("DOCUMENTS_NEEDED", [false, true, false])
        );
        assert_eq!(
            first_decision("230000000"),
            ("DOCUMENTS_NEEDED", [false, false, true])
        );
        assert_eq!(
            first_decision("240000000"),
            ("DOCUMENTS_NEEDED", [true, true, false])
        );
        assert_eq!(first_decision("290000000").0, "DOCUMENTS_NEEDED");
        assert_eq!(first_decision("300000000").0, "MANUAL_REVIEW");
        assert_eq!(first_decision("400000000").0, "APPROVED");
        assert_eq!(first_decision("500000000").0, "REJECTED");
        assert_eq!(first_decision("999999999").0, "MANUAL_REVIEW");
        assert_eq!(first_decision("").0, "MANUAL_REVIEW");
        assert_eq!(second_decision("231000000"), "MANUAL_REVIEW");
        assert_eq!(second_decision("211"), "MANUAL_REVIEW");
        assert_eq!(second_decision("220000000"), "APPROVED");
        assert_eq!(second_decision("21"), "APPROVED");
    }

    #[test]
    fn uploads_clear_flags_and_move_to_pending() {
        let mut app = Application {
            record: json!({}),
            identification_number: "241".into(),
            status: "CREATED",
            flags: [false; 3],
            documents: Vec::new(),
            customer_id: None,
            updated: String::new(),
        };
        let _ = submit(&mut app);
        assert_eq!(app.status, "DOCUMENTS_NEEDED");
        for kind in ["ID_FRONT", "ID_BACK", "SELFIE"] {
            let _ = upload(&mut app, kind);
        }
        assert_eq!(app.flags, [false, true, false]);
        assert_eq!(app.status, "DOCUMENTS_NEEDED");
        let _ = upload(&mut app, "IDENTIFICATION_NUMBER_VERIFICATION");
        assert_eq!(app.status, "PENDING");
        assert!(app.customer_id.is_none());
        let _ = submit(&mut app);
        assert_eq!(app.status, "MANUAL_REVIEW");
        assert!(app.customer_id.is_none());
    }
}
