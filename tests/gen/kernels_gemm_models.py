"""Reference bytes of the one-node Gemm models that kernels/onnx_gemm_model.ts encodes by hand.

Run with Debian's python (it has python3-onnx 1.12):

    /usr/bin/python3 tests/gen/kernels_gemm_models.py

Writes tests/fixtures/kernels/gemm_models.json: for each (dtype, transA, transB) the model built with
onnx.helper, checked with onnx.checker (full_check: shape inference too), serialized by the C++
protobuf encoder, in base64. tests/kernels_test.ts compares gemmModel()'s bytes with these.
"""

import base64
import json
import os

import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "kernels", "gemm_models.json")
TYPES = {"float32": TensorProto.FLOAT, "float64": TensorProto.DOUBLE}


def model(dtype, trans_a, trans_b):
    et = TYPES[dtype]
    a = helper.make_tensor_value_info("A", et, ["k", "m"] if trans_a else ["m", "k"])
    b = helper.make_tensor_value_info("B", et, ["n", "k"] if trans_b else ["k", "n"])
    y = helper.make_tensor_value_info("Y", et, ["m", "n"])
    node = helper.make_node("Gemm", ["A", "B"], ["Y"], name="gemm",
                            transA=int(trans_a), transB=int(trans_b))
    graph = helper.make_graph([node], "gemm", [a, b], [y])
    m = helper.make_model(graph, producer_name="deno-dl-kernels",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


out = {}
for dtype in TYPES:
    for ta in (False, True):
        for tb in (False, True):
            out[f"{dtype}/{int(ta)}/{int(tb)}"] = base64.b64encode(model(dtype, ta, tb)).decode()
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print("wrote", OUT)
