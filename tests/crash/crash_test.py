#!/usr/bin/env python3
"""kill -9 durability test for Rotor.

Each cycle: (re)start rotor on one data dir, run concurrent writers (CreateKey,
UpdateAlias, RotateKeyOnDemand, ScheduleKeyDeletion, TagResource) and
encrypters, each logging every acknowledged (HTTP 200) response, SIGKILL rotor
at a random moment, restart it on the same data dir and verify that

  * every acknowledged CreateKey is there (DescribeKey),
  * every alias points at its last acknowledged target (or at the target of
    the one update that was in flight at the kill),
  * every key has at least as many on-demand rotations as were acknowledged
    (at most one more: the one in flight),
  * every acknowledged ScheduleKeyDeletion left its key PendingDeletion,
  * every acknowledged TagResource is visible (its value, or the in-flight one),
  * every acknowledged ciphertext decrypts to its plaintext,
  * every audit event that GET /_rotor/events returned before the kill is
    still in audit.db (the audit trail's promise, docs/cli.md: an event is
    kept once the trail has stored it, which /_rotor/events waits for; the
    events of the last few milliseconds of calls before a kill may be lost),
  * SQLite's integrity_check says ok, for rotor.db and audit.db.

Every thread has at most one request in flight, which is what makes the "or
the in-flight one" rules exact. Everything is bounded: --cycles, a per-cycle
load window of at most --max-load seconds, HTTP timeouts.

Plaintexts are random bytes; only their SHA-256 is kept. Nothing here is key
material. Loopback only.

Usage: tests/crash/crash_test.py [--cycles N] [--seed S] [--max-load SECONDS]
       [--json-out FILE] (ROTOR_BIN selects the binary)
Exit status 0 when nothing acknowledged was lost.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e", "python"))
import rotor_harness  # noqa: E402  (the e2e suite's server lifecycle helper)

ROTATION_LIMIT = 100_000   # --on-demand-rotation-limit: the crash test rotates a lot
HTTP_TIMEOUT = 20.0


class Kms:
    """A minimal KMS JSON 1.1 client on one keep-alive connection (one thread)."""

    def __init__(self, port: int):
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def call(self, op: str, body: dict) -> tuple[int, dict]:
        """Returns (status, parsed body). Raises OSError/HTTPException when the
        server is gone (no answer = not acknowledged)."""
        return self._exchange("POST", "/", json.dumps(body).encode(), {
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op})

    def get(self, path: str) -> tuple[int, dict]:
        """GET of an admin endpoint (loopback needs no token)."""
        return self._exchange("GET", path, None, {})

    def _exchange(self, method: str, path: str, data: bytes | None, headers: dict) -> tuple[int, dict]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=HTTP_TIMEOUT)
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except Exception:
            self.close()
            raise
        try:
            doc = json.loads(raw) if raw else {}
        except ValueError:
            doc = {"__raw": raw[:200].decode(errors="replace")}
        return resp.status, doc

    def ok(self, op: str, body: dict) -> dict:
        status, doc = self.call(op, body)
        if status != 200:
            raise RuntimeError(f"{op} -> {status} {doc}")
        return doc

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:  # noqa: BLE001
                pass
            self.conn = None


class Ledger:
    """What rotor acknowledged, across cycles. Guarded by `lock`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.created: list[str] = []                      # acked CreateKey ids
        self.encryptable: list[str] = []                  # acked keys never scheduled for deletion
        self.alias_acked: dict[str, str] = {}             # alias -> last acked target
        self.alias_inflight: dict[str, str] = {}          # alias -> target of an unanswered update
        self.rotations_acked: dict[str, int] = {}         # key -> acked on-demand rotations
        self.rotations_inflight: dict[str, int] = {}      # key -> 1 if a rotation was unanswered
        self.deleted: set[str] = set()                    # acked ScheduleKeyDeletion
        self.deletion_inflight: set[str] = set()
        self.tags_acked: dict[tuple[str, str], str] = {}  # (key, tag key) -> last acked value
        self.tags_inflight: dict[tuple[str, str], str] = {}
        self.ciphertexts: list[tuple[str, str, dict, str]] = []  # (blob b64, sha256, context, key)
        self.audit_seen: set[str] = set()                 # eventIDs /_rotor/events returned this cycle
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []                       # non-200 answers (not losses; reported)

    def count(self, what: str, n: int = 1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n


def make_keys(kms: Kms, n: int, ledger: Ledger, description: str) -> list[str]:
    ids = []
    for _ in range(n):
        kid = kms.ok("CreateKey", {"Description": description})["KeyMetadata"]["KeyId"]
        ids.append(kid)
        with ledger.lock:
            ledger.created.append(kid)
    return ids


class Workload:
    """The threads of one cycle. Each runs until `stop` is set or rotor dies."""

    def __init__(self, port: int, ledger: Ledger, rng: random.Random, cycle: int):
        self.port = port
        self.ledger = ledger
        self.rng = rng
        self.cycle = cycle
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        setup = Kms(port)
        # Per-cycle pools, made (and acknowledged) before the load starts.
        self.rotation_keys = make_keys(setup, 6, ledger, f"crash c{cycle} rotation")
        self.alias_targets = make_keys(setup, 4, ledger, f"crash c{cycle} alias target")
        self.tag_keys = make_keys(setup, 4, ledger, f"crash c{cycle} tags")
        self.aliases = [f"alias/crash-c{cycle}-{i}" for i in range(4)]
        for i, name in enumerate(self.aliases):
            target = self.alias_targets[i % len(self.alias_targets)]
            setup.ok("CreateAlias", {"AliasName": name, "TargetKeyId": target})
            with ledger.lock:
                ledger.alias_acked[name] = target
        setup.close()

    def _loop(self, name, step):
        kms = Kms(self.port)
        rng = random.Random(self.rng.random())
        try:
            while not self.stop.is_set():
                try:
                    step(kms, rng)
                except (OSError, http.client.HTTPException):
                    return  # rotor is gone: whatever was in flight stays "in flight"
        finally:
            kms.close()

    # -- writers -------------------------------------------------------------
    def creator(self, kms: Kms, rng):
        status, doc = kms.call("CreateKey", {"Description": f"crash c{self.cycle}",
                                             "Tags": [{"TagKey": "cycle", "TagValue": str(self.cycle)}]})
        if status == 200:
            with self.ledger.lock:
                self.ledger.created.append(doc["KeyMetadata"]["KeyId"])
                self.ledger.encryptable.append(doc["KeyMetadata"]["KeyId"])
            self.ledger.count("CreateKey")
        else:
            self._error("CreateKey", status, doc)

    def aliaser(self, alias):
        def step(kms: Kms, rng):
            target = rng.choice(self.alias_targets)
            with self.ledger.lock:
                self.ledger.alias_inflight[alias] = target
            status, doc = kms.call("UpdateAlias", {"AliasName": alias, "TargetKeyId": target})
            with self.ledger.lock:
                del self.ledger.alias_inflight[alias]
                if status == 200:
                    self.ledger.alias_acked[alias] = target
            if status == 200:
                self.ledger.count("UpdateAlias")
            else:
                self._error("UpdateAlias", status, doc)
        return step

    def rotator(self, keys):
        def step(kms: Kms, rng):
            kid = rng.choice(keys)
            with self.ledger.lock:
                self.ledger.rotations_inflight[kid] = self.ledger.rotations_inflight.get(kid, 0) + 1
            status, doc = kms.call("RotateKeyOnDemand", {"KeyId": kid})
            with self.ledger.lock:
                self.ledger.rotations_inflight[kid] -= 1
                if status == 200:
                    self.ledger.rotations_acked[kid] = self.ledger.rotations_acked.get(kid, 0) + 1
            if status == 200:
                self.ledger.count("RotateKeyOnDemand")
            else:
                self._error("RotateKeyOnDemand", status, doc)
        return step

    def deleter(self, kms: Kms, rng):
        status, doc = kms.call("CreateKey", {"Description": f"crash c{self.cycle} to delete"})
        if status != 200:
            self._error("CreateKey", status, doc)
            return
        kid = doc["KeyMetadata"]["KeyId"]
        with self.ledger.lock:
            self.ledger.created.append(kid)
            self.ledger.deletion_inflight.add(kid)
        self.ledger.count("CreateKey")
        status, doc = kms.call("ScheduleKeyDeletion", {"KeyId": kid, "PendingWindowInDays": 7})
        with self.ledger.lock:
            self.ledger.deletion_inflight.discard(kid)
            if status == 200:
                self.ledger.deleted.add(kid)
        if status == 200:
            self.ledger.count("ScheduleKeyDeletion")
        else:
            self._error("ScheduleKeyDeletion", status, doc)

    def tagger(self, index):
        counter = [0]

        def step(kms: Kms, rng):
            kid = rng.choice(self.tag_keys)
            tag_key = f"t{index}"
            counter[0] += 1
            value = f"c{self.cycle}-{counter[0]}"
            with self.ledger.lock:
                self.ledger.tags_inflight[(kid, tag_key)] = value
            status, doc = kms.call("TagResource", {"KeyId": kid,
                                                   "Tags": [{"TagKey": tag_key, "TagValue": value}]})
            with self.ledger.lock:
                self.ledger.tags_inflight.pop((kid, tag_key), None)
                if status == 200:
                    self.ledger.tags_acked[(kid, tag_key)] = value
            if status == 200:
                self.ledger.count("TagResource")
            else:
                self._error("TagResource", status, doc)
        return step

    # -- encrypters ------------------------------------------------------------
    def encrypter(self, kms: Kms, rng):
        # Mostly keys being rotated right now: an acknowledged ciphertext under a
        # version that did not survive would show up here.
        pick = rng.random()
        if pick < 0.6:
            key = rng.choice(self.rotation_keys)
        elif pick < 0.8:
            key = rng.choice(self.aliases)
        else:
            with self.ledger.lock:
                recent = self.ledger.encryptable[-50:]
            if not recent:
                return
            key = rng.choice(recent)
        plaintext = rng.randbytes(rng.choice([1, 32, 500, 4096]))
        context = {"cycle": str(self.cycle), "n": str(rng.randrange(10**6))}
        status, doc = kms.call("Encrypt", {"KeyId": key, "Plaintext": base64.b64encode(plaintext).decode(),
                                           "EncryptionContext": context})
        if status == 200:
            with self.ledger.lock:
                self.ledger.ciphertexts.append((doc["CiphertextBlob"], hashlib.sha256(plaintext).hexdigest(),
                                                context, doc["KeyId"]))
            self.ledger.count("Encrypt")
        elif doc.get("__type") != "KMSInvalidStateException":  # a key just scheduled for deletion
            self._error("Encrypt", status, doc)

    # -- audit reader --------------------------------------------------------
    def auditor(self, kms: Kms, rng):
        # /_rotor/events answers once everything queued before it is stored:
        # what it returns is what the trail promises to keep across a kill.
        status, doc = kms.get("/_rotor/events?limit=20")
        if status == 200:
            ids = [e["eventID"] for e in doc.get("events", [])]
            with self.ledger.lock:
                self.ledger.audit_seen.update(ids)
            self.ledger.count("AuditEventsSeen", len(ids))
        else:
            self._error("GET /_rotor/events", status, doc)
        time.sleep(rng.uniform(0.01, 0.05))

    def _error(self, op, status, doc):
        with self.ledger.lock:
            self.ledger.errors.append(f"cycle {self.cycle}: {op} -> {status} {doc}")

    def start(self):
        half = len(self.rotation_keys) // 2
        plan = [("create", self.creator), ("delete", self.deleter),
                ("rotate-a", self.rotator(self.rotation_keys[:half])),
                ("rotate-b", self.rotator(self.rotation_keys[half:])),
                ("tag-0", self.tagger(0)), ("tag-1", self.tagger(1)),
                ("encrypt-0", self.encrypter), ("encrypt-1", self.encrypter),
                ("audit", self.auditor)]
        plan += [(f"alias-{i}", self.aliaser(a)) for i, a in enumerate(self.aliases)]
        for name, step in plan:
            t = threading.Thread(target=self._loop, args=(name, step), name=name, daemon=True)
            t.start()
            self.threads.append(t)

    def join(self, timeout: float):
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        return all(not t.is_alive() for t in self.threads)


def list_rotations(kms: Kms, kid: str) -> int:
    n, marker = 0, None
    for _ in range(10_000):  # bounded paging
        body = {"KeyId": kid, "Limit": 1000}
        if marker:
            body["Marker"] = marker
        doc = kms.ok("ListKeyRotations", body)
        n += sum(1 for r in doc.get("Rotations", []) if r.get("RotationType") == "ON_DEMAND")
        if not doc.get("Truncated"):
            return n
        marker = doc["NextMarker"]
    raise RuntimeError("ListKeyRotations paging did not end")


def verify(port: int, ledger: Ledger, rng: random.Random, cycle: int, sample_old: int) -> list[str]:
    """Returns a list of losses (empty: nothing acknowledged was lost)."""
    kms = Kms(port)
    losses: list[str] = []
    with ledger.lock:
        created = list(ledger.created)
        alias_acked = dict(ledger.alias_acked)
        alias_inflight = dict(ledger.alias_inflight)
        rot_acked = dict(ledger.rotations_acked)
        rot_inflight = dict(ledger.rotations_inflight)
        deleted = set(ledger.deleted)
        tags_acked = dict(ledger.tags_acked)
        tags_inflight = dict(ledger.tags_inflight)
        cts = list(ledger.ciphertexts)
        cycle_start = ledger.counts.get("_cycle_start_created", 0)
        ct_start = ledger.counts.get("_cycle_start_ct", 0)

    # This cycle's acknowledgements in full, a random sample of older ones.
    def pick(items, start):
        old = items[:start]
        return items[start:] + rng.sample(old, min(sample_old, len(old)))

    for kid in pick(created, cycle_start):
        status, doc = kms.call("DescribeKey", {"KeyId": kid})
        if status != 200:
            losses.append(f"CreateKey {kid} acknowledged but DescribeKey -> {status} {doc}")
            continue
        state = doc["KeyMetadata"]["KeyState"]
        if kid in deleted and state != "PendingDeletion":
            losses.append(f"ScheduleKeyDeletion {kid} acknowledged but the key is {state}")
    for kid in deleted:
        status, doc = kms.call("DescribeKey", {"KeyId": kid})
        if status != 200 or doc["KeyMetadata"]["KeyState"] != "PendingDeletion":
            losses.append(f"ScheduleKeyDeletion {kid} acknowledged but DescribeKey -> {status} {doc}")

    for alias, target in alias_acked.items():
        if f"-c{cycle}-" not in alias and rng.random() > 0.2:
            continue
        def aliases_of(kid):
            status, doc = kms.call("ListAliases", {"KeyId": kid, "Limit": 100})
            return {a["AliasName"] for a in doc.get("Aliases", [])} if status == 200 else set()

        if alias in aliases_of(target):
            continue
        other = alias_inflight.get(alias)
        if other and alias in aliases_of(other):
            continue
        losses.append(f"UpdateAlias {alias} -> {target} acknowledged but the alias points elsewhere")

    for kid, n in rot_acked.items():
        got = list_rotations(kms, kid)
        extra = rot_inflight.get(kid, 0)
        if got < n:
            losses.append(f"RotateKeyOnDemand {kid}: {n} acknowledged, {got} present")
        elif got > n + extra:
            losses.append(f"RotateKeyOnDemand {kid}: {n} acknowledged (+{extra} in flight), {got} present")

    tags_by_key: dict[str, dict[str, str]] = {}
    for (kid, tag_key), value in tags_acked.items():
        if kid not in tags_by_key:
            doc = kms.ok("ListResourceTags", {"KeyId": kid, "Limit": 50})
            tags_by_key[kid] = {t["TagKey"]: t["TagValue"] for t in doc.get("Tags", [])}
        got = tags_by_key[kid].get(tag_key)
        if got != value and got != tags_inflight.get((kid, tag_key)):
            losses.append(f"TagResource {kid} {tag_key}={value} acknowledged, found {got!r}")

    for blob, digest, context, key_arn in pick(cts, ct_start):
        status, doc = kms.call("Decrypt", {"CiphertextBlob": blob, "EncryptionContext": context})
        if status != 200:
            losses.append(f"acknowledged ciphertext under {key_arn} does not decrypt: {status} {doc}")
        elif hashlib.sha256(base64.b64decode(doc["Plaintext"])).hexdigest() != digest:
            losses.append(f"acknowledged ciphertext under {key_arn} decrypts to other bytes")
    kms.close()
    return losses


def audit_losses(data_dir: str, seen: set[str]) -> list[str]:
    """The event ids of `seen` that audit.db no longer holds."""
    conn = sqlite3.connect(f"file:{os.path.join(data_dir, 'audit.db')}?mode=ro", uri=True, timeout=10)
    try:
        kept = set()
        ids = sorted(seen)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            kept.update(r[0] for r in conn.execute(
                f"SELECT event_id FROM audit_events WHERE event_id IN ({','.join('?' * len(chunk))})", chunk))
    finally:
        conn.close()
    return [f"audit event {e} returned by /_rotor/events before the kill is gone" for e in ids if e not in kept]


def integrity_check(data_dir: str, name: str = "rotor.db") -> str:
    db = os.path.join(data_dir, name)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def run(args) -> int:
    rng = random.Random(args.seed)
    ledger = Ledger()
    tmp = tempfile.mkdtemp(prefix="rotor-crash-")
    server = rotor_harness.RotorServer(["--on-demand-rotation-limit", str(ROTATION_LIMIT)],
                                       data_dir=os.path.join(tmp, "data"))
    all_losses: list[str] = []
    per_cycle = []
    started = time.monotonic()
    try:
        server.start()
        for cycle in range(1, args.cycles + 1):
            with ledger.lock:
                ledger.counts["_cycle_start_created"] = len(ledger.created)
                ledger.counts["_cycle_start_ct"] = len(ledger.ciphertexts)
                before = {k: v for k, v in ledger.counts.items() if not k.startswith("_")}
            work = Workload(server.port, ledger, rng, cycle)
            work.start()
            # Mostly mid-load kills; now and then one right after the load starts.
            delay = rng.uniform(0.02, 0.3) if rng.random() < 0.2 else rng.uniform(0.3, args.max_load)
            time.sleep(delay)
            pid = server.proc.pid
            os.kill(pid, signal.SIGKILL)  # our own child, by PID
            server.proc.wait(timeout=10)
            server.proc = None
            if not work.join(HTTP_TIMEOUT + 5):
                raise RuntimeError("a load thread did not stop after the kill")
            t0 = time.monotonic()
            server.start()
            restart_s = time.monotonic() - t0
            if args.inject_loss and cycle == 1:
                # Negative control: acknowledgements that never happened must be reported.
                with ledger.lock:
                    ledger.created.append(str(uuid.uuid4()))
                    blob, digest, context, key = ledger.ciphertexts[-1] if ledger.ciphertexts else ("", "", {}, "")
                    ledger.ciphertexts.append((blob, "0" * 64, context, key))
                    if ledger.alias_acked:
                        alias = next(iter(ledger.alias_acked))
                        ledger.alias_acked[alias] = ledger.created[-1]
            losses = verify(server.port, ledger, rng, cycle, args.sample_old)
            with ledger.lock:
                seen, ledger.audit_seen = ledger.audit_seen, set()
                if args.inject_loss and cycle == 1:
                    seen.add(str(uuid.uuid4()))  # negative control: an event never stored
            losses += audit_losses(server.data_dir, seen)
            for name in ("rotor.db", "audit.db"):
                check = integrity_check(server.data_dir, name)
                if check != "ok":
                    losses.append(f"integrity_check {name}: {check}")
            with ledger.lock:
                done = {k: v - before.get(k, 0) for k, v in ledger.counts.items() if not k.startswith("_")}
            line = (f"cycle {cycle}/{args.cycles}: killed after {delay:.2f}s, acknowledged "
                    + ", ".join(f"{k} {v}" for k, v in sorted(done.items()))
                    + f"; restart {restart_s * 1000:.0f} ms; lost {len(losses)}")
            print(line, flush=True)
            for loss in losses:
                print("  LOST: " + loss, flush=True)
            per_cycle.append({"cycle": cycle, "kill_after_s": round(delay, 3), "acked": done,
                              "restart_ms": round(restart_s * 1000), "lost": losses})
            all_losses += losses
    except Exception as e:  # noqa: BLE001
        print(f"crash_test: ERROR {e}\n--- rotor log ---\n{server.log_tail(60)}", flush=True)
        all_losses.append(f"harness error: {e}")
    finally:
        server.stop()
        shutil_rmtree(tmp)
    totals: dict[str, int] = {}
    for c in per_cycle:
        for k, v in c["acked"].items():
            totals[k] = totals.get(k, 0) + v
    summary = {"cycles": len(per_cycle), "seed": args.seed, "acknowledged": totals,
               "lost": len(all_losses), "non_200_answers": len(ledger.errors),
               "seconds": round(time.monotonic() - started, 1)}
    print("crash_test: " + json.dumps(summary), flush=True)
    for e in ledger.errors[:20]:
        print("  non-200: " + e, flush=True)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"summary": summary, "cycles": per_cycle, "errors": ledger.errors[:200]}, f, indent=1)
    return 0 if not all_losses and len(per_cycle) == args.cycles else 1


def shutil_rmtree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cycles", type=int, default=5)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--max-load", type=float, default=2.0, help="latest kill, seconds after the load starts")
    ap.add_argument("--sample-old", type=int, default=200, help="older acknowledgements re-checked per cycle")
    ap.add_argument("--json-out")
    ap.add_argument("--inject-loss", action="store_true",
                    help="negative control: fabricate acknowledgements; the run must then fail")
    args = ap.parse_args()
    if not 1 <= args.cycles <= 10_000:
        ap.error("--cycles must be 1..10000")
    print(f"crash_test: {args.cycles} cycles, seed {args.seed}, binary {rotor_harness.ROTOR_BIN}", flush=True)
    sys.exit(run(args))


if __name__ == "__main__":
    main()
