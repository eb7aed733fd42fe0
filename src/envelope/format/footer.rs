//! The footer of signed messages: a u16 length and a DER ECDSA signature.

use super::reader::{ParseError, Reader};

/// Parses the footer; returns the signature and the footer's length.
pub fn parse_footer(input: &[u8]) -> Result<(&[u8], usize), ParseError> {
    let mut r = Reader::new(input);
    let sig = r.u16_prefixed()?;
    if sig.is_empty() {
        return Err(ParseError::Malformed("empty signature"));
    }
    Ok((sig, r.position()))
}

/// Serializes the footer.
pub fn footer_bytes(signature: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 + signature.len());
    // A DER P-384 signature is at most ~104 bytes, so the cast cannot truncate.
    let len = u16::try_from(signature.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(signature);
    out
}
