#!/usr/bin/env python3
"""Instructions per request of one rotor binary, counted by callgrind: the
repeatable figure on a noisy shared box (timings move by tens of percent,
instruction counts by well under 1%).

  bench/callgrind_cost.py ROTOR_BIN OP N [--label L] [-- extra rotor args...]

Starts ROTOR_BIN --in-memory under `valgrind --tool=callgrind --separate-threads=yes`,
prepares it with bench/prepare.py, sends OP (Encrypt of 4 KiB, Decrypt, GenerateDataKey,
DescribeKey) N times on one keep-alive connection, then stops it with SIGTERM (rotor drains
its audit queue on the way out). Runs the same thing twice, with N and with 2N requests, and
prints the difference divided by N: instructions per request with start-up, preparation and
shutdown cancelled out, in total and per thread (I/O threads, audit writer, ...).
Loopback only; every process it starts is stopped by PID."""
import argparse
import glob
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_once(binary, op, n, extra, work):
    port = free_port()
    out = os.path.join(work, f"cg-{n}")
    os.makedirs(out, exist_ok=True)
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--separate-threads=yes",
         f"--callgrind-out-file={out}/callgrind.out", binary, "--port", str(port), "--in-memory",
         "--threads", "1"] + extra,
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, "log"), "w"))
    try:
        for _ in range(600):  # up to 60 s: valgrind starts slowly
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/_rotor/health")
                c.getresponse().read()
                c.close()
                break
            except OSError:
                time.sleep(0.1)
        subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), "--port", str(port),
                        "--out", os.path.join(out, "bodies"), "--rotation-keys", "1"],
                       check=True, stdout=subprocess.DEVNULL, timeout=600)
        body = open(os.path.join(out, "bodies", f"{op}.json"), "rb").read()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op}
        for _ in range(n):
            conn.request("POST", "/", body, headers)
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                raise RuntimeError(f"{op} -> {r.status}")
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=300)
    per_thread = {}
    for path in glob.glob(f"{out}/callgrind.out*"):
        m = re.search(r"-(\d+)$", path)
        tid = int(m.group(1)) if m else 0
        text = open(path).read()
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        per_thread[tid] = int(total.group(1)) if total else 0
    return per_thread


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("op")
    ap.add_argument("n", type=int)
    ap.add_argument("--label", default="")
    ap.add_argument("--keep", help="keep callgrind's outputs in this directory (callgrind_annotate them)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rotor-cg-") as tmp:
        work = a.keep or tmp
        one = run_once(a.binary, a.op, a.n, extra, work)
        two = run_once(a.binary, a.op, 2 * a.n, extra, work)
    threads = sorted(set(one) | set(two))
    diff = {t: (two.get(t, 0) - one.get(t, 0)) / a.n for t in threads}
    total = sum(diff.values())
    parts = ", ".join(f"thread {t}: {d:,.0f}" for t, d in diff.items() if abs(d) >= 100)
    print(json.dumps({"label": a.label, "op": a.op, "n": a.n, "extra_args": extra,
                      "instructions_per_request": round(total), "per_thread": {str(t): round(d) for t, d in diff.items() if abs(d) >= 100}}))
    print(f"{a.label or a.binary} {a.op}: {total:,.0f} instructions per request ({parts})", file=sys.stderr)


if __name__ == "__main__":
    main()
