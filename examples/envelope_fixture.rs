#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! Interop fixture tool for the envelope module.
//!
//! `envelope_fixture write DIR` writes kmsim messages to `DIR/kmsim/` plus
//! `DIR/manifest.json`; `envelope_fixture read DIR/SUBDIR` decrypts every
//! `*.esdk` there (written by an official SDK) and checks it against the
//! manifest. Exits non-zero on any failure.

use kmsim::envelope::{
    decrypt, encrypt, AlgorithmSuite, DecryptOptions, EncryptOptions, EncryptionContext, MaterialsSource, RawAesKeyring,
};
use kmsim::rng::OsEntropy;
use std::path::{Path, PathBuf};

/// The shared interop wrapping key: bytes 0..32.
fn wrapping_key() -> Vec<u8> {
    (0u8..32).collect()
}
const NAMESPACE: &str = "kmsim-interop";
const KEY_NAME: &str = "interop-key";
const FRAME: u32 = 4096;

/// The deterministic plaintext every implementation regenerates.
fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| ((i * 31 + 7) % 251) as u8).collect()
}

fn context(with: bool) -> EncryptionContext {
    let mut c = EncryptionContext::new();
    if with {
        c.insert("purpose".into(), "interop".into());
        c.insert("tenant".into(), "acme ünïcode".into());
    }
    c
}

struct Case {
    name: String,
    size: usize,
    suite: AlgorithmSuite,
    with_context: bool,
}

fn cases() -> Vec<Case> {
    let sizes: [(&str, usize); 5] =
        [("empty", 0), ("one", 1), ("frame", 4096), ("multi", 4096 * 3 + 17), ("10mib", 10 * 1024 * 1024)];
    let mut out = Vec::new();
    for suite in [AlgorithmSuite::AesGcm256HkdfSha512Commit, AlgorithmSuite::AesGcm256HkdfSha512CommitEcdsaP384] {
        for with_context in [false, true] {
            for (label, size) in sizes {
                let name = format!("{:04x}-{}-{}", suite.id(), if with_context { "ctx" } else { "noctx" }, label);
                out.push(Case { name, size, suite, with_context });
            }
        }
    }
    out
}

fn write(dir: &Path) -> Result<(), String> {
    let out = dir.join("kmsim");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut keyring = RawAesKeyring::new(NAMESPACE, KEY_NAME, &wrapping_key()).map_err(|e| e.to_string())?;
    let mut manifest = Vec::new();
    for case in cases() {
        let options = EncryptOptions { suite: case.suite, frame_length: FRAME, ..Default::default() };
        let message = encrypt(
            &plaintext(case.size),
            &context(case.with_context),
            MaterialsSource::keyring(&mut keyring),
            &options,
            &mut OsEntropy,
        )
        .map_err(|e| format!("{}: {e}", case.name))?;
        std::fs::write(out.join(format!("{}.esdk", case.name)), message).map_err(|e| e.to_string())?;
        manifest.push(serde_json::json!({
            "name": case.name, "size": case.size, "suite": case.suite.id(),
            "context": context(case.with_context), "frameLength": FRAME,
        }));
    }
    let doc = serde_json::json!({
        "namespace": NAMESPACE, "keyName": KEY_NAME,
        "keyHex": wrapping_key().iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "cases": manifest,
    });
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&doc).map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    println!("wrote {} kmsim messages to {}", cases().len(), out.display());
    Ok(())
}

fn read(dir: &Path) -> Result<(), String> {
    let mut keyring = RawAesKeyring::new(NAMESPACE, KEY_NAME, &wrapping_key()).map_err(|e| e.to_string())?;
    let (mut passed, mut failed) = (0, 0);
    for case in cases() {
        let path: PathBuf = dir.join(format!("{}.esdk", case.name));
        let result = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display())).and_then(|message| {
            let expected = context(case.with_context);
            let options = DecryptOptions { expected_context: Some(expected.clone()), ..Default::default() };
            let got = decrypt(&message, MaterialsSource::keyring(&mut keyring), &options).map_err(|e| e.to_string())?;
            if got.plaintext != plaintext(case.size) {
                return Err("plaintext differs".into());
            }
            if got.info.suite != case.suite {
                return Err(format!("suite {:04x}", got.info.suite.id()));
            }
            let mut stored = got.info.context.clone();
            stored.remove("aws-crypto-public-key");
            if stored != expected {
                return Err("context differs".into());
            }
            Ok(())
        });
        match result {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                println!("FAIL kmsim decrypt {}: {e}", case.name);
            }
        }
    }
    println!("kmsim decrypt of {}: {passed} passed, {failed} failed", dir.display());
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} failures"))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("write"), Some(dir)) => write(Path::new(dir)),
        (Some("read"), Some(dir)) => read(Path::new(dir)),
        _ => Err("usage: envelope_fixture write DIR | read DIR".into()),
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
