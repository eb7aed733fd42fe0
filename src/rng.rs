//! Randomness, injected.
//!
//! A seeded simulator draws every random byte (key ids, key material, nonces,
//! passwords) from one ChaCha20 keystream, so the same calls give the same
//! results and a snapshot can record exactly where the stream stands. An
//! unseeded one asks the platform (`getrandom`; `crypto.getRandomValues` on wasm).

use crate::error::{AwsError, ErrorCode};
use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// A source of random bytes for the simulator.
pub trait EntropySource: Send {
    /// Fills `dest` with random bytes.
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), AwsError>;
    /// The state to put in a snapshot, if the source is reproducible.
    fn state(&self) -> Option<RngState>;
}

/// Where a seeded stream stands, as stored in snapshots.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RngState {
    /// The 32-byte seed, hex.
    pub seed_hex: String,
    /// Bytes of keystream consumed so far.
    pub position: u64,
}

impl std::fmt::Debug for RngState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RngState").field("position", &self.position).finish_non_exhaustive()
    }
}

/// A deterministic ChaCha20 keystream.
pub struct SeededRng {
    seed: [u8; 32],
    cipher: ChaCha20,
}

impl SeededRng {
    /// Derives a 32-byte seed from any user seed (a number or a string).
    pub fn seed_from_text(text: &str) -> [u8; 32] {
        let mut hasher = Sha256::new();
        hasher.update(b"kmsim seed v1\0");
        hasher.update(text.as_bytes());
        hasher.finalize().into()
    }

    /// A stream at position 0 of `seed`.
    pub fn new(seed: [u8; 32]) -> Self {
        let cipher = ChaCha20::new(&seed.into(), &[0u8; 12].into());
        SeededRng { seed, cipher }
    }

    /// Restores a stream from a snapshot's state.
    pub fn from_state(state: &RngState) -> Result<Self, AwsError> {
        let bad = || AwsError::validation("snapshot rng state is malformed");
        let bytes = hex_decode(&state.seed_hex).ok_or_else(bad)?;
        let seed: [u8; 32] = bytes.try_into().map_err(|_| bad())?;
        let mut rng = SeededRng::new(seed);
        rng.cipher.try_seek(state.position).map_err(|_| bad())?;
        Ok(rng)
    }
}

impl Drop for SeededRng {
    fn drop(&mut self) {
        self.seed.zeroize();
    }
}

impl EntropySource for SeededRng {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), AwsError> {
        dest.fill(0);
        self.cipher
            .try_apply_keystream(dest)
            .map_err(|_| AwsError::new(ErrorCode::KMSInternalException, "the seeded random stream is exhausted"))
    }

    fn state(&self) -> Option<RngState> {
        Some(RngState { seed_hex: hex_encode(&self.seed), position: self.cipher.current_pos() })
    }
}

/// The platform's entropy (`getrandom`).
#[derive(Debug, Default, Clone, Copy)]
pub struct OsEntropy;

impl EntropySource for OsEntropy {
    fn fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), AwsError> {
        getrandom::fill(dest)
            .map_err(|_| AwsError::new(ErrorCode::KMSInternalException, "the platform random source failed"))
    }

    fn state(&self) -> Option<RngState> {
        None
    }
}

/// Lower-case hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Parses hex (either case); `None` when malformed.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    };
    text.as_bytes().chunks_exact(2).map(|pair| Some(digit(*pair.first()?)? << 4 | digit(*pair.get(1)?)?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_stream_is_reproducible_and_resumable() {
        let mut a = SeededRng::new(SeededRng::seed_from_text("42"));
        let mut first = [0u8; 40];
        a.fill_bytes(&mut first).unwrap();
        let state = a.state().unwrap();
        assert_eq!(state.position, 40);
        let mut next_a = [0u8; 16];
        a.fill_bytes(&mut next_a).unwrap();
        let mut b = SeededRng::from_state(&state).unwrap();
        let mut next_b = [0u8; 16];
        b.fill_bytes(&mut next_b).unwrap();
        assert_eq!(next_a, next_b);
        let mut c = SeededRng::new(SeededRng::seed_from_text("43"));
        let mut other = [0u8; 40];
        c.fill_bytes(&mut other).unwrap();
        assert_ne!(first, other);
    }

    #[test]
    fn hex_round_trips() {
        assert_eq!(hex_encode(&[0, 255, 16]), "00ff10");
        assert_eq!(hex_decode("00FF10"), Some(vec![0, 255, 16]));
        assert_eq!(hex_decode("0g"), None);
        assert_eq!(hex_decode("abc"), None);
    }
}
