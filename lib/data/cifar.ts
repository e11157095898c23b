/**
 * CIFAR-10, binary version: 50,000 training and 10,000 test colour 32x32 images in 10 classes.
 *
 * Each batch file (`data_batch_1.bin` ... `data_batch_5.bin`, `test_batch.bin`) is a run of
 * 3073-byte records: one label byte, then 1024 red, 1024 green and 1024 blue bytes, each plane
 * row-major 32x32. So a record's pixels are already in PyTorch's channels-first order.
 *
 * @module
 */
import { join } from "node:path";
import type { Tensor } from "../tensor/mod.ts";
import { downloadFile, untar, writeFileAtomic } from "./download.ts";
import {
  type ByteImages,
  finishImages,
  type ImageDataset,
  type ImageLoadOptions,
  type ImageSplit,
} from "./images.ts";
import { fileExists, gunzip } from "./io.ts";
import { type DatasetSource, resolveDataset, type SourceOptions } from "./sources.ts";

/** Options of {@link loadCifar10}: where to look, and how to scale. */
export interface Cifar10Options extends SourceOptions, ImageLoadOptions {}

/** CIFAR-10's class names, by label (as in `batches.meta.txt`). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
]);

/** Bytes per record: 1 label + 3 x 32 x 32 pixels. */
const RECORD = 1 + 3 * 32 * 32;
/** Pixel bytes per image. */
const PIXELS = RECORD - 1;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILE = "test_batch.bin";
const ARCHIVE = {
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  name: "cifar-10-binary.tar.gz",
  sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
};

/** Downloads the archive, unpacks the batch files into `folder`, then deletes the archive. */
async function downloadCifar(folder: string, options: SourceOptions): Promise<void> {
  const archive = join(folder, ARCHIVE.name);
  const urls = options.mirrors?.map((base) => base + ARCHIVE.name) ?? [ARCHIVE.url];
  const errors: string[] = [];
  for (const url of urls) {
    try {
      await downloadFile(url, archive, { sha256: ARCHIVE.sha256, progress: options.progress });
      break;
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length === urls.length) throw new Error(errors.join("; "));
  const files = untar(await gunzip(await Deno.readFile(archive), archive), archive);
  for (const [path, bytes] of files) {
    const name = path.replace(/^.*\//, "");
    if (name.endsWith(".bin") || name === "batches.meta.txt") {
      await writeFileAtomic(join(folder, name), bytes);
    }
  }
  await Deno.remove(archive);
}

const CIFAR_SOURCE: DatasetSource = {
  title: "CIFAR-10",
  folder: "cifar-10",
  files: [...TRAIN_FILES, TEST_FILE],
  gzip: false,
  subfolders: ["cifar-10-batches-bin"],
  localInstalls: () => [],
  howToGet: (folder) => [
    `mkdir -p ${folder} && curl -fL ${ARCHIVE.url} | tar -xz -C ${folder} --strip-components=1`,
  ],
  download: downloadCifar,
};

/**
 * Parses one CIFAR-10 binary batch.
 *
 * @param bytes the whole file
 * @param name the file name, used in error messages
 * @returns images `[N, 3, 32, 32]` (raw bytes) and labels
 * @throws Error naming the file when its size is not a whole number of records or a label is > 9
 */
export function parseCifarBatch(
  bytes: Uint8Array,
  name = "CIFAR-10 batch",
): ImageSplit<ByteImages> {
  const n = recordCount(bytes.length, name);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  decodeInto(bytes, name, images, labels, 0);
  return { images: { data: images, shape: [n, 3, 32, 32] }, labels };
}

/** Records in a file of `size` bytes; throws when it is not a whole number of them. */
function recordCount(size: number, name: string): number {
  const n = Math.floor(size / RECORD);
  const extra = size - n * RECORD;
  if (extra !== 0 || n === 0) {
    throw new Error(
      `Cannot read CIFAR-10 batch ${name}: it is truncated or corrupt: ${size} bytes is not ` +
        `a whole number of ${RECORD}-byte records (${n} records and ${extra} bytes left over)`,
    );
  }
  return n;
}

/** Splits the records of `bytes` into `images`/`labels`, starting at record `at`. */
function decodeInto(
  bytes: Uint8Array,
  name: string,
  images: Uint8Array,
  labels: Int32Array,
  at: number,
): void {
  const n = recordCount(bytes.length, name);
  for (let i = 0; i < n; i++) {
    const label = bytes[i * RECORD];
    if (label > 9) {
      throw new Error(
        `Cannot read CIFAR-10 batch ${name}: it is corrupt: record ${i} has label ${label}, not 0..9`,
      );
    }
    labels[at + i] = label;
    images.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), (at + i) * PIXELS);
  }
}

/**
 * Reads batch files in order into one buffer, sized up front from the file sizes so that the
 * 150 MB of training images are not also held as five separate parts.
 */
async function readBatches(paths: string[]): Promise<ImageSplit<ByteImages>> {
  const sizes = await Promise.all(paths.map(async (p) => (await Deno.stat(p)).size));
  const counts = sizes.map((size, i) => recordCount(size, paths[i]));
  const n = counts.reduce((a, b) => a + b, 0);
  const images = new Uint8Array(n * PIXELS);
  const labels = new Int32Array(n);
  let at = 0;
  for (let i = 0; i < paths.length; i++) {
    decodeInto(await Deno.readFile(paths[i]), paths[i], images, labels, at);
    at += counts[i];
  }
  return { images: { data: images, shape: [n, 3, 32, 32] }, labels };
}

/** Class names from `batches.meta.txt` next to the batches, else the standard ones. */
async function classNames(folder: string): Promise<string[]> {
  const meta = join(folder, "batches.meta.txt");
  if (!fileExists(meta)) return [...CIFAR10_CLASSES];
  const names = (await Deno.readTextFile(meta)).split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  return names.length === 10 ? names : [...CIFAR10_CLASSES];
}

/**
 * Loads CIFAR-10 from its binary batches, like `torchvision.datasets.CIFAR10` (training set =
 * `data_batch_1` ... `data_batch_5` in order, 50,000 images; test set 10,000).
 *
 * Images are raw bytes `[N, 3, 32, 32]` (channels first, as the files store them) by default;
 * with `scale: "unit"` (x/255, torchvision's `ToTensor`) or `"symmetric"` they are a float tensor
 * `[N, 3072]` in channel-major order (PyTorch's `x.view(N, -1)`), or `[N, 3, 32, 32]` with
 * `layout: "image"`. Labels are an Int32Array.
 * Sources: path → $DL_DATA_ROOT/cifar-10 → cache → download (170 MB, SHA-256 checked).
 */
export function loadCifar10(
  options?: Cifar10Options & { scale?: "none" },
): Promise<ImageDataset<ByteImages>>;
/** Loads CIFAR-10 scaled to floats. */
export function loadCifar10(
  options: Cifar10Options & { scale: "unit" | "symmetric" },
): Promise<ImageDataset<Tensor>>;
/** Loads CIFAR-10. */
export function loadCifar10(options: Cifar10Options): Promise<ImageDataset<ByteImages | Tensor>>;
export async function loadCifar10(
  options: Cifar10Options = {},
): Promise<ImageDataset<ByteImages | Tensor>> {
  const found = await resolveDataset(CIFAR_SOURCE, options);
  const train = await readBatches(TRAIN_FILES.map((f) => found.files[f]));
  const test = await readBatches([found.files[TEST_FILE]]);
  const folder = found.files[TEST_FILE].replace(/[\\/][^\\/]*$/, "");
  return {
    ...finishImages({ train, test }, options),
    classNames: await classNames(folder),
    source: found.source,
  };
}
