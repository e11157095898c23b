# Prints p5.rng_reference of tests/fixtures/reference/003_reference_numbers.json as JSON: the initial weights of
# the homework's NumPy network (default_rng(80085), normal(0, 1/sqrt(fan_in)) as in p5.py), their sums and
# first three entries of row 0; needs numpy (1.24.2 for the fixture; the stream is the same since 1.17).
import json, math
import numpy as np

rng = np.random.default_rng(80085)
w1 = rng.normal(loc=0, scale=1 / math.sqrt(784), size=(784, 32))
w2 = rng.normal(loc=0, scale=1 / math.sqrt(32), size=(32, 32))
w3 = rng.normal(loc=0, scale=1 / math.sqrt(32), size=(32, 10))
out = {}
for name, w in [("W1", w1), ("W2", w2), ("W3", w3)]:
    out[f"{name}_sum"] = float(w.sum())
    out[f"{name}_first3"] = [round(float(v), 8) for v in w[0, :3]]
print(json.dumps(out, indent=1))
