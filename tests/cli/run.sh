#!/usr/bin/env bash
# The aws CLI and boto3 scenarios (the seed documents' examples) against
# `kmsim serve` on 127.0.0.1. Usage: tests/cli/run.sh [ROOT]
# Needs ROOT/.venv (scripts/setup.sh --python) and a built pkg/dist.
set -euo pipefail
root="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
for tool in "$root/.venv/bin/aws" "$root/.venv/bin/python"; do
  [ -x "$tool" ] || { echo "cli: $tool is missing: run scripts/setup.sh --python" >&2; exit 1; }
done
[ -f "$root/pkg/dist/kmsim_bg.wasm" ] || { echo "cli: pkg/dist is not built: run scripts/build-wasm.sh" >&2; exit 1; }
"$root/.venv/bin/python" -c 'import boto3, botocore, awscli; print("cli: boto3", boto3.__version__, "botocore", botocore.__version__, "awscli", awscli.__version__)'
KMSIM_ROOT="$root" node --test --test-reporter=spec "$root/tests/cli/run.mjs"
