"""Writes tests/fixtures/format_vectors.json: Python/NumPy strings that lib/format must reproduce.

- repr: repr(x) for thousands of doubles across magnitudes (random bit patterns, decades, edges).
- format: format(x, spec) for many specs (floats, ints, strings), including exact ties.
- sprintf: Python's "fmt % args" for a list of format strings.
- arrays: np.array2string / repr(np.array) under several print options (incl. the notebooks'
  suppress=True, precision=6, linewidth=200), several shapes, float64/float32/int32, nan/inf,
  summarised arrays.
Floats are stored as 16-hex-digit IEEE bit patterns so nan, inf and -0.0 survive JSON.

Run with Debian's Python (NumPy 1.24, the notebooks' version): /usr/bin/python3 tests/gen/format_vectors.py
(NumPy 2.x gives the same strings except that repr() of summarised arrays adds ", shape=(...)").
"""
import json
import os
import random
import struct

import numpy as np

rnd = random.Random(20240519)


def hexf(x):
    return struct.pack(">d", float(x)).hex()


def from_bits(b):
    return struct.unpack(">d", b.to_bytes(8, "big"))[0]


def interesting_doubles(n_random_bits=1500, per_decade=12):
    xs = []
    while len(xs) < n_random_bits:  # uniformly random bit patterns (all magnitudes)
        x = from_bits(rnd.getrandbits(64))
        if x == x and abs(x) != float("inf"):
            xs.append(x)
    for e in range(-330, 309, 3):  # a few values in every decade
        for _ in range(3):
            try:
                xs.append(rnd.uniform(1, 10) * 10.0**e)
            except OverflowError:
                pass
    for e in range(-12, 22):
        for _ in range(per_decade):
            xs.append(rnd.uniform(1, 10) * 10.0**e * rnd.choice([1, -1]))
            xs.append(round(rnd.uniform(0, 1000), rnd.randint(0, 6)) * 10.0**e)
    xs += [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 5e-324, 2.2250738585072014e-308,
           1.7976931348623157e308, 0.1, 0.2, 0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e15, 9999999999999998.0,
           1e-4, 1e-5, 0.0001, 0.00011, 9.999999999999999e-05, 123456789012345678.0, 1e22, 1e23,
           0.5, 1.5, 2.5, 100.0, 12345.678, 0.8125, 0.125, 0.375, 2.0**53, 2.0**53 + 2, 2.0**-1074]
    xs += [float(i) for i in range(-20, 21)] + [float(rnd.randint(-10**9, 10**9)) for _ in range(50)]
    return xs


def ties():
    """Values exactly halfway between two p-digit decimals: odd / 2^(p+1) (and scaled by 10^k)."""
    out = []
    for p in range(0, 9):
        for _ in range(25):
            odd = 2 * rnd.randint(0, 10**4) + 1
            x = odd / 2.0 ** (p + 1)
            out.append((x * rnd.choice([1, -1]), f".{p}f"))
            out.append((x, f"{p + 3}.{p}f"))
    for p in range(0, 7):  # ties in scientific notation: 1.5, 2.25, 0.000125, ...
        for _ in range(15):
            odd = 2 * rnd.randint(0, 10**(p + 1)) + 1
            x = odd / 2.0 ** (p + 1) * 10 ** rnd.randint(-6, 6)
            out.append((x, f".{p}e"))
            out.append((x, f".{p + 1}g"))
    out += [(0.8125, ".3f"), (0.125, ".2f"), (0.375, ".2f"), (2.5, ".0f"), (3.5, ".0f"), (0.5, ".0f"),
            (1.5, ".0f"), (-0.5, ".0f"), (1e22 + 2**20, ".0f"), (0.045, ".2f"), (1.005, ".2f")]
    return out


FLOAT_SPECS = [".4f", ".2f", "7.4f", ".3e", ".0f", ".1f", "f", "e", "g", ".3g", ".10g", ".17g", "",
               ".3", ".12", "+.2f", " .2f", "010.3f", ",.2f", "_.3f", "015,.2f", ">12.4e", "<12.4e",
               "^12.3f", "*^14.2f", ".2%", "%", "#.0f", "#.3g", "#g", "E", ".5E", "G", ".3G", "F",
               "z.2f", "+012.4e", "-.1f", "10", ".1e", ".15e", ".20f", "=+10.2f", "010", ".0e", ".0g",
               "#.0e", ",", "_", "n", ".2n", "08.3%", "z.0f", "z.3e"]
INT_SPECS = ["d", "5d", "05d", ",d", "_d", "+d", " d", "x", "#x", "X", "#X", "o", "#o", "b", "#b",
             "_b", "#_x", "08,d", "010_d", "#010x", "^7d", "<6d", "*>8d", "", "12", "=+8d", "+,d"]
STR_SPECS = ["s", ">10", "<10", "^10", ".3", "*^9", "", "10.2s", "-<6"]


def format_vectors():
    xs = interesting_doubles(400, 4)
    out = []
    for spec in FLOAT_SPECS:
        sample = rnd.sample(xs, 110) + [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1.5,
                                         -2.25, 1234567.891, 0.00012345, -0.004999]
        for x in sample:
            out.append({"x": hexf(x), "spec": spec, "out": format(x, spec)})
    for x, spec in ties():
        out.append({"x": hexf(x), "spec": spec, "out": format(x, spec)})
        out.append({"x": hexf(x), "spec": "%" + spec, "out": ("%" + spec) % x, "percent": True})
    ints = [0, 1, -1, 7, -42, 255, 1000, -1000, 123456, 10**9 + 7, -(2**31), 2**53 + 1, -(2**63),
            2**64 + 5, 10**20] + [rnd.randint(-10**7, 10**7) for _ in range(25)]
    for spec in INT_SPECS:
        for n in ints:
            out.append({"int": str(n), "spec": spec, "out": format(n, spec)})
    for spec in ["d", "5d", ",d", "x", "b"]:  # integer-valued floats through the int types
        for n in [0, 3, -17, 4096, 123456789]:
            out.append({"x": hexf(float(n)), "spec": spec, "out": format(n, spec)})
    for spec in STR_SPECS:
        for s in ["", "a", "abc", "hello world", "Ünïcode"]:
            out.append({"str": s, "spec": spec, "out": format(s, spec)})
    return out


def arg(v):
    if isinstance(v, bool):
        raise TypeError
    if isinstance(v, int):
        return {"t": "i", "v": str(v)}
    if isinstance(v, float):
        return {"t": "f", "v": hexf(v)}
    return {"t": "s", "v": v}


def sprintf_vectors():
    cases = [
        ("%7.4f", (3.14159,)), ("%f", (2.5,)), ("%3d", (7,)), ("%.2f", (0.125,)), ("%s", (2.0,)),
        ("%s", (0.1,)), ("%s", (1e-05,)), ("%s", ("text",)), ("%r", ("it's",)), ("%r", (1e16,)),
        ("%5.1f%%", (99.25,)), ("%-8.3e|", (12345.678,)), ("%+d", (5,)), ("% d", (5,)),
        ("%05d", (-42,)), ("%x", (255,)), ("%#o", (8,)), ("%#X", (255,)), ("%10s|", ("right",)),
        ("%-10s|", ("left",)), ("%.3s", ("truncate",)), ("%c", (65,)), ("%c", ("z",)),
        ("%*d", (6, 42)), ("%.*f", (3, 2.0 / 3)), ("%e", (0.0,)), ("%g", (1e-5,)), ("%g", (123456789.0,)),
        ("%G", (1e-10,)), ("%#g", (1.0,)), ("%i", (12,)), ("%u", (12,)), ("%d", (3.7,)), ("%d", (-3.7,)),
        ("%5.2f|%-6d|%s", (1.005, 3, "x")), ("Epoch %d: loss %.4f, acc %.2f%%", (3, 0.693147, 91.875)),
        ("%010.2f", (float("inf"),)), ("%010.2f", (-1.5,)), ("%+.3e", (-0.0,)), ("%.0f", (0.5,)),
        ("%.0f", (1.5,)), ("%.3f", (0.8125,)), ("%8.3g", (0.0001234,)), ("%-+8.2f|", (3.14159,)),
        ("%s and %s", (1.0, 2)), ("%.2e", (9.995,)), ("%.1f", (0.05,)), ("%f", (float("nan"),)),
        ("%F", (float("inf"),)), ("%E", (12345.0,)), ("%#.0f", (3.0,)), ("%#x", (0,)), ("%.3d", (5,)),
        ("%7.3d", (-5,)), ("%s", (-0.0,)), ("%r", (123456789.0,)), ("%a", ("é",)), ("%%", ()),
        ("%5s%%|", (12,)), ("%-5.1f|", (-0.04,)), ("% .3f", (2.0,)), ("%.10f", (1 / 3,)),
    ]
    out = [{"fmt": f, "args": [arg(v) for v in a], "out": f % a} for f, a in cases]
    out.append({"fmt": "%(name)s: %(loss).3f", "mapping": {"name": arg("train"), "loss": arg(0.25)},
                "out": "%(name)s: %(loss).3f" % {"name": "train", "loss": 0.25}})
    return out


def array_cases():
    r = np.random.RandomState(7)
    arrays = {
        "vec5": r.uniform(-1, 1, 5),
        "mat3x4": r.randn(3, 4),
        "cube": r.randn(2, 3, 4) * 10,
        "one": np.array([[0.5]]),
        "empty": np.zeros(0),
        "empty2d": np.zeros((2, 0)),
        "scalar": np.array(3.14159265358979),
        "ints_as_float": np.arange(12.0).reshape(3, 4),
        "mixed_magnitudes": np.array([1e-10, 1.0, 1234.5, -0.001]),
        "tiny": np.array([[1e-9, 1.0], [-2.5e-7, 3.0]]),
        "big": np.array([1e9, 2.5, -3e10]),
        "special": np.array([1.0, np.nan, -np.inf, np.inf, -2.5]),
        "all_nan": np.array([np.nan, np.inf]),
        "long": r.uniform(0, 100, 1200),
        "long2d": r.randn(40, 40),
        "wide": r.randn(3, 30),
        "probs": np.array([[0.9999999, 1e-7, 0.0], [1.0 / 3, 1.0 / 3, 1.0 / 3]]),
        "neg_zero": np.array([-0.0, 0.0, 1.5]),
        "halves": np.array([0.5, 0.25, 0.125, 0.0625, 1e-5]),
        "ties": np.array([0.1234565, 2.5e-7, 0.45, 1.0000005]),
        "weights": r.randn(4, 3) * 0.01,
        "losses": np.array([1.3862943611198904, 0.9345, 0.73521, 0.6271, 0.55962]),
        "rounding9": np.array([0.99999999999, 9.9999999, 99.999999999]),
        "f32": (r.randn(3, 3)).astype(np.float32),
        "f32_vec": np.array([0.1, 0.2, 1 / 3, 1e-8], dtype=np.float32),
        "int32": np.array([1, -20, 300, 4000], dtype=np.int32),
        "int32_long": np.arange(1500, dtype=np.int32),
        "unit": r.uniform(0, 1, (6, 7)),
    }
    options = [
        {},
        {"suppress": True, "precision": 6, "linewidth": 200},
        {"precision": 3},
        {"linewidth": 40},
        {"precision": 4, "floatmode": "fixed"},
        {"precision": 4, "floatmode": "maxprec_equal"},
        {"floatmode": "unique"},
        {"suppress": True},
        {"threshold": 10, "edgeitems": 2},
    ]
    out = []
    for name, a in arrays.items():
        for opts in options:
            with np.printoptions(**opts):
                entry = {"name": name, "dtype": str(a.dtype), "shape": list(a.shape), "options": opts,
                         "str": np.array2string(a), "repr": repr(a)}
            out.append(entry)
    data = {name: [hexf(v) for v in np.asarray(a, dtype=np.float64).ravel()] for name, a in arrays.items()}
    return out, data


def dragon4_vectors():
    """NumPy's own shortest digits (Dragon4) for single values, incl. powers of two (uneven gaps)."""
    xs = interesting_doubles(1200, 1)[:1200] + [2.0**k for k in range(-1074, 1024, 7)]
    out = []
    for x in xs:
        if not np.isfinite(x):
            continue
        out.append({"x": hexf(x), "sci": np.format_float_scientific(x, unique=True),
                    "pos": np.format_float_positional(x, unique=True, trim="."),
                    "pos8": np.format_float_positional(x, unique=True, precision=8, trim=".")})
    return out


def main():
    reprs = [{"x": hexf(x), "out": repr(x)} for x in interesting_doubles()]
    arrays, array_data = array_cases()
    out = {
        "_note": "Generated by tests/gen/format_vectors.py (Python %s, NumPy %s)" % (
            ".".join(map(str, __import__("sys").version_info[:3])), np.__version__),
        "repr": reprs,
        "format": format_vectors(),
        "sprintf": sprintf_vectors(),
        "arrays": arrays,
        "array_data": array_data,
        "dragon4": dragon4_vectors(),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "format_vectors.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"), ensure_ascii=False)
    print("wrote", path, os.path.getsize(path), "bytes")


main()
