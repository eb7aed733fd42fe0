//! The caching CMM: reuses materials across messages within limits (age,
//! messages, bytes), so a lab can watch KMS calls fall. Time is passed in
//! with each request; nothing here reads a clock.

use crate::clock::Timestamp;
use crate::envelope::format::serialize_context;
use crate::envelope::materials::{
    CryptoMaterialsManager, DecryptionMaterials, DecryptionRequest, EncryptionMaterials, EncryptionRequest,
};
use crate::error::{AwsError, AwsResult};
use crate::rng::EntropySource;
use sha2::{Digest, Sha512};
use std::collections::HashMap;

/// Limits of a [`CachingCmm`].
#[derive(Debug, Clone)]
pub struct CacheLimits {
    /// Entries older than this (milliseconds) are not used.
    pub max_age_ms: i64,
    /// Messages one encryption entry may protect.
    pub max_messages: u64,
    /// Plaintext bytes one encryption entry may protect.
    pub max_bytes: u64,
    /// Entries kept per kind before the oldest is evicted.
    pub capacity: usize,
    /// Separates caches that share a backing store; mixed into every key.
    pub partition: String,
}

impl Default for CacheLimits {
    fn default() -> Self {
        CacheLimits {
            max_age_ms: 60_000,
            max_messages: 1 << 32,
            max_bytes: u64::MAX,
            capacity: 100,
            partition: String::new(),
        }
    }
}

/// Hit / miss counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Encryptions served from the cache.
    pub encrypt_hits: u64,
    /// Encryptions that asked the underlying CMM.
    pub encrypt_misses: u64,
    /// Decryptions served from the cache.
    pub decrypt_hits: u64,
    /// Decryptions that asked the underlying CMM.
    pub decrypt_misses: u64,
}

struct EncEntry {
    materials: EncryptionMaterials,
    created: Timestamp,
    messages: u64,
    bytes: u64,
}

struct DecEntry {
    materials: DecryptionMaterials,
    created: Timestamp,
}

/// The cache itself: entries, limits and counters, without the CMM it
/// fronts. [`CachingCmm`] pairs it with an owned CMM; hosts that must build
/// the underlying CMM per call (the wasm binding, whose KMS keyrings borrow
/// the simulator only for one call) keep a `MaterialsCache` and pass the CMM
/// in each time.
pub struct MaterialsCache {
    limits: CacheLimits,
    encrypt: HashMap<Vec<u8>, EncEntry>,
    decrypt: HashMap<Vec<u8>, DecEntry>,
    stats: CacheStats,
}

impl std::fmt::Debug for MaterialsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaterialsCache")
            .field("limits", &self.limits)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// A CMM that caches another CMM's materials.
pub struct CachingCmm<M> {
    inner: M,
    cache: MaterialsCache,
}

impl<M> std::fmt::Debug for CachingCmm<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CachingCmm").field("cache", &self.cache).finish_non_exhaustive()
    }
}

impl<M: CryptoMaterialsManager> CachingCmm<M> {
    /// Caches `inner`'s materials within `limits`.
    pub fn new(inner: M, limits: CacheLimits) -> AwsResult<Self> {
        Ok(CachingCmm { inner, cache: MaterialsCache::new(limits)? })
    }

    /// Hit / miss counts so far.
    pub fn stats(&self) -> CacheStats {
        self.cache.stats()
    }

    /// Drops every entry (counters are kept).
    pub fn clear(&mut self) {
        self.cache.clear();
    }
}

impl<M: CryptoMaterialsManager> CryptoMaterialsManager for CachingCmm<M> {
    fn get_encryption_materials(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        self.cache.encryption_materials(&mut self.inner, request, rng)
    }

    fn decrypt_materials(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials> {
        self.cache.decryption_materials(&mut self.inner, request)
    }
}

/// A [`MaterialsCache`] in front of a borrowed CMM, for one call.
pub struct CacheFront<'c, M> {
    /// The cache.
    pub cache: &'c mut MaterialsCache,
    /// The CMM asked on a miss.
    pub inner: M,
}

impl<M> std::fmt::Debug for CacheFront<'_, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheFront").field("cache", &self.cache).finish_non_exhaustive()
    }
}

impl<M: CryptoMaterialsManager> CryptoMaterialsManager for CacheFront<'_, M> {
    fn get_encryption_materials(
        &mut self,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        self.cache.encryption_materials(&mut self.inner, request, rng)
    }

    fn decrypt_materials(&mut self, request: &DecryptionRequest<'_>) -> AwsResult<DecryptionMaterials> {
        self.cache.decryption_materials(&mut self.inner, request)
    }
}

impl MaterialsCache {
    /// An empty cache with `limits`.
    pub fn new(limits: CacheLimits) -> AwsResult<Self> {
        if limits.max_age_ms <= 0 || limits.max_messages == 0 || limits.capacity == 0 {
            return Err(AwsError::validation("cache max age, max messages and capacity must be positive"));
        }
        Ok(MaterialsCache { limits, encrypt: HashMap::new(), decrypt: HashMap::new(), stats: CacheStats::default() })
    }

    /// Hit / miss counts so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// Drops every entry (counters are kept).
    pub fn clear(&mut self) {
        self.encrypt.clear();
        self.decrypt.clear();
    }

    fn fresh(&self, created: Timestamp, now: Timestamp) -> bool {
        now.millis() >= created.millis() && now.millis().saturating_sub(created.millis()) < self.limits.max_age_ms
    }

    fn key_prefix(&self, kind: u8, suite_id: u16) -> Sha512 {
        let mut h = Sha512::new();
        h.update(Sha512::digest(self.limits.partition.as_bytes()));
        h.update([kind]);
        h.update(suite_id.to_be_bytes());
        h
    }
}

/// Evicts the oldest entry of `map` when it is full.
fn make_room<V>(map: &mut HashMap<Vec<u8>, V>, capacity: usize, created: impl Fn(&V) -> Timestamp) {
    if map.len() < capacity {
        return;
    }
    let oldest = map.iter().min_by_key(|(_, v)| created(v)).map(|(k, _)| k.clone());
    if let Some(k) = oldest {
        map.remove(&k);
    }
}

impl MaterialsCache {
    /// Encryption materials from the cache, or from `inner` on a miss.
    pub fn encryption_materials(
        &mut self,
        inner: &mut dyn CryptoMaterialsManager,
        request: &EncryptionRequest<'_>,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        // Without a length the byte limit cannot be enforced, so do not cache.
        let Some(len) = request.plaintext_length else {
            self.stats.encrypt_misses += 1;
            return inner.get_encryption_materials(request, rng);
        };
        let mut h = self.key_prefix(b'E', request.suite.id());
        h.update(Sha512::digest(serialize_context(request.context)?));
        let key = h.finalize().to_vec();
        let now = request.now;
        let usable = self.encrypt.get(&key).is_some_and(|e| {
            self.fresh(e.created, now)
                && e.messages < self.limits.max_messages
                && e.bytes.checked_add(len).is_some_and(|b| b <= self.limits.max_bytes)
        });
        if usable {
            if let Some(entry) = self.encrypt.get_mut(&key) {
                entry.messages += 1;
                entry.bytes = entry.bytes.saturating_add(len);
                self.stats.encrypt_hits += 1;
                return Ok(entry.materials.clone());
            }
        }
        self.encrypt.remove(&key);
        self.stats.encrypt_misses += 1;
        let materials = inner.get_encryption_materials(request, rng)?;
        if len <= self.limits.max_bytes {
            make_room(&mut self.encrypt, self.limits.capacity, |e| e.created);
            self.encrypt.insert(key, EncEntry { materials: materials.clone(), created: now, messages: 1, bytes: len });
        }
        Ok(materials)
    }

    /// Decryption materials from the cache, or from `inner` on a miss.
    pub fn decryption_materials(
        &mut self,
        inner: &mut dyn CryptoMaterialsManager,
        request: &DecryptionRequest<'_>,
    ) -> AwsResult<DecryptionMaterials> {
        let mut h = self.key_prefix(b'D', request.suite.id());
        let mut edk_digests: Vec<Vec<u8>> = request
            .encrypted_data_keys
            .iter()
            .map(|e| {
                let mut d = Sha512::new();
                for part in [e.provider_id.as_bytes(), &e.provider_info, &e.ciphertext] {
                    d.update((part.len() as u64).to_be_bytes());
                    d.update(part);
                }
                d.finalize().to_vec()
            })
            .collect();
        edk_digests.sort();
        for d in &edk_digests {
            h.update(d);
        }
        h.update(Sha512::digest(serialize_context(request.context)?));
        let key = h.finalize().to_vec();
        if let Some(entry) = self.decrypt.get(&key) {
            if self.fresh(entry.created, request.now) {
                self.stats.decrypt_hits += 1;
                return Ok(entry.materials.clone());
            }
        }
        self.decrypt.remove(&key);
        self.stats.decrypt_misses += 1;
        let materials = inner.decrypt_materials(request)?;
        make_room(&mut self.decrypt, self.limits.capacity, |e| e.created);
        self.decrypt.insert(key, DecEntry { materials: materials.clone(), created: request.now });
        Ok(materials)
    }
}
