"""Test harness for the Rotor end-to-end suite (stdlib unittest + boto3 + aws CLI).

Everything here drives the REAL `rotor` binary (env ROTOR_BIN, default
build/rotor in this checkout) over loopback with real clients. No real AWS endpoint
is ever contacted: every boto3 client and every CLI run gets an explicit
endpoint URL, dummy credentials, no retries and short timeouts, and the CLI
runs with throwaway config/credential files so the machine's ~/.aws cannot
interfere.

Main pieces:
  RotorServer          start(args) / stop() / restart() on the same data dir,
                       url, client(region, access_key), cli_v2(args),
                       cli_v1(args), shell(cmd), advance_clock(duration),
                       set_clock(t), get_clock(), raw_request(...)
  RotorTestCase        unittest.TestCase with assert_client_error (code AND
                       message, exactly), assert_cli_error and helpers.
"""
from __future__ import annotations

import base64
import datetime as _dt
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
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
ROTOR_BIN = os.environ.get("ROTOR_BIN", os.path.join(REPO_ROOT, "build", "rotor"))

DEFAULT_ACCOUNT = "111122223333"
DEFAULT_REGION = "us-east-1"
DUMMY_ACCESS_KEY = "AKIAEXAMPLEROTORTEST"
DUMMY_SECRET = "x"

# aws CLI v2 from Debian (2.9.19): predates rotate-key-on-demand and
# list-key-rotations, so the rotation labs use CLI v1 (the preinstalled
# Python's `python3 -m awscli`, which has both commands).
CLI_V2 = os.environ.get("ROTOR_AWS_CLI_V2", "/usr/bin/aws")
CLI_V1 = [sys.executable, "-m", "awscli"]

HEALTH_TIMEOUT = 10.0      # seconds to wait for /_rotor/health
STOP_TIMEOUT = 10.0        # seconds between SIGTERM and SIGKILL
CLI_TIMEOUT = 60.0         # hard cap on one CLI invocation
HTTP_TIMEOUT = 30.0        # raw HTTP / admin calls
TOOL_TIMEOUT = 60.0        # hard cap on one run of a rotor tool (rotor report, rotor export)

ISO = "%Y-%m-%dT%H:%M:%SZ"


def binary_available() -> bool:
    return os.path.isfile(ROTOR_BIN) and os.access(ROTOR_BIN, os.X_OK)


def require_binary(test_case_cls):
    """Class decorator: skip the whole class when the binary is missing."""
    return unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")(test_case_cls)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_iso(text: str) -> _dt.datetime:
    """'2026-11-25T19:34:09.123Z' or without millis -> aware UTC datetime."""
    t = text.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in t else "%Y-%m-%dT%H:%M:%S"
    return _dt.datetime.strptime(t, fmt).replace(tzinfo=_dt.timezone.utc)


def iso(t: _dt.datetime) -> str:
    return t.astimezone(_dt.timezone.utc).strftime(ISO)


def utc(t: _dt.datetime) -> _dt.datetime:
    return t.astimezone(_dt.timezone.utc)


# local-kms's variables, which rotor reads as aliases of its own (docs/cli.md).
LOCAL_KMS_ENV = ("PORT", "KMS_ACCOUNT_ID", "KMS_REGION", "KMS_SEED_PATH", "KMS_DATA_PATH")


def clean_server_env(extra: dict | None = None) -> dict:
    """The environment for a rotor process: no ROTOR_*, AWS_* or local-kms
    variables from the caller's environment (they would change its config),
    plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ROTOR_", "AWS_")) and k not in LOCAL_KMS_ENV}
    env.update(extra or {})
    return env


def run_rotor(args, env: dict | None = None, timeout: float = TOOL_TIMEOUT,
              umask: int | None = None) -> subprocess.CompletedProcess:
    """Runs the rotor binary with `args` to completion (tools, or a start-up that must
    fail): stdin empty, stdout and stderr captured as bytes, the environment of
    clean_server_env(env), the child's umask `umask` when given (else inherited).
    Raises subprocess.TimeoutExpired after `timeout` seconds."""
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([ROTOR_BIN] + list(args), capture_output=True, timeout=timeout,
                          env=clean_server_env(env), stdin=subprocess.DEVNULL, preexec_fn=preexec)


# ROTOR_E2E_DATABASE_URL (a PostgreSQL URL, e.g. postgres://rotor@127.0.0.1:5432/postgres):
# every RotorServer of the suite runs on --store postgres, each in a schema of
# its own of that database (created here, dropped at cleanup), with its data
# dir holding only the root key; an --in-memory server becomes such a server
# too. Tests of what only the SQLite store has (rotor.db, its WAL, audit.db,
# the data dir lock) skip themselves with sqlite_only(); rotor report and
# rotor export get the server's store from RotorServer.store_args().
E2E_DATABASE_URL = os.environ.get("ROTOR_E2E_DATABASE_URL", "")
PSQL = os.environ.get("ROTOR_PSQL", shutil.which("psql") or "psql")


def on_postgres() -> bool:
    return bool(E2E_DATABASE_URL)


def sqlite_only(reason: str):
    """Decorator: the test checks what only the SQLite store has; skipped on PostgreSQL."""
    return unittest.skipIf(on_postgres(), f"SQLite store only: {reason}")


def psql(url: str, sql: str) -> str:
    """Runs `sql` with psql on `url`; returns its unaligned output. Raises on failure."""
    p = subprocess.run([PSQL, url, "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", sql],
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise RuntimeError(f"psql failed: {p.stderr.decode(errors='replace')}")
    return p.stdout.decode()


def schema_url(base: str, schema: str) -> str:
    """`base` with libpq's options=-csearch_path=`schema` (a store of its own)."""
    return base + ("&" if "?" in base else "?") + "options=-csearch_path%3D" + schema


def new_schema(base: str) -> tuple[str, str]:
    """Creates a fresh schema in `base`'s database; returns (name, URL for a store)."""
    name = "e2e_" + os.urandom(8).hex()
    psql(base, f"CREATE SCHEMA {name}")
    return name, schema_url(base, name)


def key_arn(key_id: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:kms:{region}:{account}:key/{key_id}"


def alias_arn(name: str, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT) -> str:
    return f"arn:aws:kms:{region}:{account}:alias/{name[len('alias/'):] if name.startswith('alias/') else name}"



def stop_process(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> int | None:
    """Stops a process this test started: SIGTERM, then SIGKILL if it has not exited within
    `timeout` seconds (each wait bounded). Returns its exit code; a process already gone is fine."""
    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            try:
                proc.kill()
            except ProcessLookupError:
                pass
            proc.wait(timeout=timeout)
    return proc.returncode

class RotorServer:
    """One rotor process on a free loopback port with its own data dir."""

    def __init__(self, args=None, *, in_memory: bool = False, data_dir: str | None = None,
                 env: dict | None = None, database_url: str | None = None):
        self.base_args = list(args or [])
        self.in_memory = in_memory
        self._own_tmp = tempfile.mkdtemp(prefix="rotor-e2e-")
        self.data_dir = data_dir or os.path.join(self._own_tmp, "data")
        if not in_memory:
            os.makedirs(self.data_dir, exist_ok=True)
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.log_path = os.path.join(self._own_tmp, "rotor.log")
        self.cli_home = os.path.join(self._own_tmp, "cli-home")
        os.makedirs(self.cli_home, exist_ok=True)
        # Empty config/credentials files: the machine's ~/.aws cannot interfere.
        self.cli_config = os.path.join(self.cli_home, "config")
        self.cli_credentials = os.path.join(self.cli_home, "credentials")
        for p in (self.cli_config, self.cli_credentials):
            with open(p, "w"):
                pass
        self.start_line = ""
        self.current_args: list[str] = []
        # On PostgreSQL (ROTOR_E2E_DATABASE_URL): a schema of this server's own.
        self.pg_schema = ""
        self.database_url = ""
        if on_postgres():
            if in_memory:
                self.in_memory = False
                os.makedirs(self.data_dir, exist_ok=True)
            if database_url:  # a replica of another server's store (that server owns it)
                self.database_url = database_url
            else:
                self.pg_schema, self.database_url = new_schema(E2E_DATABASE_URL)

    def store_args(self) -> list[str]:
        """The flags naming this server's store, for rotor report and rotor export: its
        data dir, and on PostgreSQL the database (the data dir then holds only root.key)."""
        return ["--data-dir", self.data_dir] + self.store_flags()

    def store_flags(self) -> list[str]:
        """--store postgres --database-url URL on PostgreSQL; nothing on SQLite."""
        return ["--store", "postgres", "--database-url", self.database_url] if self.database_url else []

    def store_env(self) -> dict:
        """store_flags() as the variables ROTOR_STORE and ROTOR_DATABASE_URL."""
        return {"ROTOR_STORE": "postgres", "ROTOR_DATABASE_URL": self.database_url} if self.database_url else {}

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _server_env(self) -> dict:
        env = clean_server_env()
        env.update(self.extra_env)
        return env

    def start(self, args=None, *, port: int | None = None, preexec_fn=None):
        """Starts rotor with base args + `args`. Returns self.

        `preexec_fn` runs in the child before rotor (a umask, a resource limit)."""
        if self.proc is not None:
            raise RuntimeError("server already running")
        extra = list(args or [])
        last_err = None
        # A restarted server keeps its port, so clients made earlier keep working.
        sticky = port or self.port
        for attempt in range(3):  # a free port can be taken between probe and bind
            self.port = sticky if (sticky and attempt == 0) else (port or free_port())
            cmd = [ROTOR_BIN, "--host", "127.0.0.1", "--port", str(self.port)]
            if self.in_memory:
                cmd.append("--in-memory")
            else:
                cmd += ["--data-dir", self.data_dir]
            cmd += self.store_flags()
            cmd += self.base_args + extra
            self.current_args = cmd
            log = open(self.log_path, "ab")
            log.write(("\n=== start: " + " ".join(cmd) + "\n").encode())
            log.flush()
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                         env=self._server_env(), start_new_session=True,
                                         preexec_fn=preexec_fn)
            log.close()
            try:
                self._wait_healthy()
                self.start_line = self._read_start_line()
                return self
            except Exception as e:  # noqa: BLE001
                last_err = e
                exited = self.proc.poll() is not None
                self._kill()
                if not exited:
                    break
        raise RuntimeError(f"rotor did not become healthy: {last_err}\n--- log ---\n{self.log_tail()}")

    def _wait_healthy(self):
        deadline = time.monotonic() + HEALTH_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rotor exited with code {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/_rotor/health", timeout=1.0) as r:
                    if r.status == 200:
                        return json.loads(r.read() or b"{}")
            except Exception as e:  # noqa: BLE001
                last = e
            time.sleep(0.05)
        raise TimeoutError(f"no healthy answer within {HEALTH_TIMEOUT}s ({last})")

    def _read_start_line(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            for line in reversed(lines):
                if "listening on" in line:
                    return line
        except OSError:
            pass
        return ""

    def _kill(self):
        if self.proc is None:
            return
        stop_process(self.proc)
        self.proc = None

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL after a bounded wait. Returns the exit code."""
        if self.proc is None:
            return None
        proc = self.proc
        self._kill()
        return proc.returncode

    def restart(self, args=None):
        """Stops and starts again on the same data dir (and the same port).

        `args` replaces the extra args of this start (base args are kept)."""
        if self.in_memory:
            raise RuntimeError("restart needs a data dir")
        port = self.port
        self.stop()
        try:
            return self.start(args, port=port)
        except RuntimeError:
            return self.start(args)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self._own_tmp, ignore_errors=True)
        if self.pg_schema:
            try:
                psql(E2E_DATABASE_URL, f"DROP SCHEMA {self.pg_schema} CASCADE")
            except Exception:  # noqa: BLE001 - the cluster is thrown away after the run
                pass
            self.pg_schema = ""

    def log_tail(self, n: int = 40) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return "\n".join(f.read().decode(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # ------------------------------------------------------------ clients
    def client(self, region: str = DEFAULT_REGION, access_key: str = DUMMY_ACCESS_KEY,
               validate: bool = False, timeout: float = 15.0, *, secret: str = DUMMY_SECRET,
               session_token: str | None = None):
        """boto3 KMS client bound to this server.

        Client-side parameter validation is off by default so the SERVER's
        validation is what the tests see (botocore would otherwise reject
        e.g. RotationPeriodInDays=89 before sending)."""
        session = boto3.session.Session(aws_access_key_id=access_key,
                                        aws_secret_access_key=secret,
                                        aws_session_token=session_token,
                                        region_name=region)
        cfg = Config(retries={"total_max_attempts": 1, "mode": "standard"},
                     connect_timeout=5, read_timeout=timeout,
                     parameter_validation=validate, max_pool_connections=16)
        return session.client("kms", endpoint_url=self.url, config=cfg)

    def cli_env(self, region: str = DEFAULT_REGION, access_key: str = DUMMY_ACCESS_KEY, *,
                secret: str = DUMMY_SECRET, session_token: str | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        if session_token:
            env["AWS_SESSION_TOKEN"] = session_token
        env.update({
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            "AWS_CONFIG_FILE": self.cli_config,
            "AWS_SHARED_CREDENTIALS_FILE": self.cli_credentials,
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_RETRY_MODE": "standard",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
            "AWS_DEFAULT_OUTPUT": "json",
        })
        return env

    def _cli(self, prefix, args, region, access_key, input_bytes, cwd, secret=DUMMY_SECRET,
             session_token=None):
        cmd = list(prefix) + ["--endpoint-url", self.url, "--region", region,
                              "--cli-connect-timeout", "5", "--cli-read-timeout", "20",
                              "--output", "json"] + list(args)
        p = subprocess.run(cmd, input=input_bytes, capture_output=True,
                           env=self.cli_env(region, access_key, secret=secret,
                                            session_token=session_token),
                           timeout=CLI_TIMEOUT, cwd=cwd)
        out = p.stdout.decode(errors="replace")
        parsed = None
        if out.strip():
            try:
                parsed = json.loads(out)
            except ValueError:
                parsed = out
        return p.returncode, parsed, p.stderr.decode(errors="replace")

    def cli_v2(self, args, region: str = DEFAULT_REGION, access_key: str = DUMMY_ACCESS_KEY,
               input_bytes: bytes | None = None, cwd: str | None = None, *,
               secret: str = DUMMY_SECRET, session_token: str | None = None):
        """Runs Debian's aws CLI v2: returns (exit code, parsed JSON stdout or None, stderr)."""
        return self._cli([CLI_V2], args, region, access_key, input_bytes, cwd, secret,
                         session_token)

    def cli_v1(self, args, region: str = DEFAULT_REGION, access_key: str = DUMMY_ACCESS_KEY,
               input_bytes: bytes | None = None, cwd: str | None = None, *,
               secret: str = DUMMY_SECRET, session_token: str | None = None):
        """Runs aws CLI v1 (python3 -m awscli): (exit code, parsed JSON stdout or None, stderr).

        Used for rotate-key-on-demand / list-key-rotations, which CLI v2 2.9 lacks."""
        return self._cli(CLI_V1, args, region, access_key, input_bytes, cwd, secret,
                         session_token)

    def shell(self, command: str, region: str = DEFAULT_REGION, cwd: str | None = None):
        """Runs a bash pipeline (set -o pipefail) with the CLI environment.

        $ENDPOINT and $AWS2 (CLI v2 path) are set. Returns (rc, stdout bytes, stderr str)."""
        env = self.cli_env(region)
        env["ENDPOINT"] = self.url
        env["AWS2"] = CLI_V2
        p = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True,
                           env=env, timeout=CLI_TIMEOUT, cwd=cwd)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    # ------------------------------------------------------------ raw HTTP
    def raw_request(self, method: str, path: str, body: bytes | None = None,
                    headers: dict | None = None, timeout: float = HTTP_TIMEOUT):
        """Returns (status, {lower-case header: value}, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def kms_raw(self, target: str | None, body, extra_headers: dict | None = None):
        """POST / with the JSON 1.1 headers. `body` may be bytes/str/dict."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        headers = {"Content-Type": "application/x-amz-json-1.1"}
        if target is not None:
            headers["X-Amz-Target"] = target
        headers.update(extra_headers or {})
        return self.raw_request("POST", "/", body, headers)

    def admin(self, method: str, path: str, payload=None):
        """Admin endpoint call: returns (status, parsed JSON or raw text)."""
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _h, data = self.raw_request(method, path, body, headers)
        try:
            return status, json.loads(data) if data else None
        except ValueError:
            return status, data.decode(errors="replace")

    # ------------------------------------------------------------ clock
    def get_clock(self) -> dict:
        status, doc = self.admin("GET", "/_rotor/clock")
        if status != 200:
            raise AssertionError(f"GET /_rotor/clock -> {status} {doc}")
        return doc

    def now(self) -> _dt.datetime:
        return parse_iso(self.get_clock()["now"])

    def advance_clock(self, duration: str) -> dict:
        """POST /_rotor/clock {"advance": duration}; returns the JSON answer
        ({"now":..., "fired":[...]}); raises on a non-200 answer."""
        status, doc = self.admin("POST", "/_rotor/clock", {"advance": duration})
        if status != 200:
            raise AssertionError(f"POST /_rotor/clock advance {duration} -> {status} {doc}")
        return doc

    def set_clock(self, when) -> dict:
        if isinstance(when, _dt.datetime):
            when = iso(when)
        status, doc = self.admin("POST", "/_rotor/clock", {"set": when})
        if status != 200:
            raise AssertionError(f"POST /_rotor/clock set {when} -> {status} {doc}")
        return doc


# ---------------------------------------------------------------- assertions
ANY_MESSAGE = object()


class RotorTestCase(unittest.TestCase):
    """Base class: assertion helpers for AWS errors."""

    maxDiff = None

    def assert_client_error(self, fn, code: str, message=ANY_MESSAGE, status: int | None = 400,
                            *args, **kwargs):
        """Calls fn(*args, **kwargs); asserts a botocore ClientError whose
        error code AND message are exactly `code` / `message`.

        `message` may be a str (exact), a set/tuple of allowed strings,
        a callable(msg)->bool, or ANY_MESSAGE. Returns the ClientError."""
        try:
            result = fn(*args, **kwargs)
        except ClientError as e:
            err = e.response.get("Error", {})
            got_code = err.get("Code")
            got_msg = err.get("Message", "")
            got_status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            detail = f"(got {got_code}: {got_msg!r}, HTTP {got_status})"
            self.assertEqual(got_code, code, f"error code {detail}")
            self.check_message(got_msg, message, detail)
            if status is not None:
                self.assertEqual(got_status, status, f"HTTP status {detail}")
            return e
        self.fail(f"expected {code} but the call succeeded: {result!r}"[:2000])

    def check_message(self, got_msg, message, detail=""):
        if message is ANY_MESSAGE:
            return
        if isinstance(message, str):
            self.assertEqual(got_msg, message, f"error message {detail}")
        elif isinstance(message, (set, frozenset, tuple, list)):
            self.assertIn(got_msg, message, f"error message {detail}")
        elif callable(message):
            self.assertTrue(message(got_msg), f"error message {detail}")
        else:
            raise TypeError(message)

    def assert_cli_error(self, result, code: str, message=ANY_MESSAGE, operation: str | None = None):
        """`result` is a (rc, json, stderr) triple from cli_v1/cli_v2: asserts a
        non-zero exit and the CLI's 'An error occurred (<code>) when calling
        the <Op> operation: <message>' line with the exact message."""
        rc, _out, err = result
        self.assertNotEqual(rc, 0, f"CLI call succeeded, stderr={err!r}")
        prefix = f"An error occurred ({code})"
        lines = [ln for ln in err.splitlines() if ln.strip().startswith(prefix)]
        self.assertTrue(lines, f"no '{prefix}' in stderr: {err!r}")
        line = lines[0].strip()
        m = re.match(r"An error occurred \((\w+)\) when calling the (\w+) operation"
                     r"(?: \(reached max retries: \d+\))?:(?: (.*))?$", line)
        self.assertIsNotNone(m, f"unexpected CLI error line {line!r}")
        if operation:
            self.assertEqual(m.group(2), operation, line)
        if message is not ANY_MESSAGE:
            self.check_message(m.group(3) or "", message, f"(stderr {err!r})")

    def assert_cli_ok(self, result):
        rc, out, err = result
        self.assertEqual(rc, 0, f"CLI failed: {err}")
        return out

    def assert_validation_enum(self, fn, value: str, member: str, allowed, *args, **kwargs):
        """ValidationException '1 validation error detected: Value '<v>' at
        '<member>' failed to satisfy constraint: Member must satisfy enum
        value set: [...]' — the value set must equal `allowed` (AWS's order
        is not the model's, so the set is compared, not the order)."""
        prefix = (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
                  f"constraint: Member must satisfy enum value set: [")

        def ok(msg):
            if not (msg.startswith(prefix) and msg.endswith("]")):
                return False
            got = [v.strip() for v in msg[len(prefix):-1].split(",")]
            return sorted(got) == sorted(allowed)

        return self.assert_client_error(fn, "ValidationException", ok, 400, *args, **kwargs)


def range_message(value, member, bound, greater: bool) -> str:
    rel = "greater than or equal to" if greater else "less than or equal to"
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must have value {rel} {bound}")


def length_message(value, member, bound, greater: bool) -> str:
    rel = "greater than or equal to" if greater else "less than or equal to"
    return (f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy "
            f"constraint: Member must have length {rel} {bound}")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class ServerTestCase(RotorTestCase):
    """A test class sharing one server (started in setUpClass).

    Subclasses set `server_args` (list), `in_memory` (bool) and `server_env`
    (variables added to the server's environment)."""

    server_args: list = []
    in_memory = False
    server_env: dict = {}
    server: RotorServer

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not binary_available():
            raise unittest.SkipTest(f"rotor binary not found at {ROTOR_BIN}")
        cls.server = RotorServer(cls.server_args, in_memory=cls.in_memory, env=cls.server_env)
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.kms = cls.server.client()

    def fresh_server(self, args=None, *, in_memory=False, start=True) -> RotorServer:
        """A server of this test's own (stopped and removed at test end)."""
        if not binary_available():
            self.skipTest(f"rotor binary not found at {ROTOR_BIN}")
        srv = RotorServer(args, in_memory=in_memory)
        self.addCleanup(srv.cleanup)
        if start:
            srv.start()
        return srv


def fresh_account_key() -> str:
    """A 12-digit access key id = an account of its own (isolated keyspace)."""
    return str(random.SystemRandom().randint(2 * 10**11, 10**12 - 1))
