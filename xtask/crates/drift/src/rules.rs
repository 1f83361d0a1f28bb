//! Every rule drift knows, with its wire level and Rust semver verdict, in one table (the shape
//! of oasdiff's `rules.go`).
//!
//! Ids reuse oasdiff's where oasdiff names the same change. A rule's wire level is fixed: where
//! the level depends on whether a schema is read in requests or in responses, there are two ids.
//! The Rust verdict follows from how `codegen/emit.rs` maps the IR to Rust:
//!
//! - Generated structs (models, `{Op}Params`, response headers) have public fields and no
//!   `#[non_exhaustive]`, so callers can build them with struct literals: adding any field, even
//!   an optional one, is `major`, as is changing a field's type or `Option`-ness.
//! - String enums are `#[non_exhaustive]` (issue 10), so a new value is `minor` and a removed one
//!   `major`. Unions and the per-operation success and error enums are exhaustive, so any new
//!   variant is `major` (an exhaustive `match` stops compiling). Operations that document
//!   identical responses share one enum, and each operation's name for it is a type alias, so
//!   a change of which enum an alias points to is `none`; only the shared name disappearing
//!   (`shared-response-enum-removed`) is `major`.
//! - Method arguments are positional (path parameters, idempotency key, `params`, `body`), so any
//!   added, removed or retyped argument is `major`; argument names are not part of the API.
//! - `#[deprecated]` only warns, so a deprecation is `minor`. Constraints (lengths, bounds,
//!   patterns), media types, defaults and discriminator names live inside function bodies and
//!   docs, so they are `none`.
//!
//! A few rules take a narrower Rust verdict in specific cases, noted in their description (for
//! example an idempotency key's required flag does not change its `Option` argument).

use super::model::{Rust, Wire};

/// One rule: an id, its two default verdicts and what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable kebab-case id.
    pub id: &'static str,
    /// The wire level.
    pub wire: Wire,
    /// The Rust semver verdict (a few rules narrow it case by case, as their text says).
    pub rust: Rust,
    /// What the rule detects, for the README and `--help`.
    pub description: &'static str,
}

const fn rule(id: &'static str, wire: Wire, rust: Rust, description: &'static str) -> Rule {
    Rule {
        id,
        wire,
        rust,
        description,
    }
}

use Rust::{Major, Minor, None as Unchanged};
use Wire::{Breaking, Info, Warning};

/// Every rule, grouped by what it concerns.
pub const RULES: &[Rule] = &[
    // APIs and servers.
    rule(
        "api-added",
        Info,
        Minor,
        "a new API (module and cargo feature)",
    ),
    rule(
        "api-removed",
        Breaking,
        Major,
        "an API (module) disappeared",
    ),
    rule(
        "server-added",
        Info,
        Minor,
        "a new server URL, so a new `Client` constructor",
    ),
    rule(
        "server-removed",
        Warning,
        Major,
        "a server URL and its `Client` constructor disappeared",
    ),
    // Operations.
    rule(
        "endpoint-added",
        Info,
        Minor,
        "a new operation, so a new `Client` method",
    ),
    rule(
        "api-path-removed-without-deprecation",
        Breaking,
        Major,
        "the last operation of a path was removed without being deprecated first",
    ),
    rule(
        "api-removed-without-deprecation",
        Breaking,
        Major,
        "an operation was removed without being deprecated first; other methods of its path remain",
    ),
    rule(
        "endpoint-removed",
        Warning,
        Major,
        "an operation that was deprecated has been removed",
    ),
    rule(
        "endpoint-deprecated",
        Warning,
        Minor,
        "an operation became deprecated",
    ),
    rule(
        "endpoint-reactivated",
        Info,
        Minor,
        "an operation is no longer deprecated",
    ),
    rule(
        "operation-method-renamed",
        Info,
        Major,
        "same method and path, but the generated method name changed (operationId or summary)",
    ),
    // Parameters.
    rule(
        "new-required-request-parameter",
        Breaking,
        Major,
        "a new required parameter (a new argument or `{Op}Params` field; none for signature headers)",
    ),
    rule(
        "new-optional-request-parameter",
        Info,
        Major,
        "a new optional parameter (a new `{Op}Params` field or argument; none for signature headers)",
    ),
    rule(
        "request-parameter-removed",
        Warning,
        Major,
        "a parameter was removed (servers usually ignore it; its argument or field is gone)",
    ),
    rule(
        "request-parameter-became-required",
        Breaking,
        Major,
        "an optional parameter became required (`Option<T>` becomes `T`; none for idempotency keys)",
    ),
    rule(
        "request-parameter-became-optional",
        Info,
        Major,
        "a required parameter became optional (`T` becomes `Option<T>`; none for idempotency keys)",
    ),
    rule(
        "request-parameter-type-changed",
        Breaking,
        Major,
        "a parameter's type or format changed",
    ),
    rule(
        "request-parameter-location-changed",
        Breaking,
        Major,
        "a parameter moved (query, header, cookie, path); none when it stays in `{Op}Params`",
    ),
    rule(
        "request-parameter-deprecated",
        Warning,
        Minor,
        "a parameter became deprecated",
    ),
    // Request bodies.
    rule(
        "request-body-added-required",
        Breaking,
        Major,
        "an operation now requires a body",
    ),
    rule(
        "request-body-added-optional",
        Info,
        Major,
        "an operation now accepts an optional body (a new `body` argument)",
    ),
    rule(
        "request-body-removed",
        Warning,
        Major,
        "an operation no longer takes a body",
    ),
    rule(
        "request-body-became-required",
        Breaking,
        Major,
        "the body became required (`Option<&T>` becomes `&T`)",
    ),
    rule(
        "request-body-became-optional",
        Info,
        Major,
        "the body became optional (`&T` becomes `Option<&T>`)",
    ),
    rule(
        "request-body-media-type-changed",
        Breaking,
        Unchanged,
        "the request media type changed; the Rust body type did not",
    ),
    rule(
        "request-body-type-changed",
        Breaking,
        Major,
        "the request body's type, format or encoding changed",
    ),
    // Responses.
    rule(
        "response-success-status-added",
        Info,
        Major,
        "a new 2xx status (a new variant of the exhaustive success enum, or the return type changes)",
    ),
    rule(
        "response-non-success-status-added",
        Info,
        Major,
        "a new error status (a new variant of the exhaustive error enum)",
    ),
    rule(
        "response-success-status-removed",
        Breaking,
        Major,
        "a 2xx status is no longer documented",
    ),
    rule(
        "response-non-success-status-removed",
        Warning,
        Major,
        "an error status is no longer documented",
    ),
    rule(
        "response-media-type-changed",
        Breaking,
        Unchanged,
        "the response media type changed; the Rust body type did not",
    ),
    rule(
        "response-body-type-changed",
        Breaking,
        Major,
        "a response body's type, format or encoding changed",
    ),
    rule(
        "response-body-added",
        Info,
        Major,
        "a status that had no body now has one (`()` becomes a type)",
    ),
    rule(
        "response-body-removed",
        Breaking,
        Major,
        "a status no longer has a body",
    ),
    rule(
        "new-response-header",
        Info,
        Major,
        "a new documented response header (a new headers-struct field)",
    ),
    rule(
        "response-required-header-removed",
        Breaking,
        Major,
        "a required response header is no longer sent",
    ),
    rule(
        "response-optional-header-removed",
        Warning,
        Major,
        "an optional response header is no longer documented",
    ),
    rule(
        "response-header-became-optional",
        Breaking,
        Major,
        "a response header is no longer always sent",
    ),
    rule(
        "response-header-became-required",
        Info,
        Major,
        "a response header is now always sent (`Option<T>` becomes `T`)",
    ),
    rule(
        "response-header-type-changed",
        Breaking,
        Major,
        "a response header's type changed",
    ),
    // Named types.
    rule("type-added", Info, Minor, "a new named type"),
    rule(
        "type-removed",
        Info,
        Major,
        "a named type disappeared (its wire effect is reported where it was used)",
    ),
    rule(
        "type-kind-changed",
        Breaking,
        Major,
        "a type changed shape (struct, enum, union, constrained scalar, alias)",
    ),
    rule(
        "type-deprecated",
        Warning,
        Minor,
        "a schema became deprecated",
    ),
    rule(
        "shared-response-enum-removed",
        Info,
        Major,
        "the enum that operations with identical responses share lost its name (each operation's own name, an alias, stays)",
    ),
    rule(
        "rust-type-changed",
        Info,
        Major,
        "the wire shape is the same but the Rust type differs (boxing, or another type of the same shape)",
    ),
    rule(
        "rust-name-changed",
        Info,
        Major,
        "the same property or value got another Rust name",
    ),
    // Object properties.
    rule(
        "new-required-request-property",
        Breaking,
        Major,
        "a new required property in a schema sent in requests",
    ),
    rule(
        "new-optional-request-property",
        Info,
        Major,
        "a new optional property in a schema sent in requests (a new struct field)",
    ),
    rule(
        "response-required-property-added",
        Info,
        Major,
        "a new required property in a response schema",
    ),
    rule(
        "response-optional-property-added",
        Info,
        Major,
        "a new optional property in a response schema",
    ),
    rule(
        "request-property-removed",
        Warning,
        Major,
        "a property of a request schema was removed",
    ),
    rule(
        "response-property-removed",
        Breaking,
        Major,
        "a required property of a response schema was removed",
    ),
    rule(
        "response-optional-property-removed",
        Warning,
        Major,
        "an optional property of a response schema was removed",
    ),
    rule(
        "request-property-became-required",
        Breaking,
        Major,
        "a request property became required",
    ),
    rule(
        "request-property-became-optional",
        Info,
        Major,
        "a request property became optional",
    ),
    rule(
        "response-property-became-optional",
        Breaking,
        Major,
        "a response property is no longer always sent",
    ),
    rule(
        "response-property-became-required",
        Info,
        Major,
        "a response property is now always sent",
    ),
    rule(
        "request-property-type-changed",
        Breaking,
        Major,
        "a request property's type or format changed",
    ),
    rule(
        "response-property-type-changed",
        Breaking,
        Major,
        "a response property's type or format changed",
    ),
    rule(
        "request-property-became-nullable",
        Info,
        Major,
        "a request property now accepts null",
    ),
    rule(
        "response-property-became-nullable",
        Breaking,
        Major,
        "a response property may now be null",
    ),
    rule(
        "request-property-became-not-nullable",
        Breaking,
        Major,
        "a request property no longer accepts null",
    ),
    rule(
        "response-property-became-not-nullable",
        Info,
        Major,
        "a response property is never null any more",
    ),
    rule(
        "property-deprecated",
        Warning,
        Minor,
        "a property became deprecated",
    ),
    rule(
        "property-default-value-changed",
        Warning,
        Unchanged,
        "a property's documented default changed",
    ),
    rule(
        "additional-properties-changed",
        Warning,
        Major,
        "`additionalProperties` was added, removed or retyped",
    ),
    // Enumerations.
    rule(
        "request-property-enum-value-added",
        Info,
        Minor,
        "a new value of an enum sent in requests",
    ),
    rule(
        "response-property-enum-value-added",
        Warning,
        Minor,
        "a new value of an enum received in responses (strict decoders fail; ours are open)",
    ),
    rule(
        "request-property-enum-value-removed",
        Breaking,
        Major,
        "a value of an enum sent in requests was removed",
    ),
    rule(
        "response-property-enum-value-removed",
        Info,
        Major,
        "a value of an enum received in responses was removed",
    ),
    // Unions.
    rule(
        "request-union-variant-added",
        Info,
        Major,
        "a new alternative of a oneOf/anyOf sent in requests",
    ),
    rule(
        "response-union-variant-added",
        Warning,
        Major,
        "a new alternative of a oneOf/anyOf received in responses",
    ),
    rule(
        "request-union-variant-removed",
        Breaking,
        Major,
        "an alternative of a oneOf/anyOf sent in requests was removed",
    ),
    rule(
        "response-union-variant-removed",
        Info,
        Major,
        "an alternative of a oneOf/anyOf received in responses was removed",
    ),
    rule(
        "union-discriminator-changed",
        Breaking,
        Unchanged,
        "the discriminator property or a variant's tags changed",
    ),
    // Constraints.
    rule(
        "request-property-max-length-decreased",
        Breaking,
        Unchanged,
        "a request string's maxLength was lowered or added",
    ),
    rule(
        "request-property-min-length-increased",
        Breaking,
        Unchanged,
        "a request string's minLength was raised or added",
    ),
    rule(
        "request-property-max-decreased",
        Breaking,
        Unchanged,
        "a request number's maximum was lowered or added",
    ),
    rule(
        "request-property-min-increased",
        Breaking,
        Unchanged,
        "a request number's minimum was raised or added",
    ),
    rule(
        "request-property-multiple-of-changed",
        Breaking,
        Unchanged,
        "a request number's multipleOf was added or changed to a step that rejects old values",
    ),
    rule(
        "request-property-pattern-changed",
        Warning,
        Unchanged,
        "a request string's pattern changed, was added or removed",
    ),
    rule(
        "request-property-bounds-relaxed",
        Info,
        Unchanged,
        "a request constraint was loosened",
    ),
    rule(
        "response-property-bounds-relaxed",
        Warning,
        Unchanged,
        "a response constraint was loosened (validating clients may reject values)",
    ),
    rule(
        "response-property-bounds-tightened",
        Info,
        Unchanged,
        "a response constraint was tightened",
    ),
];

/// The rule with `id`. Panics on an unknown id: that is a bug in drift, not bad input.
pub fn rule_for(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("drift rule `{id}` is not in RULES"))
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use std::collections::BTreeSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = BTreeSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate id {}", r.id);
            assert!(
                r.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{} is not kebab-case",
                r.id
            );
        }
    }

    #[test]
    fn every_id_the_comparers_use_is_in_the_table() {
        // A typo would panic in `rule_for` on someone's spec; catch it here instead.
        let sources = [
            include_str!("compare.rs"),
            include_str!("types.rs"),
            include_str!("lib.rs"),
        ];
        let ids = regex::Regex::new(r#""([a-z]+(?:-[a-z]+)+)""#).unwrap();
        let mut used = 0;
        for source in sources {
            for cap in ids.captures_iter(source) {
                let id = &cap[1];
                assert!(
                    RULES.iter().any(|r| r.id == id),
                    "`{id}` is used but not in RULES"
                );
                used += 1;
            }
        }
        assert!(used > RULES.len(), "the scan sees the ids ({used})");
    }
}
