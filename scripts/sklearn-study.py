#!/usr/bin/python3
"""scikit-learn's side of scripts/accuracy-vs-sklearn: MLPClassifier / MLPRegressor with its
defaults and on a small grid of its own (hidden units x alpha, max_iter 500), on the parts
DefaultsStudy dumped (backprop4j's split and input preprocessing, raw targets).
Prints one TSV line per set, seed and configuration: accuracy, or "R2 MSE" for regression."""
import glob, os, sys, warnings
import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score, mean_squared_error
from sklearn.exceptions import ConvergenceWarning
warnings.simplefilter("ignore", ConvergenceWarning)

parts, sets = sys.argv[1], sys.argv[2].split(",")
seeds = [int(s) for s in sys.argv[3].split(",")]
grid = [(h, a) for h in (16, 32, 100) for a in (1e-4, 1e-2, 1.0)]
for name in sets:
    reg = name.endswith("-reg")
    for seed in seeds:
        tr = np.loadtxt(os.path.join(parts, f"{name}-{seed}-train.csv"), delimiter=",", ndmin=2)
        te = np.loadtxt(os.path.join(parts, f"{name}-{seed}-test.csv"), delimiter=",", ndmin=2)
        X, y, Xt, yt = tr[:, :-1], tr[:, -1], te[:, :-1], te[:, -1]
        configs = [("default", MLPRegressor(random_state=seed) if reg else MLPClassifier(random_state=seed))]
        for h, a in grid:
            kw = dict(hidden_layer_sizes=(h,), alpha=a, max_iter=500, random_state=seed)
            m = TransformedTargetRegressor(MLPRegressor(**kw), transformer=StandardScaler()) if reg else MLPClassifier(**kw)
            configs.append((f"{h}/a={a:g}", m))
        for label, m in configs:
            if not reg:
                y, yt = y.astype(int), yt.astype(int)
            m.fit(X, y)
            p = m.predict(Xt)
            score = f"{r2_score(yt, p):.6f} {mean_squared_error(yt, p):.4f}" if reg else f"{np.mean(p == yt):.6f}"
            print(f"{name}\t{seed}\t{label}\t{score}", flush=True)
