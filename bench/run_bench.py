#!/usr/bin/env python3
"""Runs the benchmark harness and writes docs/results/performance.json and
docs/performance.md. `make bench` calls it after building; by hand:

    python3 bench/run_bench.py --bin build/bench/bench/activ_bench_peers
    python3 bench/run_bench.py --bin ... --sizes 12,16 --min-time 0.05     # quicker
    python3 bench/run_bench.py --from-json raw.json --accuracy-json acc.json  # re-render only
    python3 bench/run_bench.py --only softmax   # softmax rows only, merged into the saved JSON
    python3 bench/run_bench.py --only extra     # backward-from-output and 16-bit rows only, merged

Every number is the median of --repetitions runs of Google Benchmark, all in one process
(so activ, the peers, memcpy and the three-stream copy see the same machine state).
ratio = ns/element of the implementation / ns/element of the copy of the same bytes
measured in the same run: memcpy (read x, write y) for forward, the three-stream copy
(read x, read dy, write dx) for backward. Softmax along an axis (the "softmax" key of the
JSON) is compared with memcpy of the same bytes, one thread. The extra directions (bwdy:
backward from the forward's output; fwd_bf16 / bwd_bf16 / fwd_f16 / bwd_f16: 16-bit
storage) are compared with a copy of their own bytes measured in the same run.
"""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_JSON = os.path.join(ROOT, "docs", "results", "performance.json")
OUT_MD = os.path.join(ROOT, "docs", "performance.md")
PEERS = ["onednn", "libtorch", "xnnpack"]
IMPL_LABEL = {"activ": "activ", "onednn": "oneDNN", "libtorch": "libtorch", "xnnpack": "XNNPACK"}


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                return [f for f in ("sse4_2", "avx2", "fma", "avx512f", "avx512bw") if f in flags]
    return []


def pkg_version(p):
    return sh(f"dpkg-query -W -f='${{Version}}' {p} 2>/dev/null") or "not installed"


def run_bench(binary, sizes, softmax_sizes, min_time, reps, name_filter=None):
    fd, raw = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    cmd = [binary, f"--sizes={sizes}", f"--softmax-sizes={softmax_sizes}", f"--benchmark_min_time={min_time}",
           f"--benchmark_repetitions={reps}"] + ([f"--benchmark_filter={name_filter}"] if name_filter else []) + [
           "--benchmark_report_aggregates_only=true", "--benchmark_out_format=json", f"--benchmark_out={raw}"]
    print("run_bench: " + " ".join(cmd), file=sys.stderr, flush=True)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(raw) as f:
        data = json.load(f)
    os.unlink(raw)
    return data


def run_accuracy(binary, stride):
    fd, path = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    subprocess.run([binary, f"--accuracy={path}", f"--stride={stride}"], check=True, stderr=subprocess.DEVNULL)
    with open(path) as f:
        data = json.load(f)
    os.unlink(path)
    return data


# fwd / bwd: float32 from x; the EXTRA_DIRS: backward from the output, 16-bit storage.
EXTRA_DIRS = {"bwdy": "backward from the output y (float32)", "fwd_bf16": "forward, bfloat16",
              "bwd_bf16": "backward, bfloat16", "fwd_f16": "forward, float16", "bwd_f16": "backward, float16"}
NAME = re.compile(r"^(fwd|bwd|" + "|".join(EXTRA_DIRS) + r")/(.+)/(\w+)/t(\d+)/(\d+)(?:/real_time)?_median$")
EXTRA_FILTER = "^(" + "|".join(EXTRA_DIRS) + ")/"


def parse(raw):
    """{(dir, function, impl, threads, n): ns per element} from the medians."""
    out = {}
    for b in raw["benchmarks"]:
        m = NAME.match(b["name"])
        if not m or b.get("aggregate_name") != "median":
            continue
        d, fn, impl, t, n = m[1], m[2], m[3], int(m[4]), int(m[5])
        unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
        out[(d, fn, impl, t, n)] = b["real_time"] * unit / n
    return out


SOFTMAX_NAME = re.compile(r"^softmax/(\w+)/(\d+)/(last|first)/(\w+)/t(\d+)/(\d+)(?:/real_time)?_median$")


def medians(raw, pattern):
    """(match, real ns per element, CPU ns per element) of the median of each benchmark
    whose name matches."""
    for b in raw["benchmarks"]:
        m = pattern.match(b["name"])
        if m and b.get("aggregate_name") == "median":
            unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
            n = int(m.groups()[-1])
            yield m, b["real_time"] * unit / n, b["cpu_time"] * unit / n


def run_meta(raw, args):
    """The machine and the run: what every results block records beside its numbers."""
    ctx = raw.get("context", {})
    return {
        "date": ctx.get("date") or datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "cores": os.cpu_count(),
        # Google Benchmark's own record at the start of the run, and ours at its end.
        "load_before": [round(x, 2) for x in ctx.get("load_avg", [])] or args.load_before,
        "load_after": args.load_after,
        "compiler": sh("c++ --version | head -1"),
        "commit": args.commit or sh(f"git -C {ROOT} describe --always --dirty"),
        "benchmark": {"min_time_s": args.min_time, "repetitions": args.repetitions, "statistic": "median"},
    }


def build_softmax(raw, args):
    """The softmax rows of a run: results[function][N][row][axis][impl/tT], with the
    ratio to that run's memcpy of the same N; None when the run had none."""
    memcpy = {k[4]: v for k, v in parse(raw).items() if k[:3] == ("fwd", "memcpy", "copy")}
    memcpy_cpu = {int(m[5]): c for m, _, c in medians(raw, NAME) if m[2] == "memcpy"}
    # The backward from the output reads y and dy and writes dx: its copy is the three-stream one.
    copy3 = {k[4]: v for k, v in parse(raw).items() if k[:3] == ("bwd", "copy3", "copy")}
    copy3_cpu = {int(m[5]): c for m, _, c in medians(raw, NAME) if m[2] == "copy3" and m[1] == "bwd"}
    results = {}
    # CPU time beside the wall time: on a shared machine whose load exceeds its cores,
    # wall time also counts the time the benchmark waited for a core.
    for m, v, c in medians(raw, SOFTMAX_NAME):
        fn, row, axis, impl, t, n = m[1], m[2], m[3], m[4], m[5], int(m[6])
        e = results.setdefault(fn, {}).setdefault(str(n), {}).setdefault(row, {}).setdefault(axis, {})
        copy, copy_cpu = (copy3[n], copy3_cpu[n]) if fn.endswith("_bwdy") else (memcpy[n], memcpy_cpu[n])
        e[f"{impl}/t{t}"] = {"ns_per_element": round(v, 5), "ratio_to_memcpy": round(v / copy, 3),
                             "cpu_ns_per_element": round(c, 5), "cpu_ratio_to_memcpy": round(c / copy_cpu, 3)}
    if not results:
        return None
    meta = run_meta(raw, args)
    return {"about": "softmax / log_softmax over rows of ROW float32 elements of an N-element tensor, one thread: "
                     "axis 'last' is shape (N/ROW, ROW) along axis 1, 'first' is shape (ROW, N/ROW) along axis 0. "
                     "ns per element (median) and ratio to memcpy of the same N bytes in the same run; FUNCTION_bwdy "
                     "is the backward from the output (read y and dy, write dx), its ratio against the three-stream "
                     "copy of the same N.",
            "meta": meta, "memcpy_ns_per_element": {str(n): round(v, 5) for n, v in sorted(memcpy.items())},
            "memcpy_cpu_ns_per_element": {str(n): round(v, 5) for n, v in sorted(memcpy_cpu.items())},
            "results": results}


def build(raw, acc, args, supplement=None):
    ns = parse(raw)
    sizes = sorted({k[4] for k in ns})
    copy = {(k[0], k[4]): v for k, v in ns.items() if k[2] == "copy"}
    functions = {}
    for (d, fn, impl, t, n), v in sorted(ns.items()):
        if impl == "copy":
            continue
        e = functions.setdefault(fn, {}).setdefault(d, {}).setdefault(str(n), {})
        e[f"{impl}/t{t}"] = {"ns_per_element": round(v, 5), "ratio_to_copy": round(v / copy[(d, n)], 3)}
    # A second run for rows the first one lacked: its ratios use its own copies.
    supplemented = []
    if supplement:
        ns2 = parse(supplement)
        copy2 = {(k[0], k[4]): v for k, v in ns2.items() if k[2] == "copy"}
        for (d, fn, impl, t, n), v in sorted(ns2.items()):
            if impl == "copy" or (d, fn, impl, t, n) in ns:
                continue
            e = functions.setdefault(fn, {}).setdefault(d, {}).setdefault(str(n), {})
            e[f"{impl}/t{t}"] = {"ns_per_element": round(v, 5), "ratio_to_copy": round(v / copy2[(d, n)], 3),
                                 "second_run": True}
            if f"{fn} ({impl})" not in supplemented:
                supplemented.append(f"{fn} ({impl})")
    accuracy = {}
    for r in (acc or {}).get("results", []):
        accuracy.setdefault(r["function"], {}).setdefault(r["dir"], {})[r["impl"]] = {
            k: r[k] for k in ("max_ulp", "at", "above_1", "nan_mismatches", "inf_mismatches")}
    meta = run_meta(raw, args)
    meta["versions"] = {p: pkg_version(p) for p in ("libdnnl-dev", "libtorch-dev", "libxnnpack-dev",
                                                    "libbenchmark-dev", "libhwy-dev")}
    meta["benchmark"]["library_build_type"] = raw.get("context", {}).get("library_build_type")
    meta.update({"accuracy_stride": (acc or {}).get("stride"), "accuracy_points": (acc or {}).get("points"),
                 "second_run": supplemented})
    copies = {d: {str(n): round(copy[(d, n)], 5) for (dd, n) in copy if dd == d} for d in sorted({d for d, _ in copy})}
    return {"about": "ns per element (median) and ratio to a copy of the same bytes in the same run; "
                     "fwd: memcpy x -> y; bwd: three-stream copy (read x, read dy, write dx); the extra "
                     "directions (bwdy, fwd_bf16, bwd_bf16, fwd_f16, bwd_f16) against the same copies of their "
                     "own bytes. Written by bench/run_bench.py.", "meta": meta, "sizes": sizes, "copy_ns_per_element": copies,
            "functions": functions, "accuracy": accuracy, "softmax": build_softmax(raw, args)}


def fmt_cell(e):
    if not e:
        return "–"
    return f"{e['ns_per_element']:.3f} ({e['ratio_to_copy']:.2f}x)"


def fmt_ulp(a):
    if a is None:
        return "–"
    u = a["max_ulp"]
    s = "inf" if u is None else (f"{u:.3g}" if u < 1e4 else f"{u:.3g}")
    if u is None or u > 1:
        s += f" (x={float(a['at']):.6g})"
    if a["nan_mismatches"] or a["inf_mismatches"]:
        s += f", {a['nan_mismatches']} NaN / {a['inf_mismatches']} inf mism."
    return s


def extra_markdown(doc):
    """Backward from the output and 16-bit storage: activ beside the peers that offer the
    same thing, one thread, with the ratio to the copy of the same bytes."""
    fns = doc["functions"]
    rows = [(fn, d) for d in EXTRA_DIRS for fn in fns if d in fns[fn]]
    if not rows:
        return []
    m = doc.get("extra_meta") or doc["meta"]
    L = ["## Backward from the output and 16-bit storage, 1 thread\n"]
    L.append(f"Measured {m['date']}, commit {m['commit']}, load average {m['load_before']} at the start and "
             f"{m['load_after']} at the end. Cells are ns per element (ratio to the copy of the same bytes: memcpy "
             "for forward, the three-stream copy for backward, of float32 for `bwdy` and of 16-bit elements for "
             "the storage rows). `bwdy` is dx = dy * f'(x) from the saved y (activ `backward_from_output`, oneDNN "
             "`*_use_dst_for_bwd`, libtorch's `*_backward` ops on the result as autograd calls them); the 16-bit "
             "rows store x, y, dy and dx in bfloat16 or float16 (activ computes in float32 and rounds once; oneDNN "
             "eltwise on bf16 memory; libtorch ATen on BFloat16 / Half tensors, where this build implements them "
             "on the CPU; oneDNN and libtorch have no float16 eltwise on this CPU).\n")
    sizes = [n for n in doc["sizes"] if n >= 1 << 20] or doc["sizes"]
    L.append("| direction | function | " + " | ".join(f"activ 2^{n.bit_length() - 1}" for n in sizes) + " | "
             + " | ".join(f"fastest peer 2^{n.bit_length() - 1}" for n in sizes) + " | peer / activ at "
             f"2^{sizes[0].bit_length() - 1} |")
    L.append("|---|---|" + "---|" * (2 * len(sizes) + 1))
    for fn, d in rows:
        cells = fns[fn][d]
        activ_cells, peer_cells = [], []
        for n in sizes:
            c = cells.get(str(n), {})
            activ_cells.append(fmt_cell(c.get("activ/t1")))
            peers = [(c[f"{p}/t1"]["ns_per_element"], p, c[f"{p}/t1"]) for p in PEERS if f"{p}/t1" in c]
            best = min(peers, key=lambda t: t[0]) if peers else None
            peer_cells.append(f"{IMPL_LABEL[best[1]]} {fmt_cell(best[2])}" if best else "–")
        c0 = cells.get(str(sizes[0]), {})
        peers0 = [c0[f"{p}/t1"]["ns_per_element"] for p in PEERS if f"{p}/t1" in c0]
        speed = (f"{min(peers0) / c0['activ/t1']['ns_per_element']:.2f}" if peers0 and "activ/t1" in c0 else "–")
        L.append(f"| {EXTRA_DIRS[d]} | `{fn}` | " + " | ".join(activ_cells) + " | " + " | ".join(peer_cells)
                 + f" | {speed} |")
    L.append("")
    return L


def softmax_markdown(sm):
    m = sm["meta"]
    res = sm["results"]
    L = ["## Softmax along an axis (issue 5), 1 thread\n"]
    L.append(f"Measured {m['date']} on {m['cpu']} ({m['cores']} cores; {', '.join(m['cpu_flags'])}), commit "
             f"{m['commit']}, load average (1/5/15 min) {m['load_before']} at the start and {m['load_after']} at the "
             f"end; median of {m['benchmark']['repetitions']} repetitions. Cells are **ns per element (ratio to memcpy "
             "of the same bytes in the same run)**, wall time and then CPU time (the machine is shared: when its "
             "load exceeds its cores, wall time includes waiting for a core; CPU time does not); rows of ROW float32 "
             "elements, x uniform in [-10, 10]; axis "
             "\"last\" is shape (N/ROW, ROW) along axis 1, \"first\" is (ROW, N/ROW) along axis 0. Peers: oneDNN "
             "softmax_v2 (softmax_accurate / softmax_log, forward_inference), libtorch at::_softmax_out / "
             "_log_softmax_out, XNNPACK softmax_nc_f32 (contiguous rows only, no log_softmax). `softmax_bwdy` and "
             "`log_softmax_bwdy` are the backward from the output (read y and dy, write dx; ratio to the three-stream "
             "copy of the same N): oneDNN softmax_v2_backward, libtorch _softmax_backward_data_out / "
             "_log_softmax_backward_data_out, activ backward_from_output.\n")
    L.append("| memcpy ns/element | " + " | ".join(f"N = 2^{int(n).bit_length() - 1}" for n in sm["memcpy_ns_per_element"])
             + " |")
    L.append("|---|" + "---|" * len(sm["memcpy_ns_per_element"]))
    L.append("| memcpy | " + " | ".join(f"{v:.3f}" for v in sm["memcpy_ns_per_element"].values()) + " |\n")
    # The goals: last axis within 1.5x of memcpy, any other axis within 2x of the last.
    L.append("Goals at rows of 1024, 1 thread: last axis within 1.5x of memcpy; the first axis within 2x of the "
             "last axis. Misses in bold.\n")
    L.append("| function | N | last axis / memcpy (wall) | first axis / last axis (wall) | last / memcpy (CPU) | "
             "first / last (CPU) |")
    L.append("|---|---|---|---|---|---|")
    for fn in (f for f in res if not f.endswith("_bwdy")):
        for n in sorted(res[fn], key=int):
            r = res[fn][n].get("1024", {})
            a, b = r.get("last", {}).get("activ/t1"), r.get("first", {}).get("activ/t1")
            if not a:
                continue
            c1 = f"{a['ratio_to_memcpy']:.2f}"
            c1 = c1 if a["ratio_to_memcpy"] <= 1.5 else f"**{c1}**"
            c3 = f"{a['cpu_ratio_to_memcpy']:.2f}"
            c3 = c3 if a["cpu_ratio_to_memcpy"] <= 1.5 else f"**{c3}**"
            c2 = c4 = "–"
            if b:
                q = b["ns_per_element"] / a["ns_per_element"]
                c2 = f"{q:.2f}" if q <= 2 else f"**{q:.2f}**"
                q = b["cpu_ns_per_element"] / a["cpu_ns_per_element"]
                c4 = f"{q:.2f}" if q <= 2 else f"**{q:.2f}**"
            L.append(f"| `{fn}` | 2^{int(n).bit_length() - 1} | {c1} | {c2} | {c3} | {c4} |")
    L.append("")
    L.append("| function | N | row | axis | activ | oneDNN | libtorch | XNNPACK | fastest peer / activ |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for fn in res:
        for n in sorted(res[fn], key=int):
            for row in sorted(res[fn][n], key=int):
                for axis in ("last", "first"):
                    cells = res[fn][n][row].get(axis)
                    if not cells:
                        continue
                    got = [cells.get(f"{i}/t1") for i in ["activ"] + PEERS]
                    peers = [c["ns_per_element"] for c in got[1:] if c]
                    speed = f"{min(peers) / got[0]['ns_per_element']:.2f}" if got[0] and peers else "–"
                    cell = lambda e: "–" if not e else (f"{e['ns_per_element']:.3f} ({e['ratio_to_memcpy']:.2f}x); "
                                                        f"CPU {e['cpu_ns_per_element']:.3f} ({e['cpu_ratio_to_memcpy']:.2f}x)")
                    L.append(f"| `{fn}` | 2^{int(n).bit_length() - 1} | {row} | {axis} | "
                             + " | ".join(cell(c) for c in got) + f" | {speed} |")
    L.append("")
    return L


def markdown(doc):
    m = doc["meta"]
    sizes = doc["sizes"]
    hw = m["cores"]
    L = []
    L.append("# Performance\n")
    L.append("Generated by `make bench` (bench/run_bench.py; raw numbers in docs/results/performance.json). "
             "Regenerate with one command: `make bench`.\n")
    L.append(f"- CPU: {m['cpu']} ({m['cores']} cores visible; {', '.join(m['cpu_flags'])})")
    L.append(f"- Date: {m['date']}; commit {m['commit']}")
    L.append(f"- Compiler: {m['compiler']}")
    L.append("- Peers (Debian packages): " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()))
    L.append(f"- Load average (1/5/15 min) at the start: {m['load_before']}, at the end: {m['load_after']}. The machine is shared "
             "(other builds ran at the same time), so absolute times drift between runs; ratios to the copy measured "
             "in the same run are the stable numbers.")
    L.append(f"- Each number: median of {m['benchmark']['repetitions']} repetitions (Google Benchmark, min time "
             f"{m['benchmark']['min_time_s']} s each), float32, x uniform in [-10, 10], dy in [-1, 1].")
    if m.get("second_run"):
        L.append("- Measured in a second run (ratios to that run's own copies): " + ", ".join(m["second_run"]) + ".")
    L.append("")
    L.append("Cells are **ns per element (ratio to the copy of the same bytes)**; the copy is memcpy (x -> y) for "
             "forward and a three-stream copy (read x, read dy, write dx) for backward, measured in the same run. "
             "Backward of the peers: oneDNN eltwise_backward from src; libtorch the ATen backward ops autograd "
             "calls (sigmoid and tanh from the saved output, mish without an out= variant so with one "
             "allocation); XNNPACK has no backward.\n")
    copies = doc["copy_ns_per_element"]
    L.append("| copy ns/element | " + " | ".join(f"N = 2^{n.bit_length() - 1}" for n in sizes) + " |")
    L.append("|---|" + "---|" * len(sizes))
    L.append("| memcpy (forward bar) | " + " | ".join(f"{copies['fwd'].get(str(n), 0):.3f}" for n in sizes) + " |")
    L.append("| three-stream copy (backward bar) | " + " | ".join(f"{copies['bwd'].get(str(n), 0):.3f}" for n in sizes)
             + " |\n")

    fns = doc["functions"]
    peer_fns = [f for f in fns if any(k.split("/")[0] != "activ" for d in fns[f].values() for s in d.values() for k in s)]

    # The single-thread goals of issue 4.
    big, mid = max(sizes), (1 << 20 if (1 << 20) in sizes else None)
    L.append("## Goals (issue 4), single thread\n")
    L.append(f"At N = 2^20: activ at least as fast as the fastest peer (column: activ time / fastest peer time, "
             f"goal <= 1). At N = 2^{big.bit_length() - 1}: forward within 1.3x of memcpy, backward within 1.3x of "
             "the three-stream copy (column: activ's ratio, goal <= 1.3). Misses in bold.\n")
    L.append("| function | fwd 2^20: activ / fastest peer | bwd 2^20: activ / fastest peer | "
             f"fwd 2^{big.bit_length() - 1} ratio | bwd 2^{big.bit_length() - 1} ratio |")
    L.append("|---|---|---|---|---|")
    met = missed = 0
    for fn in fns:
        cells = []
        for d in ("fwd", "bwd"):
            row = fns[fn].get(d, {}).get(str(mid), {}) if mid else {}
            a = row.get("activ/t1")
            peers = [(row[k]["ns_per_element"], k.split("/")[0]) for k in row if k.endswith("/t1") and not k.startswith("activ")]
            if a and peers:
                best, who = min(peers)
                r = a["ns_per_element"] / best
                ok = r <= 1
                met, missed = met + ok, missed + (not ok)
                cells.append((f"{r:.2f}" if ok else f"**{r:.2f}**") + f" ({IMPL_LABEL[who]})")
            else:
                cells.append("–")
        for d in ("fwd", "bwd"):
            a = fns[fn].get(d, {}).get(str(big), {}).get("activ/t1")
            if a:
                ok = a["ratio_to_copy"] <= 1.3
                met, missed = met + ok, missed + (not ok)
                cells.append(f"{a['ratio_to_copy']:.2f}" if ok else f"**{a['ratio_to_copy']:.2f}**")
            else:
                cells.append("–")
        L.append(f"| `{fn}` | " + " | ".join(cells) + " |")
    L.append(f"\n{met} goals met, {missed} missed.\n")

    for t, title in ((1, "1 thread"), (hw, f"all threads ({hw})")):
        if t == 1 or hw > 1:
            for d, dname in (("fwd", "forward"), ("bwd", "backward")):
                L.append(f"## Side by side: {dname}, {title}\n")
                L.append("| function | N | activ | oneDNN | libtorch | XNNPACK | fastest peer / activ |")
                L.append("|---|---|---|---|---|---|---|")
                for fn in peer_fns:
                    for n in sizes:
                        row = fns[fn].get(d, {}).get(str(n), {})
                        cells = [row.get(f"{i}/t{t}") for i in ["activ"] + PEERS]
                        if not any(cells[1:]):
                            continue
                        peers = [c["ns_per_element"] for c in cells[1:] if c]
                        speed = f"{min(peers) / cells[0]['ns_per_element']:.2f}" if cells[0] and peers else "–"
                        L.append(f"| `{fn}` | 2^{n.bit_length() - 1} | " + " | ".join(fmt_cell(c) for c in cells)
                                 + f" | {speed} |")
                L.append("")

    L.append("## activ alone: every unqualified entry, 1 thread\n")
    L.append("| function | " + " | ".join(f"fwd 2^{n.bit_length() - 1}" for n in sizes) + " | "
             + " | ".join(f"bwd 2^{n.bit_length() - 1}" for n in sizes) + " |")
    L.append("|---|" + "---|" * (2 * len(sizes)))
    for fn in fns:
        if not any("activ/t1" in s for d in fns[fn].values() for s in d.values()):
            continue
        cells = [fmt_cell(fns[fn].get(d, {}).get(str(n), {}).get("activ/t1")) for d in ("fwd", "bwd") for n in sizes]
        L.append(f"| `{fn}` | " + " | ".join(cells) + " |")
    L.append("")

    if doc.get("softmax"):
        L.extend(softmax_markdown(doc["softmax"]))

    L.extend(extra_markdown(doc))

    acc = doc["accuracy"]
    if acc:
        L.append(f"## Accuracy of the peers\n")
        L.append(f"Max error in float32 ULP against activ's float64 path (the reference of `activ verify`), over every "
                 f"{m['accuracy_stride']}th float32 bit pattern ({m['accuracy_points']} points, all exponents, both "
                 "signs, ±inf and NaN), forward and derivative (backward with dy = 1). Each peer is compared with "
                 "the activ spec of its own definition (e.g. oneDNN soft_relu with `softplus(threshold=None)`, "
                 "libtorch softplus with `softplus`, whose threshold 20 is PyTorch's). \"mism.\" counts NaN or "
                 "infinity where the reference is finite, or the other way round.\n")
        L.append("| function | dir | activ | oneDNN | libtorch | XNNPACK |")
        L.append("|---|---|---|---|---|---|")
        for fn in acc:
            for d in ("fwd", "bwd"):
                if d not in acc[fn]:
                    continue
                a = acc[fn][d]
                L.append(f"| `{fn}` | {d} | " + " | ".join(fmt_ulp(a.get(i)) for i in ["activ"] + PEERS) + " |")
        L.append("")
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "bench", "bench", "activ_bench_peers"))
    ap.add_argument("--sizes", default="12,16,20,26")
    ap.add_argument("--softmax-sizes", default="20,26", help="tensor sizes (powers of two) of the softmax rows")
    ap.add_argument("--only", choices=["softmax", "extra"],
                    help="run only the softmax rows, or only the extra rows (backward from the output, 16-bit "
                         "storage), and merge them into the saved docs/results/performance.json (the other "
                         "numbers and the peers' accuracy stay as they are)")
    ap.add_argument("--min-time", type=float, default=0.1)
    ap.add_argument("--repetitions", type=int, default=3)
    ap.add_argument("--accuracy-stride", type=int, default=4097)
    ap.add_argument("--from-json", help="render from a saved Google Benchmark JSON instead of running")
    ap.add_argument("--accuracy-json", help="a saved --accuracy output instead of running it")
    ap.add_argument("--load-after", dest="load_after_saved", type=lambda v: [float(x) for x in v.split(",")],
                    help="with --from-json: the load average recorded when that run ended")
    ap.add_argument("--commit", help="with --from-json: what the measured binary was built from")
    ap.add_argument("--supplement", help="a second Google Benchmark JSON for rows the first lacks")
    ap.add_argument("--save-raw", help="also keep the raw Google Benchmark JSON here")
    ap.add_argument("--no-write", action="store_true", help="print the markdown instead of writing the docs")
    args = ap.parse_args()
    args.load_before = [round(x, 2) for x in os.getloadavg()]

    if args.only == "softmax":
        return softmax_only(args)
    if args.only == "extra":
        return extra_only(args)
    if args.accuracy_json:
        with open(args.accuracy_json) as f:
            acc = json.load(f)
    elif os.path.basename(args.bin).endswith("peers"):
        acc = run_accuracy(args.bin, args.accuracy_stride)
    else:
        acc = None
    if args.from_json:
        with open(args.from_json) as f:
            raw = json.load(f)
    else:
        raw = run_bench(args.bin, args.sizes, args.softmax_sizes, args.min_time, args.repetitions)
    if args.save_raw:
        with open(args.save_raw, "w") as f:
            json.dump(raw, f)
    supplement = None
    if args.supplement:
        with open(args.supplement) as f:
            supplement = json.load(f)
    args.load_after = args.load_after_saved if args.from_json else [round(x, 2) for x in os.getloadavg()]
    doc = build(raw, acc, args, supplement)
    return write(doc, args)


def partial_run(args, sizes, softmax_sizes, name_filter=None):
    """For the --only modes: the raw run (or --from-json), kept with --save-raw, its end
    load recorded, and the saved document it is merged into."""
    if args.from_json:
        with open(args.from_json) as f:
            raw = json.load(f)
    else:
        raw = run_bench(args.bin, sizes, softmax_sizes, args.min_time, args.repetitions, name_filter)
    if args.save_raw:
        with open(args.save_raw, "w") as f:
            json.dump(raw, f)
    args.load_after = args.load_after_saved if args.from_json else [round(x, 2) for x in os.getloadavg()]
    with open(OUT_JSON) as f:
        doc = json.load(f)
    return raw, doc


def softmax_only(args):
    """Softmax rows alone, merged into the saved JSON; the markdown is rendered again
    from the merged document."""
    raw, doc = partial_run(args, "", args.softmax_sizes)
    doc["softmax"] = build_softmax(raw, args)
    return write(doc, args)


def extra_only(args):
    """The extra directions alone (with their own copies), merged into the saved JSON."""
    raw, doc = partial_run(args, args.sizes, "", EXTRA_FILTER)
    new = build(raw, None, args)
    for fn, dirs in new["functions"].items():
        for d, cells in dirs.items():
            if d in EXTRA_DIRS:
                doc["functions"].setdefault(fn, {})[d] = cells
    doc["copy_ns_per_element"].update({d: v for d, v in new["copy_ns_per_element"].items() if d in EXTRA_DIRS})
    doc["extra_meta"] = run_meta(raw, args)
    return write(doc, args)


def write(doc, args):
    md = markdown(doc)
    if args.no_write:
        print(md)
        return 0
    with open(OUT_JSON, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    # The generated part goes between the markers; the text around them is hand-written.
    begin, end = "<!-- bench:begin (generated by bench/run_bench.py) -->", "<!-- bench:end -->"
    text = open(OUT_MD).read() if os.path.exists(OUT_MD) else "# Performance\n\n" + begin + "\n" + end + "\n"
    if begin not in text or end not in text:
        sys.exit(f"run_bench: {OUT_MD} lacks the markers {begin} / {end}")
    body = md.split("\n", 1)[1]  # without the title
    text = text[:text.index(begin) + len(begin)] + "\n" + body + text[text.index(end):]
    with open(OUT_MD, "w") as f:
        f.write(text)
    print(f"run_bench: wrote {OUT_JSON} and {OUT_MD}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
