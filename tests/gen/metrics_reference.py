"""Writes tests/fixtures/metrics_sklearn.json: scikit-learn's accuracy, confusion matrix and
per-class recall on fixed labels.

Run with Debian's Python (scikit-learn 1.2.1):  /usr/bin/python3 tests/gen/metrics_reference.py
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, recall_score

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/metrics_sklearn.json"
rng = np.random.default_rng(3)
n, k = 40, 5
y = rng.integers(0, k, size=n)
scores = rng.normal(size=(n, k))
scores[np.arange(0, n, 3), y[::3]] += 2.0  # some correct predictions
scores[5] = 0.25  # a row of ties: argmax takes the first
pred = scores.argmax(axis=1)
collapsed = np.where(rng.random(n) < 0.8, 0, 3)  # predictions on two classes only (002's untrained net)

p = rng.random(12)
p[[2, 7]] = 0.5  # exactly at the threshold
yb = rng.integers(0, 2, size=12)
out = {
    "sklearn": sklearn.__version__,
    "y": y.tolist(), "scores": scores.tolist(), "pred": pred.tolist(),
    "accuracy": float(accuracy_score(y, pred)),
    "confusion": confusion_matrix(y, pred).tolist(),
    "recall": recall_score(y, pred, average=None).tolist(),
    "collapsed": collapsed.tolist(),
    "collapsed_confusion": confusion_matrix(y, collapsed, labels=list(range(k))).tolist(),
    "binary": {
        "p": p.tolist(), "y": yb.tolist(),
        "accuracy_gt": float(accuracy_score(yb, (p > 0.5).astype(int))),
        "accuracy_ge": float(accuracy_score(yb, (p >= 0.5).astype(int))),
    },
}
with open(OUT, "w") as fh:
    json.dump(out, fh)
print("wrote", OUT)
