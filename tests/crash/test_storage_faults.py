"""Storage faults against the real rotor binary: a full disk, a read-only data
dir, and a database locked by another process.

Each must give a clear error (at start: non-zero exit with a message naming the
problem; or for the request: HTTP 500 KMSInternalException) within a bounded
time, leave reads working where the database can still be read, and corrupt
nothing: after the fault is gone, every acknowledged write is there and
SQLite's integrity_check says ok.

Full disk uses a small tmpfs (needs mount rights: root here) and, without
them, RLIMIT_FSIZE with SIGXFSZ ignored (the process gets EFBIG, as on a full
quota). The read-only cases need a read-only bind mount (root); as a non-root
user a chmod'ed directory does the same. Tests that cannot set their fault up
here are skipped, with the reason.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e", "python"))
from rotor_harness import RotorServer, binary_available, free_port, ROTOR_BIN  # noqa: E402

START_TIMEOUT = 20.0     # a refusal to start must come within this
REQUEST_BOUND = 15.0     # a faulty write must be answered within this (busy_timeout is 5 s)


def call(port: int, op: str, body: dict, timeout: float = REQUEST_BOUND + 5) -> tuple[int, dict, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    t0 = time.monotonic()
    try:
        conn.request("POST", "/", body=json.dumps(body).encode(), headers={
            "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data else {}), time.monotonic() - t0
    finally:
        conn.close()


def integrity(data_dir: str) -> str:
    conn = sqlite3.connect(f"file:{os.path.join(data_dir, 'rotor.db')}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def start_expecting_failure(data_dir: str, extra_env=None, preexec=None) -> tuple[int | None, str, float]:
    """Runs rotor on data_dir; returns (exit code or None if it kept running, output, seconds)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTOR_")}
    env.update(extra_env or {})
    t0 = time.monotonic()
    p = subprocess.Popen([ROTOR_BIN, "--host", "127.0.0.1", "--port", str(port), "--data-dir", data_dir],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, preexec_fn=preexec,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=START_TIMEOUT)
        return p.returncode, out.decode(errors="replace"), time.monotonic() - t0
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, _ = p.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        return None, out.decode(errors="replace"), time.monotonic() - t0


def can_mount() -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    d = tempfile.mkdtemp(prefix="rotor-mnt-probe-")
    try:
        ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", d],
                            capture_output=True).returncode == 0
        if ok:
            subprocess.run(["umount", d], capture_output=True)
        return ok
    finally:
        os.rmdir(d)


MOUNT_OK = can_mount()


def encrypt_decrypt(port: int, key_id: str) -> bool:
    pt = base64.b64encode(b"still readable").decode()
    s, doc, _ = call(port, "Encrypt", {"KeyId": key_id, "Plaintext": pt})
    if s != 200:
        return False
    s, doc, _ = call(port, "Decrypt", {"CiphertextBlob": doc["CiphertextBlob"]})
    return s == 200 and doc["Plaintext"] == pt


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class StorageFaultTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rotor-faults-")
        self.mounts: list[str] = []

    def tearDown(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server(self, data_dir: str, args=None) -> RotorServer:
        srv = RotorServer(args, data_dir=data_dir)
        self.addCleanup(srv.cleanup)
        return srv

    def assert_internal_error(self, status, doc, seconds, what):
        self.assertEqual(status, 500, f"{what}: {status} {doc}")
        self.assertEqual(doc.get("__type"), "KMSInternalException", f"{what}: {doc}")
        self.assertLess(seconds, REQUEST_BOUND, f"{what} took {seconds:.1f}s")

    def make_keys(self, port: int, n: int) -> list[str]:
        ids = []
        for i in range(n):
            s, doc, _ = call(port, "CreateKey", {"Description": f"fault {i}"})
            self.assertEqual(s, 200, doc)
            ids.append(doc["KeyMetadata"]["KeyId"])
        return ids

    def assert_all_present(self, port: int, ids):
        for kid in ids:
            s, doc, _ = call(port, "DescribeKey", {"KeyId": kid})
            self.assertEqual(s, 200, f"acknowledged key {kid} lost: {doc}")

    # -- another process ----------------------------------------------------------
    def test_second_rotor_on_the_same_data_dir_fails_at_start(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = self.make_keys(srv.port, 3)
        code, out, secs = start_expecting_failure(data)
        self.assertIsNotNone(code, "the second rotor kept running")
        self.assertNotEqual(code, 0)
        self.assertIn("in use by another Rotor", out)
        self.assertLess(secs, 5)
        self.assert_all_present(srv.port, ids)
        self.assertTrue(encrypt_decrypt(srv.port, ids[0]))

    def hold_sqlite_lock(self, db: str, mode: str) -> subprocess.Popen:
        """A separate process holding BEGIN <mode> on db until killed."""
        code = ("import sqlite3,sys,time\n"
                f"c=sqlite3.connect({db!r},timeout=0,isolation_level=None)\n"
                f"c.execute('BEGIN {mode}')\n"
                "c.execute('CREATE TABLE IF NOT EXISTS lock_probe(x)')\n"
                "print('locked',flush=True)\n"
                "time.sleep(120)\n")
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: (p.poll() is None and p.kill(), p.wait()))
        line = p.stdout.readline().decode().strip()
        self.assertEqual(line, "locked", p.stderr.read().decode() if p.poll() is not None else "")
        return p

    def test_database_write_locked_by_another_process_while_running(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = self.make_keys(srv.port, 3)
        holder = self.hold_sqlite_lock(os.path.join(data, "rotor.db"), "EXCLUSIVE")
        s, doc, secs = call(srv.port, "CreateKey", {"Description": "while locked"})
        self.assert_internal_error(s, doc, secs, "CreateKey while another process holds the write lock")
        s, doc, secs = call(srv.port, "TagResource", {"KeyId": ids[0], "Tags": [{"TagKey": "a", "TagValue": "b"}]})
        self.assert_internal_error(s, doc, secs, "TagResource while locked")
        # The admin API answers the same, never SQLite's text (issue 12, item 4).
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
        conn.request("POST", "/_rotor/reset")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 500, body)
        self.assertEqual(json.loads(body), {"__type": "KMSInternalException",
                                            "message": "The request failed because of an internal error."})
        # Reads and the crypto hot path need no write lock.
        self.assert_all_present(srv.port, ids)
        self.assertTrue(encrypt_decrypt(srv.port, ids[0]))
        holder.kill()
        holder.wait()
        s, doc, _ = call(srv.port, "CreateKey", {"Description": "after the lock"})
        self.assertEqual(s, 200, doc)
        ids.append(doc["KeyMetadata"]["KeyId"])
        s, doc, _ = call(srv.port, "ListResourceTags", {"KeyId": ids[0]})
        self.assertEqual(doc.get("Tags"), [], "a write answered 500 must not have happened")
        srv.restart()
        self.assert_all_present(srv.port, ids)
        self.assertEqual(integrity(data), "ok")

    def test_database_locked_by_another_process_at_start(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = self.make_keys(srv.port, 3)
        srv.stop()
        holder = self.hold_sqlite_lock(os.path.join(data, "rotor.db"), "EXCLUSIVE")
        # Either a clear refusal at start, or a server whose writes fail cleanly
        # (500 within the busy timeout) while its reads keep working.
        try:
            srv.start()
            started = True
        except RuntimeError as e:
            started = False
            log = str(e)
        if started:
            self.assert_all_present(srv.port, ids)
            self.assertTrue(encrypt_decrypt(srv.port, ids[0]))
            s, doc, secs = call(srv.port, "CreateKey", {"Description": "while locked"})
            self.assert_internal_error(s, doc, secs, "CreateKey while the database is locked")
        else:
            self.assertIn("rotor:", log)
            self.assertTrue("lock" in log.lower() or "busy" in log.lower(), f"unclear message: {log[-500:]}")
        holder.kill()
        holder.wait()
        if started:
            s, doc, _ = call(srv.port, "CreateKey", {"Description": "after the lock"})
            self.assertEqual(s, 200, doc)
            ids.append(doc["KeyMetadata"]["KeyId"])
            srv.restart()
        else:
            srv.start()
        self.assert_all_present(srv.port, ids)
        self.assertEqual(integrity(data), "ok")

    # -- read-only ----------------------------------------------------------------
    def read_only_dir(self, path: str):
        """Makes `path` read-only for rotor: a read-only bind mount when root, else chmod."""
        if os.geteuid() == 0:
            if not MOUNT_OK:
                self.skipTest("root without mount rights: cannot make a directory read-only for root")
            subprocess.run(["mount", "--bind", path, path], check=True)
            self.mounts.append(path)
            subprocess.run(["mount", "-o", "remount,ro,bind", path], check=True)
        else:
            os.chmod(path, 0o555)
            self.addCleanup(os.chmod, path, 0o755)

    def writable_again(self, path: str):
        if os.geteuid() == 0:
            subprocess.run(["umount", path], check=True)
            self.mounts.remove(path)
        else:
            os.chmod(path, 0o755)

    def test_read_only_empty_data_dir_fails_at_start(self):
        data = os.path.join(self.tmp, "data")
        os.makedirs(data)
        self.read_only_dir(data)
        code, out, secs = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started on a read-only empty dir: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn("rotor:", out)
        self.assertTrue("read-only" in out.lower() or "permission" in out.lower() or "cannot" in out.lower(),
                        f"unclear message: {out[-500:]}")

    def test_read_only_data_dir_with_a_database(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = self.make_keys(srv.port, 3)
        srv.stop()
        self.read_only_dir(data)
        code, out, secs = start_expecting_failure(data)
        # Either a clear refusal at start, or (checked below) a server whose writes fail cleanly.
        if code is not None:
            self.assertNotEqual(code, 0, out)
            self.assertTrue("read-only" in out.lower() or "permission" in out.lower()
                            or "cannot" in out.lower(), f"unclear message: {out[-500:]}")
        else:
            self.fail("rotor kept running on a read-only data dir (writes would fail): " + out[-300:])
        self.writable_again(data)
        srv.start()
        self.assert_all_present(srv.port, ids)
        self.assertEqual(integrity(data), "ok")

    # -- full disk -----------------------------------------------------------------
    def full_disk_cycle(self, srv: RotorServer, data: str, fill, unfill):
        """Creates keys until writes fail; checks the failures, reads, recovery."""
        ids = self.make_keys(srv.port, 5)
        fill()
        acked, failures = [], 0
        deadline = time.monotonic() + 60
        for i in range(5000):
            if time.monotonic() > deadline:
                break
            s, doc, secs = call(srv.port, "CreateKey", {"Description": "x" * 8000, "Tags": [
                {"TagKey": f"k{j}", "TagValue": "v" * 200} for j in range(20)]})
            if s == 200:
                acked.append(doc["KeyMetadata"]["KeyId"])
                continue
            self.assert_internal_error(s, doc, secs, "CreateKey on a full disk")
            failures += 1
            if failures >= 5:
                break
        self.assertGreaterEqual(failures, 5, f"the disk never filled ({len(acked)} keys written)")
        self.assertIsNone(srv.proc.poll(), "rotor exited on a full disk")
        # Reads and the crypto hot path keep working.
        self.assert_all_present(srv.port, ids + acked)
        self.assertTrue(encrypt_decrypt(srv.port, ids[0]))
        unfill()
        s, doc, _ = call(srv.port, "CreateKey", {"Description": "after the disk was freed"})
        self.assertEqual(s, 200, f"writes did not recover once space was back: {doc}")
        acked.append(doc["KeyMetadata"]["KeyId"])
        return ids + acked

    def test_full_disk_tmpfs(self):
        if not MOUNT_OK:
            self.skipTest("no mount rights: the RLIMIT_FSIZE variant covers a full disk")
        mnt = os.path.join(self.tmp, "small")
        os.makedirs(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt], check=True)
        self.mounts.append(mnt)
        data = os.path.join(mnt, "data")
        srv = self.server(data)
        srv.start()
        filler = os.path.join(mnt, "filler")

        def fill():
            with open(filler, "wb", buffering=0) as f:
                try:
                    for _ in range(4096):
                        f.write(b"\0" * 1024)
                        f.flush()
                except OSError:
                    pass
            # Leave ~600 KiB so a few writes succeed before the disk is full.
            st = os.statvfs(mnt)
            free = st.f_bavail * st.f_frsize
            if free < 600 * 1024:
                os.truncate(filler, max(0, os.path.getsize(filler) - (600 * 1024 - free)))

        def unfill():
            os.remove(filler)

        ids = self.full_disk_cycle(srv, data, fill, unfill)
        srv.restart()
        self.assert_all_present(srv.port, ids)
        self.assertEqual(integrity(data), "ok")

    def test_full_disk_file_size_limit(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        self.make_keys(srv.port, 1)
        srv.stop()
        limit = [None]

        def preexec():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit[0], limit[0]))

        # Every file rotor writes may grow to the current db size + 256 KiB.
        size = max(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)
                   if os.path.isfile(os.path.join(data, f)))
        limit[0] = size + 256 * 1024
        srv2 = RotorServer(data_dir=data)
        self.addCleanup(srv2.cleanup)
        orig_popen = subprocess.Popen

        def popen_with_limit(*a, **kw):
            kw["preexec_fn"] = preexec
            return orig_popen(*a, **kw)

        subprocess.Popen = popen_with_limit
        try:
            srv2.start()
        finally:
            subprocess.Popen = orig_popen
        # No way to give space back inside the process: fill, check, then restart unlimited.
        base = self.make_keys(srv2.port, 2)
        acked, failures = [], 0
        for i in range(2000):
            s, doc, secs = call(srv2.port, "CreateKey", {"Description": "x" * 8000})
            if s == 200:
                acked.append(doc["KeyMetadata"]["KeyId"])
                continue
            self.assert_internal_error(s, doc, secs, "CreateKey past RLIMIT_FSIZE")
            failures += 1
            if failures >= 5:
                break
        self.assertGreaterEqual(failures, 5, f"the file size limit was never hit ({len(acked)} keys)")
        self.assertIsNone(srv2.proc.poll(), "rotor died when a write failed with EFBIG")
        self.assert_all_present(srv2.port, base + acked)
        self.assertTrue(encrypt_decrypt(srv2.port, base[0]))
        srv2.stop()
        srv3 = self.server(data)
        srv3.start()
        self.assert_all_present(srv3.port, base + acked)
        s, doc, _ = call(srv3.port, "CreateKey", {})
        self.assertEqual(s, 200, doc)
        self.assertEqual(integrity(data), "ok")


if __name__ == "__main__":
    unittest.main()
