#!/usr/bin/python3
"""Parsing and the summary for bench/tls_h2.sh.

  tls_h2_parse.py h1|h2|full|resume RAW DURATION   → prints "<per second> <count>"
      (negative per-second figure: the client saw errors; resume: the share of connections
      that were really resumed must be ≥ 90 %, else negative too)
  tls_h2_parse.py summary OUT_DIR SUMMARY_MD       → writes and prints the summary table
"""
import csv
import re
import statistics
import sys


def parse(s, raw, dur):
    if s == "h1":
        n = int(re.search(r"(\d+) requests in", raw).group(1))
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", raw).group(1))
        bad = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", raw))
        bad += int((re.search(r"Non-2xx or 3xx responses: (\d+)", raw) or [0, 0])[1])
        return (rps if bad == 0 else -rps), n
    if s == "h2":
        m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, "
                      r"(\d+) failed, (\d+) errored", raw)
        rps = float(re.search(r"finished in [\d.]+\w*, ([\d.]+) req/s", raw).group(1))
        bad = int(m.group(4)) + int(m.group(5))
        return (rps if bad == 0 else -rps), int(m.group(3))
    # openssl s_time, two clients in parallel: "N connections in T real seconds" each; with
    # -reuse one line of '*' (new) and 'r' (reused) marks per connection.
    pairs = [(int(a), float(b)) for a, b in
             re.findall(r"(\d+) connections in ([\d.]+) real seconds", raw)]
    total = sum(n for n, _ in pairs)
    value = sum(n / max(secs, dur) for n, secs in pairs)  # each client over its own wall time
    if s == "resume":
        marks = "".join(re.findall(r"^[*r]+$", raw, re.M))
        if marks and marks.count("r") < 0.9 * len(marks):
            value = -value  # sessions were not resumed: not a resumption figure
    return value, total


LABEL = {"h1": "PSR-7 hello, HTTP/1.1 on TLS (wrk -c64), req/s",
         "h2": "PSR-7 hello, HTTP/2 on TLS (h2load -c64 -m10), req/s",
         "full": "full TLS handshakes/s (s_time -new, 2 clients)",
         "resume": "resumed TLS handshakes/s (s_time -reuse, 2 clients)"}
GOAL = {"h1": 2.5, "h2": 2.5, "full": 0.9, "resume": 0.9}


def summary(out, path):
    rows = list(csv.DictReader(open(out + "/results.tsv"), delimiter="\t"))
    data = {(r["mode"], r["scenario"], r["round"], r["target"]):
            (float(r["value"]), int(r["count"]), float(r["own_cpu_s"])) for r in rows}
    lines = ["# rr vs nginx + php-fpm over TLS and HTTP/2 (bench/tls_h2.sh)", "", "```",
             open(out + "/meta.txt").read().strip(), "```", "",
             "Paired ratio per round, median (min–max). A negative figure: the client saw errors "
             "(or sessions were not resumed) in that run, which then does not count.", ""]
    for mode in ("unpinned", "pinned"):
        lines += [f"## {mode}", "",
                  "| scenario | nginx + fpm (median) | rr (median) | rr / nginx | goal | "
                  "own CPU µs per op (nginx+fpm / rr) |", "|---|---:|---:|---:|---:|---:|"]
        for s in ("h1", "h2", "full", "resume"):
            rounds = sorted({k[2] for k in data if k[0] == mode and k[1] == s})
            if not rounds:
                continue
            med, cpu = {}, {}
            for t in ("nginx", "rr"):
                vals = [data[(mode, s, r, t)] for r in rounds if (mode, s, r, t) in data]
                med[t] = statistics.median(v[0] for v in vals) if vals else 0
                cpu[t] = statistics.median(v[2] / max(v[1], 1) * 1e6 for v in vals) if vals else 0
            ratios = []
            for r in rounds:
                a, b = data.get((mode, s, r, "rr")), data.get((mode, s, r, "nginx"))
                if a and b and a[0] > 0 and b[0] > 0:
                    ratios.append(a[0] / b[0])
            ratio = (f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})"
                     if ratios else "–")
            met = "met" if ratios and min(ratios) >= GOAL[s] else "not met"
            lines.append(f"| {LABEL[s]} | {med['nginx']:,.0f} | {med['rr']:,.0f} | {ratio} | "
                         f"≥ {GOAL[s]} ({met}) | {cpu['nginx']:,.1f} / {cpu['rr']:,.1f} |")
        lines.append("")
    open(path, "w").write("\n".join(lines) + "\n")
    print("\n".join(lines))


def main():
    if sys.argv[1] == "summary":
        summary(sys.argv[2], sys.argv[3])
        return 0
    value, count = parse(sys.argv[1], open(sys.argv[2]).read(), float(sys.argv[3]))
    print(f"{value:.1f} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
