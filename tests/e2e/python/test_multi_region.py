"""Issue 13 section 3: multi-Region keys with rotation shared across Regions.

CreateKey MultiRegion=true, ReplicateKey, UpdatePrimaryRegion and DescribeKey's
MultiRegionConfiguration with boto3 and the aws CLI; ciphertexts, data keys,
signatures and MACs used across Regions; rotation set and started only on the
primary and shared with every replica (same KeyMaterialIds and dates, through
three years of the virtual clock); deletion of a primary with replicas
(PendingReplicaDeletion); the audit trail, seed files, export and a restart.
"""
import base64
import datetime as dt
import json
import os
import shutil
import tempfile
import unittest
import urllib.parse

from rotor_harness import (DEFAULT_ACCOUNT, ServerTestCase, key_arn, parse_iso, run_rotor)
from test_asymmetric_import import import_material
from test_keys_aliases import aws_stored_policy

T0_TEXT = "2030-01-01T00:00:00Z"
T0 = parse_iso(T0_TEXT)
DAY = dt.timedelta(days=1)
VIRTUAL = ["--clock", "virtual", "--clock-start", T0_TEXT, "--rotation-jitter", "0"]
US, EU, AP = "us-east-1", "eu-west-1", "ap-southeast-2"


def not_primary(kid, region):
    return f"{key_arn(kid, region=region)} is not a multi-region primary key."


class MultiRegionTestBase(ServerTestCase):
    """Each test gets a server of its own with a virtual clock."""

    @classmethod
    def setUpClass(cls):
        super(ServerTestCase, cls).setUpClass()

    def setUp(self):
        self.srv = self.fresh_server(VIRTUAL, in_memory=True)
        self.us, self.eu, self.ap = (self.srv.client(region=r) for r in (US, EU, AP))

    def primary(self, **kw):
        md = self.us.create_key(MultiRegion=True, **kw)["KeyMetadata"]
        return md["KeyId"], md

    def replicate(self, kid, region=EU, **kw):
        return self.us.replicate_key(KeyId=kid, ReplicaRegion=region, **kw)

    def rotations(self, kms, kid):
        return [(r["KeyMaterialId"], r.get("RotationDate"), r.get("RotationType"))
                for r in kms.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]]

    def events(self, **query):
        status, doc = self.srv.admin("GET", "/_rotor/events?" + urllib.parse.urlencode(query))
        self.assertEqual(status, 200, doc)
        return doc["events"]


class MultiRegionShapesTest(MultiRegionTestBase):

    def test_primary_and_replica_metadata(self):
        kid, md = self.primary(Description="primary")
        self.assertRegex(kid, r"^mrk-[0-9a-f]{32}$")
        self.assertIs(md["MultiRegion"], True)
        self.assertEqual(md["MultiRegionConfiguration"], {
            "MultiRegionKeyType": "PRIMARY",
            "PrimaryKey": {"Arn": key_arn(kid, region=US), "Region": US},
            "ReplicaKeys": []})
        policy = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]})
        out = self.replicate(key_arn(kid, region=US), Description="replica", Policy=policy,
                             BypassPolicyLockoutSafetyCheck=False,
                             Tags=[{"TagKey": "team", "TagValue": "eu"}])
        rmd = out["ReplicaKeyMetadata"]
        self.assertEqual(out["ReplicaTags"], [{"TagKey": "team", "TagValue": "eu"}])
        self.assertEqual(json.loads(out["ReplicaPolicy"]), json.loads(policy))
        # The replica's policy is stored in AWS's layout, as CreateKey and
        # PutKeyPolicy store theirs (not the submitted bytes).
        self.assertEqual(out["ReplicaPolicy"], aws_stored_policy(policy))
        self.assertEqual(self.eu.get_key_policy(KeyId=kid)["Policy"], aws_stored_policy(policy))
        self.assertEqual((rmd["KeyId"], rmd["Arn"], rmd["Description"], rmd["KeyState"], rmd["Enabled"]),
                         (kid, key_arn(kid, region=EU), "replica", "Enabled", True))
        self.assertEqual((rmd["KeySpec"], rmd["KeyUsage"], rmd["Origin"]), (md["KeySpec"], md["KeyUsage"], "AWS_KMS"))
        self.assertEqual(rmd["CurrentKeyMaterialId"], md["CurrentKeyMaterialId"])
        self.replicate(kid, AP)
        want_replicas = [{"Arn": key_arn(kid, region=EU), "Region": EU},
                         {"Arn": key_arn(kid, region=AP), "Region": AP}]
        primary_cfg = self.us.describe_key(KeyId=kid)["KeyMetadata"]["MultiRegionConfiguration"]
        self.assertEqual(primary_cfg, {"MultiRegionKeyType": "PRIMARY",
                                       "PrimaryKey": {"Arn": key_arn(kid, region=US), "Region": US},
                                       "ReplicaKeys": want_replicas})
        for kms, region in ((self.eu, EU), (self.ap, AP)):
            cfg = kms.describe_key(KeyId=kid)["KeyMetadata"]["MultiRegionConfiguration"]
            self.assertEqual(cfg, {"MultiRegionKeyType": "REPLICA",
                                   "PrimaryKey": {"Arn": key_arn(kid, region=US), "Region": US},
                                   "ReplicaKeys": want_replicas}, region)
        # Each Region lists its own key; the replica's tags and policy are its own.
        self.assertIn(kid, [k["KeyId"] for k in self.eu.list_keys()["Keys"]])
        self.assertEqual(self.us.list_resource_tags(KeyId=kid)["Tags"], [])
        self.assertEqual(self.eu.list_resource_tags(KeyId=kid)["Tags"], [{"TagKey": "team", "TagValue": "eu"}])
        # Single-Region keys stay as they were.
        single = self.us.create_key()["KeyMetadata"]
        self.assertIs(single["MultiRegion"], False)
        self.assertNotIn("MultiRegionConfiguration", single)

    def test_asymmetric_and_hmac_specs(self):
        for spec, usage in (("RSA_2048", "SIGN_VERIFY"), ("ECC_NIST_P256", "SIGN_VERIFY"),
                            ("HMAC_256", "GENERATE_VERIFY_MAC"), ("RSA_3072", "ENCRYPT_DECRYPT")):
            with self.subTest(spec=spec):
                kid, md = self.primary(KeySpec=spec, KeyUsage=usage)
                rmd = self.replicate(kid)["ReplicaKeyMetadata"]
                self.assertEqual((rmd["KeySpec"], rmd["KeyUsage"]), (spec, usage))
                if usage != "GENERATE_VERIFY_MAC":
                    self.assertEqual(self.us.get_public_key(KeyId=kid)["PublicKey"],
                                     self.eu.get_public_key(KeyId=kid)["PublicKey"])

    def test_replicate_key_errors(self):
        kid, _ = self.primary()
        self.replicate(kid)
        self.assert_client_error(self.eu.replicate_key, "UnsupportedOperationException", not_primary(kid, EU),
                                 KeyId=kid, ReplicaRegion=AP)
        single = self.us.create_key()["KeyMetadata"]["KeyId"]
        self.assert_client_error(self.us.replicate_key, "UnsupportedOperationException",
                                 f"{key_arn(single)} is not a multi-region primary key.",
                                 KeyId=single, ReplicaRegion=EU)
        self.assert_client_error(self.us.replicate_key, "AlreadyExistsException",
                                 f"Key '{key_arn(kid, region=EU)}' already exists", KeyId=kid, ReplicaRegion=EU)
        self.assert_client_error(self.us.replicate_key, "AlreadyExistsException",
                                 f"Key '{key_arn(kid, region=US)}' already exists", KeyId=kid, ReplicaRegion=US)
        self.assert_client_error(self.us.replicate_key, "UnsupportedOperationException",
                                 "Region xx-nowhere-9 is not supported.", KeyId=kid, ReplicaRegion="xx-nowhere-9")
        self.assert_client_error(self.us.replicate_key, "UnsupportedOperationException",
                                 "Region cn-north-1 is not supported.", KeyId=kid, ReplicaRegion="cn-north-1")
        self.assert_client_error(self.us.replicate_key, "ValidationException",
                                 lambda m: "replicaRegion" in m, KeyId=kid, ReplicaRegion="Mars")
        self.assert_client_error(self.us.replicate_key, "NotFoundException", "Invalid keyId 'mrk-fake-key-id'",
                                 KeyId="mrk-fake-key-id", ReplicaRegion=EU)
        unknown = "mrk-" + "0" * 32
        self.assert_client_error(self.us.replicate_key, "NotFoundException",
                                 f"Key '{key_arn(unknown)}' does not exist", KeyId=unknown, ReplicaRegion=EU)
        self.assert_client_error(self.us.replicate_key, "NotFoundException", f"Invalid arn {EU}",
                                 KeyId=key_arn(kid, region=EU), ReplicaRegion=AP)
        self.us.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assert_client_error(self.us.replicate_key, "KMSInvalidStateException",
                                 f"{key_arn(kid)} is pending replica deletion.", KeyId=kid, ReplicaRegion=AP)

    def test_cli_create_replicate_update_and_errors(self):
        rc, out, err = self.srv.cli_v2(["kms", "create-key", "--multi-region", "--description", "cli"])
        self.assertEqual(rc, 0, err)
        kid = out["KeyMetadata"]["KeyId"]
        self.assertEqual(out["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")
        rc, out, err = self.srv.cli_v2(["kms", "replicate-key", "--key-id", kid, "--replica-region", EU])
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["ReplicaKeyMetadata"]["Arn"], key_arn(kid, region=EU))
        self.assert_cli_error(self.srv.cli_v2(["kms", "replicate-key", "--key-id", kid, "--replica-region", AP],
                                              region=EU),
                              "UnsupportedOperationException", not_primary(kid, EU), "ReplicateKey")
        rc, out, err = self.srv.cli_v2(["kms", "update-primary-region", "--key-id", kid, "--primary-region", EU])
        self.assertEqual((rc, out), (0, None), err)
        rc, out, err = self.srv.cli_v2(["kms", "describe-key", "--key-id", kid], region=EU)
        self.assertEqual(out["KeyMetadata"]["MultiRegionConfiguration"]["MultiRegionKeyType"], "PRIMARY")
        self.assert_cli_error(self.srv.cli_v2(["kms", "enable-key-rotation", "--key-id", kid]),
                              "UnsupportedOperationException", not_primary(kid, US), "EnableKeyRotation")


class MultiRegionCryptoTest(MultiRegionTestBase):

    def test_ciphertexts_data_keys_signatures_and_macs_cross_regions(self):
        kid, _ = self.primary()
        self.replicate(kid)
        blob = self.us.encrypt(KeyId=kid, Plaintext=b"made in us", EncryptionContext={"a": "b"})["CiphertextBlob"]
        out = self.eu.decrypt(CiphertextBlob=blob, EncryptionContext={"a": "b"})
        self.assertEqual((out["Plaintext"], out["KeyId"]), (b"made in us", key_arn(kid, region=EU)))
        self.assertEqual(self.eu.decrypt(CiphertextBlob=blob, KeyId=key_arn(kid, region=EU),
                                         EncryptionContext={"a": "b"})["Plaintext"], b"made in us")
        self.assert_client_error(self.eu.decrypt, "NotFoundException", f"Invalid arn {US}",
                                 CiphertextBlob=blob, KeyId=key_arn(kid, region=US), EncryptionContext={"a": "b"})
        self.assert_client_error(self.eu.decrypt, "InvalidCiphertextException", "", CiphertextBlob=blob)
        # A Region without a related key cannot open it.
        self.assert_client_error(self.ap.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=blob, EncryptionContext={"a": "b"})
        dk = self.eu.generate_data_key(KeyId=kid, KeySpec="AES_256")
        self.assertEqual(self.us.decrypt(CiphertextBlob=dk["CiphertextBlob"])["Plaintext"], dk["Plaintext"])
        re = self.eu.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext={"a": "b"}, DestinationKeyId=kid)
        self.assertEqual(self.us.decrypt(CiphertextBlob=re["CiphertextBlob"])["Plaintext"], b"made in us")

        sid, _ = self.primary(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")
        self.replicate(sid)
        sig = self.us.sign(KeyId=sid, Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        self.assertIs(self.eu.verify(KeyId=sid, Message=b"m", Signature=sig,
                                     SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"], True)
        eid, _ = self.primary(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")
        self.replicate(eid)
        ct = self.eu.encrypt(KeyId=eid, Plaintext=b"rsa", EncryptionAlgorithm="RSAES_OAEP_SHA_256")["CiphertextBlob"]
        self.assertEqual(self.us.decrypt(KeyId=eid, CiphertextBlob=ct,
                                         EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"], b"rsa")
        mid, _ = self.primary(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC")
        self.replicate(mid)
        mac = self.eu.generate_mac(KeyId=mid, Message=b"m", MacAlgorithm="HMAC_SHA_384")["Mac"]
        self.assertEqual(self.us.generate_mac(KeyId=mid, Message=b"m", MacAlgorithm="HMAC_SHA_384")["Mac"], mac)
        self.assertIs(self.us.verify_mac(KeyId=mid, Message=b"m", Mac=mac,
                                         MacAlgorithm="HMAC_SHA_384")["MacValid"], True)

    def test_imported_material_each_related_key_imports_the_primarys(self):
        kid, md = self.primary(Origin="EXTERNAL")
        self.assertEqual(md["KeyState"], "PendingImport")
        material = os.urandom(32)
        first = import_material(self.us, kid, material)
        rmd = self.replicate(kid)["ReplicaKeyMetadata"]
        self.assertEqual((rmd["KeyState"], rmd["Origin"]), ("PendingImport", "EXTERNAL"))
        self.replicate(kid, AP)
        # Other material is refused; the primary's is taken, with the same KeyMaterialId.
        self.assert_client_error(import_material, "IncorrectKeyMaterialException",
                                 "The key material in the request is, expired, invalid, or is not the same key "
                                 "material that was previously imported into this KMS key.",
                                 kms=self.ap, key_id=kid, material=os.urandom(32))
        self.assertEqual(import_material(self.eu, kid, material)["KeyMaterialId"], first["KeyMaterialId"])
        self.assertEqual(self.eu.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Enabled")
        blob = self.us.encrypt(KeyId=kid, Plaintext=b"imported")["CiphertextBlob"]
        self.assertEqual(self.eu.decrypt(CiphertextBlob=blob)["Plaintext"], b"imported")
        self.assert_client_error(self.us.rotate_key_on_demand, "UnsupportedOperationException", "", KeyId=kid)

    def test_replica_state_is_its_own(self):
        kid, _ = self.primary()
        self.replicate(kid)
        self.eu.disable_key(KeyId=kid)
        self.assertEqual(self.us.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Enabled")
        blob = self.us.encrypt(KeyId=kid, Plaintext=b"x")["CiphertextBlob"]
        self.assert_client_error(self.eu.decrypt, "DisabledException", f"{key_arn(kid, region=EU)} is disabled.",
                                 CiphertextBlob=blob)
        self.eu.create_alias(AliasName="alias/eu-only", TargetKeyId=kid)
        self.assertEqual([a["AliasName"] for a in self.us.list_aliases(KeyId=kid)["Aliases"]], [])


class MultiRegionRotationTest(MultiRegionTestBase):

    def test_rotation_is_set_on_the_primary_and_shared(self):
        kid, _ = self.primary()
        self.replicate(kid)
        for call, kw in ((self.eu.enable_key_rotation, {"RotationPeriodInDays": 365}),
                         (self.eu.disable_key_rotation, {}), (self.eu.rotate_key_on_demand, {})):
            with self.subTest(call=call.__name__):
                self.assert_client_error(call, "UnsupportedOperationException", not_primary(kid, EU), KeyId=kid, **kw)
        self.us.enable_key_rotation(KeyId=kid, RotationPeriodInDays=365)
        st_us, st_eu = self.us.get_key_rotation_status(KeyId=kid), self.eu.get_key_rotation_status(KeyId=kid)
        self.assertEqual(st_eu["KeyId"], key_arn(kid, region=EU))
        for f in ("KeyRotationEnabled", "RotationPeriodInDays", "NextRotationDate"):
            self.assertEqual(st_eu[f], st_us[f], f)
        self.assertEqual(self.us.rotate_key_on_demand(KeyId=kid)["KeyId"] in (kid, key_arn(kid)), True)
        self.assertEqual(self.rotations(self.eu, kid), self.rotations(self.us, kid))
        self.assertEqual(len(self.rotations(self.eu, kid)), 2)
        fired = self.srv.advance_clock(f"{3 * 365 + 1}d")["fired"]
        self.assertEqual(sorted((e["region"], e["event"]) for e in fired),
                         [(EU, "RotateKey")] * 3 + [(US, "RotateKey")] * 3)
        us_rot, eu_rot = self.rotations(self.us, kid), self.rotations(self.eu, kid)
        self.assertEqual(eu_rot, us_rot)
        self.assertEqual(len(us_rot), 5)
        dates = [r[1] for r in us_rot if r[2] == "AUTOMATIC"]
        self.assertEqual(dates, [T0 + n * 365 * DAY for n in (1, 2, 3)])
        self.assertEqual(self.eu.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"], us_rot[-1][0])
        self.assertEqual(self.eu.get_key_rotation_status(KeyId=kid)["NextRotationDate"],
                         self.us.get_key_rotation_status(KeyId=kid)["NextRotationDate"])
        # Replicated RotateKey events in the replica's Region, with the same KeyMaterialId.
        eu_events = [e for e in self.events(key=key_arn(kid, region=EU)) if e["eventName"] == "RotateKey"]
        self.assertEqual(len(eu_events), 4)
        self.assertEqual([e["awsRegion"] for e in eu_events], [EU] * 4)
        self.us.disable_key_rotation(KeyId=kid)
        self.assertIs(self.eu.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], False)

    def test_update_primary_region_swaps_roles_and_the_schedule_follows(self):
        kid, _ = self.primary()
        self.replicate(kid)
        self.replicate(kid, AP)
        self.us.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        self.assert_client_error(self.eu.update_primary_region, "UnsupportedOperationException",
                                 not_primary(kid, EU), KeyId=kid, PrimaryRegion=AP)
        self.assert_client_error(self.us.update_primary_region, "NotFoundException",
                                 f"Key '{key_arn(kid, region='sa-east-1')}' does not exist",
                                 KeyId=kid, PrimaryRegion="sa-east-1")
        self.eu.disable_key(KeyId=kid)
        self.assert_client_error(self.us.update_primary_region, "DisabledException",
                                 f"{key_arn(kid, region=EU)} is disabled.", KeyId=kid, PrimaryRegion=EU)
        self.eu.enable_key(KeyId=kid)
        self.us.update_primary_region(KeyId=kid, PrimaryRegion=EU)
        cfg = self.ap.describe_key(KeyId=kid)["KeyMetadata"]["MultiRegionConfiguration"]
        self.assertEqual(cfg["PrimaryKey"], {"Arn": key_arn(kid, region=EU), "Region": EU})
        self.assertEqual(sorted(r["Region"] for r in cfg["ReplicaKeys"]), [AP, US])
        self.assertEqual(self.us.describe_key(KeyId=kid)["KeyMetadata"]["MultiRegionConfiguration"]
                         ["MultiRegionKeyType"], "REPLICA")
        self.assert_client_error(self.us.rotate_key_on_demand, "UnsupportedOperationException",
                                 not_primary(kid, US), KeyId=kid)
        self.eu.rotate_key_on_demand(KeyId=kid)
        self.srv.advance_clock("91d")
        for kms in (self.us, self.ap):
            self.assertEqual(self.rotations(kms, kid), self.rotations(self.eu, kid))
        self.assertEqual(len(self.rotations(self.us, kid)), 3)
        names = [e["eventName"] for e in self.events(key=key_arn(kid, region=US))]
        self.assertIn("UpdatePrimaryRegion", names)
        self.assertIn("ReplicateKey", names)


class MultiRegionDeletionTest(MultiRegionTestBase):

    def test_primary_waits_for_its_replicas(self):
        kid, _ = self.primary()
        self.replicate(kid)
        out = self.us.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual((out["KeyId"], out["KeyState"], out["PendingWindowInDays"]),
                         (key_arn(kid), "PendingReplicaDeletion", 7))
        self.assertNotIn("DeletionDate", out)
        md = self.us.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual((md["KeyState"], md["PendingDeletionWindowInDays"], md["Enabled"]),
                         ("PendingReplicaDeletion", 7, False))
        self.assertNotIn("DeletionDate", md)
        self.assert_client_error(self.us.encrypt, "KMSInvalidStateException",
                                 f"{key_arn(kid)} is pending replica deletion.", KeyId=kid, Plaintext=b"x")
        self.assertEqual(self.us.cancel_key_deletion(KeyId=kid)["KeyId"], key_arn(kid))
        self.assertEqual(self.us.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "Disabled")
        self.us.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        self.assertEqual(self.srv.advance_clock("60d")["fired"], [])
        self.eu.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        fired = self.srv.advance_clock("7d")["fired"]
        self.assertEqual([(e["event"], e["region"]) for e in fired], [("DeleteKey", EU)])
        md = self.us.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual(md["KeyState"], "PendingDeletion")
        self.assertEqual(md["DeletionDate"], T0 + 67 * DAY + 7 * DAY)
        self.assertEqual(md["MultiRegionConfiguration"]["ReplicaKeys"], [])
        fired = self.srv.advance_clock("7d")["fired"]
        self.assertEqual([(e["event"], e["region"]) for e in fired], [("DeleteKey", US)])
        # A deleted replica can be made again from a live primary.
        kid2, _ = self.primary()
        self.replicate(kid2)
        self.eu.schedule_key_deletion(KeyId=kid2, PendingWindowInDays=7)
        self.srv.advance_clock("8d")
        self.assertEqual(self.replicate(kid2)["ReplicaKeyMetadata"]["KeyState"], "Enabled")


class MultiRegionPersistenceTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        super(ServerTestCase, cls).setUpClass()

    def test_restart_seed_and_export(self):
        srv = self.fresh_server(VIRTUAL)
        us, eu = srv.client(region=US), srv.client(region=EU)
        kid = us.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        us.replicate_key(KeyId=kid, ReplicaRegion=EU)
        us.enable_key_rotation(KeyId=kid)
        us.rotate_key_on_demand(KeyId=kid)
        blob = us.encrypt(KeyId=kid, Plaintext=b"kept")["CiphertextBlob"]
        before = (us.describe_key(KeyId=kid)["KeyMetadata"], eu.describe_key(KeyId=kid)["KeyMetadata"])
        srv.restart()
        us, eu = srv.client(region=US), srv.client(region=EU)
        self.assertEqual((us.describe_key(KeyId=kid)["KeyMetadata"], eu.describe_key(KeyId=kid)["KeyMetadata"]),
                         before)
        self.assertEqual(eu.decrypt(CiphertextBlob=blob)["Plaintext"], b"kept")

        d = tempfile.mkdtemp(prefix="rotor-mrk-")
        self.addCleanup(shutil.rmtree, d, True)
        path = os.path.join(d, "export.json")
        p = run_rotor(["export"] + srv.store_args() + ["--include-material", "--format", "json",
                       "--output", path])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(path) as fh:
            doc = json.load(fh)
        metas = [e["Metadata"] for e in doc["Keys"]["Symmetric"]["Aes"]]
        self.assertEqual(sorted((m.get("Region", doc.get("Region")), m["PrimaryRegion"]) for m in metas),
                         [(EU, US), (US, US)])
        now = srv.get_clock()["now"]
        srv2 = self.fresh_server(["--clock", "virtual", "--clock-start", now, "--rotation-jitter", "0",
                                  "--seed-file", path], in_memory=True)
        us2, eu2 = srv2.client(region=US), srv2.client(region=EU)
        self.assertEqual(eu2.decrypt(CiphertextBlob=blob)["Plaintext"], b"kept")
        md = eu2.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual(md["MultiRegionConfiguration"], before[1]["MultiRegionConfiguration"])
        self.assertEqual(eu2.get_key_rotation_status(KeyId=kid)["NextRotationDate"],
                         us2.get_key_rotation_status(KeyId=kid)["NextRotationDate"])
        self.assertIs(eu2.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], True)
        # A replica without its primary in the same file is refused, naming the entry.
        doc["Keys"]["Symmetric"]["Aes"] = [e for e in doc["Keys"]["Symmetric"]["Aes"]
                                           if e["Metadata"].get("Region", doc.get("Region")) == EU]
        bad = os.path.join(d, "replica-only.json")
        with open(bad, "w") as fh:
            json.dump(doc, fh)
        p = run_rotor(["--port", "0", "--in-memory", "--seed-file", bad])
        self.assertEqual(p.returncode, 1)
        self.assertIn(f"its primary key (Region {US}) must be in the same seed file", p.stderr.decode())

        status, report = srv.admin("GET", "/_rotor/report")
        self.assertEqual(status, 200, report)
        by_region = {s["region"]: s["multiRegionKeys"] for s in report["scopes"]}
        self.assertEqual(by_region, {US: {"primary": 1, "replica": 0}, EU: {"primary": 0, "replica": 1}})


if __name__ == "__main__":
    unittest.main()
