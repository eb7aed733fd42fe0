//! The vector-permute AES-256 (`kmsim::kms::aes_vperm`, the KMS blob cipher
//! on wasm32 with SIMD128) checked against the `aes` crate, natively on its
//! portable lanes: the FIPS-197 AES-256 example, then random keys with every
//! batch shape (groups of four and the remainders).

// Tests fail by panicking: unwrap, indexing and panic! are the point here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(not(target_arch = "wasm32"))]

use aes::cipher::{BlockCipherEncrypt, KeyInit};
use aes::{Aes256, Block};
use kmsim::kms::aes_vperm::{Aes256Vperm, Portable};
use proptest::prelude::*;

fn reference(key: &[u8; 32], blocks: &[[u8; 16]]) -> Vec<[u8; 16]> {
    let cipher = Aes256::new(&(*key).into());
    blocks
        .iter()
        .map(|b| {
            let mut block = Block::from(*b);
            cipher.encrypt_block(&mut block);
            block.into()
        })
        .collect()
}

fn hex16(s: &str) -> [u8; 16] {
    core::array::from_fn(|n| u8::from_str_radix(&s[2 * n..2 * n + 2], 16).unwrap())
}

#[test]
fn fips_197_appendix_c3() {
    let key: [u8; 32] = core::array::from_fn(|n| n as u8);
    let mut blocks = [hex16("00112233445566778899aabbccddeeff")];
    Aes256Vperm::new(&key).encrypt_blocks(&mut blocks);
    assert_eq!(blocks, [hex16("8ea2b7ca516745bfeafc49904b496089")]);
    assert_eq!(blocks.to_vec(), reference(&key, &[hex16("00112233445566778899aabbccddeeff")]));
}

#[test]
fn clone_encrypts_the_same_and_empty_batches_are_fine() {
    let cipher = Aes256Vperm::new_with::<Portable>(&[0x5A; 32]);
    let copy = cipher.clone();
    let mut a = [[1u8; 16], [2; 16], [3; 16]];
    let mut b = a;
    cipher.encrypt_blocks_with::<Portable>(&mut a);
    copy.encrypt_blocks(&mut b);
    assert_eq!(a, b);
    assert_eq!(a.to_vec(), reference(&[0x5A; 32], &[[1u8; 16], [2; 16], [3; 16]]));
    cipher.encrypt_blocks(&mut []);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn equals_the_aes_crate(
        key in prop::array::uniform32(any::<u8>()),
        blocks in prop::collection::vec(prop::array::uniform16(any::<u8>()), 1..=9),
    ) {
        let mut ours = blocks.clone();
        Aes256Vperm::new(&key).encrypt_blocks(&mut ours);
        prop_assert_eq!(ours, reference(&key, &blocks));
    }
}
