/**
 * Atomic file writes (temporary file in the same folder, then a rename) and path handling shared
 * by everything in the library that writes files: figures, ONNX models, downloads, caches.
 *
 * ```ts
 * import { writeFileAtomic } from "./lib/files/mod.ts";
 * await writeFileAtomic("out/summary.json", JSON.stringify({ accuracy: 0.97 }), { mkdir: true });
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
