//! The intermediate representation every spec source lowers into, and every emitter reads.
//!
//! OpenAPI documents (`openapi.rs`) and vendor release notes (`release_notes`) both become an
//! [`Api`]: operations with parameters, bodies and one response per documented status, plus the
//! named types they use. The IR carries final Rust names (assigned through `naming`), so the
//! emitters never invent or sanitise a name, and two sources that mean the same thing produce the
//! same code. Everything is plain data with a stable order: types sorted by name, operations
//! sorted by function name.

pub use crate::bounds::NumberBounds;
use serde_json::Value;

/// One API: becomes one module (and one cargo feature) of the generated crate.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The module and feature name (`customer_orchestration`).
    pub module: String,
    /// The spec files this API came from, relative to `specs/`, for docs and diagnostics.
    pub sources: Vec<String>,
    /// `info.title`.
    pub title: String,
    /// `info.version`, or `None` when the document holds an unexpanded placeholder (`${version}`).
    pub version: Option<String>,
    /// `info.description`.
    pub description: Option<String>,
    /// Servers, each with the name of its client constructor.
    pub servers: Vec<Server>,
    /// Authentication schemes the operations refer to.
    pub security_schemes: Vec<SecurityScheme>,
    /// Named types, sorted by name.
    pub types: Vec<TypeDef>,
    /// Operations, sorted by function name.
    pub operations: Vec<Operation>,
    /// Documented examples, each with the type it must round-trip through.
    pub examples: Vec<Example>,
    /// How requests are signed, when the vendor requires a signature header
    /// (`x-specgen-request-signature`, usually added by an overlay).
    pub signature: Option<SignatureScheme>,
    /// The cargo features the API is split into, when it is large (`passes::features`).
    pub features: crate::features::FeatureGates,
}

/// A request-signing convention: an HMAC over parts of the request, sent in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureScheme {
    /// The header that carries the signature.
    pub header: String,
    /// What is signed, concatenated in order.
    pub message: Vec<SignaturePart>,
}

/// One part of a signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignaturePart {
    /// The value of a request header (empty when absent).
    Header(String),
    /// The URL path, without the query string.
    Path,
    /// The request body as sent (empty when there is none).
    Body,
    /// The HTTP method.
    Method,
}

/// A server URL from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The base URL.
    pub url: String,
    /// The server's description, if any.
    pub description: Option<String>,
    /// The Rust name of the `Client` constructor for it (`sandbox`, `production`).
    pub fn_name: String,
    /// `{name}` placeholders in the URL without a default, which become constructor arguments.
    pub variables: Vec<ServerVariable>,
}

/// A server URL placeholder the caller must fill in (`https://{partner}.example.com`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVariable {
    /// The placeholder as written in the URL.
    pub wire_name: String,
    /// The Rust argument name.
    pub name: String,
}

/// How a security scheme authenticates a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64>`.
    Basic,
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// Where the key goes.
        location: ParamLocation,
        /// The wire name of the header, query parameter or cookie.
        name: String,
    },
}

/// A security scheme from `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityScheme {
    /// The key in `components.securitySchemes`.
    pub key: String,
    /// How it authenticates.
    pub kind: AuthKind,
    /// The scheme's description.
    pub docs: Option<String>,
}

/// A reference to a Rust type, as a field, parameter or body uses it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TypeRef {
    /// A named type of this API, by its final Rust name.
    Named(String),
    /// A built-in type.
    Primitive(Primitive),
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// `BTreeMap<String, T>` (`additionalProperties`).
    Map(Box<TypeRef>),
    /// `Option<T>`: the value may be JSON `null`.
    Nullable(Box<TypeRef>),
    /// `Box<T>`: breaks a by-value cycle between recursive types.
    Boxed(Box<TypeRef>),
    /// Anything at all (`serde_json::Value`): free-form or untypeable schemas.
    Json,
    /// A free-form value of a declared JSON type (`type: object` without properties): the same
    /// `serde_json::Value` as [`TypeRef::Json`] in generated code, which every emitter must keep,
    /// but the validator requires the declared shape.
    FreeForm {
        /// The JSON type the value must have.
        shape: JsonShape,
        /// Whether JSON `null` is also accepted (`nullable: true`). It is a flag here rather than
        /// a [`TypeRef::Nullable`] wrapper because the Rust type stays `serde_json::Value`.
        nullable: bool,
    },
}

/// The JSON type a [`TypeRef::FreeForm`] value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum JsonShape {
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
}

impl TypeRef {
    /// The named type this reference holds by value, looking through `Nullable` and `Boxed` but
    /// not through collections (which already allocate).
    pub fn direct_name(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            TypeRef::Nullable(inner) | TypeRef::Boxed(inner) => inner.direct_name(),
            _ => None,
        }
    }

    /// True for the types that become `serde_json::Value`: [`TypeRef::Json`] and
    /// [`TypeRef::FreeForm`].
    pub fn is_json(&self) -> bool {
        matches!(self, TypeRef::Json | TypeRef::FreeForm { .. })
    }
}

/// Built-in scalar types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    /// `String`.
    String,
    /// `String` too (`format: email`): the same Rust type, but the mock and the contract runner
    /// check that the text is an address, and synthesise one.
    Email,
    /// `bool`.
    Bool,
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`type: integer` without a narrower format).
    I64,
    /// `u64` (`minimum: 0` with `format: uint64`).
    U64,
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`type: number`).
    F64,
    /// `uuid::Uuid` (`format: uuid`).
    Uuid,
    /// A timestamp that keeps its wire text (`format: date-time`).
    DateTime,
    /// `chrono::NaiveDate` (`format: date`).
    Date,
    /// Raw bytes (`format: binary` in a non-JSON body).
    Bytes,
    /// A file part of a multipart body: bytes plus file name and content type.
    File,
}

/// A named type: a struct, an enum, a union, a constrained newtype or an alias.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The final Rust name.
    pub name: String,
    /// Where the type was defined (a JSON pointer, or `file:line` for release notes).
    pub origin: String,
    /// Documentation.
    pub docs: Option<String>,
    /// Why the type is deprecated, if it is.
    pub deprecated: Option<String>,
    /// What the type is.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enumeration.
    Enum(StringEnum),
    /// `oneOf` / `anyOf`: one of several types, told apart by a discriminator or by shape.
    Union(Union),
    /// A string or number with constraints that are checked when the value is built.
    Newtype(Newtype),
    /// `pub type Name = ...;` for named schemas that are arrays, maps or plain scalars.
    Alias(TypeRef),
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Properties in document order.
    pub fields: Vec<Field>,
    /// The value type of properties not listed, when `additionalProperties` allows them.
    pub additional: Option<TypeRef>,
}

/// One property of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name.
    pub name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// The property's type, without the `Option` that optionality adds.
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// Documentation.
    pub docs: Option<String>,
    /// Why the field is deprecated, if it is.
    pub deprecated: Option<String>,
    /// The spec version that added the field, when a release note says so.
    pub added_in: Option<String>,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// The documented default value.
    pub default: Option<Value>,
    /// Holds a secret or personal data, so `Debug` prints `<redacted>` instead of the value:
    /// `x-specgen-sensitive: true`, `format: password`, or a name in [`SENSITIVE_NAMES`].
    pub sensitive: bool,
    /// Bounds on the numbers the property holds: its value, or the items and values of the
    /// arrays and maps its type is made of (never the fields of a named struct or union, which
    /// carry their own).
    pub bounds: Option<NumberBounds>,
}

/// A string enumeration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringEnum {
    /// The variants in document order.
    pub variants: Vec<EnumVariant>,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub name: String,
    /// The value on the wire.
    pub wire_name: String,
}

/// A `oneOf` / `anyOf` type.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The discriminator property, when the spec names one; otherwise variants are tried in order.
    pub discriminator: Option<String>,
    /// The alternatives.
    pub variants: Vec<UnionVariant>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The variant's payload.
    pub ty: TypeRef,
    /// The discriminator values that select this variant.
    pub tags: Vec<String>,
}

/// A scalar with constraints that the constructor and `Deserialize` check.
#[derive(Debug, Clone, PartialEq)]
pub struct Newtype {
    /// The wrapped type (a string or number primitive).
    pub inner: Primitive,
    /// Minimum length in characters.
    pub min_length: Option<usize>,
    /// Maximum length in characters.
    pub max_length: Option<usize>,
    /// A regular expression the value must match.
    pub pattern: Option<String>,
    /// Bounds for numbers.
    pub bounds: Option<NumberBounds>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// Parses an upper- or lower-case method name.
    pub fn parse(text: &str) -> Option<Method> {
        Some(match text.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "PUT" => Method::Put,
            "POST" => Method::Post,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            "HEAD" => Method::Head,
            "PATCH" => Method::Patch,
            "TRACE" => Method::Trace,
            _ => return None,
        })
    }
}

/// One operation: becomes one `Client` method.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The Rust method name.
    pub fn_name: String,
    /// `operationId` as written, if any.
    pub operation_id: Option<String>,
    /// The HTTP method.
    pub method: Method,
    /// The path template (`/v1/clients/{clientId}`).
    pub path: String,
    /// Where the operation was defined (JSON pointer or `file:line`).
    pub origin: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Why the operation is deprecated, if it is.
    pub deprecated: Option<String>,
    /// The keys of the security schemes whose credentials this operation sends.
    pub security: Vec<String>,
    /// Parameters, path parameters first in path order, then the rest in document order.
    pub params: Vec<Parameter>,
    /// The request body.
    pub body: Option<RequestBody>,
    /// Responses, sorted by status.
    pub responses: Vec<Response>,
    /// The name of the per-operation error enum, present when an error status is documented.
    pub error_type: Option<String>,
    /// The name of the per-operation success enum, present when more than one success status is
    /// documented (a single success response is returned directly).
    pub success_type: Option<String>,
    /// The enum `error_type` stands for when other operations document the same error
    /// responses: `error_type` is then a type alias of this shared enum, so each distinct set of
    /// error responses is emitted once (`passes::response_sets`). `None`: the operation's own.
    pub shared_error: Option<String>,
    /// Likewise for `success_type`: the shared enum it aliases, when another operation documents
    /// the same success responses.
    pub shared_success: Option<String>,
    /// The name of the struct that carries the query, header and cookie parameters, present when
    /// the operation has any besides idempotency keys and signatures (those stay out of it).
    pub params_type: Option<String>,
    /// How the operation pages, when an overlay declares it (`x-specgen-pagination`); `None`
    /// leaves it to the detection of the common conventions (`passes::pagination`).
    pub pagination: Option<Pagination>,
    /// The client method that streams every item of every page, when the operation pages
    /// (`list_accounts_stream`); claimed by the naming pass in the client's namespace.
    pub stream_fn: Option<String>,
}

/// A list operation's paging convention, as declared by `x-specgen-pagination`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// How the next page is asked for.
    pub style: PageStyle,
    /// The wire name of the query parameter that selects the page (`cursor`, `page`, `offset`).
    pub param: String,
    /// The wire name of the response property that holds the items (`items`).
    pub items: String,
    /// For cursors: the wire name of the response property with the next cursor (`next_page`).
    pub next: Option<String>,
}

/// How a paged list asks for its next page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// An opaque cursor from the previous response; stops at an absent or empty cursor.
    Cursor,
    /// A page number, counting up from the first one requested; stops at an empty page.
    Page,
    /// An item offset, advanced by the number of items received; stops at an empty page.
    Offset,
    /// Declared as not paged: no stream method, whatever the names suggest.
    None,
}

impl Parameter {
    /// True for parameters passed in the operation's params struct rather than positionally.
    pub fn grouped(&self) -> bool {
        self.location != ParamLocation::Path && !self.idempotency_key && !self.signature
    }
}

impl Operation {
    /// Responses for 2xx statuses.
    pub fn success_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| r.status.is_success())
    }

    /// Responses for every other documented status, including `default`.
    pub fn error_responses(&self) -> impl Iterator<Item = &Response> {
        self.responses.iter().filter(|r| !r.status.is_success())
    }
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In the `Cookie` header.
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The Rust argument name.
    pub name: String,
    /// The wire name.
    pub wire_name: String,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its type.
    pub ty: TypeRef,
    /// Whether the caller must supply it.
    pub required: bool,
    /// Documentation.
    pub docs: Option<String>,
    /// For arrays in the query: `explode: true` repeats the name, `false` joins with commas.
    pub explode: bool,
    /// An idempotency key header that the client fills with a fresh UUID v4 unless the caller
    /// supplies one (`x-specgen-idempotency-key: true`, usually added by an overlay).
    pub idempotency_key: bool,
    /// A signature header that the client's signer sets; it is not a method argument
    /// (`x-specgen-signature: true`).
    pub signature: bool,
    /// Why the parameter is deprecated, if it is.
    pub deprecated: Option<String>,
    /// Bounds on the numbers the parameter holds (its value, or its array's items).
    pub bounds: Option<NumberBounds>,
}

/// A request body.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// Whether the body must be sent.
    pub required: bool,
    /// Documentation.
    pub docs: Option<String>,
    /// The chosen media type and how to encode it.
    pub content: BodyContent,
}

/// How a request body is encoded.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyContent {
    /// A JSON document of the given type.
    Json {
        /// The media type (`application/json`, `application/merge-patch+json`, ...).
        media_type: String,
        /// The body's type.
        ty: TypeRef,
        /// Documented example bodies (media-type `example` / `examples`), in document order.
        examples: Vec<Value>,
    },
    /// `multipart/form-data` built from the named struct's fields.
    Multipart {
        /// The struct holding the parts.
        ty: String,
        /// The parts in document order.
        parts: Vec<MultipartPart>,
    },
    /// `application/x-www-form-urlencoded` from the given type.
    Form {
        /// The body's type.
        ty: TypeRef,
    },
    /// Raw bytes with the given media type (`application/octet-stream`, `image/png`, ...).
    Binary {
        /// The media type.
        media_type: String,
    },
    /// Text with the given media type.
    Text {
        /// The media type.
        media_type: String,
    },
}

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartPart {
    /// The Rust field name in the body struct.
    pub field: String,
    /// The part name on the wire.
    pub wire_name: String,
    /// Whether the part must be sent.
    pub required: bool,
    /// How the part is encoded.
    pub kind: PartKind,
}

/// How one multipart part is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A file: bytes with a file name and content type.
    File,
    /// A text value (`Display` of the field).
    Text,
    /// A JSON-encoded value.
    Json,
}

/// A documented response status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range such as `4XX` (the leading digit).
    Range(u16),
    /// `default`: any status not otherwise documented.
    Default,
}

impl Status {
    /// True for 2xx codes and the `2XX` range.
    pub fn is_success(self) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(digit) => digit == 2,
            Status::Default => false,
        }
    }
}

/// One documented response.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status it answers.
    pub status: Status,
    /// The variant name in the success or error enum (`Conflict`).
    pub variant: String,
    /// The response's description.
    pub docs: Option<String>,
    /// The body, when the response has content.
    pub body: Option<ResponseBody>,
    /// Documented headers.
    pub headers: Vec<ResponseHeader>,
    /// The name of the struct that holds the typed headers, when there are any.
    pub headers_type: Option<String>,
}

/// How a response body is decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseBody {
    /// JSON of the given type.
    Json {
        /// The media type.
        media_type: String,
        /// The body's type.
        ty: TypeRef,
        /// Documented example bodies (media-type `example` / `examples`), in document order.
        examples: Vec<Value>,
    },
    /// Text, kept as a `String`.
    Text {
        /// The media type.
        media_type: String,
    },
    /// Bytes, kept as a `Vec<u8>`.
    Binary {
        /// The media type.
        media_type: String,
    },
}

/// A documented response header.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// The Rust field name in the headers struct.
    pub name: String,
    /// The header name on the wire.
    pub wire_name: String,
    /// The header's type.
    pub ty: TypeRef,
    /// Whether the response always carries it.
    pub required: bool,
    /// Documentation.
    pub docs: Option<String>,
    /// Bounds on the numbers the header holds.
    pub bounds: Option<NumberBounds>,
}

/// A documented example value and the type it must round-trip through.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example sits (JSON pointer or `file:line`).
    pub origin: String,
    /// The type the example documents.
    pub ty: TypeRef,
    /// The example value.
    pub value: Value,
}

/// Property names that hold secrets or personal data, compared after [`normalize_name`]
/// (lower case, only letters and digits): `tax_id`, `taxId` and `Tax-ID` all match `taxid`.
/// A name matches when it equals an entry, or ends with an entry of five or more characters
/// (`bank_account_number` ends with `accountnumber`); short entries (`pin`, `ssn`) must match
/// exactly, so `shipping` or `protein` never do.
pub const SENSITIVE_NAMES: &[&str] = &[
    "ssn",
    "socialsecuritynumber",
    "taxid",
    "taxidnumber",
    "taxidentificationnumber",
    "tin",
    "ein",
    "itin",
    "identificationnumber",
    "idnumber",
    "nationalid",
    "passportnumber",
    "driverslicensenumber",
    "accountnumber",
    "routingnumber",
    "iban",
    "cardnumber",
    "pan",
    "cvv",
    "cvv2",
    "cvc",
    "securitycode",
    "dateofbirth",
    "birthdate",
    "dob",
    "password",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "securityanswer",
    "mothersmaidenname",
    "otp",
    "pin",
];

/// A property name in the form [`SENSITIVE_NAMES`] uses: lower case letters and digits only.
pub fn normalize_name(wire: &str) -> String {
    wire.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// True when a property's name says it holds a secret or personal data.
pub fn sensitive_name(wire: &str) -> bool {
    let name = normalize_name(wire);
    SENSITIVE_NAMES
        .iter()
        .any(|entry| name == *entry || (entry.len() >= 5 && name.ends_with(entry)))
}

#[cfg(test)]
mod tests {
    use super::sensitive_name;

    #[test]
    fn sensitive_names_match_after_normalisation_and_short_ones_only_exactly() {
        for name in [
            "tax_id",
            "taxId",
            "Tax-ID",
            "identification_number",
            "date_of_birth",
            "dateOfBirth",
            "bank_account_number",
            "routingNumber",
            "client_secret",
            "access_token",
            "PIN",
            "ssn",
            "cvv",
            "password",
        ] {
            assert!(sensitive_name(name), "{name} must be sensitive");
        }
        for name in [
            "name", "shipping", "protein", "spin", "email", "status", "id", "country", "pinned",
        ] {
            assert!(!sensitive_name(name), "{name} must not be sensitive");
        }
    }
}
