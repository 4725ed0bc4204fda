#!/usr/bin/env python3
"""Writes fruit.csv: 150 synthetic fruit (50 per class), seeded, three values missing ('?').
Not real measurements: a small file with numeric and nominal inputs for the examples."""
import random
r = random.Random(21)
rows = []
spec = {  # weight g (mean, sd), diameter cm (mean, sd), colours with weights
    'apple':  (170, 25, 7.5, 0.6, {'red': 5, 'green': 3, 'yellow': 1}),
    'orange': (200, 30, 8.0, 0.7, {'orange': 8, 'yellow': 1, 'green': 1}),
    'lemon':  (110, 20, 5.8, 0.5, {'yellow': 8, 'green': 2}),
}
for i in range(150):
    fruit = ['apple', 'orange', 'lemon'][i % 3]
    wm, ws, dm, ds, cols = spec[fruit]
    w = round(r.gauss(wm, ws), 1)
    d = round(r.gauss(dm, ds), 2)
    c = r.choices(list(cols), weights=list(cols.values()))[0]
    rows.append([str(w), str(d), c, fruit])
r.shuffle(rows)
for i in (7, 41, 88):   # a few missing values: imputed by the stored preprocessing
    rows[i][r.randrange(3)] = '?'
with open('fruit.csv', 'w') as f:
    f.write('weight_g,diameter_cm,colour,fruit\n')
    for row in rows:
        f.write(','.join(row) + '\n')
