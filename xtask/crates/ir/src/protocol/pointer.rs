//! JSON pointers (RFC 6901), as diagnostics and violations report them.

/// Escapes one reference token: `~` → `~0`, `/` → `~1`.
pub fn escape_token(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_owned();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_token`].
pub fn unescape_token(token: &str) -> String {
    if !token.contains('~') {
        return token.to_owned();
    }
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` with one more token appended.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_escape_and_unescape() {
        assert_eq!(escape_token("/v1/{id}"), "~1v1~1{id}");
        assert_eq!(escape_token("a~b"), "a~0b");
        // `~01` is an escaped `~` followed by `1`, not an escaped `/`.
        assert_eq!(unescape_token("~01"), "~1");
        for t in ["a/b~c", "~1", "plain"] {
            assert_eq!(unescape_token(&escape_token(t)), t);
        }
        assert_eq!(child("#/paths", "/pets"), "#/paths/~1pets");
    }
}
