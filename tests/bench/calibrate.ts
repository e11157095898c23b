/**
 * Measures every available backend on this machine and writes the committed defaults,
 * `kernels/calibration.json`, that `auto` and the small-product thresholds use.
 *
 * Run: `deno run --allow-all tests/bench/calibrate.ts` (about 10-20 s; best on a quiet machine).
 * `--dry-run` prints the table without writing it.
 *
 * @module
 */
import { calibrate } from "../../kernels/mod.ts";

const table = calibrate({ apply: false, budgetMs: 100, log: (line) => console.log(line) });
const json = JSON.stringify(table, null, 2);
if (Deno.args.includes("--dry-run")) console.log(json);
else {
  const path = new URL("../../kernels/calibration.json", import.meta.url).pathname;
  Deno.writeTextFileSync(path, json + "\n");
  // Lay it out as `deno fmt --check` wants it.
  new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", path] }).outputSync();
  console.log(`wrote ${path} (${table.machine})`);
}
