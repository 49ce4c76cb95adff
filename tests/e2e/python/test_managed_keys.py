"""Issue 13 section 2: AWS managed keys and the predefined alias/aws/* aliases, driven with boto3 and
the aws CLI against the real binary.

Every account and Region lists the predefined aliases (without TargetKeyId until their key exists);
the first use of one creates its AWS managed key (KeyManager AWS, AWS's description and key policy, a
stable key id); AWS managed keys rotate every 365 days on the clock, always; everything AWS forbids on
them answers AccessDeniedException (docs/aws-kms-behaviour.md, "AWS managed keys").
"""
import concurrent.futures
import datetime as dt
import json
import os
import tempfile
import unittest

from rotor_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, ServerTestCase, alias_arn, fresh_account_key,
                           iso, key_arn, parse_iso, run_rotor, utc)

T0_TEXT = "2030-01-01T00:00:00Z"
T0 = parse_iso(T0_TEXT)
DAY = dt.timedelta(days=1)
EXACT = ["--clock", "virtual", "--clock-start", T0_TEXT, "--rotation-jitter", "0"]

PREDEFINED = ["alias/aws/" + s for s in (
    "acm", "dynamodb", "ebs", "elasticfilesystem", "es", "glue", "kinesisvideo", "lambda", "rds",
    "redshift", "s3", "secretsmanager", "ssm", "xray")]
S3_DESCRIPTION = "Default key that protects my S3 objects when no other key is defined"


def denied(operation, resource_arn, account=DEFAULT_ACCOUNT):
    return (f"User: arn:aws:iam::{account}:root is not authorized to perform: kms:{operation} on resource: "
            f"{resource_arn} because no resource-based policy allows the kms:{operation} action")


def all_aliases(kms, **kw):
    out, marker = [], None
    for _ in range(1000):
        page = kms.list_aliases(**kw, **({"Marker": marker} if marker else {}))
        out += page["Aliases"]
        if not page["Truncated"]:
            return out
        marker = page["NextMarker"]
    raise AssertionError("ListAliases never ended")


class ManagedKeysTest(ServerTestCase):
    """One shared server; each test works in an account of its own."""

    def account(self):
        key = fresh_account_key()
        return key, self.server.client(access_key=key)

    def test_a_new_account_lists_the_predefined_aliases_without_target(self):
        account, kms = self.account()
        listed = all_aliases(kms)
        self.assertEqual([a["AliasName"] for a in listed], PREDEFINED)
        for a in listed:
            self.assertEqual(a, {"AliasName": a["AliasName"],
                                 "AliasArn": alias_arn(a["AliasName"], account=account)})
        # Customer aliases page with them in name order.
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        for name in ("alias/app", "alias/zeta", "alias/aws-lookalike"):
            kms.create_alias(AliasName=name, TargetKeyId=kid)
        names, marker, sizes = [], None, []
        for _ in range(20):
            page = kms.list_aliases(Limit=4, **({"Marker": marker} if marker else {}))
            sizes.append(len(page["Aliases"]))
            names += [a["AliasName"] for a in page["Aliases"]]
            if not page["Truncated"]:
                break
            marker = page["NextMarker"]
        self.assertEqual(names, sorted(PREDEFINED + ["alias/app", "alias/zeta", "alias/aws-lookalike"]))
        self.assertEqual(sizes, [4, 4, 4, 4, 1])
        # The KeyId filter lists only aliases of that key.
        self.assertEqual(sorted(a["AliasName"] for a in kms.list_aliases(KeyId=kid)["Aliases"]),
                         ["alias/app", "alias/aws-lookalike", "alias/zeta"])
        # Another Region lists its own.
        other = self.server.client(region="eu-west-1", access_key=account)
        self.assertIn(alias_arn("alias/aws/s3", region="eu-west-1", account=account),
                      [a["AliasArn"] for a in all_aliases(other)])

    def test_terraform_data_aws_kms_alias_reads_alias_aws_s3(self):
        """data "aws_kms_alias" { name = "alias/aws/s3" }: DescribeKey on the alias, then ListAliases."""
        account, kms = self.account()
        md = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        arn = key_arn(md["KeyId"], account=account)
        self.assertEqual((md["Arn"], md["KeyManager"], md["Description"], md["KeySpec"], md["KeyUsage"],
                          md["KeyState"], md["Enabled"], md["Origin"]),
                         (arn, "AWS", S3_DESCRIPTION, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "Enabled", True,
                          "AWS_KMS"))
        entry = [a for a in all_aliases(kms) if a["AliasName"] == "alias/aws/s3"]
        self.assertEqual(len(entry), 1)
        self.assertEqual(entry[0]["TargetKeyId"], md["KeyId"])
        self.assertEqual(entry[0]["AliasArn"], alias_arn("alias/aws/s3", account=account))
        self.assertIn("CreationDate", entry[0])
        # The same key from then on, by alias name and alias ARN.
        self.assertEqual(kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]["KeyId"], md["KeyId"])
        self.assertEqual(kms.describe_key(KeyId=alias_arn("alias/aws/s3", account=account))["KeyMetadata"]["KeyId"],
                         md["KeyId"])
        self.assertEqual([k["KeyId"] for k in kms.list_keys()["Keys"]], [md["KeyId"]])
        policy = json.loads(kms.get_key_policy(KeyId=md["KeyId"], PolicyName="default")["Policy"])
        via = policy["Statement"][0]["Condition"]["StringEquals"]
        self.assertEqual(via, {"kms:CallerAccount": account, "kms:ViaService": f"s3.{DEFAULT_REGION}.amazonaws.com"})
        st = kms.get_key_rotation_status(KeyId=md["KeyId"])
        self.assertIs(st["KeyRotationEnabled"], True)
        self.assertEqual(st["RotationPeriodInDays"], 365)
        self.assertIn("NextRotationDate", st)
        # The same read with the aws CLI v2.
        rc, out, err = self.server.cli_v2(["kms", "describe-key", "--key-id", "alias/aws/s3"], access_key=account)
        self.assertEqual(rc, 0, err)
        self.assertEqual((out["KeyMetadata"]["KeyId"], out["KeyMetadata"]["KeyManager"]), (md["KeyId"], "AWS"))
        rc, out, err = self.server.cli_v2(["kms", "list-aliases"], access_key=account)
        self.assertEqual(rc, 0, err)
        by_name = {a["AliasName"]: a for a in out["Aliases"]}
        self.assertEqual(by_name["alias/aws/s3"]["TargetKeyId"], md["KeyId"])
        self.assertNotIn("TargetKeyId", by_name["alias/aws/ebs"])

    def test_first_use_by_encrypt_generate_data_key_and_re_encrypt(self):
        account, kms = self.account()
        ct = kms.encrypt(KeyId="alias/aws/ebs", Plaintext=b"volume")["CiphertextBlob"]
        ebs = kms.describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]
        self.assertEqual(ebs["Description"], "Default key that protects my EBS volumes when no other key is defined")
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"volume")
        dk = kms.generate_data_key(KeyId="alias/aws/lambda", KeySpec="AES_256")
        lam = kms.describe_key(KeyId="alias/aws/lambda")["KeyMetadata"]
        self.assertEqual(dk["KeyId"], lam["Arn"])
        self.assertEqual(lam["KeyManager"], "AWS")
        kms.generate_data_key_without_plaintext(KeyId="alias/aws/glue", NumberOfBytes=16)
        out = kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId="alias/aws/rds")
        rds = kms.describe_key(KeyId="alias/aws/rds")["KeyMetadata"]
        self.assertEqual(rds["Description"],
                         "Default key that protects my RDS database volumes when no other key is defined")
        self.assertEqual(kms.decrypt(CiphertextBlob=out["CiphertextBlob"])["Plaintext"], b"volume")
        targets = {a["AliasName"]: a.get("TargetKeyId") for a in all_aliases(kms)}
        self.assertEqual({n for n, t in targets.items() if t},
                         {"alias/aws/ebs", "alias/aws/lambda", "alias/aws/glue", "alias/aws/rds"})
        self.assertEqual(len(kms.list_keys()["Keys"]), 4)

    def test_concurrent_first_uses_create_one_key(self):
        _account, kms = self.account()
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            ids = list(pool.map(lambda _: kms.describe_key(KeyId="alias/aws/xray")["KeyMetadata"]["KeyId"],
                                range(16)))
        self.assertEqual(len(set(ids)), 1)
        self.assertEqual([k["KeyId"] for k in kms.list_keys()["Keys"]], ids[:1])

    def test_every_forbidden_operation_answers_access_denied(self):
        account, kms = self.account()
        md = kms.describe_key(KeyId="alias/aws/secretsmanager")["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        mine = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/mine", TargetKeyId=mine)
        calls = [
            ("DisableKey", kms.disable_key, {"KeyId": kid}),
            ("EnableKey", kms.enable_key, {"KeyId": kid}),
            ("ScheduleKeyDeletion", kms.schedule_key_deletion, {"KeyId": kid, "PendingWindowInDays": 7}),
            ("CancelKeyDeletion", kms.cancel_key_deletion, {"KeyId": arn}),
            ("UpdateKeyDescription", kms.update_key_description, {"KeyId": kid, "Description": "mine now"}),
            ("PutKeyPolicy", kms.put_key_policy,
             {"KeyId": kid, "PolicyName": "default", "Policy": '{"Version":"2012-10-17","Statement":[]}'}),
            ("TagResource", kms.tag_resource, {"KeyId": kid, "Tags": [{"TagKey": "a", "TagValue": "b"}]}),
            ("UntagResource", kms.untag_resource, {"KeyId": kid, "TagKeys": ["a"]}),
            ("EnableKeyRotation", kms.enable_key_rotation, {"KeyId": kid, "RotationPeriodInDays": 90}),
            ("DisableKeyRotation", kms.disable_key_rotation, {"KeyId": kid}),
            ("RotateKeyOnDemand", kms.rotate_key_on_demand, {"KeyId": kid}),
            ("GetParametersForImport", kms.get_parameters_for_import,
             {"KeyId": kid, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}),
            ("CreateAlias", kms.create_alias, {"AliasName": "alias/to-managed", "TargetKeyId": kid}),
            ("UpdateAlias", kms.update_alias, {"AliasName": "alias/mine", "TargetKeyId": kid}),
        ]
        for op, fn, kw in calls:
            with self.subTest(op=op):
                self.assert_client_error(fn, "AccessDeniedException", denied(op, arn, account), **kw)
        secrets_alias = alias_arn("alias/aws/secretsmanager", account=account)
        for op, fn, kw in (("DeleteAlias", kms.delete_alias, {"AliasName": "alias/aws/secretsmanager"}),
                           ("UpdateAlias", kms.update_alias,
                            {"AliasName": "alias/aws/secretsmanager", "TargetKeyId": mine}),
                           ("DeleteAlias", kms.delete_alias, {"AliasName": "alias/aws/ebs"})):
            with self.subTest(op=op, alias=kw["AliasName"]):
                self.assert_client_error(fn, "AccessDeniedException",
                                         denied(op, alias_arn(kw["AliasName"], account=account), account), **kw)
        self.assertEqual(secrets_alias, alias_arn("alias/aws/secretsmanager", account=account))
        self.assert_client_error(kms.create_alias, "InvalidAliasNameException",
                                 "Alias alias/aws/s3 cannot be created: the alias/aws/ prefix is reserved for "
                                 "AWS managed keys.", AliasName="alias/aws/s3", TargetKeyId=mine)
        # The aws CLI shows the same.
        res = self.server.cli_v2(["kms", "disable-key", "--key-id", kid], access_key=account)
        self.assert_cli_error(res, "AccessDeniedException", denied("DisableKey", arn, account), "DisableKey")
        res = self.server.cli_v2(["kms", "delete-alias", "--alias-name", "alias/aws/secretsmanager"],
                                 access_key=account)
        self.assert_cli_error(res, "AccessDeniedException", denied("DeleteAlias", secrets_alias, account),
                              "DeleteAlias")
        # Nothing changed, and the reads all answer.
        after = kms.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual(after, md)
        self.assertEqual(kms.list_resource_tags(KeyId=kid)["Tags"], [])
        self.assertEqual(kms.list_key_policies(KeyId=kid)["PolicyNames"], ["default"])
        self.assertEqual(kms.list_key_rotations(KeyId=kid)["Rotations"], [])
        self.assertEqual(kms.describe_key(KeyId="alias/mine")["KeyMetadata"]["KeyId"], mine)
        self.assertEqual([a["TargetKeyId"] for a in kms.list_aliases(KeyId=kid)["Aliases"]], [kid])


class ManagedKeyRotationTest(ServerTestCase):
    """Servers of their own: a virtual clock, or a data dir to restart on."""

    @classmethod
    def setUpClass(cls):
        super(ServerTestCase, cls).setUpClass()

    def test_three_years_rotate_an_aws_managed_key_three_times(self):
        srv = self.fresh_server(EXACT, in_memory=True)
        kms = srv.client()
        md = kms.describe_key(KeyId="alias/aws/s3")["KeyMetadata"]
        kid = md["KeyId"]
        self.assertEqual(utc(md["CreationDate"]), T0)
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual((st["KeyRotationEnabled"], st["RotationPeriodInDays"], utc(st["NextRotationDate"])),
                         (True, 365, T0 + 365 * DAY))
        ct = kms.encrypt(KeyId="alias/aws/s3", Plaintext=b"year zero")["CiphertextBlob"]

        fired = srv.advance_clock(f"{3 * 365 + 1}d")["fired"]
        mine = [(e["event"], e["time"]) for e in fired if e["keyId"] in (kid, md["Arn"])]
        self.assertEqual(mine, [("RotateKey", iso(T0 + 365 * k * DAY)) for k in (1, 2, 3)])

        rotations = kms.list_key_rotations(KeyId=kid)["Rotations"]
        self.assertEqual([(r["RotationType"], utc(r["RotationDate"])) for r in rotations],
                         [("AUTOMATIC", T0 + 365 * k * DAY) for k in (1, 2, 3)])
        st = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual((st["KeyRotationEnabled"], st["RotationPeriodInDays"], utc(st["NextRotationDate"])),
                         (True, 365, T0 + 4 * 365 * DAY))
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"year zero")
        self.assertEqual(kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"],
                         rotations[-1]["KeyMaterialId"])
        # The audit trail, the dashboard's key API and the report.
        status, doc = srv.admin("GET", f"/_rotor/events?name=RotateKey&key={md['Arn']}")
        self.assertEqual(status, 200, doc)
        self.assertEqual([(e["eventType"], e["eventTime"], e["serviceEventDetails"]["rotationType"],
                           e["serviceEventDetails"]["keyMaterialId"]) for e in doc["events"]],
                         [("AwsServiceEvent", iso(T0 + 365 * k * DAY), "AUTOMATIC", r["KeyMaterialId"])
                          for k, r in zip((1, 2, 3), rotations)])
        status, keys = srv.admin("GET", "/_rotor/keys")
        self.assertEqual(status, 200, keys)
        entry = [k for k in keys["keys"] if k["keyId"] == kid][0]
        self.assertEqual((entry["keyManager"], entry["aliases"], entry["versions"], entry["rotation"]["periodDays"]),
                         ("AWS", ["alias/aws/s3"], 4, 365))
        status, rep = srv.admin("GET", "/_rotor/report")
        self.assertEqual(status, 200, rep)
        self.assertEqual((rep["awsManagedKeys"], rep["symmetricCustomerKeys"], rep["rotationCoveragePct"]),
                         (1, 0, 100.0))
        self.assertEqual(rep["scopes"][0]["rotationOverdue"], [])
        self.assertEqual(rep["scopes"][0]["cannotRotateAutomatically"], [])

    def test_a_managed_key_survives_restart_and_export_then_seed(self):
        srv = self.fresh_server(EXACT, in_memory=False)
        kms = srv.client()
        md = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        ct = kms.encrypt(KeyId="alias/aws/dynamodb", Plaintext=b"table")["CiphertextBlob"]
        srv.advance_clock("366d")
        srv.restart()
        kms = srv.client()
        again = kms.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        self.assertEqual((again["KeyId"], again["KeyManager"], again["CreationDate"]),
                         (md["KeyId"], "AWS", md["CreationDate"]))
        self.assertEqual([k["KeyId"] for k in kms.list_keys()["Keys"]], [md["KeyId"]])
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"table")
        self.assertEqual(len(kms.list_key_rotations(KeyId=md["KeyId"])["Rotations"]), 1)
        self.assert_client_error(kms.disable_key, "AccessDeniedException", denied("DisableKey", md["Arn"]),
                                 KeyId=md["KeyId"])
        srv.stop()

        # rotor export --include-material, then a fresh Rotor seeded from it.
        out = os.path.join(tempfile.mkdtemp(prefix="rotor-managed-"), "seed.json")
        p = run_rotor(["export"] + srv.store_args() + ["--include-material", "--format", "json",
                       "--output", out])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(out) as f:
            doc = json.load(f)
        entry = doc["Keys"]["Symmetric"]["Aes"][0]
        self.assertEqual((entry["Metadata"]["KeyId"], entry["Metadata"]["KeyManager"]), (md["KeyId"], "AWS"))
        self.assertIn({"AliasName": "alias/aws/dynamodb", "TargetKeyId": md["KeyId"]},
                      [{k: a[k] for k in ("AliasName", "TargetKeyId")} for a in doc["Aliases"]])
        seeded = self.fresh_server(EXACT + ["--seed-file", out], in_memory=True)
        kms2 = seeded.client()
        got = kms2.describe_key(KeyId="alias/aws/dynamodb")["KeyMetadata"]
        self.assertEqual((got["KeyId"], got["KeyManager"], got["Description"]),
                         (md["KeyId"], "AWS", md["Description"]))
        self.assertEqual(kms2.decrypt(CiphertextBlob=ct)["Plaintext"], b"table")
        self.assertEqual(kms2.get_key_rotation_status(KeyId=md["KeyId"])["RotationPeriodInDays"], 365)


if __name__ == "__main__":
    unittest.main()
