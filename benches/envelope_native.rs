#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! One-shot envelope encrypt / decrypt throughput, native.
//! Run: `cargo bench --bench envelope_native`

use kmsim::envelope::{
    decrypt, encrypt, DecryptOptions, EncryptOptions, EncryptionContext, MaterialsSource, RawAesKeyring,
};
use kmsim::rng::SeededRng;
use std::time::Instant;

fn main() {
    let mut keyring = match RawAesKeyring::new("bench", "key", &[7u8; 32]) {
        Ok(k) => k,
        Err(e) => return eprintln!("{e}"),
    };
    let mut rng = SeededRng::new([1; 32]);
    let context: EncryptionContext = [("purpose".to_string(), "bench".to_string())].into_iter().collect();
    let options = EncryptOptions::default();
    println!("{:>8} {:>14} {:>14}", "size", "encrypt MB/s", "decrypt MB/s");
    for (label, size, reps) in [("1 KiB", 1usize << 10, 2000u32), ("1 MiB", 1 << 20, 20), ("64 MiB", 64 << 20, 2)] {
        let plaintext = vec![0x5au8; size];
        let mut message = Vec::new();
        let start = Instant::now();
        for _ in 0..reps {
            match encrypt(&plaintext, &context, MaterialsSource::keyring(&mut keyring), &options, &mut rng) {
                Ok(m) => message = m,
                Err(e) => return eprintln!("{e}"),
            }
        }
        let enc = start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..reps {
            if let Err(e) = decrypt(&message, MaterialsSource::keyring(&mut keyring), &DecryptOptions::default()) {
                return eprintln!("{e}");
            }
        }
        let dec = start.elapsed().as_secs_f64();
        let mb = size as f64 * f64::from(reps) / 1e6;
        println!("{label:>8} {:>14.1} {:>14.1}", mb / enc, mb / dec);
    }
}
