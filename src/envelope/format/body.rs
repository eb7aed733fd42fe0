//! Framed message body: regular frames, the final frame, and the AAD / IV
//! each frame is sealed with.

use super::reader::{ParseError, Reader};

/// Sequence-number sentinel that introduces the final frame.
pub const FINAL_FRAME_MARKER: u32 = 0xFFFF_FFFF;
/// Frame IV length.
pub const IV_LEN: usize = 12;
/// Frame tag length.
pub const TAG_LEN: usize = 16;
/// AAD content string of a regular frame.
const FRAME_LABEL: &[u8] = b"AWSKMSEncryptionClient Frame";
/// AAD content string of the final frame.
const FINAL_FRAME_LABEL: &[u8] = b"AWSKMSEncryptionClient Final Frame";

/// The IV of frame `seq`: the sequence number, big-endian, left-padded with zeros.
pub fn frame_iv(seq: u32) -> [u8; IV_LEN] {
    let mut iv = [0u8; IV_LEN];
    let (_, tail) = iv.split_at_mut(IV_LEN - 4);
    tail.copy_from_slice(&seq.to_be_bytes());
    iv
}

/// The body AAD of a frame: message id (all 32 bytes in v2), label, seq, content length.
pub fn frame_aad(message_id: &[u8; 32], is_final: bool, seq: u32, content_len: u64) -> Vec<u8> {
    let label = if is_final { FINAL_FRAME_LABEL } else { FRAME_LABEL };
    let mut aad = Vec::with_capacity(32 + label.len() + 12);
    aad.extend_from_slice(message_id);
    aad.extend_from_slice(label);
    aad.extend_from_slice(&seq.to_be_bytes());
    aad.extend_from_slice(&content_len.to_be_bytes());
    aad
}

/// Writes a frame's fixed prefix (everything before the ciphertext).
pub fn put_frame_prefix(out: &mut Vec<u8>, is_final: bool, seq: u32, content_len: u32) {
    if is_final {
        out.extend_from_slice(&FINAL_FRAME_MARKER.to_be_bytes());
    }
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(&frame_iv(seq));
    if is_final {
        out.extend_from_slice(&content_len.to_be_bytes());
    }
}

/// A frame as it sits in the input, borrowed.
#[derive(Debug)]
pub struct RawFrame<'a> {
    /// Whether this is the final frame.
    pub is_final: bool,
    /// Its sequence number.
    pub seq: u32,
    /// The encrypted content.
    pub ciphertext: &'a [u8],
    /// The GCM tag.
    pub tag: [u8; TAG_LEN],
    /// Total serialized length (for hashing and consuming).
    pub len: usize,
}

/// Parses the next frame, expecting sequence number `expected_seq`.
/// The IV must be exactly the one the sequence number implies.
pub fn parse_frame(input: &[u8], frame_length: u32, expected_seq: u32) -> Result<RawFrame<'_>, ParseError> {
    let mut r = Reader::new(input);
    let first = r.u32()?;
    let is_final = first == FINAL_FRAME_MARKER;
    let seq = if is_final { r.u32()? } else { first };
    if seq != expected_seq {
        return Err(ParseError::Malformed("frame sequence number out of order"));
    }
    let iv = r.array::<IV_LEN>()?;
    if iv != frame_iv(seq) {
        return Err(ParseError::Malformed("frame IV does not match its sequence number"));
    }
    let content_len = if is_final {
        let len = r.u32()?;
        if len > frame_length {
            return Err(ParseError::Malformed("final frame is longer than the frame length"));
        }
        len
    } else {
        frame_length
    };
    let content_len = usize::try_from(content_len).map_err(|_| ParseError::Malformed("frame too large"))?;
    let ciphertext = r.take(content_len)?;
    let tag = r.array::<TAG_LEN>()?;
    Ok(RawFrame { is_final, seq, ciphertext, tag, len: r.position() })
}
