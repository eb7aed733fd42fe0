//! Runs every fuzz body (`fuzz/src/lib.rs`) on stable, without libFuzzer:
//! over the saved regression inputs, the hand-written seeds, and a bounded set
//! of deterministic mutations of the seeds (bit flips, byte sets, truncations,
//! insertions, splices) from a fixed-seed xorshift generator.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

#[path = "../fuzz/src/lib.rs"]
mod bodies;

use bodies::{Target, TARGETS};
use std::path::Path;
use std::time::{Duration, Instant};

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const INTERESTING: &[&[u8]] = &[
    b"\x00",
    b"\xff",
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"\\",
    b"\n",
    b"null",
    b"-1",
    b"1e999",
    b"18446744073709551616",
    b"*",
    b"?",
    b"(",
    b")",
    b"/",
    b"%zz",
    b"\xf0\x9f\x92\xa9",
    b"\xc3",
];

fn mutate(rng: &mut XorShift, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..1 + rng.below(3) {
        let len = data.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next() as u8;
            }
            2 => data.truncate(rng.below(len + 1)),
            3 => {
                let i = rng.below(len + 1);
                let piece = INTERESTING[rng.below(INTERESTING.len())];
                data.splice(i..i, piece.iter().copied());
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = start + rng.below(len - start + 1);
                data.drain(start..end);
            }
            5 => {
                // Splice: a slice of another seed into this one.
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                let to = from + rng.below(other.len() - from + 1);
                let at = rng.below(len + 1);
                data.splice(at..at, other[from..to].iter().copied());
            }
            _ if len > 1 => {
                // Duplicate a chunk (grows length prefixes' targets).
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                let chunk = data[start..end].to_vec();
                data.splice(end..end, chunk);
            }
            _ => data.push(rng.next() as u8),
        }
    }
    data
}

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read regression")))
        .collect();
    out.sort();
    out
}

fn run(target: &Target, name: &str, data: &[u8]) {
    let result = std::panic::catch_unwind(|| (target.body)(data));
    if let Err(panic) = result {
        let message =
            panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
        let shown: String = String::from_utf8_lossy(data).chars().take(400).collect();
        panic!(
            "{} failed on {name}: {}\ninput ({} bytes): {shown:?}",
            target.name,
            message.unwrap_or_default(),
            data.len()
        );
    }
}

/// Per-target budget for the mutation phase (count and time, whichever ends first).
const MUTATIONS: usize = 3000;
const BUDGET: Duration = Duration::from_millis(1200);

fn smoke(name: &str) {
    let target = TARGETS.iter().find(|t| t.name == name).expect("target");
    for (file, data) in regressions(name) {
        run(target, &format!("regression {file}"), &data);
    }
    let seeds = (target.seeds)();
    assert!(!seeds.is_empty());
    for (i, seed) in seeds.iter().enumerate() {
        run(target, &format!("seed {i}"), seed);
    }
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
    let start = Instant::now();
    let mut n = 0;
    while n < MUTATIONS && start.elapsed() < BUDGET {
        let data = mutate(&mut rng, &seeds);
        run(target, &format!("mutation {n}"), &data);
        n += 1;
    }
    eprintln!("{name}: {n} mutations in {:?}", start.elapsed());
    assert!(n >= 20, "{name}: only {n} mutations ran within the budget");
}

#[test]
fn every_target_has_a_smoke_test() {
    let tested = [
        "kms_blob",
        "envelope",
        "envelope_header",
        "policy",
        "policy_world",
        "protocol",
        "snapshot",
        "json_ops",
        "timestamp",
        "rotation_schedule",
        "allowed_pattern",
    ];
    for t in TARGETS {
        assert!(tested.contains(&t.name), "{} has no smoke test", t.name);
    }
}

#[test]
fn every_regression_folder_names_a_target() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    for entry in std::fs::read_dir(dir).into_iter().flatten().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            assert!(TARGETS.iter().any(|t| t.name == name), "fuzz/regressions/{name} names no target");
        }
    }
}

#[test]
fn kms_blob() {
    smoke("kms_blob");
}
#[test]
fn envelope() {
    smoke("envelope");
}
#[test]
fn envelope_header() {
    smoke("envelope_header");
}
#[test]
fn policy() {
    smoke("policy");
}
#[test]
fn policy_world() {
    smoke("policy_world");
}
#[test]
fn protocol() {
    smoke("protocol");
}
#[test]
fn snapshot() {
    smoke("snapshot");
}
#[test]
fn json_ops() {
    smoke("json_ops");
}
#[test]
fn timestamp() {
    smoke("timestamp");
}
#[test]
fn rotation_schedule() {
    smoke("rotation_schedule");
}
#[test]
fn allowed_pattern() {
    smoke("allowed_pattern");
}
