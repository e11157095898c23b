/**
 * Atomic file writes (temporary file in the same folder, then a rename) and path handling shared
 * by everything in the library that writes files: figures, ONNX models, downloads, caches.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "@dlfs/deno-dl/files";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/out/summary.json`, '{"accuracy": 0.97}', { mkdir: true });
 * assert.equal(await Deno.readTextFile(`${dir}/out/summary.json`), '{"accuracy": 0.97}');
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */
export {
  removeStaleTemps,
  tempPathFor,
  toPath,
  type WriteAtomicOptions,
  writeFileAtomic,
  writeFileAtomicSync,
} from "./atomic.ts";
