//! Small text codecs the wire protocols need: percent-encoding (RFC 3986, as
//! SigV4 defines it), form decoding, lowercase hex and XML escaping.

use std::fmt::Write as _;

/// Whether `byte` is an RFC 3986 unreserved character (never percent-encoded by SigV4).
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes `bytes` the SigV4 way: unreserved characters stay, every
/// other byte becomes `%XX` with uppercase hex; `/` stays only when
/// `keep_slash` is set (canonical paths).
pub(crate) fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &byte in bytes {
        if is_unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// The value of one hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes (a malformed escape is kept literally); with
/// `plus_is_space`, `+` means a space, as in form bodies.
pub(crate) fn percent_decode(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        if byte == b'%' {
            let high = bytes.get(position + 1).copied().and_then(hex_value);
            let low = bytes.get(position + 2).copied().and_then(hex_value);
            if let (Some(high), Some(low)) = (high, low) {
                out.push(high * 16 + low);
                position += 3;
                continue;
            }
        }
        out.push(if plus_is_space && byte == b'+' { b' ' } else { byte });
        position += 1;
    }
    out
}

/// [`percent_decode`] into text (invalid UTF-8 becomes U+FFFD).
pub(crate) fn percent_decode_text(text: &str, plus_is_space: bool) -> String {
    String::from_utf8_lossy(&percent_decode(text, plus_is_space)).into_owned()
}

/// Splits an `a=1&b=2` string into raw (still encoded) name/value pairs,
/// skipping empty pieces. A piece without `=` has an empty value.
pub(crate) fn split_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.split('&').filter(|piece| !piece.is_empty()).map(|piece| piece.split_once('=').unwrap_or((piece, "")))
}

/// Decodes an `application/x-www-form-urlencoded` body (or a query string)
/// into name/value pairs, in order.
pub(crate) fn decode_form(text: &str) -> Vec<(String, String)> {
    split_pairs(text).map(|(name, value)| (percent_decode_text(name, true), percent_decode_text(value, true))).collect()
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Escapes text for an XML element body or attribute.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            // Characters XML 1.0 cannot carry at all are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encoding_follows_sigv4() {
        assert_eq!(uri_encode(b"a b/c~-._", false), "a%20b%2Fc~-._");
        assert_eq!(uri_encode(b"/a b/", true), "/a%20b/");
        assert_eq!(uri_encode("ሴ".as_bytes(), true), "%E1%88%B4");
    }

    #[test]
    fn percent_decoding_is_lenient() {
        assert_eq!(percent_decode_text("a%20b+c", true), "a b c");
        assert_eq!(percent_decode_text("a+b", false), "a+b");
        assert_eq!(percent_decode_text("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode_text("%E1%88%B4", false), "ሴ");
        assert_eq!(
            decode_form("Action=GetUser&UserName=bob%2B1&&flag"),
            vec![
                ("Action".to_string(), "GetUser".to_string()),
                ("UserName".to_string(), "bob+1".to_string()),
                ("flag".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn hex_and_xml() {
        assert_eq!(hex_lower(&[0, 15, 255]), "000fff");
        assert_eq!(xml_escape("<a & 'b'>\u{1}"), "&lt;a &amp; &apos;b&apos;&gt;");
    }
}
