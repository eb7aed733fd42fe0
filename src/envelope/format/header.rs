//! The message header (format version 2): body, then a 16-byte auth tag.

use super::context::{parse_context, serialize_context, EncryptionContext};
use super::reader::{put_u16_prefixed, ParseError, Reader};
use crate::envelope::keyring::EncryptedDataKey;
use crate::envelope::suite::AlgorithmSuite;
use crate::error::AwsError;

/// Message format version 2.
const VERSION_2: u8 = 0x02;
/// Content type "framed" (the only one v2 allows).
const CONTENT_FRAMED: u8 = 0x02;
/// Length of the header authentication tag.
pub const HEADER_TAG_LEN: usize = 16;

/// A parsed or to-be-written header body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The algorithm suite.
    pub suite: AlgorithmSuite,
    /// The 32-byte random message id (also the HKDF salt).
    pub message_id: [u8; 32],
    /// The stored encryption context.
    pub context: EncryptionContext,
    /// The encrypted data keys.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// Plaintext bytes per regular frame.
    pub frame_length: u32,
    /// The key commitment (suite data).
    pub commitment: [u8; 32],
}

impl Header {
    /// Serializes the header body (everything the auth tag covers).
    pub fn body_bytes(&self) -> Result<Vec<u8>, AwsError> {
        let mut out = Vec::with_capacity(128);
        out.push(VERSION_2);
        out.extend_from_slice(&self.suite.id().to_be_bytes());
        out.extend_from_slice(&self.message_id);
        put_u16_prefixed(&mut out, &serialize_context(&self.context)?, "the encryption context")?;
        if self.encrypted_data_keys.is_empty() {
            return Err(AwsError::validation("a message needs at least one encrypted data key"));
        }
        let count = u16::try_from(self.encrypted_data_keys.len())
            .map_err(|_| AwsError::validation("more than 65535 encrypted data keys"))?;
        out.extend_from_slice(&count.to_be_bytes());
        for edk in &self.encrypted_data_keys {
            put_u16_prefixed(&mut out, edk.provider_id.as_bytes(), "a key provider id")?;
            put_u16_prefixed(&mut out, &edk.provider_info, "key provider info")?;
            put_u16_prefixed(&mut out, &edk.ciphertext, "an encrypted data key")?;
        }
        out.push(CONTENT_FRAMED);
        if self.frame_length == 0 {
            return Err(AwsError::validation("frame length must be at least 1"));
        }
        out.extend_from_slice(&self.frame_length.to_be_bytes());
        out.extend_from_slice(&self.commitment);
        Ok(out)
    }
}

/// Parses a header body from the front of `input`; returns it and its length.
/// `max_edks` bounds the EDK count before any of them is read.
pub fn parse_header_body(input: &[u8], max_edks: Option<usize>) -> Result<(Header, usize), ParseError> {
    let mut r = Reader::new(input);
    match r.u8()? {
        VERSION_2 => {}
        0x01 => return Err(ParseError::Malformed("message format version 1 is not supported")),
        _ => return Err(ParseError::Malformed("unknown message format version")),
    }
    let suite = AlgorithmSuite::from_id(r.u16()?).ok_or(ParseError::Malformed("unsupported algorithm suite"))?;
    let message_id = r.array::<32>()?;
    let context = parse_context(r.u16_prefixed()?)?;
    let count = r.u16()?;
    if count == 0 {
        return Err(ParseError::Malformed("the header has no encrypted data keys"));
    }
    if max_edks.is_some_and(|max| usize::from(count) > max) {
        return Err(ParseError::Malformed("more encrypted data keys than allowed"));
    }
    let mut encrypted_data_keys = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let provider_id = std::str::from_utf8(r.u16_prefixed()?)
            .map_err(|_| ParseError::Malformed("key provider id is not UTF-8"))?
            .to_owned();
        let provider_info = r.u16_prefixed()?.to_vec();
        let ciphertext = r.u16_prefixed()?.to_vec();
        encrypted_data_keys.push(EncryptedDataKey { provider_id, provider_info, ciphertext });
    }
    if r.u8()? != CONTENT_FRAMED {
        return Err(ParseError::Malformed("unsupported content type"));
    }
    let frame_length = r.u32()?;
    if frame_length == 0 {
        return Err(ParseError::Malformed("frame length is zero"));
    }
    let commitment = r.array::<32>()?;
    let header = Header { suite, message_id, context, encrypted_data_keys, frame_length, commitment };
    Ok((header, r.position()))
}
