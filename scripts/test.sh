#!/usr/bin/env bash
# Installs what is missing, then runs every test tier, fastest first:
#   1. native Rust tests (+ clippy, rustfmt)     4. the npm package as shipped (npm pack → import/require/tsc)
#   2. the core on wasm32 under Node             5. the lab page and a Vite build in headless Chromium
#   3. the JS API and real AWS SDK v3 clients     6. interop with the official Encryption SDKs (Node, Python)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tier() { printf '\n==== %s\n' "$*"; }

./scripts/setup.sh --browser --python

tier "1. native: cargo fmt --check, clippy, cargo test"
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --quiet

tier "2. wasm32: clippy on the binding layer, wasm-bindgen-test under Node"
# (no --quiet here: cargo would pass it on to wasm-bindgen-test-runner, which rejects it)
cargo clippy --quiet --target wasm32-unknown-unknown --features wasm --lib -- -D warnings
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm_core

tier "3. JS API and AWS SDK v3 clients (node --test)"
./scripts/build-wasm.sh
node --test --test-reporter=spec tests/js/

tier "4. the npm package as shipped"
node --test --test-reporter=spec tests/package/

tier "5. browser: headless Chromium"
node --test --test-reporter=spec tests/browser/
bash tests/cli/run.sh "$root"

tier "6. interop with the official AWS Encryption SDKs"
bash tests/interop/envelope/run.sh "$root"

printf '\nkmsim: every test tier passed\n'
