/**
 * ONNX Runtime's npm packages, each named once with its pinned version, so that the kernels and
 * `lib/onnx` load them from any Deno program (no import map needed). `deno.json`'s `imports` name
 * the same versions for `deno install`; `tests/import_test.ts` checks that the two agree.
 *
 * Every import here is dynamic: nothing loads ONNX Runtime until a backend or `runOnnx` needs it.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- versioned npm: specifiers, so that the library resolves them without this repository's import map

/** Imports onnxruntime-node (the native CPU build). */
export function importOrtNode(): Promise<typeof import("npm:onnxruntime-node@1.30.0")> {
  return import("npm:onnxruntime-node@1.30.0");
}

/** Imports onnxruntime-web (WebAssembly). */
export function importOrtWeb(): Promise<typeof import("npm:onnxruntime-web@1.30.0")> {
  return import("npm:onnxruntime-web@1.30.0");
}

/** Imports onnxruntime-web's WebGPU build. */
export function importOrtWebGpu(): Promise<typeof import("npm:onnxruntime-web@1.30.0/webgpu")> {
  return import("npm:onnxruntime-web@1.30.0/webgpu");
}
