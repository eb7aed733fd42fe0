//! Algorithm suites: which cipher, KDF, commitment and signature a message uses.
//!
//! Only the two committing message-format-v2 suites are supported; the
//! legacy v1 suites are neither written nor read.

use crate::error::AwsError;
use hkdf::Hkdf;
use sha2::Sha512;
use zeroize::Zeroizing;

/// Label mixed into the data-key derivation (after the suite id).
const DERIVE_LABEL: &[u8] = b"DERIVEKEY";
/// Label of the key-commitment derivation.
const COMMIT_LABEL: &[u8] = b"COMMITKEY";

/// A supported algorithm suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum AlgorithmSuite {
    /// 0x0478: AES-256-GCM, HKDF-SHA512, key commitment, no signature (the default).
    #[default]
    AesGcm256HkdfSha512Commit,
    /// 0x0578: as 0x0478 plus an ECDSA P-384 / SHA-384 signature in the footer.
    AesGcm256HkdfSha512CommitEcdsaP384,
}

impl AlgorithmSuite {
    /// The two-byte suite id as written in the header.
    pub fn id(self) -> u16 {
        match self {
            AlgorithmSuite::AesGcm256HkdfSha512Commit => 0x0478,
            AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384 => 0x0578,
        }
    }

    /// The suite with this id, if supported.
    pub fn from_id(id: u16) -> Option<Self> {
        match id {
            0x0478 => Some(AlgorithmSuite::AesGcm256HkdfSha512Commit),
            0x0578 => Some(AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384),
            _ => None,
        }
    }

    /// Whether the message carries an ECDSA footer.
    pub fn is_signed(self) -> bool {
        matches!(self, AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384)
    }

    /// Length of the plaintext data key in bytes.
    pub fn data_key_len(self) -> usize {
        32
    }

    /// Derives the frame encryption key and the commitment value from the
    /// plaintext data key, salted with the message id (HKDF-SHA512).
    pub fn derive(self, data_key: &[u8], message_id: &[u8; 32]) -> Result<DerivedKeys, AwsError> {
        if data_key.len() != self.data_key_len() {
            return Err(AwsError::validation("data key has the wrong length for the algorithm suite"));
        }
        let hk = Hkdf::<Sha512>::new(Some(message_id), data_key);
        let mut info = Vec::with_capacity(2 + DERIVE_LABEL.len());
        info.extend_from_slice(&self.id().to_be_bytes());
        info.extend_from_slice(DERIVE_LABEL);
        let mut key = Zeroizing::new([0u8; 32]);
        hk.expand(&info, key.as_mut_slice()).map_err(|_| AwsError::validation("HKDF output length"))?;
        let mut commitment = [0u8; 32];
        hk.expand(COMMIT_LABEL, &mut commitment).map_err(|_| AwsError::validation("HKDF output length"))?;
        Ok(DerivedKeys { key, commitment })
    }
}

/// The per-message key and its commitment.
pub struct DerivedKeys {
    /// AES-256-GCM key for the header tag and every frame.
    pub key: Zeroizing<[u8; 32]>,
    /// The 32-byte commitment written as the header's suite data.
    pub commitment: [u8; 32],
}

impl std::fmt::Debug for DerivedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DerivedKeys").finish_non_exhaustive()
    }
}
