//! The footer of signed messages: a u16 length and a DER ECDSA signature.

use super::reader::{put_u16_prefixed, ParseError, Reader};
use crate::error::AwsError;

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
pub fn footer_bytes(signature: &[u8]) -> Result<Vec<u8>, AwsError> {
    let mut out = Vec::with_capacity(2 + signature.len());
    put_u16_prefixed(&mut out, signature, "the signature")?;
    Ok(out)
}
