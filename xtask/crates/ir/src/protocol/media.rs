//! Media types, compared by their essence (`type/subtype`, lower case, parameters dropped).

/// The essence of a `Content-Type` value: `Application/JSON; charset=utf-8` → `application/json`.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// True for `application/json` and any `+json` structured syntax suffix (`application/problem+json`).
pub fn is_json(content_type: &str) -> bool {
    let essence = essence(content_type);
    essence == "application/json" || essence.ends_with("+json")
}

/// True when `actual` is what `documented` allows: equal essences, or a documented wildcard
/// (`*/*`, `image/*`).
pub fn allows(documented: &str, actual: &str) -> bool {
    let (documented, actual) = (essence(documented), essence(actual));
    match documented.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, "*")) => actual.split_once('/').is_some_and(|(k, _)| k == kind),
        _ => documented == actual,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essences_compare_without_parameters_or_case() {
        assert_eq!(
            essence("Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/plain"));
        assert!(allows("image/*", "image/png"));
        assert!(allows("*/*", "text/csv"));
        assert!(!allows("application/json", "text/json"));
    }
}
