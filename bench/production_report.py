#!/usr/bin/env python3
"""Turns a bench/production.sh output directory into report.md and chart.png.

Input: OUT/results.tsv (one line per load-generator run: mode, conns, round, case, target, raw
output file, machine busy s, generator CPU s, rr's own process CPU s, the target's process
trees' CPU s, seconds), OUT/meta.txt, OUT/skipped.tsv. Output: OUT/report.md, OUT/summary.tsv,
OUT/chart.{dat,gp,png}.

Usage: production_report.py OUT
"""

import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

TARGETS = {"rr": "rr", "fpm": "nginx + php-fpm", "apache": "apache + mod_php"}
CASES = {
    "bare": "bare hello, h1",
    "prod": "production hello, h1",
    "api": "production JSON API (gzip), h1",
    "tls": "production hello, TLS h1",
    "h2": "production hello, TLS h2",
}
# The targets: production and bare hello >= 2.5x nginx + fpm and >= 1.6x apache
# (unpinned); rr's own CPU <= 10 µs/request (bare, cleartext); production <= 10 % over bare.
GOALS = {("prod", "fpm"): 2.5, ("prod", "apache"): 1.6, ("bare", "fpm"): 2.5,
         ("bare", "apache"): 1.6}
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def parse_wrk(text):
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
    return run


def parse_h2load(text):
    run = {"requests": 0, "rps": 0.0, "p50": None, "p99": None, "errors": 0}
    m = re.search(r"finished in [\d.]+\w*, ([\d.]+) req/s", text)
    if m:
        run["rps"] = float(m.group(1))
    m = re.search(r"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored, (\d+) timeout", text)
    if m:
        run["requests"] = int(m.group(1))
        run["errors"] += int(m.group(2)) + int(m.group(3)) + int(m.group(4))
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if m:
        run["errors"] += int(m.group(3)) + int(m.group(4))
    m = re.search(r"time for request:\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", text)
    if m:
        run["mean_ms"] = float(m.group(1)) * UNITS[m.group(2)]
    return run


def load(out):
    runs = []
    with open(os.path.join(out, "results.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            text = open(row["raw"], encoding="utf-8", errors="replace").read()
            r = parse_h2load(text) if row["case"] == "h2" else parse_wrk(text)
            if row["case"] == "h2" and "Application protocol: h2" not in text:
                r["errors"] += 1  # h2load fell back to HTTP/1.1: not an h2 figure
            if r["requests"] == 0:
                r["errors"] += 1  # a run that produced nothing is an error, not a zero
            n = max(r["requests"], 1)
            r.update(mode=row["mode"], conns=int(row["conns"]), round=int(row["round"]),
                     case=row["case"], target=row["target"])
            r["server_us"] = (float(row["busy_s"]) - float(row["gen_cpu_s"])) / n * 1e6
            r["target_us"] = float(row["group_cpu_s"]) / n * 1e6
            r["own_us"] = float(row["own_cpu_s"]) / n * 1e6 if row["target"] == "rr" else None
            other = float(row["busy_s"]) - float(row["gen_cpu_s"]) - float(row["group_cpu_s"])
            ncpu = os.cpu_count() or 1
            r["other_pct"] = max(other, 0.0) / (float(row["seconds"]) * ncpu) * 100
            runs.append(r)
    return runs


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, digits=1, thousands=False):
    if v is None:
        return "–"
    return f"{v:,.0f}" if thousands else f"{v:.{digits}f}"


def paired(runs, mode, num, den, key="rps"):
    """Per-round ratios num/den, num and den being (case, target)."""
    out = []
    for rnd in sorted({r["round"] for r in runs if r["mode"] == mode}):
        a = [r for r in runs if (r["mode"], r["round"], r["case"], r["target"]) ==
             (mode, rnd) + num]
        b = [r for r in runs if (r["mode"], r["round"], r["case"], r["target"]) ==
             (mode, rnd) + den]
        if a and b and a[0][key] and b[0][key]:
            out.append(a[0][key] / b[0][key])
    return out


def ratio_row(label, per_round, goal=None, lower_is_better=False):
    if not per_round:
        return None
    if goal is None:
        ok = "–"
    elif lower_is_better:
        ok = "yes" if max(per_round) <= goal else "**no**"
    else:
        ok = "yes" if min(per_round) >= goal else "**no**"
    return (f"| {label} | {statistics.median(per_round):.2f} | {min(per_round):.2f}–"
            f"{max(per_round):.2f} | {len(per_round)} | {'–' if goal is None else goal} "
            f"| {ok} |")


def main():
    out = sys.argv[1]
    runs = load(out)
    meta = open(os.path.join(out, "meta.txt"), encoding="utf-8").read().strip()
    skipped = []
    sp = os.path.join(out, "skipped.tsv")
    if os.path.exists(sp):
        skipped = [line.rstrip("\n").split("\t") for line in open(sp, encoding="utf-8") if line.strip()]
    modes = [m for m in ("unpinned", "pinned") if any(r["mode"] == m for r in runs)]
    cases = [c for c in CASES if any(r["case"] == c for r in runs)]

    lines = ["# rr production profile report", "", "```", meta, "```", "",
             "Method: ../shared/bench/PROTOCOL.md with bench/production.sh (its header lists "
             "the configs). Runs rotated each round; pinned = every server on cpu0, the load "
             "generator on cpu1. **target CPU** = the target's own processes (rr + its PHP "
             "workers; nginx + php-fpm; apache) per request, from /proc — the figure to trust "
             "on a shared machine; **server CPU** = machine busy time minus the load "
             "generator (PROTOCOL.md; includes everyone else's CPU); **rr own** = the rr "
             "process alone; **other CPU** = the highest share of the machine used by "
             "programs that are neither the targets nor the generator (noise).", ""]
    if skipped:
        lines += ["Skipped legs: " + "; ".join(f"{m} {k} ({why})" for m, k, why in skipped), ""]
    summary = {}
    for mode in modes:
        conns = next(r["conns"] for r in runs if r["mode"] == mode)
        lines += [f"## {mode}, {conns} concurrent requests", "",
                  "| case | target | median req/s | min–max | p50 ms | p99 ms | errors "
                  "| target CPU µs/req | server CPU µs/req | rr own µs/req | other CPU % |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for c in cases:
            for t in TARGETS:
                rs = [r for r in runs if (r["mode"], r["case"], r["target"]) == (mode, c, t)]
                if not rs:
                    continue
                s = {k: med(r[k] for r in rs) for k in
                     ("rps", "p50", "p99", "target_us", "server_us", "own_us")}
                s.update(min=min(r["rps"] for r in rs), max=max(r["rps"] for r in rs),
                         errors=sum(r["errors"] for r in rs),
                         other=max(r["other_pct"] for r in rs))
                summary[(mode, c, t)] = s
                lines.append(
                    f"| {CASES[c]} | {TARGETS[t]} | {fmt(s['rps'], thousands=True)} "
                    f"| {fmt(s['min'], thousands=True)}–{fmt(s['max'], thousands=True)} "
                    f"| {fmt(s['p50'], 2)} | {fmt(s['p99'], 2)} | {s['errors']} "
                    f"| {fmt(s['target_us'])} | {fmt(s['server_us'])} | {fmt(s['own_us'])} "
                    f"| {fmt(s['other'])} |")
        lines += ["", "Paired ratios (same round):", "",
                  "| ratio | median | min–max | rounds | target | every round |",
                  "|---|---:|---:|---:|---:|---|"]
        rows = []
        for c in cases:
            for peer in ("fpm", "apache"):
                goal = GOALS.get((c, peer)) if mode == "unpinned" else None
                rows.append(ratio_row(f"{CASES[c]}: rr / {TARGETS[peer]} (req/s)",
                                      paired(runs, mode, (c, "rr"), (c, peer)), goal))
        for c in ("prod", "api", "tls", "h2"):
            if c in cases and "bare" in cases:
                for t in TARGETS:
                    rows.append(ratio_row(
                        f"{TARGETS[t]}: {CASES[c]} / bare (req/s)",
                        paired(runs, mode, (c, t), ("bare", t))))
        if "prod" in cases and "bare" in cases:
            rows.append(ratio_row("rr production hello / bare: own CPU per request (cost)",
                                  paired(runs, mode, ("prod", "rr"), ("bare", "rr"), "own_us"),
                                  1.10, lower_is_better=True))
            rows.append(ratio_row("rr production hello / bare: target CPU per request",
                                  paired(runs, mode, ("prod", "rr"), ("bare", "rr"), "target_us"),
                                  1.10, lower_is_better=True))
        lines += [r for r in rows if r] + [""]
        bare = summary.get((mode, "bare", "rr"))
        if bare and bare["own_us"] is not None:
            lines += [f"rr's own CPU, bare cleartext: **{bare['own_us']:.1f} µs/request** "
                      f"(target ≤ 10: {'met' if bare['own_us'] <= 10 else 'missed'}).", ""]

    rss_path = os.path.join(out, "rss.jsonl")
    if os.path.exists(rss_path):
        rows = [json.loads(line) for line in open(rss_path, encoding="utf-8") if line.strip()]
        if rows:
            lines += ["## rr memory (production rr, unpinned run)", "",
                      "| connections | protocol | RSS before | just answered | idle (after hold) "
                      "| after close | ≤ 64 MiB |", "|---|---|---:|---:|---:|---:|---|"]
            for r in rows:
                if "skipped" in r:
                    lines.append(f"| – | {r.get('proto')} | skipped: {r['skipped']} | | | | |")
                    continue
                mib = lambda k: f"{r[k] / 1024:.1f} MiB" if k in r else "–"
                proto = r["proto"] + (f" ({r['streams']} streams)" if r["proto"] == "h2" else "")
                lines.append(f"| {r['connections']:,} | {proto} | {mib('rss_before_kib')} "
                             f"| {mib('rss_answered_kib')} | **{mib('rss_idle_kib')}** "
                             f"| {mib('rss_after_close_kib')} "
                             f"| {'yes' if r['rss_idle_kib'] <= 64 * 1024 else '**no**'} |")
            lines += ["", "Measured one after the other on one rr process: a later row's "
                      "'before' includes what the earlier rows left in the allocator.", ""]

    with open(os.path.join(out, "summary.tsv"), "w", encoding="utf-8") as f:
        f.write("mode\tcase\ttarget\trps\tp50_ms\tp99_ms\terrors\ttarget_us\tserver_us\town_us\n")
        for (mode, c, t), s in summary.items():
            f.write(f"{mode}\t{c}\t{t}\t{s['rps']:.0f}\t{fmt(s['p50'], 3)}\t{fmt(s['p99'], 3)}\t"
                    f"{s['errors']}\t{fmt(s['target_us'])}\t{fmt(s['server_us'])}\t"
                    f"{fmt(s['own_us'])}\n")
    chart(out, modes, cases, summary)
    if os.path.exists(os.path.join(out, "chart.png")):
        lines += ["![median req/s and target CPU per request](chart.png)", ""]
    with open(os.path.join(out, "report.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print(os.path.join(out, "report.md"))


def chart(out, modes, cases, summary):
    """Clustered bars per mode: median req/s and target CPU µs/req, per case and target."""
    dat = os.path.join(out, "chart.dat")
    cols = [(m, t) for m in modes for t in TARGETS]
    with open(dat, "w", encoding="utf-8") as f:
        f.write("case " + " ".join(f'"{TARGETS[t]} ({m})"' for m, t in cols) + "\n")
        for key in ("rps", "target_us"):
            for c in cases:
                row = [f'"{CASES[c]}"']
                for m, t in cols:
                    s = summary.get((m, c, t))
                    row.append(f"{s[key]:.1f}" if s and s[key] is not None else "0")
                f.write(" ".join(row) + "\n")
            f.write("\n\n")
    n = len(cols)
    gp = os.path.join(out, "chart.gp")
    with open(gp, "w", encoding="utf-8") as f:
        f.write(f"""set terminal pngcairo size 1500,600 noenhanced font 'sans,10'
set output '{os.path.join(out, "chart.png")}'
set multiplot layout 1,2
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right font 'sans,8'
set xtics rotate by -20
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set title 'median req/s (higher is better)'
plot for [i=2:{1 + n}] '{dat}' index 0 using i:xtic(1) title columnheader(i)
set title 'target CPU µs per request (lower is better)'
plot for [i=2:{1 + n}] '{dat}' index 1 using i:xtic(1) notitle
unset multiplot
""")
    if shutil.which("gnuplot"):
        subprocess.run(["gnuplot", gp], check=False)


if __name__ == "__main__":
    main()
