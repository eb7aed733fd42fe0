#!/usr/bin/env bash
# Integration tests may unwrap and index (clippy.toml allows it inside #[test]
# functions only): give each tests/*.rs file the crate-level allowance.
set -euo pipefail
cd "$(dirname "$0")/.."
line='#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]'
for f in tests/*.rs benches/*.rs examples/*.rs; do
  [ -f "$f" ] || continue
  grep -q "^#!\[allow(clippy::unwrap_used" "$f" || { printf '%s\n' "$line" | cat - "$f" > "$f.tmp" && mv "$f.tmp" "$f"; }
done
