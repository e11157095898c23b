"""Reference ONNX files for tests/onnx_test.ts, written by Python's `onnx` package.

Run with Debian's python (it has python3-onnx 1.12):

    /usr/bin/python3 tests/gen/onnx_models.py

For each model it writes to tests/fixtures/onnx/:
  <name>.onnx  the model serialized by onnx.helper / numpy_helper (the C++ protobuf encoder):
               the independent reference for the bytes that lib/onnx's `toOnnx` must produce;
  <name>.json  its layers (weights as numbers), export options, an input batch `x` and the
               output `expected` of a NumPy forward pass in float64.

The graph layout (node and initializer names) mirrors lib/onnx/graph.ts's documented naming:
dense_<k> for Linear, relu_<k> ..., flatten_0, values named after their node, "input"/"output".
Other files test the loader on what other exporters write (PyTorch's Gemm with transB=1) and its
errors (an unknown operator).
"""

import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "onnx")
PRODUCER = ("deno-dl-from-scratch", "0.1.0")
ONNX_OPS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh",
            "softmax": "Softmax", "logsoftmax": "LogSoftmax"}


def elem_type(dtype):
    return TensorProto.FLOAT if dtype == "float32" else TensorProto.DOUBLE


def np_dtype(dtype):
    return np.float32 if dtype == "float32" else np.float64


def build(layers, opts):
    """The ONNX model of a layer list, named the way lib/onnx/graph.ts names things."""
    dtype = opts["dtype"]
    npd = np_dtype(dtype)
    nodes, inits, counts = [], [], {}
    cur = "input"

    def fresh(kind):
        n = counts.get(kind, 0)
        counts[kind] = n + 1
        return f"{kind}_{n}"

    def node(op, name, inputs, **attrs):
        nonlocal cur
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        cur = name

    shape = list(opts["inputShape"])
    if len(shape) > 1 and layers[0]["kind"] != "flatten":
        layers = [{"kind": "flatten"}] + layers
    for layer in layers:
        kind = layer["kind"]
        if kind == "linear":
            name = fresh("dense")
            w = np.array(layer["weight"], dtype=npd)
            inits.append(numpy_helper.from_array(w, f"{name}.weight"))
            has_bias = layer["bias"] is not None
            if has_bias:
                inits.append(numpy_helper.from_array(np.array(layer["bias"], dtype=npd), f"{name}.bias"))
            if opts.get("linear", "gemm") == "gemm":
                ins = [cur, f"{name}.weight"] + ([f"{name}.bias"] if has_bias else [])
                node("Gemm", name, ins)
            elif not has_bias:
                node("MatMul", name, [cur, f"{name}.weight"])
            else:
                node("MatMul", f"{name}.matmul", [cur, f"{name}.weight"])
                node("Add", name, [f"{name}.matmul", f"{name}.bias"])
            shape = [w.shape[1]]
        elif kind == "flatten":
            node("Flatten", fresh("flatten"), [cur], axis=1)
            shape = [int(np.prod(shape))]
        elif kind == "dropout":
            name = fresh("dropout")
            inits.append(numpy_helper.from_array(np.array(layer["rate"], dtype=npd), f"{name}.ratio"))
            node("Dropout", name, [cur, f"{name}.ratio"])
        elif kind in ("softmax", "logsoftmax"):
            node(ONNX_OPS[kind], fresh("softmax" if kind == "softmax" else "log_softmax"), [cur], axis=-1)
        else:
            node(ONNX_OPS[kind], fresh(kind), [cur])
    nodes[-1].output[0] = "output"
    et = elem_type(dtype)
    graph = helper.make_graph(
        nodes, opts.get("name", "sequential"),
        [helper.make_tensor_value_info("input", et, ["batch"] + list(opts["inputShape"]))],
        [helper.make_tensor_value_info("output", et, ["batch"] + shape)],
        inits)
    kw = {}
    if "docString" in opts:
        kw["doc_string"] = opts["docString"]
    model = helper.make_model(graph, producer_name=PRODUCER[0], producer_version=PRODUCER[1],
                              opset_imports=[helper.make_opsetid("", opts.get("opset", 17))], **kw)
    model.ir_version = 8
    if "metadata" in opts:
        helper.set_model_props(model, opts["metadata"])
    onnx.checker.check_model(model, full_check=True)
    return model


def forward(layers, x):
    """NumPy forward pass in float64 (dropout is the identity at inference)."""
    h = x.reshape(x.shape[0], -1).astype(np.float64)
    for layer in layers:
        kind = layer["kind"]
        if kind == "linear":
            h = h @ np.array(layer["weight"], dtype=np.float64)
            if layer["bias"] is not None:
                h = h + np.array(layer["bias"], dtype=np.float64)
        elif kind == "relu":
            h = np.maximum(h, 0)
        elif kind == "sigmoid":
            h = 1 / (1 + np.exp(-h))
        elif kind == "tanh":
            h = np.tanh(h)
        elif kind in ("softmax", "logsoftmax"):
            z = h - h.max(axis=1, keepdims=True)
            lse = np.log(np.exp(z).sum(axis=1, keepdims=True))
            h = np.exp(z - lse) if kind == "softmax" else z - lse
    return h


def linear(rng, n_in, n_out, dtype, bias=True):
    npd = np_dtype(dtype)
    w = (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(npd)
    b = (0.1 * rng.standard_normal(n_out)).astype(npd) if bias else None
    return {"kind": "linear", "weight": w.astype(np.float64).tolist(),
            "bias": None if b is None else b.astype(np.float64).tolist()}


def save(name, model, meta):
    onnx.save(model, os.path.join(OUT, f"{name}.onnx"))
    with open(os.path.join(OUT, f"{name}.json"), "w") as f:
        json.dump(meta, f)


def export_case(name, seed, layers_of, opts, batch=5):
    rng = np.random.default_rng(seed)
    layers = layers_of(rng, opts["dtype"])
    x = rng.standard_normal([batch] + opts["inputShape"]).astype(np_dtype(opts["dtype"]))
    model = build(layers, opts)
    save(name, model, {"options": opts, "layers": layers, "x": x.astype(np.float64).tolist(),
                       "xShape": list(x.shape), "expected": forward(layers, x).tolist()})


def pytorch_gemm():
    """What torch.onnx.export writes for Linear(6, 4) → ReLU → Linear(4, 3) → LogSoftmax:
    weights [out, in] with transB = 1. alpha/beta and float_data (not raw) exercise the loader."""
    rng = np.random.default_rng(7)
    w1 = rng.standard_normal((4, 6)).astype(np.float32)
    b1 = rng.standard_normal(4).astype(np.float32)
    w2 = rng.standard_normal((3, 4)).astype(np.float32)
    b2 = rng.standard_normal(3).astype(np.float32)
    nodes = [
        helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["/fc1/Gemm_output_0"],
                         name="/fc1/Gemm", alpha=0.5, beta=2.0, transB=1),
        helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/act/Relu_output_0"], name="/act/Relu"),
        helper.make_node("Gemm", ["/act/Relu_output_0", "fc2.weight", "fc2.bias"], ["y"],
                         name="/fc2/Gemm", alpha=1.0, beta=1.0, transB=1),
        helper.make_node("LogSoftmax", ["y"], ["logp"], name="/LogSoftmax", axis=1),
    ]
    inits = [
        helper.make_tensor("fc1.weight", TensorProto.FLOAT, w1.shape, w1.flatten().tolist()),
        helper.make_tensor("fc1.bias", TensorProto.FLOAT, b1.shape, b1.tolist()),
        numpy_helper.from_array(w2, "fc2.weight"),
        numpy_helper.from_array(b2, "fc2.bias"),
    ]
    graph = helper.make_graph(nodes, "torch_jit", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6])],
                              [helper.make_tensor_value_info("logp", TensorProto.FLOAT, ["N", 3])], inits)
    model = helper.make_model(graph, producer_name="pytorch", producer_version="2.1.0",
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    x = rng.standard_normal((3, 6)).astype(np.float32)
    h = np.maximum(0.5 * (x.astype(np.float64) @ w1.T.astype(np.float64)) + 2.0 * b1, 0)
    z = h @ w2.T.astype(np.float64) + b2
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    # The equivalent layers in this library's layout: W = alpha * w.T, b = beta * b.
    layers = [
        {"kind": "linear", "weight": (0.5 * w1.T.astype(np.float64)).tolist(), "bias": (2.0 * b1.astype(np.float64)).tolist()},
        {"kind": "relu"},
        {"kind": "linear", "weight": w2.T.astype(np.float64).tolist(), "bias": b2.astype(np.float64).tolist()},
        {"kind": "logsoftmax"},
    ]
    save("pytorch_gemm", model, {"layers": layers, "x": x.astype(np.float64).tolist(), "xShape": [3, 6],
                                 "expected": logp.tolist()})


def unknown_op():
    """A chain with an operator a Sequential cannot hold: Elu, in node "act_0"."""
    w = np.ones((3, 2), dtype=np.float32)
    nodes = [helper.make_node("Gemm", ["input", "dense_0.weight"], ["dense_0"], name="dense_0"),
             helper.make_node("Elu", ["dense_0"], ["act_0"], name="act_0", alpha=1.0),
             helper.make_node("Softmax", ["act_0"], ["output"], name="softmax_0", axis=-1)]
    graph = helper.make_graph(nodes, "sequential",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 3])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", 2])],
                              [numpy_helper.from_array(w, "dense_0.weight")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(OUT, "unknown_op.onnx"))


def main():
    os.makedirs(OUT, exist_ok=True)
    export_case(
        "mlp_f32_gemm", 1,
        lambda rng, dt: [linear(rng, 64, 16, dt), {"kind": "relu"}, {"kind": "dropout", "rate": 0.25},
                         linear(rng, 16, 12, dt, bias=False), {"kind": "sigmoid"},
                         linear(rng, 12, 10, dt), {"kind": "softmax"}],
        {"inputShape": [1, 8, 8], "dtype": "float32", "linear": "gemm", "name": "digits",
         "docString": "optimizer: SGD lr=0.1, epochs: 3", "metadata": {"dataset": "digits", "seed": "1"}})
    export_case(
        "mlp_f64_matmul", 2,
        lambda rng, dt: [linear(rng, 20, 7, dt), {"kind": "tanh"}, linear(rng, 7, 5, dt, bias=False),
                         {"kind": "relu"}, linear(rng, 5, 4, dt), {"kind": "logsoftmax"}],
        {"inputShape": [20], "dtype": "float64", "linear": "matmul", "opset": 13})
    pytorch_gemm()
    unknown_op()


if __name__ == "__main__":
    main()
