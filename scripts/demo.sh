#!/usr/bin/env bash
# Builds kmsim and serves the lab page on http://127.0.0.1:${PORT:-8080}/
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./scripts/setup.sh
./scripts/build-wasm.sh
exec node scripts/serve-www.mjs --port "${PORT:-8080}"
