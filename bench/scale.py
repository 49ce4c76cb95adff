#!/usr/bin/env python3
"""Scale benchmarks for bench/run.sh (stdlib + wrk; loopback only, every step bounded).

1. Data dirs of 1,000 and --keys keys (default 1,000,000), made through the API by
   concurrent CreateKey (wrk + bench/make_keys.lua) within --make-budget seconds;
   then, on each: DescribeKey latency (1 connection, random keys) and throughput
   (32 connections), ListKeys first page and a page from the middle, RSS.
2. A key with ~10,000 versions (virtual clock, 90-day rotation, 2,500 years in 25-year
   steps): Decrypt of its version-1 ciphertext vs a fresh key's ciphertext.
3. 100,000 keys with rotation enabled (365 days), the virtual clock advanced ten years in
   one call: time, rotations fired, RSS before/peak/after.
Writes <out>/scale.md and the raw wrk outputs under <out>/scale/.
"""
from __future__ import annotations

import argparse
import base64
import glob
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import prepare  # bench/prepare.py: the HTTP helpers

HERE = os.path.dirname(os.path.abspath(__file__))
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def call(port, op, body, timeout=60.0):
    return prepare.call(port, op, body, timeout)


def admin(port, path, body, timeout=3600.0):
    return prepare.post(port, path, body, {"Content-Type": "application/json"}, timeout)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def mb(kb):
    return f"{kb / 1024:.1f} MB"


class Rotor:
    def __init__(self, binary, args, log):
        self.port = free_port()
        self.log = open(log, "ab")
        self.proc = subprocess.Popen([binary, "--port", str(self.port)] + args, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rotor exited: {self.proc.returncode}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/_rotor/health")
                if c.getresponse().status == 200:
                    c.close()
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("rotor did not answer")

    def rss(self):
        return status_kb(self.proc.pid, "VmRSS")

    def hwm(self):
        return status_kb(self.proc.pid, "VmHWM")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def parse_wrk(text):
    out = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    out["rps"] = float(m.group(1)) if m else float("nan")
    for pct in ("50", "99"):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)", text, re.M)
        out["p" + pct] = float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    out["errors"] = int(m.group(1)) if m else 0
    return out


class Bench:
    def __init__(self, args):
        self.a = args
        self.raw = os.path.join(args.out, "scale")
        os.makedirs(self.raw, exist_ok=True)
        self.md: list[str] = []

    def wrk(self, name, port, op, body, conns, keys_file=None, duration=None):
        body_file = os.path.join(self.a.work, f"scale-{name}.json")
        with open(body_file, "w") as f:
            f.write(body if isinstance(body, str) else json.dumps(body))
        env = dict(os.environ, BENCH_TARGET=op, BENCH_BODY_FILE=body_file, BENCH_KEYS_FILE=keys_file or "")
        threads = "1" if conns == 1 else "2"
        cmd = ["timeout", "300", "wrk", "-t" + threads, f"-c{conns}", "-d" + (duration or self.a.duration),
               "--timeout", "10s", "--latency", "-s", os.path.join(HERE, "kms.lua"), f"http://127.0.0.1:{port}/"]
        text = subprocess.run(cmd, env=env, capture_output=True, text=True).stdout
        with open(os.path.join(self.raw, f"{name}-c{conns}.txt"), "w") as f:
            f.write(" ".join(cmd) + "\n" + text)
        r = parse_wrk(text)
        print(f"  {name} c{conns}: {r}", flush=True)
        return r

    def make_keys(self, port, n, ids_prefix, budget, rotation=False):
        """Concurrent CreateKey (+ EnableKeyRotation) through wrk until n keys are
        acknowledged (and, with rotation, n rotations enabled) or the budget is spent.
        wrk runs its whole -d even when its threads stop: we count and stop it."""
        for p in glob.glob(ids_prefix + ".*"):
            os.remove(p)
        env = dict(os.environ, BENCH_KEYS=str(n), BENCH_THREADS="2", BENCH_KEYS_OUT=ids_prefix,
                   BENCH_ENABLE_ROTATION="1" if rotation else "0")
        t0 = time.monotonic()
        proc = subprocess.Popen(["wrk", "-t2", "-c64", f"-d{budget}s", "-s", os.path.join(HERE, "make_keys.lua"),
                                 f"http://127.0.0.1:{port}/"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

        def lines(pattern):
            total = 0
            for p in glob.glob(pattern):
                with open(p, "rb") as f:
                    total += f.read().count(b"\n")
            return total

        try:
            while proc.poll() is None and time.monotonic() - t0 < budget + 10:
                made = lines(ids_prefix + ".[0-9]*")
                done = made >= n and (not rotation or lines(ids_prefix + ".rot.*") >= n)
                if done:
                    break
                time.sleep(0.5)
        finally:
            proc.terminate()
            proc.wait()
        secs = time.monotonic() - t0
        ids = []
        for p in sorted(glob.glob(ids_prefix + ".[0-9]*")):
            with open(p) as f:
                ids += [ln.strip() for ln in f if ln.strip()]
        return ids, secs

    # ---------------------------------------------------------------- 1. keys
    def keys_scale(self):
        a = self.a
        results = {}
        for label, n, budget in (("1k", 1000, 120), ("big", a.keys, a.make_budget)):
            d = os.path.join(a.work, f"scale-{label}")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            r = Rotor(a.rotor, ["--data-dir", d], os.path.join(self.raw, f"rotor-{label}.log"))
            ids, secs = self.make_keys(r.port, n, os.path.join(a.work, f"ids-{label}"), budget)
            rss_after_make = r.rss()
            r.stop()
            du = subprocess.run(["du", "-sh", d], capture_output=True, text=True).stdout.split()[0]
            print(f"  {label}: {len(ids)} keys in {secs:.0f}s ({len(ids) / secs:.0f}/s), {du}", flush=True)
            # A fresh start on the data dir, then the measurements.
            r = Rotor(a.rotor, ["--data-dir", d], os.path.join(self.raw, f"rotor-{label}.log"))
            rss_start = r.rss()
            sample = random.Random(1).sample(ids, min(10000, len(ids)))
            keys_file = os.path.join(a.work, f"sample-{label}.txt")
            with open(keys_file, "w") as f:
                f.write("\n".join(sample) + "\n")
            res = {"n": len(ids), "make_s": secs, "du": du, "rss_make": rss_after_make, "rss_start": rss_start}
            res["describe1"] = self.wrk(f"{label}-DescribeKey", r.port, "DescribeKey", '{"KeyId":"{KEY}"}', 1,
                                        keys_file)
            res["describe32"] = self.wrk(f"{label}-DescribeKey", r.port, "DescribeKey", '{"KeyId":"{KEY}"}', 32,
                                         keys_file)
            res["list_first"] = self.wrk(f"{label}-ListKeys-first", r.port, "ListKeys", {"Limit": 100}, 1)
            # A marker from the middle of the list.
            marker, seen = None, 0
            for _ in range(2000):
                body = {"Limit": 1000}
                if marker:
                    body["Marker"] = marker
                page = call(r.port, "ListKeys", body)
                seen += len(page["Keys"])
                marker = page.get("NextMarker")
                if seen >= len(ids) // 2 or not marker:
                    break
            if marker:
                res["list_middle"] = self.wrk(f"{label}-ListKeys-middle", r.port, "ListKeys",
                                              {"Limit": 100, "Marker": marker}, 1)
            res["rss_end"] = r.rss()
            r.stop()
            results[label] = res
        small, big = results["1k"], results["big"]

        def ratio(k, field="p50"):
            if k not in small or k not in big:
                return "n/a"
            return f"{big[k][field] / small[k][field]:.2f}x"

        est = a.keys / (big["n"] / big["make_s"]) if big["n"] else float("nan")
        self.md += [
            "## 1,000 keys vs {:,} keys in one data dir".format(big["n"]), "",
            f"- making them: `wrk -t2 -c64 -s bench/make_keys.lua` (concurrent CreateKey, durable): "
            f"1,000 keys in {small['make_s']:.1f} s; {big['n']:,} keys in {big['make_s']:.0f} s "
            f"({big['n'] / big['make_s']:,.0f} keys/s; {a.keys:,} keys would take about {est / 60:.0f} min at that "
            f"rate); data dir {small['du']} vs {big['du']}",
            "- latencies: `wrk -t1 -c1 -d{0} --latency` (DescribeKey over 10,000 random keys of the dir, "
            "ListKeys Limit=100 first page, and from a marker in the middle); throughput `wrk -t2 -c32`".format(
                a.duration), "",
            "| measurement | 1,000 keys | {:,} keys | ratio (big/small) | target |".format(big["n"]),
            "|---|---|---|---|---|",
            f"| DescribeKey p50, 1 conn | {small['describe1']['p50']:.3f} ms | {big['describe1']['p50']:.3f} ms | "
            f"{ratio('describe1')} | within 1.5x |",
            f"| DescribeKey p99, 1 conn | {small['describe1']['p99']:.3f} ms | {big['describe1']['p99']:.3f} ms | "
            f"{ratio('describe1', 'p99')} | |",
            f"| DescribeKey req/s, 32 conns | {small['describe32']['rps']:,.0f} | {big['describe32']['rps']:,.0f} | "
            f"{big['describe32']['rps'] / small['describe32']['rps']:.2f}x | |",
            f"| ListKeys first page p50 | {small['list_first']['p50']:.3f} ms | {big['list_first']['p50']:.3f} ms | "
            f"{ratio('list_first')} | within 1.5x |",
        ]
        if "list_middle" in small and "list_middle" in big:
            self.md.append(
                f"| ListKeys middle page p50 | {small['list_middle']['p50']:.3f} ms | "
                f"{big['list_middle']['p50']:.3f} ms | {ratio('list_middle')} | within 1.5x |")
        self.md += [
            f"| RSS after start | {mb(small['rss_start'])} | {mb(big['rss_start'])} | | |",
            f"| RSS after the measurements | {mb(small['rss_end'])} | {mb(big['rss_end'])} | | |",
            f"| RSS after making the keys | {mb(small['rss_make'])} | {mb(big['rss_make'])} | | |",
            ""]

    # ---------------------------------------------------------------- 2. versions
    def versions(self):
        a = self.a
        d = os.path.join(a.work, "scale-versions")
        shutil.rmtree(d, ignore_errors=True)
        r = Rotor(a.rotor, ["--data-dir", d, "--clock", "virtual", "--clock-start", "2026-01-01T00:00:00Z",
                            "--rotation-jitter", "0"], os.path.join(self.raw, "rotor-versions.log"))
        old = call(r.port, "CreateKey", {"Description": "10k versions"})["KeyMetadata"]["KeyId"]
        pt = base64.b64encode(os.urandom(100)).decode()
        blob_v1 = call(r.port, "Encrypt", {"KeyId": old, "Plaintext": pt})["CiphertextBlob"]
        call(r.port, "EnableKeyRotation", {"KeyId": old, "RotationPeriodInDays": 90})
        t0 = time.monotonic()
        fired = 0
        for _ in range(100):  # 100 x 25 years
            fired += len(admin(r.port, "/_rotor/clock", {"advance": "9131d"})["fired"])
        advance_s = time.monotonic() - t0
        versions, marker = 1, None
        for _ in range(100):
            body = {"KeyId": old, "Limit": 1000}
            if marker:
                body["Marker"] = marker
            page = call(r.port, "ListKeyRotations", body)
            versions += len(page["Rotations"])
            if not page.get("Truncated"):
                break
            marker = page["NextMarker"]
        fresh = call(r.port, "CreateKey", {"Description": "fresh"})["KeyMetadata"]["KeyId"]
        blob_fresh = call(r.port, "Encrypt", {"KeyId": fresh, "Plaintext": pt})["CiphertextBlob"]
        assert call(r.port, "Decrypt", {"CiphertextBlob": blob_v1})["Plaintext"] == pt
        res = {}
        for conns in (1, 32):
            res[("v1", conns)] = self.wrk("versions-Decrypt-v1", r.port, "Decrypt", {"CiphertextBlob": blob_v1}, conns)
            res[("fresh", conns)] = self.wrk("versions-Decrypt-fresh", r.port, "Decrypt",
                                             {"CiphertextBlob": blob_fresh}, conns)
        res["enc_old"] = self.wrk("versions-Encrypt-10k", r.port, "Encrypt", {"KeyId": old, "Plaintext": pt}, 1)
        res["enc_fresh"] = self.wrk("versions-Encrypt-fresh", r.port, "Encrypt", {"KeyId": fresh, "Plaintext": pt}, 1)
        res["describe_old"] = self.wrk("versions-DescribeKey-10k", r.port, "DescribeKey", {"KeyId": old}, 1)
        res["describe_fresh"] = self.wrk("versions-DescribeKey-fresh", r.port, "DescribeKey", {"KeyId": fresh}, 1)
        rss = r.rss()
        r.stop()
        # After a restart (cold cache): the first Decrypt of version 1.
        r = Rotor(a.rotor, ["--data-dir", d, "--clock", "virtual", "--clock-start", "4600-01-01T00:00:00Z",
                            "--rotation-jitter", "0"], os.path.join(self.raw, "rotor-versions.log"))
        t0 = time.monotonic()
        call(r.port, "Decrypt", {"CiphertextBlob": blob_v1})
        cold_ms = (time.monotonic() - t0) * 1000
        t0 = time.monotonic()
        call(r.port, "Decrypt", {"CiphertextBlob": blob_fresh})
        cold_fresh_ms = (time.monotonic() - t0) * 1000
        r.stop()

        def row(label, k1, k2, field="p50"):
            x, y = res[k1], res[k2]
            return (f"| {label} | {x[field]:.3f} ms | {y[field]:.3f} ms | {x[field] / y[field]:.2f}x |" if field != "rps"
                    else f"| {label} | {x['rps']:,.0f} | {y['rps']:,.0f} | {x['rps'] / y['rps']:.2f}x |")

        self.md += [
            f"## A key with {versions:,} versions", "",
            f"- rotor `--data-dir D --clock virtual --rotation-jitter 0`; EnableKeyRotation 90 days; "
            f"`POST /_rotor/clock {{\"advance\":\"9131d\"}}` x 100 (2,500 years): {fired:,} rotations fired "
            f"in {advance_s:.1f} s; RSS afterwards {mb(rss)}",
            "", "| measurement | version-1 ciphertext (key with {:,} versions) | fresh key | ratio | target |".format(
                versions), "|---|---|---|---|---|",
            row("Decrypt p50, 1 conn", ("v1", 1), ("fresh", 1)) + " within 1.2x |",
            row("Decrypt p99, 1 conn", ("v1", 1), ("fresh", 1), "p99") + " |",
            row("Decrypt req/s, 32 conns", ("v1", 32), ("fresh", 32), "rps") + " |",
            row("Decrypt p99, 32 conns", ("v1", 32), ("fresh", 32), "p99") + " |",
            row("Encrypt p50, 1 conn (latest version)", "enc_old", "enc_fresh") + " |",
            row("DescribeKey p50, 1 conn", "describe_old", "describe_fresh") + " |",
            f"| first Decrypt after a restart (cold cache), one request | {cold_ms:.1f} ms | {cold_fresh_ms:.1f} ms | "
            f"{cold_ms / cold_fresh_ms:.2f}x | |", ""]

    # ---------------------------------------------------------------- 3. ten years
    def ten_years(self):
        a = self.a
        d = os.path.join(a.work, "scale-10y")
        shutil.rmtree(d, ignore_errors=True)
        r = Rotor(a.rotor, ["--data-dir", d, "--clock", "virtual", "--clock-start", "2026-01-01T00:00:00Z"],
                  os.path.join(self.raw, "rotor-10y.log"))
        ids, secs = self.make_keys(r.port, a.rotation_keys, os.path.join(a.work, "ids-10y"), a.make_budget,
                                   rotation=True)
        rss_before = r.rss()
        samples = []
        stop = threading.Event()

        def sampler():
            while not stop.is_set():
                try:
                    samples.append(r.rss())
                except OSError:
                    break
                stop.wait(0.5)

        th = threading.Thread(target=sampler, daemon=True)
        th.start()
        t0 = time.monotonic()
        doc = admin(r.port, "/_rotor/clock", {"advance": "3653d"}, timeout=a.make_budget + 1800)
        advance_s = time.monotonic() - t0
        stop.set()
        th.join()
        fired = doc.get("firedCount", len(doc["fired"]))
        rss_after = r.rss()
        hwm = r.hwm()
        probe = random.Random(2).choice(ids)
        rot = call(r.port, "ListKeyRotations", {"KeyId": probe, "Limit": 100})["Rotations"]
        t0 = time.monotonic()
        call(r.port, "DescribeKey", {"KeyId": probe})
        r.stop()
        self.md += [
            f"## Ten years over {len(ids):,} keys with rotation enabled", "",
            f"- {len(ids):,} keys made with CreateKey + EnableKeyRotation (365 days, default 24 h jitter) in "
            f"{secs:.0f} s through the API; rotor `--data-dir D --clock virtual`",
            f"- `POST /_rotor/clock {{\"advance\":\"3653d\"}}` (one call): **{advance_s:.1f} s**, {fired:,} rotations "
            f"fired ({fired / advance_s:,.0f}/s); a sampled key has {len(rot)} rotations",
            f"- RSS: {mb(rss_before)} before, peak during {mb(max(samples) if samples else -1)} "
            f"(VmHWM over the process life {mb(hwm)}), {mb(rss_after)} after; the answer (first "
            f"{len(doc['fired']):,} events listed, all counted) was {len(json.dumps(doc)) / 1e3:.0f} KB of JSON", ""]

    def run(self):
        parts = self.a.parts.split(",")
        if "keys" in parts:
            self.keys_scale()
        if "versions" in parts:
            self.versions()
        if "tenyears" in parts:
            self.ten_years()
        with open(os.path.join(self.a.out, "scale.md"), "w") as f:
            f.write("# Scale\n\n" + "\n".join(self.md) + "\n")
        print("\n".join(self.md))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rotor", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--rotation-keys", type=int, default=100_000)
    ap.add_argument("--make-budget", type=int, default=1500, help="seconds allowed to make a data dir")
    ap.add_argument("--duration", default="10s")
    ap.add_argument("--parts", default="keys,versions,tenyears")
    Bench(ap.parse_args()).run()


if __name__ == "__main__":
    main()
