"""Hostile clients against the real rotor binary (Python stdlib, raw sockets).

Each test makes one kind of trouble and asserts two things: the offender gets
a 4xx or a closed connection (never a 5xx, never a crash), and a well-behaved
client is served normally meanwhile and afterwards. Every test is bounded in
time (socket timeouts, deadlines); the whole file runs in about a minute. The
server runs with --read-timeout 10s so the slowloris cut-off is seen in ~12 s
(HOSTILE_WAIT_READ_TIMEOUT=0 skips that wait; the responsiveness part always runs).
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import resource
import selectors
import socket
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from rotor_harness import RotorServer, binary_available, ROTOR_BIN  # noqa: E402

READ_TIMEOUT_S = 10          # --read-timeout given to the server below (default 30 s)
BODY_LIMIT = 1024 * 1024     # server/http/session_limits.h body_bytes
HEADER_LIMIT = 16 * 1024     # server/http/session_limits.h header_bytes
WAIT_READ_TIMEOUT = os.environ.get("HOSTILE_WAIT_READ_TIMEOUT", "1") != "0"


def kms_request(op: str, body: bytes, extra: dict | None = None, keep_alive=True) -> bytes:
    headers = {"Host": "127.0.0.1", "Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": "TrentService." + op, "Content-Length": str(len(body))}
    if not keep_alive:
        headers["Connection"] = "close"
    headers.update(extra or {})
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return head.encode() + body


def read_response(sock: socket.socket, timeout: float = 10.0) -> tuple[int, dict, bytes]:
    """Reads one HTTP/1.1 response with a Content-Length body. (0, {}, b'') on EOF."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return 0, {}, b""
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    while len(rest) < n:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:n]


class RawClientMixin:
    """raw(payload): one payload on a new loopback connection to self.server; returns
    read_response's (status, headers, body)."""
    server: RotorServer

    def raw(self, payload: bytes, timeout: float = 10.0) -> tuple[int, dict, bytes]:
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=timeout) as s:
            s.sendall(payload)
            return read_response(s, timeout)


def raise_fd_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class HostileClientTest(RawClientMixin, unittest.TestCase):
    server: RotorServer

    @classmethod
    def setUpClass(cls):
        cls.server = RotorServer(["--read-timeout", f"{READ_TIMEOUT_S}s"], in_memory=True)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.key_id = cls.good_call("CreateKey", {"Description": "hostile"})["KeyMetadata"]["KeyId"]

    # -- the well-behaved client ----------------------------------------------
    @classmethod
    def good_call(cls, op: str, body: dict, timeout: float = 10.0) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", cls.server.port, timeout=timeout)
        try:
            conn.request("POST", "/", body=json.dumps(body).encode(), headers={
                "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op})
            resp = conn.getresponse()
            data = resp.read()
            if resp.status != 200:
                raise AssertionError(f"well-behaved {op} -> {resp.status} {data[:300]!r}")
            return json.loads(data)
        finally:
            conn.close()

    def assert_serving(self, max_seconds: float = 2.0):
        """A full Encrypt/Decrypt round trip by a good client, within max_seconds."""
        t0 = time.monotonic()
        pt = base64.b64encode(b"still here").decode()
        ct = self.good_call("Encrypt", {"KeyId": self.key_id, "Plaintext": pt})["CiphertextBlob"]
        back = self.good_call("Decrypt", {"CiphertextBlob": ct})["Plaintext"]
        elapsed = time.monotonic() - t0
        self.assertEqual(back, pt)
        self.assertLess(elapsed, max_seconds, f"good client took {elapsed:.2f}s")
        self.assertIsNone(self.server.proc.poll(), "rotor exited")
        return elapsed

    def assert_kms_error(self, status, body, want_status, want_types):
        self.assertEqual(status, want_status, body[:300])
        doc = json.loads(body)
        self.assertIn(doc.get("__type"), want_types, doc)

    def tearDown(self):
        self.assert_serving()

    # -- bodies and headers ---------------------------------------------------
    def test_body_over_the_limit_gets_413(self):
        body = b'{"Description":"' + b"a" * BODY_LIMIT + b'"}'
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            try:
                s.sendall(kms_request("CreateKey", body))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer and close before the whole body is sent
            status, headers, data = read_response(s)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(data)["__type"], "RequestEntityTooLargeException")
        self.assertEqual(headers.get("connection", "").lower(), "close")

    def test_declared_content_length_of_2_gib_is_refused_before_the_body(self):
        head = kms_request("CreateKey", b"").replace(b"Content-Length: 0", b"Content-Length: 2147483648")
        status, _h, data = self.raw(head)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(data)["__type"], "RequestEntityTooLargeException")

    def test_body_at_the_limit_is_read_and_validated(self):
        # 1 MiB exactly: accepted by the transport, then rejected by validation.
        body = b'{"Plaintext":"' + b"A" * (BODY_LIMIT - 40) + b'","KeyId":"x"}'
        body = body[:BODY_LIMIT]
        status, _h, data = self.raw(kms_request("Encrypt", body))
        self.assertIn(status, (400, 413))
        self.assertIn(json.loads(data)["__type"], ("ValidationException", "SerializationException",
                                                   "RequestEntityTooLargeException"))

    def test_headers_over_the_limit_get_431(self):
        req = kms_request("ListKeys", b"{}", {"X-Junk": "j" * (HEADER_LIMIT + 100)})
        status, _h, data = self.raw(req)
        self.assertEqual(status, 431)
        self.assertEqual(json.loads(data)["__type"], "RequestHeaderFieldsTooLargeException")

    def test_many_small_headers_over_the_limit_get_431(self):
        extra = {f"X-H{i}": "v" * 40 for i in range(600)}  # ~30 KiB in 600 headers
        status, _h, _d = self.raw(kms_request("ListKeys", b"{}", extra))
        self.assertEqual(status, 431)

    # -- JSON -----------------------------------------------------------------
    def test_json_nested_10000_deep(self):
        for body in (b"[" * 10000 + b"]" * 10000,
                     b'{"Description":' + b"[" * 10000 + b"]" * 10000 + b"}",
                     b'{"a":' * 10000 + b"1" + b"}" * 10000,
                     b"[" * 10000):  # unterminated too
            status, _h, data = self.raw(kms_request("CreateKey", body))
            self.assert_kms_error(status, data, 400, {"SerializationException"})

    def test_numbers_out_of_range(self):
        cases = [b'{"NumberOfBytes": 1e400}', b'{"NumberOfBytes": 99999999999999999999999999}',
                 b'{"NumberOfBytes": -99999999999999999999999999}', b'{"NumberOfBytes": 2147483648}',
                 b'{"NumberOfBytes": -1}', b'{"NumberOfBytes": 0}', b'{"NumberOfBytes": 1.5}',
                 b'{"NumberOfBytes": NaN}', b'{"NumberOfBytes": Infinity}', b'{"NumberOfBytes": 1025}',
                 b'{"NumberOfBytes": 1e2}', b'{"NumberOfBytes": -0}', b'{"NumberOfBytes": "32"}',
                 b'{"NumberOfBytes": 0x20}', b'{"NumberOfBytes": 00032}']
        for body in cases:
            status, _h, data = self.raw(kms_request("GenerateRandom", body))
            with self.subTest(body=body):
                self.assertEqual(status, 400, data)
                self.assertIn(json.loads(data)["__type"], {"SerializationException", "ValidationException"})
        for body in (b'{"KeyId":"%s","PendingWindowInDays": 1e309}',
                     b'{"KeyId":"%s","PendingWindowInDays": -2147483649}'):
            status, _h, data = self.raw(kms_request("ScheduleKeyDeletion", body % self.key_id.encode()))
            self.assert_kms_error(status, data, 400, {"SerializationException", "ValidationException"})
        for body in (b'{"Limit": 1e999}', b'{"Limit": 18446744073709551616}', b'{"Limit": -1}'):
            status, _h, data = self.raw(kms_request("ListKeys", body))
            self.assert_kms_error(status, data, 400, {"SerializationException", "ValidationException"})

    def test_invalid_utf8_in_strings(self):
        cases = [b'{"Description":"\xff\xfe"}', b'{"Description":"\xc0\xaf"}',     # overlong
                 b'{"Description":"\xed\xa0\x80"}',                                # surrogate in UTF-8
                 b'{"Description":"\xf4\x90\x80\x80"}',                            # > U+10FFFF
                 b'{"Description":"abc\xe2\x82"}',                                 # truncated
                 b'{"\xff":"x"}',                                                  # in a member name
                 b'{"Description":"\\ud800"}', b'{"Description":"\\udc00\\ud800"}',  # lone surrogates
                 b'{"Tags":[{"TagKey":"\xff","TagValue":"v"}]}']
        for body in cases:
            status, _h, data = self.raw(kms_request("CreateKey", body))
            with self.subTest(body=body):
                self.assertIn(status, (400,), data)
                self.assertIn(json.loads(data)["__type"], {"SerializationException", "ValidationException"})

    # -- ciphertexts ----------------------------------------------------------
    def test_ciphertext_of_6145_bytes(self):
        blob = base64.b64encode(os.urandom(6145)).decode()
        status, _h, data = self.raw(kms_request("Decrypt", json.dumps({"CiphertextBlob": blob}).encode()))
        self.assert_kms_error(status, data, 400, {"ValidationException"})
        # 6,144 bytes is the model's maximum: a well-formed request with a bad blob.
        blob = base64.b64encode(os.urandom(6144)).decode()
        status, _h, data = self.raw(kms_request("Decrypt", json.dumps({"CiphertextBlob": blob}).encode()))
        self.assert_kms_error(status, data, 400, {"InvalidCiphertextException"})
        # A truncated real ciphertext and a 6,145-byte one built from a real header.
        pt = base64.b64encode(b"x" * 100).decode()
        real = base64.b64decode(self.good_call("Encrypt", {"KeyId": self.key_id, "Plaintext": pt})["CiphertextBlob"])
        for bad in (real[:-1], real[:33], real[:1], real + b"\0", real[:49] + os.urandom(6145 - 49)):
            status, _h, data = self.raw(kms_request(
                "Decrypt", json.dumps({"CiphertextBlob": base64.b64encode(bad).decode()}).encode()))
            self.assertEqual(status, 400, data)
            self.assertIn(json.loads(data)["__type"], {"InvalidCiphertextException", "ValidationException"})

    # -- Authorization --------------------------------------------------------
    def test_missing_authorization_is_served_in_the_default_account(self):
        status, _h, data = self.raw(kms_request("DescribeKey", json.dumps({"KeyId": self.key_id}).encode()))
        self.assertEqual(status, 200, data)

    def test_garbage_authorization(self):
        cases = ["garbage", "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA256 Credential=", "Bearer abc",
                 "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, Signature=", "AWS4-HMAC-SHA256 Signature=x",
                 "AWS4-HMAC-SHA256 Credential=AKID/20260101/" + "r" * 5000 + "/kms/aws4_request, Signature=x",
                 "AWS4-HMAC-SHA256 Credential=" + "/" * 3000 + ", Signature=x",
                 "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kms/aws4_request/extra, Signature=x",
                 "AWS4-HMAC-SHA256 Credential=AKID/20260101/US-EAST-1/kms/aws4_request, Signature=x",
                 "\x01\x02\x7f", "AWS4-HMAC-SHA256 Credential=\xff\xfe/x/y/z/aws4_request, Signature=x"]
        for auth in cases:
            req = kms_request("ListKeys", b"{}").replace(
                b"Content-Length", b"Authorization: " + auth.encode("latin-1") + b"\r\nContent-Length")
            status, _h, data = self.raw(req)
            with self.subTest(auth=auth[:60]):
                # Control characters in a header value make a malformed request:
                # answered 400 BadRequestException like every other (test_framing.py).
                self.assertTrue(400 <= status < 500, (status, data[:200]))
                doc = json.loads(data)
                if any(ord(c) < 0x20 or c == "\x7f" for c in auth):
                    self.assertEqual(doc["__type"], "BadRequestException", doc)
                self.assertIn("__type", doc)

    # -- protocol garbage -----------------------------------------------------
    def test_not_http_and_truncated_requests(self):
        for payload in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(200),  # a TLS hello
                        b"GARBAGE\r\n\r\n", b"POST / HTTP/9.9\r\n\r\n", os.urandom(4096),
                        b"POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                        b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                        b"POST / HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
                try:
                    s.sendall(payload)
                    s.shutdown(socket.SHUT_WR)
                    status, _h, _d = read_response(s, 5)
                except (OSError, socket.timeout):  # reset or closed by the server first
                    status = 0
            self.assertTrue(status == 0 or 400 <= status < 500, (payload[:20], status))
        # A client that disconnects in the middle of a body.
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=5) as s:
            s.sendall(kms_request("CreateKey", b'{"Description":"' + b"a" * 1000 + b'"}')[:-500])

    # -- connection floods ----------------------------------------------------
    def test_slowloris_1000_half_open_connections(self):
        n = 1000
        raise_fd_limit(n + 200)
        socks = []
        t_open = time.monotonic()
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
            s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.ListKeys\r\n")
            socks.append(s)
        try:
            # Trickle a header line now and then (the read timeout covers the
            # whole request, so this must not keep a connection alive), while the
            # good client keeps working.
            worst = 0.0
            deadline = time.monotonic() + 6
            i = 0
            while time.monotonic() < deadline:
                for s in socks[i % 10::10]:
                    try:
                        s.send(b"X-Slow: 1\r\n")
                    except OSError:
                        pass
                i += 1
                worst = max(worst, self.assert_serving(max_seconds=2.0))
                time.sleep(0.2)
            print(f"\n  slowloris: {n} half-open connections, good client worst round trip "
                  f"{worst * 1000:.0f} ms, rotor RSS {rss_kb(self.server.proc.pid) // 1024} MiB", file=sys.stderr)
            if not WAIT_READ_TIMEOUT:
                return
            # Every one of them is cut off once the read timeout has passed since it opened.
            sel = selectors.DefaultSelector()
            for s in socks:
                s.setblocking(False)
                sel.register(s, selectors.EVENT_READ)
            open_socks = set(socks)
            hard_deadline = t_open + READ_TIMEOUT_S + 15
            while open_socks and time.monotonic() < hard_deadline:
                for key, _ in sel.select(timeout=1.0):
                    s = key.fileobj
                    try:
                        data = s.recv(65536)
                    except BlockingIOError:
                        continue
                    except OSError:  # reset by the server
                        data = b""
                    if not data or data.startswith(b"HTTP/1.1 4"):
                        sel.unregister(s)
                        open_socks.discard(s)
                self.assertIsNone(self.server.proc.poll())
            closed_after = time.monotonic() - t_open
            self.assertFalse(open_socks, f"{len(open_socks)} slowloris connections still open after "
                                         f"{closed_after:.0f}s")
            self.assertGreaterEqual(closed_after, READ_TIMEOUT_S - 2)
            print(f"  slowloris: all {n} cut off {closed_after:.1f}s after opening", file=sys.stderr)
        finally:
            for s in socks:
                s.close()

    def test_10000_idle_keep_alive_connections(self):
        n = 10000
        limit = raise_fd_limit(n + 500)
        if limit < n + 200:
            self.skipTest(f"RLIMIT_NOFILE is {limit}: cannot hold {n} connections")
        rss_before = rss_kb(self.server.proc.pid)
        socks = []
        req = kms_request("DescribeKey", json.dumps({"KeyId": self.key_id}).encode())
        t0 = time.monotonic()
        try:
            for i in range(n):
                s = socket.create_connection(("127.0.0.1", self.server.port), timeout=10)
                socks.append(s)
                if i % 10 == 0:  # one in ten makes a request first, then idles on keep-alive
                    s.sendall(req)
                    status, headers, _ = read_response(s)
                    self.assertEqual(status, 200)
                    self.assertNotEqual(headers.get("connection", "").lower(), "close")
            opened = time.monotonic() - t0
            worst = max(self.assert_serving(max_seconds=2.0) for _ in range(20))
            rss_after = rss_kb(self.server.proc.pid)
            # The idle ones still work: a request on a few of them is answered.
            for s in socks[::1000]:
                s.sendall(req)
                status, _h, _d = read_response(s)
                self.assertEqual(status, 200)
            print(f"\n  {n} idle keep-alive connections opened in {opened:.1f}s; good client worst "
                  f"round trip {worst * 1000:.0f} ms; rotor RSS {rss_before // 1024} -> {rss_after // 1024} MiB "
                  f"({(rss_after - rss_before) / n:.1f} KiB per connection)", file=sys.stderr)
        finally:
            for s in socks:
                s.close()


if __name__ == "__main__":
    unittest.main()
