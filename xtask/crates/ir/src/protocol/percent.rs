//! Percent-decoding of URL path segments and query text (RFC 3986), strict about what it
//! accepts: a server must answer a bad escape with 400, not guess.

use std::fmt;

/// Why a text does not decode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// A `%` not followed by two hexadecimal digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::BadEscape => f.write_str("`%` must be followed by two hex digits"),
            DecodeError::NotUtf8 => f.write_str("the decoded text is not UTF-8"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `%XX` escapes. Works on bytes, so a `%` before a multi-byte character is an error
/// rather than a slice through the middle of that character.
pub fn decode(text: &str) -> Result<String, DecodeError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(hi), Some(lo)) => out.push((hi * 16 + lo) as u8),
                _ => return Err(DecodeError::BadEscape),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| DecodeError::NotUtf8)
}

/// Encodes a path segment: everything but RFC 3986 unreserved characters is escaped.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_is_strict_and_byte_based() {
        assert_eq!(decode("a%20b").unwrap(), "a b");
        assert_eq!(decode("%C3%A9t%C3%A9").unwrap(), "été");
        assert_eq!(decode("plain").unwrap(), "plain");
        assert_eq!(decode("%"), Err(DecodeError::BadEscape));
        assert_eq!(decode("%4"), Err(DecodeError::BadEscape));
        assert_eq!(decode("%€"), Err(DecodeError::BadEscape));
        assert_eq!(decode("%FF"), Err(DecodeError::NotUtf8));
    }

    #[test]
    fn encoding_round_trips() {
        for text in ["a b/c", "été", "100%", "~._-"] {
            assert_eq!(decode(&encode_segment(text)).unwrap(), text);
        }
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }
}
