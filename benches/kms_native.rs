#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]
//! Encrypt + Decrypt round trips per second through `Simulator::invoke`
//! (32-byte plaintext, two-pair encryption context). Run with
//! `cargo bench --bench kms_native`.

use kmsim::kms::ops::{CreateKey, Decrypt, DecryptRequest, Encrypt, EncryptRequest};
use kmsim::{CallContext, Simulator, SimulatorConfig};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn main() {
    // A small audit capacity keeps the trail's memory flat; every call still builds its event.
    let config = SimulatorConfig { seed: Some("bench".into()), audit_capacity: Some(1024), ..Default::default() };
    let mut sim = Simulator::new(&config);
    let ctx = CallContext::default_root();
    let key = match sim.invoke::<CreateKey>(&ctx, Default::default()) {
        Ok(created) => created.key_metadata.key_id,
        Err(e) => {
            eprintln!("CreateKey failed: {e}");
            std::process::exit(1);
        }
    };
    let context: BTreeMap<String, String> =
        [("tenant".to_string(), "acme".to_string()), ("purpose".to_string(), "bench".to_string())].into();
    let plaintext = [0x42u8; 32];
    let round_trip = |sim: &mut Simulator| -> bool {
        let sealed = sim.invoke::<Encrypt>(
            &ctx,
            EncryptRequest {
                key_id: key.clone(),
                plaintext: plaintext.to_vec().into(),
                encryption_context: Some(context.clone()),
                ..Default::default()
            },
        );
        let Ok(sealed) = sealed else { return false };
        let opened = sim.invoke::<Decrypt>(
            &ctx,
            DecryptRequest {
                ciphertext_blob: sealed.ciphertext_blob,
                encryption_context: Some(context.clone()),
                ..Default::default()
            },
        );
        opened.is_ok_and(|o| o.plaintext.expose() == plaintext)
    };
    for _ in 0..10_000 {
        if !round_trip(&mut sim) {
            eprintln!("round trip failed");
            std::process::exit(1);
        }
    }
    let budget = Duration::from_secs(3);
    let start = Instant::now();
    let mut done: u64 = 0;
    while start.elapsed() < budget {
        for _ in 0..1000 {
            if !round_trip(&mut sim) {
                eprintln!("round trip failed");
                std::process::exit(1);
            }
        }
        done += 1000;
    }
    let per_second = done as f64 / start.elapsed().as_secs_f64();
    println!("kms_native: {per_second:.0} Encrypt+Decrypt round trips/s ({done} in {:.2?})", start.elapsed());
}
