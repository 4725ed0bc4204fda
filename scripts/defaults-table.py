#!/usr/bin/python3
"""Tables of scripts/accuracy-vs-sklearn from the study's TSV files (ours.tsv from DefaultsStudy,
sklearn.tsv from sklearn-study.py): per set, the mean over seeds of test accuracy (classes) or R²
(regression), in points (x100); every candidate's gap to scikit-learn's better configuration on
that set (the grid configuration with the best mean there: an oracle choice, so a hard bar), its
mean gap and worst gap. Candidates are ranked by worst gap rounded to half a point (finer differences
are less than a test pattern per split on most sets: noise), then by mean gap, both over the sets but
weather (its 4 test patterns make one pattern 25 points); the first is the default."""
import sys, statistics as st
from collections import defaultdict

ours_f, sk_f = sys.argv[1], sys.argv[2]
SETS = ["iris", "wine", "breast-cancer", "digits", "glass", "pima-diabetes", "weather", "monks-1", "monks-2", "monks-3",
        "diabetes-reg", "cpu-reg"]
SMALL = {"weather"}

def load(path):
    d = defaultdict(dict)   # (set, config) -> seed -> (points, mse or None)
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 4: continue
        v = f[3].split()
        d[(f[0], f[2])][int(f[1])] = (100 * float(v[0]), float(v[1]) if len(v) > 1 else None)
    return d

ours, sk = load(ours_f), load(sk_f)
seeds = sorted({s for v in ours.values() for s in v})
def mean(d, key, i=0):
    vals = [d[key][s][i] for s in seeds if s in d.get(key, {})]
    return st.mean(vals) if len(vals) == len(seeds) else None

sets = [s for s in SETS if any(k[0] == s for k in sk)]
best = {}
for s in sets:
    cands = [(mean(sk, k), k[1]) for k in sk if k[0] == s and mean(sk, k) is not None]
    best[s] = max(cands)
cands = sorted({k[1] for k in ours}, key=lambda c: (int(c.split("/")[0]), c.split("/")[1], float(c.split("/")[2]), int(c.split("/")[3]), c))
rows = []
for c in cands:
    gaps = {s: mean(ours, (s, c)) - best[s][0] for s in sets if mean(ours, (s, c)) is not None}
    if len(gaps) != len(sets): continue
    judged = [g for s, g in gaps.items() if s not in SMALL]
    rows.append((min(judged), st.mean(judged), c, gaps))
rows.sort(key=lambda r: (-round(r[0] * 2) / 2, -r[1]))

short = {"breast-cancer": "breast", "pima-diabetes": "pima", "diabetes-reg": "diabetes R²", "cpu-reg": "cpu R²"}
print(f"Seeds {','.join(map(str, seeds))}. Per set: the mean test score over the seeds, in points (accuracy or R² x 100).\n")
print("| data set | test patterns | scikit-learn defaults | scikit-learn's better configuration | " + " | ".join(["backprop4j " + rows[0][2]]) + " |")
print("|---|---|---|---|---|")
import os
for s in sets:
    n = sum(1 for _ in open(os.path.join(os.path.dirname(sk_f), "parts", f"{s}-{seeds[0]}-test.csv")))
    sd = [ours[(s, rows[0][2])][x][0] for x in seeds]
    spread = f" ± {st.stdev(sd):.2f}" if len(sd) > 1 else ""
    print(f"| {s} | {n} | {mean(sk, (s, 'default')):.2f} | {best[s][0]:.2f} ({best[s][1]}) | {st.mean(sd):.2f}{spread} |")
print()
mse_sets = [s for s in sets if s.endswith("-reg")]
if mse_sets:
    print("Regression, mean test MSE in the target's units:\n")
    print("| data set | scikit-learn defaults | scikit-learn's better configuration | backprop4j " + rows[0][2] + " |")
    print("|---|---|---|---|")
    for s in mse_sets:
        print(f"| {s} | {mean(sk, (s, 'default'), 1):.1f} | {mean(sk, (s, best[s][1]), 1):.1f} | {mean(ours, (s, rows[0][2]), 1):.1f} |")
    print()
print("Every candidate (hidden units / activation / Adam lr / epoch cap / L2 λ if not 0; plateau stop on), best first: its mean "
      "score minus scikit-learn's better configuration's, per set, in points; worst and mean over the sets but weather; "
      "ranked by the worst rounded to half a point, then the mean.\n")
print("| candidate | worst | mean | " + " | ".join(short.get(s, s) for s in sets) + " |")
print("|---|---|---|" + "---|" * len(sets))
for worst, avg, c, gaps in rows:
    print(f"| {c} | {worst:+.2f} | {avg:+.2f} | " + " | ".join(f"{gaps[s]:+.2f}" for s in sets) + " |")
skd = {s: mean(sk, (s, "default")) - best[s][0] for s in sets}
judged = [g for s, g in skd.items() if s not in SMALL]
print(f"| *scikit-learn defaults* | {min(judged):+.2f} | {st.mean(judged):+.2f} | " + " | ".join(f"{skd[s]:+.2f}" for s in sets) + " |")
