#!/usr/bin/python3
"""A workload's test accuracy over many seeds, backprop4j against the PyTorch peer, run alternately.

Usage:  OPENBLAS_CORETYPE=SkylakeX scripts/peer-accuracy.py W1|W2|W3 FROM TO [-- EXTRA scripts/bench ARGS]

For each seed S in FROM..TO: `../shared/bench/peers/python/torch_bench.py W --seed S` and
`scripts/bench W --seed S --no-warmup EXTRA...`; prints one line per seed and then both means, the
mean of the per-seed differences (ours − PyTorch) with its standard error, and how many seeds are
≥ 0. Each system draws its own initial weights from S, so a seed's two runs start from different
weights: the per-seed pairing only orders the runs, the comparison is of the two means. The same
summary is printed for the final training loss (the peers' `final_train_loss`).
"""
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")
TORCH = os.path.join(ROOT, "..", "shared", "bench", "peers", "python", "torch_bench.py")


def run(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    rec = [json.loads(line) for line in out.splitlines() if line.startswith("{")][-1]
    return rec["test_accuracy"], rec["final_train_loss"]


def main(argv):
    if len(argv) < 3 or argv[0].upper() not in ("W1", "W2", "W3"):
        sys.exit(__doc__)
    w = argv[0].upper()
    first, last = int(argv[1]), int(argv[2])
    extra = argv[4:] if len(argv) > 3 and argv[3] == "--" else argv[3:]
    ours, theirs, ours_loss, theirs_loss = [], [], [], []
    for s in range(first, last + 1):
        t_acc, t_loss = run([sys.executable, TORCH, w, "--seed", str(s)])
        b_acc, b_loss = run([os.path.join(HERE, "bench"), w, "--seed", str(s), "--no-warmup", *extra])
        theirs.append(t_acc)
        ours.append(b_acc)
        theirs_loss.append(t_loss)
        ours_loss.append(b_loss)
        print(f"seed {s:4d}  backprop4j {b_acc:.4f} (loss {b_loss:.6f})  pytorch {t_acc:.4f} (loss {t_loss:.6f})"
              f"  diff {100 * (b_acc - t_acc):+.2f} points", flush=True)
    n = len(ours)
    print(f"{w}, seeds {first}-{last} ({n}), bench args: {' '.join(extra) or '(default)'}")
    print(f"mean test accuracy: backprop4j {sum(ours) / n:.4f} ({min(ours):.4f}-{max(ours):.4f}),"
          f" pytorch {sum(theirs) / n:.4f} ({min(theirs):.4f}-{max(theirs):.4f})")
    mean_d, se_d, sd_d = mean_se([100 * (a - b) for a, b in zip(ours, theirs)])
    print(f"difference: {mean_d:+.3f} points, standard error {se_d:.3f} (per-seed sd {sd_d:.3f});"
          f" {sum(1 for a, b in zip(ours, theirs) if a >= b)} of {n} seeds >= 0")
    mean_l, se_l, _ = mean_se([a - b for a, b in zip(ours_loss, theirs_loss)])
    print(f"final training loss: backprop4j {sum(ours_loss) / n:.6f}, pytorch {sum(theirs_loss) / n:.6f};"
          f" difference {mean_l:+.6f}, standard error {se_l:.6f};"
          f" {sum(1 for a, b in zip(ours_loss, theirs_loss) if a < b)} of {n} seeds lower")


def mean_se(x):
    """Mean, its standard error and the sample standard deviation of the values x."""
    n = len(x)
    m = sum(x) / n
    sd = math.sqrt(sum((v - m) ** 2 for v in x) / (n - 1)) if n > 1 else 0.0
    return m, sd / math.sqrt(n), sd

if __name__ == "__main__":
    main(sys.argv[1:])
