/**
 * The `ort-webgpu` kernel backend computes correctly where there is no GPU: with
 * `DENO_KERNELS_WEBGPU_FALLBACK=1` it accepts Deno's software WebGPU adapter, and a 129x65x33
 * float32 product must match `js` and a float64 loop within the float32 error bound.
 *
 * The product runs in a child process (`tests/webgpu_product.ts`, bounded at 180 s) started when
 * this file loads, so WebGPU's set-up and exit stay out of the test runner. The test is reported
 * as not run only when the child says that no WebGPU adapter exists at all. Speed on a real GPU is
 * `tests/webgpu_check.ts`'s business (`tests/webgpu_kit.sh`).
 */
import assert from "node:assert/strict";

const LIMIT_MS = 180_000;

interface ProductResult {
  unavailable?: string;
  shape?: number[];
  maxDiffJs?: number;
  worstRatio?: number;
  seconds?: number;
}

async function runProduct(): Promise<{ result?: ProductResult; failure?: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "webgpu_product.ts"],
    cwd: new URL(".", import.meta.url),
    env: { DENO_KERNELS_WEBGPU_FALLBACK: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
  const out = await child.output();
  clearTimeout(timer);
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const line = stdout.split("\n").find((l) => l.startsWith("{"));
  if (line === undefined) {
    const why = out.signal === "SIGKILL" ? `killed after ${LIMIT_MS / 1000} s` : `exit ${out.code}`;
    return { failure: `tests/webgpu_product.ts printed no result (${why}): ${stderr.slice(-800)}` };
  }
  // A result line was printed: the product is done. (Deno 2.9 may still crash when a process that
  // used WebGPU exits; that is not the backend's arithmetic, so the printed numbers are judged.)
  return { result: JSON.parse(line) };
}

const { result, failure } = await runProduct();
const noAdapter = result?.unavailable !== undefined &&
  /adapter|navigator\.gpu/i.test(result.unavailable);

Deno.test({
  name: noAdapter
    ? `ort-webgpu on a software adapter NOT RUN: ${result!.unavailable}`
    : "ort-webgpu on Deno's software adapter (DENO_KERNELS_WEBGPU_FALLBACK=1): a 129x65x33 float32 product matches js",
  ignore: noAdapter,
}, () => {
  assert.equal(failure, undefined, failure ?? "");
  assert.equal(result!.unavailable, undefined, `ort-webgpu unavailable: ${result!.unavailable}`);
  assert.deepEqual(result!.shape, [129, 65, 33]);
  console.log(
    `  max |webgpu - js| = ${result!.maxDiffJs!.toExponential(2)}, worst error ${
      result!.worstRatio!.toFixed(3)
    } of the float32 bound, ${result!.seconds!.toFixed(1)} s with set-up`,
  );
  assert.ok(result!.worstRatio! <= 1, `error ${result!.worstRatio} times the float32 bound`);
  assert.ok(result!.maxDiffJs! <= 1e-5, `max |webgpu - js| = ${result!.maxDiffJs}`);
});
