#!/usr/bin/python3
"""How the machine's sgemm rate varies over time: OpenBLAS (numpy, 2 threads) at W1's first-layer
shape (64x784)*(784x256), timed in back-to-back 0.2 s windows for SECONDS (default 30), then the
distribution (min, quartiles, max) in GFLOP/s. gemm_limit.py (../shared/bench/peers/python)
reports the best of 7 such trials, i.e. the top of this distribution; this shows where a typical
second of the same product lies on this VM, whose speed drifts between phases.

Usage: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 scripts/sgemm-windows.py [SECONDS]
Prints one JSON line.
"""
import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30.0
rng = np.random.default_rng(0)
a = rng.random((64, 784), dtype=np.float32)
b = rng.random((784, 256), dtype=np.float32)
c = np.empty((64, 256), dtype=np.float32)
flops = 2.0 * 64 * 784 * 256
with threadpool_limits(limits=2, user_api="blas"):
    for _ in range(200):
        np.matmul(a, b, out=c)   # warm-up: thread pool, caches
    windows = []
    end = time.time() + seconds
    while time.time() < end:
        t = time.perf_counter()
        calls = 0
        while time.perf_counter() - t < 0.2:
            for _ in range(50):
                np.matmul(a, b, out=c)
            calls += 50
        windows.append(calls * flops / (time.perf_counter() - t) / 1e9)
windows.sort()
q = lambda f: round(windows[min(len(windows) - 1, int(f * len(windows)))], 1)
print(json.dumps({"system": "openblas-sgemm", "shape": "(64x784)*(784x256)", "threads": 2, "window_seconds": 0.2,
                  "windows": len(windows), "min_gflops": q(0), "q1_gflops": q(0.25), "median_gflops": q(0.5),
                  "q3_gflops": q(0.75), "max_gflops": round(windows[-1], 1)}))
