"""Regenerates tests/fixtures/plot/reference.json for tests/plot_test.ts.

Run from the repository root with Debian's Python (numpy 1.24, matplotlib 3.6):

    /usr/bin/python3 tests/gen/plot_reference.py

It records what matplotlib and NumPy give, for lib/plot to be checked against:
- colormaps: matplotlib's gray, viridis, coolwarm, Blues (and coolwarm_r) at 21 points of [0, 1],
  as 0..255 RGB;
- linspace / meshgrid: np.linspace and f(*np.meshgrid(x, y)) for assignment 001's function
  f(x, y) = x^2 + y^2 + x (y + 2) + cos(3x) on a small grid (rows along y, as contourf reads it);
- crc32: zlib's CRC-32 of a few byte strings (PNG chunks carry it);
- ticks: d3-style tick positions are checked in the test itself against hand-worked values.
"""
import json
import os
import zlib

import matplotlib
import numpy as np
from matplotlib import cm

OUT = "tests/fixtures/plot"
os.makedirs(OUT, exist_ok=True)

ts = np.linspace(0, 1, 21)
colormaps = {}
for name in ["gray", "viridis", "coolwarm", "Blues", "coolwarm_r"]:
    cmap = cm.get_cmap(name)
    colormaps[name] = [[int(round(v * 255)) for v in cmap(t)[:3]] for t in ts]


def f(x, y):
    return x**2 + y**2 + x * (y + 2) + np.cos(3 * x)


x = np.linspace(-5, 5, 7)
y = np.linspace(-2, 3, 4)
xx, yy = np.meshgrid(x, y)
zz = f(xx, yy)

crc_inputs = ["", "IEND", "IHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00", "The quick brown fox"]
crc = [{"bytes": list(s.encode("latin-1")), "crc32": zlib.crc32(s.encode("latin-1"))} for s in crc_inputs]

reference = {
    "matplotlib": matplotlib.__version__,
    "numpy": np.__version__,
    "colormap_t": ts.tolist(),
    "colormaps": colormaps,
    "linspace": {"lo": -5, "hi": 5, "n": 7, "values": x.tolist()},
    "meshgrid": {
        "xDomain": [-5, 5],
        "yDomain": [-2, 3],
        "grid": [7, 4],
        "zz": zz.tolist(),
    },
    "crc32": crc,
}
with open(os.path.join(OUT, "reference.json"), "w") as fh:
    json.dump(reference, fh)
print("wrote", os.path.join(OUT, "reference.json"))
