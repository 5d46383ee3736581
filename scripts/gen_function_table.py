#!/usr/bin/env python3
"""Regenerates the function table of README.md from the catalogue.

    build/release/tools/activ/activ list --json | python3 scripts/gen_function_table.py README.md

One row per unqualified function: its parameters with defaults, and how each framework
spells it (an entry whose name, or an alias of the unqualified one, matches).
"""
import json
import sys

BEGIN = "<!-- function-table:begin"
END = "<!-- function-table:end -->"
FRAMEWORKS = ["torch", "keras", "tf", "jax"]


def param_text(p):
    if p.get("required"):
        return f"{p['name']} (required)"
    d = p.get("default")
    if p.get("kind") == "choice" and p.get("choices") and not isinstance(d, str):
        d = p["choices"][int(d)]
    elif p.get("kind") == "boolean":
        d = "true" if d else "false"
    elif d is None or isinstance(d, str):
        d = "None" if d in (None, "inf", "Infinity") else d
    elif float(d).is_integer() and abs(d) < 1e15:
        d = int(d)
    return f"{p['name']}={d}"


def main():
    entries = json.load(sys.stdin)
    by_name = {}
    for e in entries:
        by_name[e["name"]] = e
        for a in e.get("aliases", []):
            by_name.setdefault(a, e)
    rows = ["| function | parameters (defaults) | aliases | " + " | ".join(FRAMEWORKS) + " |",
            "|---|---|---|" + "---|" * len(FRAMEWORKS)]
    for e in entries:
        if e["framework"] not in ("activ", ""):
            continue
        names = [e["name"]] + e.get("aliases", [])
        cells = []
        for fw in FRAMEWORKS:
            hit = next((by_name[f"{fw}:{n}"]["name"] for n in names if f"{fw}:{n}" in by_name), None)
            cells.append(f"`{hit}`" if hit else "–")
        params = ", ".join(param_text(p) for p in e["params"]) or "–"
        aliases = ", ".join(e.get("aliases", [])) or "–"
        rows.append(f"| `{e['name']}` | {params} | {aliases} | " + " | ".join(cells) + " |")
    extra = [x["name"] for x in entries if x["framework"] == "keras2"]
    table = "\n".join(rows) + "\n\nAlso: " + ", ".join(f"`{n}`" for n in extra) + \
        f" (Keras 2). {len(entries)} entries in all; `activ list` shows every one.\n"

    path = sys.argv[1]
    text = open(path, encoding="utf-8").read()
    start = text.index(BEGIN)
    start = text.index("\n", start) + 1
    stop = text.index(END)
    open(path, "w", encoding="utf-8").write(text[:start] + table + text[stop:])


if __name__ == "__main__":
    main()
