#!/usr/bin/env python3
"""Turns a bench/run.sh output directory into report.md and chart.png (docs/benchmarks.md).

Input: OUT/results.tsv (one line per wrk run: mode, conns, round, target, raw wrk output file,
machine busy seconds, wrk's own CPU seconds, the rr process's own CPU seconds), OUT/meta.txt,
OUT/rss.json (optional). Output: OUT/report.md, OUT/summary.tsv, OUT/chart.dat, OUT/chart.gp,
OUT/chart.png (when gnuplot is installed).

Usage: report.py OUT
"""

import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

LABELS = {
    "static": "nginx static",
    "fpm": "nginx + php-fpm",
    "apache": "apache + mod_php",
    "rr": "rr PSR-7",
    "rr-jit": "rr PSR-7 + JIT",
    "rr-raw": "rr raw worker",
}
ORDER = ["static", "fpm", "apache", "rr", "rr-jit", "rr-raw"]
# (numerator, denominator, target ratio or None): the paired ratios reported per round.
RATIOS = [
    ("rr", "fpm", 2.5),
    ("rr", "apache", 1.3),
    ("rr", "static", None),
    ("rr-jit", "fpm", None),
    ("rr-raw", "static", 0.6),
    ("rr-raw", "rr", None),
]
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
NCPU = os.cpu_count() or 1


def parse_wrk(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    run = {"requests": 0, "rps": 0.0, "p50": None, "p99": None, "errors": 0}
    m = re.search(r"(\d+) requests in", text)
    if m:
        run["requests"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        run["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        if m:
            run["p" + pct] = float(m.group(1)) * UNITS[m.group(2)]
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        run["errors"] += sum(int(g) for g in m.groups())
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        run["errors"] += int(m.group(1))
    if run["requests"] == 0:
        run["errors"] += 1  # a run that produced nothing is an error, not a zero
    return run


def load(out):
    runs = []
    with open(os.path.join(out, "results.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            r = parse_wrk(row["raw"])
            r.update(mode=row["mode"], conns=int(row["conns"]), round=int(row["round"]),
                     target=row["target"])
            n = max(r["requests"], 1)
            r["server_us"] = (float(row["busy_s"]) - float(row["wrk_cpu_s"])) / n * 1e6
            r["wrk_us"] = float(row["wrk_cpu_s"]) / n * 1e6
            own = float(row["own_cpu_s"])
            # Noise: CPU that neither the servers we started nor wrk used, as a share of the
            # machine during the run (results.tsv of older runs lack the columns).
            r["other_pct"] = None
            if row.get("ours_cpu_s") and row.get("seconds"):
                other = float(row["busy_s"]) - float(row["wrk_cpu_s"]) - float(row["ours_cpu_s"])
                r["other_pct"] = max(other, 0.0) / (float(row["seconds"]) * NCPU) * 100
            r["own_us"] = own / n * 1e6 if r["target"].startswith("rr") else None
            runs.append(r)
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=1, thousands=False):
    if v is None:
        return "–"
    if thousands:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def main():
    out = sys.argv[1]
    runs = load(out)
    meta = open(os.path.join(out, "meta.txt"), encoding="utf-8").read().strip()
    groups = sorted({(r["mode"], r["conns"]) for r in runs},
                    key=lambda g: (g[0] != "unpinned", g[1]))
    targets = [t for t in ORDER if any(r["target"] == t for r in runs)]

    lines = ["# rr benchmark report", "", "```", meta, "```", ""]
    lines += ["Method: ../shared/bench/PROTOCOL.md. `wrk -t1 -cC --latency`, targets rotated "
              "each round; pinned = every server on cpu0, wrk on cpu1. Server CPU = machine "
              "busy time (/proc/stat) minus wrk's own CPU, per request; rr own = the rr "
              "process alone (PHP workers excluded); other CPU = the highest share of the "
              "machine, over the rounds, used by programs that are neither the servers nor "
              "wrk (noise: above a few % the run was not on a quiet machine).", ""]
    summary = {}
    for mode, conns in groups:
        lines += [f"## {mode}, c={conns}", "",
                  "| target | median req/s | min–max req/s | p50 ms | p99 ms | errors "
                  "| server CPU µs/req | rr own µs/req | wrk µs/req | other CPU % |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for t in targets:
            rs = [r for r in runs if (r["mode"], r["conns"], r["target"]) == (mode, conns, t)]
            if not rs:
                continue
            s = {
                "rps": med(r["rps"] for r in rs),
                "min": min(r["rps"] for r in rs),
                "max": max(r["rps"] for r in rs),
                "p50": med(r["p50"] for r in rs),
                "p99": med(r["p99"] for r in rs),
                "errors": sum(r["errors"] for r in rs),
                "server_us": med(r["server_us"] for r in rs),
                "own_us": med(r["own_us"] for r in rs),
                "wrk_us": med(r["wrk_us"] for r in rs),
                "other_pct": max((r["other_pct"] for r in rs if r["other_pct"] is not None),
                                 default=None),
            }
            summary[(mode, conns, t)] = s
            lines.append(f"| {LABELS[t]} | {fmt(s['rps'], thousands=True)} "
                         f"| {fmt(s['min'], thousands=True)}–{fmt(s['max'], thousands=True)} "
                         f"| {fmt(s['p50'], 2)} | {fmt(s['p99'], 2)} | {s['errors']} "
                         f"| {fmt(s['server_us'])} | {fmt(s['own_us'])} | {fmt(s['wrk_us'])} "
                         f"| {fmt(s['other_pct'])} |")
        lines += ["", "Paired ratios (same round):", "",
                  "| ratio | median | min–max | rounds | target | every round above target |",
                  "|---|---:|---:|---:|---:|---|"]
        for num, den, goal in RATIOS:
            per_round = []
            for rnd in sorted({r["round"] for r in runs}):
                a = [r for r in runs if (r["mode"], r["conns"], r["round"], r["target"])
                     == (mode, conns, rnd, num)]
                b = [r for r in runs if (r["mode"], r["conns"], r["round"], r["target"])
                     == (mode, conns, rnd, den)]
                if a and b and b[0]["rps"] > 0:
                    per_round.append(a[0]["rps"] / b[0]["rps"])
            if not per_round:
                continue
            ok = "–" if goal is None else ("yes" if min(per_round) >= goal else "**no**")
            lines.append(f"| {LABELS[num]} / {LABELS[den]} | {statistics.median(per_round):.2f} "
                         f"| {min(per_round):.2f}–{max(per_round):.2f} | {len(per_round)} "
                         f"| {'–' if goal is None else goal} | {ok} |")
        lines.append("")

    rss_path = os.path.join(out, "rss.json")
    if os.path.exists(rss_path) and os.path.getsize(rss_path) > 0:
        rss = json.load(open(rss_path, encoding="utf-8"))
        lines += ["## rr memory", "",
                  f"RSS of the rr process (PSR-7 target, unpinned run): "
                  f"{rss['rss_before_kib'] / 1024:.1f} MiB before, "
                  f"**{rss['rss_idle_kib'] / 1024:.1f} MiB with {rss['connections']} idle "
                  f"keep-alive connections** (target ≤ 30 MiB), "
                  f"{rss['rss_after_close_kib'] / 1024:.1f} MiB after they closed.", ""]

    # Checks against issue 6's targets, for every (mode, conns) group present.
    checks = []
    for mode, conns in groups:
        rr = summary.get((mode, conns, "rr"))
        fpm = summary.get((mode, conns, "fpm"))
        if rr and fpm and rr["p99"] is not None and fpm["p99"] is not None:
            checks.append(f"- {mode} c={conns}: rr p99 {rr['p99']:.2f} ms vs nginx + php-fpm "
                          f"{fpm['p99']:.2f} ms: {'ok' if rr['p99'] <= fpm['p99'] else 'WORSE'}")
        if rr and rr["own_us"] is not None:
            checks.append(f"- {mode} c={conns}: rr own CPU {rr['own_us']:.1f} µs/req "
                          f"(target ≤ 15): {'ok' if rr['own_us'] <= 15 else 'ABOVE'}")
        errs = sum(s["errors"] for (m, c, _), s in summary.items() if (m, c) == (mode, conns))
        checks.append(f"- {mode} c={conns}: errors over all targets: {errs}")
    if checks:
        lines += ["## Checks", ""] + checks + [""]

    with open(os.path.join(out, "summary.tsv"), "w", encoding="utf-8") as f:
        f.write("mode\tconns\ttarget\trps\tp50_ms\tp99_ms\terrors\tserver_us\town_us\n")
        for (mode, conns, t), s in summary.items():
            f.write(f"{mode}\t{conns}\t{t}\t{s['rps']:.0f}\t{fmt(s['p50'], 3)}\t"
                    f"{fmt(s['p99'], 3)}\t{s['errors']}\t{fmt(s['server_us'])}\t"
                    f"{fmt(s['own_us'])}\n")

    chart(out, groups, targets, summary)
    if os.path.exists(os.path.join(out, "chart.png")):
        lines += ["![median req/s and server CPU per request](chart.png)", ""]
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(os.path.join(out, "report.md"))


def chart(out, groups, targets, summary):
    """Two clustered bar charts: median req/s and server CPU µs/req, per target and group."""
    dat = os.path.join(out, "chart.dat")
    with open(dat, "w", encoding="utf-8") as f:
        f.write("target " + " ".join(f'"{m} c={c} req/s"' for m, c in groups) + " "
                + " ".join(f'"{m} c={c} µs"' for m, c in groups) + "\n")
        for t in targets:
            row = [f'"{LABELS[t]}"']
            for key in ("rps", "server_us"):
                for mode, conns in groups:
                    s = summary.get((mode, conns, t))
                    row.append(f"{s[key]:.1f}" if s and s[key] is not None else "0")
            f.write(" ".join(row) + "\n")
    n = len(groups)
    gp = os.path.join(out, "chart.gp")
    with open(gp, "w", encoding="utf-8") as f:
        f.write(f"""set terminal pngcairo size 1400,560 noenhanced font 'sans,10'
set output '{os.path.join(out, "chart.png")}'
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xtics rotate by -25
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0
set title 'median req/s (higher is better)'
plot for [i=2:{1 + n}] '{dat}' using i:xtic(1) title columnheader(i)
set title 'server CPU µs per request, wrk excluded (lower is better)'
plot for [i={2 + n}:{1 + 2 * n}] '{dat}' using i:xtic(1) title columnheader(i)
unset multiplot
""")
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", gp], check=False)


if __name__ == "__main__":
    main()
