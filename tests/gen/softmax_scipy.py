"""Regenerates tests/fixtures/softmax_scipy.json: SciPy's softmax, log_softmax and logsumexp.

Run from the repository root: python3 tests/gen/softmax_scipy.py
Inputs: a float64 [2, 3, 4] array with large and negative entries (exp would overflow without the
max shift), reduced along every axis.
"""
import json

import numpy as np
from scipy.special import log_softmax, logsumexp, softmax

rng = np.random.default_rng(13)
x = rng.normal(0, 3, (2, 3, 4))
x[0, 0, 0] = 800.0  # exp(800) overflows: only a max-shifted softmax survives
x[1, 2, 3] = -750.0
cases = []
for axis in (0, 1, 2, -1):
    cases.append({
        "axis": axis,
        "softmax": softmax(x, axis=axis).ravel().tolist(),
        "log_softmax": log_softmax(x, axis=axis).ravel().tolist(),
        "logsumexp": logsumexp(x, axis=axis).ravel().tolist(),
        "logsumexp_shape": list(logsumexp(x, axis=axis).shape),
    })
out = {"x": x.ravel().tolist(), "shape": list(x.shape), "cases": cases}
with open("tests/fixtures/softmax_scipy.json", "w") as f:
    json.dump(out, f)
    f.write("\n")
