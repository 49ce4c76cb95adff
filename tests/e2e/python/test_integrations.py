"""The recipes of docs/integrations.md, run as printed there.

Each snippet marked `<!-- tested: NAME -->` in the doc is read from the doc (so the doc cannot drift
from what is tested) and run against a real rotor with only its port changed:
  - AWS_ENDPOINT_URL_KMS / AWS_ENDPOINT_URL with the aws CLI v1 and boto3, and what Debian's
    CLI v2 2.9 does with them (it ignores them);
  - the unittest use of tests/e2e/python/rotor_fixture.py;
  - the Terraform provider block, with the real terraform and AWS provider when this machine has
    them (a local provider mirror; opt-in, ROTOR_E2E_TERRAFORM=1), and the provider's recorded
    calls replayed with boto3 (always).
Every child process that could fall back to AWS's own endpoint gets HTTPS_PROXY pointing at a closed
loopback port, so a recipe that ignores its endpoint fails here instead of reaching AWS.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import urllib.request

from rotor_harness import (
    CLI_V2,
    DEFAULT_ACCOUNT,
    DEFAULT_REGION,
    HERE,
    REPO_ROOT,
    ROTOR_BIN,
    RotorServer,
    ServerTestCase,
    alias_arn,
    binary_available,
    free_port,
    key_arn,
)

DOC = os.path.join(REPO_ROOT, "docs", "integrations.md")
DOC_URL = "http://127.0.0.1:4599"
CHILD_TIMEOUT = 120  # seconds for one snippet run


def doc_snippet(name: str) -> str:
    """The fenced block right after `<!-- tested: name -->` in docs/integrations.md."""
    with open(DOC, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- tested: " + re.escape(name) + r" -->\n```[a-z]*\n(.*?)\n```", text, re.S)
    if m is None:
        raise AssertionError(f"no snippet '{name}' in {DOC}")
    return m.group(1) + "\n"


def child_env(extra: dict | None = None) -> dict:
    """The caller's environment without AWS_* and proxy settings, with a dead HTTPS proxy (a
    request that ignores its endpoint goes to AWS over HTTPS and fails here) and empty AWS config
    files, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k.lower() not in ("http_proxy", "https_proxy", "no_proxy",
                                                             "all_proxy")}
    env.update({
        "HTTPS_PROXY": f"http://127.0.0.1:{free_port()}",  # bound and released: nobody listens
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_PAGER": "",
    })
    env.update(extra or {})
    return env


def key_ids(kms) -> set:
    return {k["KeyId"] for k in kms.list_keys(Limit=1000)["Keys"]}


class EndpointVariablesTest(ServerTestCase):
    """AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL, as the doc's snippets use them."""

    in_memory = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="rotor-recipes-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        # `aws` on PATH is the v1 CLI of this Python (python3 -m awscli), as pip installs it.
        cls.v1_bin = os.path.join(cls.tmp, "v1-bin")
        os.makedirs(cls.v1_bin)
        shim = os.path.join(cls.v1_bin, "aws")
        with open(shim, "w") as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" -m awscli "$@"\n')
        os.chmod(shim, 0o755)

    def run_cli_snippet(self, variable: str):
        script = doc_snippet("cli-env").replace(DOC_URL, self.server.url)
        if variable != "AWS_ENDPOINT_URL_KMS":
            script = script.replace("AWS_ENDPOINT_URL_KMS", variable)
        env = child_env({"PATH": self.v1_bin + os.pathsep + os.environ.get("PATH", "")})
        before = key_ids(self.kms)
        p = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True,
                           env=env, timeout=CHILD_TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "Enabled")
        new = key_ids(self.kms) - before
        self.assertEqual(len(new), 1, "the snippet created exactly one key in Rotor")
        meta = self.kms.describe_key(KeyId=new.pop())["KeyMetadata"]
        self.assertEqual(meta["Description"], "from-env")

    def test_cli_v1_reads_aws_endpoint_url_kms(self):
        self.run_cli_snippet("AWS_ENDPOINT_URL_KMS")

    def test_cli_v1_reads_aws_endpoint_url(self):
        self.run_cli_snippet("AWS_ENDPOINT_URL")

    def run_boto3_snippet(self, variable: str):
        code = doc_snippet("boto3-env").replace(DOC_URL, self.server.url)
        if variable != "AWS_ENDPOINT_URL_KMS":
            code = code.replace("AWS_ENDPOINT_URL_KMS", variable)
        before = key_ids(self.kms)
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=child_env(), timeout=CHILD_TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        new = key_ids(self.kms) - before
        self.assertEqual(len(new), 1, "the snippet created exactly one key in Rotor")
        self.assertEqual(self.kms.describe_key(KeyId=new.pop())["KeyMetadata"]["Description"], "from-env")

    def test_boto3_reads_aws_endpoint_url_kms(self):
        self.run_boto3_snippet("AWS_ENDPOINT_URL_KMS")

    def test_boto3_reads_aws_endpoint_url(self):
        self.run_boto3_snippet("AWS_ENDPOINT_URL")

    def test_debian_cli_v2_2_9_ignores_both_variables(self):
        """What the doc says of Debian's CLI v2 2.9: it sends the call to AWS's endpoint (here: to
        the dead proxy), and nothing reaches Rotor."""
        if not os.access(CLI_V2, os.X_OK):
            self.skipTest(f"no aws CLI v2 at {CLI_V2}")
        version = subprocess.run([CLI_V2, "--version"], capture_output=True, text=True,
                                 timeout=CHILD_TIMEOUT).stdout
        if not version.startswith("aws-cli/2.9."):
            self.skipTest(f"the claim is about Debian's 2.9; this is {version.strip()}")
        for variable in ("AWS_ENDPOINT_URL_KMS", "AWS_ENDPOINT_URL"):
            with self.subTest(variable=variable):
                before = key_ids(self.kms)
                env = child_env({variable: self.server.url, "AWS_ACCESS_KEY_ID": "test",
                                 "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": DEFAULT_REGION})
                p = subprocess.run([CLI_V2, "kms", "create-key", "--cli-connect-timeout", "5"],
                                   capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT)
                self.assertNotEqual(p.returncode, 0, p.stdout)
                self.assertIn("Failed to connect to proxy URL", p.stderr)
                self.assertEqual(key_ids(self.kms), before)


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
class FixtureTest(unittest.TestCase):
    """rotor_fixture.py, used from unittest exactly as the doc shows."""

    def setUp(self):
        # The fixture finds rotor in $ROTOR_BIN when it is imported.
        os.environ.setdefault("ROTOR_BIN", ROTOR_BIN)
        if HERE not in sys.path:
            sys.path.insert(0, HERE)
        import rotor_fixture
        self.fixture = rotor_fixture
        self.assertEqual(rotor_fixture.ROTOR_BIN, os.environ["ROTOR_BIN"])

    def test_doc_unittest_snippet_passes(self):
        namespace: dict = {"__name__": "doc_fixture_unittest"}
        exec(compile(doc_snippet("fixture-unittest"), "docs/integrations.md#fixture-unittest", "exec"),
             namespace)
        # A fresh loader: the default one carries the -k patterns of this run.
        suite = unittest.TestLoader().loadTestsFromTestCase(namespace["PaymentsTest"])
        result = unittest.TestResult()
        suite.run(result)
        self.assertEqual(result.testsRun, 1)
        self.assertEqual(result.errors + result.failures, [], "the doc's test case failed")

    def test_doc_pytest_snippet_fixtures(self):
        """pytest is not installed here: a stand-in `pytest` module whose `fixture` returns the
        function, and the fixtures driven by hand as pytest drives generator fixtures."""
        import types
        stand_in = types.ModuleType("pytest")
        stand_in.fixture = lambda fn=None, **_kw: fn if fn is not None else (lambda f: f)
        saved = sys.modules.get("pytest")
        sys.modules["pytest"] = stand_in
        try:
            namespace: dict = {"__name__": "doc_fixture_pytest"}
            exec(compile(doc_snippet("fixture-pytest"), "docs/integrations.md#fixture-pytest", "exec"),
                 namespace)
        finally:
            if saved is None:
                del sys.modules["pytest"]
            else:
                sys.modules["pytest"] = saved

        class MonkeyPatch:  # the one method of pytest's monkeypatch the snippet uses
            def __init__(self):
                self.saved = {}

            def setenv(self, name, value):
                self.saved.setdefault(name, os.environ.get(name))
                os.environ[name] = value

            def undo(self):
                for name, value in self.saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value

        rotor_gen = namespace["rotor"]()
        server = next(rotor_gen)
        try:
            namespace["test_round_trip"](server)
            mp = MonkeyPatch()
            try:
                namespace["kms_env"](server, mp)
                self.assertEqual(os.environ["AWS_ENDPOINT_URL_KMS"], server.url)
            finally:
                mp.undo()
        finally:
            rotor_gen.close()
        self.assertIsNotNone(server.proc.poll(), "the fixture's teardown stopped rotor")

    def test_stops_rotor_when_the_block_ends(self):
        with self.fixture.rotor_server("--clock", "virtual") as rotor:
            self.assertRegex(rotor.url, r"^http://127\.0\.0\.1:\d+$")
            with urllib.request.urlopen(rotor.url + "/_rotor/clock", timeout=5) as r:
                self.assertIs(json.load(r)["virtual"], True)
            env = rotor.env()
            self.assertEqual(env["AWS_ENDPOINT_URL_KMS"], rotor.url)
            key = rotor.client().create_key()["KeyMetadata"]
            self.assertEqual(key["Arn"], key_arn(key["KeyId"]))
            proc = rotor.proc
        self.assertIsNotNone(proc.poll(), "rotor still runs after the with block")
        with self.assertRaises(OSError):
            urllib.request.urlopen(rotor.url + "/_rotor/health", timeout=2)

    def test_stops_rotor_when_the_body_raises(self):
        with self.assertRaises(ZeroDivisionError):
            with self.fixture.rotor_server() as rotor:
                proc = rotor.proc
                1 / 0  # noqa: B018
        self.assertIsNotNone(proc.poll())

    def test_a_bad_flag_raises_with_rotors_output(self):
        with self.assertRaises(RuntimeError) as ctx:
            with self.fixture.rotor_server("--no-such-flag"):
                self.fail("started with a bad flag")
        self.assertIn("rotor did not start", str(ctx.exception))
        self.assertIn("--no-such-flag", str(ctx.exception))


# ------------------------------------------------------------------------------------------------
# Terraform

def terraform_tools():
    """(terraform path, provider mirror dir) when this machine can run the AWS provider offline,
    else None. ROTOR_TF_PLUGIN_DIR names a filesystem mirror (default /opt/tf-plugins)."""
    tf = shutil.which("terraform")
    mirror = os.environ.get("ROTOR_TF_PLUGIN_DIR", "/opt/tf-plugins")
    if tf and os.path.isdir(os.path.join(mirror, "registry.terraform.io", "hashicorp", "aws")):
        return tf, mirror
    return None


@unittest.skipUnless(binary_available(), f"rotor binary not found at {ROTOR_BIN}")
@unittest.skipUnless(os.environ.get("ROTOR_E2E_TERRAFORM") == "1",
                     "opt-in (ROTOR_E2E_TERRAFORM=1): 1 to 5 minutes, the provider waits for propagation")
@unittest.skipUnless(terraform_tools(), "terraform and a local hashicorp/aws provider mirror are not installed")
class TerraformTest(unittest.TestCase):
    """The doc's provider block with the real terraform: init, apply, a plan with no changes, destroy.

    Opt-in: the AWS provider sleeps between its propagation reads, so this takes a minute on an idle
    machine and five on a loaded one. Run it when the doc's Terraform block or the calls it makes
    change:  ROTOR_E2E_TERRAFORM=1 tests/e2e/python/run.sh -k TerraformTest"""

    def test_apply_plan_destroy(self):
        tf, mirror = terraform_tools()
        server = RotorServer(in_memory=True)
        self.addCleanup(server.cleanup)
        server.start()
        kms = server.client()
        work = tempfile.mkdtemp(prefix="rotor-tf-")
        self.addCleanup(shutil.rmtree, work, True)
        with open(os.path.join(work, "terraformrc"), "w") as f:
            f.write('provider_installation {\n'
                    f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
                    '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
                    '  direct { exclude = ["registry.terraform.io/hashicorp/aws"] }\n}\n')
        with open(os.path.join(work, "main.tf"), "w") as f:
            f.write('terraform {\n  required_providers {\n'
                    '    aws = { source = "hashicorp/aws" }\n  }\n}\n')
            f.write(doc_snippet("terraform").replace(DOC_URL, server.url))
        env = child_env({"TF_CLI_CONFIG_FILE": os.path.join(work, "terraformrc"), "TF_IN_AUTOMATION": "1",
                         "CHECKPOINT_DISABLE": "1", "TF_INPUT": "0"})

        def terraform(*args, rc=0, timeout=300):
            p = subprocess.run([tf, *args, "-no-color"], cwd=work, env=env, capture_output=True,
                               text=True, timeout=timeout)
            self.assertEqual(p.returncode, rc, f"terraform {' '.join(args)}:\n{p.stdout[-3000:]}\n"
                                               f"{p.stderr[-3000:]}\n--- rotor ---\n{server.log_tail()}")
            return p.stdout

        terraform("init", "-input=false")
        terraform("apply", "-auto-approve", "-input=false")
        alias = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/app"]
        self.assertEqual(len(alias), 1)
        key_id = alias[0]["TargetKeyId"]
        meta = kms.describe_key(KeyId="alias/app")["KeyMetadata"]
        self.assertEqual((meta["KeyId"], meta["Description"], meta["KeyState"]), (key_id, "app key", "Enabled"))
        status = kms.get_key_rotation_status(KeyId=key_id)
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"]), (True, 90))
        self.assertEqual(kms.list_resource_tags(KeyId=key_id)["Tags"], [{"TagKey": "team", "TagValue": "payments"}])
        # -detailed-exitcode: 0 means the provider reads back exactly what it wrote.
        terraform("plan", "-detailed-exitcode", "-input=false")
        terraform("destroy", "-auto-approve", "-input=false")
        self.assertEqual([a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/app"], [])
        meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        self.assertEqual(meta["KeyState"], "PendingDeletion")
        self.assertEqual(round((meta["DeletionDate"] - meta["CreationDate"]).total_seconds() / 86400), 7)


POLICY = json.dumps({
    "Version": "2012-10-17", "Id": "custom",
    "Statement": [{"Action": "kms:*", "Effect": "Allow",
                   "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"},
                   "Resource": "*", "Sid": "Root"}]})


class TerraformReplayTest(ServerTestCase):
    """The calls hashicorp/aws 5.100.0 made for aws_kms_key and aws_kms_alias (recorded from its
    TF_LOG=DEBUG output against Rotor), replayed with boto3 in the same order. Each answer is
    checked for the members the provider reads."""

    in_memory = True

    def read_key(self, key_id: str) -> dict:
        """The provider's read of aws_kms_key: DescribeKey, GetKeyPolicy, GetKeyRotationStatus,
        ListResourceTags. Returns the four answers."""
        meta = self.kms.describe_key(KeyId=key_id)["KeyMetadata"]
        for member in ("Arn", "KeyId", "Description", "Enabled", "KeyState", "KeyUsage", "KeySpec",
                       "CustomerMasterKeySpec", "MultiRegion", "Origin", "KeyManager", "CreationDate"):
            self.assertIn(member, meta)
        self.assertEqual(meta["Arn"], key_arn(key_id))
        policy = self.kms.get_key_policy(KeyId=key_id, PolicyName="default")
        self.assertEqual(policy["PolicyName"], "default")
        json.loads(policy["Policy"])
        rotation = self.kms.get_key_rotation_status(KeyId=key_id)
        self.assertIn("KeyRotationEnabled", rotation)
        tags = self.kms.list_resource_tags(KeyId=key_id)
        self.assertIs(tags["Truncated"], False)
        return {"meta": meta, "policy": policy, "rotation": rotation, "tags": tags["Tags"]}

    def wait_same(self, call, times=5):
        """The provider's propagation waiter: the same answer `times` times in a row."""
        answers = [call() for _ in range(times)]
        for a in answers:
            a.pop("ResponseMetadata", None)
        self.assertTrue(all(a == answers[0] for a in answers), answers)
        return answers[0]

    def test_key_and_alias_create_update_destroy(self):
        kms = self.kms
        # --- create aws_kms_key.app
        created = kms.create_key(CustomerMasterKeySpec="SYMMETRIC_DEFAULT", Description="app key",
                                 KeyUsage="ENCRYPT_DECRYPT", Tags=[{"TagKey": "team", "TagValue": "payments"}])
        key_id = created["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
        status = self.wait_same(lambda: kms.get_key_rotation_status(KeyId=key_id))
        self.assertEqual(status["KeyRotationEnabled"], True)
        self.assertEqual(status["RotationPeriodInDays"], 90)
        self.assertEqual(status["KeyId"], key_arn(key_id))
        self.assertIn("NextRotationDate", status)
        tags = self.wait_same(lambda: kms.list_resource_tags(KeyId=key_id))
        self.assertEqual(tags["Tags"], [{"TagKey": "team", "TagValue": "payments"}])
        read = self.read_key(key_id)
        self.assertEqual((read["meta"]["Description"], read["meta"]["KeyState"], read["meta"]["MultiRegion"]),
                         ("app key", "Enabled", False))
        # --- create aws_kms_alias.app
        self.assertEqual(kms.create_alias(AliasName="alias/app", TargetKeyId=key_id)["ResponseMetadata"]
                         ["HTTPStatusCode"], 200)
        found = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/app"]
        self.assertEqual(len(found), 1)
        self.assertEqual(found[0]["TargetKeyId"], key_id)
        self.assertEqual(found[0]["AliasArn"], alias_arn("alias/app"))
        for member in ("CreationDate", "LastUpdatedDate"):
            self.assertIn(member, found[0])

        # --- update: tags, rotation off, description; a second key with a policy, created disabled
        self.read_key(key_id)
        kms.list_aliases()
        kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "env", "TagValue": "dev"},
                                             {"TagKey": "team", "TagValue": "ledger"}])
        other = kms.create_key(CustomerMasterKeySpec="SYMMETRIC_DEFAULT", Description="other",
                               KeyUsage="ENCRYPT_DECRYPT", Policy=POLICY)["KeyMetadata"]["KeyId"]
        kms.disable_key(KeyId=other)
        tags = self.wait_same(lambda: kms.list_resource_tags(KeyId=key_id))
        self.assertEqual(sorted((t["TagKey"], t["TagValue"]) for t in tags["Tags"]),
                         [("env", "dev"), ("team", "ledger")])
        self.assertEqual(self.wait_same(lambda: kms.describe_key(KeyId=other))["KeyMetadata"]["Enabled"], False)
        kms.disable_key_rotation(KeyId=key_id)
        status = self.wait_same(lambda: kms.get_key_rotation_status(KeyId=key_id))
        self.assertEqual(status["KeyRotationEnabled"], False)
        kms.update_key_description(Description="app key v2", KeyId=key_id)
        self.assertEqual(self.wait_same(lambda: kms.describe_key(KeyId=key_id))["KeyMetadata"]["Description"],
                         "app key v2")
        self.read_key(key_id)
        policy = self.wait_same(lambda: kms.get_key_policy(KeyId=other, PolicyName="default"))
        self.assertEqual(json.loads(policy["Policy"]), json.loads(POLICY))
        read = self.read_key(other)
        self.assertEqual((read["meta"]["Enabled"], read["meta"]["KeyState"]), (False, "Disabled"))
        # the update path's other calls: UntagResource, PutKeyPolicy, EnableKey
        kms.untag_resource(KeyId=key_id, TagKeys=["env"])
        self.assertEqual(self.wait_same(lambda: kms.list_resource_tags(KeyId=key_id))["Tags"],
                         [{"TagKey": "team", "TagValue": "ledger"}])
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=POLICY)
        self.assertEqual(json.loads(self.wait_same(lambda: kms.get_key_policy(KeyId=key_id, PolicyName="default"))
                                    ["Policy"]), json.loads(POLICY))
        kms.enable_key(KeyId=other)
        self.assertEqual(self.wait_same(lambda: kms.describe_key(KeyId=other))["KeyMetadata"]["KeyState"], "Enabled")

        # --- destroy: refresh, DeleteAlias, ScheduleKeyDeletion, wait for PendingDeletion
        self.read_key(key_id)
        kms.list_aliases()
        kms.delete_alias(AliasName="alias/app")
        for kid in (key_id, other):
            answer = kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
            self.assertEqual(answer["KeyId"], key_arn(kid))
            self.assertEqual(answer["KeyState"], "PendingDeletion")
            self.assertEqual(answer["PendingWindowInDays"], 7)
            self.assertIn("DeletionDate", answer)
            meta = kms.describe_key(KeyId=kid)["KeyMetadata"]
            # PendingDeletionWindowInDays is only for a multi-Region primary in PendingReplicaDeletion.
            self.assertEqual((meta["KeyState"], meta["Enabled"]), ("PendingDeletion", False))
            self.assertNotIn("PendingDeletionWindowInDays", meta)
            self.assertEqual(meta["DeletionDate"], answer["DeletionDate"])
        self.assertEqual([a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/app"], [])

    def test_grant_create_read_destroy(self):
        """aws_kms_grant: CreateGrant, ListGrants until the grant appears (and on every read),
        RetireGrant (retire_on_delete = true) or RevokeGrant, ListGrants until it is gone."""
        kms = self.kms
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        grantee = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/app"
        for retire in (True, False):
            created = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Name="app",
                                       Operations=["Encrypt", "Decrypt"], RetiringPrincipal=grantee)
            grant_id = created["GrantId"]
            self.assertIn("GrantToken", created)
            grants = {g["GrantId"]: g for g in kms.list_grants(KeyId=key_id)["Grants"]}
            self.assertIn(grant_id, grants)
            g = grants[grant_id]
            self.assertEqual((g["KeyId"], g["GranteePrincipal"], g["Name"], sorted(g["Operations"])),
                             (key_arn(key_id), grantee, "app", ["Decrypt", "Encrypt"]))
            if retire:
                kms.retire_grant(KeyId=key_arn(key_id), GrantId=grant_id)
            else:
                kms.revoke_grant(KeyId=key_id, GrantId=grant_id)
            self.assertNotIn(grant_id, [g["GrantId"] for g in kms.list_grants(KeyId=key_id)["Grants"]])

    def test_replica_key_create_read_destroy(self):
        """aws_kms_key with multi_region = true, then aws_kms_replica_key: ReplicateKey in the
        primary's Region, DescribeKey in the replica's Region until Enabled, the read (DescribeKey,
        GetKeyPolicy, ListResourceTags), and ScheduleKeyDeletion in the replica's Region."""
        primary = self.kms
        replica_region = "eu-west-1"
        replica = self.server.client(region=replica_region)
        meta = primary.create_key(Description="primary", MultiRegion=True)["KeyMetadata"]
        self.assertEqual((meta["MultiRegion"], meta["MultiRegionConfiguration"]["MultiRegionKeyType"]),
                         (True, "PRIMARY"))
        key_id = meta["KeyId"]
        self.assertTrue(key_id.startswith("mrk-"))
        answer = primary.replicate_key(KeyId=meta["Arn"], ReplicaRegion=replica_region, Description="replica",
                                       Tags=[{"TagKey": "team", "TagValue": "payments"}])
        replica_arn = key_arn(key_id, region=replica_region)
        self.assertEqual(answer["ReplicaKeyMetadata"]["Arn"], replica_arn)
        self.assertIn("ReplicaPolicy", answer)
        rmeta = self.wait_same(lambda: replica.describe_key(KeyId=replica_arn))["KeyMetadata"]
        self.assertEqual(rmeta["KeyState"], "Enabled")
        self.assertEqual(rmeta["MultiRegionConfiguration"]["MultiRegionKeyType"], "REPLICA")
        self.assertEqual(rmeta["MultiRegionConfiguration"]["PrimaryKey"]["Arn"], meta["Arn"])
        self.assertEqual(replica.get_key_policy(KeyId=replica_arn, PolicyName="default")["PolicyName"], "default")
        self.assertEqual(replica.list_resource_tags(KeyId=replica_arn)["Tags"],
                         [{"TagKey": "team", "TagValue": "payments"}])
        deleted = replica.schedule_key_deletion(KeyId=replica_arn, PendingWindowInDays=7)
        self.assertEqual((deleted["KeyId"], deleted["KeyState"]), (replica_arn, "PendingDeletion"))


if __name__ == "__main__":
    unittest.main()
