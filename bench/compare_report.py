#!/usr/bin/env python3
"""Turns the wrk outputs of `bench/run.sh compare` (<dir>/<A|B>-r<round>-<op>-c<N>.txt)
and <...>.cpu (rotor's CPU ticks during that wrk run, and ticks per second) into a Markdown
table: per operation and connection count, the median over the rounds of each binary's
req/s, p50, p99 and CPU time per request, and B/A of each median with the lowest and
highest of the per-round B/A ratios (their spread is how noisy the machine was). CPU time
per request counts every rotor thread (I/O, blocking pool, audit writer)."""
import glob
import os
import re
import statistics
import sys

from report import parse  # bench/report.py: one wrk output -> rps, p50, p99, errors


def main(d):
    runs = {}  # (op, conns) -> {who: {round: result}}
    for path in glob.glob(os.path.join(d, "*.txt")):
        m = re.match(r"([AB])-r(\d+)-(\w+)-c(\d+)$", os.path.basename(path)[:-4])
        if m:
            who, rnd, op, conns = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
            result = parse(path)
            try:
                ticks, hz = open(path[:-4] + ".cpu").read().split()
                result["cpu_us"] = int(ticks) / int(hz) * 1e6 / result["requests"]
            except (OSError, ValueError, ZeroDivisionError):
                result["cpu_us"] = float("nan")
            runs.setdefault((op, conns), {}).setdefault(who, {})[rnd] = result
    print("| operation | conns | A req/s | B req/s | B/A req/s (per-round min-max) | "
          "A / B CPU per request | B/A CPU per request (per-round min-max) | "
          "A p50 / B p50 | B/A p50 | A p99 / B p99 | B/A p99 (per-round min-max) |")
    print("|" + "|".join(["---"] * 11) + "|")
    notes = []
    order = {"Encrypt": 0, "Decrypt": 1, "GenerateDataKey": 2, "DescribeKey": 3}
    for (op, conns) in sorted(runs, key=lambda k: (-k[1], order.get(k[0], 9), k[0])):
        a, b = runs[(op, conns)].get("A", {}), runs[(op, conns)].get("B", {})
        rounds = sorted(set(a) & set(b))
        if not rounds:
            continue

        def med(side, key):
            return statistics.median(side[r][key] for r in rounds)

        def spread(key):
            ratios = [b[r][key] / a[r][key] for r in rounds if a[r][key]]
            return f"{min(ratios):.2f}-{max(ratios):.2f}" if ratios else "n/a"

        ra, rb = med(a, "rps"), med(b, "rps")
        ca, cb = med(a, "cpu_us"), med(b, "cpu_us")
        pa50, pb50, pa99, pb99 = med(a, "p50"), med(b, "p50"), med(a, "p99"), med(b, "p99")
        print(f"| {op} | {conns} | {ra:,.0f} | {rb:,.0f} | **{rb / ra:.3f}** ({spread('rps')}) | "
              f"{ca:.1f} / {cb:.1f} us | **{cb / ca:.3f}** ({spread('cpu_us')}) | "
              f"{pa50:.3f} / {pb50:.3f} ms | {pb50 / pa50:.2f} | {pa99:.2f} / {pb99:.2f} ms | "
              f"{pb99 / pa99:.2f} ({spread('p99')}) |")
        for who, side in (("A", a), ("B", b)):
            for r in rounds:
                if side[r].get("errors") or side[r].get("socket_errors"):
                    notes.append(f"- {op} c{conns} {who} round {r}: {side[r].get('errors', 0)} non-2xx, "
                                 f"socket errors {side[r].get('socket_errors', 'none')}")
    if notes:
        print("\n" + "\n".join(notes))


if __name__ == "__main__":
    main(sys.argv[1])
