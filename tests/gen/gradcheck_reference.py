"""Writes tests/fixtures/gradcheck_scipy.json: scipy.optimize.check_grad on fixed functions.

Run with Debian's Python (SciPy 1.10.1, the version assignment 001's re-run used):
  /usr/bin/python3 tests/gen/gradcheck_reference.py

The function is written with explicit left-to-right products so that the TypeScript test can
evaluate it with exactly the same floating-point operations.
"""
import json
import sys

import numpy as np
import scipy
from scipy.optimize import check_grad

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/gradcheck_scipy.json"


def f(x):
    # sum_i (i+1) x_i^3  -  x_0 x_1  +  0.5 x_2^2, accumulated left to right
    s = 0.0
    for i in range(len(x)):
        s = s + (i + 1) * x[i] * x[i] * x[i]
    s = s - x[0] * x[1]
    s = s + 0.5 * x[2] * x[2]
    return s


def grad(x):
    g = np.array([3 * (i + 1) * x[i] * x[i] for i in range(len(x))])
    g[0] -= x[1]
    g[1] -= x[0]
    g[2] += x[2]
    return g


def wrong(x):
    g = grad(x)
    g[1] += 1e-3
    return g


cases = []
for name, x0, gfun, kwargs in [
    ("exact", [0.3, -1.2, 2.5, 0.7, -0.4], grad, {}),
    ("wrong", [0.3, -1.2, 2.5, 0.7, -0.4], wrong, {}),
    ("epsilon 1e-6", [0.3, -1.2, 2.5, 0.7, -0.4], grad, {"epsilon": 1e-6}),
    # x0 + eps == x0 for 1e9: SciPy falls back to a relative step for that coordinate.
    ("large coordinate", [0.3, -1.2, 2.5, 1e9, -0.4], grad, {}),
]:
    err = check_grad(f, gfun, np.array(x0), **kwargs)
    cases.append({"name": name, "x0": x0, "grad": "wrong" if gfun is wrong else "exact",
                  "epsilon": kwargs.get("epsilon"), "err": float(err)})
with open(OUT, "w") as fh:
    json.dump({"scipy": scipy.__version__, "cases": cases}, fh, indent=1)
print("wrote", OUT, [c["err"] for c in cases])
