"""Two Rotor replicas on one PostgreSQL store behave to every client as one Rotor.

Runs only on PostgreSQL (ROTOR_E2E_DATABASE_URL; scripts/test.sh gives it). Replica A
creates the store and its root key; replica B serves the same database with A's root key
(--root-key-file). Requests alternate between the two, as a round-robin balancer sends
them; each check is one a single Rotor must pass, asked of the replica that did not
make the write.
"""
from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from rotor_harness import (REPO_ROOT, RotorServer, RotorTestCase, free_port, on_postgres,
                           require_binary, stop_process)

VIRTUAL = ["--clock", "virtual", "--clock-start", "2026-01-01T00:00:00Z", "--rotation-jitter", "0"]
LIMIT_MSG = ("The on-demand rotations limit has been reached for the given keyId. No more on-demand "
             "rotations can be performed for this key: {arn}")
TAKEOVER_DEADLINE = 20.0  # seconds a standby gets to take the worker over (it asks every second)


@require_binary
@unittest.skipUnless(on_postgres(), "replicas need the PostgreSQL store (ROTOR_E2E_DATABASE_URL)")
class ReplicaTestCase(RotorTestCase):
    def replicas(self, args=None, env=None):
        """Starts A then B on one store; returns (a, b, kms_a, kms_b)."""
        a = RotorServer(args, env=env)
        self.addCleanup(a.cleanup)
        a.start()
        b = RotorServer(list(args or []) + ["--root-key-file", os.path.join(a.data_dir, "root.key")],
                        env=env, database_url=a.database_url)
        self.addCleanup(b.cleanup)
        b.start()
        return a, b, a.client(), b.client()

    def log_of(self, srv: RotorServer) -> str:
        with open(srv.log_path, "rb") as f:
            return f.read().decode(errors="replace")


class AlternatingRequestsTest(ReplicaTestCase):
    def test_a_write_on_one_replica_is_seen_by_the_next_request_on_the_other(self):
        _a, _b, ka, kb = self.replicas()
        md = ka.create_key(Description="one")["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        self.assertEqual(kb.describe_key(KeyId=kid)["KeyMetadata"]["Description"], "one")
        ct = kb.encrypt(KeyId=kid, Plaintext=b"p")["CiphertextBlob"]  # B's cache holds the key now
        ka.disable_key(KeyId=kid)
        self.assert_client_error(kb.encrypt, "DisabledException", f"{arn} is disabled.",
                                 KeyId=kid, Plaintext=b"p")
        self.assert_client_error(kb.decrypt, "DisabledException", f"{arn} is disabled.",
                                 CiphertextBlob=ct)
        kb.enable_key(KeyId=kid)
        self.assertEqual(ka.decrypt(CiphertextBlob=ct)["Plaintext"], b"p")
        ka.update_key_description(KeyId=kid, Description="two")
        self.assertEqual(kb.describe_key(KeyId=kid)["KeyMetadata"]["Description"], "two")

        # Aliases: made on one, used and moved on the other.
        other = kb.create_key()["KeyMetadata"]["KeyId"]
        ka.create_alias(AliasName="alias/shared", TargetKeyId=kid)
        self.assertEqual(kb.encrypt(KeyId="alias/shared", Plaintext=b"x")["KeyId"], arn)
        kb.update_alias(AliasName="alias/shared", TargetKeyId=other)
        self.assertEqual(ka.encrypt(KeyId="alias/shared", Plaintext=b"x")["KeyId"],
                         ka.describe_key(KeyId=other)["KeyMetadata"]["Arn"])
        ka.delete_alias(AliasName="alias/shared")
        self.assert_client_error(kb.encrypt, "NotFoundException",
                                 f"Alias arn:aws:kms:us-east-1:111122223333:alias/shared is not found.",
                                 KeyId="alias/shared", Plaintext=b"x")

        # Tags and grants.
        kb.tag_resource(KeyId=kid, Tags=[{"TagKey": "team", "TagValue": "blue"}])
        self.assertEqual(ka.list_resource_tags(KeyId=kid)["Tags"], [{"TagKey": "team", "TagValue": "blue"}])
        grant = ka.create_grant(KeyId=kid, GranteePrincipal="arn:aws:iam::111122223333:role/r",
                                Operations=["Encrypt"])["GrantId"]
        self.assertEqual([g["GrantId"] for g in kb.list_grants(KeyId=kid)["Grants"]], [grant])
        kb.revoke_grant(KeyId=kid, GrantId=grant)
        self.assertEqual(ka.list_grants(KeyId=kid)["Grants"], [])

        # Deletion scheduled on one is seen by the other.
        kb.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual(ka.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "PendingDeletion")
        self.assert_client_error(ka.encrypt, "KMSInvalidStateException",
                                 f"{arn} is pending deletion.", KeyId=kid, Plaintext=b"p")

    def test_the_audit_trail_and_listings_are_one_for_both(self):
        a, b, ka, kb = self.replicas()
        ids = set()
        for i in range(6):
            ids.add((ka if i % 2 else kb).create_key()["KeyMetadata"]["KeyId"])
        for kms in (ka, kb):
            listed = {k["KeyId"] for k in kms.list_keys()["Keys"]}
            self.assertEqual(listed, ids)


def race(ka, kb, n: int, call) -> list:
    """`call(kms)` n times at once, 8 threads, alternating between the replicas' clients
    `ka` and `kb`; returns each outcome: "ok" or (error code, message)."""
    def one(i):
        try:
            call(ka if i % 2 else kb)
            return "ok"
        except ClientError as e:
            return (e.response["Error"]["Code"], e.response["Error"]["Message"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(one, range(n)))


class LimitsAcrossReplicasTest(ReplicaTestCase):
    def test_on_demand_rotation_limit_holds_for_concurrent_requests_on_both(self):
        _a, _b, ka, kb = self.replicas(["--on-demand-rotation-limit", "5"])
        md = ka.create_key()["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        outcomes = race(ka, kb, 12, lambda kms: kms.rotate_key_on_demand(KeyId=kid))
        self.assertEqual(outcomes.count("ok"), 5, outcomes)
        self.assertEqual([o for o in outcomes if o != "ok"],
                         [("LimitExceededException", LIMIT_MSG.format(arn=arn))] * 7)
        for kms in (ka, kb):
            rotations = kms.list_key_rotations(KeyId=kid)["Rotations"]
            self.assertEqual(len(rotations), 5)
            self.assertEqual(len({r["KeyMaterialId"] for r in rotations}), 5)

    def test_the_keys_per_region_quota_holds_for_concurrent_create_keys_on_both(self):
        # CreateKey's request quota lifted: only the keys-per-Region quota answers.
        _a, _b, ka, kb = self.replicas(["--quotas", "aws", "--quota", "KmsKeys=5",
                                        "--quota", "CreateKey=10000"])
        outcomes = race(ka, kb, 16, lambda kms: kms.create_key())
        self.assertEqual(outcomes.count("ok"), 5, outcomes)
        self.assertEqual([o for o in outcomes if o != "ok"],
                         [("LimitExceededException",
                           "Key quota for this account in this region is 5 but the current usage is 5.")] * 11)
        for kms in (ka, kb):
            self.assertEqual(len(kms.list_keys()["Keys"]), 5)

    def test_an_alias_name_is_taken_once_when_both_replicas_race_for_it(self):
        _a, _b, ka, kb = self.replicas()
        k1 = ka.create_key()["KeyMetadata"]["KeyId"]
        k2 = kb.create_key()["KeyMetadata"]["KeyId"]
        for round_ in range(5):
            name = f"alias/race-{round_}"
            barrier = threading.Barrier(2)
            results = {}

            def create(kms, key, tag):
                barrier.wait()
                try:
                    kms.create_alias(AliasName=name, TargetKeyId=key)
                    results[tag] = "ok"
                except ClientError as e:
                    results[tag] = e.response["Error"]["Code"]

            threads = [threading.Thread(target=create, args=(ka, k1, "a")),
                       threading.Thread(target=create, args=(kb, k2, "b"))]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
            self.assertEqual(sorted(results.values()), ["AlreadyExistsException", "ok"], results)
            winner = k1 if results["a"] == "ok" else k2
            for kms in (ka, kb):
                aliases = kms.list_aliases(KeyId=winner)["Aliases"]
                self.assertIn(name, [x["AliasName"] for x in aliases])

    def test_create_grant_is_idempotent_across_replicas(self):
        _a, _b, ka, kb = self.replicas()
        kid = ka.create_key()["KeyMetadata"]["KeyId"]
        params = dict(KeyId=kid, GranteePrincipal="arn:aws:iam::111122223333:role/app",
                      Operations=["Encrypt", "Decrypt"], Name="same-grant")
        first = ka.create_grant(**params)
        second = kb.create_grant(**params)
        self.assertEqual(first["GrantId"], second["GrantId"])
        self.assertEqual(len(ka.list_grants(KeyId=kid)["Grants"]), 1)
        self.assertEqual(len(kb.list_grants(KeyId=kid)["Grants"]), 1)


class SharedWorkerTest(ReplicaTestCase):
    LINE = "this replica took over the rotation and deletion worker"

    def wait_for_line(self, srv, deadline):
        while time.monotonic() < deadline:
            if self.LINE in self.log_of(srv):
                return True
            time.sleep(0.2)
        return False

    def test_one_replica_runs_the_worker_and_another_takes_over_after_kill_9(self):
        a, b, ka, kb = self.replicas(["--on-demand-rotation-delay", "2s"])
        time.sleep(2.5)  # B asked for the lock at least twice meanwhile
        # A, started first, holds the worker: B stands by and takes nothing over.
        self.assertNotIn(self.LINE, self.log_of(b), "B must stand by while A holds the worker")
        self.assertNotIn(self.LINE, self.log_of(a))

        md = kb.create_key()["KeyMetadata"]
        kid = md["KeyId"]
        os.killpg(a.proc.pid, signal.SIGKILL)
        a.proc.wait(timeout=10)
        a.proc = None
        self.assertTrue(self.wait_for_line(b, time.monotonic() + TAKEOVER_DEADLINE),
                        f"B took the worker over after A died:\n{b.log_tail()}")
        # A delayed on-demand rotation completes only when a worker fires it.
        kb.rotate_key_on_demand(KeyId=kid)
        deadline = time.monotonic() + TAKEOVER_DEADLINE
        rotations = []
        while time.monotonic() < deadline and not rotations:
            rotations = kb.list_key_rotations(KeyId=kid)["Rotations"]
            time.sleep(0.25)
        self.assertEqual([r["RotationType"] for r in rotations], ["ON_DEMAND"])

    def test_a_clock_advance_on_either_replica_fires_each_due_event_once(self):
        a, b, ka, kb = self.replicas(VIRTUAL)
        keys = [ka.create_key()["KeyMetadata"]["KeyId"] for _ in range(3)]
        for kid in keys:
            kb.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        doomed = kb.create_key()["KeyMetadata"]["KeyId"]
        ka.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)

        fired = a.advance_clock("100d")["fired"]
        self.assertEqual(b.get_clock()["now"], a.get_clock()["now"], "one clock for both")
        # Both replicas move the shared clock to the same instant at once: nothing fires twice.
        target = "2026-07-01T00:00:00Z"
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            docs = list(pool.map(lambda s: s.set_clock(target), (a, b)))
        fired += docs[0]["fired"] + docs[1]["fired"]
        rotations = [e for e in fired if e.get("event") == "RotateKey"]
        deletions = [e for e in fired if e.get("event") == "DeleteKey"]
        # 100 days: one rotation each (day 90); to July 1st (day 181): a second one each (day 180).
        self.assertEqual(sorted(e["keyId"] for e in rotations), sorted(keys * 2), fired)
        self.assertEqual([e["keyId"] for e in deletions], [doomed])
        for kid in keys:
            for kms in (ka, kb):
                self.assertEqual(len(kms.list_key_rotations(KeyId=kid)["Rotations"]), 2)
        self.assertEqual(b.get_clock()["now"], target)


class KillUnderWriteLoadTest(ReplicaTestCase):
    def test_kill_9_of_one_replica_under_write_load_loses_no_acknowledged_write(self):
        a, b, _ka, _kb = self.replicas()
        acknowledged: list[tuple[str, str]] = []  # (key id, description) each answer confirmed
        lock = threading.Lock()
        stop = threading.Event()
        a_dead = threading.Event()

        def writer(srv, tag):
            kms = srv.client(timeout=10)
            for n in range(5000):  # bounded; stopped by `stop` long before
                if stop.is_set():
                    return
                desc = f"{tag}-{n}"
                try:
                    kid = kms.create_key(Description=desc)["KeyMetadata"]["KeyId"]
                    kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "n", "TagValue": str(n)}])
                except Exception:  # noqa: BLE001 - the killed replica's writers stop here
                    if srv is a and a_dead.is_set():
                        return
                    raise
                with lock:
                    acknowledged.append((kid, desc))

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(writer, srv, f"{name}{i}")
                       for i in range(2) for srv, name in ((a, "a"), (b, "b"))]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:  # until A acknowledged a few writes
                with lock:
                    if sum(1 for _k, d in acknowledged if d.startswith("a")) >= 20:
                        break
                time.sleep(0.05)
            a_dead.set()
            os.killpg(a.proc.pid, signal.SIGKILL)  # mid-write: requests in flight on A
            a.proc.wait(timeout=10)
            a.proc = None
            time.sleep(1.0)  # B goes on writing alone
            stop.set()
            for f in futures:
                f.result(timeout=60)  # B's writers never failed

        from_a = [x for x in acknowledged if x[1].startswith("a")]
        self.assertGreaterEqual(len(from_a), 20)
        kb = b.client()
        a.start()  # the killed replica comes back on the same store
        ka = a.client()
        for kid, desc in acknowledged:
            for kms in (kb, ka):
                self.assertEqual(kms.describe_key(KeyId=kid)["KeyMetadata"]["Description"], desc)
        for kid, desc in acknowledged[::10]:
            self.assertEqual(kb.list_resource_tags(KeyId=kid)["Tags"],
                             [{"TagKey": "n", "TagValue": desc.rsplit("-", 1)[1]}])


PG_CLUSTER = os.path.join(REPO_ROOT, "scripts", "pg_test_cluster.sh")
INTERNAL = "The request failed because of an internal error."


@require_binary
@unittest.skipUnless(on_postgres(), "the PostgreSQL store's outage (ROTOR_E2E_DATABASE_URL)")
class DatabaseOutageTest(RotorTestCase):
    """A PostgreSQL cluster of this test's own (not the suite's) stopped under a running
    Rotor, then started again: health says so, KMS calls fail as AWS's internal errors, and
    both recover with no restart of Rotor."""

    def cluster(self, action: str, path: str) -> str:
        p = subprocess.run([PG_CLUSTER, action, path], capture_output=True, timeout=120,
                           stdin=subprocess.DEVNULL)
        if p.returncode != 0:
            raise AssertionError(f"pg_test_cluster.sh {action}: {p.stderr.decode(errors='replace')}")
        return p.stdout.decode().strip()

    def health_until(self, srv, status: int, seconds: float = 20.0) -> dict:
        deadline = time.monotonic() + seconds
        while True:  # bounded: a real outage, not the virtual clock, is what moves it
            code, doc = srv.admin("GET", "/_rotor/health")
            if code == status or time.monotonic() > deadline:
                self.assertEqual(code, status, doc)
                return doc
            time.sleep(0.1)

    def test_health_and_kms_calls_follow_the_database_away_and_back(self):
        d = tempfile.mkdtemp(prefix="rotor-pg-outage-")
        os.chmod(d, 0o755)  # the cluster's unprivileged user must reach its folder
        path = os.path.join(d, "pg")
        url = self.cluster("start", path)
        self.addCleanup(shutil.rmtree, d, True)
        self.addCleanup(subprocess.run, [PG_CLUSTER, "stop", path], capture_output=True, timeout=60)
        srv = RotorServer(database_url=url)
        self.addCleanup(srv.cleanup)
        srv.start()
        pid = srv.proc.pid
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"kept")["CiphertextBlob"]
        doc = self.health_until(srv, 200)
        self.assertEqual((doc["status"], doc["store"]), ("ok", "postgres"))

        self.cluster("stop", path)
        doc = self.health_until(srv, 503)
        self.assertEqual(doc["status"], "failing")
        self.assertEqual(doc["store"], "postgres")
        self.assertEqual(doc["problem"],
                         "Rotor's PostgreSQL database does not answer: KMS calls fail with "
                         "KMSInternalException until it does. The server's log says why.")
        self.assert_client_error(kms.encrypt, "KMSInternalException", INTERNAL, 500, KeyId=kid, Plaintext=b"x")
        self.assert_client_error(kms.decrypt, "KMSInternalException", INTERNAL, 500, CiphertextBlob=blob)
        self.assert_client_error(kms.create_key, "KMSInternalException", INTERNAL, 500)
        self.assertIsNone(srv.proc.poll())  # Rotor keeps running

        self.cluster("start-again", path)
        # The first calls after the database is back succeed: broken connections are replaced.
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"kept")
        other = kms.create_key(Description="after")["KeyMetadata"]["KeyId"]
        self.assertEqual(kms.describe_key(KeyId=other)["KeyMetadata"]["Description"], "after")
        self.assertEqual(sorted(k["KeyId"] for k in kms.list_keys()["Keys"]), sorted([kid, other]))
        doc = self.health_until(srv, 200)
        self.assertEqual((doc["status"], doc["store"]), ("ok", "postgres"))
        self.assertEqual(srv.proc.pid, pid)  # the same process throughout
        with open(srv.log_path, "rb") as f:
            log = f.read().decode(errors="replace")
        self.assertIn(" does not answer: ", log)
        self.assertIn(" answers again", log)


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


@unittest.skipUnless(NGINX, "nginx is not installed (Debian: nginx-light)")
class BalancerTest(ReplicaTestCase):
    """docs/scaling/nginx.conf, the compose file's balancer, on loopback in front of A and B."""

    def start_nginx(self, a, b) -> int:
        port = free_port()
        prefix = tempfile.mkdtemp(prefix="rotor-nginx-")
        self.addCleanup(shutil.rmtree, prefix, True)
        for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(prefix, "tmp", d))
            os.chmod(os.path.join(prefix, "tmp", d), 0o777)  # nginx's workers may run as nobody
        with open(os.path.join(REPO_ROOT, "docs", "scaling", "nginx.conf")) as f:
            conf = f.read()
        conf = (conf.replace("rotor-a:4599", f"127.0.0.1:{a.port}")
                    .replace("rotor-b:4599", f"127.0.0.1:{b.port}")
                    .replace("listen 8080;", f"listen 127.0.0.1:{port};"))
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        proc = subprocess.Popen([NGINX, "-p", prefix + "/", "-c", path, "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

        self.addCleanup(stop_process, proc)
        return port

    def test_a_client_behind_nginx_sees_one_rotor(self):
        a, b, _ka, _kb = self.replicas(["--allowed-hosts", "rotor"])
        port = self.start_nginx(a, b)
        kms = boto3.session.Session(aws_access_key_id="AKIAEXAMPLEROTORTEST", aws_secret_access_key="x",
                                    region_name="us-east-1").client(
            "kms", endpoint_url=f"http://127.0.0.1:{port}",
            config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=15))
        deadline = time.monotonic() + 10
        while True:  # nginx is listening once it answers
            try:
                md = kms.create_key()["KeyMetadata"]
                break
            except Exception:  # noqa: BLE001
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        kid, arn = md["KeyId"], md["Arn"]
        for _ in range(10):  # round robin: each step is answered by the other replica
            kms.disable_key(KeyId=kid)
            self.assert_client_error(kms.encrypt, "DisabledException", f"{arn} is disabled.",
                                     KeyId=kid, Plaintext=b"p")
            kms.enable_key(KeyId=kid)
            ct = kms.encrypt(KeyId=kid, Plaintext=b"p")["CiphertextBlob"]
            self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"p")
        for srv in (a, b):
            log = self.log_of(srv)
            self.assertGreaterEqual(log.count("DisableKey"), 3, f"both replicas served requests:\n{log[-2000:]}")


if __name__ == "__main__":
    unittest.main()
