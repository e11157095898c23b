"""Writes tests/fixtures/optim_torch.json: update sequences of torch.optim in float64.

Needs PyTorch: on Debian, `apt-get install -y python3-torch` and run with the system Python:
  /usr/bin/python3 tests/gen/optim_torch_reference.py
(the committed fixture came from torch 1.13.0a0). Each optimizer gets the same initial parameters
and the same fixed sequence of gradients (assigned to `.grad` before every `step()`), 12 steps.
"""
import json
import sys

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/optim_torch.json"
STEPS = 12

rng = np.random.default_rng(2024)
w0 = rng.normal(size=(3, 4))
b0 = rng.normal(size=4)
gw = rng.normal(size=(STEPS, 3, 4))
gb = rng.normal(size=(STEPS, 4))


def run(make):
    w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
    opt = make([w, b])
    ws, bs = [], []
    for t in range(STEPS):
        w.grad = torch.tensor(gw[t], dtype=torch.float64)
        b.grad = torch.tensor(gb[t], dtype=torch.float64)
        opt.step()
        ws.append(w.detach().numpy().tolist())
        bs.append(b.detach().numpy().tolist())
    return {"weights": ws, "biases": bs}


O = torch.optim
runs = {
    # Assignment 002's L2 run: Adam(lr=0.01, weight_decay=0.01), coupled decay.
    "adam_weight_decay": ({"lr": 0.01, "weightDecay": 0.01},
                          lambda p: O.Adam(p, lr=0.01, weight_decay=0.01)),
    "adam": ({"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6},
             lambda p: O.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-6)),
    "sgd": ({"lr": 0.1}, lambda p: O.SGD(p, lr=0.1)),
    "sgd_momentum": ({"lr": 0.1, "momentum": 0.9, "weightDecay": 0.001},
                     lambda p: O.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.001)),
    "sgd_nesterov": ({"lr": 0.05, "momentum": 0.8, "nesterov": True},
                     lambda p: O.SGD(p, lr=0.05, momentum=0.8, nesterov=True)),
    "adagrad": ({"lr": 0.1, "decay": 0.01, "weightDecay": 0.01},
                lambda p: O.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.01)),
    "rmsprop": ({"lr": 0.01}, lambda p: O.RMSprop(p, lr=0.01)),
}
out = {"torch": torch.__version__, "w0": w0.tolist(), "b0": b0.tolist(), "gw": gw.tolist(),
       "gb": gb.tolist(), "runs": {}}
for name, (options, make) in runs.items():
    out["runs"][name] = {"options": options, **run(make)}

# Gradient clipping of the first gradient pair.
w = torch.tensor(w0, requires_grad=True)
b = torch.tensor(b0, requires_grad=True)
w.grad, b.grad = torch.tensor(gw[0]), torch.tensor(gb[0])
norm = torch.nn.utils.clip_grad_norm_([w, b], max_norm=1.0)
out["clip_norm"] = {"max_norm": 1.0, "norm": float(norm), "gw": w.grad.numpy().tolist(),
                    "gb": b.grad.numpy().tolist()}
w.grad, b.grad = torch.tensor(gw[0]), torch.tensor(gb[0])
torch.nn.utils.clip_grad_value_([w, b], clip_value=0.5)
out["clip_value"] = {"clip_value": 0.5, "gw": w.grad.numpy().tolist(), "gb": b.grad.numpy().tolist()}

# Schedulers: the learning rate after each epoch's scheduler step.
metrics = [1.0, 0.9, 0.95, 0.9, 0.91, 0.9, 0.92, 0.8, 0.8, 0.81, 0.8, 0.8, 0.79995, 0.8, 0.7]


def lrs(make_sched, with_metric):
    p = torch.zeros(1, requires_grad=True)
    opt = O.SGD([p], lr=0.1)
    sched = make_sched(opt)
    out_lrs = []
    for m in metrics:
        opt.step()
        sched.step(m) if with_metric else sched.step()
        out_lrs.append(opt.param_groups[0]["lr"])
    return out_lrs


S = O.lr_scheduler
out["schedulers"] = {
    "metrics": metrics,
    "plateau": {"options": {"factor": 0.5, "patience": 2},
                "lrs": lrs(lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2), True)},
    "plateau_abs_cooldown": {
        "options": {"factor": 0.1, "patience": 1, "threshold": 0.02, "thresholdMode": "abs",
                    "cooldown": 2, "minLr": 0.0005},
        "lrs": lrs(lambda o: S.ReduceLROnPlateau(o, factor=0.1, patience=1, threshold=0.02,
                                                 threshold_mode="abs", cooldown=2, min_lr=0.0005),
                   True)},
    "step": {"options": {"stepSize": 4, "gamma": 0.5},
             "lrs": lrs(lambda o: S.StepLR(o, step_size=4, gamma=0.5), False)},
    "exponential": {"options": {"gamma": 0.9},
                    "lrs": lrs(lambda o: S.ExponentialLR(o, gamma=0.9), False)},
}
with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", OUT)
