//! Incremental encryption and decryption with bounded memory.
//!
//! The [`Encryptor`] holds at most one frame of plaintext; the [`Decryptor`]
//! holds at most one incomplete frame plus the current input chunk. A frame's
//! plaintext is released only after its GCM tag verifies.
//!
//! **Signed suite (0x0578), streaming:** like the official SDKs' streaming
//! decryptors, [`Decryptor::update`] releases verified frames *before* the
//! footer signature has been checked; only [`Decryptor::finish`] succeeding
//! proves the signature. Callers that must not act on unsigned plaintext use
//! the one-shot [`crate::envelope::decrypt`], which buffers and releases
//! nothing until the signature verifies.
//!
//! **Host ciphers:** besides `update` / `finish`, both sides can hand the
//! bulk AES-GCM of many frames at once to a host (see [`crate::envelope::batch`]):
//! [`Encryptor::plan_seal`] / [`Encryptor::absorb_sealed`] and
//! [`Decryptor::plan_open`] / [`Decryptor::confirm_opened`].

use crate::clock::Timestamp;
use crate::envelope::batch::{regular_frames, BatchFrame, OpenBatch, SealBatch, MAX_BATCH_FRAMES};
use crate::envelope::cipher::{AesGcmFrameCipher, FrameCipher};
use crate::envelope::format::body::{
    frame_aad, frame_iv, parse_frame, put_frame_prefix, FINAL_FRAME_MARKER, IV_LEN, TAG_LEN,
};
use crate::envelope::format::footer::{footer_bytes, parse_footer};
use crate::envelope::format::header::{parse_header_body, HEADER_TAG_LEN};
use crate::envelope::format::reader::{malformed, ParseError, Reader};
use crate::envelope::format::{EncryptionContext, Header};
use crate::envelope::keyring::{EncryptedDataKey, Keyring};
use crate::envelope::materials::{
    CryptoMaterialsManager, DecryptionMaterials, DecryptionRequest, DefaultCmm, EncryptionMaterials, EncryptionRequest,
};
use crate::envelope::signature::{sign_digest, verify_digest};
use crate::envelope::suite::AlgorithmSuite;
use crate::error::{AwsError, AwsResult};
use crate::rng::EntropySource;
use p384::ecdsa::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha384};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

/// Where materials come from: a keyring (wrapped in the default CMM) or a CMM.
pub enum MaterialsSource<'a> {
    /// A keyring behind the default CMM.
    Keyring(&'a mut dyn Keyring),
    /// Any CMM, e.g. a [`crate::envelope::cache::CachingCmm`].
    Cmm(&'a mut dyn CryptoMaterialsManager),
}

impl std::fmt::Debug for MaterialsSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MaterialsSource::Keyring(_) => "MaterialsSource::Keyring",
            MaterialsSource::Cmm(_) => "MaterialsSource::Cmm",
        })
    }
}

impl<'a> MaterialsSource<'a> {
    /// From a keyring.
    pub fn keyring(keyring: &'a mut dyn Keyring) -> Self {
        MaterialsSource::Keyring(keyring)
    }

    /// From a CMM.
    pub fn cmm(cmm: &'a mut dyn CryptoMaterialsManager) -> Self {
        MaterialsSource::Cmm(cmm)
    }

    fn encryption(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        match self {
            MaterialsSource::Keyring(k) => DefaultCmm::new(&mut **k).get_encryption_materials(request, rng),
            MaterialsSource::Cmm(c) => c.get_encryption_materials(request, rng),
        }
    }

    fn decryption(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials> {
        match self {
            MaterialsSource::Keyring(k) => DefaultCmm::new(&mut **k).decrypt_materials(request),
            MaterialsSource::Cmm(c) => c.decrypt_materials(request),
        }
    }
}

/// Options for encryption.
#[derive(Debug, Clone)]
pub struct EncryptOptions {
    /// The suite (default 0x0478).
    pub suite: AlgorithmSuite,
    /// Plaintext bytes per frame (default 4096).
    pub frame_length: u32,
    /// The plaintext length if known; more input than this is an error. The
    /// one-shot API sets it; the caching CMM only caches when it is known.
    pub plaintext_length: Option<u64>,
    /// The current time, for the caching CMM.
    pub now: Timestamp,
}

impl Default for EncryptOptions {
    fn default() -> Self {
        EncryptOptions {
            suite: AlgorithmSuite::default(),
            frame_length: 4096,
            plaintext_length: None,
            now: Timestamp(0),
        }
    }
}

/// Options for decryption.
#[derive(Debug, Clone, Default)]
pub struct DecryptOptions {
    /// Pairs that must be present, with these values, in the message's context.
    pub expected_context: Option<EncryptionContext>,
    /// Refuse messages with more EDKs than this (checked before any is read).
    pub max_encrypted_data_keys: Option<usize>,
    /// The current time, for the caching CMM.
    pub now: Timestamp,
    /// Refuse messages whose header declares frames longer than this
    /// (default and ceiling: [`MAX_FRAME_LENGTH`]). A decryptor holds up to
    /// one frame of input, so this bounds its memory.
    pub max_frame_length: Option<u32>,
}

/// The largest frame length the spec allows (2^31 - 1 bytes); longer frames
/// are neither written nor read.
pub const MAX_FRAME_LENGTH: u32 = 0x7FFF_FFFF;

/// What a message's header says, returned with the plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageInfo {
    /// The suite.
    pub suite: AlgorithmSuite,
    /// The message id.
    pub message_id: [u8; 32],
    /// The stored context (for 0x0578 it includes `aws-crypto-public-key`).
    pub context: EncryptionContext,
    /// The EDKs.
    pub encrypted_data_keys: Vec<EncryptedDataKey>,
    /// The frame length.
    pub frame_length: u32,
}

impl From<&Header> for MessageInfo {
    fn from(h: &Header) -> Self {
        MessageInfo {
            suite: h.suite,
            message_id: h.message_id,
            context: h.context.clone(),
            encrypted_data_keys: h.encrypted_data_keys.clone(),
            frame_length: h.frame_length,
        }
    }
}

/// Incremental encryptor: `update` as plaintext arrives, then `finish`.
pub struct Encryptor {
    info: MessageInfo,
    key: Zeroizing<[u8; 32]>,
    frame_length: usize,
    next_seq: u32,
    pending: Zeroizing<Vec<u8>>,
    unsent_header: Option<Vec<u8>>,
    signer: Option<(SigningKey, Sha384)>,
    cipher: Box<dyn FrameCipher>,
    limit: Option<u64>,
    plaintext_in: u64,
    bytes_out: u64,
    finished: bool,
    /// Plaintext bytes a host cipher holds for later batches (`plan_seal`).
    host_held: u64,
    /// A planned batch whose sealed region a signed suite still has to hash:
    /// (region length, whether it ends the message).
    awaiting_region: Option<(usize, bool)>,
}

impl std::fmt::Debug for Encryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryptor")
            .field("info", &self.info)
            .field("plaintext_in", &self.plaintext_in)
            .field("bytes_out", &self.bytes_out)
            .finish_non_exhaustive()
    }
}

impl Encryptor {
    /// Starts a message with the pure-Rust frame cipher.
    pub fn new(
        source: MaterialsSource<'_>,
        context: &EncryptionContext,
        options: &EncryptOptions,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<Self> {
        Self::with_cipher(source, context, options, rng, Box::new(AesGcmFrameCipher))
    }

    /// Starts a message with a caller-supplied frame cipher.
    pub fn with_cipher(
        mut source: MaterialsSource<'_>,
        context: &EncryptionContext,
        options: &EncryptOptions,
        rng: &mut dyn EntropySource,
        cipher: Box<dyn FrameCipher>,
    ) -> AwsResult<Self> {
        if options.frame_length == 0 || options.frame_length > MAX_FRAME_LENGTH {
            return Err(AwsError::validation("frame length must be between 1 and 2^31 - 1"));
        }
        let frame_length = usize::try_from(options.frame_length)
            .map_err(|_| AwsError::validation("frame length too large for this platform"))?;
        let request = EncryptionRequest {
            context,
            suite: options.suite,
            plaintext_length: options.plaintext_length,
            now: options.now,
        };
        let materials = source.encryption(&request, rng)?;
        if materials.suite != options.suite {
            return Err(AwsError::validation("the CMM chose a different algorithm suite"));
        }
        let data_key = materials.data_key.as_ref().ok_or_else(|| AwsError::validation("no data key"))?;
        let mut message_id = [0u8; 32];
        rng.fill_bytes(&mut message_id)?;
        let derived = materials.suite.derive(data_key, &message_id)?;
        let header = Header {
            suite: materials.suite,
            message_id,
            context: materials.context.clone(),
            encrypted_data_keys: materials.encrypted_data_keys.clone(),
            frame_length: options.frame_length,
            commitment: derived.commitment,
        };
        let mut header_bytes = header.body_bytes()?;
        let tag = cipher.seal(&derived.key, &[0u8; 12], &header_bytes, &mut [])?;
        header_bytes.extend_from_slice(&tag);
        let signer = match (materials.suite.is_signed(), materials.signing_key) {
            (true, Some(key)) => {
                let mut hasher = Sha384::new();
                hasher.update(&header_bytes);
                Some((key, hasher))
            }
            (true, None) => return Err(AwsError::validation("signed suite without a signing key")),
            (false, _) => None,
        };
        Ok(Encryptor {
            info: MessageInfo::from(&header),
            key: derived.key,
            frame_length,
            next_seq: 1,
            // Small up front: a zeroizing buffer is wiped over its whole capacity on drop.
            pending: Zeroizing::new(Vec::with_capacity(frame_length.min(1 << 16))),
            unsent_header: Some(header_bytes),
            signer,
            cipher,
            limit: options.plaintext_length,
            plaintext_in: 0,
            bytes_out: 0,
            finished: false,
            host_held: 0,
            awaiting_region: None,
        })
    }

    /// The derived per-message content key (HKDF output; never the data key),
    /// for a host cipher sealing planned frames. Callers hand it to the
    /// platform's AES-GCM and wipe their copy as soon as it has been taken.
    pub fn content_key(&self) -> &[u8; 32] {
        &self.key
    }

    /// Plans the next frames for a host cipher: `more` new plaintext bytes
    /// join the [`SealBatch::held`] bytes of earlier batches, and every frame
    /// that is certainly not the last is planned (with `finish`, the final
    /// frame too). The host reads each frame's plaintext from its queue in
    /// order, writes prefix, ciphertext and tag at the frame's offset in the
    /// region, and, if [`SealBatch::needs_region`], hands the region to
    /// [`Encryptor::absorb_sealed`] before planning again. The frames are the
    /// ones `update` / `finish` would write for the same input, so the bytes
    /// are identical. Sequence numbers are used up here: a failed batch is
    /// never re-planned with the same IVs.
    pub fn plan_seal(&mut self, more: u64, finish: bool) -> AwsResult<SealBatch> {
        if self.finished {
            return Err(AwsError::validation("the encryptor is finished"));
        }
        if !self.pending.is_empty() {
            return Err(AwsError::validation("this encryptor holds plaintext from update(); continue with update()"));
        }
        if self.awaiting_region.is_some() {
            return Err(AwsError::validation("the previous batch's sealed frames were not handed back"));
        }
        let total = self.plaintext_in.checked_add(more).ok_or_else(|| AwsError::validation("plaintext too long"))?;
        if self.limit.is_some_and(|limit| total > limit) {
            return Err(AwsError::validation("more plaintext than the declared plaintext length"));
        }
        let fl = self.frame_length as u64;
        let queued = self.host_held.checked_add(more).ok_or_else(|| AwsError::validation("plaintext too long"))?;
        let regular = regular_frames(queued, fl);
        let count = regular + u64::from(finish);
        if count > MAX_BATCH_FRAMES as u64 {
            return Err(AwsError::validation(format!("a batch holds at most {MAX_BATCH_FRAMES} frames")));
        }
        // The last sequence number a frame may take is FINAL_FRAME_MARKER - 1.
        if u64::from(self.next_seq) + count > u64::from(FINAL_FRAME_MARKER) {
            return Err(AwsError::validation("too many frames for one message"));
        }
        let regular_len = u32::try_from(fl).map_err(|_| AwsError::validation("frame too large"))?;
        let mut frames = Vec::with_capacity(count as usize);
        let mut offset = 0usize;
        let mut seq = self.next_seq;
        let mut push = |is_final: bool, content_len: u32| {
            let frame = BatchFrame { seq, is_final, content_len, offset };
            offset = frame.end();
            seq = seq.wrapping_add(1);
            frames.push(frame);
        };
        for _ in 0..regular {
            push(false, regular_len);
        }
        let held_after = queued - regular * fl;
        if finish {
            let last = u32::try_from(held_after).map_err(|_| AwsError::validation("frame too large"))?;
            push(true, last);
        }
        let consumed = if finish { queued } else { queued - held_after };
        self.next_seq = seq;
        self.plaintext_in = total;
        self.host_held = if finish { 0 } else { held_after };
        if finish {
            self.finished = true;
        }
        let header = self.take_header();
        self.bytes_out += (header.len() + offset) as u64;
        // Signed suites hash every frame, so they need the sealed bytes back.
        let needs_region = self.signer.is_some() && !frames.is_empty();
        if needs_region {
            self.awaiting_region = Some((offset, finish));
        }
        Ok(SealBatch {
            header,
            message_id: self.info.message_id,
            frames,
            region_len: offset,
            plaintext_len: consumed,
            held: self.host_held,
            needs_region,
        })
    }

    /// Takes back the region of a batch planned by [`Encryptor::plan_seal`]
    /// with `needs_region` (signed suites hash it); returns the footer if the
    /// batch ended the message, else nothing. A region of the wrong length
    /// ends the encryptor: no signature is ever made over bytes it did not see.
    pub fn absorb_sealed(&mut self, region: &[u8]) -> AwsResult<Vec<u8>> {
        let (len, is_final) = self
            .awaiting_region
            .take()
            .ok_or_else(|| AwsError::validation("no batch is waiting for its sealed frames"))?;
        if region.len() != len {
            self.finished = true;
            self.signer = None;
            return Err(AwsError::validation("the sealed region does not match the planned batch"));
        }
        if let Some((_, hasher)) = &mut self.signer {
            hasher.update(region);
        }
        if !is_final {
            return Ok(Vec::new());
        }
        let (key, hasher) = self.signer.take().ok_or_else(|| AwsError::validation("no signer"))?;
        let sig = sign_digest(&key, hasher.finalize().as_slice())?;
        let footer = footer_bytes(&sig)?;
        self.bytes_out += footer.len() as u64;
        Ok(footer)
    }

    /// The header's contents.
    pub fn info(&self) -> &MessageInfo {
        &self.info
    }

    /// Plaintext bytes accepted so far.
    pub fn plaintext_consumed(&self) -> u64 {
        self.plaintext_in
    }

    /// Ciphertext bytes released so far.
    pub fn bytes_written(&self) -> u64 {
        self.bytes_out
    }

    fn seal_frame(&mut self, is_final: bool, plaintext: &[u8], out: &mut Vec<u8>) -> AwsResult<()> {
        let seq = self.next_seq;
        if seq == FINAL_FRAME_MARKER {
            return Err(AwsError::validation("too many frames for one message"));
        }
        let content_len = u32::try_from(plaintext.len()).map_err(|_| AwsError::validation("frame too large"))?;
        let start = out.len();
        put_frame_prefix(out, is_final, seq, content_len);
        let body_start = out.len();
        out.extend_from_slice(plaintext);
        let aad = frame_aad(&self.info.message_id, is_final, seq, u64::from(content_len));
        let body = out.get_mut(body_start..).ok_or_else(|| AwsError::validation("frame bounds"))?;
        let tag = self.cipher.seal(&self.key, &frame_iv(seq), &aad, body)?;
        out.extend_from_slice(&tag);
        if let Some((_, hasher)) = &mut self.signer {
            hasher.update(out.get(start..).unwrap_or_default());
        }
        self.next_seq = seq.wrapping_add(1);
        Ok(())
    }

    fn take_header(&mut self) -> Vec<u8> {
        self.unsent_header.take().unwrap_or_default()
    }

    /// `update` / `finish` cannot continue a message whose plaintext a host holds.
    fn check_not_hosted(&self) -> AwsResult<()> {
        if self.host_held > 0 || self.awaiting_region.is_some() {
            return Err(AwsError::validation(
                "this encryptor is sealing through a host cipher; continue with plan_seal",
            ));
        }
        Ok(())
    }

    /// Accepts more plaintext; returns whatever ciphertext is ready (the header
    /// on the first call, then whole frames).
    pub fn update(&mut self, mut data: &[u8]) -> AwsResult<Vec<u8>> {
        if self.finished {
            return Err(AwsError::validation("the encryptor is finished"));
        }
        self.check_not_hosted()?;
        let total = self.plaintext_in.saturating_add(data.len() as u64);
        if self.limit.is_some_and(|limit| total > limit) {
            return Err(AwsError::validation("more plaintext than the declared plaintext length"));
        }
        self.plaintext_in = total;
        let mut out = self.take_header();
        let fl = self.frame_length;
        // Frames add 32 bytes each (seq, IV, tag); reserving once avoids regrowing a large output.
        out.reserve(data.len().saturating_add((data.len() / fl).saturating_add(1).saturating_mul(32)));
        // A full frame is held back until more input proves it is not the last.
        if !self.pending.is_empty() {
            let take = fl.saturating_sub(self.pending.len()).min(data.len());
            let (head, rest) = data.split_at_checked(take).unwrap_or((data, &[]));
            self.pending.extend_from_slice(head);
            data = rest;
            if self.pending.len() == fl && !data.is_empty() {
                let frame = std::mem::take(&mut self.pending);
                self.seal_frame(false, &frame, &mut out)?;
                self.pending = frame;
                self.pending.zeroize();
                self.pending.clear();
            }
        }
        while data.len() > fl {
            let (frame, rest) = data.split_at_checked(fl).unwrap_or((data, &[]));
            self.seal_frame(false, frame, &mut out)?;
            data = rest;
        }
        self.pending.extend_from_slice(data);
        self.bytes_out += out.len() as u64;
        Ok(out)
    }

    /// Ends the message: the final frame and, for signed suites, the footer.
    pub fn finish(&mut self) -> AwsResult<Vec<u8>> {
        if self.finished {
            return Err(AwsError::validation("the encryptor is finished"));
        }
        self.check_not_hosted()?;
        self.finished = true;
        let mut out = self.take_header();
        let last = std::mem::take(&mut self.pending);
        self.seal_frame(true, &last, &mut out)?;
        if let Some((key, hasher)) = self.signer.take() {
            let digest = hasher.finalize();
            let sig = sign_digest(&key, digest.as_slice())?;
            out.extend_from_slice(&footer_bytes(&sig)?);
        }
        self.bytes_out += out.len() as u64;
        Ok(out)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Body,
    Footer,
    Done,
    Failed,
}

/// Incremental decryptor: `update` as ciphertext arrives, then `finish`.
pub struct Decryptor<'a> {
    source: Option<MaterialsSource<'a>>,
    options: DecryptOptions,
    cipher: Box<dyn FrameCipher>,
    buf: Vec<u8>,
    phase: Phase,
    info: Option<MessageInfo>,
    key: Zeroizing<[u8; 32]>,
    next_seq: u32,
    verifier: Option<(VerifyingKey, Sha384)>,
    bytes_in: u64,
    plaintext_out: u64,
    /// A batch handed to a host cipher and not yet confirmed: (frames, plaintext bytes).
    unverified: Option<(usize, u64)>,
}

/// Where [`Decryptor::run`] puts the frames it reads.
enum FrameSink<'s> {
    /// Open them here (pure-Rust or caller-supplied cipher), appending plaintext.
    Open(&'s mut Vec<u8>),
    /// Only parse them, for a host cipher to open.
    Plan(&'s mut Vec<BatchFrame>),
}

impl std::fmt::Debug for Decryptor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decryptor")
            .field("phase", &self.phase)
            .field("bytes_in", &self.bytes_in)
            .field("plaintext_out", &self.plaintext_out)
            .finish_non_exhaustive()
    }
}

/// Fails unless every expected pair is in `context` with the same value.
fn check_expected_context(expected: &EncryptionContext, context: &EncryptionContext) -> AwsResult<()> {
    match expected.iter().find(|(k, v)| context.get(*k) != Some(*v)) {
        None => Ok(()),
        // Keys are caller-supplied and the context is public header data, but
        // values are left out of the message all the same.
        Some((key, _)) => Err(AwsError::new(
            crate::error::ErrorCode::InvalidCiphertextException,
            format!(
                "the message's encryption context does not match the expected context: \
                 key '{key}' is missing or has a different value"
            ),
        )),
    }
}

impl<'a> Decryptor<'a> {
    /// A decryptor with the pure-Rust frame cipher.
    pub fn new(source: MaterialsSource<'a>, options: DecryptOptions) -> Self {
        Self::with_cipher(source, options, Box::new(AesGcmFrameCipher))
    }

    /// A decryptor with a caller-supplied frame cipher.
    pub fn with_cipher(source: MaterialsSource<'a>, options: DecryptOptions, cipher: Box<dyn FrameCipher>) -> Self {
        Decryptor {
            source: Some(source),
            options,
            cipher,
            buf: Vec::new(),
            phase: Phase::Header,
            info: None,
            key: Zeroizing::new([0u8; 32]),
            next_seq: 1,
            verifier: None,
            bytes_in: 0,
            plaintext_out: 0,
            unverified: None,
        }
    }

    /// The header, once it has been read and authenticated.
    pub fn info(&self) -> Option<&MessageInfo> {
        self.info.as_ref()
    }

    /// Ciphertext bytes fully processed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.bytes_in
    }

    /// Plaintext bytes released so far.
    pub fn plaintext_released(&self) -> u64 {
        self.plaintext_out
    }

    /// Once the header has been read (the materials source is no longer
    /// needed), the same decryptor without the source's borrow; otherwise
    /// `Err(self)` unchanged (boxed). Lets a host keep a decryptor across calls
    /// whose materials source (e.g. a KMS keyring borrowing the simulator)
    /// lives only for one call.
    pub fn detach(self) -> Result<Decryptor<'static>, Box<Self>> {
        if self.source.is_some() {
            return Err(Box::new(self));
        }
        Ok(Decryptor {
            source: None,
            options: self.options,
            cipher: self.cipher,
            buf: self.buf,
            phase: self.phase,
            info: self.info,
            key: self.key,
            next_seq: self.next_seq,
            verifier: self.verifier,
            bytes_in: self.bytes_in,
            plaintext_out: self.plaintext_out,
            unverified: self.unverified,
        })
    }

    /// Whether the whole message (including any signature) has been read.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Reads the header; `Ok(None)` means more input is needed.
    fn read_header(&mut self, data: &[u8]) -> AwsResult<Option<usize>> {
        let (header, body_len) = match parse_header_body(data, self.options.max_encrypted_data_keys) {
            Ok(parsed) => parsed,
            Err(ParseError::Incomplete) => return Ok(None),
            Err(e) => return Err(e.into_aws()),
        };
        let total = body_len.checked_add(HEADER_TAG_LEN).ok_or_else(|| malformed("header too long"))?;
        let (Some(body), Some(tag)) = (data.get(..body_len), data.get(body_len..total)) else {
            return Ok(None);
        };
        let tag: [u8; 16] = tag.try_into().map_err(|_| malformed("header tag"))?;
        let max_frame = self.options.max_frame_length.unwrap_or(MAX_FRAME_LENGTH).min(MAX_FRAME_LENGTH);
        if header.frame_length > max_frame {
            return Err(malformed("the frame length exceeds the maximum allowed"));
        }
        // Checked before any KMS call; the header tag below still authenticates the context.
        if let Some(expected) = &self.options.expected_context {
            check_expected_context(expected, &header.context)?;
        }
        let mut source = self.source.take().ok_or_else(|| AwsError::validation("decryptor reused"))?;
        let request = DecryptionRequest {
            suite: header.suite,
            encrypted_data_keys: &header.encrypted_data_keys,
            context: &header.context,
            now: self.options.now,
        };
        let materials = source.decryption(&request)?;
        let data_key = materials.data_key.as_ref().ok_or_else(AwsError::invalid_ciphertext)?;
        let derived = header.suite.derive(data_key, &header.message_id)?;
        // Key commitment: a data key that does not match this header is rejected before any frame is read.
        if !bool::from(derived.commitment.ct_eq(&header.commitment)) {
            return Err(AwsError::invalid_ciphertext());
        }
        self.cipher.open(&derived.key, &[0u8; 12], body, &mut [], &tag)?;
        if header.suite.is_signed() {
            let key = materials.verification_key.ok_or_else(AwsError::invalid_ciphertext)?;
            let mut hasher = Sha384::new();
            hasher.update(data.get(..total).unwrap_or_default());
            self.verifier = Some((key, hasher));
        }
        self.key = derived.key;
        self.info = Some(MessageInfo::from(&header));
        self.phase = Phase::Body;
        Ok(Some(total))
    }

    /// Reads one frame into `sink`; `Ok(None)` means more input is needed
    /// (or, when planning, that the batch is full). `at` is where `data`
    /// starts in the caller's input.
    fn read_frame(&mut self, data: &[u8], at: usize, sink: &mut FrameSink<'_>) -> AwsResult<Option<usize>> {
        let info = self.info.as_ref().ok_or_else(|| AwsError::validation("no header"))?;
        let (frame_length, message_id) = (info.frame_length, info.message_id);
        if matches!(sink, FrameSink::Plan(frames) if frames.len() >= MAX_BATCH_FRAMES) {
            return Ok(None);
        }
        let frame = match parse_frame(data, frame_length, self.next_seq) {
            Ok(frame) => frame,
            Err(ParseError::Incomplete) => return Ok(None),
            Err(e) => return Err(e.into_aws()),
        };
        match sink {
            FrameSink::Open(out) => {
                let aad = frame_aad(&message_id, frame.is_final, frame.seq, frame.ciphertext.len() as u64);
                let start = out.len();
                out.extend_from_slice(frame.ciphertext);
                let body = out.get_mut(start..).ok_or_else(|| AwsError::validation("frame bounds"))?;
                if let Err(err) = self.cipher.open(&self.key, &frame_iv(frame.seq), &aad, body, &frame.tag) {
                    body.zeroize();
                    out.truncate(start);
                    return Err(err);
                }
                self.plaintext_out += frame.ciphertext.len() as u64;
            }
            FrameSink::Plan(frames) => {
                let content_len = u32::try_from(frame.ciphertext.len()).map_err(|_| malformed("frame too large"))?;
                frames.push(BatchFrame { seq: frame.seq, is_final: frame.is_final, content_len, offset: at });
            }
        }
        if let Some((_, hasher)) = &mut self.verifier {
            hasher.update(data.get(..frame.len).unwrap_or_default());
        }
        if frame.is_final {
            self.phase = if self.verifier.is_some() { Phase::Footer } else { Phase::Done };
        } else if frame.seq == FINAL_FRAME_MARKER - 1 {
            return Err(malformed("too many frames"));
        }
        self.next_seq = frame.seq.wrapping_add(1);
        Ok(Some(frame.len))
    }

    fn read_footer(&mut self, data: &[u8]) -> AwsResult<Option<usize>> {
        let (sig, len) = match parse_footer(data) {
            Ok(parsed) => parsed,
            Err(ParseError::Incomplete) => return Ok(None),
            Err(e) => return Err(e.into_aws()),
        };
        let (key, hasher) = self.verifier.take().ok_or_else(|| AwsError::validation("no verifier"))?;
        verify_digest(&key, hasher.finalize().as_slice(), sig)?;
        self.phase = Phase::Done;
        Ok(Some(len))
    }

    /// Processes as much of `data` as possible; returns bytes consumed.
    fn run(&mut self, data: &[u8], sink: &mut FrameSink<'_>) -> AwsResult<usize> {
        let mut pos = 0usize;
        loop {
            let rest = data.get(pos..).unwrap_or_default();
            let step = match self.phase {
                Phase::Header => self.read_header(rest)?,
                Phase::Body => self.read_frame(rest, pos, sink)?,
                Phase::Footer => self.read_footer(rest)?,
                Phase::Done if rest.is_empty() => None,
                Phase::Done => return Err(malformed("trailing bytes after the message")),
                Phase::Failed => return Err(AwsError::invalid_ciphertext()),
            };
            match step {
                Some(n) => {
                    pos += n;
                    self.bytes_in += n as u64;
                }
                None => return Ok(pos),
            }
        }
    }

    /// Accepts more ciphertext; returns plaintext of every frame completed and
    /// verified so far. After an error the decryptor is unusable.
    pub fn update(&mut self, input: &[u8]) -> AwsResult<Vec<u8>> {
        if self.unverified.is_some() {
            self.phase = Phase::Failed;
            return Err(AwsError::validation("a host batch was not confirmed"));
        }
        let mut out = Zeroizing::new(Vec::new());
        let result = if self.buf.is_empty() {
            // Common case: work straight from the caller's slice, keep only the tail.
            self.run(input, &mut FrameSink::Open(&mut out))
                .map(|n| self.buf.extend_from_slice(input.get(n..).unwrap_or_default()))
        } else {
            let mut buf = std::mem::take(&mut self.buf);
            buf.extend_from_slice(input);
            self.run(&buf, &mut FrameSink::Open(&mut out)).map(|n| {
                buf.drain(..n.min(buf.len()));
                self.buf = buf;
            })
        };
        match result {
            Ok(()) => Ok(std::mem::take(&mut *out)),
            Err(err) => {
                self.phase = Phase::Failed;
                self.buf.clear();
                Err(err)
            }
        }
    }

    /// Ends the input; fails unless a complete, authentic message was read.
    pub fn finish(&mut self) -> AwsResult<Vec<u8>> {
        match self.phase {
            Phase::Done if self.buf.is_empty() && self.unverified.is_none() => Ok(Vec::new()),
            Phase::Failed => Err(AwsError::invalid_ciphertext()),
            _ => {
                self.phase = Phase::Failed;
                Err(ParseError::Incomplete.into_aws())
            }
        }
    }

    /// The derived per-message content key (HKDF output; never the data key),
    /// for a host cipher opening planned frames; `None` before the header is read.
    pub fn content_key(&self) -> Option<&[u8; 32]> {
        self.info.as_ref().map(|_| &*self.key)
    }

    /// Parses as much of `input` as possible (header, then up to
    /// [`MAX_BATCH_FRAMES`] frames, then the footer) without decrypting, for a
    /// host cipher to open the frames. The host keeps `input[consumed..]` and
    /// passes it again, with more, next time (this decryptor buffers nothing);
    /// it must report the batch with [`Decryptor::confirm_opened`] or
    /// [`Decryptor::reject_opened`] before planning again, and release no
    /// frame's plaintext before that frame's tag verified. Frame order, the
    /// final frame, trailing bytes and the 0x0578 signature are checked here;
    /// [`Decryptor::finish`] fails while a batch is unconfirmed.
    pub fn plan_open(&mut self, input: &[u8]) -> AwsResult<OpenBatch> {
        if !self.buf.is_empty() {
            self.phase = Phase::Failed;
            return Err(AwsError::validation("this decryptor holds input from update(); continue with update()"));
        }
        if self.unverified.is_some() {
            self.phase = Phase::Failed;
            return Err(AwsError::validation("the previous batch was not confirmed"));
        }
        let mut frames = Vec::new();
        let consumed = match self.run(input, &mut FrameSink::Plan(&mut frames)) {
            Ok(n) => n,
            Err(err) => {
                self.phase = Phase::Failed;
                return Err(err);
            }
        };
        let need = self.bytes_needed(input.get(consumed..).unwrap_or_default());
        let batch = OpenBatch {
            message_id: self.info.as_ref().map(|i| i.message_id).unwrap_or_default(),
            frames,
            consumed,
            need,
        };
        if !batch.frames.is_empty() {
            self.unverified = Some((batch.frames.len(), batch.plaintext_len()));
        }
        Ok(batch)
    }

    /// The host verified every tag of the last planned batch (`frames` of them).
    pub fn confirm_opened(&mut self, frames: usize) -> AwsResult<()> {
        match self.unverified.take() {
            Some((n, plaintext)) if n == frames && self.phase != Phase::Failed => {
                self.plaintext_out += plaintext;
                Ok(())
            }
            _ => {
                self.phase = Phase::Failed;
                Err(AwsError::invalid_ciphertext())
            }
        }
    }

    /// The host found a bad tag (or failed): the decryptor is unusable; returns
    /// the error to report, which says nothing about which frame failed.
    pub fn reject_opened(&mut self) -> AwsError {
        self.unverified = None;
        self.phase = Phase::Failed;
        AwsError::invalid_ciphertext()
    }

    /// How many unconsumed bytes the next item needs before it can be parsed.
    fn bytes_needed(&self, tail: &[u8]) -> usize {
        match self.phase {
            Phase::Done | Phase::Failed => 0,
            // A header's length is unknown until it parses: ask for twice what
            // is here, so a host re-sends a growing header only a logarithmic
            // number of times (and always for at least one more byte).
            Phase::Header => tail.len().saturating_mul(2).max(tail.len().saturating_add(1)),
            Phase::Footer => {
                let mut r = Reader::new(tail);
                match r.u16() {
                    Ok(len) => 2 + usize::from(len),
                    Err(_) => 2,
                }
            }
            Phase::Body => {
                let frame_length = self.info.as_ref().map_or(0, |i| i.frame_length as usize);
                let mut r = Reader::new(tail);
                let need = match r.u32() {
                    Err(_) => 4,
                    Ok(FINAL_FRAME_MARKER) => match (r.u32(), r.array::<IV_LEN>(), r.u32()) {
                        (Ok(_), Ok(_), Ok(len)) => (4 + 4 + IV_LEN + 4 + TAG_LEN).saturating_add(len as usize),
                        _ => 4 + 4 + IV_LEN + 4,
                    },
                    Ok(_) => (4 + IV_LEN + TAG_LEN).saturating_add(frame_length),
                };
                // (A full batch stops early: then `need` may already be here.)
                need
            }
        }
    }
}
