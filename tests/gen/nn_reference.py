"""Writes tests/fixtures/nn_reference.json: NumPy reference values for lib/nn.

Run from the repository root with any Python 3 + NumPy (numbers here came from NumPy 2.x and
match 1.24):  python3 tests/gen/nn_reference.py

Every value is computed with the assignments' own NumPy formulas (assignment 001's layer code,
nnfs's loss and regularization code from assignment 004, scipy-style softmax), independently of
the TypeScript code under test.
"""
import json
import math
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/nn_reference.json"


def arr(a):
    return np.asarray(a, dtype=float).tolist()


# ---- assignment 001's layer code, verbatim in substance -------------------------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    return np.where(x < 0, 0, 1)


class Linear001:
    def __init__(self, n_in, n_out, rng):
        a = np.sqrt(6 / (n_in * n_out))
        self.W = rng.uniform(-a, a, size=(n_in, n_out))
        self.b = np.zeros((n_out,))

    def forward(self, x):
        return x @ self.W + self.b

    def backward(self, x, dy):
        dx = dy @ self.W.T
        self.dW = x.T @ dy
        self.db = np.sum(dy, axis=0)
        return dx


out = {}

# 001 section 1.4: Linear(5,7), Sigmoid and ReLU layer tests with default_rng(12345).
rng = np.random.default_rng(12345)
x = rng.uniform(size=(3, 5))
layer = Linear001(5, 7, rng)
y = layer.forward(x)
dx = layer.backward(x, np.ones_like(y))
second = Linear001(7, 3, rng)  # the same generator continues: checks the draw order
out["a001_linear"] = {
    "x": arr(x), "W": arr(layer.W), "y": arr(y), "dx": arr(dx),
    "dW": arr(layer.dW), "db": arr(layer.db), "next_W": arr(second.W),
}
rng = np.random.default_rng(12345)
x = rng.normal(size=(3, 5))
out["a001_sigmoid"] = {"x": arr(x), "y": arr(sigmoid(x)), "dx": arr(sigmoid_grad(x) * np.ones_like(x))}
rng = np.random.default_rng(12345)
x = rng.uniform(-10, 10, size=(3, 5))
out["a001_relu"] = {"x": arr(x), "y": arr(relu(x)), "dx": arr(relu_grad(x) * np.ones_like(x))}

# ---- initialisation schemes -----------------------------------------------------------------
init = {}
rng = np.random.default_rng(1)
m = np.sqrt(6 / (4 + 3))
init["glorot_in_out"] = {"seed": 1, "W": arr(rng.uniform(-m, m, size=(4, 3)))}
rng = np.random.default_rng(1)
init["glorot_out_in"] = {"seed": 1, "W": arr(rng.uniform(-m, m, size=(3, 4)).T)}
rs = np.random.RandomState(0)
init["normal_randomstate"] = {"seed": 0, "W": arr(0.01 * rs.randn(4, 3))}
rng = np.random.default_rng(3)
init["normal_generator_scale1"] = {"seed": 3, "W": arr(rng.standard_normal((4, 3)))}
# assignment 003: rng = default_rng(80085); l1w = rng.normal(0, 1/sqrt(784), (784, 32)), ...
rng = np.random.default_rng(80085)
l1w = rng.normal(loc=0, scale=1 / math.sqrt(784), size=(784, 32))
l2w = rng.normal(0, 1 / math.sqrt(32), (32, 32))
l3w = rng.normal(0, 1 / math.sqrt(32), (32, 10))
init["a003_normal_max_fan"] = {
    "seed": 80085, "l1w_first_row": arr(l1w[0]), "l1w_sum": float(l1w.sum()),
    "l2w_sum": float(l2w.sum()), "l3w": arr(l3w),
}
rng = np.random.default_rng(5)
bound = 1 / math.sqrt(4)
w = rng.uniform(-bound, bound, size=(4, 3))
b = rng.uniform(-bound, bound, size=3)
init["pytorch"] = {"seed": 5, "W": arr(w), "b": arr(b)}
out["init"] = init


# ---- a small network, forward and backward in NumPy ----------------------------------------
def softmax_rows(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


rng = np.random.default_rng(42)
X = rng.normal(size=(4, 6))
W1, b1 = rng.normal(size=(6, 5)) * 0.5, rng.normal(size=5) * 0.1
W2, b2 = rng.normal(size=(5, 4)) * 0.5, rng.normal(size=4) * 0.1
W3, b3 = rng.normal(size=(4, 3)) * 0.5, rng.normal(size=3) * 0.1
labels = np.array([2, 0, 1, 2])
# Linear -> Tanh -> Linear -> Sigmoid -> Linear, then softmax cross-entropy (mean).
Z1 = X @ W1 + b1; A1 = np.tanh(Z1)
Z2 = A1 @ W2 + b2; A2 = sigmoid(Z2)
Z3 = A2 @ W3 + b3; P = softmax_rows(Z3)
m = X.shape[0]
loss = -np.log(P[np.arange(m), labels]).mean()
dZ3 = P.copy(); dZ3[np.arange(m), labels] -= 1; dZ3 /= m
dW3 = A2.T @ dZ3; db3 = dZ3.sum(axis=0); dA2 = dZ3 @ W3.T
dZ2 = dA2 * A2 * (1 - A2)
dW2 = A1.T @ dZ2; db2 = dZ2.sum(axis=0); dA1 = dZ2 @ W2.T
dZ1 = dA1 * (1 - A1 ** 2)
dW1 = X.T @ dZ1; db1 = dZ1.sum(axis=0); dX = dZ1 @ W1.T
out["mlp"] = {
    "X": arr(X), "labels": labels.tolist(),
    "W1": arr(W1), "b1": arr(b1), "W2": arr(W2), "b2": arr(b2), "W3": arr(W3), "b3": arr(b3),
    "loss": float(loss), "probs": arr(P),
    "dW1": arr(dW1), "db1": arr(db1), "dW2": arr(dW2), "db2": arr(db2),
    "dW3": arr(dW3), "db3": arr(db3), "dX": arr(dX),
}

# ---- softmax / log-softmax along an axis ----------------------------------------------------
rng = np.random.default_rng(7)
z = rng.normal(size=(3, 4)) * 3
dy = rng.normal(size=(3, 4))
sm = {}
for axis in (0, 1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    s = e / e.sum(axis=axis, keepdims=True)
    ls = z - z.max(axis=axis, keepdims=True) - np.log(e.sum(axis=axis, keepdims=True))
    sm[f"axis{axis}"] = {
        "softmax": arr(s),
        "softmax_dx": arr(s * (dy - (dy * s).sum(axis=axis, keepdims=True))),
        "logsoftmax": arr(ls),
        "logsoftmax_dx": arr(dy - np.exp(ls) * dy.sum(axis=axis, keepdims=True)),
    }
out["softmax"] = {"z": arr(z), "dy": arr(dy), **sm}

# ---- losses, with the assignments' formulas -------------------------------------------------
rng = np.random.default_rng(11)
p = rng.uniform(0.05, 0.95, size=(5, 1))
yb = np.array([[1.0], [0.0], [1.0], [1.0], [0.0]])
losses = {"bce": {"p": arr(p), "y": arr(yb)}}
term = -(yb * np.log(p) + (1 - yb) * np.log(1 - p))
g = -(yb / p - (1 - yb) / (1 - p))
losses["bce"]["mean"] = float(term.mean()); losses["bce"]["mean_grad"] = arr(g / p.size)
losses["bce"]["sum"] = float(term.sum()); losses["bce"]["sum_grad"] = arr(g)
# assignment 000 / 002 style: several outputs, summed over outputs, averaged over the batch.
P4 = softmax_rows(rng.normal(size=(3, 4)))
Y4 = np.eye(4)[[1, 3, 0]]
t4 = -Y4 * np.log(P4) - (1 - Y4) * np.log(1 - P4)
losses["bce_batchmean"] = {
    "p": arr(P4), "y": arr(Y4), "value": float(t4.sum() / 3),
    "grad": arr(-(Y4 / P4 - (1 - Y4) / (1 - P4)) / 3),
}
# clipped (assignment 000: eps 1e-15) with exact 0 and 1 predictions.
pc = np.array([[0.0], [1.0], [0.3], [1.0]])
yc = np.array([[1.0], [0.0], [1.0], [1.0]])
eps = 1e-15
q = np.clip(pc, eps, 1 - eps)
losses["bce_clipped"] = {
    "p": arr(pc), "y": arr(yc), "eps": eps,
    "value": float(-np.sum(yc * np.log(q) + (1 - yc) * np.log(1 - q)) / 4),
    "grad": arr(-(yc / q - (1 - yc) / (1 - q)) / 4),
}
# categorical cross-entropy on probabilities (nnfs / assignment 004, clip 1e-7).
rng = np.random.default_rng(12)
logits = rng.normal(size=(4, 3)) * 2
Pc = softmax_rows(logits)
Pc[0] = [1.0, 0.0, 0.0]  # an exact 0 where the label is 1: clipping matters
lab = np.array([1, 2, 0, 1])
Yc = np.eye(3)[lab]
clipped = np.clip(Pc, 1e-7, 1 - 1e-7)
losses["cce"] = {
    "p": arr(Pc), "labels": lab.tolist(), "onehot": arr(Yc),
    "clip_value": float(np.mean(-np.log(np.sum(clipped * Yc, axis=1)))),
    "clip_grad": arr(-Yc / clipped / 4),
}
Pa = softmax_rows(logits)
losses["cce_add"] = {  # assignment 000 MLP v2: -log(p[y] + 1e-10) summed / m
    "p": arr(Pa), "labels": lab.tolist(),
    "value": float(np.sum(-np.log(Pa[np.arange(4), lab] + 1e-10)) / 4),
}
# softmax + cross-entropy fused, and NLL on log-softmax.
ls = logits - logits.max(axis=1, keepdims=True)
ls = ls - np.log(np.exp(ls).sum(axis=1, keepdims=True))
Pl = softmax_rows(logits)
dz = Pl.copy(); dz[np.arange(4), lab] -= 1
losses["softmax_ce"] = {
    "logits": arr(logits), "labels": lab.tolist(),
    "mean": float(-ls[np.arange(4), lab].mean()), "mean_grad": arr(dz / 4),
    "sum": float(-ls[np.arange(4), lab].sum()), "sum_grad": arr(dz),
    "clip_value": float(np.mean(-np.log(np.clip(Pl, 1e-7, 1 - 1e-7)[np.arange(4), lab]))),
    "probs": arr(Pl),
}
soft = np.array([[0.2, 0.5, 0.3], [0.0, 0.0, 1.0], [0.6, 0.4, 0.0], [0.1, 0.1, 0.8]])
losses["softmax_ce_soft"] = {
    "targets": arr(soft), "mean": float(-(soft * ls).sum() / 4), "mean_grad": arr((Pl - soft) / 4),
}
losses["nll"] = {"logp": arr(ls), "labels": lab.tolist(), "mean": float(-ls[np.arange(4), lab].mean())}
rng = np.random.default_rng(13)
pm = rng.normal(size=(3, 2)); ym = rng.normal(size=(3, 2))
losses["mse"] = {
    "p": arr(pm), "y": arr(ym), "mean": float(((pm - ym) ** 2).mean()),
    "mean_grad": arr(2 * (pm - ym) / pm.size), "sum": float(((pm - ym) ** 2).sum()),
}
out["losses"] = losses

# ---- nnfs regularization (assignment 004's Layer_Dense / Loss.regularization_loss) ----------
rng = np.random.default_rng(14)
W = rng.normal(size=(3, 4)); W[0, 0] = 0.0; W[1, 2] = -0.0
G = rng.normal(size=(3, 4))
l1, l2 = 3e-3, 5e-4
reg_loss = l1 * np.sum(np.abs(W)) + l2 * np.sum(W * W)
dL1 = np.ones_like(W); dL1[W < 0] = -1
grad = G + l1 * dL1
grad = grad + 2 * l2 * W
out["regularization"] = {"W": arr(W), "G": arr(G), "l1": l1, "l2": l2,
                         "loss": float(reg_loss), "grad": arr(grad)}

# ---- dropout masks: kept where default_rng(0).random(shape) < 1 - p -------------------------
rng = np.random.default_rng(0)
xd = np.arange(20, dtype=float).reshape(4, 5) - 7
u = rng.random((4, 5))
mask = (u < 0.7) / 0.7
out["dropout"] = {"seed": 0, "p": 0.3, "x": arr(xd), "y": arr(xd * mask), "mask": arr(mask)}

with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", OUT)
