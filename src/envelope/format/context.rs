//! Encryption context: the string map bound to every message, and its
//! canonical serialization (u16 count, then u16-length key / value pairs
//! sorted by the keys' UTF-8 bytes; an empty context serializes to nothing).

use super::reader::{put_u16_prefixed, ParseError, Reader};
use crate::error::AwsError;
use std::collections::BTreeMap;

/// An encryption context. `BTreeMap<String, _>` orders keys by their UTF-8
/// bytes, which is exactly the order the format requires.
pub type EncryptionContext = BTreeMap<String, String>;

/// The context key under which signed suites store the verification key.
pub const PUBLIC_KEY_CONTEXT_KEY: &str = "aws-crypto-public-key";

/// The prefix reserved for the SDK's own context keys.
pub const RESERVED_PREFIX: &str = "aws-crypto-";

/// Serializes `context`: empty → no bytes; otherwise count and sorted pairs.
pub fn serialize_context(context: &EncryptionContext) -> Result<Vec<u8>, AwsError> {
    if context.is_empty() {
        return Ok(Vec::new());
    }
    let count = u16::try_from(context.len())
        .map_err(|_| AwsError::validation("encryption context has more than 65535 pairs"))?;
    let mut out = Vec::new();
    out.extend_from_slice(&count.to_be_bytes());
    for (key, value) in context {
        put_u16_prefixed(&mut out, key.as_bytes(), "an encryption context key")?;
        put_u16_prefixed(&mut out, value.as_bytes(), "an encryption context value")?;
    }
    if out.len() > usize::from(u16::MAX) {
        return Err(AwsError::validation("serialized encryption context is longer than 65535 bytes"));
    }
    Ok(out)
}

/// Parses a serialized context occupying all of `bytes` (the header AAD field).
/// Duplicate keys, invalid UTF-8, a zero count and trailing bytes are rejected.
pub fn parse_context(bytes: &[u8]) -> Result<EncryptionContext, ParseError> {
    let mut context = EncryptionContext::new();
    if bytes.is_empty() {
        return Ok(context);
    }
    // The field's length is already known, so running short here is malformed, not incomplete.
    let short = |e: ParseError| match e {
        ParseError::Incomplete => ParseError::Malformed("encryption context overruns its length"),
        other => other,
    };
    let mut r = Reader::new(bytes);
    let count = r.u16().map_err(short)?;
    if count == 0 {
        return Err(ParseError::Malformed("encryption context has a zero pair count"));
    }
    for _ in 0..count {
        let key = r.u16_prefixed().map_err(short)?;
        let value = r.u16_prefixed().map_err(short)?;
        let key = std::str::from_utf8(key).map_err(|_| ParseError::Malformed("context key is not UTF-8"))?;
        let value = std::str::from_utf8(value).map_err(|_| ParseError::Malformed("context value is not UTF-8"))?;
        if context.insert(key.to_owned(), value.to_owned()).is_some() {
            return Err(ParseError::Malformed("encryption context has a duplicate key"));
        }
    }
    if r.remaining() != 0 {
        return Err(ParseError::Malformed("encryption context has trailing bytes"));
    }
    Ok(context)
}
