"""Writes tests/fixtures/optim_nnfs.json: update sequences of the nnfs optimizers (assignment 004).

Run from the repository root with Python 3 + NumPy:  python3 tests/gen/optim_nnfs_reference.py

The optimizer classes are those of "Neural Networks from Scratch in Python" as assignment 004 ran
them (its section 2.9 "canonical" forms: decay lr * (1 / (1 + decay * iterations)), momentum on
the gradients, standard bias-corrected Adam), plus Adagrad and RMSprop from the same book. They
update layer-like objects holding `weights`/`dweights` and `biases`/`dbiases`; here one object
holds both test parameters, driven by a fixed sequence of gradients.
"""
import json
import sys

import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/optim_nnfs.json"
STEPS = 12


class Layer:
    def __init__(self, w, b):
        self.weights = w.copy()
        self.biases = b.copy()


class SGD:
    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0
        self.momentum = momentum

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * (1.0 / (1.0 + self.decay * self.iterations))

    def update_params(self, layer):
        if self.momentum:
            if not hasattr(layer, "weight_momentums"):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
            weight_updates = self.momentum * layer.weight_momentums - self.current_learning_rate * layer.dweights
            layer.weight_momentums = weight_updates
            bias_updates = self.momentum * layer.bias_momentums - self.current_learning_rate * layer.dbiases
            layer.bias_momentums = bias_updates
        else:
            weight_updates = -self.current_learning_rate * layer.dweights
            bias_updates = -self.current_learning_rate * layer.dbiases
        layer.weights += weight_updates
        layer.biases += bias_updates

    def post_update_params(self):
        self.iterations += 1


class Adagrad(SGD):
    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_cache += layer.dweights ** 2
        layer.bias_cache += layer.dbiases ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * layer.dbiases / (np.sqrt(layer.bias_cache) + self.epsilon)


class RMSprop(SGD):
    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.rho = rho

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_cache = self.rho * layer.weight_cache + (1 - self.rho) * layer.dweights ** 2
        layer.bias_cache = self.rho * layer.bias_cache + (1 - self.rho) * layer.dbiases ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * layer.dbiases / (np.sqrt(layer.bias_cache) + self.epsilon)


class Adam(SGD):
    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
        weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** (self.iterations + 1))
        bias_momentums_corrected = layer.bias_momentums / (1 - self.beta_1 ** (self.iterations + 1))
        layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights ** 2
        layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases ** 2
        weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** (self.iterations + 1))
        bias_cache_corrected = layer.bias_cache / (1 - self.beta_2 ** (self.iterations + 1))
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / (np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * bias_momentums_corrected / (np.sqrt(bias_cache_corrected) + self.epsilon)


rng = np.random.default_rng(2024)
w0 = rng.normal(size=(3, 4))
b0 = rng.normal(size=4)
gw = rng.normal(size=(STEPS, 3, 4))
gb = rng.normal(size=(STEPS, 4))


def run(opt, clip=None):
    layer = Layer(w0, b0)
    ws, bs, lrs = [], [], []
    for t in range(STEPS):
        layer.dweights = gw[t].copy()
        layer.dbiases = gb[t].copy()
        if clip is not None:  # assignment 000's MLP v2: np.clip every gradient, then SGD
            layer.dweights = np.clip(layer.dweights, -clip, clip)
            layer.dbiases = np.clip(layer.dbiases, -clip, clip)
        opt.pre_update_params()
        opt.update_params(layer)
        opt.post_update_params()
        ws.append(layer.weights.tolist())
        bs.append(layer.biases.tolist())
        lrs.append(opt.current_learning_rate)
    return {"weights": ws, "biases": bs, "current_lr": lrs}


out = {
    "w0": w0.tolist(), "b0": b0.tolist(), "gw": gw.tolist(), "gb": gb.tolist(),
    "runs": {
        "sgd_decay": {"options": {"lr": 1.0, "decay": 0.01}, **run(SGD(1.0, decay=0.01))},
        "sgd_momentum_decay": {"options": {"lr": 1.0, "decay": 0.01, "momentum": 0.5},
                               **run(SGD(1.0, decay=0.01, momentum=0.5))},
        "sgd_clip": {"options": {"lr": 0.1, "clipValue": 0.5}, **run(SGD(0.1), clip=0.5)},
        "adagrad": {"options": {"lr": 1.0, "decay": 1e-4}, **run(Adagrad(1.0, decay=1e-4))},
        "rmsprop": {"options": {"lr": 0.02, "decay": 1e-5, "alpha": 0.999},
                    **run(RMSprop(0.02, decay=1e-5, rho=0.999))},
        "adam_decay": {"options": {"lr": 0.02, "decay": 1e-5}, **run(Adam(0.02, decay=1e-5))},
    },
    # assignment 004's logged learning rates: SGD(decay=0.01) from 1.0 at the start of update t.
    "a004_lr": {str(t): 1.0 * (1.0 / (1.0 + 0.01 * t)) for t in (9, 99, 1089)},
}
with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", OUT)
