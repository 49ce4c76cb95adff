"""Issue 15, part 4: the command line. `rotor --version` / `rotor version`, every
command's --help and `rotor help [command]`, `rotor clock` (show, advance DURATION,
advance next, set TIME) as a client of a running server's /_rotor/clock, durations
with years and weeks, --host names and IPv6 addresses, an unknown flag's one-line
suggestion, and a bad data dir named by where it came from.

Every test runs the real binary: servers on loopback, `rotor clock` against them,
boto3 to make the keys whose events the clock fires. Time moves only on the
virtual clock.
"""
import json
import os
import re
import socket
import subprocess
import tempfile
import unittest

from rotor_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, REPO_ROOT, ROTOR_BIN, RotorServer,
                           RotorTestCase, binary_available, clean_server_env, free_port,
                           parse_iso, run_rotor)

T0_TEXT = "2030-01-01T00:00:00Z"
VIRTUAL = ["--clock", "virtual", "--clock-start", T0_TEXT, "--rotation-jitter", "0"]
COMMANDS = ("serve", "clock", "faults", "report", "export", "version", "help")


def project_version() -> str:
    with open(os.path.join(REPO_ROOT, "CMakeLists.txt")) as f:
        return re.search(r"project\(rotor VERSION (\S+)", f.read()).group(1)


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class CommandLineTest(RotorTestCase):
    def server(self, args=(), *, in_memory=True):
        srv = RotorServer(list(args), in_memory=in_memory)
        self.addCleanup(srv.cleanup)
        return srv.start()

    def rotor(self, *args, env=None):
        """Runs rotor with `args`: (exit code, stdout, stderr) as text."""
        p = run_rotor(list(args), env=env)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def clock(self, srv, *args, env=None):
        return self.rotor("clock", "--port", str(srv.port), *args, env=env)

    # ---------------------------------------------------------------- version and help
    def test_version_names_the_version_and_commit(self):
        rc, out, err = self.rotor("--version")
        self.assertEqual((rc, err), (0, ""))
        m = re.fullmatch(r"rotor (\S+) \(commit ([0-9a-f]{12}|unknown)\)\n", out)
        self.assertIsNotNone(m, out)
        self.assertEqual(m.group(1), project_version())
        self.assertEqual(self.rotor("version"), (0, out, ""))
        # The same version as the running server's health answer.
        srv = self.server()
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual((status, health["version"]), (200, m.group(1)))

    def test_every_command_has_help(self):
        rc, overview, err = self.rotor("--help")
        self.assertEqual((rc, err), (0, ""))
        for command in COMMANDS:
            self.assertRegex(overview, rf"\n  {command} +\S", command)
        self.assertIn("--port N", overview)  # the server's flags follow the commands
        self.assertEqual(self.rotor("help"), (0, overview, ""))
        self.assertEqual(self.rotor("serve", "--help"), (0, overview, ""))
        for command in COMMANDS[1:]:
            rc, usage, err = self.rotor(command, "--help")
            self.assertEqual((rc, err), (0, ""), command)
            self.assertTrue(usage.startswith(f"usage: rotor {command}"), usage)
            self.assertEqual(self.rotor("help", command), (0, usage, ""), command)
        self.assertIn("rotor clock advance DURATION|next", self.rotor("clock", "-h")[1])
        self.assertEqual(self.rotor("help", "nope"),
                         (2, "", "rotor help: no command 'nope'\nrun rotor help for all commands\n"))
        self.assertEqual(self.rotor("frobnicate"),
                         (2, "", "rotor: unknown command 'frobnicate'\n"
                                 "run rotor help for all commands\n"))

    def test_unknown_flag_suggests_the_nearest_and_one_hint(self):
        self.assertEqual(self.rotor("--prot", "4599"),
                         (2, "", "rotor: unknown flag --prot (did you mean --port?)\n"
                                 "run rotor --help for all flags\n"))
        self.assertEqual(self.rotor("serve", "--in-memroy"),
                         (2, "", "rotor: unknown flag --in-memroy (did you mean --in-memory?)\n"
                                 "run rotor --help for all flags\n"))
        self.assertEqual(self.rotor("clock", "--endpiont", "x"),
                         (2, "", "rotor clock: unknown flag --endpiont (did you mean --endpoint?)\n"
                                 "run rotor clock --help for all flags\n"))
        self.assertEqual(self.rotor("report", "--bogus"),
                         (2, "", "rotor report: unknown flag --bogus\n"
                                 "run rotor report --help for all flags\n"))

    def test_tools_take_the_servers_store_flags(self):
        """rotor report and rotor export read --store and --database-url (ROTOR_STORE,
        ROTOR_DATABASE_URL) with the server's parser and its rules."""
        need_url = "--store postgres needs --database-url postgres://USER@HOST:PORT/DB\n"
        for tool in ("report", "export"):
            self.assertEqual(self.rotor(tool, "--store", "postgres"), (2, "", f"rotor {tool}: {need_url}"))
            self.assertEqual(self.rotor(tool, env={"ROTOR_STORE": "postgres"}),
                             (2, "", f"rotor {tool}: {need_url}"))
            self.assertEqual(self.rotor(tool, "--database-url", "postgres://rotor@127.0.0.1:1/x"),
                             (2, "", f"rotor {tool}: --database-url is for --store postgres\n"))
            self.assertEqual(self.rotor(tool, "--store", "mysql"),
                             (2, "", f"rotor {tool}: --store must be sqlite or postgres\n"))
            self.assertIn("[--store sqlite|postgres] [--database-url URL]", self.rotor(tool, "--help")[1])
        self.assertEqual(self.rotor("--store", "postgres"), (2, "", f"rotor: {need_url}"))

    def test_a_bad_data_dir_is_named_by_its_flag_or_variable(self):
        tmp = tempfile.mkdtemp(prefix="rotor-cli-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", tmp]))
        not_a_dir = os.path.join(tmp, "file")
        with open(not_a_dir, "w") as f:
            f.write("x")
        port = str(free_port())
        rc, out, err = self.rotor("--host", "127.0.0.1", "--port", port, "--data-dir", not_a_dir)
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err, f"rotor: --data-dir {not_a_dir} is not a folder; choose another "
                              "--data-dir\n")
        rc, _, err = self.rotor("--host", "127.0.0.1", "--port", port,
                                env={"ROTOR_DATA_DIR": os.path.join(not_a_dir, "sub")})
        self.assertEqual(rc, 1)
        self.assertTrue(err.startswith(f"rotor: cannot create ROTOR_DATA_DIR {not_a_dir}/sub: "), err)

    # ---------------------------------------------------------------- rotor clock
    def test_clock_shows_and_moves_the_virtual_clock(self):
        srv = self.server(VIRTUAL)
        self.assertEqual(self.clock(srv),
                         (0, f"now {T0_TEXT} (virtual clock)\nnext event none scheduled\n", ""))
        # Nothing scheduled: `advance next` is refused and the clock stays.
        self.assertEqual(self.clock(srv, "advance", "next"),
                         (1, "", "rotor clock: ValidationException: No event is scheduled: no key "
                                 "has a rotation, an on-demand rotation in progress, imported key "
                                 "material that expires or a pending deletion.\n"))
        kms = srv.client()
        rotating = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=rotating, RotationPeriodInDays=90)
        leaving = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=leaving, PendingWindowInDays=30)
        self.assertEqual(self.clock(srv)[1],
                         f"now {T0_TEXT} (virtual clock)\nnext event 2030-01-31T00:00:00Z\n")
        # --json: the admin API's answer as it is.
        rc, out, _ = self.clock(srv, "--json")
        self.assertEqual(json.loads(out), {"now": T0_TEXT, "virtual": True,
                                           "nextEvent": "2030-01-31T00:00:00Z"})

        # To the next event: the deletion at 30 days, and nothing else.
        rc, out, err = self.clock(srv, "advance", "next")
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out, "now 2030-01-31T00:00:00Z; 1 event fired\n"
                              f"  2030-01-31T00:00:00Z  DeleteKey  {leaving}  "
                              f"{DEFAULT_ACCOUNT} {DEFAULT_REGION}\n")
        # Then the rotation at 90 days.
        rc, out, _ = self.clock(srv, "advance", "next")
        lines = out.splitlines()
        self.assertEqual(lines[0], "now 2030-04-01T00:00:00Z; 1 event fired")
        self.assertRegex(lines[1], rf"^  2030-04-01T00:00:00Z  RotateKey  {rotating}  "
                                   rf"{DEFAULT_ACCOUNT} {DEFAULT_REGION}  AUTOMATIC [0-9a-f]{{64}}$")
        # A year (365 days) and a week: four more rotations, one period apart.
        rc, out, _ = self.clock(srv, "advance", "1y1w")
        self.assertEqual(rc, 0)
        self.assertEqual(out.splitlines()[0], "now 2031-04-08T00:00:00Z; 4 events fired")
        self.assertEqual([line.split()[0] for line in out.splitlines()[1:]],
                         ["2030-06-30T00:00:00Z", "2030-09-28T00:00:00Z", "2030-12-27T00:00:00Z",
                          "2031-03-27T00:00:00Z"])
        rotations = kms.list_key_rotations(KeyId=rotating)["Rotations"]
        self.assertEqual(len(rotations), 5)
        # set: forwards only; the three rotations on the way.
        rc, out, _ = self.clock(srv, "set", "2032-01-01T00:00:00Z")
        self.assertEqual(out.splitlines()[0], "now 2032-01-01T00:00:00Z; 3 events fired")
        self.assertEqual([line.split()[0] for line in out.splitlines()[1:]],
                         ["2031-06-25T00:00:00Z", "2031-09-23T00:00:00Z", "2031-12-22T00:00:00Z"])
        self.assertEqual(self.clock(srv, "set", "2031-01-01T00:00:00Z"),
                         (1, "", "rotor clock: ValidationException: Time never moves backwards: "
                                 "2031-01-01T00:00:00Z is before 2032-01-01T00:00:00Z\n"))
        status, doc = srv.admin("GET", "/_rotor/clock")
        self.assertEqual(doc["now"], "2032-01-01T00:00:00Z")

    def test_clock_finds_the_server_by_endpoint_port_and_variables(self):
        srv = self.server(VIRTUAL)
        expected = (0, f"now {T0_TEXT} (virtual clock)\nnext event none scheduled\n", "")
        self.assertEqual(self.rotor("clock", "--endpoint", srv.url + "/"), expected)
        self.assertEqual(self.rotor("clock", env={"ROTOR_ENDPOINT": srv.url}), expected)
        self.assertEqual(self.rotor("clock", env={"ROTOR_PORT": str(srv.port)}), expected)
        self.assertEqual(self.rotor("clock", "--host", "localhost", "--port", str(srv.port)),
                         expected)
        # Nobody there: one line naming the URL and what to do.
        port = free_port()
        rc, out, err = self.rotor("clock", "--port", str(port))
        self.assertEqual((rc, out), (1, ""))
        self.assertEqual(err, f"rotor clock: no Rotor answers at http://127.0.0.1:{port} "
                              "(Connection refused): start one, or name it with --endpoint or "
                              "--port\n")
        # A typo in the duration is told before anything is sent.
        self.assertEqual(self.clock(srv, "advance", "366"),
                         (2, "", "rotor clock: advance takes a duration like 366d, 1y, 2w, 12h or "
                                 "1d12h, or next; not '366'\nrun rotor clock --help for its usage\n"))

    def test_clock_of_a_system_clock_server_cannot_move(self):
        srv = self.server()
        rc, out, _ = self.clock(srv)
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^now \d{4}-\d\d-\d\dT[0-9:.]+Z \(system clock\)\nnext event none "
                              r"scheduled\n$")
        self.assertEqual(self.clock(srv, "advance", "1d"),
                         (1, "", "rotor clock: ClockException: The clock is the system clock; start "
                                 "rotor with --clock virtual to move time.\n"))

    # ---------------------------------------------------------------- listen addresses
    def test_host_names_resolve_and_the_start_line_says_where(self):
        srv = self.server(["--host", "localhost"])
        self.assertIn(f"listening on http://localhost:{srv.port} ", srv.start_line)
        kms = srv.client()  # the client talks to 127.0.0.1: localhost's IPv4 address
        self.assertEqual(kms.list_keys()["Keys"], [])
        self.assertEqual(self.clock(srv)[0], 0)

    def test_an_unresolvable_host_is_named(self):
        rc, out, err = self.rotor("--host", "no-such-host.invalid", "--port", "0", "--in-memory")
        self.assertEqual((rc, out), (1, ""))
        self.assertTrue(err.startswith("rotor: --host no-such-host.invalid is neither an IP address "
                                       "nor a name that resolves"), err)

    @unittest.skipUnless(ipv6_loopback(), "no IPv6 loopback here")
    def test_ipv6_listen_address_prints_in_brackets(self):
        port = free_port()
        proc = subprocess.Popen([ROTOR_BIN, "--host", "::1", "--port", str(port), "--in-memory",
                                 *VIRTUAL], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_server_env(), start_new_session=True)
        try:
            line = proc.stdout.readline().decode()
            url = f"http://[::1]:{port}"
            self.assertIn(f"listening on {url} ", line)
            self.assertIn(f"aws --endpoint-url {url} kms list-keys", line)
            self.assertEqual(self.rotor("clock", "--endpoint", url),
                             (0, f"now {T0_TEXT} (virtual clock)\nnext event none scheduled\n", ""))
            self.assertEqual(self.rotor("clock", "--host", "::1", "--port", str(port))[0], 0)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()



TEXT_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (\S+(?: /\S*)?) (\S+) (\d{3}) (\S+) (\d+)us$")


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class RequestLogTest(RotorTestCase):
    """stdout of a real run: a start line, one line per request, a stop line."""

    PLAINTEXT = b"request log: this plaintext must never be logged"

    def run_server(self, args):
        srv = RotorServer(["--clock", "virtual", "--clock-start", T0_TEXT] + args, in_memory=True)
        self.addCleanup(srv.cleanup)
        srv.start()
        kms = srv.client()
        key = kms.create_key(Description="logged")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/logged", TargetKeyId=key)
        blob = kms.encrypt(KeyId="alias/logged", Plaintext=self.PLAINTEXT)["CiphertextBlob"]
        kms.decrypt(CiphertextBlob=blob)
        kms.disable_key(KeyId=key)
        self.assert_client_error(lambda: kms.decrypt(CiphertextBlob=blob, KeyId=key),
                                 "DisabledException", status=400)
        srv.admin("GET", "/_rotor/clock")
        self.assertEqual(srv.stop(), 0)
        with open(srv.log_path, "rb") as f:
            raw = f.read()
        # Never plaintext, ciphertext or key material.
        self.assertNotIn(self.PLAINTEXT, raw)
        import base64
        self.assertNotIn(base64.b64encode(blob), raw)
        lines = [l for l in raw.decode().splitlines() if l and not l.startswith("=== start:")]
        return srv, key, blob, lines

    def test_text_lines_of_a_real_run(self):
        srv, key, _blob, lines = self.run_server([])
        self.assertRegex(lines[0], r"^\d{4}-\d\d-\d\dT[\d:.]+Z rotor \S+ listening on "
                                   rf"http://127\.0\.0\.1:{srv.port} ")
        self.assertRegex(lines[-1], r"^\d{4}-\d\d-\d\dT[\d:.]+Z rotor stopped cleanly$")
        requests = [TEXT_LINE.match(l) for l in lines[1:-1]]
        self.assertTrue(all(requests), lines)
        got = [(m.group(2), m.group(3), m.group(4), m.group(5)) for m in requests
               if m.group(2) != "GET /_rotor/health"]
        self.assertEqual(got, [
            ("CreateKey", key, "200", "-"),
            ("CreateAlias", "alias/logged", "200", "-"),
            ("Encrypt", "alias/logged", "200", "-"),
            ("Decrypt", f"arn:aws:kms:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:key/{key}", "200", "-"),
            ("DisableKey", key, "200", "-"),
            ("Decrypt", key, "400", "DisabledException"),
            ("GET /_rotor/clock", "-", "200", "-"),
        ])

    def test_json_lines_of_a_real_run(self):
        srv, key, _blob, lines = self.run_server(["--log-format", "json"])
        records = [json.loads(l) for l in lines]  # every line is one JSON object
        start, stop = records[0], records[-1]
        self.assertEqual((start["event"], start["url"]), ("start", srv.url))
        self.assertIn(f"listening on {srv.url} ", start["message"])
        self.assertEqual((stop["event"], stop["message"]), ("stop", "rotor stopped cleanly"))
        for r in records:
            self.assertRegex(r["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        requests = [r for r in records[1:-1] if r["operation"] != "GET /_rotor/health"]
        for r in requests:
            self.assertEqual(sorted(r), ["error", "key", "operation", "status", "time", "us"])
            self.assertIsInstance(r["us"], int)
        self.assertEqual([(r["operation"], r["key"], r["status"], r["error"]) for r in requests], [
            ("CreateKey", key, 200, None),
            ("CreateAlias", "alias/logged", 200, None),
            ("Encrypt", "alias/logged", 200, None),
            ("Decrypt", f"arn:aws:kms:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:key/{key}", 200, None),
            ("DisableKey", key, 200, None),
            ("Decrypt", key, 400, "DisabledException"),
            ("GET /_rotor/clock", None, 200, None),
        ])

    def test_quiet_keeps_only_the_start_and_stop_lines(self):
        for how, args, env in (("flag", ["--quiet"], {}), ("variable", [], {"ROTOR_QUIET": "1"})):
            with self.subTest(how=how):
                srv = RotorServer(args, in_memory=True, env=env)
                self.addCleanup(srv.cleanup)
                srv.start()
                srv.client().list_keys()
                srv.stop()
                with open(srv.log_path) as f:
                    lines = [l for l in f.read().splitlines() if l and not l.startswith("===")]
                self.assertEqual(len(lines), 2, lines)
                self.assertIn("listening on", lines[0])
                self.assertTrue(lines[1].endswith(" rotor stopped cleanly"), lines)

    def test_a_log_nobody_reads_never_holds_a_request(self):
        # A script that reads only the start line and then leaves stdout's pipe
        # unread: after 64 KiB of lines a blocking log would stop every request.
        port = free_port()
        proc = subprocess.Popen([ROTOR_BIN, "--port", str(port), "--in-memory", *VIRTUAL],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=clean_server_env(), start_new_session=True)
        try:
            self.assertIn("listening on", proc.stdout.readline().decode())
            import boto3
            from botocore.config import Config
            kms = boto3.client("kms", endpoint_url=f"http://127.0.0.1:{port}",
                               region_name=DEFAULT_REGION,
                               aws_access_key_id="test", aws_secret_access_key="test",
                               config=Config(retries={"total_max_attempts": 1}, read_timeout=5,
                                             connect_timeout=5))
            key = kms.create_key()["KeyMetadata"]["KeyId"]
            for _ in range(1500):  # about 120 KB of lines
                kms.describe_key(KeyId=key)
            self.assertEqual(kms.describe_key(KeyId=key)["KeyMetadata"]["KeyState"], "Enabled")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            logged = proc.stdout.read().decode()
            proc.stdout.close()
        lines = [l for l in logged.splitlines() if " DescribeKey " in l]
        self.assertGreater(len(lines), 100)
        self.assertLess(len(lines), 1501)  # the rest were dropped, not waited for

    def test_a_bad_log_format_is_named(self):
        self.assertEqual(run_rotor(["--log-format", "xml"]).stderr.decode(),
                         "rotor: --log-format must be text or json\n")
        self.assertEqual(run_rotor([], env={"ROTOR_LOG_FORMAT": "yaml"}).stderr.decode(),
                         "rotor: ROTOR_LOG_FORMAT must be text or json\n")


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class BrowserAndMetricsTest(RotorTestCase):
    """GET / and /favicon.ico for browsers, admin JSON's last newline, GET /_rotor/metrics."""

    def setUp(self):
        self.srv = RotorServer(VIRTUAL, in_memory=True)
        self.addCleanup(self.srv.cleanup)
        self.srv.start()

    def test_a_browser_is_pointed_to_the_dashboard(self):
        status, headers, _ = self.srv.raw_request("GET", "/", headers={"Accept": "text/html"})
        self.assertEqual((status, headers["location"]), (302, "/_rotor/ui"))
        status, headers, body = self.srv.raw_request("GET", "/favicon.ico")
        self.assertEqual((status, body), (204, b""))
        # The KMS API is still POST /.
        self.assertEqual(self.srv.client().list_keys()["Keys"], [])
        # Admin JSON ends with a newline, answers and errors alike.
        for path, want in (("/_rotor/clock", 200), ("/_rotor/nope", 404)):
            status, _h, body = self.srv.raw_request("GET", path)
            self.assertEqual(status, want)
            self.assertTrue(body.endswith(b"}\n"), body)

    def test_metrics_in_prometheus_text_format(self):
        kms = self.srv.client()
        key = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=90)
        doomed = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)
        kms.encrypt(KeyId=key, Plaintext=b"x")
        kms.encrypt(KeyId=key, Plaintext=b"y")
        self.assert_client_error(lambda: kms.describe_key(KeyId="alias/none"), "NotFoundException",
                                 status=400)
        self.assertEqual(self.rotor_clock("advance", "100d")[0], 0)  # one rotation, one deletion
        status, headers, body = self.srv.raw_request("GET", "/_rotor/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        lines = body.decode().splitlines()
        for line in (
                'rotor_requests_total{operation="Encrypt",status="200",error=""} 2',
                'rotor_requests_total{operation="CreateKey",status="200",error=""} 2',
                'rotor_requests_total{operation="DescribeKey",status="400",error="NotFoundException"} 1',
                'rotor_requests_total{operation="POST /_rotor/clock",status="200",error=""} 1',
                'rotor_request_duration_seconds_count{operation="Encrypt"} 2',
                'rotor_service_events_total{event="RotateKey",rotation_type="AUTOMATIC"} 1',
                'rotor_service_events_total{event="DeleteKey",rotation_type=""} 1',
                'rotor_keys{state="Enabled"} 1',
                'rotor_audit_events_dropped_total 0',
                "# TYPE rotor_request_duration_seconds histogram"):
            self.assertIn(line, lines)
        buckets = [l for l in lines if l.startswith('rotor_request_duration_seconds_bucket{operation="Encrypt"')]
        self.assertEqual(buckets[-1], 'rotor_request_duration_seconds_bucket{operation="Encrypt",le="+Inf"} 2')
        counts = [int(l.rsplit(" ", 1)[1]) for l in buckets]
        self.assertEqual(counts, sorted(counts))  # cumulative
        self.assertNotIn("PendingDeletion", body.decode())  # the deleted key is gone
        # Like the other admin endpoints: not for a foreign origin.
        status, _h, _b = self.srv.raw_request("GET", "/_rotor/metrics",
                                              headers={"Origin": "http://evil.example"})
        self.assertEqual(status, 403)

    def rotor_clock(self, *args):
        p = run_rotor(["clock", "--port", str(self.srv.port), *args])
        return p.returncode, p.stdout.decode(), p.stderr.decode()


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class CorsTest(RotorTestCase):
    """--cors-origin: a browser page's preflight and KMS calls, never the admin API."""
    PAGE = "http://localhost:5173"

    def server(self, args):
        srv = RotorServer(args, in_memory=True)
        self.addCleanup(srv.cleanup)
        return srv.start()

    def preflight(self, srv, origin, path="/"):
        return srv.raw_request("OPTIONS", path, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-amz-target,x-amz-date,authorization"})

    def list_keys_from(self, srv, origin):
        return srv.raw_request("POST", "/", b"{}", {
            "Origin": origin, "X-Amz-Target": "TrentService.ListKeys",
            "Content-Type": "application/x-amz-json-1.1"})

    def test_off_by_default(self):
        srv = self.server([])
        status, headers, _ = self.preflight(srv, self.PAGE)
        self.assertEqual(status, 403)
        self.assertNotIn("access-control-allow-origin", headers)
        status, headers, body = self.list_keys_from(srv, self.PAGE)
        self.assertEqual(status, 403, body)
        self.assertEqual(json.loads(body)["__type"], "AccessDeniedException")
        self.assertNotIn("access-control-allow-origin", headers)

    def test_listed_origins_reach_the_kms_api_only(self):
        srv = self.server(["--cors-origin", self.PAGE, "--cors-origin", "http://127.0.0.1:8000"])
        status, headers, body = self.preflight(srv, self.PAGE)
        self.assertEqual((status, body), (204, b""))
        self.assertEqual(headers["access-control-allow-origin"], self.PAGE)
        self.assertEqual(headers["access-control-allow-methods"], "POST")
        self.assertEqual(headers["access-control-allow-headers"],
                         "content-type, x-amz-target, x-amz-date, authorization")
        self.assertEqual(headers["vary"], "Origin")
        status, headers, body = self.list_keys_from(srv, self.PAGE)
        self.assertEqual((status, json.loads(body)), (200, {"Keys": [], "Truncated": False}))
        self.assertEqual(headers["access-control-allow-origin"], self.PAGE)
        self.assertEqual(headers["access-control-expose-headers"], "x-amzn-RequestId")
        # An error answer carries the header too, so the page can read the error.
        status, headers, body = srv.raw_request("POST", "/", b'{"KeyId":"alias/none"}', {
            "Origin": self.PAGE, "X-Amz-Target": "TrentService.DescribeKey",
            "Content-Type": "application/x-amz-json-1.1"})
        self.assertEqual((status, json.loads(body)["__type"]), (400, "NotFoundException"))
        self.assertEqual(headers["access-control-allow-origin"], self.PAGE)
        # Another origin: refused, no CORS headers.
        for other in ("http://localhost:5174", "https://localhost:5173", "null"):
            status, headers, _ = self.preflight(srv, other)
            self.assertEqual(status, 403, other)
            self.assertNotIn("access-control-allow-origin", headers)
            self.assertEqual(self.list_keys_from(srv, other)[0], 403, other)
        # The admin API never answers a page, listed or not.
        for method, path in (("GET", "/_rotor/clock"), ("GET", "/_rotor/keys"),
                             ("GET", "/_rotor/metrics"), ("POST", "/_rotor/reset")):
            status, headers, _ = srv.raw_request(method, path, headers={"Origin": self.PAGE})
            self.assertEqual(status, 403, path)
            self.assertNotIn("access-control-allow-origin", headers)
        status, headers, _ = self.preflight(srv, self.PAGE, "/_rotor/reset")
        self.assertNotIn("access-control-allow-origin", headers)
        self.assertNotEqual(status, 204)

if __name__ == "__main__":
    unittest.main()
