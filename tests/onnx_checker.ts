/**
 * What the ONNX tests share: Python's `onnx` package (Debian's python3-onnx) as an independent
 * checker of the files we write, and a row softmax written out here so that expected
 * probabilities do not come from the library under test.
 */
import assert from "node:assert/strict";
import { Tensor } from "../lib/tensor/tensor.ts";

/** The Python that has Debian's python3-onnx. */
export const PYTHON = "/usr/bin/python3";

/** Whether {@link PYTHON} can import `onnx` (the checker tests are skipped, and say so, if not). */
export function hasPythonOnnx(): boolean {
  try {
    const r = new Deno.Command(PYTHON, { args: ["-c", "import onnx"], stderr: "null" })
      .outputSync();
    return r.success;
  } catch {
    return false;
  }
}

/**
 * Runs `onnx.checker.check_model(full_check=True)` on every file and asserts that Python
 * re-serializes each to exactly our bytes.
 */
export async function assertOnnxFilesCheck(paths: string[]): Promise<void> {
  const script = [
    "import sys, onnx",
    "for p in sys.argv[1:]:",
    "    m = onnx.load(p)",
    "    onnx.checker.check_model(m, full_check=True)",
    "    assert m.SerializeToString() == open(p, 'rb').read(), p + ': re-serialized bytes differ'",
    "print('checked', len(sys.argv) - 1)",
  ].join("\n");
  const out = await new Deno.Command(PYTHON, { args: ["-c", script, ...paths] }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.ok(out.success, text);
  assert.match(text, new RegExp(`checked ${paths.length}`));
}

/** Softmax of each row of a 2-D tensor, in float64: the reference for exported `Softmax` nodes. */
export function softmaxRows(t: Tensor): Tensor {
  const [n, k] = t.shape;
  const out = new Float64Array(t.size);
  for (let i = 0; i < n; i++) {
    let max = -Infinity, sum = 0;
    for (let j = 0; j < k; j++) max = Math.max(max, t.data[i * k + j]);
    for (let j = 0; j < k; j++) sum += out[i * k + j] = Math.exp(t.data[i * k + j] - max);
    for (let j = 0; j < k; j++) out[i * k + j] /= sum;
  }
  return new Tensor(out, [n, k]);
}
