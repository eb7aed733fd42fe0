//! The multi-keyring: a generator plus children; every keyring wraps the
//! data key on encrypt, and the first that can unwrap one wins on decrypt.

use super::{EncryptedDataKey, Keyring};
use crate::envelope::materials::{DecryptionMaterials, EncryptionMaterials};
use crate::error::{AwsError, AwsResult};
use crate::rng::EntropySource;

/// A generator keyring and child keyrings.
pub struct MultiKeyring<'a> {
    generator: Option<Box<dyn Keyring + 'a>>,
    children: Vec<Box<dyn Keyring + 'a>>,
}

impl std::fmt::Debug for MultiKeyring<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MultiKeyring")
            .field("has_generator", &self.generator.is_some())
            .field("children", &self.children.len())
            .finish()
    }
}

impl<'a> MultiKeyring<'a> {
    /// A multi-keyring; without a generator it can only encrypt when the
    /// materials already hold a data key (e.g. from a CMM upstream).
    pub fn new(generator: Option<Box<dyn Keyring + 'a>>, children: Vec<Box<dyn Keyring + 'a>>) -> AwsResult<Self> {
        if generator.is_none() && children.is_empty() {
            return Err(AwsError::validation("a multi-keyring needs a generator or at least one child"));
        }
        Ok(MultiKeyring { generator, children })
    }
}

impl Keyring for MultiKeyring<'_> {
    fn on_encrypt(
        &mut self,
        mut materials: EncryptionMaterials,
        rng: &mut dyn EntropySource,
    ) -> AwsResult<EncryptionMaterials> {
        match &mut self.generator {
            Some(generator) => materials = generator.on_encrypt(materials, rng)?,
            None if materials.data_key.is_none() => {
                return Err(AwsError::validation("a multi-keyring without a generator needs a data key"))
            }
            None => {}
        }
        for child in &mut self.children {
            materials = child.on_encrypt(materials, rng)?;
        }
        Ok(materials)
    }

    fn on_decrypt(
        &mut self,
        materials: DecryptionMaterials,
        edks: &[EncryptedDataKey],
    ) -> AwsResult<DecryptionMaterials> {
        if materials.data_key.is_some() {
            return Ok(materials);
        }
        let mut last_error = AwsError::invalid_ciphertext();
        for keyring in self.generator.iter_mut().chain(self.children.iter_mut()) {
            match keyring.on_decrypt(materials.clone(), edks) {
                Ok(done) if done.data_key.is_some() => return Ok(done),
                Ok(_) => {}
                Err(err) => last_error = err,
            }
        }
        Err(last_error)
    }
}
