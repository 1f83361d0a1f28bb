//! String formats the IR checks beyond their Rust type (`format: email`).

/// An address as `format: email` means it in practice: one `@` between a non-empty local part
/// and a dotted domain, no whitespace. (RFC 5322's full grammar accepts text no vendor does.)
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_addresses_are_checked() {
        for good in ["partner@example.com", "a.b+c@mail.example.co.uk"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "partner",
            "@example.com",
            "partner@",
            "partner@example",
            "a b@example.com",
            "a@b@example.com",
            "a@.example.com",
        ] {
            assert!(!is_email(bad), "{bad:?}");
        }
    }
}
