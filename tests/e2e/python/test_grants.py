"""Issue 13 section 1: grants. CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and
RevokeGrant with boto3 and the aws CLI; the Name rule, pagination, grant tokens on other
operations, the quota (lowered with --grants-per-key-limit), restarts, key deletion, the audit
trail, seed files, `rotor export` and the dashboard's key detail. Time moves only through the
virtual clock. Texts Rotor chose where AWS's are not on record: docs/aws-kms-behaviour.md."""
import json
import os
import shutil
import tempfile
import unittest
import urllib.parse

import yaml

from rotor_harness import (DEFAULT_ACCOUNT, ROTOR_BIN, RotorServer, RotorTestCase, binary_available,
                           key_arn, run_rotor)

T0_TEXT = "2030-01-01T00:00:00Z"
VIRTUAL = ["--clock", "virtual", "--clock-start", T0_TEXT, "--rotation-jitter", "0"]
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/app"
OPS = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/ops"
ROOT = f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"


class GrantsTestCase(RotorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not binary_available():
            raise unittest.SkipTest(f"rotor binary not found at {ROTOR_BIN}")

    def server(self, args=(), **kw):
        srv = RotorServer(list(VIRTUAL) + list(args), **kw)
        self.addCleanup(srv.cleanup)
        srv.start()
        return srv

    def grants(self, kms, key_id, **kw):
        out = kms.list_grants(KeyId=key_id, **kw)
        return out["Grants"]


class GrantOperationsTest(GrantsTestCase):

    def setUp(self):
        self.srv = self.server()
        self.kms = self.srv.client()
        self.key = self.kms.create_key()["KeyMetadata"]
        self.kid = self.key["KeyId"]

    def test_create_and_list_every_member(self):
        kms, kid = self.kms, self.kid
        created = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS,
                                   Operations=["Encrypt", "Decrypt", "Decrypt"], Name="app",
                                   Constraints={"EncryptionContextSubset": {"Dept": "IT"}})
        gid, token = created["GrantId"], created["GrantToken"]
        self.assertRegex(gid, r"^[0-9a-f]{64}$")
        self.assertTrue(token.startswith("AQpA"), token)
        self.assertEqual(set(created) - {"ResponseMetadata"}, {"GrantId", "GrantToken"})
        [g] = self.grants(kms, kid)
        creation = g.pop("CreationDate")
        self.assertEqual(creation.isoformat(), "2030-01-01T00:00:00+00:00")
        self.assertEqual(g, {"KeyId": key_arn(kid), "GrantId": gid, "Name": "app",
                             "GranteePrincipal": ROLE, "RetiringPrincipal": OPS, "IssuingAccount": ROOT,
                             "Operations": ["Encrypt", "Decrypt"],
                             "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}})
        # A grant without the optional members lists without them; the key ARN names the key too.
        plain = kms.create_grant(KeyId=key_arn(kid), GranteePrincipal=DEFAULT_ACCOUNT,
                                 Operations=["DescribeKey"])["GrantId"]
        [p] = self.grants(kms, kid, GrantId=plain)
        self.assertNotIn("Name", p)
        self.assertNotIn("RetiringPrincipal", p)
        self.assertNotIn("Constraints", p)
        # Filters.
        self.assertEqual([x["GrantId"] for x in self.grants(kms, kid, GranteePrincipal=ROLE)], [gid])
        self.assertEqual(self.grants(kms, kid, GrantId="f" * 64), [])
        self.assertEqual(self.grants(kms, kid, GrantId=gid, GranteePrincipal=DEFAULT_ACCOUNT), [])
        self.assert_client_error(kms.list_grants, "InvalidGrantIdException", "Invalid grantId 'nope'",
                                 KeyId=kid, GrantId="nope")

    def test_name_rule_same_parameters_same_grant(self):
        kms, kid = self.kms, self.kid
        kw = dict(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt", "Encrypt"], Name="retry")
        a = kms.create_grant(**kw)
        b = kms.create_grant(**dict(kw, Operations=["Encrypt", "Decrypt"]))
        self.assertEqual(a["GrantId"], b["GrantId"])
        self.assertNotEqual(a["GrantToken"], b["GrantToken"])
        c = kms.create_grant(**dict(kw, RetiringPrincipal=OPS))  # other parameters: a new grant
        self.assertNotEqual(c["GrantId"], a["GrantId"])
        d = kms.create_grant(**{k: v for k, v in kw.items() if k != "Name"})  # no Name: always new
        self.assertNotEqual(d["GrantId"], a["GrantId"])
        self.assertEqual(len(self.grants(kms, kid)), 3)
        # The same Name on another key is another grant.
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        self.assertNotEqual(kms.create_grant(**dict(kw, KeyId=other))["GrantId"], a["GrantId"])

    def test_pagination_with_limit_and_marker(self):
        kms, kid = self.kms, self.kid
        made = sorted(kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"])["GrantId"]
                      for _ in range(5))
        seen, marker = [], None
        for _ in range(10):
            kw = {"Limit": 2}
            if marker:
                kw["Marker"] = marker
            page = kms.list_grants(KeyId=kid, **kw)
            seen += [g["GrantId"] for g in page["Grants"]]
            self.assertEqual(page["Truncated"], "NextMarker" in page)
            if not page["Truncated"]:
                break
            marker = page["NextMarker"]
        self.assertEqual(seen, made)
        self.assert_client_error(kms.list_grants, "InvalidMarkerException", KeyId=kid, Marker="bogus")
        self.assert_client_error(kms.list_grants, "ValidationException", KeyId=kid, Limit=0)
        # boto3's paginator walks the same pages.
        pages = kms.get_paginator("list_grants").paginate(KeyId=kid, PaginationConfig={"PageSize": 2})
        self.assertEqual([g["GrantId"] for p in pages for g in p["Grants"]], made)

    def test_retire_by_token_and_by_key_and_grant_id_and_revoke(self):
        kms, kid = self.kms, self.kid
        by_token = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS,
                                    Operations=["Decrypt"])
        by_id = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS,
                                 Operations=["Encrypt"])["GrantId"]
        revoked = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Encrypt"])["GrantId"]
        other_key = kms.create_key()["KeyMetadata"]["KeyId"]
        elsewhere = kms.create_grant(KeyId=other_key, GranteePrincipal=ROLE, RetiringPrincipal=OPS,
                                     Operations=["DescribeKey"])["GrantId"]

        retirable = kms.list_retirable_grants(RetiringPrincipal=OPS)
        self.assertEqual(sorted(g["GrantId"] for g in retirable["Grants"]),
                         sorted([by_token["GrantId"], by_id, elsewhere]))
        self.assertFalse(retirable["Truncated"])
        page = kms.list_retirable_grants(RetiringPrincipal=OPS, Limit=2)
        self.assertTrue(page["Truncated"])
        rest = kms.list_retirable_grants(RetiringPrincipal=OPS, Limit=2, Marker=page["NextMarker"])
        self.assertEqual(len(page["Grants"]) + len(rest["Grants"]), 3)
        self.assertEqual(kms.list_retirable_grants(RetiringPrincipal=ROLE)["Grants"], [])
        self.assert_client_error(kms.list_retirable_grants, "InvalidArnException",
                                 "ARN does not refer to a valid principal: ops", RetiringPrincipal="ops")

        # DryRun: every check, then DryRunOperationException; nothing is retired.
        self.assert_client_error(kms.retire_grant, "DryRunOperationException",
                                 "The request would have succeeded, but the DryRun option is set.",
                                 status=400, GrantToken=by_token["GrantToken"], DryRun=True)
        kms.retire_grant(GrantToken=by_token["GrantToken"])
        self.assert_client_error(kms.retire_grant, "NotFoundException",
                                 f"Grant ID {by_token['GrantId']} not found", GrantToken=by_token["GrantToken"])
        kms.retire_grant(KeyId=key_arn(kid), GrantId=by_id)
        self.assert_client_error(kms.revoke_grant, "DryRunOperationException", status=400,
                                 KeyId=kid, GrantId=revoked, DryRun=True)
        kms.revoke_grant(KeyId=kid, GrantId=revoked)
        self.assertEqual(self.grants(kms, kid), [])

        # Errors, each as the operation answers it.
        self.assert_client_error(kms.retire_grant, "InvalidGrantTokenException", "Invalid grant token",
                                 GrantToken="not-a-token")
        self.assert_client_error(kms.retire_grant, "ValidationException",
                                 "Either GrantToken, or both KeyId and GrantId, must be specified.",
                                 GrantId=elsewhere)
        self.assert_client_error(kms.retire_grant, "NotFoundException", f"Grant ID {by_id} not found",
                                 KeyId=kid, GrantId=by_id)
        self.assert_client_error(kms.retire_grant, "InvalidGrantIdException", "Invalid grantId 'x'",
                                 KeyId=kid, GrantId="x")
        self.assert_client_error(kms.revoke_grant, "NotFoundException", f"Grant ID {revoked} not found",
                                 KeyId=kid, GrantId=revoked)
        self.assert_client_error(kms.revoke_grant, "InvalidGrantIdException", "Invalid grantId 'x'",
                                 KeyId=kid, GrantId="x")
        # The grant of another key is not found through this key.
        self.assert_client_error(kms.revoke_grant, "NotFoundException", f"Grant ID {elsewhere} not found",
                                 KeyId=kid, GrantId=elsewhere)
        missing = "00000000-0000-4000-8000-000000000000"
        self.assert_client_error(kms.revoke_grant, "NotFoundException",
                                 f"Key '{key_arn(missing)}' does not exist", KeyId=missing, GrantId=elsewhere)

    def test_create_grant_refusals(self):
        kms, kid = self.kms, self.kid
        self.assert_client_error(
            kms.create_grant, "ValidationException",
            "Grant operations [Sign] are not valid for a KMS key with KeySpec SYMMETRIC_DEFAULT and "
            "KeyUsage ENCRYPT_DECRYPT.", KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt", "Sign"])
        self.assert_client_error(kms.create_grant, "ValidationException",
                                 "Grants must not contain only the CreateGrant operation.",
                                 KeyId=kid, GranteePrincipal=ROLE, Operations=["CreateGrant"])
        self.assert_client_error(kms.create_grant, "InvalidArnException",
                                 "ARN does not refer to a valid principal: alice",
                                 KeyId=kid, GranteePrincipal="alice", Operations=["Decrypt"])
        self.assert_client_error(kms.create_grant, "InvalidArnException",
                                 f"ARN does not refer to a valid principal: {key_arn(kid)}",
                                 KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=key_arn(kid),
                                 Operations=["Decrypt"])
        hmac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        self.assert_client_error(
            kms.create_grant, "ValidationException",
            "Encryption context grant constraints are not supported for the grant operations "
            "[GenerateMac] on a KMS key with KeySpec HMAC_256.", KeyId=hmac, GranteePrincipal=ROLE,
            Operations=["GenerateMac", "DescribeKey"], Constraints={"EncryptionContextEquals": {"a": "b"}})
        rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        self.assert_client_error(
            kms.create_grant, "ValidationException",
            "Grant operations [Encrypt, GenerateDataKey] are not valid for a KMS key with KeySpec RSA_2048 "
            "and KeyUsage SIGN_VERIFY.", KeyId=rsa, GranteePrincipal=ROLE,
            Operations=["Sign", "Encrypt", "GenerateDataKey"])
        self.assertRegex(kms.create_grant(KeyId=rsa, GranteePrincipal=ROLE,
                                          Operations=["Sign", "Verify", "GetPublicKey"])["GrantId"],
                         r"^[0-9a-f]{64}$")
        # KeyId: key id or key ARN only; aliases and unknown keys are not found.
        kms.create_alias(AliasName="alias/granted", TargetKeyId=kid)
        self.assert_client_error(kms.create_grant, "NotFoundException", "Invalid keyId 'alias/granted'",
                                 KeyId="alias/granted", GranteePrincipal=ROLE, Operations=["Decrypt"])
        # Key states: a disabled key takes grants, one pending deletion does not.
        kms.disable_key(KeyId=kid)
        kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"])
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assert_client_error(kms.create_grant, "KMSInvalidStateException",
                                 f"{key_arn(kid)} is pending deletion.",
                                 KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"])
        # DryRun answers after every check.
        self.assert_client_error(kms.create_grant, "DryRunOperationException", status=400, KeyId=rsa,
                                 GranteePrincipal=ROLE, Operations=["Sign"], DryRun=True)
        self.assertEqual(len(self.grants(kms, rsa)), 1)

    def test_grant_tokens_on_operations_that_take_them(self):
        kms, kid = self.kms, self.kid
        token = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Encrypt", "Decrypt"])["GrantToken"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"granted", GrantTokens=[token])["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob, GrantTokens=[token, token])["Plaintext"], b"granted")
        kms.describe_key(KeyId=kid, GrantTokens=[token])
        kms.generate_data_key(KeyId=kid, KeySpec="AES_256", GrantTokens=[token])
        for call, kw in ((kms.encrypt, dict(KeyId=kid, Plaintext=b"x")),
                         (kms.decrypt, dict(CiphertextBlob=blob)),
                         (kms.describe_key, dict(KeyId=kid)),
                         (kms.create_grant, dict(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"]))):
            with self.subTest(call=call.__name__):
                self.assert_client_error(call, "InvalidGrantTokenException", "Invalid grant token",
                                         GrantTokens=[token, "bad-token"], **kw)
        # A token of a retired grant is still a well-formed token.
        kms.retire_grant(GrantToken=token)
        kms.encrypt(KeyId=kid, Plaintext=b"x", GrantTokens=[token])

    def test_quota_with_a_lowered_limit(self):
        srv = self.server(["--grants-per-key-limit", "3"])
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        for i in range(3):
            kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"], Name=f"g{i}")
        self.assert_client_error(
            kms.create_grant, "LimitExceededException",
            "The grants limit has been reached for the given keyId. No more grants can be created for this "
            f"key: {key_arn(kid)}", KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"])
        # The Name rule still answers the existing grant at the limit.
        kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Decrypt"], Name="g1")
        other = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_grant(KeyId=other, GranteePrincipal=ROLE, Operations=["Decrypt"])


class GrantPersistenceTest(GrantsTestCase):

    def test_grants_survive_a_restart_and_go_with_their_key(self):
        srv = self.server()
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        made = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS, Name="kept",
                                Operations=["Decrypt"], Constraints={"EncryptionContextEquals": {"a": "1"}})
        before = self.grants(kms, kid)
        srv.restart()
        kms = srv.client()
        self.assertEqual(self.grants(kms, kid), before)
        # The token made before the restart still names the grant.
        kms.encrypt(KeyId=kid, Plaintext=b"x", GrantTokens=[made["GrantToken"]])
        self.assertEqual(kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS, Name="kept",
                                          Operations=["Decrypt"],
                                          Constraints={"EncryptionContextEquals": {"a": "1"}})["GrantId"],
                         made["GrantId"])
        # Deleting the key deletes its grants.
        kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual(len(self.grants(kms, kid)), 1)  # ListGrants works while pending deletion
        srv.advance_clock("8d")
        self.assertEqual(kms.list_retirable_grants(RetiringPrincipal=OPS)["Grants"], [])
        self.assert_client_error(kms.retire_grant, "NotFoundException", f"Grant ID {made['GrantId']} not found",
                                 GrantToken=made["GrantToken"])
        srv.restart()
        self.assertEqual(srv.client().list_retirable_grants(RetiringPrincipal=OPS)["Grants"], [])


class GrantCliTest(GrantsTestCase):

    def test_aws_cli_every_grant_operation(self):
        srv = self.server()
        rc, key, err = srv.cli_v2(["kms", "create-key"])
        self.assertEqual(rc, 0, err)
        kid = key["KeyMetadata"]["KeyId"]
        rc, out, err = srv.cli_v2(["kms", "create-grant", "--key-id", kid, "--grantee-principal", ROLE,
                                   "--retiring-principal", OPS, "--operations", "Encrypt", "Decrypt",
                                   "--name", "cli", "--constraints",
                                   json.dumps({"EncryptionContextSubset": {"app": "cli"}})])
        self.assertEqual(rc, 0, err)
        gid = out["GrantId"]
        rc, out, err = srv.cli_v2(["kms", "list-grants", "--key-id", kid])
        self.assertEqual(rc, 0, err)
        self.assertEqual([(g["GrantId"], g["KeyId"], g["Name"]) for g in out["Grants"]],
                         [(gid, key_arn(kid), "cli")])
        rc, out, err = srv.cli_v2(["kms", "list-retirable-grants", "--retiring-principal", OPS])
        self.assertEqual(rc, 0, err)
        self.assertEqual([g["GrantId"] for g in out["Grants"]], [gid])
        rc, out, err = srv.cli_v2(["kms", "retire-grant", "--key-id", key_arn(kid), "--grant-id", gid])
        self.assertEqual(rc, 0, err)
        self.assert_cli_error(srv.cli_v2(["kms", "revoke-grant", "--key-id", kid, "--grant-id", gid]),
                              "NotFoundException", f"Grant ID {gid} not found", "RevokeGrant")
        rc, out, err = srv.cli_v2(["kms", "create-grant", "--key-id", kid, "--grantee-principal", ROLE,
                                   "--operations", "Decrypt"])
        self.assertEqual(rc, 0, err)
        rc, _, err = srv.cli_v2(["kms", "revoke-grant", "--key-id", kid, "--grant-id", out["GrantId"]])
        self.assertEqual(rc, 0, err)
        self.assert_cli_error(srv.cli_v2(["kms", "create-grant", "--key-id", kid, "--grantee-principal", ROLE,
                                          "--operations", "Sign"]),
                              "ValidationException",
                              "Grant operations [Sign] are not valid for a KMS key with KeySpec SYMMETRIC_DEFAULT "
                              "and KeyUsage ENCRYPT_DECRYPT.", "CreateGrant")
        self.assert_cli_error(srv.cli_v2(["kms", "encrypt", "--key-id", kid, "--plaintext", "aGk=",
                                          "--grant-tokens", "bad"]),
                              "InvalidGrantTokenException", "Invalid grant token", "Encrypt")


class GrantOperateTest(GrantsTestCase):

    def test_audit_trail_export_seed_and_dashboard(self):
        d = tempfile.mkdtemp(prefix="rotor-grants-")
        self.addCleanup(shutil.rmtree, d, True)
        audit_log = os.path.join(d, "audit.jsonl")
        srv = self.server(["--audit-log", audit_log])
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        made = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, RetiringPrincipal=OPS, Name="audited",
                                Operations=["Decrypt", "RetireGrant"],
                                Constraints={"EncryptionContextSubset": {"Dept": "IT"}})
        gone = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Encrypt"])
        kms.retire_grant(GrantToken=gone["GrantToken"])
        third = kms.create_grant(KeyId=kid, GranteePrincipal=ROLE, Operations=["Encrypt"])["GrantId"]
        kms.revoke_grant(KeyId=kid, GrantId=third)

        status, doc = srv.admin("GET", "/_rotor/events?" + urllib.parse.urlencode({"key": kid}))
        self.assertEqual(status, 200, doc)
        events = [e for e in doc["events"] if e["eventName"].endswith("Grant")]
        self.assertEqual([e["eventName"] for e in events],
                         ["CreateGrant", "CreateGrant", "CreateGrant", "RevokeGrant"])
        create = events[0]
        self.assertEqual(create["requestParameters"],
                         {"keyId": kid, "granteePrincipal": ROLE, "retiringPrincipal": OPS,
                          "operations": ["Decrypt", "RetireGrant"], "name": "audited",
                          "constraints": {"encryptionContextSubset": {"Dept": "IT"}}})
        self.assertEqual(create["responseElements"], {"grantId": made["GrantId"]})
        self.assertFalse(create["readOnly"])
        self.assertEqual(events[3]["requestParameters"], {"keyId": kid, "grantId": third})
        status, doc = srv.admin("GET", "/_rotor/events?name=RetireGrant")
        self.assertEqual(status, 200, doc)
        [retire] = doc["events"]
        self.assertNotIn("grantToken", json.dumps(retire.get("responseElements")))
        self.assertIsNone(retire["requestParameters"])  # its only member, the token, is not recorded
        # Grant tokens are bearer credentials: no record, no line of the audit log holds one.
        with open(audit_log) as f:
            logged = f.read()
        self.assertIn("RetireGrant", logged)
        for token in (made["GrantToken"], gone["GrantToken"]):
            self.assertNotIn(token, logged)
            self.assertNotIn(token, json.dumps(doc))

        # The dashboard's key detail lists the grant.
        status, detail = srv.admin("GET", f"/_rotor/keys/{kid}")
        self.assertEqual(status, 200, detail)
        self.assertEqual(detail["grants"], [{
            "grantId": made["GrantId"], "name": "audited", "granteePrincipal": ROLE, "retiringPrincipal": OPS,
            "operations": ["Decrypt", "RetireGrant"],
            "constraints": {"encryptionContextSubset": {"Dept": "IT"}}, "createdAt": T0_TEXT}])

        # rotor export carries the grant, and a Rotor seeded with the export has it, same id.
        p = run_rotor(["export"] + srv.store_args() + ["--include-material"])
        self.assertEqual(p.returncode, 0, p.stderr)
        exported = yaml.load(p.stdout.decode(), Loader=yaml.BaseLoader)  # every scalar a string
        [entry] = exported["Keys"]["Symmetric"]["Aes"]
        self.assertEqual(entry["Grants"], [{
            "GrantId": made["GrantId"], "Name": "audited", "GranteePrincipal": ROLE, "RetiringPrincipal": OPS,
            "Operations": ["Decrypt", "RetireGrant"], "CreationDate": T0_TEXT, "IssuingAccount": ROOT,
            "Constraints": {"EncryptionContextSubset": {"Dept": "IT"}}}])
        seed = os.path.join(d, "seed.yaml")
        with open(seed, "w") as f:
            f.write(p.stdout.decode())
        seeded = self.server(["--seed-file", seed])
        self.assertEqual(self.grants(seeded.client(), kid), self.grants(kms, kid))

    def test_seed_file_grants_are_checked_like_create_grant(self):
        d = tempfile.mkdtemp(prefix="rotor-grants-")
        self.addCleanup(shutil.rmtree, d, True)
        kid = "11111111-2222-4333-8444-555555555555"
        doc = {"Keys": {"Symmetric": {"Aes": [{
            "Metadata": {"KeyId": kid},
            "BackingKeys": ["00" * 32],
            "Grants": [{"Name": "seeded", "GranteePrincipal": ROLE, "Operations": ["Encrypt", "Decrypt"]}]}]}}}
        seed = os.path.join(d, "seed.yaml")
        with open(seed, "w") as f:
            yaml.safe_dump(doc, f)
        srv = self.server(["--seed-file", seed])
        [g] = self.grants(srv.client(), kid)
        self.assertEqual((g["Name"], g["GranteePrincipal"], g["Operations"], g["IssuingAccount"]),
                         ("seeded", ROLE, ["Encrypt", "Decrypt"], ROOT))
        self.assertRegex(g["GrantId"], r"^[0-9a-f]{64}$")
        doc["Keys"]["Symmetric"]["Aes"][0]["Grants"][0]["Operations"] = ["Sign"]
        with open(seed, "w") as f:
            yaml.safe_dump(doc, f)
        p = run_rotor(["--port", "0", "--in-memory", "--seed-file", seed])
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("Grant operations [Sign] are not valid", p.stderr.decode())


if __name__ == "__main__":
    unittest.main()
