#!/usr/bin/env bash
# Round-trips kmsim's envelope messages with the official Node and Python
# ESDKs, both directions. Usage: run.sh [REPO_ROOT]. Assumes node_modules/
# and .venv/ (with aws-encryption-sdk) exist at the repo root. Exits non-zero
# on any failure.
set -u
root="${1:-$(cd "$(dirname "$0")/../../.." && pwd)}"
cd "$root" || exit 2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
run() { echo "+ $*"; "$@" || status=1; }

cargo build --release --example envelope_fixture || exit 1
fixture="$root/target/release/examples/envelope_fixture"
"$fixture" write "$work" || exit 1
run node "$root/tests/interop/envelope/node_interop.mjs" "$work"
run "$root/.venv/bin/python" "$root/tests/interop/envelope/python_interop.py" "$work" "$root/tests/fixtures/envelope"
run "$fixture" read "$work/node"
run "$fixture" read "$work/python"
if [ "$status" -eq 0 ]; then echo "envelope interop: all passed"; else echo "envelope interop: FAILED"; fi
exit "$status"
