//! The generated structs' serde impls (`runtime::record::serde_record!`) against the serde
//! derives they replace: for the same inputs, the same values, the same bytes out and the same
//! errors, and the same tokens (so formats that use the field count, like CBOR, get it right).

use serde_test::{Configure, Token, assert_ser_tokens};
use specgen_apis::circle_partner_onboarding::types::{Application, ApplicationStatus};
use specgen_apis::runtime::record;

/// `Application` as the generator wrote it before: the derives with the attributes they
/// needed. Same Rust name, so the derive's messages (`expected struct Application`) match.
mod derived {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use specgen_apis::circle_partner_onboarding::types::{ApplicationStatus, SectionSummary};
    use specgen_apis::runtime::DateTime;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Application {
        #[serde(rename = "applicationId")]
        pub application_id: uuid::Uuid,
        #[serde(
            rename = "clientEntityId",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub client_entity_id: Option<uuid::Uuid>,
        pub status: ApplicationStatus,
        pub sections: Vec<SectionSummary>,
        #[serde(
            rename = "pendingRfis",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub pending_rfis: Option<Vec<uuid::Uuid>>,
        #[serde(
            rename = "createDate",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub create_date: Option<DateTime>,
        #[serde(
            rename = "updateDate",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        pub update_date: Option<DateTime>,
        #[serde(
            rename = "submitDate",
            default,
            skip_serializing_if = "Option::is_none",
            with = "double_option"
        )]
        pub submit_date: Option<Option<DateTime>>,
    }

    /// The generator's former `runtime::double_option`, which the derive called.
    mod double_option {
        use super::*;

        pub fn serialize<T: Serialize, S: Serializer>(
            value: &Option<Option<T>>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(inner) => inner.serialize(serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Option<T>>, D::Error> {
            Option::<T>::deserialize(deserializer).map(Some)
        }
    }
}

const ID: &str = "8f0e2a34-3c1d-4f5e-9b7a-0d6c5e4f3a21";

/// Inputs that cover every shape and every way a body can be wrong.
fn inputs() -> Vec<String> {
    let full = format!(
        r#"{{"applicationId":"{ID}","clientEntityId":"{ID}","status":"DRAFT","sections":[],
            "pendingRfis":["{ID}"],"createDate":"2026-01-02T03:04:05Z",
            "updateDate":"2026-01-02T03:04:05.5+01:00","submitDate":"2026-02-03T00:00:00Z"}}"#
    );
    let minimal = format!(r#"{{"applicationId":"{ID}","status":"SUBMITTED","sections":[]}}"#);
    let with = |extra: &str| minimal.replacen('{', &format!("{{{extra},"), 1);
    // The same properties in reverse order: the lookup that expects the schema's order must
    // still find each one.
    let reversed = format!(
        r#"{{"submitDate":"2026-02-03T00:00:00Z","updateDate":"2026-01-02T03:04:05.5+01:00",
            "createDate":"2026-01-02T03:04:05Z","pendingRfis":["{ID}"],"sections":[],
            "status":"DRAFT","clientEntityId":"{ID}","applicationId":"{ID}"}}"#
    );
    vec![
        full.clone(),
        reversed,
        minimal.clone(),
        // Optional properties sent as null: `None` for `Option<T>`, `Some(None)` when nullable.
        with(r#""clientEntityId":null,"submitDate":null"#),
        // A value the enum does not list, and properties the struct does not declare.
        format!(
            r#"{{"status":"NEW_STATE","applicationId":"{ID}","sections":[],"extra":{{"a":[1,2]}},"x":null}}"#
        ),
        // A repeated property, required and optional.
        with(r#""status":"DRAFT""#),
        with(r#""submitDate":null,"submitDate":"2026-02-03T00:00:00Z""#),
        // A missing required property, and a required property sent as null.
        format!(r#"{{"applicationId":"{ID}","sections":[]}}"#),
        format!(r#"{{"applicationId":"{ID}","status":null,"sections":[]}}"#),
        // Wrong types: the struct, a field, an element of a nested value.
        "[]".into(),
        "\"text\"".into(),
        "null".into(),
        with(r#""sections":{}"#),
        with(r#""pendingRfis":["not-a-uuid"]"#),
        with(r#""createDate":"yesterday""#),
        "{}".into(),
        // Truncated bodies.
        minimal[..minimal.len() - 5].to_owned(),
        "{\"applicationId\"".into(),
    ]
}

#[test]
fn decoding_gives_the_values_and_the_errors_the_derive_gives() {
    let mut checked = 0;
    for input in inputs() {
        let ours = serde_json::from_str::<Application>(&input);
        let theirs = serde_json::from_str::<derived::Application>(&input);
        match (&ours, &theirs) {
            (Ok(ours), Ok(theirs)) => {
                // Same value, and re-encoded to the same bytes (order, skipped and null fields).
                let ours_text = serde_json::to_string(ours).unwrap();
                let theirs_text = serde_json::to_string(theirs).unwrap();
                assert_eq!(ours_text, theirs_text, "input: {input}");
                let back: derived::Application = serde_json::from_str(&ours_text).unwrap();
                assert_eq!(&back, theirs, "input: {input}");
                checked += 1;
            }
            // The derive reads a struct written as an array field by field (and so says the
            // array is too short); ours does not take arrays at all. Both are errors.
            (Err(_), Err(_)) if value_is_array(&input) => {}
            (Err(ours), Err(theirs)) => {
                assert_eq!(ours.to_string(), theirs.to_string(), "input: {input}");
            }
            _ => panic!("input {input}: ours {ours:?}, the derive's {theirs:?}"),
        }
    }
    assert!(checked >= 4, "only {checked} inputs decoded");
}

#[test]
fn decoding_from_a_json_value_matches_the_derive() {
    // `serde_json::Value` hands keys over as owned strings, not borrowed ones.
    for input in inputs() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&input) else {
            continue;
        };
        let ours = serde_json::from_value::<Application>(value.clone()).map_err(|e| e.to_string());
        let theirs =
            serde_json::from_value::<derived::Application>(value).map_err(|e| e.to_string());
        let ours = ours.map(|v| serde_json::to_value(v).unwrap());
        let theirs = theirs.map(|v| serde_json::to_value(v).unwrap());
        if value_is_array(&input) {
            assert!(ours.is_err() && theirs.is_err(), "input: {input}");
        } else {
            assert_eq!(ours, theirs, "input: {input}");
        }
    }
}

fn value_is_array(input: &str) -> bool {
    input.starts_with('[')
}

#[test]
fn a_struct_written_as_an_array_is_an_error() {
    // The derive took `["<id>", null, "DRAFT", []]` as an `Application`; no API sends that.
    let array = format!(r#"["{ID}", null, "DRAFT", []]"#);
    let error = serde_json::from_str::<Application>(&array).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid type: sequence, expected struct Application at line 1 column 1"
    );
}

#[test]
fn an_optional_nullable_property_keeps_null_apart_from_absent() {
    let minimal = format!(r#"{{"applicationId":"{ID}","status":"DRAFT","sections":[]}}"#);
    let absent: Application = serde_json::from_str(&minimal).unwrap();
    assert_eq!(absent.submit_date, None);
    assert!(
        !serde_json::to_string(&absent)
            .unwrap()
            .contains("submitDate")
    );
    let null = minimal.replacen('{', r#"{"submitDate":null,"#, 1);
    let null: Application = serde_json::from_str(&null).unwrap();
    assert_eq!(null.submit_date, Some(None));
    assert!(
        serde_json::to_string(&null)
            .unwrap()
            .contains(r#""submitDate":null"#)
    );
}

#[test]
fn the_serializer_is_told_the_number_of_fields_it_gets() {
    let minimal =
        format!(r#"{{"applicationId":"{ID}","status":"DRAFT","sections":[],"submitDate":null}}"#);
    let value: Application = serde_json::from_str(&minimal).unwrap();
    let id = uuid::Uuid::parse_str(ID).unwrap();
    assert_eq!(value.application_id, id);
    assert_eq!(value.status, ApplicationStatus::Draft);
    // Three required fields and one present optional one; the absent ones are skipped.
    assert_ser_tokens(
        &value.readable(),
        &[
            Token::Struct {
                name: "Application",
                len: 4,
            },
            Token::Str("applicationId"),
            Token::Str(ID),
            Token::Str("status"),
            Token::Str("DRAFT"),
            Token::Str("sections"),
            Token::Seq { len: Some(0) },
            Token::SeqEnd,
            Token::Str("submitDate"),
            Token::None,
            Token::StructEnd,
        ],
    );
}

#[test]
fn a_missing_required_property_is_none_for_an_option_and_an_error_otherwise() {
    let none = record::required::take::<Option<u32>, serde_json::Error>(None, "count");
    assert_eq!(none.unwrap(), None);
    let error = record::required::take::<u32, serde_json::Error>(None, "count").unwrap_err();
    assert_eq!(error.to_string(), "missing field `count`");
    let present = record::required::take::<u32, serde_json::Error>(Some(3), "count");
    assert_eq!(present.unwrap(), 3);
}
