//! Property tests of the KMS simulation.
fn main() {}
