/**
 * Load time and peak memory of the data-set loaders, and the cost of a DataLoader epoch.
 *
 * Run: `deno run --allow-all tests/bench/data_bench.ts` (Linux: peak memory is read from
 * /proc/self/status; about 5 s). Each load runs in its own process so that peaks do not mix.
 * CIFAR-10 is measured on full-size random batches written to a temporary folder.
 *
 * @module
 */
import { DataLoader, loadCifar10, loadFashionMnist, loadMnist } from "../../lib/data/mod.ts";

type Case = "mnist-raw" | "mnist-f32" | "mnist-f64" | "fashion-f32" | "cifar-f32";
const CASES: Case[] = ["mnist-raw", "mnist-f32", "mnist-f64", "fashion-f32", "cifar-f32"];

/** Peak resident memory so far, MiB (VmHWM). */
function peakMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

async function load(which: Case, cifarDir: string) {
  const f32 = { scale: "unit", dtype: "float32", download: false } as const;
  switch (which) {
    case "mnist-raw":
      return await loadMnist({ download: false });
    case "mnist-f32":
      return await loadMnist(f32);
    case "mnist-f64":
      return await loadMnist({ scale: "unit", download: false });
    case "fashion-f32":
      return await loadFashionMnist(f32);
    case "cifar-f32":
      return await loadCifar10({ ...f32, path: cifarDir });
  }
}

/** Child process: one load, one JSON line. */
async function child(which: Case, cifarDir: string): Promise<void> {
  const base = peakMiB();
  const t0 = performance.now();
  const d = await load(which, cifarDir);
  const ms = performance.now() - t0;
  const mb = d.train.images.data.byteLength / 1e6;
  console.log(JSON.stringify({ which, ms, trainMB: mb, peakMB: (peakMiB() - base) * 1.048576 }));
}

/** Writes full-size CIFAR-10 batches of random bytes (labels 0..9). */
function fakeCifar(): string {
  const dir = Deno.makeTempDirSync({ prefix: "cifar_bench_" });
  const names = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat("test_batch.bin");
  for (const name of names) {
    const bytes = new Uint8Array(10000 * 3073);
    for (let i = 0; i < bytes.length; i += 65536) {
      crypto.getRandomValues(bytes.subarray(i, Math.min(bytes.length, i + 65536)));
    }
    for (let r = 0; r < 10000; r++) bytes[r * 3073] %= 10;
    Deno.writeFileSync(`${dir}/${name}`, bytes);
  }
  return dir;
}

async function epochs(): Promise<void> {
  const { train } = await loadMnist({ scale: "unit", dtype: "float32", download: false });
  for (const reuseBuffers of [false, true]) {
    const loader = new DataLoader(train.images, train.labels, {
      batchSize: 64,
      shuffle: true,
      reuseBuffers,
    });
    const times: number[] = [];
    for (let e = 0; e < 5; e++) {
      const t0 = performance.now();
      let n = 0;
      for (const b of loader) n += b.y.length;
      times.push(performance.now() - t0);
      if (n !== 60000) throw new Error(`epoch saw ${n} rows`);
    }
    times.sort((a, b) => a - b);
    console.log(
      `DataLoader MNIST float32, 938 shuffled batches of 64, reuseBuffers=${reuseBuffers}: ` +
        `median ${times[2].toFixed(0)} ms/epoch`,
    );
  }
}

if (Deno.args[0] === "--one") {
  await child(Deno.args[1] as Case, Deno.args[2]);
} else {
  const cifarDir = fakeCifar();
  try {
    console.log("case         load ms  train images MB  peak over baseline MB  peak / train");
    for (const which of CASES) {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", import.meta.filename!, "--one", which, cifarDir],
      }).output();
      if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
      const r = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
      console.log(
        `${which.padEnd(12)} ${r.ms.toFixed(0).padStart(7)}  ${r.trainMB.toFixed(1).padStart(15)}` +
          `  ${r.peakMB.toFixed(0).padStart(21)}  ${
            (r.peakMB / r.trainMB).toFixed(2).padStart(11)
          }`,
      );
    }
  } finally {
    Deno.removeSync(cifarDir, { recursive: true });
  }
  await epochs();
}
