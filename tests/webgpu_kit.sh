#!/usr/bin/env bash
# Packs what tests/webgpu_check.ts needs on a machine without network access (e.g. a lent GPU
# machine) into out/webgpu_kit.tar.xz (~35 MB): the deno binary and the three files of onnxruntime-web
# that the WebGPU backend loads (its bundle, its WebAssembly and that module's loader), laid out as a node_modules folder.
#
#   bash tests/webgpu_kit.sh                       # here, after `deno install`
#   # there, in a copy of the repository that has out/webgpu_kit.tar.xz:
#   bash tests/webgpu_kit.sh --run                 # unpacks into out/webgpu_kit/ and runs the check
set -euo pipefail
cd "$(dirname "$0")/.."
KIT=out/webgpu_kit
if [[ "${1:-}" == "--run" ]]; then
  rm -rf "$KIT" && mkdir -p "$KIT" && tar -xJf "$KIT.tar.xz" -C "$KIT"
  # A private copy of the repository whose node_modules is the kit's (the real one stays untouched).
  WORK="$KIT/repo" && mkdir -p "$WORK"
  cp -r deno.json kernels tests "$WORK/" && cp -r "$KIT/node_modules" "$WORK/"
  cd "$WORK"
  shift
  exec "../deno" run --allow-all --node-modules-dir=manual --no-lock tests/webgpu_check.ts "$@"
fi
WEB=node_modules/onnxruntime-web
[[ -f "$WEB/package.json" ]] || { echo "run 'deno install' first (no $WEB)" >&2; exit 1; }
rm -rf "$KIT" && mkdir -p "$KIT/node_modules/onnxruntime-web/dist"
cp "$(command -v deno)" "$KIT/deno"
cp "$WEB/package.json" "$KIT/node_modules/onnxruntime-web/"
cp "$WEB/dist/ort.webgpu.bundle.min.mjs" "$WEB/dist/ort-wasm-simd-threaded.asyncify.wasm" \
  "$WEB/dist/ort-wasm-simd-threaded.asyncify.mjs" "$KIT/node_modules/onnxruntime-web/dist/"
tar -cJf "$KIT.tar.xz" -C "$KIT" deno node_modules
rm -rf "$KIT"
ls -la "$KIT.tar.xz"
