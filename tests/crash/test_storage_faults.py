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
from rotor_harness import RotorServer, binary_available, free_port, run_rotor, ROTOR_BIN  # noqa: E402

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
class DataDirCase(unittest.TestCase):
    """A temporary folder per test (self.tmp), rotor servers on data dirs in it, the
    read-only faults (bind mounts undone at tearDown) and the assertions both test
    classes below share."""
    maxDiff = None
    tmp_prefix = "rotor-faults-"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix=self.tmp_prefix)
        self.mounts: list[str] = []       # read-only bind mounts (root)
        self.chmodded: list[str] = []     # paths chmod'ed read-only (not root)

    def tearDown(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-l", m], capture_output=True)
        for path in self.chmodded:  # writable again first, or rmtree cannot empty them
            os.chmod(path, 0o755)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def server(self, data_dir: str, args=None) -> RotorServer:
        srv = RotorServer(args, data_dir=data_dir)
        self.addCleanup(srv.cleanup)
        return srv

    def create_key(self, port: int, **body) -> str:
        """CreateKey with `body`; asserts 200 and returns the key id."""
        s, doc, _ = call(port, "CreateKey", body)
        self.assertEqual(s, 200, doc)
        return doc["KeyMetadata"]["KeyId"]

    def make_keys(self, port: int, n: int, **body) -> list[str]:
        """n keys made with CreateKey `body` (default: Description 'fault <i>')."""
        return [self.create_key(port, **(body or {"Description": f"fault {i}"})) for i in range(n)]

    def stopped_data_dir(self, keys: int = 1, **body) -> tuple[str, RotorServer, list[str]]:
        """<tmp>/data after a server made `keys` keys there (make_keys's `body`) and
        stopped: (data dir, the stopped server, the key ids)."""
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = self.make_keys(srv.port, keys, **body)
        srv.stop()
        return data, srv, ids

    def assert_internal_error(self, status, doc, seconds, what):
        self.assertEqual(status, 500, f"{what}: {status} {doc}")
        self.assertEqual(doc.get("__type"), "KMSInternalException", f"{what}: {doc}")
        self.assertLess(seconds, REQUEST_BOUND, f"{what} took {seconds:.1f}s")

    def assert_store_error(self, status, doc, seconds, message_start):
        """The internal error whose message starts with `message_start`."""
        self.assert_internal_error(status, doc, seconds, f"expected {message_start!r}")
        self.assertTrue(doc.get("message", "").startswith(message_start), doc)

    def read_only(self, path: str):
        """Makes the file or folder `path` read-only for rotor: a read-only bind mount
        when root, else chmod 555 (no write bit for anyone; Rotor refuses only a data
        dir others can write, and access(W_OK) fails for its owner)."""
        if os.geteuid() == 0:
            if not MOUNT_OK:
                what = "a directory" if os.path.isdir(path) else "a file"
                self.skipTest(f"root without mount rights: cannot make {what} read-only for root")
            subprocess.run(["mount", "--bind", path, path], check=True)
            self.mounts.append(path)
            subprocess.run(["mount", "-o", "remount,ro,bind", path], check=True)
        else:
            os.chmod(path, 0o555)
            self.chmodded.append(path)

    def writable_again(self, path: str):
        if os.geteuid() == 0:
            subprocess.run(["umount", path], check=True)
            self.mounts.remove(path)
        else:
            os.chmod(path, 0o755)
            self.chmodded.remove(path)


class StorageFaultTest(DataDirCase):

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
        data, srv, ids = self.stopped_data_dir(keys=3)
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
    def test_read_only_empty_data_dir_fails_at_start(self):
        data = os.path.join(self.tmp, "data")
        os.makedirs(data)
        self.read_only(data)
        code, out, secs = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started on a read-only empty dir: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn("rotor:", out)
        self.assertTrue("read-only" in out.lower() or "permission" in out.lower() or "cannot" in out.lower(),
                        f"unclear message: {out[-500:]}")

    def test_read_only_data_dir_with_a_database(self):
        data, srv, ids = self.stopped_data_dir(keys=3)
        self.read_only(data)
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
        data, _srv, _ids = self.stopped_data_dir(keys=1)
        limit = [None]

        def preexec():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() fails with EFBIG instead
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit[0], limit[0]))

        # Every file rotor writes may grow to the current db size + 256 KiB.
        size = max(os.path.getsize(os.path.join(data, f)) for f in os.listdir(data)
                   if os.path.isfile(os.path.join(data, f)))
        limit[0] = size + 256 * 1024
        srv2 = self.server(data)
        srv2.start(preexec_fn=preexec)
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


# ---------------------------------------------------------------------------------
# Issue 12: the root key and the data dir, file modes, deleted material, the
# virtual clock across restarts. Each test starts the real binary on real files.

def mode_of(path: str) -> int:
    return os.lstat(path).st_mode & 0o7777


def files_under(path: str) -> list[str]:
    out = []
    for root, _dirs, files in os.walk(path):
        out += [os.path.join(root, f) for f in files]
    return out


class HardDataTest(DataDirCase):
    """Root key check value, data dir watch, quick_check, read-only files, full
    disk message, file modes under umask 000, deleted material gone after a
    crash, and the virtual clock across restarts."""
    tmp_prefix = "rotor-hard-"

    # -- 5. the root key and its check value -------------------------------------
    def test_missing_root_key_is_refused_and_not_recreated(self):
        data, _srv, _ids = self.stopped_data_dir()
        os.remove(os.path.join(data, "root.key"))
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started without its root key: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn(os.path.join(data, "root.key") + " is missing", out)
        self.assertIn("restore it from your backup", out)
        self.assertFalse(os.path.exists(os.path.join(data, "root.key")),
                         "a new root key was made for a database that holds keys")

    def test_different_root_key_is_refused(self):
        data, srv, [kid] = self.stopped_data_dir()
        root = os.path.join(data, "root.key")
        with open(root, "rb") as f:
            original = f.read()
        with open(root, "wb") as f:
            f.write(os.urandom(32))
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started with another root key: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn(f"{root} does not match {os.path.join(data, 'rotor.db')}: restore it from your backup",
                      out)
        # rotor export --include-material refuses the wrong key too.
        p = run_rotor(["export", "--data-dir", data, "--include-material"])
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("does not match", p.stderr.decode())
        with open(root, "wb") as f:
            f.write(original)
        srv.start()
        self.assertTrue(encrypt_decrypt(srv.port, kid))

    def test_a_database_without_a_check_value_records_it_after_a_material_unseals(self):
        # A data dir written before check values existed: no row recorded yet.
        data, srv, [kid] = self.stopped_data_dir()
        conn = sqlite3.connect(os.path.join(data, "rotor.db"))
        conn.execute("UPDATE store_state SET root_key_check = NULL")
        conn.commit()
        conn.close()
        root = os.path.join(data, "root.key")
        with open(root, "rb") as f:
            original = f.read()
        with open(root, "wb") as f:
            f.write(os.urandom(32))
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, out[-500:])
        self.assertIn("does not match", out)
        with open(root, "wb") as f:
            f.write(original)
        srv.start()
        self.assertTrue(encrypt_decrypt(srv.port, kid))
        srv.stop()
        conn = sqlite3.connect(os.path.join(data, "rotor.db"))
        self.assertEqual(len(conn.execute("SELECT root_key_check FROM store_state").fetchone()[0]), 32)
        conn.close()

    # -- 6. the data dir vanishes under a running server ---------------------------
    def test_removed_data_dir_refuses_writes_and_stops_the_server(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        self.create_key(srv.port)
        proc = srv.proc
        shutil.rmtree(data)
        os.makedirs(data)  # a second Rotor could now start on the recreated path
        try:
            s, doc, secs = call(srv.port, "CreateKey", {"Description": "into deleted files"})
            self.assert_store_error(s, doc, secs, "Rotor's data dir was removed or replaced while it ran")
        except ConnectionError:
            # The 2-second idle check came first and the server is already gone: the
            # write was refused all the same (checked below: it exits with code 1).
            pass
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.fail("rotor kept running after its data dir was removed")
        self.assertEqual(code, 1)
        log = srv.log_tail(20)
        self.assertIn(f"data dir {data} was removed or replaced while Rotor ran", log)
        srv.proc = None

    def test_removed_data_dir_is_noticed_while_idle(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        self.create_key(srv.port)
        proc = srv.proc
        os.rename(data, data + ".moved")
        try:
            code = proc.wait(timeout=15)  # the writer checks every 2 s
        except subprocess.TimeoutExpired:
            self.fail("rotor did not notice that its data dir went")
        self.assertEqual(code, 1)
        self.assertIn("was removed or replaced while Rotor ran", srv.log_tail(20))
        srv.proc = None

    # -- 7. corruption and read-only files -----------------------------------------
    def corrupt_pages(self, db: str, first_page: int = 2):
        """Overwrites every page of `db` from `first_page` on with garbage."""
        with open(db, "r+b") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            page = 4096
            for off in range((first_page - 1) * page, size, page):
                f.seek(off)
                f.write(os.urandom(page))

    def test_corrupt_database_is_refused_at_start(self):
        data, _srv, _ids = self.stopped_data_dir(keys=40, Description="d" * 500)
        self.corrupt_pages(os.path.join(data, "rotor.db"), first_page=3)
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started on a corrupt database: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn(os.path.join(data, "rotor.db"), out)
        self.assertIn(".recover", out)  # the pointer to recovery

    def test_corruption_at_run_time_stops_writes_and_turns_health_503(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = [self.create_key(srv.port, Description="d" * 500) for _ in range(300)]
        srv.restart()  # the WAL is checkpointed into rotor.db; caches start empty
        self.assertEqual(srv.admin("GET", "/_rotor/health")[0], 200)
        self.corrupt_pages(os.path.join(data, "rotor.db"), first_page=2)
        statuses = [call(srv.port, "DescribeKey", {"KeyId": kid})[0] for kid in ids[100:200:10]]
        self.assertIn(500, statuses, "no read met the corruption")
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual(status, 503, health)
        self.assertEqual(health["status"], "failing")
        self.assertTrue(health["problem"].startswith("Rotor's database is corrupt: writes are stopped"),
                        health)
        s, doc, secs = call(srv.port, "CreateKey", {})
        self.assert_store_error(s, doc, secs, "Rotor's database is corrupt: writes are stopped")
        self.assertIn(".recover", srv.log_tail(40))

    def test_read_only_database_file_is_refused_at_start(self):
        data, _srv, _ids = self.stopped_data_dir()
        db = os.path.join(data, "rotor.db")
        self.read_only(db)
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, f"rotor started on a read-only rotor.db: {out[-500:]}")
        self.assertNotEqual(code, 0)
        self.assertIn(f"{db} is read-only", out)

    def test_read_only_data_dir_is_named_at_start(self):
        data, _srv, _ids = self.stopped_data_dir()
        self.read_only(data)
        code, out, _ = start_expecting_failure(data)
        self.assertIsNotNone(code, out[-500:])
        self.assertNotEqual(code, 0)
        self.assertIn(f"rotor: --data-dir {data} is read-only", out)  # names the flag
        self.assertNotIn("not a usable SQLite database", out)

    # -- 8. a full disk names its cause ----------------------------------------------
    def test_full_disk_names_the_cause_and_recovers(self):
        if not MOUNT_OK:
            self.skipTest("no mount rights for a small tmpfs")
        mnt = os.path.join(self.tmp, "small")
        os.makedirs(mnt)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mnt], check=True)
        self.mounts.append(mnt)
        data = os.path.join(mnt, "data")
        srv = self.server(data)
        srv.start()
        kid = self.create_key(srv.port)
        filler = os.path.join(mnt, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                for _ in range(4096):
                    f.write(b"\0" * 1024)
            except OSError:
                pass
        doc, secs = None, 0.0
        for _ in range(200):
            s, doc, secs = call(srv.port, "CreateKey", {"Description": "x" * 8000})
            if s != 200:
                break
        self.assert_store_error(s, doc, secs, "No space left in Rotor's data dir")
        self.assertTrue(encrypt_decrypt(srv.port, kid), "reads stopped on a full disk")
        self.assertEqual(srv.admin("GET", "/_rotor/health")[0], 200)
        os.remove(filler)
        self.create_key(srv.port, Description="after the disk was freed")

    # -- 9. file modes whatever the umask --------------------------------------------
    def test_file_modes_under_umask_000(self):
        data = os.path.join(self.tmp, "new", "data")
        audit_log = os.path.join(self.tmp, "audit.jsonl")
        srv = self.server(data, ["--audit-log", audit_log])
        os.rmdir(data)  # Rotor makes it
        srv.start(preexec_fn=lambda: os.umask(0))
        kid = self.create_key(srv.port)
        self.assertTrue(encrypt_decrypt(srv.port, kid))
        for _ in range(50):  # the audit trail writes off the request path
            if os.path.exists(os.path.join(data, "audit.db-wal")) and os.path.getsize(audit_log) > 0:
                break
            time.sleep(0.1)
        self.assertEqual(mode_of(data), 0o700)
        names = sorted(os.listdir(data))
        for name in ("rotor.db", "rotor.db-wal", "rotor.db-shm", "audit.db", "audit.db-wal",
                     "audit.db-shm", "rotor.lock", "root.key"):
            self.assertIn(name, names)
        for name in names:
            self.assertEqual(mode_of(os.path.join(data, name)), 0o600, name)
        self.assertEqual(mode_of(audit_log), 0o600)
        srv.stop()
        out = os.path.join(self.tmp, "export.yaml")
        p = run_rotor(["export", "--data-dir", data, "--include-material", "--output", out], umask=0)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(mode_of(out), 0o600)
        # Exclusively: never over an existing file (or a link someone prepared).
        p = run_rotor(["export", "--data-dir", data, "--include-material", "--output", out], umask=0)
        self.assertEqual(p.returncode, 2)
        self.assertIn("already exists", p.stderr.decode())
        plain = os.path.join(self.tmp, "plain.json")
        p = run_rotor(["export", "--data-dir", data, "--format", "json", "--output", plain], umask=0)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(mode_of(plain), 0o600)

    def test_data_dir_writable_by_others_is_refused(self):
        data, srv, _ids = self.stopped_data_dir()
        for mode, who in ((0o770, "group"), (0o757, "others"), (0o777, "group and others")):
            os.chmod(data, mode)
            code, out, _ = start_expecting_failure(data)
            self.assertIsNotNone(code, out[-500:])
            self.assertNotEqual(code, 0)
            self.assertIn(f"rotor: --data-dir {data} can be written by {who} (mode {mode:04o})", out)
            self.assertIn(f"chmod 700 {data}", out)
        os.chmod(data, 0o755)
        srv.start()

    # -- 10. deleted material is gone from every file ---------------------------------
    def sealed_of(self, data: str, key_id: str) -> list[bytes]:
        conn = sqlite3.connect(f"file:{os.path.join(data, 'rotor.db')}?mode=ro", uri=True, timeout=10)
        try:
            rows = conn.execute("SELECT sealed FROM key_materials WHERE key_id = ? AND sealed IS NOT NULL",
                                (key_id,)).fetchall()
        finally:
            conn.close()
        return [bytes(r[0]) for r in rows]

    def assert_nowhere(self, data: str, secrets: list[bytes]):
        for path in files_under(data):
            with open(path, "rb") as f:
                content = f.read()
            for sealed in secrets:
                # The nonce and the first bytes of the sealed key material, and the whole.
                self.assertNotIn(sealed[:24], content, f"sealed material survives in {path}")

    def test_deleted_material_is_gone_after_a_crash(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data, ["--clock", "virtual"])
        srv.start()
        keep = self.create_key(srv.port)
        doomed = self.create_key(srv.port)
        s, doc, _ = call(srv.port, "Encrypt", {"KeyId": doomed, "Plaintext": base64.b64encode(b"x").decode()})
        self.assertEqual(s, 200, doc)
        blob = doc["CiphertextBlob"]
        s, doc, _ = call(srv.port, "RotateKeyOnDemand", {"KeyId": doomed})
        self.assertEqual(s, 200, doc)
        secrets = self.sealed_of(data, doomed)
        self.assertEqual(len(secrets), 2)
        s, doc, _ = call(srv.port, "ScheduleKeyDeletion", {"KeyId": doomed, "PendingWindowInDays": 7})
        self.assertEqual(s, 200, doc)
        status, doc = srv.admin("POST", "/_rotor/clock", {"advance": "8d"})
        self.assertEqual(status, 200, doc)
        s, doc, _ = call(srv.port, "DescribeKey", {"KeyId": doomed})
        self.assertEqual(doc.get("__type"), "NotFoundException", doc)
        # docs/ciphertext-format.md: a deleted key's ciphertext answers NotFoundException.
        s, doc, _ = call(srv.port, "Decrypt", {"CiphertextBlob": blob})
        self.assertEqual(doc.get("__type"), "NotFoundException", doc)
        srv.proc.kill()  # kill -9: no clean close, no final checkpoint
        srv.proc.wait()
        srv.proc = None
        self.assert_nowhere(data, secrets)
        srv.start()
        self.assertTrue(encrypt_decrypt(srv.port, keep))

    def test_reset_material_is_gone_after_a_crash(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start()
        ids = [self.create_key(srv.port) for _ in range(3)]
        secrets = [s for kid in ids for s in self.sealed_of(data, kid)]
        self.assertEqual(len(secrets), 3)
        status, doc = srv.admin("POST", "/_rotor/reset", {})
        self.assertEqual(status, 200, doc)
        srv.proc.kill()
        srv.proc.wait()
        srv.proc = None
        self.assert_nowhere(data, secrets)

    # -- 13. the virtual clock across restarts ------------------------------------------
    def test_virtual_clock_resumes_after_a_restart(self):
        data = os.path.join(self.tmp, "data")
        srv = self.server(data)
        srv.start(["--clock", "virtual", "--clock-start", "2030-01-01T00:00:00Z"])
        kid = self.create_key(srv.port)
        status, doc = srv.admin("POST", "/_rotor/clock", {"advance": "400d"})
        self.assertEqual(status, 200, doc)
        moved = doc["now"]
        self.assertTrue(moved.startswith("2031-02-05"), moved)
        srv.proc.kill()  # even a crash keeps the time: every move is stored first
        srv.proc.wait()
        srv.proc = None
        srv.start(["--clock", "virtual"])
        self.assertEqual(srv.admin("GET", "/_rotor/clock")[1]["now"][:16], moved[:16])
        self.assertIn("clock virtual, resumed at 2031-02-05", srv.start_line)
        # A report of the data dir uses its stored time, unless --at says otherwise.
        srv.stop()
        p = run_rotor(["report", "--data-dir", data, "--json"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(json.loads(p.stdout)["generatedAt"].startswith("2031-02-05"), p.stdout[:200])
        p = run_rotor(["report", "--data-dir", data, "--json", "--at", "2032-01-01T00:00:00Z"])
        self.assertTrue(json.loads(p.stdout)["generatedAt"].startswith("2032-01-01"), p.stdout[:200])
        # A system clock over data dated ahead of it says so, on the start line and in health.
        srv.start(["--clock", "system"])
        self.assertIn("this data's virtual clock reached 2031-02-05", srv.start_line)
        self.assertIn("ahead of the system clock", srv.start_line)
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual(status, 200)
        self.assertTrue(any("ahead of the system clock" in w for w in health.get("warnings", [])), health)
        self.assertTrue(encrypt_decrypt(srv.port, kid))
        # ... and a virtual clock after that still resumes the stored time.
        srv.restart(["--clock", "virtual"])
        self.assertTrue(srv.admin("GET", "/_rotor/clock")[1]["now"].startswith("2031-02-05"))


if __name__ == "__main__":
    unittest.main()
