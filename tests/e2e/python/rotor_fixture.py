"""Rotor for your tests: a context manager that starts Rotor on a free loopback port and stops it.

Copy this file into your project; it needs only the standard library (and boto3 for client()).
Rotor is found in $ROTOR_BIN, else `rotor` on PATH.

unittest:
    class MyTest(unittest.TestCase):
        def setUp(self):
            self.rotor = self.enterContext(rotor_server())      # Python >= 3.11
            # older Pythons: cm = rotor_server(); self.rotor = cm.__enter__()
            #                self.addCleanup(cm.__exit__, None, None, None)
pytest:
    @pytest.fixture
    def rotor():
        with rotor_server() as server:
            yield server

The object it yields has .url ("http://127.0.0.1:PORT"), .port, .env() (AWS_ENDPOINT_URL_KMS and dummy
credentials, for code that builds its own clients) and .client() (a boto3 KMS client).
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

ROTOR_BIN = os.environ.get("ROTOR_BIN") or shutil.which("rotor") or "rotor"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningRotor:
    def __init__(self, port, proc, log_path):
        self.port, self.proc, self.log_path = port, proc, log_path
        self.url = f"http://127.0.0.1:{port}"

    def env(self, region="us-east-1"):
        """Variables that point any AWS SDK or CLI at this Rotor (dict of str)."""
        return {"AWS_ENDPOINT_URL_KMS": self.url, "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": region, "AWS_REGION": region}

    def client(self, region="us-east-1"):
        """A boto3 KMS client for this Rotor (dummy credentials: Rotor checks none)."""
        import boto3
        return boto3.client("kms", endpoint_url=self.url, region_name=region,
                            aws_access_key_id="test", aws_secret_access_key="test")


@contextlib.contextmanager
def rotor_server(*args, timeout=10.0):
    """Starts `rotor --in-memory` on 127.0.0.1 and a free port, with extra flags `args`
    (e.g. "--clock", "virtual"); waits up to `timeout` seconds for GET /_rotor/health.
    Yields a RunningRotor; on exit sends SIGTERM, then SIGKILL after 10 s.
    Raises RuntimeError (with Rotor's output) if it does not become healthy."""
    tmp = tempfile.mkdtemp(prefix="rotor-")
    log_path = os.path.join(tmp, "rotor.log")
    proc = None
    try:
        for _attempt in range(3):  # another process can take the port between probe and bind
            port = _free_port()
            with open(log_path, "ab") as log:
                proc = subprocess.Popen([ROTOR_BIN, "--host", "127.0.0.1", "--port", str(port),
                                         "--in-memory", *args], stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_rotor/health", timeout=1):
                        break
                except OSError:
                    time.sleep(0.05)
            else:
                if proc.poll() is None:  # alive but never healthy: give up
                    break
                continue  # exited (port taken?): try another port
            yield RunningRotor(port, proc, log_path)
            return
        with open(log_path, errors="replace") as f:
            # rotor says why first (then, for a bad flag, its usage): keep the start.
            raise RuntimeError(f"rotor did not start ({ROTOR_BIN}):\n{f.read()[:2000]}")
    finally:
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
