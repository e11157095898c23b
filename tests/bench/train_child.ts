/**
 * One training workload in a process of its own, so that each figure of `deno task bench` comes
 * from a fresh process (like NumPy's) and the peak memory it reports is that workload's alone.
 *
 *     deno run -A tests/bench/train_child.ts fullbatch|mlp plain|nn|nn-fresh float32|float64 [--backend=NAME]
 *
 * (`nn-fresh`: the full-batch step through lib/nn with the input gradient in new memory each step
 * instead of a kept tensor.)
 *
 * Prints one JSON object: `seconds` (a full-batch step: the median of 7 after 2 warm-up steps; an MNIST-MLP
 * epoch: one epoch after a 20-batch warm-up), `peakMiB` (the process's peak resident memory) and
 * `auto` (which backend `auto` routes the workload's largest product to).
 *
 * @module
 */
import {
  autoChoice,
  getCalibration,
  type KernelDType,
  setBackend,
  tryBackend,
} from "../../kernels/mod.ts";
import { fullBatchTrainer, mlpTrainer, syntheticData } from "./train_plain.ts";
import { fullBatchTrainerNn, mlpTrainerNn } from "./train_nn.ts";

const [workload, impl, dtypeArg] = Deno.args;
const dtype = dtypeArg as KernelDType;
const backend = Deno.args.find((a) => a.startsWith("--backend="))?.slice(10) ?? "auto";
setBackend(backend);

/** Peak resident memory of this process in MiB (Linux's VmHWM; elsewhere the current RSS). */
export function peakMiB(): number {
  try {
    const kb = Deno.readTextFileSync("/proc/self/status").match(/^VmHWM:\s+(\d+) kB/m)?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return Deno.memoryUsage().rss / 2 ** 20;
}

const data = syntheticData(dtype, { samples: 60000, features: 784, classes: 10 });
let seconds: number;
if (workload === "fullbatch") {
  const trainer = impl === "nn" || impl === "nn-fresh"
    ? fullBatchTrainerNn(data, { dtype, freshInputGrad: impl === "nn-fresh" })
    : fullBatchTrainer(data, { dtype });
  // A training loop's steady state: the median of 7 steps after 2 warm-up steps (the first steps
  // also pay for new memory and for V8's first collections; notebook 04 runs 1,100 of them).
  for (let w = 0; w < 2; w++) trainer.step();
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    trainer.step();
    times.push((performance.now() - t0) / 1000);
  }
  seconds = times.sort((a, b) => a - b)[3];
} else if (workload === "mlp") {
  const trainer = impl === "nn" ? mlpTrainerNn(data, { dtype }) : mlpTrainer(data, { dtype });
  trainer.epoch(20);
  const t0 = performance.now();
  trainer.epoch();
  seconds = (performance.now() - t0) / 1000;
} else {
  throw new Error(`train_child: unknown workload "${workload}"; use fullbatch or mlp`);
}
const largest = workload === "fullbatch" ? 60000 * 784 * 128 : 64 * 784 * 500;
const auto = autoChoice(getCalibration({ settle: true }), dtype, largest, tryBackend);
console.log(JSON.stringify({ seconds, peakMiB: peakMiB(), auto }));
