"""Regenerates tests/fixtures/tensor_ops.json: NumPy's results for the lib/tensor ops.

Run from the repository root: python3 tests/gen/tensor_ops.py
Each case names an op, its inputs (arrays as {shape, dtype, data}), options, and NumPy's output,
or the fact that NumPy raises. Special floats are written as the strings "nan", "inf", "-inf".
"""
import json
import math

import numpy as np

rng = np.random.default_rng(2024)


def enc_num(v):
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def enc(a):
    a = np.asarray(a)
    dtype = "float32" if a.dtype == np.float32 else "float64"
    if a.dtype.kind in "iub":
        dtype = "int"
    return {"shape": list(a.shape), "dtype": dtype, "data": [enc_num(v) for v in a.ravel()]}


def rand(shape, dtype=np.float64, scale=3.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


cases = []


def case(op, inputs, expected, **opts):
    cases.append({"op": op, "inputs": inputs, "options": opts, "expected": expected})


def arr_or_num(x):
    return enc_num(x) if isinstance(x, (int, float)) else enc(x)


# Element-wise binary ops with broadcasting corner cases and both dtypes.
binary = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide,
    "maximum": np.maximum, "minimum": np.minimum, "greater": np.greater,
    "greaterEqual": np.greater_equal, "less": np.less, "lessEqual": np.less_equal,
    "equal": np.equal, "notEqual": np.not_equal,
}
shape_pairs = [
    ((3, 1), (1, 4)), ((2, 3), (3,)), ((2, 3), (2, 1)), ((4,), ()), ((), ()), ((2, 1, 3), (4, 1)),
    ((0, 3), (3,)), ((1, 5), (1, 5)), ((2, 3, 4), (2, 3, 4)), ((5, 1, 1), (1, 2, 1)),
]
for name, f in binary.items():
    for sa, sb in shape_pairs:
        for dt in (np.float64, np.float32):
            a, b = rand(sa, dt), rand(sb, dt)
            if name in ("equal", "notEqual", "greaterEqual", "lessEqual") and a.size and b.size:
                # Make a few exact ties so the equality variants are tested on both outcomes.
                b = b.copy()
                flat_b = b.reshape(-1)
                flat_a = np.broadcast_to(a, np.broadcast_shapes(a.shape, b.shape)).reshape(-1)
                flat_b[: min(2, flat_b.size)] = flat_a[: min(2, flat_b.size)]
            out = f(a, b)
            case(name, [enc(a), enc(b)], enc(out.astype(a.dtype) if out.dtype == bool else out))
    # scalar operands
    a = rand((2, 3))
    case(name, [enc(a), 1.5], enc(np.asarray(f(a, 1.5)).astype(np.float64)))
    case(name, [-0.5, enc(a)], enc(np.asarray(f(-0.5, a)).astype(np.float64)))
    # mismatched shapes raise
    case(name, [enc(rand((2, 3))), enc(rand((4,)))], None, error="broadcast")

# NaN semantics of maximum/minimum and division by zero
s = np.array([1.0, np.nan, -np.inf, 0.0, 2.0])
t = np.array([np.nan, 3.0, 1.0, -0.0, np.inf])
for name, f in [("maximum", np.maximum), ("minimum", np.minimum), ("div", np.divide)]:
    with np.errstate(all="ignore"):
        case(name, [enc(s), enc(t)], enc(f(s, t)))
a = rand((3, 4))
b = rand((4,))
case("pow", [enc(np.abs(a)), enc(b)], enc(np.abs(a) ** b))
case("pow", [enc(np.abs(a)), 2.0], enc(np.abs(a) ** 2.0))

# where
m = (rand((3, 1)) > 0).astype(np.float64)
x, y = rand((1, 4)), rand((3, 4))
case("where", [enc(m), enc(x), enc(y)], enc(np.where(m != 0, x, y)))
case("where", [enc(m), 0.0, enc(y)], enc(np.where(m != 0, 0.0, y)))

# Unary ops, with extreme values for exp/log.
extreme = np.array([-1000.0, -745.2, -1e-300, -0.0, 0.0, 1e-300, 1e-10, 0.5, 1.0, 88.7, 709.7, 710.0,
                    1e300, np.inf, -np.inf, np.nan])
unary = {"exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "sin": np.sin,
         "cos": np.cos, "tanh": np.tanh, "sign": np.sign, "neg": np.negative}
for name, f in unary.items():
    with np.errstate(all="ignore"):
        case(name, [enc(extreme)], enc(f(extreme)))
        for dt in (np.float64, np.float32):
            a = rand((2, 3, 2), dt)
            case(name, [enc(a)], enc(f(a)))
        case(name, [enc(np.zeros((0, 4)))], enc(f(np.zeros((0, 4)))))
        e32 = extreme.astype(np.float32)
        case(name, [enc(e32)], enc(f(e32)))
case("clip", [enc(extreme)], enc(np.clip(extreme, -1.0, 2.0)), lo=-1.0, hi=2.0)
case("clip", [enc(rand((3, 3), np.float32))], None, lo=2.0, hi=1.0, error="bound")

# Reductions.
reductions = {"sum": np.sum, "mean": np.mean, "std": np.std, "max": np.max, "min": np.min}
for name, f in reductions.items():
    for shape in [(5,), (3, 4), (2, 3, 4), (1, 7), (7, 1)]:
        for dt in (np.float64, np.float32):
            a = rand(shape, dt)
            case(name, [enc(a)], enc(np.asarray(f(a))))
            for axis in range(-len(shape), len(shape)):
                for keepdims in (False, True):
                    case(name, [enc(a)], enc(f(a, axis=axis, keepdims=keepdims)), axis=axis,
                         keepdims=keepdims)
    case(name, [enc(rand((2, 3)))], None, axis=2, error="out of bounds")
case("sum", [enc(np.zeros((0, 3)))], enc(np.sum(np.zeros((0, 3)), axis=0)), axis=0)
case("sum", [enc(np.zeros((0, 3)))], enc(np.asarray(0.0)))
case("max", [enc(np.zeros((0, 3)))], None, axis=0, error="empty")
case("max", [enc(np.array([1.0, np.nan, 3.0]))], enc(np.asarray(np.nan)))
for name, f in [("argmax", np.argmax), ("argmin", np.argmin)]:
    ties = np.array([[1.0, 5.0, 5.0, 0.0], [7.0, 2.0, 7.0, 2.0], [3.0, 3.0, 3.0, 3.0]])
    case(name, [enc(ties)], int(f(ties)))
    case(name, [enc(ties)], enc(f(ties, axis=1)), axis=1)
    case(name, [enc(ties)], enc(f(ties, axis=0)), axis=0)
    case(name, [enc(ties)], enc(f(ties, axis=-1)), axis=-1)
    a = rand((2, 3, 4))
    case(name, [enc(a)], enc(f(a, axis=1)), axis=1)
    case(name, [enc(np.array([2.0, np.nan, 5.0, np.nan]))], int(f(np.array([2.0, np.nan, 5.0, np.nan]))))

# Shapes.
a = np.arange(24.0).reshape(2, 3, 4)
case("reshape", [enc(a)], enc(a.reshape(4, -1)), shape=[4, -1])
case("reshape", [enc(a)], None, shape=[5, -1], error="cannot reshape")
case("reshape", [enc(a)], None, shape=[-1, -1], error="only one")
case("transpose", [enc(a)], enc(np.transpose(a)))
case("transpose", [enc(a)], enc(np.transpose(a, (1, 0, 2))), axes=[1, 0, 2])
case("transpose", [enc(a)], enc(np.transpose(a, (2, 0, 1))), axes=[-1, 0, 1])
b = rand((37, 45))
case("transpose", [enc(b)], enc(b.T))
case("transpose", [enc(a)], None, axes=[0, 1], error="axes")
case("flatten", [enc(a)], enc(a.flatten()))
c = rand((1, 3, 1))
case("squeeze", [enc(c)], enc(np.squeeze(c)))
case("squeeze", [enc(c)], enc(np.squeeze(c, axis=-1)), axis=-1)
case("squeeze", [enc(c)], None, axis=1, error="size not equal to one")
case("expandDims", [enc(b)], enc(np.expand_dims(b, 0)), axis=0)
case("expandDims", [enc(b)], enc(np.expand_dims(b, -1)), axis=-1)
x1, x2, x3 = rand((2, 3)), rand((2, 5)), rand((4, 3))
case("concat", [enc(x1), enc(x3)], enc(np.concatenate([x1, x3])), axis=0)
case("concat", [enc(x1), enc(x2)], enc(np.concatenate([x1, x2], axis=1)), axis=1)
case("concat", [enc(x1), enc(x2)], None, axis=0, error="differ")
case("hstack", [enc(x1), enc(x2)], enc(np.hstack([x1, x2])))
case("hstack", [enc(np.arange(3.0)), enc(np.arange(2.0))], enc(np.hstack([np.arange(3.0), np.arange(2.0)])))
case("vstack", [enc(x1), enc(x3)], enc(np.vstack([x1, x3])))
case("vstack", [enc(np.arange(3.0)), enc(np.arange(3.0) + 1)], enc(np.vstack([np.arange(3.0), np.arange(3.0) + 1])))

# Indexing.
d = rand((6, 3))
case("slice", [enc(d)], enc(d[1:4]), start=1, end=4)
case("slice", [enc(d)], enc(d[-2:]), start=-2)
case("slice", [enc(d)], enc(d[4:100]), start=4, end=100)
idx = np.array([5, 0, 0, 2])
case("take", [enc(d), enc(idx)], enc(d[idx]))
case("take", [enc(d), enc(np.array([6]))], None, error="out of bounds")
rows, cols = np.array([0, 2, 2, 5]), np.array([1, 0, 0, 2])
case("gather", [enc(d), enc(rows), enc(cols)], enc(d[rows, cols]))
acc = d.copy()
np.add.at(acc, (rows, cols), -1.0)
case("scatterAdd", [enc(d), enc(rows), enc(cols)], enc(acc), value=-1.0)
y = np.array([2, 0, 1, 2])
case("oneHot", [enc(y)], enc(np.eye(3)[y]), numClasses=3)
case("oneHot", [enc(np.array([3]))], None, numClasses=3, error="not in [0, 3)")

# Matrix products, with transposes, odd sizes, both dtypes.
for (m, k, n) in [(1, 1, 1), (1, 7, 5), (5, 7, 1), (7, 13, 5), (33, 65, 17), (0, 3, 2), (3, 0, 2)]:
    for dt in (np.float64, np.float32):
        A, B = rand((m, k), dt), rand((k, n), dt)
        case("matmul", [enc(A), enc(B)], enc(A @ B))
        case("matmul", [enc(A.T.copy()), enc(B)], enc(A @ B), transA=True)
        case("matmul", [enc(A), enc(B.T.copy())], enc(A @ B), transB=True)
        case("matmul", [enc(A.T.copy()), enc(B.T.copy())], enc(A @ B), transA=True, transB=True)
case("matmul", [enc(rand((2, 3))), enc(rand((4, 5)))], None, error="do not align")
v = rand((3,))
M = rand((4, 3))
case("matmul", [enc(M), enc(v)], enc(M @ v))

# Creation.
case("arange", [], enc(np.arange(5.0)), stop=5)
case("arange", [], enc(np.arange(-1.0, 1.0, 0.3)), start=-1.0, stop=1.0, step=0.3)
case("arange", [], enc(np.arange(5.0, 0.0, -1.5)), start=5.0, stop=0.0, step=-1.5)
case("linspace", [], enc(np.linspace(-2.0, 3.0, 7)), start=-2.0, stop=3.0, num=7)
case("linspace", [], enc(np.linspace(0.0, 1.0, 5, endpoint=False)), start=0.0, stop=1.0, num=5, endpoint=False)
case("linspace", [], enc(np.linspace(-1.5, 1.5, 100)), start=-1.5, stop=1.5, num=100)
case("eye", [], enc(np.eye(3, 4, 1)), n=3, m=4, k=1)
gx, gy = np.meshgrid(np.linspace(0, 1, 4), np.linspace(-1, 1, 3))
case("meshgrid", [enc(np.linspace(0, 1, 4)), enc(np.linspace(-1, 1, 3))], [enc(gx), enc(gy)])

with open("tests/fixtures/tensor_ops.json", "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"wrote {len(cases)} cases")
