"""Browsers against the real rotor binary (raw sockets): DNS rebinding (the Host
allow list), foreign Origins, and the security headers of every surface.

A page on evil.example whose DNS name is made to resolve to 127.0.0.1 reaches
Rotor with `Host: evil.example:PORT`; a page of another origin reaches it with
its own `Origin`. Neither may read or change anything (docs/security.md).
"""
from __future__ import annotations

import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, HERE)
from rotor_harness import ServerTestCase  # noqa: E402
from test_hostile import RawClientMixin, kms_request  # noqa: E402

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
AWS_JSON = "application/x-amz-json-1.1"


def request(method: str, target: str, headers: dict, body: bytes = b"", version="HTTP/1.1") -> bytes:
    lines = [f"{method} {target} {version}"] + [f"{k}: {v}" for k, v in headers.items()]
    if body or method == "POST":
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def kms(op: str, host: str, extra: dict | None = None, body: bytes = b"{}") -> bytes:
    return kms_request(op, body, {"Host": host, **(extra or {})})


class BrowserGuardTestCase(RawClientMixin, ServerTestCase):
    in_memory = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.port = cls.server.port
        cls.own = f"127.0.0.1:{cls.port}"

    def key_ids(self) -> list[str]:
        status, _h, body = self.raw(kms("ListKeys", self.own))
        self.assertEqual(status, 200, body)
        return [k["KeyId"] for k in json.loads(body)["Keys"]]

    def create_key(self) -> str:
        status, _h, body = self.raw(kms("CreateKey", self.own))
        self.assertEqual(status, 200, body)
        return json.loads(body)["KeyMetadata"]["KeyId"]

    def assert_refused(self, status, headers, body, content_type, *, naming=None):
        self.assertEqual(status, 403, body)
        doc = json.loads(body)
        self.assertEqual(doc["__type"], "AccessDeniedException", doc)
        self.assertEqual(headers.get("content-type"), content_type)
        if naming:
            self.assertIn(naming, doc["message"])


class HostAllowListTest(BrowserGuardTestCase):

    def test_the_reviews_dns_rebinding_reset_no_longer_wipes_the_keys(self):
        key = self.create_key()
        evil = f"evil.example:{self.port}"
        status, headers, body = self.raw(request("POST", "/_rotor/reset",
                                                 {"Host": evil, "Origin": f"http://{evil}"}))
        self.assert_refused(status, headers, body, "application/json", naming="--allowed-hosts")
        self.assertIn("ROTOR_ALLOWED_HOSTS", json.loads(body)["message"])
        self.assertIn(key, self.key_ids())

    def test_a_foreign_host_is_refused_on_every_surface(self):
        key = self.create_key()
        for host in ("evil.example", f"evil.example:{self.port}", "localhost.evil.example",
                     f"127.0.0.1.nip.io:{self.port}", "127.0.0.2", "[::2]", "0.0.0.0"):
            cases = [
                ("KMS API", kms("DescribeKey", host, body=json.dumps({"KeyId": key}).encode()), AWS_JSON),
                ("KMS API write", kms("ScheduleKeyDeletion", host,
                                      body=json.dumps({"KeyId": key}).encode()), AWS_JSON),
                ("admin API", request("GET", "/_rotor/keys", {"Host": host}), "application/json"),
                ("admin clock", request("POST", "/_rotor/clock", {"Host": host},
                                        b'{"advance":"400d"}'), "application/json"),
                ("health", request("GET", "/_rotor/health", {"Host": host}), "application/json"),
                ("dashboard", request("GET", "/_rotor/ui", {"Host": host}), "application/json"),
                ("dashboard file", request("GET", "/_rotor/ui/app.js", {"Host": host}), "application/json"),
                ("moto reset", request("POST", "/moto-api/reset", {"Host": host}), "application/json"),
            ]
            for name, payload, ctype in cases:
                with self.subTest(host=host, surface=name):
                    status, headers, body = self.raw(payload)
                    self.assert_refused(status, headers, body, ctype, naming="--allowed-hosts")
        status, _h, body = self.raw(kms("DescribeKey", self.own, body=json.dumps({"KeyId": key}).encode()))
        self.assertEqual(json.loads(body)["KeyMetadata"]["KeyState"], "Enabled")

    def test_loopback_names_with_or_without_the_port_are_served(self):
        for host in ("127.0.0.1", self.own, "localhost", f"localhost:{self.port}", "LocalHost",
                     "localhost.", "[::1]", f"[::1]:{self.port}", f"127.0.0.1:{self.port + 1}"):
            with self.subTest(host=host):
                status, _h, body = self.raw(kms("ListKeys", host))
                self.assertEqual(status, 200, body)
                status, _h, body = self.raw(request("GET", "/_rotor/clock", {"Host": host}))
                self.assertEqual(status, 200, body)

    def test_http_1_0_without_host_is_served_as_the_image_health_check_sends_it(self):
        status, _h, body = self.raw(b"GET /_rotor/health HTTP/1.0\r\n\r\n")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["status"], "ok")


class AllowedHostsFlagTest(BrowserGuardTestCase):
    # The flag wins over its variable (docs/cli.md): "fromenv" is not allowed.
    server_args = ["--allowed-hosts", "rotor, .svc.test"]
    server_env = {"ROTOR_ALLOWED_HOSTS": "fromenv"}

    def test_named_hosts_and_domains_are_served_others_refused(self):
        for host in ("rotor", "rotor:4599", "ROTOR:4599", "svc.test", "kms.svc.test:8080", "localhost"):
            with self.subTest(host=host):
                status, _h, body = self.raw(kms("ListKeys", host))
                self.assertEqual(status, 200, body)
                status, _h, body = self.raw(request("GET", "/_rotor/keys", {"Host": host}))
                self.assertEqual(status, 200, body)
        for host in ("fromenv", "rotor.evil.example", "evilsvc.test", "svc.test.evil.example"):
            with self.subTest(host=host):
                status, headers, body = self.raw(kms("ListKeys", host))
                self.assert_refused(status, headers, body, AWS_JSON, naming="--allowed-hosts")


class AllowedHostsVariableTest(BrowserGuardTestCase):
    server_env = {"ROTOR_ALLOWED_HOSTS": "rotor,kms-emulator"}

    def test_the_variable_names_hosts(self):
        for host in ("rotor:4599", "kms-emulator"):
            status, _h, body = self.raw(kms("ListKeys", host))
            self.assertEqual(status, 200, body)
        status, headers, body = self.raw(kms("ListKeys", "evil.example"))
        self.assert_refused(status, headers, body, AWS_JSON, naming="--allowed-hosts")


class OriginTest(BrowserGuardTestCase):

    def test_kms_api_refuses_an_origin_that_is_not_its_own(self):
        before = self.key_ids()
        for origin in ("http://evil.example", f"http://evil.example:{self.port}", "null",
                       f"https://127.0.0.1:{self.port}",          # another scheme
                       f"http://127.0.0.1:{self.port + 1}",       # another port
                       "http://127.0.0.1",                         # port 80
                       f"http://localhost:{self.port}",           # another host name
                       f"http://127.0.0.1:{self.port}.evil.example",
                       f"file://127.0.0.1:{self.port}"):
            with self.subTest(origin=origin):
                status, headers, body = self.raw(kms("CreateKey", self.own, {"Origin": origin}))
                self.assert_refused(status, headers, body, AWS_JSON, naming="origin")
        self.assertEqual(self.key_ids(), before)  # nothing was created

    def test_kms_api_serves_its_own_origin_and_requests_without_one(self):
        for extra in ({"Origin": f"http://{self.own}"}, {"Origin": f"HTTP://{self.own}"}, {}):
            with self.subTest(extra=extra):
                status, _h, body = self.raw(kms("ListKeys", self.own, extra))
                self.assertEqual(status, 200, body)
        status, _h, body = self.raw(kms("ListKeys", f"localhost:{self.port}",
                                        {"Origin": f"http://localhost:{self.port}"}))
        self.assertEqual(status, 200, body)
        # Port 80 is the same origin written with or without the port.
        status, _h, body = self.raw(kms("ListKeys", "localhost:80", {"Origin": "http://localhost"}))
        self.assertEqual(status, 200, body)

    def test_admin_api_compares_scheme_host_and_port(self):
        key = self.create_key()
        for origin in (f"https://{self.own}", f"http://127.0.0.1:{self.port + 1}",
                       f"http://localhost:{self.port}", "null"):
            with self.subTest(origin=origin):
                status, headers, body = self.raw(request("POST", "/_rotor/reset", {
                    "Host": self.own, "Origin": origin}))
                self.assert_refused(status, headers, body, "application/json")
                self.assertIn(key, self.key_ids())
        status, _h, body = self.raw(request("GET", "/_rotor/keys", {
            "Host": "localhost:80", "Origin": "http://localhost"}))
        self.assertEqual(status, 200, body)
        status, _h, body = self.raw(request("POST", "/_rotor/reset", {
            "Host": self.own, "Origin": f"http://{self.own}"}))
        self.assertEqual(status, 200, body)
        self.assertEqual(self.key_ids(), [])


class SecurityHeadersTest(BrowserGuardTestCase):

    def test_every_surface_sends_the_security_headers(self):
        key = self.create_key()
        cases = {
            "dashboard page": request("GET", "/_rotor/ui", {"Host": self.own}),
            "dashboard page /": request("GET", "/_rotor/ui/", {"Host": self.own}),
            "dashboard script": request("GET", "/_rotor/ui/app.js", {"Host": self.own}),
            "dashboard style": request("GET", "/_rotor/ui/style.css", {"Host": self.own}),
            "dashboard 404": request("GET", "/_rotor/ui/nope.js", {"Host": self.own}),
            "health": request("GET", "/_rotor/health", {"Host": self.own}),
            "admin keys": request("GET", "/_rotor/keys", {"Host": self.own}),
            "admin key": request("GET", f"/_rotor/keys/{key}", {"Host": self.own}),
            "admin clock": request("GET", "/_rotor/clock", {"Host": self.own}),
            "admin error": request("POST", "/_rotor/clock", {"Host": self.own}, b'{"advance":"x"}'),
            "admin 403": request("GET", "/_rotor/keys", {"Host": self.own, "Origin": "http://evil.example"}),
            "admin 404": request("GET", "/_rotor/nope", {"Host": self.own}),
            "host refused": request("GET", "/_rotor/ui", {"Host": "evil.example"}),
            "KMS API": kms("ListKeys", self.own),
            "KMS API error": kms("DescribeKey", self.own, body=b'{"KeyId":"nope"}'),
            "malformed request": b"POST / HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n",
        }
        for name, payload in cases.items():
            with self.subTest(surface=name):
                status, headers, body = self.raw(payload)
                self.assertNotEqual(status, 0, name)
                for header, value in SECURITY_HEADERS.items():
                    self.assertEqual(headers.get(header), value, f"{name}: {header} ({status})")

    def test_the_dashboard_page_needs_no_inline_script_or_style(self):
        # default-src 'self' blocks inline <script> and style= attributes: the page has none.
        status, _h, page = self.raw(request("GET", "/_rotor/ui", {"Host": self.own}))
        self.assertEqual(status, 200)
        text = page.decode()
        self.assertNotRegex(text, r"<script(?![^>]*\bsrc=)[^>]*>")
        self.assertNotIn("style=", text)
        self.assertNotRegex(text, r"\son[a-z]+=")


if __name__ == "__main__":
    unittest.main()
