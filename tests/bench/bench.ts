/**
 * `deno task bench`: GFLOP/s of every available gemm backend against NumPy (with the backend `auto`
 * picks for each shape), what the tensor-level operations keep of the kernels' speed when they
 * allocate their result, and the time and peak memory of the training workloads against NumPy,
 * plain loops and `lib/nn` modules, all measured in the same run.
 *
 * Flags: `--gemm`, `--ops` or `--train` (only those parts), `--quick` (shorter budgets, no 1024^3,
 * one repeat), `--all` (also train on every backend), `--budget=MS` (time per gemm measurement,
 * default 300), `--no-numpy`.
 *
 * A user's machine does not pin OpenBLAS to one core type: when `OPENBLAS_CORETYPE` or
 * `OPENBLAS_L2_SIZE` is set, the bench runs itself again in a child process without them, so that
 * NumPy and our backends both see OpenBLAS's own choice. Gemm figures are the best of several runs
 * after a warm-up (other processes only ever slow a run down); every training figure comes from a
 * fresh process (`train_child.ts`, `numpy_bench.py`), ours and NumPy's alternating, best of the
 * repeats; within a process a full-batch step is the median of 7 steps after 2 warm-up steps (a
 * training loop's steady state), and peak memory is the highest any repeat reached. NumPy is
 * measured through `python3` when it has numpy. When NumPy's wheel brings its own OpenBLAS (often
 * newer than the system's), lib/nn is also timed on that library, so that the comparison of the
 * modules is not a comparison of two OpenBLAS versions.
 *
 * @module
 */
import {
  autoChoice,
  type Backend,
  BLAS_ENV_VAR,
  type BlasBackend,
  createOrtBridgeBackend,
  getCalibration,
  gflops,
  type KernelDType,
  listBackends,
  machineDescription,
  measureGemm,
  tryBackend,
} from "../../kernels/mod.ts";
import { opsRows } from "./ops_bench.ts";

/** Environment variables that pin OpenBLAS (these CI machines set them; users' machines do not). */
const PINNING = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];
if (PINNING.some((name) => Deno.env.get(name) !== undefined)) {
  const env = Deno.env.toObject();
  for (const name of PINNING) delete env[name];
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const self = new URL(import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", config, self, ...Deno.args],
    env,
    clearEnv: true,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  Deno.exit((await child.status).code);
}

const args = new Set(Deno.args);
const flag = (name: string) => args.has(`--${name}`);
const budgetArg = Deno.args.find((a) => a.startsWith("--budget="));
const quick = flag("quick");
const budgetMs = budgetArg ? Number(budgetArg.slice(9)) : quick ? 100 : 300;
const parts = ["gemm", "ops", "train"].filter(flag);
const doGemm = parts.length === 0 || flag("gemm");
const doOps = parts.length === 0 || flag("ops");
const doTrain = parts.length === 0 || flag("train");
const DTYPES: KernelDType[] = ["float32", "float64"];

// ---------------------------------------------------------------------------------------------
// NumPy through python3

const numpyScript = new URL("./numpy_bench.py", import.meta.url).pathname;

/**
 * glibc settings equal to what lib/tensor asks of the C library in our process (memory.ts: serve
 * every size from the heap, never trim it), for a NumPy run on the same terms: on a machine where
 * mapping new memory is slow (this one: about 1 ms per MiB), NumPy's defaults pay for it on every
 * large temporary, which a user's machine mostly does not.
 */
const KEPT_MEMORY = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647";

/** Runs numpy_bench.py with the arguments; undefined when python3 or numpy is missing. */
function numpy(...argv: string[]): Record<string, number | string> | undefined {
  return numpyWith({}, ...argv);
}

/** {@link numpy} with extra environment variables. */
function numpyWith(
  env: Record<string, string>,
  ...argv: string[]
): Record<string, number | string> | undefined {
  if (flag("no-numpy")) return undefined;
  try {
    const out = new Deno.Command("python3", {
      args: [numpyScript, ...argv],
      env,
      stderr: "piped",
    }).outputSync();
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
    `best of runs, ${budgetMs} ms per gemm measurement; OpenBLAS unpinned ` +
    `(${PINNING.join(", ")} unset)\n`,
);

/** The real path of the mapped library whose file name contains `blas` (Linux), else undefined. */
function ourBlasLibrary(): string | undefined {
  if (!tryBackend("blas")) return undefined;
  try {
    const maps = Deno.readTextFileSync("/proc/self/maps").split("\n");
    const path = maps.map((l) => l.split(/\s+/)[5] ?? "").find((p) =>
      /blas[^/]*\.so/.test(p.slice(p.lastIndexOf("/")))
    );
    return path ? Deno.realPathSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * NumPy's own OpenBLAS when it is another library than ours (NumPy's wheels ship a newer one than
 * most systems): lib/nn is also timed with it (DENO_BLAS_PATH), so that a difference between the
 * two libraries is not counted as the cost of our modules.
 */
const numpyBlas = (() => {
  const path = numpy("blas")?.path as string | undefined;
  if (!path) return undefined;
  const real = Deno.realPathSync(path);
  return real === ourBlasLibrary() ? undefined : real;
})();

const blasConfig = (tryBackend("blas") as BlasBackend | undefined)?.config;
if (blasConfig) console.log(`blas: ${blasConfig}`);
if (numpyBlas) console.log(`NumPy's BLAS: ${numpyBlas}`);
console.log();

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
  const calibration = getCalibration({ settle: true });
  console.log("## GEMM, GFLOP/s (C = A @ B, row-major, no transposes)\n");
  console.log(
    `\`auto\` routes by the calibration measured for ${calibration.machine} on ` +
      `${calibration.date}.\n`,
  );
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
      const picked = autoChoice(calibration, dtype, m * n * k, tryBackend);
      const pickedSpeed = speeds[backends.findIndex((b) => b.name === picked)];
      rows.push([
        `${m}x${n}x${k} ${dtype}`,
        ...speeds.map((v) => fmt(v)),
        fmt(np),
        np ? `${(best / np).toFixed(2)} (${bestName})` : "–",
        picked,
        np ? fmt((pickedSpeed ?? NaN) / np, 2) : "–",
      ]);
    }
  }
  table(
    [
      "shape",
      ...backends.map((b) => b.name),
      "NumPy",
      "best / NumPy",
      "auto picks",
      "auto / NumPy",
    ],
    rows,
  );

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
// Tensor-level operations against the raw kernels

if (doOps) {
  console.log(
    "## Tensor operations with fresh results against the raw kernel (ms, median of runs)\n",
  );
  console.log(
    "`raw`: the kernel (`gemm` of the backend `auto` picks, or a typed-array loop) writing into " +
      "memory it already used; `fresh`: the tensor function allocating its result each call, in " +
      "a loop's steady state (after warm-up calls that allocate 1 GiB of results, so that V8 has " +
      "collected the first ones and their memory is reused; a process's first large results pay " +
      "for new memory instead); " +
      "`out`: the same function writing into a kept tensor. Ratio: raw time / fresh time (1 = " +
      "no cost for the fresh result).\n",
  );
  table(["operation", "raw", "fresh", "out", "raw / fresh"], opsRows({ quick }));
}

// ---------------------------------------------------------------------------------------------
// Training, each figure from a fresh process

const childScript = new URL("./train_child.ts", import.meta.url).pathname;
const denoConfig = new URL("../../deno.json", import.meta.url).pathname;

/** One run of train_child.ts: seconds, peak memory and auto's pick; undefined when it fails. */
function ours(
  env: Record<string, string>,
  ...argv: string[]
): { seconds: number; peakMiB: number; auto: string } | undefined {
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--config", denoConfig, childScript, ...argv],
    env,
    stderr: "piped",
  }).outputSync();
  if (!out.success) {
    console.log(`(train_child ${argv.join(" ")} failed: ${new TextDecoder().decode(out.stderr)})`);
    return undefined;
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** One implementation of a training workload: train_child.ts arguments and extra environment. */
interface Impl {
  label: string;
  argv: string[];
  env?: Record<string, string>;
}

/** Best time and highest peak of several runs of one implementation. */
interface Runs {
  seconds: number;
  peakMiB: number;
  auto?: string;
}

/** `best` updated with one more run: the faster time, the higher peak. */
function merge(best: Runs, run: Runs | undefined): Runs {
  if (!run) return best;
  const peakMiB = Math.max(run.peakMiB, best.peakMiB);
  return run.seconds < best.seconds ? { ...run, peakMiB } : { ...best, peakMiB };
}

/**
 * A workload's row set: each implementation's best time over the repeats (processes), NumPy's
 * alternating (with its C library's defaults, and with freed memory kept as in our process), and
 * the highest peak memory any of its processes reached. Ratios are to NumPy with its defaults and,
 * in the next column, to NumPy on our terms.
 */
function trainingRows(
  title: string,
  workload: string,
  dtype: KernelDType,
  impls: Impl[],
  repeats: number,
  extraNumpy: { label: string; env: Record<string, string> }[] = [],
): string[][] {
  const empty = (): Runs => ({ seconds: Infinity, peakMiB: 0 });
  const best = impls.map(empty);
  let np = empty(), npKept = empty();
  const extra = extraNumpy.map(empty);
  for (let r = 0; r < repeats; r++) {
    impls.forEach((impl, i) => {
      const [kind, ...rest] = impl.argv;
      best[i] = merge(best[i], ours(impl.env ?? {}, workload, kind, dtype, ...rest));
    });
    np = merge(np, numpy(workload, dtype) as Runs | undefined);
    npKept = merge(
      npKept,
      numpyWith({ GLIBC_TUNABLES: KEPT_MEMORY }, workload, dtype) as Runs | undefined,
    );
    extraNumpy.forEach((variant, i) => {
      const env = { GLIBC_TUNABLES: KEPT_MEMORY, ...variant.env };
      extra[i] = merge(extra[i], numpyWith(env, workload, dtype) as Runs | undefined);
    });
  }
  const ratio = (a: number, b: number, digits = 2) => Number.isFinite(b) ? fmt(a / b, digits) : "–";
  const row = (label: string, run: Runs) => [
    title,
    label,
    fmt(run.seconds, 2),
    ratio(run.seconds, np.seconds),
    ratio(run.seconds, npKept.seconds),
    fmt(run.peakMiB, 0),
    ratio(run.peakMiB, np.peakMiB),
  ];
  const rows = impls.map((impl, i) =>
    row(impl.label + (impl.label.startsWith("auto") ? ` (${best[i].auto})` : ""), best[i])
  );
  if (Number.isFinite(np.seconds)) rows.push(row("NumPy", np));
  if (Number.isFinite(npKept.seconds)) rows.push(row("NumPy, freed memory kept", npKept));
  extraNumpy.forEach((variant, i) => {
    if (Number.isFinite(extra[i].seconds)) rows.push(row(variant.label, extra[i]));
  });
  return rows;
}

if (doTrain) {
  const repeats = quick ? 1 : 2;
  const backendsToTry = flag("all") ? ["blas", "ort-node", "ort-wasm", "js"] : [];
  const perBackend = backendsToTry.filter((name) => tryBackend(name) !== undefined).map((name) => ({
    label: `${name}, plain loops`,
    argv: ["plain", `--backend=${name}`],
  }));
  const impls: Impl[] = [
    { label: "auto, plain loops", argv: ["plain"] },
    ...perBackend,
    { label: "auto, lib/nn modules", argv: ["nn"] },
  ];
  // lib/nn on NumPy's own OpenBLAS: the same kernels on both sides.
  const sameBlas: Impl[] = numpyBlas
    ? [{
      label: "lib/nn modules, NumPy's OpenBLAS",
      argv: ["nn"],
      env: { [BLAS_ENV_VAR]: numpyBlas },
    }]
    : [];
  // One OpenBLAS thread: batch-64 products are small, and the second thread's partial results
  // sit in the other core's cache when the element-wise code reads them (different bits, though:
  // OpenBLAS's results depend on its thread count).
  const oneThread = { OPENBLAS_NUM_THREADS: "1" };
  const rows: string[][] = [];
  rows.push(
    ...trainingRows(
      "MNIST-MLP epoch, float64",
      "mlp",
      "float64",
      [
        ...impls,
        ...sameBlas,
        { label: "auto, lib/nn modules, 1 OpenBLAS thread", argv: ["nn"], env: oneThread },
      ],
      1,
      [{ label: "NumPy, freed memory kept, 1 OpenBLAS thread", env: oneThread }],
    ),
  );
  // The full-batch step also without `{out}` for the first layer's input gradient (376 MB per
  // step in float64, in new memory each time), to show what that costs.
  const fullBatchImpls = [...impls, ...sameBlas, {
    label: "auto, lib/nn, fresh input gradient",
    argv: ["nn-fresh"],
  }];
  for (const dtype of DTYPES) {
    rows.push(
      ...trainingRows(`Full-batch step, ${dtype}`, "fullbatch", dtype, fullBatchImpls, repeats),
    );
  }
  console.log(
    "## Training, seconds and peak memory (ratios to NumPy's; goals: full-batch lib/nn <= 1.0, " +
      "MNIST epoch <= 0.5, memory <= 1.5)\n",
  );
  console.log(
    "`/ NumPy`: against NumPy with its C library's defaults, as a user runs it. `/ kept`: " +
      "against NumPy with freed memory kept in the process (GLIBC_TUNABLES), as lib/tensor asks " +
      "of the C library in ours; where mapping new memory is slow, as on virtual machines that " +
      "hand freed memory back to their host, NumPy's defaults pay for it on every large " +
      "temporary, and this column is the comparison on equal terms. `NumPy's OpenBLAS`: lib/nn " +
      "calling the OpenBLAS inside NumPy's wheel (DENO_BLAS_PATH) when it is another library " +
      "than ours, so that both sides run the same kernels. `1 OpenBLAS thread`: both sides with " +
      "OPENBLAS_NUM_THREADS=1 (results differ in the last bits from a 2-thread run).\n",
  );
  table(
    ["workload", "implementation", "time", "/ NumPy", "/ kept", "peak MiB", "/ NumPy"],
    rows,
  );
}
