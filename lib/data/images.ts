/**
 * Image data as the files store it (bytes 0..255) and its conversion to float tensors.
 *
 * @module
 */
import { allocate, type DType, Tensor } from "../tensor/mod.ts";

/** 8-bit images exactly as stored in the data files: values 0..255, row-major. */
export interface ByteImages {
  /** The pixels, row-major (a view on the file's bytes where possible). */
  readonly data: Uint8Array;
  /** `[N, 28, 28]` for MNIST-like sets, `[N, 3, 32, 32]` (channels first) for CIFAR-10. */
  readonly shape: readonly number[];
}

/**
 * How to turn bytes into floats:
 * - `"none"`: keep the raw bytes ({@link ByteImages});
 * - `"unit"`: `x / 255`, in [0, 1] (torchvision's `ToTensor`, the seeds' `x / 255.0`);
 * - `"symmetric"`: `(x - 127.5) / 127.5`, in [-1, 1] (the nnfs book's scaling).
 */
export type ImageScale = "none" | "unit" | "symmetric";

/**
 * Shape of scaled images:
 * - `"flat"`: `[N, H*W*C]`, one row per image (784 for MNIST, 3072 for CIFAR-10 in channel-major
 *   order, which is PyTorch's `x.view(N, -1)`), ready for dense layers;
 * - `"image"`: `[N, C, H, W]`, PyTorch's layout (`[N, 1, 28, 28]`, `[N, 3, 32, 32]`).
 */
export type ImageLayout = "flat" | "image";

/** Options of {@link scaleImages}. */
export interface ScaleImagesOptions extends ScaleImagesOptionsBase {
  /** `"unit"` (default) or `"symmetric"`; see {@link ImageScale}. */
  scale?: "unit" | "symmetric";
}

/**
 * The 256 possible results of the scaling in the target dtype. Scaling through a table is exact:
 * each entry is one division rounded once to the dtype, which is what NumPy computes
 * (`x.astype(float32) / 255` in float32 or `x / 255.0` in float64) and PyTorch's `ToTensor` too.
 */
function scaleTable(scale: "unit" | "symmetric", dtype: DType): Float32Array | Float64Array {
  const table = allocate(dtype, 256);
  for (let b = 0; b < 256; b++) table[b] = scale === "unit" ? b / 255 : (b - 127.5) / 127.5;
  return table;
}

/**
 * Converts raw images to a float tensor, e.g. `scaleImages(mnist.train.images, {dtype: "float32"})`
 * gives a `[60000, 784]` float32 tensor with values in [0, 1].
 *
 * @param images raw images `[N, ...]`
 * @param options scale, dtype and layout
 */
export function scaleImages(images: ByteImages, options: ScaleImagesOptions = {}): Tensor {
  const { scale = "unit", dtype = "float64", layout = "flat" } = options;
  if (scale !== "unit" && scale !== "symmetric") {
    throw new RangeError(`scaleImages: unknown scale "${scale}" (use "unit" or "symmetric")`);
  }
  const table = scaleTable(scale, dtype);
  const src = images.data;
  const out = allocate(dtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = table[src[i]];
  return new Tensor(out, layoutShape(images.shape, layout));
}

/** `[N, ...]` to `[N, D]` or `[N, C, H, W]` (a grey image `[N, H, W]` gets C = 1). */
function layoutShape(shape: readonly number[], layout: ImageLayout): number[] {
  const n = shape[0];
  const rest = shape.slice(1);
  if (layout === "flat") return [n, rest.reduce((a, b) => a * b, 1)];
  if (layout === "image") return rest.length === 2 ? [n, 1, ...rest] : [n, ...rest];
  throw new RangeError(`scaleImages: unknown layout "${layout}" (use "flat" or "image")`);
}

/** Options of the image loaders (`loadMnist`, `loadFashionMnist`, `loadCifar10`). */
export interface ImageLoadOptions extends ScaleImagesOptionsBase {
  /** `"none"` (default: raw bytes), `"unit"` or `"symmetric"`; see {@link ImageScale}. */
  scale?: ImageScale;
}

/** The dtype and layout options shared by {@link ScaleImagesOptions} and the loaders. */
export interface ScaleImagesOptionsBase {
  /** Float type of scaled images (default `"float64"`; `"float32"` halves memory). */
  dtype?: DType;
  /** Shape of scaled images: `"flat"` (default) or `"image"`; see {@link ImageLayout}. */
  layout?: ImageLayout;
}

/** One split of an image data set: images and their integer class labels. */
export interface ImageSplit<I> {
  /** Raw {@link ByteImages} or, with a `scale` option, a float {@link Tensor}. */
  images: I;
  /** Class index of each image, 0..9. */
  labels: Int32Array;
}

/** What the image loaders return. */
export interface ImageDataset<I> {
  /** The training split. */
  train: ImageSplit<I>;
  /** The test split. */
  test: ImageSplit<I>;
  /** Name of each class, by label. */
  classNames: string[];
  /** Where the files were found, e.g. `/usr/share/datasets/fashion-mnist (Debian package ...)`. */
  source: string;
}

/** Applies the loaders' `scale`/`dtype`/`layout` options to raw splits. */
export function finishImages(
  raw: { train: ImageSplit<ByteImages>; test: ImageSplit<ByteImages> },
  options: ImageLoadOptions,
): { train: ImageSplit<ByteImages | Tensor>; test: ImageSplit<ByteImages | Tensor> } {
  const { scale = "none", dtype, layout } = options;
  if (scale === "none") return raw;
  const convert = (s: ImageSplit<ByteImages>): ImageSplit<Tensor> => ({
    images: scaleImages(s.images, { scale, dtype, layout }),
    labels: s.labels,
  });
  return { train: convert(raw.train), test: convert(raw.test) };
}
