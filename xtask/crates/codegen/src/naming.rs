//! All identifier work: turning spec names into Rust names, and keeping them unique.
//!
//! Spec names are arbitrary strings (`X-Request-Id`, `2fa`, `type`, `@id`, `foo.bar`), while the
//! IR must carry final Rust names so that emitters never invent one. Case conversion uses heck;
//! this module adds what heck does not do: words for punctuation-only names, prefixes for
//! leading digits, raw identifiers for keywords, and [`Namespace`] to resolve names that collide
//! after conversion (`fooBar` and `foo_bar` both become `foo_bar`). Keeping every rule here means
//! a fix applies to types, fields, variants, methods and modules at once.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Keywords that can be used as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names a generated module must not use for its own types, because the client module declares
/// them next to the models (`types::Client` would be fine, but a user's glob import would not).
const RESERVED_TYPE_NAMES: &[&str] = &["Client", "Self"];

/// Replaces characters heck would drop silently with words, so `>=` and `-` stay distinct.
fn spell_symbols(raw: &str) -> String {
    if raw.chars().any(|c| c.is_alphanumeric()) {
        return raw.to_owned();
    }
    if raw.is_empty() {
        return "empty".to_owned();
    }
    let words: Vec<String> = raw
        .chars()
        .map(|c| match c {
            '<' => "lt".to_owned(),
            '>' => "gt".to_owned(),
            '=' => "eq".to_owned(),
            '!' => "not".to_owned(),
            '+' => "plus".to_owned(),
            '-' => "minus".to_owned(),
            '*' => "star".to_owned(),
            '/' => "slash".to_owned(),
            '.' => "dot".to_owned(),
            '_' => "underscore".to_owned(),
            ' ' => "space".to_owned(),
            other => format!("u{:04x}", other as u32),
        })
        .collect();
    words.join("_")
}

/// A Rust type or variant name (`UpperCamelCase`) for any spec string.
pub fn type_name(raw: &str) -> String {
    let mut name = spell_symbols(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'X');
    }
    if NON_RAW_KEYWORDS.contains(&name.as_str()) || RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A Rust field, argument, method or module name (`snake_case`) for any spec string.
pub fn value_name(raw: &str) -> String {
    let mut name = spell_symbols(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// A module or cargo feature name: snake case without raw identifiers, which features forbid.
pub fn module_name(raw: &str) -> String {
    let name = value_name(raw);
    match name.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_api"),
        None => name,
    }
}

/// The enum variant name for an HTTP status: its reason phrase (`409` → `Conflict`).
pub fn status_variant(code: u16) -> String {
    let phrase = match code {
        100 => "Continue",
        101 => "SwitchingProtocols",
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        300 => "MultipleChoices",
        301 => "MovedPermanently",
        302 => "Found",
        303 => "SeeOther",
        304 => "NotModified",
        307 => "TemporaryRedirect",
        308 => "PermanentRedirect",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        407 => "ProxyAuthenticationRequired",
        408 => "RequestTimeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "LengthRequired",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        414 => "UriTooLong",
        415 => "UnsupportedMediaType",
        416 => "RangeNotSatisfiable",
        417 => "ExpectationFailed",
        418 => "ImATeapot",
        421 => "MisdirectedRequest",
        422 => "UnprocessableEntity",
        423 => "Locked",
        424 => "FailedDependency",
        425 => "TooEarly",
        426 => "UpgradeRequired",
        428 => "PreconditionRequired",
        429 => "TooManyRequests",
        431 => "RequestHeaderFieldsTooLarge",
        451 => "UnavailableForLegalReasons",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        505 => "HttpVersionNotSupported",
        _ => return format!("Status{code}"),
    };
    phrase.to_owned()
}

/// A set of names already used in one scope (a module's types, a struct's fields, a client's
/// methods). Claiming a taken name yields the first free `name2`, `name3`, ... (`name_2` for
/// snake-case names), so resolution depends only on claim order, which lowering keeps stable.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    used: HashSet<String>,
}

impl Namespace {
    /// An empty scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope in which `names` are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Namespace {
            used: names.into_iter().map(str::to_owned).collect(),
        }
    }

    /// Claims `candidate`, or the first free numbered variant of it.
    pub fn claim(&mut self, candidate: &str) -> String {
        if self.used.insert(candidate.to_owned()) {
            return candidate.to_owned();
        }
        let bare = candidate.strip_prefix("r#").unwrap_or(candidate);
        let snake = bare.starts_with(|c: char| c.is_lowercase() || c == '_');
        // `self_` (a keyword made safe) continues as `self_2`, not `self__2`.
        let separated = bare.ends_with('_');
        (2..)
            .map(|n| {
                if snake && !separated {
                    format!("{bare}_{n}")
                } else {
                    format!("{bare}{n}")
                }
            })
            .find(|name| self.used.insert(name.clone()))
            .expect("an unbounded range always yields a free name")
    }

    /// True when `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.used.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        let table = [
            ("CreatePartnerClientRequest", "CreatePartnerClientRequest"),
            ("business_details", "BusinessDetails"),
            ("x-request-id", "XRequestId"),
            ("2fa", "X2fa"),
            ("brokerageOTC", "BrokerageOtc"),
            ("self", "Self_"),
            ("Client", "Client_"),
            ("", "Empty"),
            (">=", "GtEq"),
            ("-", "Minus"),
            ("Not Verified", "NotVerified"),
            ("onboard/Identity", "OnboardIdentity"),
        ];
        for (raw, want) in table {
            assert_eq!(type_name(raw), want, "type_name({raw:?})");
        }
    }

    #[test]
    fn value_names() {
        let table = [
            ("clientEntityId", "client_entity_id"),
            ("X-Idempotency-Key", "x_idempotency_key"),
            ("type", "r#type"),
            ("self", "self_"),
            ("crate", "crate_"),
            ("2fa", "_2fa"),
            ("@id", "id"),
            ("$", "u0024"),
            ("createPartnerClient", "create_partner_client"),
            ("verifiedDOB", "verified_dob"),
        ];
        for (raw, want) in table {
            assert_eq!(value_name(raw), want, "value_name({raw:?})");
        }
    }

    #[test]
    fn module_names_avoid_raw_identifiers() {
        assert_eq!(
            module_name("customer-orchestration"),
            "customer_orchestration"
        );
        assert_eq!(module_name("type"), "type_api");
    }

    #[test]
    fn status_variants() {
        assert_eq!(status_variant(409), "Conflict");
        assert_eq!(status_variant(200), "Ok");
        assert_eq!(status_variant(599), "Status599");
    }

    #[test]
    fn collisions_after_case_conversion_get_numbered() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim(&value_name("fooBar")), "foo_bar");
        assert_eq!(ns.claim(&value_name("foo_bar")), "foo_bar_2");
        assert_eq!(ns.claim(&value_name("FOO_BAR")), "foo_bar_3");
        let mut types = Namespace::new();
        assert_eq!(types.claim(&type_name("pet")), "Pet");
        assert_eq!(types.claim(&type_name("Pet")), "Pet2");
        let mut raw = Namespace::new();
        assert_eq!(raw.claim("r#type"), "r#type");
        assert_eq!(raw.claim("r#type"), "type_2");
    }
}
