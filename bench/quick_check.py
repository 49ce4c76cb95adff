#!/usr/bin/env python3
"""How long Rotor's start-up PRAGMA quick_check takes on a big data dir.

Makes a data dir of --keys keys (default 1,000,000): a real server creates one key with
its sealed material, then SQL copies that key's rows under new key ids (every key a
real key document and material row, as CreateKey would leave them; far faster than
1M API calls). Then times, three times each: `PRAGMA quick_check` alone (Python's
sqlite3, the same SQLite library), and a rotor start to its first healthy answer
(which runs the check for at most its budget, 3 s, then serves). Loopback only; every wait bounded.
Prints a Markdown table.

  bench/quick_check.py [--keys N] [--rotor build/rotor] [--dir /tmp/x]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time

import prepare  # bench/prepare.py: the KMS call
from scale import Rotor  # bench/scale.py: a rotor process, started to its first healthy answer

HERE = os.path.dirname(os.path.abspath(__file__))


def start(rotor: str, data: str, log: str) -> tuple[Rotor, float]:
    """A rotor on `data` logging to `log`, and the seconds to its first healthy answer."""
    if os.path.exists(log):
        os.remove(log)  # Rotor appends: a log of an earlier run in the same --dir would mislead
    t0 = time.monotonic()
    r = Rotor(rotor, ["--host", "127.0.0.1", "--data-dir", data], log)
    return r, time.monotonic() - t0


def stop(r: Rotor, log: str) -> str:
    """Stops `r`; returns its log."""
    r.stop()
    with open(log, encoding="utf-8", errors="replace") as f:
        return f.read()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--rotor", default=os.path.join(HERE, "..", "build", "rotor"))
    ap.add_argument("--dir", default=None)
    args = ap.parse_args()
    work = args.dir or tempfile.mkdtemp(prefix="rotor-qc-")
    data = os.path.join(work, "data")
    shutil.rmtree(data, ignore_errors=True)
    log = os.path.join(work, "rotor-make.log")
    r, _ = start(args.rotor, data, log)
    key_id = prepare.call(r.port, "CreateKey", {})["KeyMetadata"]["KeyId"]
    stop(r, log)
    t0 = time.monotonic()
    db = sqlite3.connect(os.path.join(data, "rotor.db"))
    db.execute("PRAGMA journal_mode = WAL")
    n = args.keys - 1
    # New ids: the template's id with its last 12 hex digits replaced by a counter.
    prefix = key_id[:24]
    db.execute("BEGIN")
    db.execute(f"""
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n})
      INSERT INTO keys (account, region, key_id, next_event_at, doc)
      SELECT k.account, k.region, '{prefix}' || printf('%012x', c.i), k.next_event_at, k.doc
      FROM c, keys k WHERE k.key_id = ?""", (key_id,))
    db.execute(f"""
      WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n})
      INSERT INTO key_materials
      SELECT m.account, m.region, '{prefix}' || printf('%012x', c.i), m.version, m.material_id,
             m.created_at, m.rotation_type, m.description, m.import_state, m.valid_to, m.sealed
      FROM c, key_materials m WHERE m.key_id = ?""", (key_id,))
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    made = time.monotonic() - t0
    size = os.path.getsize(os.path.join(data, "rotor.db"))
    rows = []
    for i in range(3):
        # Drop the page cache's advantage as far as we can without root: none; the
        # second and third runs show the warm figure.
        c = sqlite3.connect(os.path.join(data, "rotor.db"))
        t0 = time.monotonic()
        verdict = c.execute("PRAGMA quick_check(1)").fetchone()[0]
        qc = time.monotonic() - t0
        c.close()
        log = os.path.join(work, f"rotor-run{i + 1}.log")
        r, up = start(args.rotor, data, log)
        rows.append((i + 1, qc, verdict, up, "quick_check of" in stop(r, log)))
    print(f"data dir: {args.keys:,} keys, rotor.db {size / 2**20:.0f} MiB (made in {made:.0f} s)\n")
    print("| run | PRAGMA quick_check alone | verdict | rotor start to first healthy answer | check cut by the budget |")
    print("|---|---|---|---|---|")
    for run, qc, verdict, up, cut in rows:
        print(f"| {run} | {qc:.2f} s | {verdict} | {up:.2f} s | {'yes' if cut else 'no'} |")
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
