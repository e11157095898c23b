"""NumPy's side of `deno task bench` (tests/bench/bench.ts spawns it; it is not needed by the tests).

    python3 tests/bench/numpy_bench.py gemm M N K DTYPE BUDGET_MS   -> GFLOP/s of A @ B
    python3 tests/bench/numpy_bench.py blas                         -> the BLAS library NumPy uses
    python3 tests/bench/numpy_bench.py mlp DTYPE                     -> seconds of one MNIST-MLP epoch
    python3 tests/bench/numpy_bench.py fullbatch DTYPE               -> seconds of one full-batch step

Each prints one JSON object. The training workloads are tests/bench/train_plain.ts line for line:
same shapes, same operations (including nnfs's copies and masks), synthetic data of the same size.
Timings use the same rules as the Deno side: a full-batch step is the median of 7 steps after 2
warm-up steps (a training loop's steady state); an epoch is one epoch after a warm-up.
"""

import json
import resource
import sys
import time

import numpy as np


def gemm(m, n, k, dtype, budget_ms):
    rng = np.random.default_rng(0)
    a = (rng.random((m, k)) - 0.5).astype(dtype)
    b = (rng.random((k, n)) - 0.5).astype(dtype)
    c = np.empty((m, n), dtype=dtype)
    # Warm-up (threads, caches) for a quarter of the budget; it also estimates the time per call.
    t0 = time.perf_counter()
    calls = 0
    while calls < 1 or time.perf_counter() - t0 < budget_ms / 4000:
        np.matmul(a, b, out=c)
        calls += 1
    first = max((time.perf_counter() - t0) / calls, 1e-7)
    per_batch = max(1, min(100000, int(np.ceil(0.002 / first))))
    min_batches = 1 if first > budget_ms / 1000 else 3
    best = float("inf")
    start = time.perf_counter()
    batches = 0
    while batches < min_batches or time.perf_counter() - start < budget_ms / 1000:
        t0 = time.perf_counter()
        for _ in range(per_batch):
            np.matmul(a, b, out=c)
        best = min(best, (time.perf_counter() - t0) / per_batch)
        batches += 1
    return {"gflops": 2 * m * n * k / best / 1e9, "seconds": best}


def synthetic(dtype, samples, features, classes):
    rng = np.random.default_rng(1)
    x = rng.random((samples, features)).astype(dtype)
    y = rng.integers(0, classes, samples)
    return x, y


def glorot(rng, sizes, dtype):
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        lim = np.sqrt(6 / (n_in + n_out))
        layers.append([rng.uniform(-lim, lim, (n_in, n_out)).astype(dtype),
                       np.zeros((1, n_out), dtype=dtype)])
    return layers


def softmax_ce(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.mean(np.log(np.clip(p[range(n), y], 1e-7, 1 - 1e-7)))
    d = p.copy()
    d[range(n), y] -= 1
    d /= n
    return loss, p, d


def mlp_epoch(dtype, max_batches=None):
    x, y = synthetic(dtype, 60000, 784, 10)
    rng = np.random.default_rng(2)
    layers = glorot(rng, [784, 500, 250, 100, 10], dtype)
    lr, batch = 0.1, 64

    def epoch(limit):
        perm = rng.permutation(len(y))
        loss = None
        for i, s in enumerate(range(0, len(y), batch)):
            if limit is not None and i >= limit:
                break
            idx = perm[s:s + batch]
            xb, yb = x[idx], y[idx]
            acts = [xb]
            for j, (w, b) in enumerate(layers):
                z = acts[-1] @ w + b
                acts.append(z if j == len(layers) - 1 else 1 / (1 + np.exp(-z)))
            loss, _, dz = softmax_ce(acts[-1], yb)
            grads = []
            for j in range(len(layers) - 1, -1, -1):
                w, _ = layers[j]
                grads.append((acts[j].T @ dz, dz.sum(axis=0, keepdims=True)))
                if j > 0:
                    a = acts[j]
                    dz = (dz @ w.T) * a * (1 - a)
            for (w, b), (dw, db) in zip(layers, reversed(grads)):
                w -= lr * dw
                b -= lr * db
        return loss

    epoch(20)  # warm-up
    t0 = time.perf_counter()
    epoch(max_batches)
    return {"seconds": time.perf_counter() - t0}


def fullbatch_step(dtype, repeats=7):
    x, y = synthetic(dtype, 60000, 784, 10)
    rng = np.random.default_rng(3)
    (w1, b1), (w2, b2), (w3, b3) = glorot(rng, [784, 128, 128, 10], dtype)
    lr, l2 = 1.0, 5e-4

    def step():
        nonlocal w1, b1, w2, b2, w3, b3
        z1 = x @ w1 + b1
        a1 = np.maximum(0, z1)
        z2 = a1 @ w2 + b2
        a2 = np.maximum(0, z2)
        z3 = a2 @ w3 + b3
        data_loss, p, d3 = softmax_ce(z3, y)
        reg = l2 * np.sum(w1 * w1) + l2 * np.sum(b1 * b1)
        acc = np.mean(np.argmax(p, axis=1) == y)
        dw3, db3 = a2.T @ d3, np.sum(d3, axis=0, keepdims=True)
        da2 = d3 @ w3.T
        dz2 = da2.copy()
        dz2[z2 <= 0] = 0
        dw2, db2 = a1.T @ dz2, np.sum(dz2, axis=0, keepdims=True)
        da1 = dz2 @ w2.T
        dz1 = da1.copy()
        dz1[z1 <= 0] = 0
        dw1, db1 = x.T @ dz1, np.sum(dz1, axis=0, keepdims=True)
        dw1 += 2 * l2 * w1
        db1 += 2 * l2 * b1
        _dx = dz1 @ w1.T  # nnfs's Layer_Dense.backward computes dinputs for dense1 too
        w1 += -lr * dw1
        b1 += -lr * db1
        w2 += -lr * dw2
        b2 += -lr * db2
        w3 += -lr * dw3
        b3 += -lr * db3
        return data_loss + reg, acc

    for _ in range(2):  # warm-up, as train_child.ts does
        step()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return {"seconds": float(np.median(times))}


def peak_mib():
    """Peak resident memory of this process: Linux's VmHWM, else ru_maxrss.

    (On Linux ru_maxrss survives execve, so a child of a large parent would report the parent's
    peak; VmHWM belongs to this process's own address space.)
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 2**20 if sys.platform == "darwin" else rss / 1024


def blas_library():
    """The path of the BLAS library NumPy loaded (from this process's memory map; Linux only).

    NumPy's wheels ship their own OpenBLAS (numpy.libs/libscipy_openblas64_*.so), often newer than
    the system's; the bench also runs lib/nn with it (DENO_BLAS_PATH) to compare on equal kernels.
    """
    a = np.ones((64, 64))
    a @ a  # make sure the library is loaded
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.rsplit("/", 1)[-1]}
    except OSError:
        return {"path": None}
    libs = sorted(p for p in paths if p.startswith("/") and ".so" in p)
    return {"path": libs[0] if libs else None}


def main(argv):
    what = argv[1]
    if what == "blas":
        out = blas_library()
    elif what == "gemm":
        m, n, k = (int(v) for v in argv[2:5])
        out = gemm(m, n, k, np.dtype(argv[5]), float(argv[6]))
    elif what == "mlp":
        out = mlp_epoch(np.dtype(argv[2]))
    elif what == "fullbatch":
        out = fullbatch_step(np.dtype(argv[2]))
    else:
        raise SystemExit(f"unknown workload {what!r}")
    out["numpy"] = np.__version__
    out["peakMiB"] = peak_mib()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
