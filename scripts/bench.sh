#!/usr/bin/env bash
# Benchmarks of the JS package (not run by scripts/test.sh): envelope
# encryption throughput vs node:crypto and the official ESDK, and KMS round
# trips. Builds the wasm first unless KMSIM_SKIP_BUILD=1. Prints; asserts nothing.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ "${KMSIM_SKIP_BUILD:-0}" != 1 ]; then ./scripts/build-wasm.sh; fi
node benches/envelope.mjs
