#!/usr/bin/env python3
"""Runs `activ verify` for every unqualified catalogue entry and records the results:
docs/results/verify.json (one object per entry, the verify --json output plus the date,
the commit and the load) and the table between the verify-table markers of
docs/accuracy.md. Results accumulate: an entry that is not run keeps its previous
record, so a long exhaustive run can be done in parts (or be interrupted) and each
finished entry is written at once.

    python3 scripts/verify_all.py --activ build/release/tools/activ/activ --exhaustive
    python3 scripts/verify_all.py --activ ... --stride 257 --only gelu sigmoid
    python3 scripts/verify_all.py --table-only      # rewrite the table from verify.json

Exit status 1 when an entry missed its bar, 0 otherwise.
"""
import argparse
import datetime
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "docs", "results", "verify.json")
ACCURACY = os.path.join(ROOT, "docs", "accuracy.md")
BEGIN, END = "<!-- verify-table:begin -->", "<!-- verify-table:end -->"

# Entries with required parameters get the values the accuracy test uses.
REQUIRED_VALUES = {"threshold": "threshold(threshold=0.5, value=-2)"}
# Parameter settings that select a float32 kernel of their own (not only other
# constants in the same one): swept as well.
EXTRA_SPECS = ["gelu(approximate=tanh)"]


def unqualified_specs(activ):
    entries = json.loads(subprocess.run([activ, "list", "--json"], check=True, capture_output=True, text=True).stdout)
    specs = []
    for e in entries:
        # Elementwise entries only: functions along an axis have no per-element sweep.
        if e["framework"] != "activ" or e.get("kind", "elementwise") != "elementwise" or \
                any(p["name"] in ("axis", "dim") for p in e["params"]) or e["name"] == "softmax2d":
            continue
        if any(p["required"] for p in e["params"]):
            if e["name"] not in REQUIRED_VALUES:
                print(f"verify_all: skipping {e['name']} (required parameters, no values known)", file=sys.stderr)
                continue
            specs.append(REQUIRED_VALUES[e["name"]])
        else:
            specs.append(e["name"])
    return specs + EXTRA_SPECS


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def load():
    if os.path.exists(RESULTS):
        with open(RESULTS) as f:
            return json.load(f)
    return {"about": "", "entries": {}}


def save(data):
    tmp = RESULTS + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, RESULTS)


def ulp_cell(t, piecewise):
    ulp = t["max_ulp"]
    text = "inf" if ulp is None else f"{ulp:.3f}"
    if ulp and ulp > 0:
        text += f" ({t['max_at']})"
    if piecewise:
        text += ", exact" if t.get("inexact", 0) == 0 else f", {t['inexact']} inexact"
    return text


def table(data):
    rows = ["| function | points | f32 fwd max ULP (at x) | > 0.5 | f32 deriv max ULP (at x) | > 0.5 | NaN / inf mismatches "
            "| MPFR check (points, max disagreement) | time (threads) | result |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for spec, r in data["entries"].items():
        pw = r["piecewise_linear"]
        f, d, o = r["forward"], r["derivative"], r["oracle_check"]
        points = "all 2^32" if r["stride"] == 1 else f"every {r['stride']}th ({r['points']})"
        mism = f"{f['nan_mismatches'] + d['nan_mismatches']} / {f['inf_mismatches'] + d['inf_mismatches']}"
        dis = o["max_disagreement_ulp"]
        oracle = f"{o['points']}, {'inf' if dis is None else f'{dis:.1e}'} ULP"
        rows.append(f"| `{spec}` | {points} | {ulp_cell(f, pw)} | {f['above_0_5']} | {ulp_cell(d, pw)} | "
                    f"{d['above_0_5']} | {mism} | {oracle} | {r['elapsed_s']:.0f} s ({r['threads']}) | "
                    f"{'pass' if r['pass'] else 'FAIL'} |")
    exhaustive = sum(1 for r in data["entries"].values() if r["stride"] == 1)
    head = (f"{exhaustive} of {len(data['entries'])} entries swept exhaustively; the others at the stride shown. "
            "Kernels as of the commit and date in docs/results/verify.json (`commit`, `date`, `load`).\n\n")
    return head + "\n".join(rows) + "\n"


def write_table(data):
    with open(ACCURACY) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"verify_all: {ACCURACY} has no {BEGIN} ... {END} markers")
    start = text.index(BEGIN) + len(BEGIN)
    stop = text.index(END)
    text = text[:start] + "\n" + table(data) + text[stop:]
    tmp = ACCURACY + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, ACCURACY)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--activ", help="path to the activ executable")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--exhaustive", action="store_true")
    g.add_argument("--stride", type=int)
    ap.add_argument("--threads", type=int)
    ap.add_argument("--oracle-check", type=int, default=256)
    ap.add_argument("--only", nargs="*", help="these specs only (default: every unqualified entry)")
    ap.add_argument("--skip-done", action="store_true", help="skip entries already swept exhaustively")
    ap.add_argument("--table-only", action="store_true")
    args = ap.parse_args()

    data = load()
    data["about"] = ("activ verify: float32 kernels against their scalar formulas in double (spot-checked against MPFR) over all 2^32 inputs (stride 1) or "
                     "every stride-th bit pattern; written by scripts/verify_all.py")
    if args.table_only:
        write_table(data)
        return 0
    if not args.activ:
        ap.error("--activ is required")
    specs = args.only if args.only else unqualified_specs(args.activ)
    failed = []
    for spec in specs:
        if args.skip_done and spec in data["entries"] and data["entries"][spec]["stride"] == 1:
            continue
        cmd = [args.activ, "verify", spec, "--json", "--oracle-check", str(args.oracle_check)]
        if args.exhaustive:
            cmd.append("--exhaustive")
        elif args.stride:
            cmd += ["--stride", str(args.stride)]
        if args.threads:
            cmd += ["--threads", str(args.threads)]
        load_before = os.getloadavg()[0]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode not in (0, 1):
            print(f"verify_all: {' '.join(cmd)} exited {p.returncode}: {p.stderr.strip()}", file=sys.stderr)
            failed.append(spec)
            continue
        r = json.loads(p.stdout)
        r["date"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        r["commit"] = commit()  # HEAD at run time; the binary may be older:
        r["binary_built"] = datetime.datetime.fromtimestamp(os.path.getmtime(args.activ), datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        r["load"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        data["entries"][spec] = r
        save(data)
        write_table(data)
        print(f"{spec}: {'pass' if r['pass'] else 'FAIL'} (fwd {r['forward']['max_ulp']}, deriv "
              f"{r['derivative']['max_ulp']} ULP, {r['points']} points, {r['elapsed_s']:.1f} s)", flush=True)
        if not r["pass"]:
            failed.append(spec)
    if failed:
        print("verify_all: missed a bar or failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
