#!/usr/bin/env python3
"""Turns the output of tests/test_accuracy into the markdown table of docs/accuracy.md,
or with --json into docs/results/accuracy.json (what the report reads).

    build/release/tests/test_accuracy | python3 scripts/accuracy_table.py > table.md
    build/release/tests/test_accuracy | python3 scripts/accuracy_table.py --json > docs/results/accuracy.json
"""
import json
import re
import sys

LINE = re.compile(r"^  (?P<spec>.+?)\s+(?P<label>f32 fwd|f32 deriv|f64 fwd|f64 deriv)\s+max (?P<ulp>\S+) ULP"
                  r" at x=(?P<x>\S+) .*?, (?P<points>\d+) points$")
COLUMNS = ["f32 fwd", "f32 deriv", "f64 fwd", "f64 deriv"]

rows = {}
order = []
for line in sys.stdin:
    m = LINE.match(line.rstrip("\n"))
    if not m:
        continue
    spec = m["spec"]
    if spec not in rows:
        rows[spec] = {}
        order.append(spec)
    rows[spec][m["label"]] = (float(m["ulp"]), m["x"], int(m["points"]))

if "--json" in sys.argv[1:]:
    out = {spec: {c: {"max_ulp": rows[spec][c][0], "at_x": float(rows[spec][c][1]), "points": rows[spec][c][2]}
                  for c in COLUMNS if c in rows[spec]} for spec in order}
    json.dump(out, sys.stdout, indent=1, sort_keys=False)
    print()
    sys.exit(0)

print("| function | " + " | ".join(f"{c} max ULP (at x)" for c in COLUMNS) + " | points f32 / f64 |")
print("|---|" + "---|" * (len(COLUMNS) + 1))
for spec in order:
    r = rows[spec]
    cells = []
    for c in COLUMNS:
        if c in r:
            ulp, x, _ = r[c]
            cells.append(f"{ulp:.3f}" + (f" ({float(x):.6g})" if ulp > 0 else ""))
        else:
            cells.append("–")
    pts = f"{r.get('f32 fwd', (0, 0, 0))[2]} / {r.get('f64 fwd', (0, 0, 0))[2]}"
    print(f"| `{spec}` | " + " | ".join(cells) + f" | {pts} |")
