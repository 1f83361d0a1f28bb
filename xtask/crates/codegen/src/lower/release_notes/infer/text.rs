//! What the notes' words say about fields: optionality and value lists.
//!
//! Vendors state these in prose, not in schemas. The rules are deliberately few and literal,
//! so a reader can predict them:
//!
//! - A description or note that says "Optional", "(optional)", or is conditional ("if …",
//!   "when …", "only for …", "only when …", "unless …") makes its field optional.
//! - A prose line of an endpoint that is conditional ("Associated transaction hash (if
//!   settled)") makes optional every top-level body field whose name's words all appear before
//!   the condition (`transactionHash`), and every field named after the condition
//!   (`settledAmount` under "if settled").
//! - A parenthesised list of two or more upper-case values ("Current status (e.g., AUTHORIZED,
//!   SETTLED, EXPIRED)") lists a field's values; the field the line names becomes an enum (the
//!   values the examples show are added to it).

use heck::ToSnakeCase;
use regex::Regex;
use std::sync::LazyLock;

static OPTIONAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(optional(ly)?|if|when|only (for|when|if)|unless)\b")
        .expect("the pattern is valid")
});

static CONDITION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(?\b(if|when|only (for|when|if)|unless)\b\s*([^)]*)\)?")
        .expect("the pattern is valid")
});

static VALUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\((?:e\.g\.,?\s*|one of:?\s*|values?:?\s*)?([A-Z][A-Z0-9_]*(?:\s*(?:,|/|\bor\b)\s*[A-Z][A-Z0-9_]*)+)\)")
        .expect("the pattern is valid")
});

/// True when a field's description or note makes it optional.
pub fn says_optional(text: &str) -> bool {
    OPTIONAL.is_match(text)
}

/// The values a parenthesised upper-case list names, in order, without repeats.
pub fn value_list(text: &str) -> Option<Vec<String>> {
    let caps = VALUES.captures(text)?;
    let mut out: Vec<String> = Vec::new();
    for v in caps[1].split([',', '/']).flat_map(|p| p.split(" or ")) {
        let v = v.trim().to_owned();
        if !v.is_empty() && !out.contains(&v) {
            out.push(v);
        }
    }
    (out.len() >= 2).then_some(out)
}

/// Lower-case words, with a plural `s` dropped, so "amounts" matches `amount`.
fn words(text: &str) -> Vec<String> {
    text.to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| super::singular(w).to_ascii_lowercase())
        .collect()
}

/// What one prose line says about the given fields: `(field, optional, values)` for each field
/// the line names.
pub fn prose_facts(line: &str, fields: &[String]) -> Vec<(String, bool, Option<Vec<String>>)> {
    let condition = CONDITION.captures(line);
    let values = value_list(line);
    if condition.is_none() && values.is_none() {
        return Vec::new();
    }
    let subject_end = [
        condition.as_ref().and_then(|c| c.get(0)).map(|m| m.start()),
        values.as_ref().and_then(|_| line.find('(')),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(line.len());
    let subject = words(&line[..subject_end]);
    // The state the condition names ("settled"): its first word, when that is a plain word of
    // some length and not itself a field name.
    let condition_words: Vec<String> = condition
        .as_ref()
        .and_then(|c| c.get(3))
        .and_then(|m| m.as_str().split_whitespace().next())
        .filter(|w| w.len() >= 4 && !fields.iter().any(|f| f == w))
        .map(words)
        .unwrap_or_default();
    let mut out = Vec::new();
    for field in fields {
        let key = words(field);
        if key.is_empty() {
            continue;
        }
        // The line names the field by all of its words, or literally (`If expiresAt is …`).
        let named = key.iter().all(|w| subject.contains(w)) || has_word(line, field);
        let after_condition = key.iter().any(|w| condition_words.contains(w));
        let optional = condition.is_some() && (named || after_condition);
        let listed = if named { values.clone() } else { None };
        if optional || listed.is_some() {
            out.push((field.clone(), optional, listed));
        }
    }
    out
}

/// True when `word` appears in `line` as a whole word.
fn has_word(line: &str, word: &str) -> bool {
    line.split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn optional_words() {
        for yes in [
            "Optional expiration",
            "Tax id (optional)",
            "Sent only for business accounts",
            "Present when settled",
        ] {
            assert!(says_optional(yes), "{yes}");
        }
        for no in [
            "Unique invoice identifier",
            "Must be a numeric string. e.g. 150.75",
            "Verification status",
        ] {
            assert!(!says_optional(no), "{no}");
        }
    }

    #[test]
    fn value_lists() {
        assert_eq!(
            value_list("Current status (e.g., AUTHORIZED, SETTLED, EXPIRED)").unwrap(),
            ["AUTHORIZED", "SETTLED", "EXPIRED"]
        );
        assert_eq!(value_list("Kind (CARD or BANK)").unwrap(), ["CARD", "BANK"]);
        assert!(value_list("Ethereum address (ERC20)").is_none());
        assert!(value_list("no list here").is_none());
    }

    #[test]
    fn conditional_prose_names_fields() {
        let body = fields(&[
            "transactionId",
            "transactionHash",
            "settledAmount",
            "status",
            "sender",
        ]);
        let facts = prose_facts("Associated transaction hash (if settled)", &body);
        let optional: Vec<&str> = facts.iter().filter(|f| f.1).map(|f| f.0.as_str()).collect();
        assert_eq!(optional, ["transactionHash", "settledAmount"]);
        let facts = prose_facts("Current status (e.g., AUTHORIZED, SETTLED, EXPIRED)", &body);
        assert_eq!(facts.len(), 1);
        assert_eq!(facts[0].0, "status");
        assert!(!facts[0].1);
        assert_eq!(facts[0].2.as_ref().unwrap().len(), 3);
        assert!(prose_facts("Sender and receiver wallet addresses", &body).is_empty());
        let req = fields(&["expiresAt", "amount"]);
        let facts = prose_facts(
            "If expiresAt is not provided, a system default expiration is applied.",
            &req,
        );
        assert_eq!(facts, [("expiresAt".to_owned(), true, None)]);
    }
}
