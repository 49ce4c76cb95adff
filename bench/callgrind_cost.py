#!/usr/bin/env python3
"""Instructions per request of one rotor binary, counted by callgrind: the
repeatable figure on a noisy shared box (timings move by tens of percent,
instruction counts by well under 1%).

  bench/callgrind_cost.py ROTOR_BIN OP N [--label L] [--auth open|strict] [--keep DIR]
                          [--durable] [--functions OUT.json] [-- extra rotor args...]
  bench/callgrind_cost.py --diff A.json B.json [--top K]

Starts ROTOR_BIN --in-memory under `valgrind --tool=callgrind --separate-threads=yes`,
prepares it with bench/prepare.py, sends OP (Encrypt of 4 KiB, Decrypt, GenerateDataKey,
DescribeKey) N times on one keep-alive connection, then stops it with SIGTERM (rotor drains
its audit queue on the way out). Runs the same thing twice, with N and with 2N requests, and
prints the difference divided by N: instructions per request with start-up, preparation and
shutdown cancelled out, in total and per thread (I/O threads, audit writer, ...).

--auth open|strict (issue 14, OP Encrypt only): the access benchmark's setup instead
(bench/prepare_access.py: one credentials file, `--auth MODE`, a key with a 5-statement key
policy and 10 grants); every request is the same Encrypt of 4 KiB signed with SigV4 by
botocore as the application (signed right before the requests are sent: a signature is
valid for 5 minutes), so open and strict mode see the same bytes.

--durable: rotor `--data-dir` (a fresh one per run, synchronous=FULL, group commit) instead of
`--in-memory`, for the write operations (CreateKey, RotateKeyOnDemand: each request waits for its
own commit here, one connection, so every batch holds one write). RotateKeyOnDemand rotates the one
key prepare.py made for it, over and over (give `--on-demand-rotation-limit` after `--`).

--functions OUT.json: also each function's inclusive instructions per request
(callgrind_annotate --inclusive=yes of both runs, summed over threads, 2N minus N over N),
and the calls to malloc, free, realloc and calloc per request ("calls").
--diff A.json B.json: the functions whose inclusive cost per request differs most between two
such files (B minus A), e.g. open against strict.
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


def send(conn, body, headers, n, op):
    """Sends `body` as KMS operation `op` n times on `conn`; RuntimeError unless each is 200."""
    for _ in range(n):
        conn.request("POST", "/", body, headers)
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"{op} -> {r.status}")


def split_extra(argv):
    """(this script's arguments, rotor's extra arguments after `--`)."""
    if "--" not in argv:
        return argv, []
    i = argv.index("--")
    return argv[:i], argv[i + 1:]


def wait_for_health(port):
    """Waits up to 60 s (valgrind starts slowly) for rotor on `port` to answer."""
    for _ in range(600):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/_rotor/health")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.1)


def run_once(binary, op, n, extra, work, auth=None, durable=False):
    port = free_port()
    out = os.path.join(work, f"cg-{n}")
    os.makedirs(out, exist_ok=True)
    if auth:
        creds = os.path.join(out, "credentials.json")
        subprocess.run([sys.executable, os.path.join(HERE, "prepare_access.py"), "credentials", creds],
                       check=True)
        extra = ["--auth", auth, "--credentials-file", creds] + extra
    store = ["--data-dir", os.path.join(out, "data")] if durable else ["--in-memory"]
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--separate-threads=yes",
         f"--callgrind-out-file={out}/callgrind.out", binary, "--port", str(port)] + store +
        ["--threads", "1"] + extra,
        stdout=subprocess.DEVNULL, stderr=open(os.path.join(out, "log"), "w"))
    try:
        wait_for_health(port)
        bodies = os.path.join(out, "bodies")
        if auth:
            subprocess.run([sys.executable, os.path.join(HERE, "prepare_access.py"), "setup",
                            "--port", str(port), "--out", bodies],
                           check=True, stdout=subprocess.DEVNULL, timeout=600)
        else:
            subprocess.run([sys.executable, os.path.join(HERE, "prepare.py"), "--port", str(port),
                            "--out", bodies, "--rotation-keys", "1"],
                           check=True, stdout=subprocess.DEVNULL, timeout=600)
        body_file = os.path.join(bodies, f"{op}.json")
        body = open(body_file, "rb").read()
        keys_file = os.path.join(bodies, "rotation_keys.txt")
        if b"{KEY}" in body and os.path.exists(keys_file):
            body = body.replace(b"{KEY}", open(keys_file, "rb").read().split()[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op}
        if auth:
            # The signed headers of bench/run.sh access (X-Amz-Date, X-Amz-Security-Token,
            # Authorization over Content-Type, Host 127.0.0.1:PORT and X-Amz-Target), signed now.
            signed = os.path.join(out, "headers.txt")
            subprocess.run([sys.executable, os.path.join(HERE, "prepare_access.py"), "sign",
                            "--port", str(port), "--body", body_file, "--out", signed],
                           check=True, timeout=120)
            for line in open(signed):
                name, _, value = line.rstrip("\n").partition(": ")
                if name:
                    headers[name] = value
        send(conn, body, headers, n, op)
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
    return per_thread, out


ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(\S.*)$")


def inclusive(out):
    """Inclusive instructions of each function, summed over the threads' outputs."""
    costs = {}
    for path in glob.glob(f"{out}/callgrind.out*"):
        if os.path.getsize(path) == 0:  # the main file stays empty with --separate-threads
            continue
        here = {}
        text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                               "--auto=no", path], check=True, capture_output=True, text=True).stdout
        for line in text.splitlines():
            m = ANNOTATE_LINE.match(line)
            if not m or ":" not in m.group(2):
                continue
            # "file:function [object]" (a path holds no ':'): the function, without its
            # object (so that two builds of rotor compare function by function)
            name = re.sub(r" \[[^\]]*\]$", "", m.group(2).split(":", 1)[1])
            # With debug info a function is listed once per source file its lines come
            # from (inlined headers), each part's figure already inside the whole one's:
            # the largest is the function's inclusive cost in this thread.
            cost = int(m.group(1).replace(",", ""))
            here[name] = max(here.get(name, 0), cost)
        for name, cost in here.items():
            costs[name] = costs.get(name, 0) + cost
    return costs


CALLED = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def calls(out, names):
    """How many times each function in `names` was called, summed over the threads' outputs
    (callgrind's `calls=` lines under `cfn=`; names compressed as `(id) name`)."""
    counts = dict.fromkeys(names, 0)
    for path in glob.glob(f"{out}/callgrind.out*"):
        ids, callee = {}, None
        with open(path) as f:
            for line in f:
                m = CALLED.match(line.rstrip("\n"))
                if m:
                    if m.group(2):
                        ids[m.group(1)] = m.group(2)
                    callee = ids.get(m.group(1)) if line.startswith("cfn=") else None
                elif line.startswith("calls=") and callee in counts:
                    counts[callee] += int(line[6:].split()[0])
                    callee = None
    return counts


def diff_files(a_path, b_path, top):
    a = json.load(open(a_path))["functions"]
    b = json.load(open(b_path))["functions"]
    rows = sorted(((b.get(f, 0) - a.get(f, 0), a.get(f, 0), b.get(f, 0), f) for f in set(a) | set(b)),
                  key=lambda r: -abs(r[0]))
    print(f"{'B-A':>10} {'A':>10} {'B':>10}  function (inclusive instructions per request)")
    for d, x, y, f in rows[:top]:
        print(f"{d:>10,} {x:>10,} {y:>10,}  {f[:160]}")


def main():
    argv = sys.argv[1:]
    if argv[:1] == ["--diff"]:
        ap = argparse.ArgumentParser()
        ap.add_argument("--diff", nargs=2, metavar=("A_JSON", "B_JSON"))
        ap.add_argument("--top", type=int, default=60)
        d = ap.parse_args(argv)
        diff_files(d.diff[0], d.diff[1], d.top)
        return
    argv, extra = split_extra(argv)
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("op")
    ap.add_argument("n", type=int)
    ap.add_argument("--label", default="")
    ap.add_argument("--keep", help="keep callgrind's outputs in this directory (callgrind_annotate them)")
    ap.add_argument("--auth", choices=["open", "strict"],
                    help="the access benchmark's setup and signed Encrypt (bench/prepare_access.py)")
    ap.add_argument("--durable", action="store_true",
                    help="rotor --data-dir (fresh per run) instead of --in-memory")
    ap.add_argument("--functions", help="write each function's inclusive instructions per request here")
    a = ap.parse_args(argv)
    if a.auth and a.op != "Encrypt":
        ap.error("--auth measures Encrypt only (bench/prepare_access.py prepares its body)")
    with tempfile.TemporaryDirectory(prefix="rotor-cg-") as tmp:
        work = a.keep or tmp
        one, out_one = run_once(a.binary, a.op, a.n, extra, work, a.auth, a.durable)
        two, out_two = run_once(a.binary, a.op, 2 * a.n, extra, work, a.auth, a.durable)
        if a.functions:
            c1, c2 = inclusive(out_one), inclusive(out_two)
            per = {f: round((c2.get(f, 0) - c1.get(f, 0)) / a.n) for f in set(c1) | set(c2)}
            # Heap calls per request: every operator new and strdup ends in malloc.
            heap = ("malloc", "free", "realloc", "calloc")
            k1, k2 = calls(out_one, heap), calls(out_two, heap)
            with open(a.functions, "w") as f:
                json.dump({"label": a.label, "op": a.op, "n": a.n, "auth": a.auth,
                           "calls": {k: round((k2[k] - k1[k]) / a.n, 2) for k in heap},
                           "functions": {k: v for k, v in per.items() if v}}, f, indent=0)
    threads = sorted(set(one) | set(two))
    diff = {t: (two.get(t, 0) - one.get(t, 0)) / a.n for t in threads}
    total = sum(diff.values())
    parts = ", ".join(f"thread {t}: {d:,.0f}" for t, d in diff.items() if abs(d) >= 100)
    print(json.dumps({"label": a.label, "op": a.op, "n": a.n, "auth": a.auth, "extra_args": extra,
                      "instructions_per_request": round(total), "per_thread": {str(t): round(d) for t, d in diff.items() if abs(d) >= 100}}))
    print(f"{a.label or a.binary} {a.op}: {total:,.0f} instructions per request ({parts})", file=sys.stderr)


if __name__ == "__main__":
    main()
