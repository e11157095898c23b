"""Reference numbers for notebooks/01_neural_network_from_scratch.ipynb, computed with NumPy.

Runs the assignment's own code (seed 001: Radboud Deep Learning 2023, assignment 1) as it was
written there, in NumPy/SciPy/scikit-learn, and writes every quantity the notebook prints or
plots to tests/fixtures/notebook_01.json, which tests/notebook_01_test.ts compares with the
notebook's summary.json.

Run with Debian's Python (numpy 1.24, scipy 1.10, sklearn 1.2.1, whose load_digits() reads
the same digits.csv.gz as lib/data):

    /usr/bin/python3 tests/gen/notebook_01.py
"""

import json
import os

import numpy as np
import scipy.optimize
import sklearn.datasets

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "notebook_01.json")
# The assignment's training logs at the 4 decimals it printed, read by the notebook itself.
LOGS = os.path.join(HERE, "..", "..", "notebooks", "data", "01_assignment_logs.json")


def tolist(a):
    return np.asarray(a, dtype=float).tolist()


# ---- 1.1 gradient descent on f(x, y) ------------------------------------------------------
def f(x, y):
    return x ** 2 + y ** 2 + x * (y + 2) + np.cos(3 * x)


def grad_x_f(x, y):
    return 2 * x - 3 * np.sin(3 * x) + y + 2


def grad_y_f(x, y):
    return x + 2 * y


def optimize_f(x, y, step_size, steps, decay=1.0):
    x_hist, y_hist = [x], [y]
    for step in range(steps):
        dx = grad_x_f(x, y)
        dy = grad_y_f(x, y)
        eta = step_size * np.power(decay, step)
        x = x - eta * dx
        y = y - eta * dy
        x_hist.append(x)
        y_hist.append(y)
    return x, y, f(x, y), x_hist, y_hist


def gd_record(*args, **kw):
    x, y, val, xh, yh = optimize_f(*args, **kw)
    return {"x": float(x), "y": float(y), "f": float(val), "x_hist": tolist(xh), "y_hist": tolist(yh)}


xx, yy = np.meshgrid(np.linspace(-5, 5), np.linspace(-5, 5))
zz = f(xx, yy)
best = None
for x0 in np.linspace(-5, 5, 21):
    for y0 in np.linspace(-5, 5, 21):
        res = scipy.optimize.minimize(
            lambda p: f(p[0], p[1]), [x0, y0],
            jac=lambda p: np.array([grad_x_f(*p), grad_y_f(*p)]), tol=1e-14)
        if best is None or res.fun < best.fun:
            best = res
gd = {
    "f_3_2": float(f(3, 2)),
    "one_step": gd_record(3, 2, 0.1, 1),
    "run_b": gd_record(3, 2, 0.1, 20),
    "run_d": gd_record(3, 2, 0.315, 6),
    "run_h": gd_record(3, 2, 0.2, 10, decay=0.95),
    "contour_min": float(zz.min()),
    "contour_max": float(zz.max()),
    "global_min": {"x": float(best.x[0]), "y": float(best.x[1]), "f": float(best.fun)},
}


# ---- 1.2 components ------------------------------------------------------------------------
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    return np.where(x < 0, 0, 1)


def bce_loss(y, y_hat):
    return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def bce_loss_grad(y, y_hat):
    return -(y / y_hat - (1 - y) / (1 - y_hat))


rng = np.random.default_rng(12345)
x = rng.uniform(-10, 10, size=5)
h = 0.001
components = {
    "x": tolist(x),
    "sigmoid": tolist(sigmoid(x)),
    "sigmoid_grad": tolist(sigmoid_grad(x)),
    "sigmoid_fd_max_abs_diff": {
        str(eps): float(np.max(np.abs((sigmoid(x + eps / 2) - sigmoid(x - eps / 2)) / eps - sigmoid_grad(x))))
        for eps in (1e-3, 1e-5)
    },
    "relu": tolist(relu(x)),
    "relu_grad": tolist(relu_grad(x)),
    "relu_grad_numerical": tolist((relu(x + h / 2) - relu(x - h / 2)) / h),
}
rng = np.random.default_rng(12345)
y = rng.integers(2, size=5)
y_hat = rng.uniform(0, 1, size=5)
num = (bce_loss(y, y_hat + h) - bce_loss(y, y_hat - h)) / (2 * h)
components["bce"] = {
    "y": tolist(y),
    "y_hat": tolist(y_hat),
    "loss": tolist(bce_loss(y, y_hat)),
    "grad": tolist(bce_loss_grad(y, y_hat)),
    "grad_numerical": tolist(num),
    "difference": tolist(np.abs(bce_loss_grad(y, y_hat) - num)),
}

# ---- 1.3 one-layer model -------------------------------------------------------------------
rng = np.random.default_rng(12345)
w = rng.normal(size=5)
b = rng.normal()


def fn(x, y):
    h_ = x @ w.T + b
    y_hat = sigmoid(h_)
    loss = bce_loss(y, y_hat)
    grad_h = bce_loss_grad(y, y_hat) * sigmoid_grad(h_)
    return loss, grad_h * w.T


x = rng.uniform(size=5)
loss, grad_x = fn(x, 1)
one_layer = {"w": tolist(w), "b": float(b), "x": tolist(x), "loss": float(loss), "grad": tolist(grad_x)}
rng = np.random.default_rng(12345)
x = rng.uniform(size=5)
eps = 0.00001
numerical = np.zeros(5)
for i in range(5):
    xa, xb = x.copy(), x.copy()
    xa[i] += eps / 2
    xb[i] -= eps / 2
    numerical[i] = (fn(xa, 1)[0] - fn(xb, 1)[0]) / eps
loss, symbolic = fn(x, 1)
one_layer["check"] = {
    "x": tolist(x),
    "loss": float(loss),
    "symbolic": tolist(symbolic),
    "numerical": tolist(numerical),
    "max_abs_diff": float(np.max(np.abs(symbolic - numerical))),
}


# ---- 1.4 layers ----------------------------------------------------------------------------
class Linear:
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

    def step(self, s):
        self.W -= s * self.dW
        self.b -= s * self.db


class Sigmoid:
    def forward(self, x):
        return sigmoid(x)

    def backward(self, x, dy):
        return sigmoid_grad(x) * dy

    def step(self, s):
        return


class ReLU:
    def forward(self, x):
        return relu(x)

    def backward(self, x, dy):
        return relu_grad(x) * dy

    def step(self, s):
        return


rng = np.random.default_rng(12345)
x = rng.uniform(size=(3, 5))
layer = Linear(5, 7, rng)
y = layer.forward(x)
dx = layer.backward(x, np.ones_like(y))
layers = {"linear_x": tolist(x), "linear_W": tolist(layer.W), "linear_y": tolist(y), "linear_dx": tolist(dx)}
rng = np.random.default_rng(12345)
x = rng.normal(size=(3, 5))
layers.update(sigmoid_x=tolist(x), sigmoid_y=tolist(sigmoid(x)), sigmoid_dx=tolist(sigmoid_grad(x)))
rng = np.random.default_rng(12345)
x = rng.uniform(-10, 10, size=(3, 5))
layers.update(relu_x=tolist(x), relu_y=tolist(relu(x)), relu_dx=tolist(relu_grad(x)))

# check_grad, in the assignment's order of random draws
errs = {}
rng = np.random.default_rng(12345)
layer = Linear(5, 7, rng)
errs["linear_dx"] = scipy.optimize.check_grad(
    lambda v: 2 * np.sum(layer.forward(v.reshape(3, 5))),
    lambda v: layer.backward(v.reshape(3, 5), 2 * np.ones((3, 7))).flatten(),
    rng.uniform(-10, 10, size=15))
x = rng.uniform(size=(3, 5))
layer = Linear(5, 7, rng)


def set_w(v):
    layer.W = v.reshape(5, 7)


errs["linear_dW"] = scipy.optimize.check_grad(
    lambda v: (set_w(v), 2 * np.sum(layer.forward(x)))[1],
    lambda v: (set_w(v), layer.backward(x, 2 * np.ones((3, 7))), layer.dW.flatten())[2],
    rng.uniform(-10, 10, size=35))
x = rng.uniform(size=(3, 5))
layer = Linear(5, 7, rng)


def set_b(v):
    layer.b = v


errs["linear_db"] = scipy.optimize.check_grad(
    lambda v: (set_b(v), 2 * np.sum(layer.forward(x)))[1],
    lambda v: (set_b(v), layer.backward(x, 2 * np.ones((3, 7))), layer.db)[2],
    rng.uniform(-10, 10, size=7))
rng = np.random.default_rng(12345)
errs["sigmoid"] = scipy.optimize.check_grad(
    lambda v: np.sum(2 * sigmoid(v)), lambda v: sigmoid_grad(v) * 2, rng.uniform(-10, 10, size=5))
rng = np.random.default_rng(12345)
errs["relu"] = scipy.optimize.check_grad(
    lambda v: 2 * np.sum(relu(v)), lambda v: relu_grad(v) * 2.0, rng.uniform(1, 10, size=5))
layers["check_grad"] = {k: float(v) for k, v in errs.items()}

# ---- 1.6 digits and the nine training runs -------------------------------------------------
dataset = sklearn.datasets.load_digits()
digits_x, digits_y = dataset["data"].copy(), (dataset["target"] < 5).astype(float)
raw_mean, raw_std = float(np.mean(digits_x)), float(np.std(digits_x))
digits_x -= np.mean(digits_x)
digits_x /= np.std(digits_x)
idxs = np.random.default_rng(12345).permutation(digits_x.shape[0])
n_train = int(digits_x.shape[0] * 0.5)
X = {"train": digits_x[idxs[:n_train]], "test": digits_x[idxs[n_train:]]}
Y = {"train": digits_y[idxs[:n_train]], "test": digits_y[idxs[n_train:]]}
digits = {
    "shape": list(digits_x.shape),
    "raw_mean": raw_mean,
    "raw_std": raw_std,
    "min": float(digits_x.min()),
    "max": float(digits_x.max()),
    "positives": int(digits_y.sum()),
    "permutation": idxs.tolist(),
    "n_train": int(X["train"].shape[0]),
    "n_test": int(X["test"].shape[0]),
    "train_positives": int(Y["train"].sum()),
    "test_positives": int(Y["test"].sum()),
}


class Net:
    def __init__(self, layers):
        self.layers = layers

    def forward(self, x):
        trace = []
        for layer in self.layers:
            y = layer.forward(x)
            trace.append((layer, x))
            x = y
        return y, trace

    def backward(self, trace, dy):
        for layer, x in trace[::-1]:
            dy = layer.backward(x, dy)

    def step(self, lr):
        for layer in self.layers:
            layer.step(lr)


def fit(net, epochs, learning_rate, mb_size):
    hist = {"loss_train": [], "acc_train": [], "loss_test": [], "acc_test": []}
    for _ in range(epochs):
        for phase in ("train", "test"):
            steps = X[phase].shape[0] // mb_size
            loss = acc = 0.0
            for step in range(steps):
                x_mb = X[phase][step * mb_size:(step + 1) * mb_size]
                y_mb = Y[phase][step * mb_size:(step + 1) * mb_size, None]
                pred, trace = net.forward(x_mb)
                loss += np.mean(bce_loss(y_mb, pred))
                acc += np.mean((y_mb > 0.5) == (pred > 0.5))
                if phase == "train":
                    net.backward(trace, bce_loss_grad(y_mb, pred))
                    net.step(learning_rate)
            hist["loss_" + phase].append(loss / steps)
            hist["acc_" + phase].append(acc / steps)
    return hist


def base(rng):
    return Net([Linear(64, 32, rng), ReLU(), Linear(32, 1, rng), Sigmoid()])


runs = {}
rng = np.random.default_rng(12345)
runs["R1"] = fit(base(rng), 10, 0.001, 10)
rng = np.random.default_rng(12345)
runs["R2"] = fit(base(rng), 50, 0.001, 10)
runs["R3"] = fit(base(rng), 100, 0.01, 10)
runs["R4"] = fit(base(rng), 100, 0.001, 10)
runs["R5"] = fit(base(rng), 25, 0.001, 1)
rng = np.random.default_rng(12345)
runs["R6"] = fit(base(rng), 25, 0.001, 100)
r = np.random.default_rng(12345)
runs["R7"] = fit(Net([Linear(64, 1, r), Sigmoid()]), 25, 0.001, 10)
r = np.random.default_rng(12345)
runs["R8"] = fit(Net([Linear(64, 64, r), Linear(64, 1, r), Sigmoid()]), 100, 0.001, 10)
r = np.random.default_rng(12345)
runs["R9"] = fit(Net([Linear(64, 64, r), ReLU(), Linear(64, 32, r), ReLU(), Linear(32, 16, r), ReLU(),
                      Linear(16, 1, r), Sigmoid()]), 100, 0.001, 10)

fixture = {
    "_about": "NumPy reference for notebooks/01_neural_network_from_scratch.ipynb; "
              "generated by tests/gen/notebook_01.py (numpy %s)" % np.__version__,
    "gd": gd,
    "components": components,
    "one_layer": one_layer,
    "layers": layers,
    "digits": digits,
    "runs": runs,
}
with open(OUT, "w") as fh:
    json.dump(fixture, fh, indent=1)
print("wrote", os.path.normpath(OUT))

logs = {
    "_about": "Training logs of assignment 1 (Radboud Deep Learning 2023), sections 1.6(b)-(h), as "
              "printed there ('Epoch %3d: loss[train]=%7.4f  accuracy[train]=%7.4f  loss[test]=%7.4f  "
              "accuracy[test]=%7.4f'): one string 'loss_train acc_train loss_test acc_test' per epoch. "
              "Produced by tests/gen/notebook_01.py, which re-runs the assignment's code with NumPy; "
              "rounded to 4 decimals these equal every readable number of the printed logs (the two "
              "that differ in the exported text, R3 epoch 56 and R4 epoch 65, are OCR misreads). R7-R9 "
              "come from cells whose code was lost and whose configuration was recovered from the logs.",
    "runs": {
        name: ["%.4f %.4f %.4f %.4f" % v for v in zip(h["loss_train"], h["acc_train"], h["loss_test"], h["acc_test"])]
        for name, h in runs.items()
    },
}
os.makedirs(os.path.dirname(LOGS), exist_ok=True)
with open(LOGS, "w") as fh:
    json.dump(logs, fh, indent=1)
print("wrote", os.path.normpath(LOGS))
