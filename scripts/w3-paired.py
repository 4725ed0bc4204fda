#!/usr/bin/python3
"""W3 (full-batch iRprop-) from the same initial weights in PyTorch and in backprop4j.

Usage:  OPENBLAS_CORETYPE=SkylakeX scripts/w3-paired.py SEED [SEED ...]

For each seed: builds the PyTorch peer's W3 network exactly as ../shared/bench/peers/python/
torch_bench.py does (torch.manual_seed(seed), nn.Linear's default init), writes its initial
parameters to a file (little-endian float32 in parameters() order), trains it with the peer's
torch.optim.Rprop settings for 20 full-batch steps, then runs `scripts/bench W3 --initial-weights
FILE --no-warmup` on the same file. Prints one line per seed (test accuracy and final loss of both)
and the mean and standard error of the per-seed accuracy differences. With the initial weights
shared, the remaining differences come from the implementations (summation order, tanh/exp in
float32), not from the draw of the initial weights.
"""
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "bench", "peers", "python"))
import common  # noqa: E402

common.pin_threads(1, None, blas_threads=2)  # the peer's default "blas" layout, before torch loads
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

torch.set_num_threads(1)


def torch_w3(seed, X, y, Xte, yte, path):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(784, 128), nn.Tanh(), nn.Linear(128, 10))
    with open(path, "wb") as f:
        for p in model.parameters():
            f.write(p.detach().numpy().astype("<f4").tobytes())
    opt = torch.optim.Rprop(model.parameters(), lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0))
    loss_val = float("nan")
    for _ in range(20):
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        loss_val = loss.item()
    with torch.inference_mode():
        acc = (model(Xte).argmax(dim=1) == yte).double().mean().item()
    return acc, loss_val


def ours_w3(seed, path):
    out = subprocess.run([os.path.join(HERE, "bench"), "W3", "--seed", str(seed), "--initial-weights", path,
                          "--no-warmup"], check=True, capture_output=True, text=True).stdout
    rec = json.loads(out.strip().splitlines()[-1])
    return rec["test_accuracy"], rec["final_train_loss"]


def main():
    seeds = [int(s) for s in sys.argv[1:]] or [42]
    xtr, ytr, xte, yte = common.load_fmnist(60000)
    X, y = torch.from_numpy(xtr), torch.from_numpy(ytr)
    Xte, yte_t = torch.from_numpy(xte), torch.from_numpy(yte)
    diffs = []
    print("seed  pytorch_acc  backprop4j_acc  diff_points  pytorch_loss  backprop4j_loss")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            path = os.path.join(tmp, "w3-init-%d.bin" % seed)
            tacc, tloss = torch_w3(seed, X, y, Xte, yte_t, path)
            oacc, oloss = ours_w3(seed, path)
            d = 100 * (oacc - tacc)
            diffs.append(d)
            print("%4d  %11.4f  %14.4f  %+11.2f  %12.6f  %15.6f" % (seed, tacc, oacc, d, tloss, oloss), flush=True)
    n = len(diffs)
    mean = sum(diffs) / n
    se = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1) / n) if n > 1 else float("nan")
    print("mean difference %+.3f points (standard error %.3f), %d of %d seeds >= 0"
          % (mean, se, sum(d >= 0 for d in diffs), n))


if __name__ == "__main__":
    main()
