"""Reference numbers for notebooks/04_neural_network_from_scratch_fashion_mnist.ipynb, with NumPy.

Seed 004 is a student assignment in the style of "Neural Networks from Scratch in Python" (nnfs):
three fully connected networks trained full-batch (one step per epoch) on all 60,000 Fashion-MNIST
training images with SGD, SGD with momentum and Adam, with learning-rate decay and L2 on the first
layer. This script re-runs the same steps in NumPy, written as the assignment writes them, with the
behaviour its printed numbers prove (decay lr0 / (1 + decay * t), the optimizer passed to the
training function, momentum and Adam on the gradients, bias L2 of the SGD model 5e-4, None -> 0).

It follows the notebook draw for draw: one legacy RandomState (np.random.seed(SEED)) shuffles the
training keys, then initialises dense1..3 of the SGD model, of the momentum model and of the Adam
model, in that order (0.01 * randn in float64, then stored as float32). Everything is float32 (the
data, the weights, the products), as in the notebook.

    /usr/bin/python3 tests/gen/notebook_04.py                 # quick runs -> tests/fixtures/notebook_04.json
    /usr/bin/python3 tests/gen/notebook_04.py --time 100      # time 100 epochs of each experiment
    /usr/bin/python3 tests/gen/notebook_04.py --full          # the full 1,100-epoch runs (printed)
"""

import gzip
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "tests", "fixtures", "notebook_04.json")
FASHION = "/usr/share/datasets/fashion-mnist"

# Keep in sync with the notebook source (notebooks/04_neural_network_from_scratch_fashion_mnist.ts).
SEED = 0
FULL_EPOCHS = 1100
QUICK_EPOCHS = 21
LOG_EVERY = 10


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


# ---- the assignment's pieces (float32) --------------------------------------------------------


class Layer_Dense:
    def __init__(self, n_inputs, n_neurons, weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0):
        self.weights = (0.01 * np.random.randn(n_inputs, n_neurons)).astype(np.float32)
        self.biases = np.zeros((1, n_neurons), dtype=np.float32)
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    def backward(self, dvalues):
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        if self.weight_regularizer_l1 > 0:
            dL1 = np.ones_like(self.weights)
            dL1[self.weights < 0] = -1
            self.dweights += self.weight_regularizer_l1 * dL1
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            dL1 = np.ones_like(self.biases)
            dL1[self.biases < 0] = -1
            self.dbiases += self.bias_regularizer_l1 * dL1
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases
        self.dinputs = np.dot(dvalues, self.weights.T)


class Activation_ReLU:
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    def backward(self, dvalues):
        self.dinputs = dvalues.copy()
        self.dinputs[self.inputs <= 0] = 0


class Activation_Softmax:
    def forward(self, inputs):
        self.inputs = inputs
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)


class Loss:
    def calculate(self, output, y):
        return np.mean(self.forward(output, y))

    def regularization_loss(self, layer):
        r = 0
        if layer.weight_regularizer_l1 > 0:
            r += layer.weight_regularizer_l1 * np.sum(np.abs(layer.weights))
        if layer.weight_regularizer_l2 > 0:
            r += layer.weight_regularizer_l2 * np.sum(layer.weights * layer.weights)
        if layer.bias_regularizer_l1 > 0:
            r += layer.bias_regularizer_l1 * np.sum(np.abs(layer.biases))
        if layer.bias_regularizer_l2 > 0:
            r += layer.bias_regularizer_l2 * np.sum(layer.biases * layer.biases)
        return r


class Loss_CategoricalCrossentropy(Loss):
    def forward(self, y_pred, y_true):
        samples = len(y_pred)
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        correct_confidences = y_pred_clipped[range(samples), y_true]
        return -np.log(correct_confidences)


class Activation_Softmax_Loss_CategoricalCrossentropy:
    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        self.dinputs = dvalues.copy()
        self.dinputs[range(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


class Optimizer_SGD:
    def __init__(self, learning_rate=1.0, decay=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0

    def pre_update_params(self):
        if self.decay:
            self.current_learning_rate = self.learning_rate * (1.0 / (1.0 + self.decay * self.iterations))

    def update_params(self, layer):
        layer.weights += -self.current_learning_rate * layer.dweights
        layer.biases += -self.current_learning_rate * layer.dbiases

    def post_update_params(self):
        self.iterations += 1


class Optimizer_SGD_Momentum(Optimizer_SGD):
    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum

    def update_params(self, layer):
        if not hasattr(layer, "weight_momentums"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
        weight_updates = self.momentum * layer.weight_momentums - self.current_learning_rate * layer.dweights
        layer.weight_momentums = weight_updates
        bias_updates = self.momentum * layer.bias_momentums - self.current_learning_rate * layer.dbiases
        layer.bias_momentums = bias_updates
        layer.weights += weight_updates
        layer.biases += bias_updates


class Optimizer_Adam(Optimizer_SGD):
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
        t = self.iterations + 1
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
        weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** t)
        bias_momentums_corrected = layer.bias_momentums / (1 - self.beta_1 ** t)
        layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights ** 2
        layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases ** 2
        weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** t)
        bias_cache_corrected = layer.bias_cache / (1 - self.beta_2 ** t)
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / (
            np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * bias_momentums_corrected / (
            np.sqrt(bias_cache_corrected) + self.epsilon)


def train_model(epochs, X, y, layers, activations, loss_activation, optimizer, name, every=None):
    dense1, dense2, dense3 = layers
    activation1, activation2 = activations
    logged = []
    per_epoch = []
    start = time.time()
    for epoch in range(epochs):
        dense1.forward(X)
        activation1.forward(dense1.output)
        dense2.forward(activation1.output)
        activation2.forward(dense2.output)
        dense3.forward(activation2.output)
        data_loss = loss_activation.forward(dense3.output, y)
        regularization_loss = sum(loss_activation.loss.regularization_loss(d) for d in layers)
        loss = data_loss + regularization_loss
        predictions = np.argmax(loss_activation.output, axis=1)
        accuracy = np.mean(predictions == y)
        per_epoch.append({"epoch": epoch, "acc": float(accuracy), "loss": float(loss)})
        if not epoch % LOG_EVERY:
            lr = optimizer.current_learning_rate
            logged.append({"epoch": epoch, "acc": float(accuracy), "loss": float(loss), "lr": repr(lr),
                           "rr": float(regularization_loss)})
            if every:
                print(f"{name} epoch: {epoch}, acc: {accuracy:.3f}, loss: {loss:.3f}, lr: {lr} "
                      f"Rr: {float(regularization_loss)}  ({time.time() - start:.0f}s)", flush=True)
        loss_activation.backward(loss_activation.output, y)
        dense3.backward(loss_activation.dinputs)
        activation2.backward(dense3.dinputs)
        dense2.backward(activation2.dinputs)
        activation1.backward(dense2.dinputs)
        dense1.backward(activation1.dinputs)
        optimizer.pre_update_params()
        for d in layers:
            optimizer.update_params(d)
        optimizer.post_update_params()
    return logged, per_epoch, time.time() - start


def validate(X_test, y_test, layers, activations, loss_activation):
    dense1, dense2, dense3 = layers
    activation1, activation2 = activations
    dense1.forward(X_test)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    activation2.forward(dense2.output)
    dense3.forward(activation2.output)
    data_loss = loss_activation.forward(dense3.output, y_test)
    predictions = np.argmax(loss_activation.output, axis=1)
    return float(np.mean(predictions == y_test)), float(data_loss), predictions


def build(kind, n_inputs):
    hidden = 128 if kind == "sgd" else 64
    bias_l2 = 5e-4 if kind == "sgd" else 0
    layers = (Layer_Dense(n_inputs, hidden, weight_regularizer_l2=5e-4, bias_regularizer_l2=bias_l2),
              Layer_Dense(hidden, hidden), Layer_Dense(hidden, 10))
    if kind == "sgd":
        optimizer = Optimizer_SGD(decay=0.01)
    elif kind == "momentum":
        optimizer = Optimizer_SGD_Momentum(decay=0.01, momentum=0.5)
    else:
        optimizer = Optimizer_Adam(learning_rate=0.02, decay=1e-5)
    return layers, optimizer


def main():
    full = "--full" in sys.argv
    timing = None
    if "--time" in sys.argv:
        timing = int(sys.argv[sys.argv.index("--time") + 1])
    epochs = FULL_EPOCHS if full else (timing or QUICK_EPOCHS)

    images = read_idx("train-images-idx3-ubyte.gz")
    y = read_idx("train-labels-idx1-ubyte.gz").astype(np.uint8)
    images_test = read_idx("t10k-images-idx3-ubyte.gz")
    y_test = read_idx("t10k-labels-idx1-ubyte.gz").astype(np.uint8)
    X = (images.astype(np.float32) - 127.5) / 127.5
    X_test = (images_test.astype(np.float32) - 127.5) / 127.5
    shapes = {"X": list(X.shape), "y": list(y.shape)}
    X = X.reshape(X.shape[0], -1)
    X_test = X_test.reshape(X_test.shape[0], -1)

    np.random.seed(SEED)
    keys = np.array(range(X.shape[0]))
    keys_before = keys[:10].tolist()
    np.random.shuffle(keys)
    X = X[keys]
    y = y[keys]

    result = {
        "seed": SEED,
        "epochs": epochs,
        "shapes": shapes,
        "features": X.shape[1],
        "keys_before_shuffle": keys_before,
        "keys_after_shuffle": keys[:10].tolist(),
        "sample_label": int(y[4]),
        "x_checksum": float(np.sum(X[:100], dtype=np.float64)),
        "runs": {},
    }
    total = 0.0
    for kind in ("sgd", "momentum", "adam"):
        layers, optimizer = build(kind, X.shape[1])
        init = {
            "w1_first": [float(v) for v in layers[0].weights.ravel()[:4]],
            "w3_last": [float(v) for v in layers[2].weights.ravel()[-4:]],
            "w1_sum_squares": float(np.sum(layers[0].weights.astype(np.float64) ** 2)),
        }
        params = int(sum(d.weights.size + d.biases.size for d in layers))
        logged, per_epoch, seconds = train_model(
            epochs, X, y, layers, (Activation_ReLU(), Activation_ReLU()),
            Activation_Softmax_Loss_CategoricalCrossentropy(), optimizer, kind, every=full or timing)
        total += seconds
        acc, loss, predictions = validate(X_test, y_test, layers, (Activation_ReLU(), Activation_ReLU()),
                                          Activation_Softmax_Loss_CategoricalCrossentropy())
        print(f"{kind}: {epochs} epochs in {seconds:.1f} s ({seconds / epochs:.3f} s/epoch); "
              f"validation acc: {acc:.3f}, loss: {loss:.3f}", flush=True)
        result["runs"][kind] = {
            "parameters": params,
            "init": init,
            "logged": logged,
            "per_epoch": per_epoch,
            "validation": {"acc": acc, "loss": loss},
            "seconds": seconds,
        }
    print(f"total {total:.1f} s for {3 * epochs} steps", flush=True)
    if not full and not timing:
        result["source"] = "tests/gen/notebook_04.py (NumPy %s)" % np.__version__
        for run in result["runs"].values():
            del run["seconds"]
        with open(OUT + ".tmp", "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
        os.replace(OUT + ".tmp", OUT)
        print("wrote", OUT)


if __name__ == "__main__":
    main()
