#!/usr/bin/env bash
# Builds the wasm module once (--target web serves both Node and browsers),
# optimizes it with wasm-opt (npm package binaryen) and prints its size.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/pkg/dist"
cargo build --release --target wasm32-unknown-unknown --features wasm --lib
rm -rf "$out"
mkdir -p "$out"
wasm-bindgen --target web --out-dir "$out" --out-name kmsim \
  "$root/target/wasm32-unknown-unknown/release/kmsim.wasm"
wasm_opt="$root/node_modules/.bin/wasm-opt"
if [ -x "$wasm_opt" ]; then
  # Rust's wasm32 target emits these post-MVP features (SIMD128 because
  # .cargo/config.toml enables it); wasm-opt must be told.
  "$wasm_opt" -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/kmsim_bg.wasm" -o "$out/kmsim_bg.wasm.opt"
  mv "$out/kmsim_bg.wasm.opt" "$out/kmsim_bg.wasm"
else
  echo "build-wasm: wasm-opt not found (run npm ci); module left unoptimized" >&2
fi
raw=$(wc -c < "$out/kmsim_bg.wasm")
gz=$(gzip -9 -c "$out/kmsim_bg.wasm" | wc -c)
echo "build-wasm: pkg/dist/kmsim_bg.wasm is $raw bytes raw, $gz bytes gzipped"
