"""Issue 15 §2: drop-in modes. `--compat local-kms` and `--compat moto` take the
peer's defaults (account, Region, data, seed; the ports 8080 and 5000 are
overridden here with --port 0 and checked by the unit test of the defaults,
tests/server/config_test.cc), explicit settings win over them, and seed entries
whose ARNs name an account or Region create their keys and aliases there.

Everything drives the real binary over loopback with boto3 and plain HTTP.
"""
import http.client
import json
import os
import urllib.request
import uuid

from rotor_harness import key_arn, alias_arn
from test_operate import VIRTUAL, LocalProcess, OperateTestCase, kms_client


def unsigned_create_key(url):
    """CreateKey without a signature: the server's default account and Region."""
    host, port = url[len("http://"):].rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=15)
    try:
        conn.request("POST", "/", body=json.dumps({"Description": "unsigned"}),
                     headers={"Content-Type": "application/x-amz-json-1.1",
                              "X-Amz-Target": "TrentService.CreateKey"})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())
    finally:
        conn.close()


def get(url, path, accept=None):
    req = urllib.request.Request(url + path, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class LocalKmsCompatTest(OperateTestCase):

    def start(self, args, env=None):
        proc = LocalProcess(["--host", "127.0.0.1", "--port", "0"] + args, env or {}, self.tmpdir())
        self.addCleanup(proc.stop)
        line, url = proc.wait_listening()
        return proc, line, url

    def test_local_kms_defaults_with_the_port_overridden(self):
        data = os.path.join(self.tmpdir(), "kms-data")
        for how in (["--compat", "local-kms"], "env"):
            with self.subTest(how=how):
                args = ["--data-dir", data] + (how if how != "env" else [])
                env = {"ROTOR_COMPAT": "local-kms"} if how == "env" else {}
                proc, line, url = self.start(args, env)
                self.assertIn(f"(compat local-kms, account 111122223333, region eu-west-2, clock system, "
                              f"data {data})", line)
                if not os.path.exists("/init/seed.yaml"):
                    self.assertIn("rotor: no seed file at /init/seed.yaml (--compat local-kms loads it "
                                  "when it exists)", proc.output())
                status, body = unsigned_create_key(url)
                self.assertEqual(status, 200, body)
                self.assertTrue(body["KeyMetadata"]["Arn"].startswith("arn:aws:kms:eu-west-2:111122223333:key/"))
                # A client configured for local-kms (eu-west-2) sees the key.
                kms = kms_client(url, region="eu-west-2")
                self.assertIn(body["KeyMetadata"]["KeyId"], self.list_keys(kms))
                proc.stop()

    def test_explicit_settings_win_over_the_compat_defaults(self):
        seed = self.write(self.tmpdir(), "seed.yaml",
                          "Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {KeyId: %s}\n        BackingKeys: [%s]\n"
                          % (str(uuid.uuid4()), os.urandom(32).hex()))
        proc, line, url = self.start(["--compat", "local-kms", "--in-memory", "--region", "ap-south-1"],
                                     {"KMS_ACCOUNT_ID": "999988887777", "KMS_SEED_PATH": seed})
        self.assertIn("(compat local-kms, account 999988887777, region ap-south-1, clock system, "
                      "data in memory)", line)
        self.assertIn(f"rotor: seed {seed}: 1 keys created", proc.output())
        # A seed file named explicitly must exist, whatever the mode.
        missing = LocalProcess(["--host", "127.0.0.1", "--port", "0", "--compat", "local-kms", "--in-memory",
                                "--seed-file", "/nonexistent/seed.yaml"], {}, self.tmpdir())
        self.addCleanup(missing.stop)
        self.assertEqual(missing.outcome(), "exited")
        self.assertIn("rotor: /nonexistent/seed.yaml: cannot be read", missing.output())

    def test_an_unknown_compat_mode_is_refused(self):
        proc = LocalProcess(["--compat", "localstack", "--port", "0", "--in-memory"], {}, self.tmpdir())
        self.addCleanup(proc.stop)
        self.assertEqual(proc.outcome(), "exited")
        self.assertEqual(proc.proc.wait(timeout=10), 2)
        self.assertIn("rotor: --compat must be local-kms, moto or none, not 'localstack'", proc.output())

    def test_seed_arns_place_keys_and_aliases_in_their_account_and_region(self):
        """A local-kms suite whose seed names eu-west-2 by ARN, served by a Rotor whose default
        Region is us-east-1: the keys and aliases are where the ARNs say (before, they landed
        in the default Region and an eu-west-2 client got NotFoundException)."""
        k1, k2, k3 = (str(uuid.uuid4()) for _ in range(3))
        seed = self.write(self.tmpdir(), "seed.yaml", f"""\
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: arn:aws:kms:eu-west-2:111122223333:key/{k1}
        BackingKeys: [{os.urandom(32).hex()}]
      - Metadata:
          KeyId: arn:aws:kms:ap-south-1:444455556666:key/{k2}
        BackingKeys: [{os.urandom(32).hex()}]
      - Metadata:
          KeyId: {k3}
        BackingKeys: [{os.urandom(32).hex()}]
Aliases:
  - AliasName: alias/bare-target
    TargetKeyId: {k1}
  - AliasName: arn:aws:kms:ap-south-1:444455556666:alias/by-alias-arn
    TargetKeyId: {k2}
  - AliasName: alias/by-target-arn
    TargetKeyId: arn:aws:kms:ap-south-1:444455556666:key/{k2}
  - AliasName: alias/default-region
    TargetKeyId: {k3}
""")
        proc, line, url = self.start(["--in-memory", "--seed-file", seed] + VIRTUAL)
        self.assertIn("(account 111122223333, region us-east-1,", line)
        self.assertIn(f"rotor: seed {seed}: 3 keys created, 0 already present; 4 aliases created", proc.output())
        london = kms_client(url, region="eu-west-2")
        md = london.describe_key(KeyId="alias/bare-target")["KeyMetadata"]
        self.assertEqual(md["Arn"], key_arn(k1, "eu-west-2"))
        blob = london.encrypt(KeyId="alias/bare-target", Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(london.decrypt(CiphertextBlob=blob)["KeyId"], key_arn(k1, "eu-west-2"))
        mumbai = kms_client(url, region="ap-south-1", access_key="444455556666")
        for alias in ("alias/by-alias-arn", "alias/by-target-arn"):
            self.assertEqual(mumbai.describe_key(KeyId=alias)["KeyMetadata"]["Arn"],
                             key_arn(k2, "ap-south-1", "444455556666"))
        self.assertEqual(self.list_keys(mumbai), [k2])
        virginia = kms_client(url, region="us-east-1")
        self.assertEqual(self.list_keys(virginia), [k3])
        self.assertEqual(self.customer_aliases(virginia), [("alias/default-region", k3)])
        self.assert_client_error(virginia.describe_key, "NotFoundException",
                                 f"Alias {alias_arn('alias/bare-target')} is not found.",
                                 KeyId="alias/bare-target")

    def test_seed_arns_that_disagree_stop_start_up(self):
        k = str(uuid.uuid4())
        seed = self.write(self.tmpdir(), "seed.yaml", f"""\
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: arn:aws:kms:eu-west-2:111122223333:key/{k}
Aliases:
  - AliasName: arn:aws:kms:eu-west-1:111122223333:alias/a
    TargetKeyId: arn:aws:kms:eu-west-2:111122223333:key/{k}
""")
        proc = LocalProcess(["--host", "127.0.0.1", "--port", "0", "--in-memory", "--seed-file", seed],
                            {}, self.tmpdir())
        self.addCleanup(proc.stop)
        self.assertEqual(proc.outcome(), "exited")
        self.assertIn(f"rotor: {seed}: Aliases[0]: TargetKeyId arn:aws:kms:eu-west-2:111122223333:key/{k} "
                      f"names account 111122223333, region eu-west-2, but AliasName "
                      f"arn:aws:kms:eu-west-1:111122223333:alias/a names account 111122223333, region "
                      f"eu-west-1 (a key and its aliases are in one account and Region)", proc.output())


class MotoCompatTest(OperateTestCase):

    def test_moto_defaults_with_the_port_overridden(self):
        proc = LocalProcess(["--compat", "moto", "--host", "127.0.0.1", "--port", "0"], {}, self.tmpdir())
        self.addCleanup(proc.stop)
        line, url = proc.wait_listening()
        self.assertIn("(compat moto, account 123456789012, region us-east-1, clock system, data in memory)", line)
        # moto's home page answers as a health check.
        status, headers, body = get(url, "/moto-api/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn(b"/_rotor/ui", body)
        # moto's 'testing' credentials land in moto's account.
        kms = kms_client(url, access_key="testing")
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        self.assertEqual(kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"],
                         key_arn(key_id, "us-east-1", "123456789012"))
        status, body = unsigned_create_key(url)
        self.assertTrue(body["KeyMetadata"]["Arn"].startswith("arn:aws:kms:us-east-1:123456789012:key/"))
        req = urllib.request.Request(url + "/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(req, timeout=15) as r:
            self.assertEqual((r.status, json.loads(r.read())), (200, {"status": "ok"}))
        self.assertEqual(self.list_keys(kms), [])

    def test_moto_with_a_data_dir_keeps_its_state(self):
        data = os.path.join(self.tmpdir(), "data")
        proc = LocalProcess(["--compat", "moto", "--host", "127.0.0.1", "--port", "0", "--data-dir", data],
                            {}, self.tmpdir())
        self.addCleanup(proc.stop)
        line, _ = proc.wait_listening()
        self.assertIn(f"(compat moto, account 123456789012, region us-east-1, clock system, data {data})", line)
        self.assertTrue(os.path.isfile(os.path.join(data, "rotor.db")))


class WhatOtherEmulatorsAcceptTest(OperateTestCase):
    """docs/migrating.md's tables, Rotor's column: what moto 5.2.1 accepts and LocalStack reads
    from tags, answered as AWS answers (error names and messages from AWS's recorded answers)."""

    def test_moto_only_behaviours_get_aws_errors(self):
        srv = self.server(["--compat", "moto"], in_memory=True)
        kms = srv.client(access_key="testing")
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        arn = key_arn(kid, "us-east-1", "123456789012")
        self.assert_client_error(
            kms.enable_key_rotation, "ValidationException",
            "1 validation error detected: Value '89' at 'rotationPeriodInDays' failed to satisfy constraint: "
            "Member must have value greater than or equal to 90", KeyId=kid, RotationPeriodInDays=89)
        self.assert_client_error(
            kms.generate_random, "ValidationException",
            "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1", NumberOfBytes=0)
        self.assert_client_error(
            kms.create_alias, "InvalidAliasNameException",
            "Alias alias/aws/mine cannot be created: the alias/aws/ prefix is reserved for AWS managed keys.",
            AliasName="alias/aws/mine", TargetKeyId=kid)
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"x")["CiphertextBlob"]
        self.assert_client_error(
            kms.decrypt, "IncorrectKeyException",
            "The key ID in the request does not identify a CMK that can perform this operation.",
            CiphertextBlob=blob, KeyId=other)
        kms.disable_key(KeyId=kid)
        self.assert_client_error(kms.encrypt, "DisabledException", f"{arn} is disabled.",
                                 KeyId=kid, Plaintext=b"x")
        self.assert_client_error(kms.create_key, "ValidationException",
                                 "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec HMAC_256",
                                 KeySpec="HMAC_256", KeyUsage="ENCRYPT_DECRYPT")
        kms.schedule_key_deletion(KeyId=other, PendingWindowInDays=7)
        self.assert_client_error(kms.encrypt, "KMSInvalidStateException",
                                 f"{key_arn(other, 'us-east-1', '123456789012')} is pending deletion.",
                                 KeyId=other, Plaintext=b"x")

    def test_localstack_custom_tags_are_ordinary_tags(self):
        srv = self.server([], in_memory=True)
        kms = srv.client()
        custom_id = "00000000-0000-0000-0000-000000000001"
        tags = [{"TagKey": "_custom_id_", "TagValue": custom_id},
                {"TagKey": "_custom_key_material_", "TagValue": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]
        kid = kms.create_key(Tags=tags)["KeyMetadata"]["KeyId"]
        self.assertNotEqual(kid, custom_id)
        self.assertEqual(sorted(kms.list_resource_tags(KeyId=kid)["Tags"], key=lambda t: t["TagKey"]), tags)
        self.assert_client_error(kms.describe_key, "NotFoundException",
                                 f"Key '{key_arn(custom_id)}' does not exist", KeyId=custom_id)
