/**
 * `deno task bench`: GFLOP/s of every available gemm backend against NumPy, and the time of the two
 * training workloads of issue 6 against NumPy, all measured in the same run.
 *
 * Flags: `--gemm` or `--train` (only that part), `--quick` (shorter budgets, no 1024^3, no js
 * training), `--all` (also train with js and ort-wasm), `--budget=MS` (time per gemm measurement,
 * default 300), `--no-numpy`.
 *
 * Every figure is the best of several runs after a warm-up (other processes only ever slow a run
 * down). NumPy is measured by `numpy_bench.py` through `python3` when it has numpy.
 *
 * @module
 */
import {
  type Backend,
  createOrtBridgeBackend,
  gflops,
  type KernelDType,
  listBackends,
  machineDescription,
  measureGemm,
  setBackend,
  tryBackend,
} from "../../kernels/mod.ts";
import { fullBatchTrainer, mlpTrainer, syntheticData } from "./train_plain.ts";
import type { FullBatchTrainer, MlpTrainer } from "./train_plain.ts";

const args = new Set(Deno.args);
const flag = (name: string) => args.has(`--${name}`);
const budgetArg = Deno.args.find((a) => a.startsWith("--budget="));
const quick = flag("quick");
const budgetMs = budgetArg ? Number(budgetArg.slice(9)) : quick ? 100 : 300;
const doGemm = !flag("train") || flag("gemm");
const doTrain = !flag("gemm") || flag("train");
const DTYPES: KernelDType[] = ["float32", "float64"];

// ---------------------------------------------------------------------------------------------
// NumPy through python3

const numpyScript = new URL("./numpy_bench.py", import.meta.url).pathname;

/** Runs numpy_bench.py with the arguments; undefined when python3 or numpy is missing. */
function numpy(...argv: string[]): Record<string, number | string> | undefined {
  if (flag("no-numpy")) return undefined;
  try {
    const out = new Deno.Command("python3", { args: [numpyScript, ...argv], stderr: "piped" })
      .outputSync();
    if (!out.success) return undefined;
    return JSON.parse(new TextDecoder().decode(out.stdout));
  } catch {
    return undefined;
  }
}

const numpyVersion = numpy("gemm", "2", "2", "2", "float64", "1")?.numpy;

// ---------------------------------------------------------------------------------------------
// Formatting

function fmt(v: number | undefined, digits = 1): string {
  return v === undefined || !Number.isFinite(v) ? "–" : v.toFixed(digits);
}

/** Prints a Markdown table; columns whose cells are all numbers (or "–") are right-aligned. */
function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = header.map((_, i) =>
    i > 0 && rows.every((r) => /^([-\d.]+|–)( \(.*\))?$/.test(r[i]))
  );
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join(" | ") +
    " |";
  console.log(line(header));
  console.log(
    "|" +
      widths.map((w, i) => (numeric[i] ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") +
      "|",
  );
  for (const r of rows) console.log(line(r));
  console.log();
}

// ---------------------------------------------------------------------------------------------
// Backends

console.log(`# Benchmark: ${machineDescription()}`);
console.log(
  `Deno ${Deno.version.deno}, V8 ${Deno.version.v8}; NumPy ${numpyVersion ?? "not available"}; ` +
    `best of runs, ${budgetMs} ms per gemm measurement\n`,
);

const infos = listBackends();
table(
  ["backend", "available", "note"],
  infos.map((
    b,
  ) => [b.name, b.available ? "yes" : "no", b.available ? b.description : b.reason ?? ""]),
);
const backends: Backend[] = infos
  .filter((b) => b.available && b.name !== "auto")
  .map((b) => tryBackend(b.name)!);

// ---------------------------------------------------------------------------------------------
// GEMM

const SHAPES: [number, number, number][] = [
  [64, 784, 500],
  [64, 500, 250],
  [60000, 784, 128],
  [256, 256, 256],
  [512, 512, 512],
  ...(quick ? [] : [[1024, 1024, 1024] as [number, number, number]]),
];

if (doGemm) {
  console.log("## GEMM, GFLOP/s (C = A @ B, row-major, no transposes)\n");
  const rows: string[][] = [];
  for (const [m, n, k] of SHAPES) {
    for (const dtype of DTYPES) {
      const shape = { m, n, k };
      const speeds = backends.map((b) => {
        if (!b.supports(dtype)) return undefined;
        return gflops(shape, measureGemm(b, shape, { dtype, budgetMs }));
      });
      const np = numpy("gemm", `${m}`, `${n}`, `${k}`, dtype, `${budgetMs}`)?.gflops as
        | number
        | undefined;
      let best = 0, bestName = "";
      speeds.forEach((v, i) => {
        if (v !== undefined && v > best) (best = v), (bestName = backends[i].name);
      });
      rows.push([
        `${m}x${n}x${k} ${dtype}`,
        ...speeds.map((v) => fmt(v)),
        fmt(np),
        np ? `${(best / np).toFixed(2)} (${bestName})` : "–",
      ]);
    }
  }
  table(["shape", ...backends.map((b) => b.name), "NumPy", "best / NumPy"], rows);

  // Why ort-node calls the binding directly instead of going through the worker bridge.
  const direct = tryBackend("ort-node");
  if (direct) {
    let bridged: ReturnType<typeof createOrtBridgeBackend> | undefined;
    try {
      bridged = createOrtBridgeBackend("node", { name: "ort-node (worker bridge)" });
    } catch (err) {
      console.log(`(ort-node worker bridge unavailable: ${(err as Error).message})\n`);
    }
    if (bridged) {
      console.log(
        "## Cost of a call: ort-node direct vs through the worker bridge (µs per call)\n",
      );
      const cands: Backend[] = [
        tryBackend("js")!,
        ...(tryBackend("blas") ? [tryBackend("blas")!] : []),
        direct,
        bridged,
      ];
      const rows2: string[][] = [];
      for (const [m, n, k] of [[1, 1, 1], [64, 784, 500]] as const) {
        for (const dtype of DTYPES) {
          rows2.push([
            `${m}x${n}x${k} ${dtype}`,
            ...cands.map((b) => fmt(measureGemm(b, { m, n, k }, { dtype, budgetMs }) * 1e6)),
          ]);
        }
      }
      table(["shape", ...cands.map((b) => b.name)], rows2);
      bridged.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Training

/** Seconds of one run of `fn` after `warm` (best of `repeats`). */
function timeBest(warm: () => void, fn: () => void, repeats: number): number {
  warm();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return best;
}

type NnModule = typeof import("./train_nn.ts");
let nn: NnModule | undefined;
let nnReason = "";
try {
  nn = await import("./train_nn.ts");
} catch (err) {
  nnReason = (err as Error).message.split("\n")[0];
}

/** One implementation of a workload: its label, the backend it runs on, and its timing. */
interface TrainingRun {
  label: string;
  backend: string;
  seconds: () => number;
}

/** Times each run on its backend; one row per run plus NumPy's, with the ratio to NumPy. */
function trainingRows(title: string, np: number | undefined, runs: TrainingRun[]): string[][] {
  const rows = runs.map((run) => {
    setBackend(run.backend);
    const s = run.seconds();
    return [title, run.label, fmt(s, 2), np ? fmt(s / np, 2) : "–"];
  });
  setBackend("auto");
  rows.push([title, "NumPy", fmt(np, 2), np ? "1.00" : "–"]);
  return rows;
}

/** Seconds of one full epoch, after a 20-batch warm-up. */
function epochSeconds(make: () => MlpTrainer): number {
  const trainer = make();
  return timeBest(() => trainer.epoch(20), () => trainer.epoch(), 1);
}

/** Best seconds of a full-batch step over `repeats`, after one warm-up step. */
function stepSeconds(make: () => FullBatchTrainer, repeats: number): number {
  const trainer = make();
  return timeBest(() => trainer.step(), () => trainer.step(), repeats);
}

if (doTrain) {
  const names = ["auto", "blas", "ort-node", ...(flag("all") ? ["ort-wasm", "js"] : [])]
    .filter((name) => tryBackend(name) !== undefined);
  const rows: string[][] = [];

  // MNIST MLP, float64 (assignment 002).
  const mnist = syntheticData("float64", { samples: 60000, features: 784, classes: 10 });
  const mlpRuns: TrainingRun[] = names.map((backend) => ({
    label: `${backend}, plain loops`,
    backend,
    seconds: () => epochSeconds(() => mlpTrainer(mnist, { dtype: "float64" })),
  }));
  if (nn) {
    const make = nn.mlpTrainerNn;
    mlpRuns.push({
      label: "auto, lib/nn modules",
      backend: "auto",
      seconds: () => epochSeconds(() => make(mnist, { dtype: "float64" })),
    });
  }
  const npMlp = numpy("mlp", "float64")?.seconds as number | undefined;
  rows.push(...trainingRows("MNIST-MLP epoch, float64", npMlp, mlpRuns));

  // Fashion-MNIST full-batch step (assignment 004): float32 and float64 (the seed's dtype).
  for (const dtype of DTYPES) {
    const fashion = syntheticData(dtype, { samples: 60000, features: 784, classes: 10 });
    const repeats = quick ? 1 : 3;
    const runs: TrainingRun[] = names.map((backend) => ({
      label: `${backend}, plain loops`,
      backend,
      seconds: () => stepSeconds(() => fullBatchTrainer(fashion, { dtype }), repeats),
    }));
    if (nn) {
      const make = nn.fullBatchTrainerNn;
      runs.push({
        label: "auto, lib/nn modules",
        backend: "auto",
        seconds: () => stepSeconds(() => make(fashion, { dtype }), repeats),
      });
    }
    const np = numpy("fullbatch", dtype)?.seconds as number | undefined;
    rows.push(...trainingRows(`Full-batch step, ${dtype}`, np, runs));
  }

  console.log("## Training, seconds (ratio = time / NumPy's time; goal <= 1.5)\n");
  table(["workload", "implementation", "time", "/ NumPy"], rows);
  if (!nn) console.log(`(lib/nn rows skipped: ${nnReason})\n`);
}
