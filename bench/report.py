#!/usr/bin/env python3
"""Turns the wrk outputs of bench/run.sh (<dir>/<server>-<op>-c<N>.txt) into
a Markdown table with req/s, p50/p99 and the ratios Rotor/moto, Rotor/ceiling (the
one-worker nginx fixed reply; a two-worker nginx row when it was run)."""
import glob
import os
import re
import sys

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text.strip())
    return float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")


def parse(path):
    text = open(path).read()
    out = {"rps": float("nan"), "p50": float("nan"), "p99": float("nan"), "errors": 0, "requests": 0}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+(\S+)", text, re.M)
        if m:
            out["p" + pct] = ms(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if m:
        out["errors"] = int(m.group(1))
    m = re.search(r"(\d+) requests in", text)
    if m:
        out["requests"] = int(m.group(1))
    m = re.search(r"Socket errors: (.*)", text)
    if m:
        out["socket_errors"] = m.group(1)
    return out


def fmt(x, digits=0):
    if x != x:  # nan
        return "n/a"
    return f"{x:,.{digits}f}"


def main(d):
    runs = {}
    for p in glob.glob(os.path.join(d, "*.txt")):
        name = os.path.basename(p)[:-4]
        server, op, conns = name.rsplit("-", 2)
        runs[(server, op, conns)] = parse(p)
    ceiling = runs.get(("nginx", "ceiling", "c32"), {}).get("rps", float("nan"))
    ceiling1 = runs.get(("nginx", "ceiling", "c1"), {})
    ops = ["Encrypt", "Decrypt", "GenerateDataKey", "DescribeKey", "CreateKey", "RotateKeyOnDemand"]
    rows = []
    head = ("| operation | Rotor req/s | Rotor p50 | Rotor p99 | moto req/s | moto p50 | moto p99 | "
            "Rotor/moto | Rotor/ceiling (nginx, 1 worker) | 1-conn p50 Rotor / moto | 1-conn p99 Rotor / moto |")
    rows.append(head)
    rows.append("|" + "|".join(["---"] * 11) + "|")
    notes = []
    for op in ops:
        for rotor_name in ("rotor", "rotor_durable", "rotor_memory"):
            r = runs.get((rotor_name, op, "c32"))
            if not r:
                continue
            m = runs.get(("moto", op, "c32"), {})
            r1 = runs.get((rotor_name, op, "c1"), {})
            m1 = runs.get(("moto", op, "c1"), {})
            label = op + {"rotor": "", "rotor_durable": " (durable, --data-dir)",
                          "rotor_memory": " (--in-memory)"}[rotor_name]
            mr = m.get("rps", float("nan"))
            rows.append(
                f"| {label} | {fmt(r['rps'])} | {fmt(r['p50'], 2)} ms | {fmt(r['p99'], 2)} ms | "
                f"{fmt(mr)} | {fmt(m.get('p50', float('nan')), 1)} ms | {fmt(m.get('p99', float('nan')), 1)} ms | "
                f"{fmt(r['rps'] / mr, 1) if mr == mr and mr else 'n/a'}x | {fmt(r['rps'] / ceiling, 2)}x | "
                f"{fmt(r1.get('p50', float('nan')), 2)} / {fmt(m1.get('p50', float('nan')), 1)} ms | "
                f"{fmt(r1.get('p99', float('nan')), 2)} / {fmt(m1.get('p99', float('nan')), 1)} ms |")
            for who, res in ((rotor_name, r), ("moto", m), (rotor_name + " 1-conn", r1), ("moto 1-conn", m1)):
                if res and res.get("errors"):
                    notes.append(f"- {label}, {who}: {res['errors']} of {res['requests']} answers were not 2xx")
                if res and res.get("socket_errors"):
                    notes.append(f"- {label}, {who}: socket errors {res['socket_errors']}")
    c = runs.get(("nginx", "ceiling", "c32"), {})
    rows.append(f"| nginx fixed 200-byte reply, 1 worker (ceiling) | {fmt(ceiling)} | {fmt(c.get('p50', float('nan')), 2)} ms | "
                f"{fmt(c.get('p99', float('nan')), 2)} ms | | | | | 1.00x | "
                f"{fmt(ceiling1.get('p50', float('nan')), 2)} ms | {fmt(ceiling1.get('p99', float('nan')), 2)} ms |")
    c2 = runs.get(("nginx2w", "ceiling", "c32"))
    if c2:
        c21 = runs.get(("nginx2w", "ceiling", "c1"), {})
        rows.append(f"| nginx fixed reply, 2 workers | {fmt(c2['rps'])} | {fmt(c2['p50'], 2)} ms | "
                    f"{fmt(c2['p99'], 2)} ms | | | | | {fmt(c2['rps'] / ceiling, 2)}x | "
                    f"{fmt(c21.get('p50', float('nan')), 2)} ms | {fmt(c21.get('p99', float('nan')), 2)} ms |")
    print("\n".join(rows))
    if notes:
        print("\n" + "\n".join(notes))


if __name__ == "__main__":
    main(sys.argv[1])
