"""Issue 17: injected faults. Rules added through POST /_rotor/faults (and a
seed file's `faults:` section) make the real binary answer AWS's errors, hold
a request, or drop its connection; boto3's own retry logic is what gets
through them. Time-window rules move with the virtual clock, never with
sleeps.
"""
import concurrent.futures
import json
import os
import shutil
import tempfile
import textwrap
import unittest

import boto3
import botocore.exceptions
from botocore.config import Config

from rotor_harness import (DEFAULT_REGION, DUMMY_ACCESS_KEY, DUMMY_SECRET, ROTOR_BIN, RotorServer,
                           RotorTestCase, alias_arn, binary_available, run_rotor)

THROTTLED = ("You have exceeded the rate at which you may call KMS. "
             "Reduce the frequency of your calls.")
INTERNAL = ("The request was rejected because an internal exception occurred. "
            "The request can be retried.")
VIRTUAL = ["--clock", "virtual", "--clock-start", "2027-01-01T00:00:00Z"]


class FaultsTestCase(RotorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not binary_available():
            raise unittest.SkipTest(f"rotor binary not found at {ROTOR_BIN}")

    def server(self, args=()):
        srv = RotorServer(list(args), in_memory=True)
        self.addCleanup(srv.cleanup)
        return srv.start()

    def client(self, srv, attempts, read_timeout=15.0):
        """A boto3 client with botocore's standard retry mode and `attempts` attempts in all
        (botocore's `total_max_attempts`; its `max_attempts` counts retries only)."""
        return boto3.client(
            "kms", endpoint_url=srv.url, region_name=DEFAULT_REGION,
            aws_access_key_id=DUMMY_ACCESS_KEY, aws_secret_access_key=DUMMY_SECRET,
            config=Config(retries={"mode": "standard", "total_max_attempts": attempts},
                          connect_timeout=5, read_timeout=read_timeout))

    def add_fault(self, srv, rule):
        status, doc = srv.admin("POST", "/_rotor/faults", rule)
        self.assertEqual(status, 200, doc)
        return doc

    def log_lines(self, srv, operation):
        """The server's JSON request-log lines (--log-format json) for `operation`."""
        with open(srv.log_path, "rb") as f:
            lines = [json.loads(l) for l in f.read().decode().splitlines() if l.startswith("{")]
        return [l for l in lines if l.get("operation") == operation]

    def faults(self, srv):
        status, doc = srv.admin("GET", "/_rotor/faults")
        self.assertEqual(status, 200, doc)
        return {f["id"]: f for f in doc["faults"]}


class InjectedErrorsTest(FaultsTestCase):

    def test_standard_retries_get_through_a_30_percent_throttling_rate(self):
        srv = self.server()
        key_id = srv.client().create_key()["KeyMetadata"]["KeyId"]
        rule = self.add_fault(srv, {"match": {"operations": ["Encrypt"]},
                                    "action": {"error": "ThrottlingException"},
                                    "frequency": {"probability": 0.3, "seed": 17}})
        # Standard mode retries ThrottlingException; 8 attempts leave a call a
        # 0.3^8 (7e-5) chance of failing, and the seed fixes the draws anyway.
        kms = self.client(srv, attempts=8)
        calls = 40
        for i in range(calls):
            blob = kms.encrypt(KeyId=key_id, Plaintext=b"data %d" % i)["CiphertextBlob"]
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"data %d" % i)
        counts = self.faults(srv)[rule["id"]]
        # Every throttled attempt was retried until the call succeeded.
        self.assertEqual(counts["matched"], calls + counts["fired"])
        self.assertGreater(counts["fired"], 4)
        self.assertLess(counts["fired"], 30)

    def test_without_retries_the_error_surfaces_with_awss_name_message_and_status(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)  # no retries
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.add_fault(srv, {"match": {"operations": ["Encrypt"], "keyId": key_id},
                             "action": {"error": "ThrottlingException"}})
        self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                 KeyId=key_id, Plaintext=b"x")
        # The same key by its ARN is the same key; another key is not matched.
        arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
        self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                 KeyId=arn, Plaintext=b"x")
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.encrypt(KeyId=other, Plaintext=b"x")

        srv.admin("DELETE", "/_rotor/faults")
        self.add_fault(srv, {"match": {"operations": ["Decrypt"]},
                             "action": {"error": "KMSInternalException"}})
        blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
        self.assert_client_error(kms.decrypt, "KMSInternalException", INTERNAL, 500,
                                 CiphertextBlob=blob)
        self.add_fault(srv, {"match": {"operations": ["GenerateDataKey"]},
                             "action": {"error": "KeyUnavailableException",
                                        "message": "try later"}})
        self.assert_client_error(kms.generate_data_key, "KeyUnavailableException", "try later",
                                 500, KeyId=key_id, KeySpec="AES_256")

    def test_an_injected_error_changes_nothing_and_is_in_the_audit_trail(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)
        self.add_fault(srv, {"match": {"operations": ["CreateKey", "CreateAlias"]},
                             "action": {"error": "DependencyTimeoutException"}})
        self.assert_client_error(kms.create_key, "DependencyTimeoutException",
                                 "The system timed out while trying to fulfill the request. "
                                 "You can retry the request.", 500, Description="never")
        self.assertEqual(kms.list_keys()["Keys"], [])
        status, _ = srv.admin("DELETE", "/_rotor/faults")
        self.assertEqual(status, 200)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.add_fault(srv, {"match": {"operations": ["CreateAlias"]},
                             "action": {"error": "LimitExceededException"}})
        self.assert_client_error(kms.create_alias, "LimitExceededException", "", 400,
                                 AliasName="alias/never", TargetKeyId=key_id)
        self.assertEqual([a["AliasName"] for a in kms.list_aliases()["Aliases"]
                          if a["AliasName"] == "alias/never"], [])
        status, doc = srv.admin("GET", "/_rotor/events?name=CreateKey")
        self.assertEqual(status, 200, doc)
        codes = [e.get("errorCode") for e in doc["events"]]
        self.assertIn("DependencyTimeoutException", codes)
        self.assertIn(None, codes)  # the successful CreateKey
        status, doc = srv.admin("GET", "/_rotor/events?name=CreateAlias")
        self.assertEqual([e.get("errorCode") for e in doc["events"]], ["LimitExceededException"])

    def test_a_rule_naming_a_key_id_meets_its_arn_alias_name_and_alias_arn(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName="alias/app", TargetKeyId=key_id)
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/other", TargetKeyId=other)
        rule = self.add_fault(srv, {"match": {"keyId": key_id},
                                    "action": {"error": "KMSInternalException"}})
        for named in (key_id, arn, "alias/app", alias_arn("app")):
            self.assert_client_error(kms.encrypt, "KMSInternalException", INTERNAL, 500,
                                     KeyId=named, Plaintext=b"x")
        # ReEncrypt's destination by alias; the source key is another one.
        blob = self.client(srv, attempts=1).encrypt(KeyId="alias/other",
                                                    Plaintext=b"x")["CiphertextBlob"]
        self.assert_client_error(kms.re_encrypt, "KMSInternalException", INTERNAL, 500,
                                 CiphertextBlob=blob, DestinationKeyId="alias/app")
        self.assert_client_error(kms.describe_key, "KMSInternalException", INTERNAL, 500,
                                 KeyId=alias_arn("app"))
        counts = self.faults(srv)[rule["id"]]
        self.assertEqual((counts["matched"], counts["fired"]), (6, 6))
        # Another key, by id or alias, and an alias that names nothing are not matched.
        srv.admin("DELETE", "/_rotor/faults")
        rule = self.add_fault(srv, {"match": {"keyId": key_id, "operations": ["Encrypt"]},
                                    "action": {"error": "KMSInternalException"}})
        kms.encrypt(KeyId=other, Plaintext=b"x")
        kms.encrypt(KeyId="alias/other", Plaintext=b"x")
        self.assert_client_error(kms.encrypt, "NotFoundException",
                                 f"Alias {alias_arn('nothing')} is not found.", 400,
                                 KeyId="alias/nothing", Plaintext=b"x")
        counts = self.faults(srv)[rule["id"]]
        self.assertEqual((counts["matched"], counts["fired"]), (0, 0))

    def test_next_n_matches(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        rule = self.add_fault(srv, {"match": {"operations": ["DescribeKey"]},
                                    "action": {"error": "KMSInternalException"},
                                    "frequency": {"next": 2}})
        self.assertEqual(rule["remaining"], 2)
        kms.encrypt(KeyId=key_id, Plaintext=b"x")  # not matched, not counted
        for _ in range(2):
            self.assert_client_error(kms.describe_key, "KMSInternalException", INTERNAL, 500,
                                     KeyId=key_id)
        kms.describe_key(KeyId=key_id)
        counts = self.faults(srv)[rule["id"]]
        self.assertEqual((counts["fired"], counts["matched"], counts["remaining"]), (2, 3, 0))

    def test_every_match_between_two_times_of_the_virtual_clock(self):
        srv = self.server(VIRTUAL)
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.add_fault(srv, {"match": {"operations": ["Encrypt"]},
                             "action": {"error": "ThrottlingException"},
                             "frequency": {"from": "2027-01-01T01:00:00Z",
                                           "until": "2027-01-01T02:00:00Z"}})
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
        srv.advance_clock("1h")
        for _ in range(3):
            self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                     KeyId=key_id, Plaintext=b"x")
        srv.advance_clock("59m")
        self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                 KeyId=key_id, Plaintext=b"x")
        srv.advance_clock("1m")  # 02:00: the window's end is not in it
        kms.encrypt(KeyId=key_id, Plaintext=b"x")

    def test_unknown_error_names_and_bad_rules_are_refused_with_400(self):
        srv = self.server()
        for rule, message in (
                ({"action": {"error": "TotallyMadeUpException"}},
                 "action.error: TotallyMadeUpException is not an error of the KMS model "
                 "(nor ThrottlingException)"),
                ({"match": {"operations": ["Encrpyt"]}, "action": {"drop": True}},
                 "match.operations: Encrpyt is not an operation of the KMS model"),
                ({"action": {"error": "ThrottlingException"}, "frequency": {"probability": 2}},
                 "frequency.probability must be between 0 and 1"),
                ({"match": {"operations": ["Encrypt"]}},
                 "A fault rule needs an action")):
            status, doc = srv.admin("POST", "/_rotor/faults", rule)
            self.assertEqual(status, 400, doc)
            self.assertEqual(doc, {"__type": "ValidationException", "message": message})
        self.assertEqual(self.faults(srv), {})
        status, doc = srv.admin("DELETE", "/_rotor/faults/fault-42")
        self.assertEqual(status, 404, doc)

    def test_a_seed_file_starts_the_server_with_its_faults(self):
        d = tempfile.mkdtemp(prefix="rotor-faults-")
        self.addCleanup(shutil.rmtree, d, True)
        seed = os.path.join(d, "seed.yaml")
        with open(seed, "w") as f:
            f.write(textwrap.dedent("""\
                Keys:
                  Symmetric:
                    Aes:
                      - Metadata:
                          KeyId: 0f8c8c2a-7a0e-4d5e-9d63-3c8c3c8c3c8c
                        BackingKeys:
                          - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
                faults:
                  - match:
                      operations: [Encrypt]
                    action:
                      error: ThrottlingException
                    frequency:
                      next: 1
                """))
        srv = self.server(["--seed-file", seed])
        (rule,) = self.faults(srv).values()
        self.assertEqual(rule["action"]["error"], "ThrottlingException")
        kms = self.client(srv, attempts=1)
        key_id = "0f8c8c2a-7a0e-4d5e-9d63-3c8c3c8c3c8c"
        self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                 KeyId=key_id, Plaintext=b"x")
        kms.encrypt(KeyId=key_id, Plaintext=b"x")


class DelayAndDropTest(FaultsTestCase):

    def test_a_delay_holds_only_that_request(self):
        # One I/O thread: were the delay a sleep on it, every other request
        # would wait behind the held one.
        srv = self.server(["--threads", "1", "--log-format", "json"])
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.add_fault(srv, {"match": {"operations": ["DescribeKey"]},
                             "action": {"delay": "4s"}, "frequency": {"next": 2}})
        # A client that waits 1 s gives up on the held request.
        impatient = self.client(srv, attempts=1, read_timeout=1)
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            impatient.describe_key(KeyId=key_id)
        # A patient client gets its answer after the delay, and meanwhile other
        # requests are answered on the same I/O thread.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            held = pool.submit(self.client(srv, attempts=1).describe_key,
                               KeyId=key_id)
            for i in range(5):
                kms.encrypt(KeyId=key_id, Plaintext=b"%d" % i)
                self.assertFalse(held.done())
            self.assertEqual(held.result(timeout=30)["KeyMetadata"]["KeyId"], key_id)
        # The request log writes a held request's line when it is answered.
        held_lines = [l for l in self.log_lines(srv, "DescribeKey") if l["us"] >= 4_000_000]
        self.assertEqual([l["status"] for l in held_lines], [200, 200])

    def test_a_dropped_connection_and_a_retry_through_it(self):
        srv = self.server(["--log-format", "json"])
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.add_fault(srv, {"match": {"operations": ["Encrypt"]}, "action": {"drop": True},
                             "frequency": {"next": 2}})
        with self.assertRaises(botocore.exceptions.HTTPClientError):
            kms.encrypt(KeyId=key_id, Plaintext=b"x")
        # Standard retries treat a closed connection as transient.
        blob = self.client(srv, attempts=3).encrypt(
            KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        dropped = [l for l in self.log_lines(srv, "Encrypt") if l["error"] == "ConnectionDropped"]
        self.assertEqual([l["status"] for l in dropped], [0, 0])


class FaultsCommandLineTest(FaultsTestCase):
    """`rotor faults add|list|clear`, the real binary against a running server."""

    def faults_cli(self, srv, *args, env=None):
        p = run_rotor(["faults", "--port", str(srv.port), *args], env=env)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def test_add_list_and_clear_from_the_command_line(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.assertEqual(self.faults_cli(srv, "list"), (0, "no fault rules\n", ""))
        self.assertEqual(
            self.faults_cli(srv, "add", "--operations", "Encrypt,Decrypt", "--key-id", key_id,
                            "--error", "ThrottlingException", "--next", "2"),
            (0, f"added fault-1  Encrypt,Decrypt key={key_id}  error ThrottlingException (400)"
                "  next 2  matched 0 fired 0 remaining 2\n", ""))
        rc, out, err = self.faults_cli(srv, "add", "--operations", "GenerateRandom", "--delay",
                                       "250ms", "--probability", "0.5", "--seed", "9")
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(out, "added fault-2  GenerateRandom  delay 250ms  probability 0.5 seed 9"
                              "  matched 0 fired 0\n")
        # The rules act on the KMS API as POST /_rotor/faults's do.
        self.assert_client_error(kms.encrypt, "ThrottlingException", THROTTLED, 400,
                                 KeyId=key_id, Plaintext=b"x")
        self.assertEqual(self.faults_cli(srv)[1],  # list is the default action
                         f"fault-1  Encrypt,Decrypt key={key_id}  error ThrottlingException (400)"
                         "  next 2  matched 1 fired 1 remaining 1\n"
                         "fault-2  GenerateRandom  delay 250ms  probability 0.5 seed 9"
                         "  matched 0 fired 0\n")
        rc, out, _ = self.faults_cli(srv, "list", "--json")
        self.assertEqual(json.loads(out), srv.admin("GET", "/_rotor/faults")[1])
        self.assertEqual(self.faults_cli(srv, "clear", "fault-1"), (0, "removed 1 rule\n", ""))
        kms.encrypt(KeyId=key_id, Plaintext=b"x")
        self.assertEqual(self.faults_cli(srv, "clear", "fault-1"),
                         (1, "", "rotor faults: NotFoundException: No fault rule fault-1\n"))
        self.assertEqual(self.faults_cli(srv, "add", "--drop", "--region", "eu-west-1",
                                         "--account", "444455556666")[1],
                         "added fault-3  account=444455556666 region=eu-west-1  drop  always"
                         "  matched 0 fired 0\n")
        self.assertEqual(self.faults_cli(srv, "clear"), (0, "removed 2 rules\n", ""))
        self.assertEqual(self.faults(srv), {})

    def test_the_server_refuses_a_bad_rule_and_the_parser_a_misuse(self):
        srv = self.server()
        self.assertEqual(
            self.faults_cli(srv, "add", "--error", "TotallyMadeUpException"),
            (1, "", "rotor faults: ValidationException: action.error: TotallyMadeUpException is "
                    "not an error of the KMS model (nor ThrottlingException)\n"))
        self.assertEqual(
            self.faults_cli(srv, "add", "--error", "ThrottlingException", "--probability", "2"),
            (1, "", "rotor faults: ValidationException: frequency.probability must be between "
                    "0 and 1\n"))
        self.assertEqual(self.faults_cli(srv, "add", "--operations", "Encrypt"),
                         (2, "", "rotor faults: add needs what the rule does: --error NAME, "
                                 "--delay D or --drop\nrun rotor faults --help for its usage\n"))
        self.assertEqual(self.faults_cli(srv, "list", "--error", "KMSInternalException"),
                         (2, "", "rotor faults: a rule's flags (--error, --operations, ...) go "
                                 "with add only\nrun rotor faults --help for its usage\n"))
        self.assertEqual(self.faults_cli(srv, "remove"),
                         (2, "", "rotor faults: unknown faults action 'remove' (add, list or "
                                 "clear)\nrun rotor faults --help for its usage\n"))
        self.assertEqual(self.faults(srv), {})

    def test_the_server_is_found_as_rotor_clock_finds_it_and_rule_flags_ignore_variables(self):
        srv = self.server()
        # ROTOR_PORT finds the server; ROTOR_REGION (the server's) is not a rule's --region.
        p = run_rotor(["faults", "add", "--error", "KMSInternalException", "--next", "1"],
                      env={"ROTOR_PORT": str(srv.port), "ROTOR_REGION": "eu-west-1",
                           "ROTOR_SEED": "5"})
        self.assertEqual((p.returncode, p.stderr.decode()), (0, ""))
        self.assertEqual(p.stdout.decode(), "added fault-1  every request  error "
                                            "KMSInternalException (500)  next 1  matched 0 "
                                            "fired 0 remaining 1\n")
        p = run_rotor(["faults", "list", "--endpoint", srv.url + "/"])
        self.assertEqual(p.returncode, 0)
        self.assertTrue(p.stdout.decode().startswith("fault-1  every request"))
        rc, out, err = self.faults_cli(srv, "--help")
        self.assertEqual((rc, err), (0, ""))
        self.assertTrue(out.startswith("usage: rotor faults add RULE-FLAGS"), out)
        for flag in ("--operations", "--key-id", "--error", "--delay", "--drop", "--probability",
                     "--next", "--from", "--until", "--endpoint", "--admin-token"):
            self.assertIn(flag, out)


if __name__ == "__main__":
    unittest.main()
