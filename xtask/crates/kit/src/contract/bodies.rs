//! Real request bodies for every media type the IR knows.
//!
//! JSON bodies are the case's value. Form bodies encode each property of the value (arrays as
//! repeated keys, nested values as JSON text). Multipart bodies send every part the value has,
//! each built from its own schema by [`crate::synth`] (so enums, formats and length bounds hold):
//! text parts as their text, JSON parts as JSON with their content type, file parts as a small
//! but well-formed file. Raw bodies get a sample of their media type. What a server checks of a
//! file (that a PDF starts with `%PDF-`, that a PNG has its signature) then holds, so an upload
//! is refused only for a reason worth reporting.

use super::send::param_text;
use crate::synth::Synth;
use crate::validate::Direction;
use serde_json::Value;
use specgen_ir::ir::{BodyContent, MultipartPart, Operation, PartKind, TypeRef};
use std::fmt::Write as _;

/// The multipart boundary. Fixed, so a run's requests (and their reproductions) are the same
/// every time; it cannot occur in the parts, which are all built here.
pub const BOUNDARY: &str = "specgen-contract-7f3a9c";

/// A one-page PDF: header, catalog, pages, an empty page, cross-reference table and trailer.
pub const SAMPLE_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\nxref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n";

/// A 1x1 transparent PNG.
pub const SAMPLE_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// A sample body of `media_type`, with the media type to send it as (wildcards made concrete).
pub fn sample(media_type: &str) -> (String, Vec<u8>) {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let (media, bytes): (&str, &[u8]) = match essence.as_str() {
        "application/pdf" | "application/*" | "*/*" | "" => ("application/pdf", SAMPLE_PDF),
        "image/png" | "image/*" => ("image/png", SAMPLE_PNG),
        "text/csv" => ("text/csv", b"id,name\n1,example\n"),
        "application/xml" | "text/xml" => (media_type, b"<example>specgen</example>"),
        m if m.starts_with("text/") => (media_type, b"specgen contract example"),
        _ => (media_type, SAMPLE_PDF),
    };
    (media.to_owned(), bytes.to_vec())
}

/// The file a file part carries, by the part's name: an image for names that say so, else a
/// PDF (documents are what the seed APIs upload).
fn sample_file(part: &str) -> (&'static str, &'static str, &'static [u8]) {
    let lower = part.to_ascii_lowercase();
    if ["image", "photo", "picture", "selfie", "logo"]
        .iter()
        .any(|w| lower.contains(w))
    {
        ("specgen-example.png", "image/png", SAMPLE_PNG)
    } else {
        ("specgen-example.pdf", "application/pdf", SAMPLE_PDF)
    }
}

/// The request body of `op` for a case's `body` value, encoded as the operation documents it,
/// with its content type; `None` when the request has no body.
pub fn encode(synth: &Synth, op: &Operation, body: Option<&Value>) -> Option<(String, Vec<u8>)> {
    let content = &op.body.as_ref()?.content;
    match content {
        BodyContent::Json { media_type, .. } => Some((
            media_type.clone(),
            serde_json::to_vec(body?).unwrap_or_default(),
        )),
        BodyContent::Form { .. } => Some((
            "application/x-www-form-urlencoded".into(),
            form(body?).into_bytes(),
        )),
        BodyContent::Multipart { parts, ty } => {
            let built;
            let value = match body {
                Some(b) => b,
                None => {
                    built = synth.value(&TypeRef::Named(ty.clone()), Direction::Request);
                    &built
                }
            };
            Some(multipart(parts, value))
        }
        // A multipart body without an object schema is lowered to raw bytes of that media type:
        // it still needs to be a multipart body, with one file.
        BodyContent::Binary { media_type } if media_type.starts_with("multipart/") => {
            let part = MultipartPart {
                field: "file".into(),
                wire_name: "file".into(),
                required: true,
                kind: PartKind::File,
            };
            Some(multipart(&[part], &Value::Null))
        }
        BodyContent::Binary { media_type } | BodyContent::Text { media_type } => {
            Some(sample(media_type))
        }
    }
}

/// `application/x-www-form-urlencoded` text of an object's properties.
pub fn form(body: &Value) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in body.as_object().into_iter().flatten() {
        match v {
            Value::Array(items) => {
                for item in items {
                    form.append_pair(k, &param_text(item.clone()));
                }
            }
            Value::Null => {}
            other => {
                form.append_pair(k, &param_text(other.clone()));
            }
        }
    }
    form.finish()
}

/// A `multipart/form-data` body with one part per property of `body` that names a part; file
/// parts are sent even when `body` has no value for them, when they are required.
pub fn multipart(parts: &[MultipartPart], body: &Value) -> (String, Vec<u8>) {
    let mut out: Vec<u8> = Vec::new();
    for part in parts {
        let value = body.get(&part.wire_name);
        if value.is_none() && !(part.required && part.kind == PartKind::File) {
            continue;
        }
        let mut head = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"",
            part.wire_name.replace('"', "%22")
        );
        let content: Vec<u8> = match part.kind {
            PartKind::File => {
                let (file, media, bytes) = sample_file(&part.wire_name);
                let _ = write!(head, "; filename=\"{file}\"\r\nContent-Type: {media}");
                bytes.to_vec()
            }
            PartKind::Json => {
                head.push_str("\r\nContent-Type: application/json");
                serde_json::to_vec(value.unwrap_or(&Value::Null)).unwrap_or_default()
            }
            PartKind::Text => param_text(value.cloned().unwrap_or(Value::Null)).into_bytes(),
        };
        head.push_str("\r\n\r\n");
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), out)
}
