/**
 * The notebooks' reproduction table (`notebooks/support.ts`): which of the three states a row
 * reaches (exact to the printed digits, inside a stated range, differs), rounding to the digits
 * printed, counting, the closing line, and the atomically written summary file. Expected values
 * are worked out by hand from the printed digits.
 */
import assert from "node:assert/strict";
import {
  compareRow,
  countStates,
  describeRange,
  markdownTable,
  Notebook,
  parsePrinted,
  ReproductionTable,
  stateLine,
  writeAtomic,
} from "../notebooks/support.ts";

Deno.test("parsePrinted reads the digits each number was printed to", () => {
  const tokens = parsePrinted("[[0.569719 -0.24] [0. 1]]")!;
  assert.deepEqual(tokens.map((t) => t.value), [0.569719, -0.24, 0, 1]);
  assert.deepEqual(tokens.map((t) => t.round(0.12345678)), ["0.123457", "0.12", "0", "0"]);
  assert.deepEqual(tokens.map((t) => t.halfUnit), [5e-7, 0.005, 0.5, 0.5]);
  const [e] = parsePrinted("8.877935601100038e-07")!;
  assert.equal(e.round(8.8779356011e-7), "8.877935601100000e-7");
  assert.ok(Math.abs(e.halfUnit - 5e-23) < 1e-36, `${e.halfUnit}`); // half of 1e-22
  assert.equal(parsePrinted("90.00%")![0].value, 90);
  assert.equal(parsePrinted("(160, 3)"), null);
  assert.equal(parsePrinted("pass"), null);
  assert.equal(parsePrinted(""), null);
});

Deno.test("a row is exact when every value rounds to the printed digits", () => {
  assert.equal(compareRow("q", 0.41937, { original: "0.4194" }).state, "exact");
  assert.equal(compareRow("q", 0.419449, { original: "0.4194" }).state, "exact");
  const r = compareRow("q", [0.5697194, -0.2403176], { original: "[0.569719 -0.240318]" });
  assert.equal(r.state, "exact");
  assert.equal(r.here, "[0.569719 -0.240318]");
  assert.equal(r.asExpected, true);
  assert.equal(r.note, "");
  // integers and "0." tokens, a typed array, a tensor-like value
  assert.equal(compareRow("q", Int32Array.of(0, 0, 1), { original: "[0 0 1]" }).state, "exact");
  assert.equal(compareRow("q", { data: [-1e-9, 1] }, { original: "[0. 1.]" }).state, "exact");
  // a percentage printed with two decimals
  const pct = compareRow("q", 92.5, { original: "92.50%" });
  assert.deepEqual([pct.state, pct.here], ["exact", "92.50%"]);
  // texts must be equal (up to runs of spaces)
  assert.equal(compareRow("q", "(1797,  64)", { original: "(1797, 64)" }).state, "exact");
});

Deno.test("a row that misses the printed digits differs, and is flagged unless expected", () => {
  const r = compareRow("q", 0.41951, { original: "0.4194" });
  assert.deepEqual([r.state, r.expected, r.asExpected], ["differs", "exact", false]);
  assert.equal(r.here, "0.4195");
  assert.equal(r.note, "not equal to the printed digits");
  const text = compareRow("q", "fail", { original: "pass" });
  assert.deepEqual([text.state, text.asExpected], ["differs", false]);
  const short = compareRow("q", [1, 2], { original: "[1 2 3]" });
  assert.deepEqual([short.state, short.note], ["differs", "2 values here, 3 printed"]);
});

Deno.test("a row inside its stated range is 'in range', with the range in words", () => {
  const range = { within: 0.03, why: "unseeded start" };
  // |1.41325 - 1.3832| = 0.03005, within 0.03 plus half a unit of the 4th decimal
  const r = compareRow("q", 1.41325, { original: "1.3832", range });
  assert.deepEqual([r.state, r.expected, r.asExpected], ["in range", "in range", true]);
  assert.equal(r.note, "±0.03 (unseeded start)");
  const out = compareRow("q", 1.4133, { original: "1.3832", range });
  assert.deepEqual([out.state, out.asExpected], ["differs", false]);
  assert.equal(out.note, "outside the range ±0.03 (unseeded start)");
  // a range row that happens to match the digits is exact
  assert.equal(compareRow("q", 1.38324, { original: "1.3832", range }).state, "exact");
  // bounds and relative ranges
  const below = { low: 0, high: 1e-5, why: "threshold" };
  assert.equal(compareRow("q", 3e-7, { original: "8.9e-07", range: below }).state, "in range");
  assert.equal(compareRow("q", 2e-5, { original: "8.9e-07", range: below }).state, "differs");
  const rel = { relative: 1e-9, why: "sum order" };
  assert.equal(
    compareRow("q", 2 * (1 + 5e-10), { original: "2.0000000000", range: rel }).state,
    "in range",
  );
  assert.equal(
    compareRow("q", 2 * (1 + 5e-9), { original: "2.0000000000", range: rel }).state,
    "differs",
  );
  assert.equal(describeRange({ low: 1.9, high: 2.15, why: "w" }), "between 1.9 and 2.15 (w)");
  assert.equal(describeRange({ low: 3, why: "w" }), "≥ 3 (w)");
});

Deno.test("a row expected to differ says why and is as expected", () => {
  const r = compareRow("q", 0.786, { original: "0.68", differs: "the original was unseeded" });
  assert.deepEqual([r.state, r.expected, r.asExpected], ["differs", "differs", true]);
  assert.equal(r.note, "the original was unseeded");
  // honest: if it matches after all, it is exact
  assert.equal(compareRow("q", 0.68, { original: "0.68", differs: "x" }).state, "exact");
});

Deno.test("counting states and the closing line", () => {
  const rows = [
    compareRow("a", 1, { original: "1" }),
    compareRow("b", 1.2, { original: "1.0", range: { within: 0.5, why: "w" } }),
    compareRow("c", 5, { original: "1", differs: "d" }),
    compareRow("d", 7, { original: "1", differs: "d" }),
  ];
  assert.deepEqual(countStates(rows), { exact: 1, inRange: 1, differs: 2 });
  assert.equal(stateLine({ exact: 31, inRange: 5, differs: 4 }), "31 exact, 5 in range, 4 differ");
  assert.equal(stateLine({ exact: 2, inRange: 0, differs: 1 }), "2 exact, 0 in range, 1 differs");
  const md = markdownTable([compareRow("a | b", "x|y", { original: "x|y" })]).split("\n");
  assert.equal(md.length, 3);
  assert.equal(md[2], "| a \\| b | `x\\|y` | `x\\|y` | ✓ exact |");
  const range = { within: 0.5, why: "w" };
  assert.ok(markdownTable([rows[1]]).endsWith("| ≈ in range ±0.5 (w) |"));
  assert.ok(markdownTable([rows[2]]).endsWith("| ✗ differs: d |"));
  const worse = compareRow("e", 3, { original: "1.0", range });
  assert.ok(
    markdownTable([worse]).endsWith(
      "| ✗ differs (expected in range): outside the range ±0.5 (w) |",
    ),
  );
});

Deno.test("ReproductionTable fills expectations by quantity and refuses gaps", async () => {
  const table = new ReproductionTable({
    "loss": { original: "0.4194", range: { within: 0.01, why: "unseeded" } },
    "shape": { original: "(2, 3)" },
  });
  assert.throws(() => table.row("unknown", 1), /no original value for "unknown"/);
  table.row("loss", 0.425);
  await assert.rejects(() => table.show(), /rows never filled: shape/);
  table.row("shape", "(2, 4)");
  table.row("generated", 3, { original: "3", source: "a NumPy run of the same code" });
  const json = table.toJSON();
  assert.deepEqual(json.counts, { exact: 1, inRange: 1, differs: 1 });
  assert.equal(json.unexpected, 1);
  assert.equal(json.line, "1 exact, 1 in range, 1 differs");
  assert.equal(json.rows[2].source, "a NumPy run of the same code");
});

Deno.test("the summary file is written atomically with the counts in its headline", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = new Notebook("99_example", { quick: "1", out: dir });
    assert.equal(nb.quick, true);
    assert.equal(new Notebook("99_example", { quick: "0" }).quick, false);
    assert.ok(new Notebook("99_example").out.endsWith("/out/99_example"));
    const t = nb.table({ "a": { original: "1.0" } });
    t.row("a", 1.04);
    t.row("b", 2, { original: "3", differs: "a bug in the original" });
    await nb.writeSummary({ value: 1.04 }, "1 of 1 epochs match");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(names, ["summary.json"]);
    const s = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
    assert.equal(s.notebook, "99_example");
    assert.equal(s.quick, true);
    assert.equal(s.value, 1.04);
    assert.equal(s.headline, "reproduction: 1 exact, 0 in range, 1 differs; 1 of 1 epochs match");
    assert.equal(s.reproduction.rows.length, 2);
    assert.deepEqual(s.reproduction.counts, { exact: 1, inRange: 0, differs: 1 });
    assert.equal(s.reproduction.unexpected, 0);
    await writeAtomic(`${dir}/summary.json`, "replaced\n");
    assert.equal(await Deno.readTextFile(`${dir}/summary.json`), "replaced\n");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["summary.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
