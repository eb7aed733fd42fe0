#!/usr/bin/env bash
# Benchmarks of the JS package (not run by scripts/test.sh): envelope
# encryption throughput vs node:crypto and the official ESDK; KMS Encrypt+
# Decrypt round trips vs node:crypto (benches/kms.mjs); `kmsim serve` HTTP throughput (Encrypt, 16 keep-alive connections,
# raw and through @aws-sdk/client-kms) vs a bare node:http server; policy
# evaluations/s (sim.policy.simulate/explain) vs @cloud-copilot/iam-simulate.
# Builds the wasm first unless KMSIM_SKIP_BUILD=1. Prints; asserts nothing
# about speed. Timings are medians of several rounds; on a shared machine
# they are still noisy.
#   --with-native   also run `cargo bench --bench policy_eval` (compiles for minutes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
native=()
for arg in "$@"; do
  case "$arg" in
    --with-native) native=(--with-native) ;;
    *) echo "usage: scripts/bench.sh [--with-native]" >&2; exit 2 ;;
  esac
done
if [ "${KMSIM_SKIP_BUILD:-0}" != 1 ]; then ./scripts/build-wasm.sh; fi
node benches/envelope.mjs
echo
if [ -x /usr/bin/chromium ]; then
  echo
  echo "== envelope in headless Chromium (WebCrypto vs wasm) =="
  node benches/envelope-browser.mjs
fi
echo
echo "== KMS round trips =="
node benches/kms.mjs
echo
echo "== kmsim serve (HTTP) =="
node benches/serve.mjs
echo
echo "== policy evaluation =="
node benches/policy.mjs "${native[@]+"${native[@]}"}"
