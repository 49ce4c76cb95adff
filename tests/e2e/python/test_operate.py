"""Issue 7: operating Rotor. Seed files (local-kms's layout and Rotor's own
fields, YAML and JSON, idempotent, all or nothing), local-kms's environment
variables, `rotor export`, the CloudTrail-shaped audit trail, the rotation
compliance report (`GET /_rotor/report` and `rotor report`), the dashboard and
inspection endpoints with their admin rules, and moto's `POST /moto-api/reset`.

Everything drives the real binary over loopback: boto3 for the KMS API,
`cryptography` to check that seeded material really is the material Rotor
uses (signatures verified with the PEM's public key, ciphertext blobs opened
and made with the seeded backing keys, docs/ciphertext-format.md), and plain
HTTP for the admin endpoints. Time moves only through the virtual clock.
"""
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import textwrap
import time
import unittest
import urllib.parse
import uuid

import boto3
import yaml
from botocore.config import Config
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rotor_harness import E2E_DATABASE_URL, new_schema, on_postgres, psql, sqlite_only
from rotor_harness import (DEFAULT_ACCOUNT, DEFAULT_REGION, DUMMY_ACCESS_KEY, ROTOR_BIN, RotorServer,
                           RotorTestCase, alias_arn, b64, binary_available, clean_server_env,
                           free_port, key_arn, parse_iso, run_rotor, stop_process)
from test_asymmetric_import import import_material

T0_TEXT = "2030-01-01T00:00:00Z"
T0 = parse_iso(T0_TEXT)
DAY = dt.timedelta(days=1)
VIRTUAL = ["--clock", "virtual", "--clock-start", T0_TEXT, "--rotation-jitter", "0"]
START_TIMEOUT = 15.0
MSG = b"operate rotor: a message to sign"


def z(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def strip_meta(doc):
    doc = dict(doc)
    doc.pop("ResponseMetadata", None)
    return doc


# ------------------------------------------------------------ crypto helpers
def canonical_context(ctx):
    """docs/ciphertext-format.md: pair count, then sorted (key, value) with 32-bit lengths."""
    ctx = ctx or {}
    out = struct.pack(">I", len(ctx))
    for k, v in sorted((k.encode(), v.encode()) for k, v in ctx.items()):
        out += struct.pack(">I", len(k)) + k + struct.pack(">I", len(v)) + v
    return out


def open_blob(blob, key_bytes, context=None):
    """Opens a Rotor ciphertext blob with the raw backing key: (key id, version, plaintext)."""
    assert blob[0] == 1, blob[:1]
    header = blob[:33]
    key_id = str(uuid.UUID(bytes=blob[1:17]))
    version = struct.unpack(">I", blob[17:21])[0]
    plain = AESGCM(key_bytes).decrypt(blob[21:33], blob[33:], header + canonical_context(context))
    return key_id, version, plain


def make_blob(key_id, version, key_bytes, plaintext, context=None):
    """A ciphertext blob as another Rotor holding `key_bytes` as version `version` would make it."""
    header = b"\x01" + uuid.UUID(key_id).bytes + struct.pack(">I", version) + os.urandom(12)
    return header + AESGCM(key_bytes).encrypt(header[21:33], plaintext, header + canonical_context(context))


def der_public(private_key):
    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


class Material:
    """Key material generated once per test run: two AES backing keys, an
    HMAC key, an RSA 2048 key (PKCS#8 PEM) and an EC P-256 key (traditional
    'BEGIN EC PRIVATE KEY' PEM), with fresh key ids."""

    _cached = None

    @classmethod
    def get(cls):
        if cls._cached is None:
            cls._cached = cls()
        return cls._cached

    def __init__(self):
        self.aes_a = os.urandom(32)
        self.aes_b = os.urandom(32)
        self.own = os.urandom(32)
        self.hmac = os.urandom(32)
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.rsa_pem = self.rsa.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode()
        self.ec_pem = self.ec.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.TraditionalOpenSSL,
                                            serialization.NoEncryption()).decode()
        assert self.rsa_pem.startswith("-----BEGIN PRIVATE KEY-----")
        assert self.ec_pem.startswith("-----BEGIN EC PRIVATE KEY-----")
        self.aes_id, self.rsa_id, self.ec_id, self.own_id, self.hmac_id = (str(uuid.uuid4()) for _ in range(5))
        self.own_material_ids = [os.urandom(32).hex()]

    def secrets_text(self):
        """Every way the material could show up in a text file."""
        out = []
        for b in (self.aes_a, self.aes_b, self.own, self.hmac):
            out += [b.hex(), b.hex().upper(), base64.b64encode(b).decode()]
        for pem in (self.rsa_pem, self.ec_pem):
            out += [line for line in pem.splitlines() if "-----" not in line and len(line) > 40]
        return out


def pem_block(pem, indent=10):
    return textwrap.indent(pem, " " * indent).rstrip("\n")


def local_kms_yaml(m: Material) -> str:
    """local-kms's README layout, unchanged: upper-case hex for the first
    backing key as local-kms's examples have, an unquoted NextKeyRotation,
    an RSA (PKCS#8) and an EC (traditional PEM) key, aliases."""
    return f"""\
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: {m.aes_id}
          Description: payments key
        BackingKeys:
          - {m.aes_a.hex().upper()}
          - {m.aes_b.hex()}
        NextKeyRotation: 2030-06-01T00:00:00Z
  Asymmetric:
    Rsa:
      - Metadata:
          KeyId: {m.rsa_id}
          KeyUsage: SIGN_VERIFY
          Description: RSA key with an existing private key
        PrivateKeyPem: |
{pem_block(m.rsa_pem)}
    Ecc:
      - Metadata:
          KeyId: {m.ec_id}
          KeyUsage: SIGN_VERIFY
          Description: ECC key with an existing private key
        PrivateKeyPem: |
{pem_block(m.ec_pem)}
Aliases:
  - AliasName: alias/payments
    TargetKeyId: {m.aes_id}
  - AliasName: alias/signer
    TargetKeyId: {m.rsa_id}
"""


def own_fields_yaml(m: Material) -> str:
    """local-kms's layout plus Rotor's own fields."""
    return local_kms_yaml(m).split("Aliases:\n")[0].replace(
        "  Asymmetric:\n", f"""\
      - Metadata:
          KeyId: {m.own_id}
          Description: disabled, tagged, rotating every 90 days
          KeyState: Disabled
          CreationDate: 2029-12-01T00:00:00Z
          Tags:
            - {{TagKey: team, TagValue: payments}}
            - {{TagKey: env, TagValue: ci}}
        BackingKeys: [{m.own.hex()}]
        KeyMaterials:
          - {{KeyMaterialId: {m.own_material_ids[0]}, CreatedAt: 2029-12-01T00:00:00Z}}
        Rotation: {{Enabled: true, PeriodInDays: 90}}
  Asymmetric:
""", 1) + f"""\
  Hmac:
    - Metadata:
        KeyId: {m.hmac_id}
        KeySpec: HMAC_256
        Description: mac key
      BackingKeys: [{m.hmac.hex()}]
Aliases:
  - AliasName: alias/payments
    TargetKeyId: {m.aes_id}
  - AliasName: alias/signer
    TargetKeyId: {m.rsa_id}
  - AliasName: alias/legacy
    TargetKeyId: {m.own_id}
"""


class LocalProcess:
    """A rotor started exactly as given (no --host/--port/--data-dir added),
    for the environment-variable tests. Stopped by its own PID."""

    def __init__(self, args, env, tmp):
        self.out_path = os.path.join(tmp, f"rotor-{uuid.uuid4().hex[:8]}.out")
        self.out = open(self.out_path, "wb")
        self.proc = subprocess.Popen([ROTOR_BIN] + list(args), stdout=self.out, stderr=subprocess.STDOUT,
                                     env=clean_server_env(env), start_new_session=True,
                                     stdin=subprocess.DEVNULL)

    def output(self):
        with open(self.out_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_listening(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            m = re.search(r"^(?:\S+Z )?rotor \S+ listening on (http://\S+) .*$", self.output(), re.M)
            if m:
                return m.group(0), m.group(1)
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"rotor did not start (rc={self.proc.poll()}):\n{self.output()}")

    def outcome(self):
        """'exited' or 'listening', whichever comes first (bounded)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return "exited"
            if "listening on" in self.output():
                return "listening"
            time.sleep(0.05)
        return "neither"

    def stop(self):
        stop_process(self.proc)
        self.out.close()


def kms_client(url, region=DEFAULT_REGION, access_key=DUMMY_ACCESS_KEY):
    session = boto3.session.Session(aws_access_key_id=access_key, aws_secret_access_key="x",
                                    region_name=region)
    return session.client("kms", endpoint_url=url, config=Config(
        retries={"total_max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=15,
        parameter_validation=False))


class OperateTestCase(RotorTestCase):
    """No shared server: each test starts the servers it needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not binary_available():
            raise unittest.SkipTest(f"rotor binary not found at {ROTOR_BIN}")

    def tmpdir(self):
        d = tempfile.mkdtemp(prefix="rotor-operate-")
        self.addCleanup(shutil.rmtree, d, True)
        return d

    def write(self, directory, name, text):
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def server(self, args=(), *, in_memory=False, data_dir=None, start=True, env=None):
        srv = RotorServer(list(args), in_memory=in_memory, data_dir=data_dir, env=env)
        self.addCleanup(srv.cleanup)
        if start:
            srv.start()
        return srv

    def log(self, srv):
        with open(srv.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def admin_ok(self, srv, method, path, payload=None):
        status, doc = srv.admin(method, path, payload)
        self.assertEqual(status, 200, f"{method} {path} -> {status} {doc}")
        return doc

    @staticmethod
    def all_rotations(kms, key_id, include="ALL_KEY_MATERIAL"):
        out, marker = [], None
        for _ in range(1000):
            kw = {"KeyId": key_id, "IncludeKeyMaterial": include}
            if marker:
                kw["Marker"] = marker
            page = kms.list_key_rotations(**kw)
            out += page["Rotations"]
            if not page.get("Truncated"):
                return out
            marker = page["NextMarker"]
        raise AssertionError("ListKeyRotations never ended")

    @staticmethod
    def list_keys(kms):
        out, marker = [], None
        for _ in range(1000):
            page = kms.list_keys(**({"Marker": marker} if marker else {}))
            out += [k["KeyId"] for k in page["Keys"]]
            if not page.get("Truncated"):
                return sorted(out)
            marker = page["NextMarker"]
        raise AssertionError("ListKeys never ended")

    @staticmethod
    def customer_aliases(kms):
        out = kms.list_aliases(Limit=100)["Aliases"]
        return sorted((a["AliasName"], a.get("TargetKeyId")) for a in out
                      if not a["AliasName"].startswith("alias/aws/"))

    def snapshot(self, srv, kms, key_ids):
        """Everything a restart must not change, per key."""
        snap = {"aliases": self.customer_aliases(kms)}
        for kid in key_ids:
            md = kms.describe_key(KeyId=kid)["KeyMetadata"]
            entry = {"describe": md, "tags": kms.list_resource_tags(KeyId=kid)["Tags"]}
            if md["KeySpec"] == "SYMMETRIC_DEFAULT":
                entry["rotations"] = self.all_rotations(kms, kid)
                entry["rotation_status"] = strip_meta(kms.get_key_rotation_status(KeyId=kid))
            status, detail = srv.admin("GET", f"/_rotor/keys/{kid}")
            self.assertEqual(status, 200, detail)
            entry["inspect"] = {"key": detail["key"], "versions": detail["versions"]}
            snap[kid] = entry
        return snap


# ====================================================================== seeds
class SeedFileTest(OperateTestCase):

    def seeded(self, text, name="seed.yaml", args=VIRTUAL, data_dir=None):
        d = self.tmpdir()
        path = self.write(d, name, text)
        srv = self.server(list(args) + ["--seed-file", path], data_dir=data_dir)
        return srv, srv.client(), path

    def test_local_kms_yaml_seed_file_loads_as_is(self):
        m = Material.get()
        srv, kms, path = self.seeded(local_kms_yaml(m))
        self.assertIn(f"rotor: seed {path}: 3 keys created, 0 already present; 2 aliases created, 0 already present",
                      self.log(srv))

        md = kms.describe_key(KeyId="alias/payments")["KeyMetadata"]
        self.assertEqual((md["KeyId"], md["Arn"], md["Description"]),
                         (m.aes_id, key_arn(m.aes_id), "payments key"))
        self.assertEqual((md["KeyState"], md["Enabled"], md["KeySpec"], md["KeyUsage"], md["Origin"],
                          md["KeyManager"]),
                         ("Enabled", True, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "CUSTOMER"))
        self.assertEqual(md["CreationDate"], T0)

        # Two backing keys: the first is the original material, the second
        # the current one, shown as a past AUTOMATIC rotation.
        rotations = self.all_rotations(kms, m.aes_id, include="ROTATIONS_ONLY")
        self.assertEqual(len(rotations), 1, rotations)
        self.assertEqual(rotations[0]["RotationType"], "AUTOMATIC")
        self.assertEqual(rotations[0]["KeyMaterialId"], md["CurrentKeyMaterialId"])
        every = self.all_rotations(kms, m.aes_id)
        self.assertEqual([r["KeyMaterialState"] for r in every], ["NON_CURRENT", "CURRENT"])
        self.assertEqual(every[1]["KeyMaterialId"], md["CurrentKeyMaterialId"])
        self.assertNotEqual(every[0]["KeyMaterialId"], every[1]["KeyMaterialId"])
        status = kms.get_key_rotation_status(KeyId=m.aes_id)
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"], status["NextRotationDate"]),
                         (True, 365, parse_iso("2030-06-01T00:00:00Z")))

        # Encrypt/Decrypt round trip through the alias, and the blob really is
        # sealed with the second (current) backing key...
        ctx = {"app": "seed-test"}
        plaintext = b"seeded plaintext " + os.urandom(16)
        enc = kms.encrypt(KeyId="alias/payments", Plaintext=plaintext, EncryptionContext=ctx)
        self.assertEqual(enc["KeyId"], key_arn(m.aes_id))
        dec = kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], EncryptionContext=ctx)
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (plaintext, key_arn(m.aes_id)))
        self.assertEqual(open_blob(enc["CiphertextBlob"], m.aes_b, ctx), (m.aes_id, 2, plaintext))
        # ... and a ciphertext made under the first backing key (version 1) decrypts.
        old = make_blob(m.aes_id, 1, m.aes_a, b"made before the rotation", ctx)
        self.assertEqual(kms.decrypt(CiphertextBlob=old, EncryptionContext=ctx)["Plaintext"],
                         b"made before the rotation")

        # RSA: the public key is the PEM's; a signature verifies with it, and
        # PKCS#1 v1.5 signatures are deterministic, so they equal our own.
        rmd = kms.describe_key(KeyId="alias/signer")["KeyMetadata"]
        self.assertEqual((rmd["KeyId"], rmd["KeySpec"], rmd["KeyUsage"], rmd["Description"]),
                         (m.rsa_id, "RSA_2048", "SIGN_VERIFY", "RSA key with an existing private key"))
        self.assertEqual(kms.get_public_key(KeyId=m.rsa_id)["PublicKey"], der_public(m.rsa))
        sig = kms.sign(KeyId="alias/signer", Message=MSG, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["Signature"]
        m.rsa.public_key().verify(sig, MSG, padding.PKCS1v15(), hashes.SHA256())
        self.assertEqual(sig, m.rsa.sign(MSG, padding.PKCS1v15(), hashes.SHA256()))
        pss = kms.sign(KeyId=m.rsa_id, Message=MSG, SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
        m.rsa.public_key().verify(pss, MSG, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                                  hashes.SHA256())

        # ECC from a traditional "BEGIN EC PRIVATE KEY" PEM.
        emd = kms.describe_key(KeyId=m.ec_id)["KeyMetadata"]
        self.assertEqual((emd["KeySpec"], emd["KeyUsage"]), ("ECC_NIST_P256", "SIGN_VERIFY"))
        self.assertEqual(kms.get_public_key(KeyId=m.ec_id)["PublicKey"], der_public(m.ec))
        esig = kms.sign(KeyId=m.ec_id, Message=MSG, SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        m.ec.public_key().verify(esig, MSG, ec.ECDSA(hashes.SHA256()))

        self.assertEqual(self.customer_aliases(kms), [("alias/payments", m.aes_id), ("alias/signer", m.rsa_id)])
        self.assertEqual(self.list_keys(kms), sorted([m.aes_id, m.rsa_id, m.ec_id]))

    def test_rotor_own_fields_take_effect(self):
        m = Material.get()
        srv, kms, path = self.seeded(own_fields_yaml(m))
        self.assertIn(f"rotor: seed {path}: 5 keys created, 0 already present; 3 aliases created, 0 already present",
                      self.log(srv))
        md = kms.describe_key(KeyId="alias/legacy")["KeyMetadata"]
        self.assertEqual((md["KeyId"], md["KeyState"], md["Enabled"], md["Description"]),
                         (m.own_id, "Disabled", False, "disabled, tagged, rotating every 90 days"))
        self.assertEqual(md["CreationDate"], parse_iso("2029-12-01T00:00:00Z"))
        self.assertEqual(md["CurrentKeyMaterialId"], m.own_material_ids[0])
        status = kms.get_key_rotation_status(KeyId=m.own_id)
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"]), (True, 90))
        self.assertEqual(status["NextRotationDate"], T0 + 90 * DAY)  # jitter 0: from the load time
        self.assertEqual(sorted((t["TagKey"], t["TagValue"]) for t in kms.list_resource_tags(KeyId=m.own_id)["Tags"]),
                         [("env", "ci"), ("team", "payments")])
        self.assert_client_error(kms.encrypt, "DisabledException", f"{key_arn(m.own_id)} is disabled.",
                                 KeyId="alias/legacy", Plaintext=b"x")
        # Its material is the seeded one: a blob made with it decrypts once enabled.
        kms.enable_key(KeyId=m.own_id)
        self.assertEqual(kms.decrypt(CiphertextBlob=make_blob(m.own_id, 1, m.own, b"own"))["Plaintext"], b"own")

        # HMAC key with seeded material: MACs equal Python's.
        hmd = kms.describe_key(KeyId=m.hmac_id)["KeyMetadata"]
        self.assertEqual((hmd["KeySpec"], hmd["KeyUsage"], hmd["Description"]),
                         ("HMAC_256", "GENERATE_VERIFY_MAC", "mac key"))
        mac = kms.generate_mac(KeyId=m.hmac_id, Message=MSG, MacAlgorithm="HMAC_SHA_256")["Mac"]
        self.assertEqual(mac, hmac.new(m.hmac, MSG, hashlib.sha256).digest())

    def test_rotor_own_fields_history_and_scope(self):
        """KeyMaterials history (ids, dates, types), Rotation.NextRotationDate,
        Enabled false, and Account/Region at the top level and per key/alias."""
        kid, other = str(uuid.uuid4()), str(uuid.uuid4())
        ids = [os.urandom(32).hex() for _ in range(3)]
        keys = [os.urandom(32) for _ in range(3)]
        text = f"""\
Account: "444455556666"
Region: eu-central-1
Keys:
  Symmetric:
    Aes:
      - Metadata: {{KeyId: {kid}, Description: history}}
        BackingKeys: [{keys[0].hex()}, {keys[1].hex()}, {keys[2].hex()}]
        KeyMaterials:
          - {{KeyMaterialId: {ids[0]}, CreatedAt: 2028-01-01T00:00:00Z}}
          - {{KeyMaterialId: {ids[1]}, CreatedAt: 2029-01-01T00:00:00Z, RotationType: AUTOMATIC}}
          - {{KeyMaterialId: {ids[2]}, CreatedAt: 2029-06-15T12:30:00Z, RotationType: ON_DEMAND}}
        Rotation: {{Enabled: true, PeriodInDays: 180, NextRotationDate: 2030-03-01T00:00:00Z}}
      - Metadata: {{KeyId: {other}, Account: "777788889999", Region: ap-south-1}}
        BackingKeys: [{os.urandom(32).hex()}]
        Rotation: {{Enabled: false}}
Aliases:
  - {{AliasName: alias/history, TargetKeyId: {kid}}}
  - {{AliasName: alias/elsewhere, TargetKeyId: {other}, Account: "777788889999", Region: ap-south-1}}
"""
        srv, _kms, _path = self.seeded(text)
        kms = srv.client(region="eu-central-1", access_key="444455556666")
        md = kms.describe_key(KeyId="alias/history")["KeyMetadata"]
        self.assertEqual(md["Arn"], key_arn(kid, "eu-central-1", "444455556666"))
        self.assertEqual(md["CurrentKeyMaterialId"], ids[2])
        rot = self.all_rotations(kms, kid)
        self.assertEqual([(r["KeyMaterialId"], r.get("RotationType"), r["KeyMaterialState"]) for r in rot],
                         [(ids[0], None, "NON_CURRENT"), (ids[1], "AUTOMATIC", "NON_CURRENT"),
                          (ids[2], "ON_DEMAND", "CURRENT")])
        self.assertEqual([r.get("RotationDate") for r in rot[1:]],
                         [parse_iso("2029-01-01T00:00:00Z"), parse_iso("2029-06-15T12:30:00Z")])
        status = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"], status["NextRotationDate"]),
                         (True, 180, parse_iso("2030-03-01T00:00:00Z")))
        for version, material in enumerate(keys, start=1):
            blob = make_blob(kid, version, material, b"v%d" % version)
            self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"v%d" % version)

        far = srv.client(region="ap-south-1", access_key="777788889999")
        omd = far.describe_key(KeyId="alias/elsewhere")["KeyMetadata"]
        self.assertEqual(omd["Arn"], key_arn(other, "ap-south-1", "777788889999"))
        self.assertFalse(far.get_key_rotation_status(KeyId=other)["KeyRotationEnabled"])
        # Nothing landed in the server's default scope.
        self.assertEqual(self.list_keys(srv.client()), [])

    def test_past_next_key_rotation_rotates_at_start_up_once_per_period(self):
        kid = str(uuid.uuid4())
        text = f"""\
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: {kid}
          CreationDate: 2027-03-01T00:00:00Z
        BackingKeys: [{os.urandom(32).hex()}]
        NextKeyRotation: 2028-03-01T00:00:00Z
"""
        srv, kms, _ = self.seeded(text)
        rot = self.all_rotations(kms, kid, include="ROTATIONS_ONLY")
        self.assertEqual([(r["RotationType"], r["RotationDate"]) for r in rot],
                         [("AUTOMATIC", parse_iso("2028-03-01T00:00:00Z")),
                          ("AUTOMATIC", parse_iso("2029-03-01T00:00:00Z"))])
        self.assertEqual(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"],
                         parse_iso("2030-03-01T00:00:00Z"))

    def test_json_seed_file(self):
        m = Material.get()
        kid, mac_id = str(uuid.uuid4()), str(uuid.uuid4())
        doc = {
            "Keys": {
                "Symmetric": {"Aes": [{
                    "Metadata": {"KeyId": kid, "Description": "from json",
                                 "Tags": [{"TagKey": "format", "TagValue": "json"}]},
                    "BackingKeys": [m.aes_a.hex(), m.aes_b.hex()],
                    "Rotation": {"Enabled": True, "PeriodInDays": 120},
                }]},
                "Asymmetric": {"Rsa": [{"Metadata": {"KeyId": m.rsa_id, "KeyUsage": "SIGN_VERIFY"},
                                        "PrivateKeyPem": m.rsa_pem}]},
                "Hmac": [{"Metadata": {"KeyId": mac_id, "KeySpec": "HMAC_256"}, "BackingKeys": [m.hmac.hex()]}],
            },
            "Aliases": [{"AliasName": "alias/json", "TargetKeyId": kid}],
        }
        srv, kms, path = self.seeded(json.dumps(doc, indent=2), name="seed.json")
        self.assertIn(f"rotor: seed {path}: 3 keys created, 0 already present; 1 aliases created, 0 already present",
                      self.log(srv))
        md = kms.describe_key(KeyId="alias/json")["KeyMetadata"]
        self.assertEqual((md["KeyId"], md["Description"]), (kid, "from json"))
        status = kms.get_key_rotation_status(KeyId=kid)
        self.assertEqual((status["KeyRotationEnabled"], status["RotationPeriodInDays"], status["NextRotationDate"]),
                         (True, 120, T0 + 120 * DAY))
        self.assertEqual(kms.list_resource_tags(KeyId=kid)["Tags"], [{"TagKey": "format", "TagValue": "json"}])
        enc = kms.encrypt(KeyId="alias/json", Plaintext=b"json seeded")["CiphertextBlob"]
        self.assertEqual(open_blob(enc, m.aes_b), (kid, 2, b"json seeded"))
        self.assertEqual(kms.decrypt(CiphertextBlob=make_blob(kid, 1, m.aes_a, b"old"))["Plaintext"], b"old")
        self.assertEqual(len(self.all_rotations(kms, kid, include="ROTATIONS_ONLY")), 1)
        sig = kms.sign(KeyId=m.rsa_id, Message=MSG, SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256")["Signature"]
        m.rsa.public_key().verify(sig, MSG, padding.PKCS1v15(), hashes.SHA256())
        self.assertEqual(kms.generate_mac(KeyId=mac_id, Message=MSG, MacAlgorithm="HMAC_SHA_256")["Mac"],
                         hmac.new(m.hmac, MSG, hashlib.sha256).digest())

    def test_same_seed_twice_into_a_data_dir_changes_nothing(self):
        m = Material.get()
        d = self.tmpdir()
        path = self.write(d, "seed.yaml", own_fields_yaml(m))
        srv = self.server(VIRTUAL + ["--seed-file", path])
        kms = srv.client()
        ids = [m.aes_id, m.rsa_id, m.ec_id, m.own_id, m.hmac_id]
        # Change things between the runs: the seed must not undo any of it.
        kms.update_key_description(KeyId=m.aes_id, Description="changed at run time")
        kms.rotate_key_on_demand(KeyId=m.aes_id)
        kms.disable_key(KeyId=m.rsa_id)
        kms.tag_resource(KeyId=m.own_id, Tags=[{"TagKey": "team", "TagValue": "platform"}])
        kms.untag_resource(KeyId=m.own_id, TagKeys=["env"])
        kms.enable_key(KeyId=m.own_id)
        kms.disable_key_rotation(KeyId=m.own_id)
        kms.update_alias(AliasName="alias/legacy", TargetKeyId=m.aes_id)
        kms.schedule_key_deletion(KeyId=m.ec_id, PendingWindowInDays=7)
        before = self.snapshot(srv, kms, ids)
        self.assertEqual(before[m.aes_id]["describe"]["Description"], "changed at run time")
        self.assertEqual(before[m.ec_id]["describe"]["KeyState"], "PendingDeletion")

        srv.restart()
        self.assertIn(f"rotor: seed {path}: 0 keys created, 5 already present; 0 aliases created, 3 already present",
                      self.log(srv))
        self.assertEqual(self.snapshot(srv, kms, ids), before)
        self.assertEqual(before["aliases"], [("alias/legacy", m.aes_id), ("alias/payments", m.aes_id),
                                             ("alias/signer", m.rsa_id)])

        # A third start with the same seed: still nothing changes.
        srv.restart()
        self.assertEqual(self.snapshot(srv, kms, ids), before)
        self.assertEqual(
            self.log(srv).count("0 keys created, 5 already present; 0 aliases created, 3 already present"), 2)

    def invalid_cases(self, m):
        good = f"""\
      - Metadata: {{KeyId: {m.aes_id}, Description: fine}}
        BackingKeys: [{m.aes_a.hex()}]
"""
        alias = f"Aliases:\n  - {{AliasName: alias/fine, TargetKeyId: {m.aes_id}}}\n"
        head = "Keys:\n  Symmetric:\n    Aes:\n"
        ghost = str(uuid.uuid4())
        bad_id = str(uuid.uuid4())
        return [
            ("bad hex",
             head + good + f"      - Metadata: {{KeyId: {bad_id}}}\n        BackingKeys: [{'zq' * 32}]\n" + alias,
             "Keys.Symmetric.Aes[1]: a BackingKeys entry must be hex digits"),
            ("unknown field",
             head + good + f"      - Metadata: {{KeyId: {bad_id}, Colour: blue}}\n"
                           f"        BackingKeys: [{m.aes_b.hex()}]\n" + alias,
             "Keys.Symmetric.Aes[1].Metadata: unknown field Colour"),
            ("alias to a missing key",
             head + good + alias + f"  - {{AliasName: alias/ghost, TargetKeyId: {ghost}}}\n",
             f"Aliases[1]: TargetKeyId {ghost} of alias/ghost is not a key in the seed file or the data dir "
             f"(account {DEFAULT_ACCOUNT}, region {DEFAULT_REGION})"),
            ("second entry invalid",
             head + good + f"      - Metadata: {{KeyId: {bad_id}}}\n        BackingKeys: [{os.urandom(31).hex()}]\n"
             + alias,
             f"Keys.Symmetric.Aes[1] (KeyId {bad_id}): key material 0 must be 32 bytes (64 hex digits)"),
        ]

    def test_invalid_seed_stops_start_up_and_loads_nothing(self):
        m = Material.get()
        for name, text, problem in self.invalid_cases(m):
            with self.subTest(name):
                d = self.tmpdir()
                data = os.path.join(d, "data")
                path = self.write(d, "seed.yaml", text)
                p = run_rotor(["--host", "127.0.0.1", "--port", "0", "--data-dir", data, "--seed-file", path]
                              + VIRTUAL)
                err = p.stderr.decode(errors="replace")
                self.assertEqual(p.returncode, 1, err)
                self.assertNotIn(b"listening on", p.stdout)
                # Nothing half-loaded: the same data dir without the seed is empty.
                srv = self.server(VIRTUAL, data_dir=data)
                kms = srv.client()
                self.assertEqual(self.list_keys(kms), [])
                self.assertEqual(self.customer_aliases(kms), [])
                self.assertEqual(self.admin_ok(srv, "GET", "/_rotor/keys")["keys"], [])
                srv.stop()
                # The message names the file, the entry and the problem.
                self.assertEqual(err.strip().splitlines()[-1], f"rotor: {path}: {problem}", err)

    def test_invalid_seed_leaves_an_existing_data_dir_untouched(self):
        m = Material.get()
        d = self.tmpdir()
        data = os.path.join(d, "data")
        srv = self.server(VIRTUAL, data_dir=data)
        kms = srv.client()
        existing = kms.create_key(Description="was here before")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/before", TargetKeyId=existing)
        srv.stop()
        _name, text, problem = self.invalid_cases(m)[2]
        path = self.write(d, "seed.yaml", text)
        p = run_rotor(["--port", "0", "--data-dir", data, "--seed-file", path] + VIRTUAL)
        self.assertEqual(p.returncode, 1, p.stderr)
        srv.start()
        self.assertEqual(self.list_keys(kms), [existing])
        self.assertEqual(self.customer_aliases(kms), [("alias/before", existing)])
        self.assertEqual(p.stderr.decode(), f"rotor: {path}: {problem}\n")

    def test_an_alias_defined_twice_is_an_invalid_file(self):
        """A KeyId twice is refused; an AliasName twice (to two different keys)
        must be too, rather than the second silently losing."""
        a, b = str(uuid.uuid4()), str(uuid.uuid4())
        text = f"""\
Keys:
  Symmetric:
    Aes:
      - {{Metadata: {{KeyId: {a}}}, BackingKeys: [{os.urandom(32).hex()}]}}
      - {{Metadata: {{KeyId: {b}}}, BackingKeys: [{os.urandom(32).hex()}]}}
Aliases:
  - {{AliasName: alias/twice, TargetKeyId: {a}}}
  - {{AliasName: alias/twice, TargetKeyId: {b}}}
"""
        d = self.tmpdir()
        path = self.write(d, "seed.yaml", text)
        proc = LocalProcess(["--host", "127.0.0.1", "--port", "0", "--data-dir", os.path.join(d, "data"),
                             "--seed-file", path] + VIRTUAL, {}, d)
        self.addCleanup(proc.stop)
        self.assertEqual(proc.outcome(), "exited", f"rotor started with an alias defined twice:\n{proc.output()}")
        self.assertNotEqual(proc.proc.returncode, 0)
        self.assertIn(f"rotor: {path}: Aliases[1]", proc.output())

    def test_unreadable_and_malformed_seed_files_name_the_file(self):
        d = self.tmpdir()
        missing = os.path.join(d, "nope.yaml")
        p = run_rotor(["--port", "0", "--in-memory", "--seed-file", missing])
        self.assertEqual((p.returncode, p.stderr.decode().strip()), (1, f"rotor: {missing}: cannot be read"))
        broken = self.write(d, "broken.json", '{"Keys": [')
        p = run_rotor(["--port", "0", "--in-memory", "--seed-file", broken])
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stderr.decode().startswith(f"rotor: {broken}: not valid JSON"), p.stderr)

    # -------------------------------------------------- local-kms env vars
    def test_local_kms_environment_variables_are_aliases(self):
        m = Material.get()
        d = self.tmpdir()
        seed = self.write(d, "seed.yaml", local_kms_yaml(m))
        data = os.path.join(d, "kms-data")
        port = free_port()
        proc = LocalProcess(["--host", "127.0.0.1"] + VIRTUAL, {
            "PORT": str(port), "KMS_ACCOUNT_ID": "999988887777", "KMS_REGION": "eu-west-2",
            "KMS_SEED_PATH": seed, "KMS_DATA_PATH": data}, d)
        self.addCleanup(proc.stop)
        line, url = proc.wait_listening()
        self.assertEqual(url, f"http://127.0.0.1:{port}")
        self.assertIn(f"(account 999988887777, region eu-west-2, clock virtual, data {data})", line)
        self.assertIn(f"rotor: seed {seed}: 3 keys created", proc.output())
        self.assertTrue(os.path.isfile(os.path.join(data, "rotor.db")))
        # A non-numeric access key lands in the default account; the region is the signing one.
        kms = kms_client(url, region="eu-west-2")
        md = kms.describe_key(KeyId="alias/payments")["KeyMetadata"]
        self.assertEqual(md["Arn"], key_arn(m.aes_id, "eu-west-2", "999988887777"))
        # An unsigned request uses KMS_ACCOUNT_ID and KMS_REGION.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
        try:
            conn.request("POST", "/", body=json.dumps({"Description": "unsigned"}),
                         headers={"Content-Type": "application/x-amz-json-1.1",
                                  "X-Amz-Target": "TrentService.CreateKey"})
            resp = conn.getresponse()
            status, body = resp.status, resp.read()
        finally:
            conn.close()
        self.assertEqual(status, 200, body)
        arn = json.loads(body)["KeyMetadata"]["Arn"]
        self.assertTrue(arn.startswith("arn:aws:kms:eu-west-2:999988887777:key/"), arn)

    def test_rotor_variables_win_over_local_kms_ones(self):
        d = self.tmpdir()
        kms_seed_id, rotor_seed_id = str(uuid.uuid4()), str(uuid.uuid4())
        one = "Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {KeyId: %s}\n        BackingKeys: [%s]\n"
        kms_seed = self.write(d, "kms.yaml", one % (kms_seed_id, os.urandom(32).hex()))
        rotor_seed = self.write(d, "rotor.yaml", one % (rotor_seed_id, os.urandom(32).hex()))
        kms_data, rotor_data = os.path.join(d, "kms-data"), os.path.join(d, "rotor-data")
        kms_port, rotor_port = free_port(), free_port()
        while rotor_port == kms_port:
            rotor_port = free_port()
        proc = LocalProcess(["--host", "127.0.0.1"] + VIRTUAL, {
            "PORT": str(kms_port), "ROTOR_PORT": str(rotor_port),
            "KMS_ACCOUNT_ID": "999988887777", "ROTOR_ACCOUNT_ID": "123412341234",
            "KMS_REGION": "eu-west-2", "ROTOR_REGION": "sa-east-1",
            "KMS_SEED_PATH": kms_seed, "ROTOR_SEED_FILE": rotor_seed,
            "KMS_DATA_PATH": kms_data, "ROTOR_DATA_DIR": rotor_data}, d)
        self.addCleanup(proc.stop)
        line, url = proc.wait_listening()
        self.assertEqual(url, f"http://127.0.0.1:{rotor_port}")
        self.assertIn(f"(account 123412341234, region sa-east-1, clock virtual, data {rotor_data})", line)
        self.assertTrue(os.path.isfile(os.path.join(rotor_data, "rotor.db")))
        self.assertFalse(os.path.exists(kms_data))
        kms = kms_client(url, region="sa-east-1")
        self.assertEqual(self.list_keys(kms), [rotor_seed_id])
        self.assertEqual(kms.describe_key(KeyId=rotor_seed_id)["KeyMetadata"]["Arn"],
                         key_arn(rotor_seed_id, "sa-east-1", "123412341234"))
        # And a flag wins over both variables.
        proc2 = LocalProcess(["--host", "127.0.0.1", "--port", "0", "--in-memory", "--account-id", "555566667777"]
                             + VIRTUAL, {"KMS_ACCOUNT_ID": "999988887777", "ROTOR_ACCOUNT_ID": "123412341234",
                                         "PORT": str(kms_port)}, d)
        self.addCleanup(proc2.stop)
        line2, _ = proc2.wait_listening()
        self.assertIn("(account 555566667777, region us-east-1, clock virtual, data in memory)", line2)
        self.assertNotIn(f":{kms_port} ", line2)


# ===================================================================== export
def yaml_strings(text):
    """YAML as Rotor reads it: every scalar a string (the seed reader's rule)."""
    return yaml.load(text, Loader=yaml.BaseLoader)


def as_strings(v):
    """JSON with every scalar as the text Rotor's YAML writer gives it."""
    if isinstance(v, dict):
        return {k: as_strings(x) for k, x in v.items()}
    if isinstance(v, list):
        return [as_strings(x) for x in v]
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "~"
    return str(v)


class Yaml12Loader(yaml.SafeLoader):
    """YAML 1.2 core schema (null, bool, int, float; no 1.1 timestamps, yes/no or octal)."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
        ("float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""])):
    Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:" + _tag, re.compile(_regexp), list(_first))


class ExportTest(OperateTestCase):
    OTHER_ACCOUNT = "210987654321"

    def populated(self):
        """A server on a data dir with seeded keys and keys made at run time:
        rotations (automatic and on demand), RSA/ECC/HMAC keys, an imported
        key with expiring material, a key pending deletion, tags, aliases and
        a key in another account. Returns (server, kms, facts)."""
        m = Material.get()
        d = self.tmpdir()
        seed = self.write(d, "seed.yaml", own_fields_yaml(m))
        srv = self.server(VIRTUAL + ["--seed-file", seed])
        kms = srv.client()
        f = {"m": m, "cts": [], "sigs": [], "macs": []}
        made = kms.create_key(Description="made at run time",
                              Tags=[{"TagKey": "owner", "TagValue": "ops"}])["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/made", TargetKeyId=made)
        kms.enable_key_rotation(KeyId=made, RotationPeriodInDays=100)
        f["cts"].append((made, kms.encrypt(KeyId=made, Plaintext=b"v1 of made")["CiphertextBlob"], b"v1 of made"))
        kms.rotate_key_on_demand(KeyId=made)
        f["cts"].append((made, kms.encrypt(KeyId=made, Plaintext=b"v2 of made")["CiphertextBlob"], b"v2 of made"))
        f["cts"].append((m.aes_id, kms.encrypt(KeyId=m.aes_id, Plaintext=b"seeded aes",
                                               EncryptionContext={"k": "v"})["CiphertextBlob"], b"seeded aes"))
        rsa_sign = kms.create_key(KeySpec="RSA_3072", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        rsa_enc = kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
        ecc = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        mac = kms.create_key(KeySpec="HMAC_512", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        ext = kms.create_key(Origin="EXTERNAL", Description="imported")["KeyMetadata"]["KeyId"]
        import_material(kms, ext, os.urandom(32), ValidTo=T0 + 200 * DAY, ExpirationModel="KEY_MATERIAL_EXPIRES")
        f["cts"].append((ext, kms.encrypt(KeyId=ext, Plaintext=b"imported")["CiphertextBlob"], b"imported"))
        far = srv.client(access_key=self.OTHER_ACCOUNT)
        far_key = far.create_key(Description="other account")["KeyMetadata"]["KeyId"]
        far.create_alias(AliasName="alias/far", TargetKeyId=far_key)
        f["far_cts"] = [(far_key, far.encrypt(KeyId=far_key, Plaintext=b"far")["CiphertextBlob"], b"far")]
        # 101 days: the 100-day key rotates automatically (the seeded 90-day
        # one is disabled, so it does not).
        fired = srv.advance_clock("101d")["fired"]
        self.assertEqual([(e["event"], e["keyId"]) for e in fired], [("RotateKey", made)])
        f["cts"].append((made, kms.encrypt(KeyId=made, Plaintext=b"v3 of made")["CiphertextBlob"], b"v3 of made"))
        gone = kms.create_key(Description="on its way out")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/gone", TargetKeyId=gone)
        kms.schedule_key_deletion(KeyId=gone, PendingWindowInDays=30)
        for kid, alg in ((rsa_sign, "RSASSA_PKCS1_V1_5_SHA_384"), (m.rsa_id, "RSASSA_PKCS1_V1_5_SHA_256"),
                         (ecc, "ECDSA_SHA_384"), (m.ec_id, "ECDSA_SHA_256")):
            f["sigs"].append((kid, alg, kms.sign(KeyId=kid, Message=MSG, SigningAlgorithm=alg)["Signature"]))
        f["rsa_oaep"] = (rsa_enc, serialization.load_der_public_key(kms.get_public_key(KeyId=rsa_enc)["PublicKey"])
                         .encrypt(b"for rsa", padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                                            algorithm=hashes.SHA256(), label=None)))
        for kid, alg in ((mac, "HMAC_SHA_512"), (m.hmac_id, "HMAC_SHA_256")):
            f["macs"].append((kid, alg, kms.generate_mac(KeyId=kid, Message=MSG, MacAlgorithm=alg)["Mac"]))
        f.update(made=made, rsa_sign=rsa_sign, rsa_enc=rsa_enc, ecc=ecc, mac=mac, ext=ext, gone=gone,
                 far_key=far_key)
        f["ids"] = [m.aes_id, m.rsa_id, m.ec_id, m.own_id, m.hmac_id, made, rsa_sign, rsa_enc, ecc, mac, ext]
        return srv, kms, far, f

    def export(self, srv, *args):
        p = run_rotor(["export"] + srv.store_args() + list(args))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, b"")
        return p.stdout.decode()

    def entries(self, doc):
        out = {}
        for group in (doc["Keys"].get("Symmetric", {}).get("Aes", []), doc["Keys"].get("Hmac", []),
                      doc["Keys"].get("Asymmetric", {}).get("Rsa", []),
                      doc["Keys"].get("Asymmetric", {}).get("Ecc", [])):
            for e in group:
                out[e["Metadata"]["KeyId"]] = e
        return out

    def test_export_without_material(self):
        srv, kms, far, f = self.populated()
        m = f["m"]
        text = self.export(srv)  # while the server runs
        for secret in m.secrets_text():
            self.assertNotIn(secret, text)
        self.assertNotIn("PRIVATE KEY", text)
        doc = yaml_strings(text)
        self.assertEqual(set(doc), {"Account", "Region", "Keys", "Aliases"})
        self.assertEqual((doc["Account"], doc["Region"]), (DEFAULT_ACCOUNT, DEFAULT_REGION))
        entries = self.entries(doc)
        self.assertEqual(set(entries), set(f["ids"] + [f["far_key"]]))  # not the key pending deletion
        self.assertEqual({e["Metadata"]["KeyId"] for e in doc["Keys"]["Symmetric"]["Aes"]},
                         {m.aes_id, m.own_id, f["made"], f["ext"], f["far_key"]})
        self.assertEqual({e["Metadata"]["KeyId"] for e in doc["Keys"]["Asymmetric"]["Rsa"]},
                         {m.rsa_id, f["rsa_sign"], f["rsa_enc"]})
        self.assertEqual({e["Metadata"]["KeyId"] for e in doc["Keys"]["Asymmetric"]["Ecc"]}, {m.ec_id, f["ecc"]})
        self.assertEqual({e["Metadata"]["KeyId"] for e in doc["Keys"]["Hmac"]}, {m.hmac_id, f["mac"]})
        for kid, e in entries.items():
            with self.subTest(key=kid):
                self.assertNotIn("BackingKeys", e)
                self.assertNotIn("PrivateKeyPem", e)
        # Material history = ListKeyRotations, in order.
        for kid in (m.aes_id, m.own_id, f["made"], f["ext"]):
            with self.subTest(history=kid):
                rot = self.all_rotations(kms, kid)
                self.assertEqual([h["KeyMaterialId"] for h in entries[kid]["KeyMaterials"]],
                                 [r["KeyMaterialId"] for r in rot])
                self.assertEqual([h.get("RotationType") for h in entries[kid]["KeyMaterials"][1:]],
                                 [r.get("RotationType") for r in rot[1:]])
        made = entries[f["made"]]
        self.assertEqual([h.get("RotationType") for h in made["KeyMaterials"]], [None, "ON_DEMAND", "AUTOMATIC"])
        self.assertEqual([h["CreatedAt"] for h in made["KeyMaterials"]],
                         [T0_TEXT, T0_TEXT, z(T0 + 100 * DAY)])
        self.assertEqual(made["Rotation"], {"Enabled": "true", "PeriodInDays": "100",
                                            "NextRotationDate": z(T0 + 200 * DAY)})
        self.assertEqual(made["Metadata"]["Tags"], [{"TagKey": "owner", "TagValue": "ops"}])
        self.assertEqual(made["Metadata"]["Description"], "made at run time")
        self.assertEqual(made["Metadata"]["Policy"],
                         kms.get_key_policy(KeyId=f["made"], PolicyName="default")["Policy"])
        own = entries[m.own_id]["Metadata"]
        self.assertEqual((own["KeyState"], own["CreationDate"]), ("Disabled", "2029-12-01T00:00:00Z"))
        self.assertEqual(entries[m.aes_id]["Rotation"],
                         {"Enabled": "true", "PeriodInDays": "365", "NextRotationDate": "2030-06-01T00:00:00Z"})
        self.assertEqual(entries[f["ext"]]["Metadata"]["Origin"], "EXTERNAL")
        self.assertEqual(entries[f["mac"]]["Metadata"]["KeySpec"], "HMAC_512")
        self.assertEqual(entries[f["rsa_enc"]]["Metadata"]["KeyUsage"], "ENCRYPT_DECRYPT")
        self.assertEqual((entries[f["far_key"]]["Metadata"]["Account"], entries[f["far_key"]]["Metadata"]["Region"]),
                         (self.OTHER_ACCOUNT, DEFAULT_REGION))
        aliases = sorted((a["AliasName"], a["TargetKeyId"], a.get("Account")) for a in doc["Aliases"])
        self.assertEqual(aliases, sorted([("alias/payments", m.aes_id, None), ("alias/signer", m.rsa_id, None),
                                          ("alias/legacy", m.own_id, None), ("alias/made", f["made"], None),
                                          ("alias/far", f["far_key"], self.OTHER_ACCOUNT)]))

        # JSON says the same; --output writes the same bytes as stdout.
        as_json = self.export(srv, "--format", "json")
        self.assertEqual(as_strings(json.loads(as_json)), doc)
        out = os.path.join(self.tmpdir(), "state.yaml")
        self.assertEqual(self.export(srv, "--output", out), "")
        with open(out) as fh:
            self.assertEqual(fh.read(), text)
        # Stopped server, same state, same export.
        srv.stop()
        self.assertEqual(self.export(srv), text)

    def test_export_yaml_is_standard_yaml(self):
        """The YAML export means the same to any YAML parser as the JSON one:
        strings that look like numbers or booleans must be quoted."""
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kms.create_key(Description="true", Tags=[{"TagKey": "cost-centre", "TagValue": "0123"},
                                                  {"TagKey": "ratio", "TagValue": "12.5"}])
        as_yaml = yaml.load(self.export(srv), Loader=Yaml12Loader)
        as_json = json.loads(self.export(srv, "--format", "json"))
        self.assertEqual(as_yaml, as_json)

    def test_export_with_material_seeds_an_identical_rotor(self):
        srv, kms, far, f = self.populated()
        m = f["m"]
        now = srv.get_clock()["now"]
        d = self.tmpdir()
        for fmt in ("yaml", "json"):
            with self.subTest(format=fmt):
                path = os.path.join(d, f"export.{fmt}")
                self.export(srv, "--include-material", "--format", fmt, "--output", path)
                with open(path) as fh:
                    text = fh.read()
                self.assertIn(m.aes_b.hex(), text)
                self.assertIn("-----BEGIN PRIVATE KEY-----", text)
                srv2 = self.server(["--clock", "virtual", "--clock-start", now, "--rotation-jitter", "0",
                                    "--seed-file", path])
                kms2, far2 = srv2.client(), srv2.client(access_key=self.OTHER_ACCOUNT)
                self.assertIn(f"rotor: seed {path}: 12 keys created, 0 already present; 5 aliases created",
                              self.log(srv2))
                self.assertEqual(self.list_keys(kms2), sorted(f["ids"]))
                # Everything but the key pending deletion and its alias.
                self.assertEqual(self.customer_aliases(kms2),
                                 [a for a in self.customer_aliases(kms) if a[0] != "alias/gone"])
                self.assertEqual(self.customer_aliases(far2), self.customer_aliases(far))
                for kid in f["ids"]:
                    with self.subTest(format=fmt, key=kid):
                        a, b = kms.describe_key(KeyId=kid)["KeyMetadata"], kms2.describe_key(KeyId=kid)["KeyMetadata"]
                        self.assertEqual(b, a)
                        self.assertEqual(kms2.list_resource_tags(KeyId=kid)["Tags"],
                                         kms.list_resource_tags(KeyId=kid)["Tags"])
                        self.assertEqual(kms2.get_key_policy(KeyId=kid, PolicyName="default")["Policy"],
                                         kms.get_key_policy(KeyId=kid, PolicyName="default")["Policy"])
                        if a["KeySpec"] == "SYMMETRIC_DEFAULT":
                            self.assertEqual(self.all_rotations(kms2, kid), self.all_rotations(kms, kid))
                            self.assertEqual(strip_meta(kms2.get_key_rotation_status(KeyId=kid)),
                                             strip_meta(kms.get_key_rotation_status(KeyId=kid)))
                        elif a["KeyUsage"] != "GENERATE_VERIFY_MAC":
                            self.assertEqual(kms2.get_public_key(KeyId=kid)["PublicKey"],
                                             kms.get_public_key(KeyId=kid)["PublicKey"])
                self.assertEqual(far2.describe_key(KeyId=f["far_key"])["KeyMetadata"],
                                 far.describe_key(KeyId=f["far_key"])["KeyMetadata"])
                # Old ciphertexts (every material version) decrypt; signatures match.
                for kid, blob, plain in f["cts"]:
                    ctx = {"k": "v"} if kid == m.aes_id else {}
                    self.assertEqual(kms2.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"], plain)
                for kid, blob, plain in f["far_cts"]:
                    self.assertEqual(far2.decrypt(CiphertextBlob=blob)["Plaintext"], plain)
                for kid, alg, sig in f["sigs"]:
                    self.assertTrue(kms2.verify(KeyId=kid, Message=MSG, Signature=sig,
                                                SigningAlgorithm=alg)["SignatureValid"])
                    if alg.startswith("RSASSA_PKCS1"):  # deterministic: the very same bytes
                        self.assertEqual(kms2.sign(KeyId=kid, Message=MSG, SigningAlgorithm=alg)["Signature"], sig)
                for kid, alg, mac in f["macs"]:
                    self.assertEqual(kms2.generate_mac(KeyId=kid, Message=MSG, MacAlgorithm=alg)["Mac"], mac)
                rsa_enc, rsa_ct = f["rsa_oaep"]
                self.assertEqual(kms2.decrypt(KeyId=rsa_enc, CiphertextBlob=rsa_ct,
                                              EncryptionAlgorithm="RSAES_OAEP_SHA_256")["Plaintext"], b"for rsa")
                srv2.cleanup()


# ================================================================ audit trail
class AuditTrailTest(OperateTestCase):

    def events(self, srv, **query):
        qs = urllib.parse.urlencode(query)
        doc = self.admin_ok(srv, "GET", "/_rotor/events" + (f"?{qs}" if qs else ""))
        self.assertEqual(doc["dropped"], 0)
        return doc["events"]

    @sqlite_only("it reads audit.db")
    def test_cloudtrail_shaped_events_for_calls_and_service_events(self):
        d = self.tmpdir()
        audit_log = os.path.join(d, "audit.jsonl")
        srv = self.server(VIRTUAL + ["--audit-log", audit_log])
        kms = srv.client()
        agents = []
        kms.meta.events.register("before-send.kms.*",
                                 lambda request, **_: agents.append(request.headers["User-Agent"]))

        def text(v):
            return v.decode() if isinstance(v, bytes) else v
        rid = {}

        def call(name, fn, **kw):
            out = fn(**kw)
            rid[name] = out["ResponseMetadata"]["RequestId"]
            self.assertEqual(out["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"], rid[name])
            return out

        md = call("CreateKey", kms.create_key, Description="audited",
                  Tags=[{"TagKey": "Team", "TagValue": "Audit"}])["KeyMetadata"]
        kid, arn = md["KeyId"], md["Arn"]
        plaintext = b"audit plaintext " + os.urandom(24)
        ctx = {"department": "finance", "purpose": "audit"}  # upper case: see the next test
        blob = call("Encrypt", kms.encrypt, KeyId=kid, Plaintext=plaintext, EncryptionContext=ctx)["CiphertextBlob"]
        err = self.assert_client_error(kms.decrypt, "InvalidCiphertextException", "", KeyId=kid,
                                       CiphertextBlob=blob, EncryptionContext={"department": "sales"})
        rid["Decrypt"] = err.response["ResponseMetadata"]["RequestId"]
        self.assertEqual(self.events(srv, key=kid, name="Decrypt")[0]["requestID"], rid["Decrypt"])
        call("CreateAlias", kms.create_alias, AliasName="alias/audited", TargetKeyId=kid)
        call("EnableKeyRotation", kms.enable_key_rotation, KeyId=kid, RotationPeriodInDays=90)
        dk = call("GenerateDataKey", kms.generate_data_key, KeyId="alias/audited", KeySpec="AES_256",
                  EncryptionContext=ctx)
        self.assertEqual(kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"], plaintext)
        agent = text(agents[0])
        self.assertEqual({text(a) for a in agents}, {agent})
        self.assertTrue(agent.startswith("Boto3/"), agent)

        fired = srv.advance_clock("91d")["fired"]
        self.assertEqual(len(fired), 1, fired)
        self.assertEqual((fired[0]["event"], fired[0]["time"]), ("RotateKey", z(T0 + 90 * DAY)))
        new_material = kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"]
        self.assertEqual(fired[0]["detail"], f"AUTOMATIC {new_material}")
        call("ScheduleKeyDeletion", kms.schedule_key_deletion, KeyId=kid, PendingWindowInDays=7)
        fired = srv.advance_clock("8d")["fired"]
        self.assertEqual([(e["event"], e["keyId"], e["time"]) for e in fired],
                         [("DeleteKey", kid, z(T0 + 98 * DAY))])

        events = self.events(srv, key=kid)
        names = [e["eventName"] for e in events]
        self.assertEqual(names, ["CreateKey", "Encrypt", "Decrypt", "CreateAlias", "EnableKeyRotation",
                                 "GenerateDataKey", "Decrypt", "RotateKey", "DescribeKey", "ScheduleKeyDeletion",
                                 "DeleteKey"])
        by_name = {}
        for e in events:
            by_name.setdefault(e["eventName"], []).append(e)
        self.assertEqual(sorted(by_name), sorted(["CreateKey", "Encrypt", "Decrypt", "CreateAlias",
                                                  "EnableKeyRotation", "GenerateDataKey", "DescribeKey",
                                                  "RotateKey", "ScheduleKeyDeletion", "DeleteKey"]))
        self.assertEqual([e["eventTime"] for e in events], sorted(e["eventTime"] for e in events))
        self.assertEqual(len({e["eventID"] for e in events}), len(events))
        for e in events:
            with self.subTest(event=e["eventName"]):
                self.assertEqual((e["eventVersion"], e["eventSource"], e["awsRegion"]),
                                 ("1.08", "kms.amazonaws.com", DEFAULT_REGION))
                self.assertRegex(e["eventID"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
                self.assertEqual(e["resources"], [{"accountId": DEFAULT_ACCOUNT, "type": "AWS::KMS::Key",
                                                   "ARN": arn}])
                self.assertEqual(e["recipientAccountId"], DEFAULT_ACCOUNT)
                if e["eventType"] == "AwsApiCall":
                    self.assertEqual(e["userIdentity"]["accessKeyId"], DUMMY_ACCESS_KEY)
                    self.assertEqual(e["userIdentity"]["accountId"], DEFAULT_ACCOUNT)
                    self.assertEqual((e["sourceIPAddress"], e["userAgent"]), ("127.0.0.1", agent))
                    if e["eventName"] in rid and e["eventName"] != "Decrypt":
                        self.assertEqual(e["requestID"], rid[e["eventName"]])
                else:
                    self.assertEqual(e["eventType"], "AwsServiceEvent")
                    self.assertEqual(e["userIdentity"]["accountId"], DEFAULT_ACCOUNT)

        create = by_name["CreateKey"][0]
        self.assertEqual((create["eventTime"], create["eventType"], create["readOnly"]), (T0_TEXT, "AwsApiCall", False))
        self.assertEqual(create["requestParameters"]["description"], "audited")
        self.assertEqual(create["requestParameters"]["tags"], [{"tagKey": "Team", "tagValue": "Audit"}])
        self.assertEqual(create["responseElements"]["keyMetadata"]["keyId"], kid)
        self.assertEqual(create["responseElements"]["keyMetadata"]["arn"], arn)
        self.assertNotIn("errorCode", create)

        enc = by_name["Encrypt"][0]
        self.assertEqual(enc["requestParameters"], {"keyId": kid, "encryptionContext": ctx})
        self.assertIsNone(enc["responseElements"])
        self.assertEqual(enc["requestID"], rid["Encrypt"])

        failed = [e for e in by_name["Decrypt"] if "errorCode" in e]
        self.assertEqual(len(failed), 1, by_name["Decrypt"])
        self.assertEqual((failed[0]["errorCode"], failed[0]["errorMessage"], failed[0]["requestID"]),
                         ("InvalidCiphertextException", "", rid["Decrypt"]))
        self.assertEqual(failed[0]["requestParameters"], {"keyId": kid, "encryptionContext": {"department": "sales"}})
        self.assertIsNone(failed[0]["responseElements"])

        alias = by_name["CreateAlias"][0]
        self.assertEqual(alias["requestParameters"], {"aliasName": "alias/audited", "targetKeyId": kid})
        self.assertEqual(by_name["EnableKeyRotation"][0]["requestParameters"],
                         {"keyId": kid, "rotationPeriodInDays": 90})
        gdk = by_name["GenerateDataKey"][0]
        self.assertEqual(gdk["requestParameters"], {"keyId": "alias/audited", "keySpec": "AES_256",
                                                    "encryptionContext": ctx})
        self.assertIsNone(gdk["responseElements"])

        rotate = by_name["RotateKey"][0]
        self.assertEqual((rotate["eventType"], rotate["eventTime"], rotate["sourceIPAddress"]),
                         ("AwsServiceEvent", z(T0 + 90 * DAY), "kms.amazonaws.com"))
        self.assertEqual(rotate["serviceEventDetails"], {"rotationType": "AUTOMATIC", "keyMaterialId": new_material})
        self.assertEqual(rotate["userIdentity"], {"accountId": DEFAULT_ACCOUNT, "invokedBy": "kms.amazonaws.com"})
        delete = by_name["DeleteKey"][0]
        self.assertEqual((delete["eventType"], delete["eventTime"]), ("AwsServiceEvent", z(T0 + 98 * DAY)))
        sched = by_name["ScheduleKeyDeletion"][0]
        self.assertEqual(sched["eventTime"], z(T0 + 91 * DAY))
        # Read-only calls, as CloudTrail logs them: readOnly, no response elements.
        describe = by_name["DescribeKey"][0]
        self.assertEqual((describe["readOnly"], describe["responseElements"]), (True, None))
        self.assertEqual(describe["requestParameters"], {"keyId": kid})
        self.assertEqual(sched["requestParameters"], {"keyId": kid, "pendingWindowInDays": 7})

        # Filters: name=, since= and an ARN for key=.
        self.assertEqual([e["eventID"] for e in self.events(srv, key=kid, name="Encrypt")], [enc["eventID"]])
        self.assertEqual([e["eventName"] for e in self.events(srv, key=arn, name="RotateKey")], ["RotateKey"])
        late = self.events(srv, key=kid, since=z(T0 + 30 * DAY))
        self.assertEqual([e["eventName"] for e in late],
                         ["RotateKey", "DescribeKey", "ScheduleKeyDeletion", "DeleteKey"])
        self.assertEqual(self.events(srv, key=kid, since=z(T0 + 98 * DAY))[0]["eventName"], "DeleteKey")
        self.assertEqual(self.events(srv, key=kid, name="NoSuchEvent"), [])
        self.assertEqual(len(self.events(srv, key=kid, limit=2)), 2)
        status, doc = srv.admin("GET", "/_rotor/events?since=yesterday")
        self.assertEqual((status, doc["__type"]), (400, "ValidationException"))

        # No plaintext, ciphertext or data key anywhere: the events, the
        # JSON-lines file and the SQLite database.
        secrets = [plaintext, blob, dk["Plaintext"], dk["CiphertextBlob"]]
        texts = []
        for s in secrets:
            texts += [base64.b64encode(s), s.hex().encode(), s]
        everything = json.dumps(self.events(srv, limit=10000)).encode()
        with open(audit_log, "rb") as fh:
            jsonl = fh.read()
        db_bytes = b""
        for name in sorted(os.listdir(srv.data_dir)):
            if name.startswith("audit.db"):
                with open(os.path.join(srv.data_dir, name), "rb") as fh:
                    db_bytes += fh.read()
        self.assertIn(b"GenerateDataKey", db_bytes + jsonl)
        for where, data in (("events", everything), ("--audit-log", jsonl), ("audit.db", db_bytes)):
            for t in texts:
                self.assertNotIn(t, data, f"a secret in {where}")

        # The JSON-lines file holds the same events as the store.
        lines = [json.loads(line) for line in jsonl.decode().splitlines()]
        self.assertEqual([e for e in lines if e.get("resources") and e["resources"][0]["ARN"] == arn], events)
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["auditEvents"]["dropped"], 0)
        self.assertEqual(health["auditEvents"]["written"], len(lines))
        # audit.db is a real SQLite database holding the same number of events.
        with sqlite3.connect(f"file:{os.path.join(srv.data_dir, 'audit.db')}?mode=ro", uri=True) as db:
            tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            counts = {t: db.execute(f"SELECT COUNT(*) FROM \"{t}\"").fetchone()[0] for t in tables}
        self.assertIn(len(lines), counts.values(), counts)

    def test_encryption_context_keys_are_recorded_verbatim(self):
        """CloudTrail writes member names in lowerCamel, but the encryption
        context is the caller's data: {"Department": "10103.0"} stays as is."""
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        ctx = {"Department": "Finance", "AppName": "Payroll", "purpose": "audit"}
        blob = kms.encrypt(KeyId=kid, Plaintext=b"x", EncryptionContext=ctx)["CiphertextBlob"]
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
        kms.generate_data_key(KeyId=kid, NumberOfBytes=32, EncryptionContext=ctx)
        kms.re_encrypt(CiphertextBlob=blob, SourceEncryptionContext=ctx, DestinationKeyId=kid,
                       DestinationEncryptionContext={"Tenant": "A"})
        got = {e["eventName"]: e["requestParameters"] for e in self.events(srv, key=kid)}
        self.assertEqual({"Encrypt": got["Encrypt"]["encryptionContext"],
                          "Decrypt": got["Decrypt"]["encryptionContext"],
                          "GenerateDataKey": got["GenerateDataKey"]["encryptionContext"],
                          "ReEncrypt source": got["ReEncrypt"]["sourceEncryptionContext"],
                          "ReEncrypt destination": got["ReEncrypt"]["destinationEncryptionContext"]},
                         {"Encrypt": ctx, "Decrypt": ctx, "GenerateDataKey": ctx, "ReEncrypt source": ctx,
                          "ReEncrypt destination": {"Tenant": "A"}})

    def test_only_members_the_model_defines_are_recorded(self):
        """Issue 12 item 11: the audit trail logs the request members the botocore
        model defines for the operation, as CloudTrail logs modeled parameters.
        A miscased or unknown member beside the real ones (AWS ignores them, and
        the call succeeds) never reaches /_rotor/events or the --audit-log file,
        at the top level, nested in a tag, or on a call that failed."""
        d = self.tmpdir()
        audit_log = os.path.join(d, "audit.jsonl")
        srv = self.server(VIRTUAL + ["--audit-log", audit_log])
        secrets = {name: f"rotor-secret-{name}-{uuid.uuid4().hex}" for name in
                   ("lower", "upper", "unknown", "nested", "tag", "failed", "keyid-object")}

        def call(op, body, status=200):
            got, _h, data = srv.kms_raw(f"TrentService.{op}", body)
            self.assertEqual(got, status, data)
            return json.loads(data)

        kid = call("CreateKey", {"Description": "redaction",
                                 "Tags": [{"TagKey": "Team", "TagValue": "A", "tagValue": secrets["tag"]}]}
                   )["KeyMetadata"]["KeyId"]
        plaintext = b"the real plaintext " + os.urandom(16)
        blob = call("Encrypt", {"KeyId": kid, "Plaintext": b64(plaintext),
                                "plaintext": b64(secrets["lower"].encode()),
                                "PLAINTEXT": secrets["upper"],
                                "Unknown": {"Plaintext": secrets["unknown"]},
                                "EncryptionContext": {"purpose": "redaction"},
                                "encryptionContext": {"secret": secrets["nested"]}})["CiphertextBlob"]
        self.assertEqual(base64.b64decode(call("Decrypt", {"CiphertextBlob": blob,
                                                           "EncryptionContext": {"purpose": "redaction"}})
                                          ["Plaintext"]), plaintext)
        failed = call("Encrypt", {"KeyId": kid, "Plaintext": "", "plainText": secrets["failed"]}, 400)
        self.assertEqual(failed["__type"], "ValidationException")
        call("DescribeKey", {"KeyId": {"Plaintext": secrets["keyid-object"]}}, 400)

        events = self.events(srv, limit=1000)
        by_name = {}
        for e in events:
            by_name.setdefault(e["eventName"], []).append(e)
        self.assertEqual(by_name["CreateKey"][0]["requestParameters"],
                         {"description": "redaction", "tags": [{"tagKey": "Team", "tagValue": "A"}]})
        encrypts = by_name["Encrypt"]
        self.assertEqual([e["requestParameters"] for e in encrypts],
                         [{"keyId": kid, "encryptionContext": {"purpose": "redaction"}}, {"keyId": kid}])
        self.assertEqual(encrypts[1]["errorCode"], "ValidationException")
        self.assertEqual(by_name["DescribeKey"][-1]["requestParameters"], None)  # nothing loggable
        self.assertEqual(by_name["Decrypt"][0]["requestParameters"], {"encryptionContext": {"purpose": "redaction"}})

        everything = json.dumps(events).encode()
        with open(audit_log, "rb") as fh:
            jsonl = fh.read()
        self.assertIn(b'"eventName":"Encrypt"', jsonl)
        for where, data in (("/_rotor/events", everything), ("--audit-log", jsonl)):
            for name, secret in secrets.items():
                for form in (secret.encode(), base64.b64encode(secret.encode())):
                    self.assertNotIn(form, data, f"the {name} secret in {where}")
            for form in (base64.b64encode(plaintext), base64.b64decode(blob)[-16:], blob.encode()):
                self.assertNotIn(form, data, f"plaintext or ciphertext in {where}")

    def test_audit_survives_a_restart_and_calls_through_aliases_reach_the_key(self):
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/through", TargetKeyId=kid)
        kms.disable_key(KeyId=kid)
        self.assert_client_error(kms.encrypt, "DisabledException", f"{key_arn(kid)} is disabled.",
                                 KeyId="alias/through", Plaintext=b"x")
        srv.restart()
        events = self.events(srv, key=kid)
        self.assertEqual([e["eventName"] for e in events], ["CreateKey", "CreateAlias", "DisableKey", "Encrypt"])
        self.assertEqual((events[-1]["errorCode"], events[-1]["errorMessage"]),
                         ("DisabledException", f"{key_arn(kid)} is disabled."))
        self.assertEqual(events[-1]["requestParameters"], {"keyId": "alias/through"})
        self.assertEqual(events[-1]["resources"][0]["ARN"], key_arn(kid))

    @sqlite_only("it reads audit.db")
    def test_audit_db_keeps_only_the_newest_events_within_its_budget(self):
        srv = self.server(["--audit-max-events", "40"])
        kms = srv.client()
        kid = kms.create_key(Description="budget")["KeyMetadata"]["KeyId"]
        for i in range(150):
            kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "n", "TagValue": str(i)}])
        events = self.events(srv, limit=1000)
        # Trimmed in slices of a tenth of the budget: 40 to 44 events remain.
        self.assertGreaterEqual(len(events), 40)
        self.assertLessEqual(len(events), 44)
        self.assertEqual(events[-1]["requestParameters"]["tags"], [{"tagKey": "n", "tagValue": "149"}])
        self.assertNotIn("CreateKey", [e["eventName"] for e in events])
        with sqlite3.connect(f"file:{os.path.join(srv.data_dir, 'audit.db')}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT COUNT(*) FROM audit_events").fetchone()[0]
        self.assertLessEqual(rows, 44)

    def test_in_memory_trail_answers_as_audit_db(self):
        """--in-memory keeps its trail as the snapshots the calls left and builds
        a record only when a query returns it: the same calls must give the same
        events as audit.db gives (aliases resolved at the call, service events,
        filters, order), with UUID-shaped event ids that stay the same."""
        def script(srv):
            kms = srv.client()
            kid = kms.create_key(Description="twin")["KeyMetadata"]["KeyId"]
            other = kms.create_key(Description="other")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName="alias/twin", TargetKeyId=kid)
            kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
            blob = kms.encrypt(KeyId="alias/twin", Plaintext=b"twin-secret",
                               EncryptionContext={"team": "a"})["CiphertextBlob"]
            kms.decrypt(CiphertextBlob=blob, EncryptionContext={"team": "a"})
            kms.disable_key(KeyId=kid)
            self.assert_client_error(kms.encrypt, "DisabledException", f"{key_arn(kid)} is disabled.",
                                     KeyId="alias/twin", Plaintext=b"x")
            # The failed call stays on the timeline of the key the alias named then.
            kms.update_alias(AliasName="alias/twin", TargetKeyId=other)
            kms.enable_key(KeyId=kid)
            srv.advance_clock("91d")
            kms.describe_key(KeyId="alias/twin")
            return kid, other

        def normalised(events, kid, other):
            text = json.dumps([{k: v for k, v in e.items() if k not in ("eventID", "requestID")}
                               for e in events], sort_keys=True)
            text = text.replace(kid, "KID").replace(other, "OTHER")
            return re.sub(r"[0-9a-f]{64}", "MATERIAL", text)

        answers = {}
        for name, in_memory in (("memory", True), ("audit.db", False)):
            srv = self.server(VIRTUAL, in_memory=in_memory)
            kid, other = script(srv)
            queries = [{"limit": 1000}, {"key": kid}, {"key": other}, {"key": kid, "name": "Encrypt"},
                       {"since": z(T0 + 90 * DAY)}, {"limit": 3}, {"key": key_arn(kid), "limit": 2}]
            answers[name] = [normalised(self.events(srv, **q), kid, other) for q in queries]
            if in_memory:
                first = [e["eventID"] for e in self.events(srv, limit=1000)]
                self.assertEqual(len(first), len(set(first)))
                for event_id in first:
                    self.assertRegex(event_id, r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
                self.assertEqual([e["eventID"] for e in self.events(srv, limit=1000)], first)
                self.assertNotIn(b"twin-secret", json.dumps(self.events(srv, limit=1000)).encode())
                self.assertNotIn(base64.b64encode(b"twin-secret"),
                                 json.dumps(self.events(srv, limit=1000)).encode())
                names = [e["eventName"] for e in self.events(srv, key=kid)]
                self.assertIn("RotateKey", names)
                self.assertEqual(names.count("Encrypt"), 2)
        for i, (memory, db) in enumerate(zip(answers["memory"], answers["audit.db"])):
            self.assertEqual(json.loads(memory), json.loads(db), f"query {i}")

    @sqlite_only("--in-memory's trail (a PostgreSQL server keeps its trail in the database)")
    def test_in_memory_trail_keeps_exactly_its_budget(self):
        srv = self.server(["--audit-max-events", "40"], in_memory=True)
        kms = srv.client()
        kid = kms.create_key(Description="budget")["KeyMetadata"]["KeyId"]
        for i in range(150):
            kms.tag_resource(KeyId=kid, Tags=[{"TagKey": "n", "TagValue": str(i)}])
        events = self.events(srv, limit=1000)
        self.assertEqual([e["requestParameters"]["tags"][0]["tagValue"] for e in events],
                         [str(i) for i in range(110, 150)])
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual(health["auditEvents"], {"written": 151, "dropped": 0})

    def test_audit_trail_off(self):
        srv = self.server(["--audit-max-events", "0"])
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        blob = kms.encrypt(KeyId=kid, Plaintext=b"x")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"x")
        status, doc = srv.admin("GET", "/_rotor/events")
        self.assertEqual((status, doc["__type"]), (404, "NotFoundException"))
        self.assertFalse([n for n in os.listdir(srv.data_dir) if n.startswith("audit.db")])
        status, health = srv.admin("GET", "/_rotor/health")
        self.assertEqual((status, "auditEvents" in health), (200, False))


# ========================================================== compliance report
class ComplianceReportTest(OperateTestCase):

    def report_cli(self, srv, *args):
        p = run_rotor(["report"] + srv.store_args() + list(args))
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def entry(self, kms, kid, date=None, age=0):
        md = kms.describe_key(KeyId=kid)["KeyMetadata"]
        aliases = sorted(a["AliasName"] for a in kms.list_aliases(KeyId=kid)["Aliases"])
        return {"keyId": kid, "arn": md["Arn"], "aliases": aliases, "keySpec": md["KeySpec"],
                "keyState": md["KeyState"], "origin": md["Origin"], "date": date, "materialAgeDays": age}

    def test_report_kpis_endpoint_and_cli(self):
        srv = self.server(VIRTUAL)
        kms = srv.client()

        def key(**kw):
            return kms.create_key(**kw)["KeyMetadata"]["KeyId"]

        rotating = key(Description="rotating")
        kms.enable_key_rotation(KeyId=rotating, RotationPeriodInDays=365)
        kms.create_alias(AliasName="alias/rotating", TargetKeyId=rotating)
        manual = key(Description="no rotation")
        signer = key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        mac = key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")
        off = key(Description="disabled behind an alias")
        kms.create_alias(AliasName="alias/off", TargetKeyId=off)
        kms.disable_key(KeyId=off)
        leaving = key(Description="pending deletion")
        kms.schedule_key_deletion(KeyId=leaving, PendingWindowInDays=30)
        ext = key(Origin="EXTERNAL", Description="imported")
        import_material(kms, ext, os.urandom(32), ValidTo=T0 + 10 * DAY, ExpirationModel="KEY_MATERIAL_EXPIRES")
        ext_far = key(Origin="EXTERNAL", Description="imported, far expiry")
        import_material(kms, ext_far, os.urandom(32), ValidTo=T0 + 300 * DAY, ExpirationModel="KEY_MATERIAL_EXPIRES")

        rep = self.admin_ok(srv, "GET", "/_rotor/report")
        self.assertEqual((rep["generatedAt"], rep["maxMaterialAgeDays"], rep["expiryWarningDays"]),
                         (T0_TEXT, 365, 30))
        self.assertEqual((rep["symmetricCustomerKeys"], rep["rotationEnabled"]), (3, 1))
        self.assertEqual(rep["rotationCoveragePct"], 100.0 / 3)
        self.assertEqual(len(rep["scopes"]), 1)
        s = rep["scopes"][0]
        self.assertEqual((s["account"], s["region"], s["totalKeys"], s["symmetricCustomerKeys"], s["rotationEnabled"],
                          s["rotationCoveragePct"]), (DEFAULT_ACCOUNT, DEFAULT_REGION, 8, 3, 1, 100.0 / 3))
        by_id = lambda entries: sorted(entries, key=lambda e: e["keyId"])  # noqa: E731
        self.assertEqual(by_id(s["rotationDisabled"]), by_id([self.entry(kms, manual), self.entry(kms, off)]))
        self.assertEqual(s["rotationOverdue"], [])
        self.assertEqual(s["staleMaterial"], [])
        self.assertEqual(by_id(s["cannotRotateAutomatically"]),
                         by_id([self.entry(kms, signer), self.entry(kms, mac), self.entry(kms, ext),
                                self.entry(kms, ext_far)]))
        self.assertEqual(s["importedMaterialExpiring"], [self.entry(kms, ext, date=z(T0 + 10 * DAY))])
        self.assertEqual(s["pendingDeletion"], [self.entry(kms, leaving, date=z(T0 + 30 * DAY))])
        self.assertEqual(s["disabledKeysWithAliases"], [self.entry(kms, off)])
        self.assertEqual(s["disabledKeysWithAliases"][0]["aliases"], ["alias/off"])
        # Query parameters override the thresholds.
        wide = self.admin_ok(srv, "GET", "/_rotor/report?expiryWarningDays=365")
        self.assertEqual(sorted(e["keyId"] for e in wide["scopes"][0]["importedMaterialExpiring"]),
                         sorted([ext, ext_far]))

        # The CLI reads the data dir while the server runs: same report at the same time.
        rc, out, err = self.report_cli(srv, "--json", "--at", T0_TEXT)
        self.assertEqual((rc, err), (0, ""))
        self.assertEqual(json.loads(out), rep)
        rc, out, err = self.report_cli(srv, "--at", T0_TEXT)
        self.assertEqual(rc, 0, err)
        self.assertIn("Automatic rotation coverage (symmetric customer keys): 33.3% (1 of 3)\n", out)
        self.assertIn(f"{DEFAULT_ACCOUNT} {DEFAULT_REGION}: 8 keys, rotation coverage 33.3% (1 of 3)", out)
        for title in ("Automatic rotation disabled (2)", "Imported material expiring within 30 days (1)",
                      "Pending deletion (1)",
                      "Disabled keys still referenced by aliases (1)",
                      "Cannot rotate automatically (asymmetric, HMAC, imported) (4)"):
            self.assertIn(title, out)
        self.assertIn(off, out)
        rc, out, err = self.report_cli(srv, "--at", T0_TEXT, "--fail-under", "90")
        self.assertEqual(rc, 3)
        self.assertEqual(err, "rotor report: rotation coverage 33.3% is under 90.0%\n")
        self.assertIn("33.3% (1 of 3)", out)
        rc, _out, err = self.report_cli(srv, "--at", T0_TEXT, "--fail-under", "33")
        self.assertEqual((rc, err), (0, ""))

        # 400 days later: material older than 365 days is stale; the
        # rotating key rotated at day 365 (35 days old), the deleted key is gone.
        srv.advance_clock("400d")
        later = z(T0 + 400 * DAY)
        rep = self.admin_ok(srv, "GET", "/_rotor/report")
        s = rep["scopes"][0]
        self.assertEqual(rep["generatedAt"], later)
        self.assertEqual(s["totalKeys"], 7)
        self.assertEqual(s["pendingDeletion"], [])
        self.assertEqual(s["rotationOverdue"], [])
        stale = {e["keyId"]: e for e in s["staleMaterial"]}
        # (Both imported keys have expired by now: see the next test.)
        self.assertEqual(sorted(set(stale) - {ext, ext_far}), sorted([manual, signer, mac, off]))
        for kid in (manual, signer, mac, off):
            self.assertEqual(stale[kid], self.entry(kms, kid, age=400))
        detail = self.admin_ok(srv, "GET", f"/_rotor/keys/{rotating}")
        self.assertEqual(detail["key"]["currentMaterialSince"], z(T0 + 365 * DAY))
        self.assertEqual(kms.describe_key(KeyId=ext)["KeyMetadata"]["KeyState"], "PendingImport")
        self.assertEqual(json.loads(self.report_cli(srv, "--json", "--at", later)[1]), rep)
        self.assertEqual(json.loads(self.report_cli(srv, "--json", "--at", later,
                                                    "--max-material-age-days", "500")[1])["scopes"][0]["staleMaterial"],
                         [])

        # Turn rotation on everywhere: coverage 100%, the gate passes.
        kms.enable_key(KeyId=off)
        for kid in (manual, off):
            kms.enable_key_rotation(KeyId=kid)
        rep = self.admin_ok(srv, "GET", "/_rotor/report")
        self.assertEqual((rep["rotationCoveragePct"], rep["rotationEnabled"], rep["symmetricCustomerKeys"]),
                         (100.0, 3, 3))
        self.assertEqual(rep["scopes"][0]["rotationDisabled"], [])
        self.assertEqual(rep["scopes"][0]["disabledKeysWithAliases"], [])
        rc, out, err = self.report_cli(srv, "--at", later, "--fail-under", "90")
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("Automatic rotation coverage (symmetric customer keys): 100.0% (3 of 3)\n", out)

    def test_expired_imported_material_is_not_reported_as_stale(self):
        """Once imported material expires, KMS deletes it and the key waits
        for new material (PendingImport): there is no material to be old."""
        srv = self.server(VIRTUAL)
        kms = srv.client()
        ext = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        import_material(kms, ext, os.urandom(32), ValidTo=T0 + 10 * DAY, ExpirationModel="KEY_MATERIAL_EXPIRES")
        srv.advance_clock("400d")
        self.assertEqual(kms.describe_key(KeyId=ext)["KeyMetadata"]["KeyState"], "PendingImport")
        s = self.admin_ok(srv, "GET", "/_rotor/report")["scopes"][0]
        self.assertEqual(s["staleMaterial"], [])
        self.assertEqual(s["cannotRotateAutomatically"], [self.entry(kms, ext, age=None)])
        # It has its own section, dated by its ValidTo, and is a problem.
        self.assertEqual(s["importedMaterialExpired"], [self.entry(kms, ext, date=z(T0 + 10 * DAY), age=None)])
        self.assertEqual(s["importedMaterialExpiring"], [])
        self.assertEqual(s["keysWithProblems"], 1)

    def test_report_formats_findings_and_manual_rotation(self):
        """`rotor report --format text|json|markdown` and GET /_rotor/report?format=
        print the same report: what the coverage figure leaves out and why, one
        line per finding, the distinct keys with problems, tables with headers,
        manual rotation due for old keys that cannot rotate automatically, and
        expired imported material on its own."""
        srv = self.server(VIRTUAL)
        kms = srv.client()
        sym = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/app", TargetKeyId=sym)
        rot = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=rot, RotationPeriodInDays=90)  # rotated at days 90 and 180
        rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        mac = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["KeyId"]
        ext = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]["KeyId"]
        import_material(kms, ext, os.urandom(32), ValidTo=T0 + 100 * DAY, ExpirationModel="KEY_MATERIAL_EXPIRES")
        srv.advance_clock("200d")
        later = z(T0 + 200 * DAY)
        self.assertEqual(kms.describe_key(KeyId=ext)["KeyMetadata"]["KeyState"], "PendingImport")

        rep = self.admin_ok(srv, "GET", "/_rotor/report?maxMaterialAgeDays=100")
        s = rep["scopes"][0]
        self.assertEqual(s["manualRotationDue"], [self.entry(kms, rsa, age=200), self.entry(kms, mac, age=200)]
                         if rsa < mac else [self.entry(kms, mac, age=200), self.entry(kms, rsa, age=200)])
        self.assertEqual(s["importedMaterialExpired"], [self.entry(kms, ext, date=z(T0 + 100 * DAY), age=None)])
        self.assertEqual(rep["coverageExcludes"],
                         {"asymmetric": 1, "hmac": 1, "imported": 1, "pendingDeletion": 0, "awsManaged": 0})
        # sym: rotation off and stale; rsa, mac: manual rotation due; ext: expired.
        self.assertEqual(rep["keysWithProblems"], 4)
        self.assertEqual(rep["findings"]["manualRotationDue"], 2)
        self.assertEqual(rep["findings"]["rotationDisabled"], 1)

        args = ("--at", later, "--max-material-age-days", "100")
        rc, text, err = self.report_cli(srv, *args)
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("Automatic rotation coverage (symmetric customer keys): 50.0% (1 of 2)\n"
                      "Left out of the coverage figure: 1 asymmetric, 1 HMAC and 1 imported keys (AWS KMS rotates "
                      "only symmetric keys with its own material automatically)\n"
                      "Findings: 4 keys with problems\n"
                      "  1 key: Automatic rotation disabled\n"
                      "  2 keys: Manual rotation due (cannot rotate automatically, material older than 100 days)\n"
                      "  3 keys: Material older than 100 days\n"
                      "  1 key: Imported material expired (key unusable until reimported)\n\n", text)
        lines = text.splitlines()
        head = lines.index("  Imported material expired (key unusable until reimported) (1)")
        self.assertEqual(lines[head + 1].split(), ["KEY", "ID", "ALIAS", "SPEC", "ORIGIN", "STATE", "EXPIRED", "AGE"])
        self.assertEqual(lines[head + 2].split(),
                         [ext, "-", "SYMMETRIC_DEFAULT", "EXTERNAL", "PendingImport", z(T0 + 100 * DAY)[:10], "-"])
        # Columns line up under their headers.
        self.assertEqual(lines[head + 1].index("ORIGIN"), lines[head + 2].index("EXTERNAL"))
        head = lines.index("  Automatic rotation disabled (1)")
        self.assertEqual(lines[head + 2].split(), [sym, "alias/app", "SYMMETRIC_DEFAULT", "AWS_KMS", "Enabled", "200d"])
        self.assertEqual(srv.raw_request("GET", "/_rotor/report?format=text&maxMaterialAgeDays=100")[2].decode(), text)

        rc, md, err = self.report_cli(srv, "--format", "markdown", *args)
        self.assertEqual((rc, err), (0, ""))
        self.assertTrue(md.startswith("## Rotor key rotation report\n"), md)
        self.assertIn("| Finding | Keys |\n| --- | --- |\n| Automatic rotation disabled | 1 |\n", md)
        self.assertIn(f"| {ext} | - | SYMMETRIC\\_DEFAULT | EXTERNAL | PendingImport | {z(T0 + 100 * DAY)[:10]} | - |\n", md)
        code, hdrs, body = srv.raw_request("GET", "/_rotor/report?format=markdown&maxMaterialAgeDays=100")
        self.assertEqual((code, hdrs["content-type"], body.decode()), (200, "text/markdown; charset=utf-8", md))

        rc, js, err = self.report_cli(srv, "--format", "json", *args)
        self.assertEqual(json.loads(js), rep)
        p = run_rotor(["report"] + srv.store_args() + ["--format", "html"])
        self.assertEqual((p.returncode, p.stderr.decode()),
                         (2, "rotor report: --format must be text, json or markdown\n"))
        status, doc = srv.admin("GET", "/_rotor/report?format=html")
        self.assertEqual((status, doc["__type"], doc["message"]),
                         (400, "ValidationException", "format must be json, text or markdown"))

    def test_tool_flags_are_environment_variables_like_the_servers(self):
        """The tools read their flags with the server's parser: --fail-under is
        ROTOR_FAIL_UNDER, --data-dir is ROTOR_DATA_DIR (and local-kms's
        KMS_DATA_PATH), and a flag wins over its variable."""
        srv = self.server(VIRTUAL)
        srv.client().create_key()
        env = {"ROTOR_DATA_DIR": srv.data_dir, "ROTOR_AT": T0_TEXT, "ROTOR_JSON": "1",
               "ROTOR_FAIL_UNDER": "50", **srv.store_env()}
        p = run_rotor(["report"], env=env)
        self.assertEqual((p.returncode, p.stderr.decode()),
                         (3, "rotor report: rotation coverage 0.0% is under 50.0%\n"))
        self.assertEqual(json.loads(p.stdout), self.admin_ok(srv, "GET", "/_rotor/report"))
        p = run_rotor(["report", "--fail-under", "0"], env=env)
        self.assertEqual((p.returncode, p.stderr), (0, b""))
        p = run_rotor(["report"], env=dict(env, ROTOR_MAX_MATERIAL_AGE_DAYS="soon"))
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.decode().startswith(
            "rotor report: ROTOR_MAX_MATERIAL_AGE_DAYS must be an integer"), p.stderr)
        p = run_rotor(["export"], env={"KMS_DATA_PATH": srv.data_dir, "ROTOR_FORMAT": "json", **srv.store_env()})
        self.assertEqual((p.returncode, p.stderr), (0, b""))
        self.assertEqual(json.loads(p.stdout)["Account"], DEFAULT_ACCOUNT)
        p = run_rotor(["export", "--bogus"], env={"ROTOR_DATA_DIR": srv.data_dir})
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.decode(), "rotor export: unknown flag --bogus\n"
                                            "run rotor export --help for all flags\n")

    @unittest.skipUnless(on_postgres(), "the PostgreSQL store's refusals (ROTOR_E2E_DATABASE_URL)")
    def test_tools_on_postgres_read_only_and_refuse_what_the_server_refuses(self):
        """On --store postgres the tools read the database as it is: an empty one is not
        made a store, a foreign or newer one is refused in the server's words."""
        schema, url = new_schema(E2E_DATABASE_URL)
        self.addCleanup(psql, E2E_DATABASE_URL, f"DROP SCHEMA {schema} CASCADE")
        tables = f"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"
        store = ["--store", "postgres", "--database-url", url]
        for tool in ("report", "export"):
            p = run_rotor([tool] + store)
            self.assertEqual((p.returncode, p.stderr.decode()),
                             (2, f"rotor {tool}: the database of --database-url holds no Rotor store yet; a "
                                 "server started on it (--store postgres) creates one.\n"))
        self.assertEqual(psql(E2E_DATABASE_URL, tables).strip(), "0")
        psql(url, "CREATE TABLE customers (id int)")
        foreign = ("the database of --database-url holds tables that are not Rotor's. Rotor will not modify "
                   "it; give Rotor a database (or a schema) of its own.\n")
        p = run_rotor(["report"] + store)
        self.assertEqual((p.returncode, p.stderr.decode()), (2, "rotor report: " + foreign))
        p = run_rotor(["--port", "0", "--data-dir", self.tmpdir()] + store)
        self.assertEqual((p.returncode, p.stderr.decode()), (1, "rotor: " + foreign))
        # A store of a newer Rotor: neither the tools nor a server touch it.
        srv = self.server(VIRTUAL)
        srv.client().create_key()
        srv.stop()
        psql(srv.database_url, "UPDATE rotor_schema SET version = version + 1")
        newer = psql(srv.database_url, "SELECT version FROM rotor_schema").strip()
        p = run_rotor(["export"] + srv.store_args())
        self.assertEqual(p.returncode, 2)
        self.assertTrue(p.stderr.decode().startswith(
            f"rotor export: the database of --database-url was written by a newer Rotor (schema {newer}, "
            "this build knows "), p.stderr)

    def test_report_per_scope_and_empty(self):
        srv = self.server(VIRTUAL)
        rc, out, _ = self.report_cli(srv, "--at", T0_TEXT)
        self.assertEqual(rc, 0)
        self.assertIn("Automatic rotation coverage (symmetric customer keys): 100.0% (0 of 0)\n"
                      "Left out of the coverage figure: none\nNo keys.\n", out)
        self.assertEqual(self.admin_ok(srv, "GET", "/_rotor/report")["scopes"], [])
        a = srv.client(access_key="100000000001")
        b = srv.client(access_key="100000000002", region="eu-west-1")
        a.enable_key_rotation(KeyId=a.create_key()["KeyMetadata"]["KeyId"])
        b.create_key()
        b.create_key()
        rep = self.admin_ok(srv, "GET", "/_rotor/report")
        self.assertEqual(rep["rotationCoveragePct"], 100.0 / 3)
        got = {(s["account"], s["region"]): (s["symmetricCustomerKeys"], s["rotationEnabled"], s["rotationCoveragePct"])
               for s in rep["scopes"]}
        self.assertEqual(got, {("100000000001", DEFAULT_REGION): (1, 1, 100.0),
                               ("100000000002", "eu-west-1"): (2, 0, 0.0)})
        rc, _out, err = self.report_cli(srv, "--at", T0_TEXT, "--fail-under", "34")
        self.assertEqual((rc, err), (3, "rotor report: rotation coverage 33.3% is under 34.0%\n"))


# ============================================ dashboard, inspection, admin rules
UI_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "server", "admin", "ui")
EVIL = {"Origin": "http://evil.example"}


class DashboardTest(OperateTestCase):

    def test_one_time_dashboard_link(self):
        """--dashboard-login on (auto does it when --host is not loopback, as in a container):
        the start line prints a one-time link; opening it sets an HttpOnly, SameSite=Strict
        session cookie and redirects to the dashboard; the link works once, and its token
        appears nowhere else in the log."""
        srv = self.server(["--dashboard-login", "on"])
        m = re.search(r"; dashboard \(one-time link\): (http://127\.0\.0\.1:\d+)/_rotor/login\?token=([0-9a-f]{64})$",
                      srv.start_line)
        self.assertTrue(m, srv.start_line)
        self.assertEqual(m.group(1), srv.url)
        token = m.group(2)
        code, hdrs, _ = srv.raw_request("GET", "/_rotor/login?token=" + "0" * 64)
        self.assertEqual(code, 403)
        code, hdrs, _ = srv.raw_request("GET", "/_rotor/login?token=" + token)
        self.assertEqual((code, hdrs["location"]), (303, "/_rotor/ui/"))
        cookie = hdrs["set-cookie"]
        self.assertRegex(cookie, r"^rotor_dashboard=[0-9a-f]{64}; Path=/_rotor; HttpOnly; SameSite=Strict$")
        self.assertNotIn(token, cookie)
        code, _h, body = srv.raw_request("GET", "/_rotor/login?token=" + token)
        self.assertEqual(code, 403)
        self.assertEqual(json.loads(body)["message"],
                         "This dashboard link is not valid or was already used: each start of Rotor prints one "
                         "link that opens the dashboard once. Restart Rotor for a new one, or open /_rotor/ui "
                         "from loopback.")
        # The cookie is accepted (loopback is anyway; tests/server covers a remote peer).
        code, _h, _b = srv.raw_request("GET", "/_rotor/keys", headers={"Cookie": cookie.split(";")[0]})
        self.assertEqual(code, 200)
        log = self.log(srv)
        self.assertEqual(log.count(token), 1, "the token is written in the start line only")
        self.assertIn("GET /_rotor/login", log)
        # A loopback server prints no link and has no login.
        plain = self.server()
        self.assertNotIn("one-time link", plain.start_line)
        self.assertEqual(plain.raw_request("GET", "/_rotor/login?token=" + token)[0], 404)

    def get_json(self, srv, path, headers=None, status=200):
        code, hdrs, body = srv.raw_request("GET", path, headers=headers or {})
        self.assertEqual(code, status, body)
        self.assertEqual(hdrs["content-type"], "application/json")
        return json.loads(body)

    def test_keys_and_key_detail(self):
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kid = kms.create_key(Description="watched")["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/dash", TargetKeyId=kid)
        kms.create_alias(AliasName="alias/dash-2", TargetKeyId=kid)
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        fired = srv.advance_clock("181d")["fired"]
        self.assertEqual([(e["event"], e["time"]) for e in fired],
                         [("RotateKey", z(T0 + 90 * DAY)), ("RotateKey", z(T0 + 180 * DAY))])
        kms.rotate_key_on_demand(KeyId=kid)
        kms.disable_key(KeyId=kid)
        self.assert_client_error(kms.encrypt, "DisabledException", f"{key_arn(kid)} is disabled.",
                                 KeyId="alias/dash", Plaintext=b"x")
        kms.enable_key(KeyId=kid)
        leaving = kms.create_key(Description="leaving")["KeyMetadata"]["KeyId"]
        kms.schedule_key_deletion(KeyId=leaving, PendingWindowInDays=7)
        far = srv.client(access_key="300000000003", region="eu-north-1")
        far_id = far.create_key(Description="far away")["KeyMetadata"]["KeyId"]

        md = kms.describe_key(KeyId=kid)["KeyMetadata"]
        every = self.all_rotations(kms, kid)
        self.assertEqual(len(every), 4)
        listing = self.get_json(srv, "/_rotor/keys")
        self.assertEqual((listing["now"], listing["virtual"], listing["truncated"]),
                         (z(T0 + 181 * DAY), True, False))
        keys = {k["keyId"]: k for k in listing["keys"]}
        self.assertEqual(set(keys), {kid, leaving, far_id})
        expected = {
            "account": DEFAULT_ACCOUNT, "region": DEFAULT_REGION, "keyId": kid, "arn": key_arn(kid),
            "description": "watched", "keyState": "Enabled", "keySpec": "SYMMETRIC_DEFAULT",
            "keyUsage": "ENCRYPT_DECRYPT", "origin": "AWS_KMS", "keyManager": "CUSTOMER", "createdAt": T0_TEXT,
            "aliases": ["alias/dash", "alias/dash-2"],
            "rotation": {"enabled": True, "periodDays": 90, "nextRotationDate": z(T0 + 270 * DAY),
                         "onDemandRotations": 1},
            "currentKeyMaterialId": md["CurrentKeyMaterialId"], "currentMaterialSince": z(T0 + 181 * DAY),
            "versions": 4, "deletionDate": None, "materialValidTo": None, "multiRegion": None}
        self.assertEqual(keys[kid], expected)
        self.assertEqual(kms.get_key_rotation_status(KeyId=kid)["NextRotationDate"], T0 + 270 * DAY)
        gone = keys[leaving]
        self.assertEqual((gone["keyState"], gone["deletionDate"], gone["rotation"]["enabled"]),
                         ("PendingDeletion", z(T0 + 188 * DAY), False))
        self.assertEqual((keys[far_id]["account"], keys[far_id]["region"], keys[far_id]["arn"]),
                         ("300000000003", "eu-north-1", key_arn(far_id, "eu-north-1", "300000000003")))
        one = self.get_json(srv, "/_rotor/keys?limit=1")
        self.assertEqual((len(one["keys"]), one["truncated"]), (1, True))
        bad = self.get_json(srv, "/_rotor/keys?limit=0", status=400)
        self.assertEqual(bad["__type"], "ValidationException")

        detail = self.get_json(srv, f"/_rotor/keys/{kid}")
        self.assertEqual(detail["key"], expected)
        self.assertEqual(detail["versions"], [
            {"version": 1, "keyMaterialId": every[0]["KeyMaterialId"], "createdAt": T0_TEXT, "rotationType": None,
             "imported": False, "state": "NON_CURRENT"},
            {"version": 2, "keyMaterialId": every[1]["KeyMaterialId"], "createdAt": z(T0 + 90 * DAY),
             "rotationType": "AUTOMATIC", "imported": False, "state": "NON_CURRENT"},
            {"version": 3, "keyMaterialId": every[2]["KeyMaterialId"], "createdAt": z(T0 + 180 * DAY),
             "rotationType": "AUTOMATIC", "imported": False, "state": "NON_CURRENT"},
            {"version": 4, "keyMaterialId": md["CurrentKeyMaterialId"], "createdAt": z(T0 + 181 * DAY),
             "rotationType": "ON_DEMAND", "imported": False, "state": "CURRENT"}])
        self.assertEqual([r.get("RotationType") for r in every], [None, "AUTOMATIC", "AUTOMATIC", "ON_DEMAND"])
        # ?versions=1 adds the same versions to each key of the list (the dashboard's calendar).
        listed = {k["keyId"]: k for k in self.get_json(srv, "/_rotor/keys?versions=1")["keys"]}
        self.assertEqual(listed[kid]["materialVersions"], detail["versions"])
        self.assertNotIn("materialVersions", self.get_json(srv, "/_rotor/keys")["keys"][0])
        events = detail["events"]
        self.assertEqual([e["time"] for e in events], sorted(e["time"] for e in events))  # oldest first
        rotations = [e for e in events if e["eventName"] == "RotateKey" and e["detail"].startswith("AUTOMATIC")]
        self.assertEqual(rotations, [
            {"time": z(T0 + 90 * DAY), "eventName": "RotateKey", "eventType": "AwsServiceEvent", "errorCode": None,
             "detail": f"AUTOMATIC {every[1]['KeyMaterialId']}"},
            {"time": z(T0 + 180 * DAY), "eventName": "RotateKey", "eventType": "AwsServiceEvent", "errorCode": None,
             "detail": f"AUTOMATIC {every[2]['KeyMaterialId']}"}])
        by_name = {e["eventName"]: e for e in events}
        self.assertEqual(by_name["EnableKeyRotation"], {"time": T0_TEXT, "eventName": "EnableKeyRotation",
                                                        "eventType": "AwsApiCall", "errorCode": None, "detail": None})
        self.assertEqual(by_name["RotateKeyOnDemand"]["eventType"], "AwsApiCall")
        self.assertEqual(by_name["Encrypt"], {"time": z(T0 + 181 * DAY), "eventName": "Encrypt",
                                              "eventType": "AwsApiCall", "errorCode": "DisabledException",
                                              "detail": f"{key_arn(kid)} is disabled."})
        for name in ("CreateKey", "CreateAlias", "DisableKey", "EnableKey"):
            self.assertIn(name, by_name)

        far_detail = self.get_json(srv, f"/_rotor/keys/{far_id}?account=300000000003&region=eu-north-1")
        self.assertEqual(far_detail["key"], keys[far_id])
        missing = self.get_json(srv, f"/_rotor/keys/{far_id}", status=404)
        self.assertEqual(missing, {"__type": "NotFoundException",
                                   "message": f"Key '{key_arn(far_id)}' does not exist"})

    def test_a_foreign_origin_is_refused_and_changes_nothing(self):
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.enable_key_rotation(KeyId=kid, RotationPeriodInDays=90)
        kms.create_alias(AliasName="alias/kept", TargetKeyId=kid)
        before = srv.get_clock()
        for method, path, body in (("POST", "/_rotor/clock", {"advance": "400d"}),
                                   ("POST", "/_rotor/clock", {"set": "2040-01-01T00:00:00Z"}),
                                   ("POST", "/_rotor/reset", None), ("POST", "/moto-api/reset", None),
                                   ("GET", "/_rotor/keys", None), ("GET", f"/_rotor/keys/{kid}", None),
                                   ("GET", "/_rotor/events", None), ("GET", "/_rotor/report", None),
                                   ("GET", "/_rotor/clock", None)):
            with self.subTest(method=method, path=path):
                data = json.dumps(body).encode() if body else None
                status, hdrs, raw = srv.raw_request(method, path, data,
                                                    {**EVIL, "Content-Type": "application/json"})
                self.assertEqual(status, 403, raw)
                self.assertEqual(json.loads(raw)["__type"], "AccessDeniedException")
        self.assertEqual(srv.get_clock(), before)
        self.assertEqual(self.list_keys(kms), [kid])
        self.assertEqual(self.customer_aliases(kms), [("alias/kept", kid)])
        self.assertEqual(len(self.all_rotations(kms, kid)), 1)
        # The page's own origin is fine, and so is no Origin at all (curl, SDKs).
        same = {"Origin": srv.url}
        status, _h, raw = srv.raw_request("POST", "/_rotor/clock", b'{"advance":"1d"}', same)
        self.assertEqual(status, 200, raw)
        self.assertEqual(json.loads(raw)["now"], z(T0 + DAY))
        # A look-alike origin is foreign too.
        status, _h, _raw = srv.raw_request("GET", "/_rotor/keys", None,
                                           {"Origin": f"http://127.0.0.1:{srv.port}.evil.example"})
        self.assertEqual(status, 403)

    def test_admin_token_still_lets_loopback_in(self):
        srv = self.server(VIRTUAL + ["--admin-token", "s3cret-token"])
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        self.assertEqual([k["keyId"] for k in self.get_json(srv, "/_rotor/keys")["keys"]], [kid])
        self.assertEqual(srv.advance_clock("2d")["now"], z(T0 + 2 * DAY))
        status, _h, raw = srv.raw_request("GET", "/_rotor/keys", None, {"X-Rotor-Admin-Token": "wrong"})
        self.assertEqual(status, 200, raw)  # loopback: the token is not needed
        # Never a foreign Origin, token or not.
        status, _h, _raw = srv.raw_request("POST", "/_rotor/reset", None,
                                           {**EVIL, "X-Rotor-Admin-Token": "s3cret-token"})
        self.assertEqual(status, 403)
        self.assertEqual(self.list_keys(kms), [kid])
        status, doc = srv.admin("POST", "/_rotor/reset")
        self.assertEqual((status, doc), (200, {"status": "ok"}))
        self.assertEqual(self.list_keys(kms), [])

    def test_dashboard_files(self):
        srv = self.server(VIRTUAL)
        for path, name, ctype in (("/_rotor/ui", "index.html", "text/html; charset=utf-8"),
                                  ("/_rotor/ui/", "index.html", "text/html; charset=utf-8"),
                                  ("/_rotor/ui/app.js", "app.js", "text/javascript; charset=utf-8"),
                                  ("/_rotor/ui/style.css", "style.css", "text/css; charset=utf-8")):
            with self.subTest(path=path):
                status, hdrs, body = srv.raw_request("GET", path)
                self.assertEqual(status, 200)
                self.assertEqual(hdrs["content-type"], ctype)
                self.assertEqual(hdrs.get("cache-control"), "no-store")
                with open(os.path.join(UI_DIR, name), "rb") as fh:
                    self.assertEqual(body, fh.read())  # embedded in the binary, byte for byte
        status, _h, page = srv.raw_request("GET", "/_rotor/ui")
        self.assertIn(b"app.js", page)
        self.assertIsNone(re.search(rb"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page), "no CDN")
        # Static files hold no data: they are served even to a foreign page.
        status, _h, _b = srv.raw_request("GET", "/_rotor/ui/app.js", None, EVIL)
        self.assertEqual(status, 200)
        status, _h, body = srv.raw_request("GET", "/_rotor/ui/nope.js")
        self.assertEqual((status, json.loads(body)["__type"]), (404, "NotFoundException"))


# ============================================================ moto drop-in
class MotoDropInTest(OperateTestCase):

    def test_moto_reset_wipes_everything(self):
        srv = self.server(VIRTUAL)
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/before-reset", TargetKeyId=kid)
        far = srv.client(access_key="400000000004", region="eu-west-3")
        far.create_key()
        status, hdrs, body = srv.raw_request("POST", "/moto-api/reset")
        self.assertEqual((status, json.loads(body)), (200, {"status": "ok"}))
        self.assertEqual(self.get_keys(srv), [])
        self.assertEqual(self.admin_ok(srv, "GET", "/_rotor/events")["events"], [])  # the audit trail too
        self.assertEqual(self.list_keys(kms), [])
        self.assertEqual(self.list_keys(far), [])
        self.assertEqual(self.customer_aliases(kms), [])
        self.assert_client_error(kms.describe_key, "NotFoundException",
                                 f"Alias {alias_arn('alias/before-reset')} is not found.", KeyId="alias/before-reset")
        # And the alias name is free again.
        kid2 = kms.create_key()["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName="alias/before-reset", TargetKeyId=kid2)
        self.assertEqual(self.customer_aliases(kms), [("alias/before-reset", kid2)])

    def get_keys(self, srv):
        return self.admin_ok(srv, "GET", "/_rotor/keys")["keys"]

    def test_a_suite_written_for_moto_server_runs_unchanged(self):
        srv = self.server([])
        endpoint = srv.url
        results = {}

        class KmsAgainstMotoServer(unittest.TestCase):
            """Written as moto's docs show for server mode: dummy 'testing'
            credentials, an endpoint URL, POST /moto-api/reset before each test."""

            def setUp(self):
                import urllib.request
                req = urllib.request.Request(endpoint + "/moto-api/reset", method="POST", data=b"")
                with urllib.request.urlopen(req, timeout=10) as r:
                    self.assertEqual(r.status, 200)
                self.client = boto3.client("kms", region_name="us-east-1", endpoint_url=endpoint,
                                           aws_access_key_id="testing", aws_secret_access_key="testing",
                                           config=Config(retries={"total_max_attempts": 1}))

            def _fresh_key_with_alias(self):
                self.assertEqual(self.client.list_keys()["Keys"], [])
                key_id = self.client.create_key(Description="app key")["KeyMetadata"]["KeyId"]
                self.client.create_alias(AliasName="alias/app", TargetKeyId=key_id)
                return key_id

            def test_encrypt_decrypt(self):
                key_id = self._fresh_key_with_alias()
                blob = self.client.encrypt(KeyId="alias/app", Plaintext=b"hello")["CiphertextBlob"]
                out = self.client.decrypt(CiphertextBlob=blob)
                self.assertEqual(out["Plaintext"], b"hello")
                self.assertTrue(out["KeyId"].endswith(key_id))
                results["first"] = key_id

            def test_same_alias_again_after_reset(self):
                key_id = self._fresh_key_with_alias()
                self.assertEqual(len(self.client.list_aliases(KeyId=key_id)["Aliases"]), 1)
                dk = self.client.generate_data_key(KeyId="alias/app", KeySpec="AES_256")
                self.assertEqual(len(dk["Plaintext"]), 32)
                results["second"] = key_id

        suite = unittest.defaultTestLoader.loadTestsFromTestCase(KmsAgainstMotoServer)
        with open(os.devnull, "w") as devnull:
            outcome = unittest.TextTestRunner(stream=devnull, verbosity=0).run(suite)
        self.assertEqual((outcome.testsRun, outcome.failures, outcome.errors), (2, [], []))
        self.assertNotEqual(results["first"], results["second"])
        # What the last test left behind is all there is.
        self.assertEqual(self.list_keys(kms_client(endpoint, access_key="testing")), [results["second"]])
