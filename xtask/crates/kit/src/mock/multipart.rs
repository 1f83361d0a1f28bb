//! Multipart request bodies: read with `multer` (the parser axum itself uses), then checked part
//! by part against the body's struct in the IR, so a `documentType` outside its enum, an
//! `issuedCountry` of the wrong length or a missing file part is a violation like any other.
//!
//! The parts become one JSON object, which is what is validated and what the sandbox rules see:
//! a text part is read as its field's type (`"3"` is the integer 3 for an integer field), a JSON
//! part is parsed, and a file part stands for its content by a SHA-256 digest (so idempotent
//! retries compare file contents without keeping them).

use crate::validate::{Direction, Validator, Violation, parameter_value};
use bytes::Bytes;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use specgen_ir::ir::{MultipartPart, PartKind, TypeRef};

/// The most parts a body may have; more is a violation rather than unbounded work.
const MAX_PARTS: usize = 256;

/// One part as received.
#[derive(Debug)]
pub struct Part {
    /// The part's name.
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's content.
    pub data: Bytes,
}

/// Reads a `multipart/form-data` body. `Err` is a body that is not multipart at all (no
/// boundary, broken framing).
pub async fn parse(content_type: &str, body: Bytes) -> Result<Vec<Part>, String> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|e| format!("the multipart body has no usable boundary: {e}"))?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    loop {
        let field = multipart
            .next_field()
            .await
            .map_err(|e| format!("the multipart body is malformed: {e}"))?;
        let Some(field) = field else {
            break;
        };
        if parts.len() == MAX_PARTS {
            return Err(format!(
                "the multipart body has more than {MAX_PARTS} parts"
            ));
        }
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field
            .bytes()
            .await
            .map_err(|e| format!("the multipart part `{name}` is malformed: {e}"))?;
        parts.push(Part {
            name,
            file_name,
            data,
        });
    }
    Ok(parts)
}

/// The parts as one JSON object of the body's struct `ty`, with every violation: undeclared
/// parts are ignored as JSON Schema ignores unknown properties, declared ones are checked.
pub fn check(
    validator: &Validator,
    ty: &str,
    declared: &[MultipartPart],
    parts: &[Part],
) -> (Value, Vec<Violation>) {
    let mut object = Map::new();
    let mut violations = Vec::new();
    let field_ty = |wire: &str| -> Option<TypeRef> {
        match validator.type_def(ty).map(|d| &d.kind) {
            Some(specgen_ir::ir::TypeKind::Struct(s)) => s
                .fields
                .iter()
                .find(|f| f.wire_name == wire)
                .map(|f| f.ty.clone()),
            _ => None,
        }
    };
    for part in parts {
        let Some(decl) = declared.iter().find(|d| d.wire_name == part.name) else {
            continue;
        };
        let value = match decl.kind {
            PartKind::File => {
                let digest = Sha256::digest(&part.data);
                Value::String(format!("sha256:{}", hex(&digest)))
            }
            PartKind::Text => {
                let text = String::from_utf8_lossy(&part.data);
                match field_ty(&part.name) {
                    Some(t) => parameter_value(validator, &t, &text),
                    None => Value::String(text.into_owned()),
                }
            }
            PartKind::Json => match serde_json::from_slice(&part.data) {
                Ok(v) => v,
                Err(e) => {
                    violations.push(Violation {
                        pointer: format!("/{}", crate::validate::escape_token(&part.name)),
                        message: format!("the part is not valid JSON: {e}"),
                    });
                    continue;
                }
            },
        };
        if decl.kind == PartKind::File && part.file_name.is_none() && part.data.is_empty() {
            violations.push(Violation {
                pointer: format!("/{}", crate::validate::escape_token(&part.name)),
                message: format!("the file part `{}` is empty", part.name),
            });
        }
        object.insert(part.name.clone(), value);
    }
    let value = Value::Object(object);
    violations.extend(validator.validate(
        &TypeRef::Named(ty.to_owned()),
        &value,
        Direction::Request,
    ));
    (value, violations)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
