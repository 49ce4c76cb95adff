#!/usr/bin/env python3
"""Instructions and simulated L1 misses per request of one rotor binary once its
in-memory audit trail is full (every call then overwrites the oldest event):
the figures behind "The audit trail's cost" in bench/RESULTS.md.

  bench/callgrind_full_ring.py ROTOR_BIN OP [--fill N] [--measure M] [--keep DIR]
                               [-- extra rotor args...]

Starts ROTOR_BIN --in-memory --threads 1 under `valgrind --tool=callgrind
--cache-sim=yes --separate-threads=yes --instr-atstart=no`, prepares it with
bench/prepare.py, sends OP (Encrypt of 4 KiB, Decrypt, GenerateDataKey, DescribeKey)
--fill times (105,000 by default: more than the default 100,000-event trail) without
counting, then turns counting on (callgrind_control -i on), sends it --measure times
(3,000) on one keep-alive connection, dumps, and prints per request: instructions (Ir),
D1 read misses (D1mr) and D1 write misses (D1mw), summed over rotor's threads.
Pass `-- --audit-max-events 0` for the trail off. Loopback only; every process it
starts is stopped by PID."""
import argparse
import glob
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from callgrind_cost import free_port, send, split_extra, wait_for_health  # noqa: E402


def main():
    argv, extra = split_extra(sys.argv[1:])
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("op")
    ap.add_argument("--fill", type=int, default=105000)
    ap.add_argument("--measure", type=int, default=3000)
    ap.add_argument("--keep", help="keep callgrind's outputs in this directory (callgrind_annotate "
                    "--show=Ir,D1mr,D1mw them)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rotor-cgring-") as tmp:
        work = a.keep or tmp
        os.makedirs(work, exist_ok=True)
        port = free_port()
        out = os.path.join(work, "callgrind.out")
        proc = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--cache-sim=yes", "--separate-threads=yes",
             "--instr-atstart=no", f"--callgrind-out-file={out}", a.binary, "--port", str(port),
             "--in-memory", "--threads", "1", "--quiet"] + extra,
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "log"), "w"))
        try:
            wait_for_health(port)
            bodies = os.path.join(work, "bodies")
            subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), "--port", str(port),
                            "--out", bodies], check=True, stdout=subprocess.DEVNULL, timeout=600)
            body = open(os.path.join(bodies, f"{a.op}.json"), "rb").read()
            headers = {"Content-Type": "application/x-amz-json-1.1",
                       "X-Amz-Target": "TrentService." + a.op}
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            send(conn, body, headers, a.fill, a.op)
            subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], check=True,
                           stdout=subprocess.DEVNULL)
            send(conn, body, headers, a.measure, a.op)
            subprocess.run(["callgrind_control", "-d", str(proc.pid)], check=True,
                           stdout=subprocess.DEVNULL)
            conn.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=300)
        totals = [0, 0, 0]
        for path in glob.glob(f"{out}.*"):
            text = open(path).read()
            events = re.search(r"^events: (.*)$", text, re.M)
            total = re.search(r"^(?:summary|totals): (.*)$", text, re.M)
            if not events or not total:
                continue
            names = events.group(1).split()
            values = dict(zip(names, (int(v) for v in total.group(1).split())))
            for i, name in enumerate(("Ir", "D1mr", "D1mw")):
                totals[i] += values.get(name, 0)
    per = [t / a.measure for t in totals]
    print(json.dumps({"op": a.op, "fill": a.fill, "measure": a.measure, "extra_args": extra,
                      "Ir": round(per[0]), "D1mr": round(per[1], 1), "D1mw": round(per[2], 1)}))


if __name__ == "__main__":
    main()
