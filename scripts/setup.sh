#!/usr/bin/env bash
# Installs whatever is missing for kmsim's demo and tests. Idempotent: each
# step checks first. Usage: scripts/setup.sh [--browser] [--python]
#   --browser  also Debian's chromium (browser tests)
#   --python   also a venv with boto3, the aws CLI and aws-encryption-sdk
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
want_browser=false
want_python=false
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=true ;;
    --python) want_python=true ;;
    *) echo "setup: unknown option $arg" >&2; exit 2 ;;
  esac
done
step() { printf '\n== setup: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required (Rust via rustup, Node >= 20.19)" >&2; exit 1; }
done

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must be exactly the version Cargo.lock pins for the crate.
pinned=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
installed=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$installed" != "$pinned" ]; then
  step "cargo install wasm-bindgen-cli $pinned (found: ${installed:-none})"
  cargo install wasm-bindgen-cli --version "$pinned" --force
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

if $want_browser && [ ! -x /usr/bin/chromium ]; then
  step "apt-get install chromium (Debian's; never a downloaded browser)"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends chromium
fi

if $want_python; then
  if [ ! -x .venv/bin/python ] || [ tests/requirements.txt -nt .venv/.installed ]; then
    step "python venv with boto3, awscli, aws-encryption-sdk"
    python3 -m venv .venv
    .venv/bin/pip install --quiet --upgrade pip
    .venv/bin/pip install --quiet -r tests/requirements.txt
    touch .venv/.installed
  fi
fi
echo "setup: ready"
