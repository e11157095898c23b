"""Reference numbers for notebooks/00_classifiers_step_by_step.ipynb (assignment 000).

Runs the assignment's own NumPy code (cells [2]-[17], [22]-[30]) with one change: the global
NumPy generator is seeded with np.random.seed(0) before the first weight initialisation, as the
notebook does, so that the random-init runs are repeatable. Also re-runs the zero-init variants,
the CIFAR-shaped surrogate of spec 000 section 7.3, and the plateau scheduler's worked example.

Run with Debian's python3 (sklearn 1.2.1, numpy 1.24):
    /usr/bin/python3 tests/gen/notebook_00.py > tests/fixtures/notebook_00.json
"""
import json

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split


# ---- cells [2]-[9]: the synthetic linear classifier, verbatim apart from names ----
def add_bias_term(X):
    return np.c_[np.ones((X.shape[0], 1)), X]


def initialize_parameters(X, y, multiclass):
    n_features = X.shape[1]
    if multiclass:
        return np.random.randn(n_features, y.shape[1]) * 0.01
    return np.random.randn(n_features, 1) * 0.01


def binary_cross_entropy_loss(y_true, y_pred):
    m = y_true.shape[0]
    eps = 1e-15
    y_pred = np.clip(y_pred, eps, 1 - eps)
    return -np.sum(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)) / m


def categorical_cross_entropy_loss(y_true, y_pred):
    m = y_true.shape[0]
    eps = 1e-15
    y_pred = np.clip(y_pred, eps, 1 - eps)
    return -np.sum(y_true * np.log(y_pred)) / m


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def gradient_descent_step(X, y, predictions, theta, lr):
    m = X.shape[0]
    return theta - lr * ((1 / m) * X.T @ (predictions - y))


def sgd_step(X, y, theta, lr, multiclass):
    for i in range(X.shape[0]):
        xi, yi = X[i:i + 1], y[i:i + 1]
        p = softmax(xi @ theta) if multiclass else sigmoid(xi @ theta)
        theta = theta - lr * (xi.T @ (p - yi))
    return theta


def train_model(X, y, lr=0.01, iterations=1000, batch=True, multiclass=False, zero=False):
    X = add_bias_term(X)
    theta = np.zeros((X.shape[1], y.shape[1])) if zero else initialize_parameters(X, y, multiclass)
    theta0 = theta.copy()
    losses = []
    for _ in range(iterations):
        if multiclass:
            p = softmax(X @ theta)
            loss = categorical_cross_entropy_loss(y, p)
        else:
            p = sigmoid(X @ theta)
            loss = binary_cross_entropy_loss(y, p)
        losses.append(float(loss))
        theta = gradient_descent_step(X, y, p, theta, lr) if batch else sgd_step(X, y, theta, lr, multiclass)
    return theta0, theta, losses


def accuracy(X, y, theta, multiclass):
    Xb = add_bias_term(X)
    if multiclass:
        return float(np.mean(np.argmax(softmax(Xb @ theta), 1) == np.argmax(y, 1)))
    return float(np.mean((sigmoid(Xb @ theta) >= 0.5).astype(int).flatten() == y.flatten()))


def run_record(theta0, theta, losses, data, multiclass):
    X_tr, X_te, y_tr, y_te = data
    return {
        "theta_init": theta0.tolist(),
        "losses": losses,
        "theta_final": theta.tolist(),
        "train_accuracy": accuracy(X_tr, y_tr, theta, multiclass),
        "test_accuracy": accuracy(X_te, y_te, theta, multiclass),
    }


out = {}

# ---- cell [10]: the data (multiclass branch, the one the assignment ran) ----
X_syn, y_lab = make_classification(n_samples=200, n_features=3, n_informative=3, n_redundant=0,
                                   n_clusters_per_class=1, n_classes=4, random_state=100)
y_syn = np.eye(np.max(y_lab) + 1)[y_lab]
data = train_test_split(X_syn, y_syn, test_size=0.2, random_state=100)
X_tr, X_te, y_tr, y_te = data
out["data"] = {
    "X_first_rows": X_syn[:3].tolist(),
    "X_train": X_tr.tolist(),
    "y_train_labels": np.argmax(y_tr, 1).tolist(),
    "y_test_labels": np.argmax(y_te, 1).tolist(),
    "train_counts": np.bincount(np.argmax(y_tr, 1), minlength=4).tolist(),
    "test_counts": np.bincount(np.argmax(y_te, 1), minlength=4).tolist(),
}

# ---- cells [12], [15]: seeded random init (np.random.seed(0)), batch then SGD ----
np.random.seed(0)
out["batch_seed0"] = run_record(*train_model(X_tr, y_tr, 0.01, 1000, True, True), data, True)
out["sgd_seed0"] = run_record(*train_model(X_tr, y_tr, 0.01, 1000, False, True), data, True)
out["batch_zero"] = run_record(*train_model(X_tr, y_tr, 0.01, 1000, True, True, zero=True), data, True)
out["sgd_zero"] = run_record(*train_model(X_tr, y_tr, 0.01, 1000, False, True, zero=True), data, True)

# ---- the binary branch of cell [10] (never run by the assignment), zero init ----
Xb, yb = make_classification(n_samples=200, n_features=2, n_classes=2, n_informative=2,
                             n_redundant=0, random_state=100)
yb = yb.reshape(-1, 1)
bdata = train_test_split(Xb, yb, test_size=0.2, random_state=100)
out["binary_batch_zero"] = run_record(*train_model(bdata[0], bdata[2], 0.01, 1000, True, False, zero=True), bdata, False)
out["binary_sgd_zero"] = run_record(*train_model(bdata[0], bdata[2], 0.01, 1000, False, False, zero=True), bdata, False)

# ---- spec 000 section 7.3: the CIFAR-shaped surrogate (cells [22], [27], [30] on it) ----
N, D, K, H = 200, 3072, 10, 100
i = np.arange(N)[:, None].astype(np.int64)
j = np.arange(D)[None, :].astype(np.int64)
byte = (i * 7919 + j * 104729 + ((i * j) % 251)) % 256
X = (byte.astype(np.float32) / np.float32(255)).astype(np.float64)
y = (np.arange(N) % 10).astype(np.int64)


def pat(rows, cols, a, b, mod, half, scale):
    r = np.arange(rows)[:, None]
    c = np.arange(cols)[None, :]
    return scale * (((r * a + c * b) % mod) / half - 1.0)


def relu(z):
    return np.maximum(0, z)


def drelu(z):
    return np.where(z > 0, 1, 0)


def sm0(z):
    e = np.exp(z - z.max(0, keepdims=True))
    return e / e.sum(0, keepdims=True)


def ck(d):
    return {k: {"sum": float(v.sum()), "abs_sum": float(np.abs(v).sum())} for k, v in d.items()}


sur = {"X_sum": float(X.sum())}
W = pat(K, D, 31, 17, 101, 50, 0.01)
b = np.zeros((K, 1))
L = []
for ep in range(5):
    p = sm0(W @ X.T + b)
    L.append(float(np.sum(-np.log(p[y, range(N)])) / N))
    p[y, range(N)] -= 1
    W -= 0.01 * (p @ X / N)
    b -= 0.01 * p.sum(1, keepdims=True) / N
sur["A_linear"] = {"losses": L, "final_params": ck(dict(W=W, b=b)),
                   "probs_first_col": sm0(W @ X[:1].T + b)[:, 0].tolist()}
for sc in [0.01, 0.1]:
    W1 = pat(H, D, 13, 7, 97, 48, sc); b1 = np.zeros((H, 1))
    W2 = pat(K, H, 11, 5, 89, 44, sc); b2 = np.zeros((K, 1))
    XT = X.T; L = []
    for ep in range(5):
        Z1 = W1 @ XT + b1; A1 = relu(Z1); Z2 = W2 @ A1 + b2; A2 = sm0(Z2)
        L.append(float(np.sum(-np.log(A2[y, range(N)])) / N))
        dZ2 = A2.copy(); dZ2[y, range(N)] -= 1; dZ2 /= N
        dW2 = dZ2 @ A1.T; db2 = dZ2.sum(1, keepdims=True); dA1 = W2.T @ dZ2
        dZ1 = dA1 * drelu(Z1); dW1 = dZ1 @ XT.T; db1 = dZ1.sum(1, keepdims=True)
        W1 -= 0.1 * dW1; b1 -= 0.1 * db1; W2 -= 0.1 * dW2; b2 -= 0.1 * db2
    sur[f"B_mlp1_scale{sc}"] = {"losses": L, "final_params": ck(dict(W1=W1, b1=b1, W2=W2, b2=b2))}
for clip in [1.0, 0.01]:
    W1 = pat(H, D, 13, 7, 97, 48, 0.1); b1 = np.zeros((H, 1))
    W2 = pat(K, H, 11, 5, 89, 44, 0.1); b2 = np.zeros((K, 1))
    W3 = pat(H, H, 19, 3, 83, 41, 0.1); b3 = np.zeros((H, 1))
    bl = []; ncl = 0
    for ep in range(3):
        for s in range(0, N, 50):
            Xb_ = X[s:s + 50].T; yb_ = y[s:s + 50]; mb = Xb_.shape[1]
            Z1 = W1 @ Xb_ + b1; A1 = relu(Z1); Z3 = W3 @ A1 + b3; A3 = relu(Z3); Z2 = W2 @ A3 + b2; A2 = sm0(Z2)
            bl.append(float(np.sum(-np.log(A2[yb_, range(mb)] + 1e-10)) / mb))
            dZ2 = A2.copy(); dZ2[yb_, range(mb)] -= 1; dZ2 /= mb
            dW2 = dZ2 @ A3.T; db2 = dZ2.sum(1, keepdims=True); dA3 = W2.T @ dZ2; dZ3 = dA3 * drelu(Z3)
            dW3 = dZ3 @ A1.T; db3 = dZ3.sum(1, keepdims=True); dA1 = W3.T @ dZ3; dZ1 = dA1 * drelu(Z1)
            dW1 = dZ1 @ Xb_.T; db1 = dZ1.sum(1, keepdims=True)
            gs = (dW1, db1, dW2, db2, dW3, db3)
            ncl += sum(int((np.abs(g) > clip).sum()) for g in gs)
            dW1, db1, dW2, db2, dW3, db3 = [np.clip(g, -clip, clip) for g in gs]
            W1 -= 0.1 * dW1; b1 -= 0.1 * db1; W2 -= 0.1 * dW2; b2 -= 0.1 * db2; W3 -= 0.1 * dW3; b3 -= 0.1 * db3
    A2 = sm0(W2 @ relu(W3 @ relu(W1 @ X[:8].T + b1) + b3) + b2)
    sur[f"C_mlp2_clip{clip}"] = {"batch_losses": bl, "clipped": ncl,
                                 "final_params": ck(dict(W1=W1, b1=b1, W2=W2, b2=b2, W3=W3, b3=b3)),
                                 "probs_first8": A2.T.tolist()}
out["surrogate"] = sur


# ---- cell [30]'s plateau logic on the spec's worked example ----
def plateau(losses, lr=0.1, gamma=0.5, patience=5, min_delta=0.01):
    best, counter, counters, lrs, stopped = float("inf"), 0, [], [], None
    for i, loss in enumerate(losses):
        if loss < best:
            best, counter = loss, 0
        elif abs(loss - best) <= min_delta:
            counter += 1
        counters.append(counter)
        if counter >= patience / 2:
            lr *= gamma
            lrs.append([i + 1, lr])
        if counter >= patience:
            stopped = i + 1
            break
    return {"counters": counters, "lr_changes": lrs, "stopped_at": stopped}


example = [2.0, 1.9, 1.905, 1.95, 1.908, 1.909, 1.901, 1.899, 1.9, 1.9, 1.9, 1.9, 1.9]
out["plateau_example"] = {"losses": example, **plateau(example)}

print(json.dumps(out, indent=1))
