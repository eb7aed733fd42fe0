//! Frames whose AES-256-GCM runs in the host (node:crypto, WebCrypto), many
//! frames per call.
//!
//! Crossing from wasm to JS once per frame costs more than sealing a 4 KiB
//! frame, so a host cipher works on *batches*: Rust plans a run of frames
//! (sequence numbers, prefixes, IVs, AADs, where each frame's bytes go), the
//! host runs AES-GCM over them in one loop, and Rust takes the result back.
//!
//! Rust stays in charge of everything but the bulk AES-GCM: key derivation
//! and commitment, the header and its tag, frame order and the final frame,
//! the 0x0578 signature, and deciding when a message is complete. Sequence
//! numbers are assigned when a batch is planned, never re-issued, so a nonce
//! is never reused even if the host fails half way.
//!
//! The entry points are [`crate::envelope::Encryptor::plan_seal`] /
//! [`crate::envelope::Encryptor::absorb_sealed`] and
//! [`crate::envelope::Decryptor::plan_open`] /
//! [`crate::envelope::Decryptor::confirm_opened`].

use crate::envelope::format::body::{frame_aad, frame_iv, FINAL_FRAME_MARKER, IV_LEN, TAG_LEN};
use std::ops::Range;

/// At most this many frames per batch: bounds the plan's memory whatever the
/// frame length (a caller with 1-byte frames plans in smaller steps).
pub const MAX_BATCH_FRAMES: usize = 16_384;

/// Serialized prefix of a regular frame: sequence number and IV.
const REGULAR_PREFIX_LEN: usize = 4 + IV_LEN;
/// Serialized prefix of the final frame: marker, sequence number, IV, content length.
const FINAL_PREFIX_LEN: usize = 4 + 4 + IV_LEN + 4;

/// One frame of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchFrame {
    /// Sequence number (from 1).
    pub seq: u32,
    /// Whether this is the final frame.
    pub is_final: bool,
    /// Plaintext (= ciphertext) bytes in the frame.
    pub content_len: u32,
    /// Where the frame (its prefix) starts: in the batch's output region when
    /// sealing, in the input handed to `plan_open` when opening.
    pub offset: usize,
}

impl BatchFrame {
    /// Bytes before the ciphertext.
    pub fn prefix_len(&self) -> usize {
        if self.is_final {
            FINAL_PREFIX_LEN
        } else {
            REGULAR_PREFIX_LEN
        }
    }

    /// The serialized prefix (`[..prefix_len()]` of the array is used).
    pub fn prefix(&self) -> [u8; FINAL_PREFIX_LEN] {
        let marker = FINAL_FRAME_MARKER.to_be_bytes();
        let seq = self.seq.to_be_bytes();
        let iv = self.iv();
        let len = self.content_len.to_be_bytes();
        let (head, tail): (&[u8], &[u8]) = if self.is_final { (&marker, &len) } else { (&[], &[]) };
        let mut out = [0u8; FINAL_PREFIX_LEN];
        for (dst, src) in out.iter_mut().zip(head.iter().chain(&seq).chain(&iv).chain(tail)) {
            *dst = *src;
        }
        out
    }

    /// Where the IV sits inside the prefix.
    pub fn iv_offset_in_prefix(&self) -> usize {
        if self.is_final {
            8
        } else {
            4
        }
    }

    /// The frame's IV (derived from the sequence number; unique per message).
    pub fn iv(&self) -> [u8; IV_LEN] {
        frame_iv(self.seq)
    }

    /// The frame's body AAD.
    pub fn aad(&self, message_id: &[u8; 32]) -> Vec<u8> {
        frame_aad(message_id, self.is_final, self.seq, u64::from(self.content_len))
    }

    /// Total serialized length: prefix, ciphertext, tag.
    pub fn len(&self) -> usize {
        self.prefix_len() + self.content_len as usize + TAG_LEN
    }

    /// Never true: a frame always has a prefix and a tag.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Where the ciphertext sits (relative to the same origin as `offset`).
    pub fn content_range(&self) -> Range<usize> {
        let start = self.offset + self.prefix_len();
        start..start + self.content_len as usize
    }

    /// Where the tag sits.
    pub fn tag_range(&self) -> Range<usize> {
        let start = self.content_range().end;
        start..start + TAG_LEN
    }

    /// One past the frame's last byte.
    pub fn end(&self) -> usize {
        self.offset + self.len()
    }
}

/// Frames a host must seal, laid out back to back in one output region
/// (which follows `header` in the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealBatch {
    /// The header, on the first batch of a message (else empty).
    pub header: Vec<u8>,
    /// The message id (part of every frame's AAD).
    pub message_id: [u8; 32],
    /// The frames, in order; `offset`s are into the region.
    pub frames: Vec<BatchFrame>,
    /// Length of the region: the sum of the frames' lengths.
    pub region_len: usize,
    /// Plaintext bytes the frames consume, in order, from the host's queue.
    pub plaintext_len: u64,
    /// Plaintext bytes the host must keep for later batches.
    pub held: u64,
    /// Whether the host must hand the sealed region back
    /// ([`crate::envelope::Encryptor::absorb_sealed`]) before planning again:
    /// signed suites hash it (never set for a batch without frames).
    pub needs_region: bool,
}

/// Frames a host must open (verify and decrypt), found in the input handed
/// to [`crate::envelope::Decryptor::plan_open`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenBatch {
    /// The message id (part of every frame's AAD).
    pub message_id: [u8; 32],
    /// The frames, in order; `offset`s are into the input.
    pub frames: Vec<BatchFrame>,
    /// Input bytes fully parsed (header, frames, footer); the host keeps the rest.
    pub consumed: usize,
    /// Unconsumed bytes to gather before planning again (0 once the message
    /// is complete): exactly what the next frame or footer needs; for an
    /// incomplete header (its length unknown until parsed) twice what was
    /// given. A host buffers until it has this many rather than re-sending a
    /// growing tail, and at the end of its input plans once more with
    /// whatever it holds.
    pub need: usize,
}

impl OpenBatch {
    /// Plaintext bytes the frames will yield.
    pub fn plaintext_len(&self) -> u64 {
        self.frames.iter().map(|f| u64::from(f.content_len)).sum()
    }
}

/// The body length (all frames, no header or footer) of a message holding
/// `plaintext_len` bytes in frames of `frame_length`, as the encryptor lays
/// it out; `None` if it would overflow.
pub fn body_len(plaintext_len: u64, frame_length: u32) -> Option<u64> {
    let fl = u64::from(frame_length);
    if fl == 0 {
        return None;
    }
    let regular = regular_frames(plaintext_len, fl);
    let last = plaintext_len.checked_sub(regular.checked_mul(fl)?)?;
    let per_regular = (REGULAR_PREFIX_LEN + TAG_LEN) as u64 + fl;
    regular.checked_mul(per_regular)?.checked_add((FINAL_PREFIX_LEN + TAG_LEN) as u64)?.checked_add(last)
}

/// Regular frames sealed out of `total` queued plaintext bytes: a full frame
/// is held back until more input shows it is not the last one.
pub(crate) fn regular_frames(total: u64, frame_length: u64) -> u64 {
    if total == 0 || frame_length == 0 {
        0
    } else {
        (total - 1) / frame_length
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::envelope::format::body::put_frame_prefix;

    #[test]
    fn prefix_iv_and_ranges_match_the_writer() {
        for (is_final, seq, len) in [(false, 1, 4096), (true, 7, 0), (true, 0xFFFF_FFFE, 13)] {
            let f = BatchFrame { seq, is_final, content_len: len, offset: 100 };
            let mut expect = Vec::new();
            put_frame_prefix(&mut expect, is_final, seq, len);
            assert_eq!(&f.prefix()[..f.prefix_len()], expect.as_slice());
            let at = f.iv_offset_in_prefix();
            assert_eq!(&f.prefix()[at..at + 12], &f.iv());
            assert_eq!(f.content_range(), 100 + f.prefix_len()..100 + f.prefix_len() + len as usize);
            assert_eq!(f.tag_range().end, f.end());
            assert_eq!(f.end() - f.offset, f.len());
        }
    }

    #[test]
    fn body_length_counts_held_back_full_frames() {
        // 0 bytes: one empty final frame.
        assert_eq!(body_len(0, 4), Some(40));
        // Exactly one frame's worth: it becomes the (full) final frame.
        assert_eq!(body_len(4, 4), Some(44));
        assert_eq!(body_len(5, 4), Some(36 + 41));
        assert_eq!(body_len(8, 4), Some(36 + 44));
        assert_eq!(body_len(1, 0), None);
        assert_eq!(body_len(u64::MAX, 1), None);
    }
}
