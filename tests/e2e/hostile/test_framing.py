"""HTTP/1.1 framing per RFC 9112 against the real rotor binary (raw sockets).

Every malformed request is answered, 400 BadRequestException (501
NotImplementedException for a transfer coding Rotor does not implement), in the
one JSON error shape, and then the connection closes: what follows a request
whose length is in doubt is never read as a request of its own (smuggling).
"""
from __future__ import annotations

import json
import os
import socket
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)
from rotor_harness import ServerTestCase  # noqa: E402
from test_hostile import read_response  # noqa: E402

HEAD = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n" \
       "X-Amz-Target: TrentService.ListKeys\r\n"
# A complete, valid request pipelined behind each malformed one: it must not be answered.
SMUGGLED = (HEAD + "Content-Length: 2\r\n\r\n{}").encode()


def req(extra_headers: str, body: bytes = b"", head: str = HEAD) -> bytes:
    return (head + extra_headers + "\r\n").encode("latin-1") + body


class FramingTest(ServerTestCase):
    in_memory = True

    def exchange(self, payload: bytes) -> tuple[int, dict, bytes, bytes]:
        """Sends `payload` then SMUGGLED; returns the first answer and all that follows it."""
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
            s.sendall(payload + SMUGGLED)
            status, headers, body = read_response(s, 10)
            after = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    after += chunk
            except ConnectionResetError:
                pass
            except socket.timeout:
                self.fail(f"connection left open after {status}")
            return status, headers, body, after

    def assert_refused(self, payload: bytes, status_wanted=400, type_wanted="BadRequestException",
                       says=None):
        status, headers, body, after = self.exchange(payload)
        self.assertEqual(status, status_wanted, (payload[-120:], body))
        doc = json.loads(body)
        self.assertEqual(doc["__type"], type_wanted, doc)
        if says:
            self.assertIn(says, doc["message"])
        self.assertEqual(headers.get("content-type"), "application/x-amz-json-1.1")
        self.assertEqual(headers.get("connection", "").lower(), "close")
        self.assertEqual(after, b"", "a request after a malformed one was answered")

    def test_content_length_with_transfer_encoding(self):
        chunked = b"2\r\n{}\r\n0\r\n\r\n"
        self.assert_refused(req("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n", chunked))
        self.assert_refused(req("Transfer-Encoding: chunked\r\nContent-Length: 2\r\n", chunked))

    def test_two_different_content_lengths(self):
        self.assert_refused(req("Content-Length: 2\r\nContent-Length: 3\r\n", b"{} "))
        self.assert_refused(req("Content-Length: 2, 3\r\n", b"{} "))
        self.assert_refused(req("Content-Length: -2\r\n", b"{}"))
        self.assert_refused(req("Content-Length: 0x2\r\n", b"{}"))

    def test_final_transfer_coding_not_chunked(self):
        # The review's case: read by its Content-Length and answered 200 before.
        self.assert_refused(req("Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n", b"{}"))
        self.assert_refused(req("Transfer-Encoding: xchunked\r\n", b"{}"), says="final transfer coding")
        self.assert_refused(req("Transfer-Encoding: chunked, gzip\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
                            says="final transfer coding")
        self.assert_refused(req("Transfer-Encoding: gzip\r\n", b"{}"), says="final transfer coding")
        self.assert_refused(req("Transfer-Encoding: chunked, chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"))
        self.assert_refused(req("Transfer-Encoding: \r\n", b"{}"))

    def test_unknown_transfer_coding_is_501(self):
        for te in ("gzip, chunked", "xfoo, chunked", "deflate,chunked"):
            with self.subTest(te=te):
                self.assert_refused(req(f"Transfer-Encoding: {te}\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
                                    501, "NotImplementedException", says=te.split(",")[0])
        self.assert_refused(req("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                                b"2\r\n{}\r\n0\r\n\r\n"), 501, "NotImplementedException")

    def test_transfer_encoding_in_http_1_0(self):
        self.assert_refused(req("Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n",
                                head=HEAD.replace("HTTP/1.1", "HTTP/1.0")))

    def test_bad_chunk_sizes(self):
        for size in (b"zz", b"-2", b"0x2", b"fffffffffffffffffffff", b"", b"2 2"):
            with self.subTest(size=size):
                self.assert_refused(req("Transfer-Encoding: chunked\r\n",
                                        size + b"\r\n{}\r\n0\r\n\r\n"))
        # The chunk's data longer than its size.
        self.assert_refused(req("Transfer-Encoding: chunked\r\n", b"1\r\n{}\r\n0\r\n\r\n"))

    def test_bare_lf_line_ends(self):
        self.assert_refused(req("Content-Length: 2\r\n", b"{}").replace(b"\r\n", b"\n"))
        self.assert_refused(req("X-One: bare\nContent-Length: 2\r\n", b"{}"))
        self.assert_refused(req("Transfer-Encoding: chunked\r\n", b"2\n{}\r\n0\r\n\r\n"))

    def test_whitespace_before_a_header_colon(self):
        self.assert_refused(req("Content-Length : 2\r\n", b"{}"))
        self.assert_refused(req("Content-Length\t: 2\r\n", b"{}"))
        self.assert_refused(req("Content-Length: 2\r\n", b"{}").replace(b"Host:", b"Host :"))

    def test_host_header_missing_twice_or_malformed(self):
        no_host = HEAD.replace("Host: 127.0.0.1\r\n", "")
        self.assert_refused(req("Content-Length: 2\r\n", b"{}", head=no_host), says="Host")
        self.assert_refused(req("Host: 127.0.0.1\r\nContent-Length: 2\r\n", b"{}"), says="Host")
        for host in ("127.0.0.1/x", "user@127.0.0.1", "127.0.0.1:99999", "[::1", "a b"):
            with self.subTest(host=host):
                self.assert_refused(req("Content-Length: 2\r\n", b"{}",
                                        head=HEAD.replace("127.0.0.1", host)), says="Host")

    def test_well_formed_framing_is_served(self):
        for extra, body in (("Content-Length: 2\r\n", b"{}"),
                            ("Transfer-Encoding: chunked\r\n", b"1\r\n{\r\n1;ext=1\r\n}\r\n0\r\n\r\n"),
                            ("Transfer-Encoding: Chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n"),
                            ("Content-Length: 2\r\nContent-Length: 2\r\n", b"{}")):
            with self.subTest(extra=extra):
                with socket.create_connection(("127.0.0.1", self.server.port), timeout=10) as s:
                    for payload in (req(extra, body), SMUGGLED):  # both answered, kept alive
                        s.sendall(payload)
                        status, _h, data = read_response(s, 10)
                        self.assertEqual(status, 200, data)
                        self.assertEqual(json.loads(data)["Keys"], [])


if __name__ == "__main__":
    unittest.main()
