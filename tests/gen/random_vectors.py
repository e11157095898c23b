"""Writes tests/fixtures/random_vectors.json: NumPy random streams that lib/random must match bit for bit.

Each "program" is a fresh generator (np.random.default_rng(seed) or np.random.RandomState(seed)) and a
list of calls made on it in order, with NumPy's results; tests/random_test.ts replays every program.
Calls are interleaved on purpose (buffered 32-bit halves, the cached Box-Muller value must carry over).
"digests" are SHA-256 hashes of long streams (1e6 normals etc.), to catch rare paths (ziggurat tail,
log/exp rounding) without a huge fixture.

Run: python3 tests/gen/random_vectors.py   (written with NumPy 2.4; NumPy 1.24 gives identical output)
"""
import hashlib
import json
import os

import numpy as np

SEEDS = [0, 1, 42, 12345, 80085, 2**32 - 1, 2**64 + 7, 2**128 - 159, 0x0123456789ABCDEF0123456789ABCDEF0123]
LEGACY_SEEDS = [0, 1, 42, 100, 12345, 2**32 - 1, [1, 2, 3], [0xDEADBEEF, 7, 2**32 - 1]]


def enc_int(v):
    v = int(v)
    return v if -(2**53) <= v <= 2**53 else str(v)


def enc(x):
    """NumPy result -> JSON: floats exact (repr), big ints as strings, arrays as {shape, data}."""
    if isinstance(x, np.ndarray):
        flat = x.ravel()
        if x.dtype.kind in "iu":
            data = [enc_int(v) for v in flat]
        else:
            data = [float(v) for v in flat]
        return {"shape": list(x.shape), "data": data}
    if isinstance(x, (int, np.integer)):
        return enc_int(x)
    return float(x)


def seed_json(s):
    return [str(v) for v in s] if isinstance(s, list) else str(s)


def run(obj, steps):
    """Calls each (method, args, kwargs) on obj; returns the recorded steps."""
    out = []
    for method, args, kwargs in steps:
        if method == "shuffle":
            arr = np.array(args[0])
            obj.shuffle(arr)
            res = arr
        elif method == "state":
            st = obj.bit_generator.state["state"] if hasattr(obj, "bit_generator") else None
            res = {"state": str(st["state"]), "inc": str(st["inc"])}
        elif method == "legacy_state":
            name, key, pos, has_gauss, cached = obj.get_state()
            res = {"key_head": [int(k) for k in key[:6]], "key_tail": [int(k) for k in key[-3:]],
                   "pos": int(pos), "has_gauss": int(has_gauss), "cached_gaussian": float(cached)}
        elif method == "random_raw":
            res = np.array([str(v) for v in obj.bit_generator.random_raw(*args)], dtype=object)
            res = {"shape": [len(res)], "data": list(res)}
        else:
            res = getattr(obj, method)(*args, **kwargs)
        if not isinstance(res, dict):
            res = enc(res)
        kw = {k: (v if isinstance(v, (int, float, bool, list)) else np.dtype(v).name) for k, v in kwargs.items()}
        out.append({"call": method, "args": [a.tolist() if isinstance(a, np.ndarray) else enc(a) if isinstance(a, int)
                                             else a for a in args],
                    "kwargs": kw, "out": res})
    return out


def generator_steps(seed):
    p5 = [0.1, 0.0, 0.3, 0.6, 0.0]
    steps = [
        ("state", [], {}),
        ("random_raw", [6], {}),
        ("random", [], {}),
        ("random", [40], {}),
        ("random", [[3, 5]], {}),
        ("uniform", [-10, 10, 20], {}),
        ("uniform", [1, 10], {}),
        ("uniform", [0, 1, [2, 3]], {}),
        ("standard_normal", [150], {}),
        ("standard_normal", [], {}),
        ("normal", [3.0, 0.5, 20], {}),
        ("normal", [], {}),
        ("normal", [0.0, 1 / 28.0, [4, 7]], {}),
        ("integers", [2], {"size": 20}),
        ("random", [3], {}),  # after an odd number of 32-bit draws: buffered half must be kept
        ("integers", [0, 10], {"size": 31}),
        ("integers", [-5, 5], {"size": 20}),
        ("integers", [100], {}),
        ("integers", [0, 1000], {"size": [3, 4]}),
        ("integers", [0, 10], {"size": 10, "endpoint": True}),
        ("integers", [0, 2**31 - 1], {"size": 8}),
        ("integers", [-(2**31), 2**31 - 1], {"size": 5, "endpoint": True}),
        ("integers", [0, 2**32], {"size": 6}),
        ("integers", [0, 2**40], {"size": 6}),
        ("integers", [-(2**62), 2**62], {"size": 4}),
        ("integers", [-(2**63), 2**63 - 1], {"size": 3, "endpoint": True}),
        ("integers", [2**60], {}),
        ("permutation", [10], {}),
        ("permutation", [np.arange(15.0).reshape(5, 3)], {}),
        ("random", [2], {}),
        ("shuffle", [np.arange(20)], {}),
        ("shuffle", [np.arange(12.0).reshape(4, 3)], {}),
        ("choice", [10, 5], {}),
        ("choice", [10], {}),
        ("choice", [10, 5], {"replace": False}),
        ("choice", [1000, 300], {"replace": False}),
        ("choice", [5, 10], {"p": p5}),
        ("choice", [5, 3], {"replace": False, "p": p5}),
        ("choice", [np.array([0.5, 1.5, 2.5, 3.5]), 6], {}),
        ("choice", [np.arange(12.0).reshape(4, 3), 2], {"replace": False}),
        ("integers", [7], {"size": 3}),
        ("random", [], {}),
    ]
    if seed in (0, 12345):
        steps += [("choice", [20000, 1000], {"replace": False}),  # tail-shuffle branch
                  ("permutation", [300], {})]
    return steps


def legacy_steps():
    p5 = [0.1, 0.0, 0.3, 0.6, 0.0]
    return [
        ("legacy_state", [], {}),
        ("randint", [0, 2**32], {"size": 6, "dtype": np.uint32}),  # raw 32-bit outputs
        ("rand", [], {}),
        ("rand", [3, 5], {}),
        ("random_sample", [7], {}),
        ("random", [[2, 2]], {}),
        ("randn", [5], {}),  # odd: leaves the second Box-Muller value cached
        ("normal", [1.0, 2.0, 3], {}),
        ("randn", [], {}),
        ("standard_normal", [[2, 3]], {}),
        ("normal", [], {}),
        ("legacy_state", [], {}),
        ("uniform", [-1.0, 1.0, 10], {}),
        ("uniform", [], {}),
        ("randint", [0, 10], {"size": 30}),
        ("randint", [5], {"size": 10}),
        ("randint", [-100, 100], {"size": [4, 5]}),
        ("randint", [10], {}),
        ("randint", [0, 2**31 - 1], {"size": 5}),
        ("randint", [0, 2**32], {"size": 5}),
        ("randint", [0, 2**40], {"size": 5}),
        ("randint", [-(2**62), 2**62], {"size": 3}),
        ("permutation", [20], {}),
        ("permutation", [np.arange(15.0).reshape(5, 3)], {}),
        ("shuffle", [np.arange(15)], {}),
        ("shuffle", [np.arange(12.0).reshape(4, 3)], {}),
        ("choice", [10, 5], {}),
        ("choice", [10], {}),
        ("choice", [10, 5], {"replace": False}),
        ("choice", [5, 8], {"p": p5}),
        ("choice", [5, 3], {"replace": False, "p": p5}),
        ("choice", [np.array([0.5, 1.5, 2.5, 3.5]), 6], {}),
        ("rand", [2], {}),
        ("legacy_state", [], {}),
    ]


def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def digests():
    out = []
    for s in (0, 12345):
        out.append({"kind": "generator", "seed": str(s), "call": "standard_normal", "n": 1000000,
                    "sha256_f64": sha(np.random.default_rng(s).standard_normal(1000000))})
        out.append({"kind": "generator", "seed": str(s), "call": "random", "n": 1000000,
                    "sha256_f64": sha(np.random.default_rng(s).random(1000000))})
        out.append({"kind": "generator", "seed": str(s), "call": "integers", "high": 1000, "n": 1000000,
                    "sha256_i32": sha(np.random.default_rng(s).integers(0, 1000, 1000000).astype("<i4"))})
        out.append({"kind": "generator", "seed": str(s), "call": "permutation", "n": 60000,
                    "sha256_i32": sha(np.random.default_rng(s).permutation(60000).astype("<i4"))})
    for s in (0, 100):
        out.append({"kind": "legacy", "seed": str(s), "call": "randn", "n": 1000000,
                    "sha256_f64": sha(np.random.RandomState(s).randn(1000000))})
        out.append({"kind": "legacy", "seed": str(s), "call": "rand", "n": 1000000,
                    "sha256_f64": sha(np.random.RandomState(s).rand(1000000))})
        out.append({"kind": "legacy", "seed": str(s), "call": "randint", "high": 1000, "n": 1000000,
                    "sha256_i32": sha(np.random.RandomState(s).randint(0, 1000, 1000000).astype("<i4"))})
        out.append({"kind": "legacy", "seed": str(s), "call": "permutation", "n": 60000,
                    "sha256_i32": sha(np.random.RandomState(s).permutation(60000).astype("<i4"))})
    return out


def main():
    programs = []
    for s in SEEDS:
        programs.append({"kind": "generator", "seed": seed_json(s),
                         "steps": run(np.random.default_rng(s), generator_steps(s))})
    for s in LEGACY_SEEDS:
        programs.append({"kind": "legacy", "seed": seed_json(s),
                         "steps": run(np.random.RandomState(s), legacy_steps())})
    # The module-level functions share one RandomState: np.random.seed resets it and its cached normal.
    np.random.seed(7)
    np.random.randn(3)
    np.random.seed(2024)
    module_steps = run(np.random, [("rand", [4], {}), ("randn", [3], {}), ("randint", [0, 5], {"size": 6}),
                                   ("permutation", [8], {}), ("choice", [6, 3], {"replace": False}),
                                   ("uniform", [2.0, 3.0, 2], {}), ("normal", [0.0, 0.1, 3], {})])
    out = {
        "_note": "Generated by tests/gen/random_vectors.py with NumPy " + np.__version__,
        "programs": programs,
        "module": {"seed": "2024", "steps": module_steps},
        "digests": digests(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "random_vectors.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":  # tests/gen/random_mt19937.py imports the step lists
    main()
