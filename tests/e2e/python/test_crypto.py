"""Issue 4: Encrypt, Decrypt, ReEncrypt, GenerateDataKey(+WithoutPlaintext),
GenerateRandom on versioned AES-256-GCM key material, with boto3 and the aws
CLI v2; the alias-swap lab; restart; no key material / plaintext at rest.
"""
import base64
import concurrent.futures
import os
import secrets
import stat
import tempfile
import unittest
import uuid

from botocore.exceptions import ClientError

from rotor_harness import sqlite_only
from rotor_harness import (ANY_MESSAGE, DEFAULT_ACCOUNT, RotorServer, ServerTestCase, fresh_account_key,
                           key_arn, length_message, range_message)

HEX64 = r"^[0-9a-f]{64}$"
DRY_RUN_MSG = "The request would have succeeded, but the DryRun option is set."
INCORRECT_KEY_MSG = "The key ID in the request does not identify a CMK that can perform this operation."


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class CryptoTest(ServerTestCase):
    """boto3 against a shared server."""

    def key(self, **kw):
        return self.kms.create_key(**kw)["KeyMetadata"]

    # ---- Encrypt / Decrypt
    def test_encrypt_decrypt_round_trip(self):
        md = self.key()
        for plaintext in (b"x", b"hello rotor", os.urandom(4096), bytes(range(256))):
            with self.subTest(size=len(plaintext)):
                enc = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=plaintext)
                self.assertEqual(enc["KeyId"], md["Arn"])
                self.assertEqual(enc["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
                if len(plaintext) > 4:
                    self.assertNotIn(plaintext, enc["CiphertextBlob"])
                dec = self.kms.decrypt(CiphertextBlob=enc["CiphertextBlob"])
                self.assertEqual(dec["Plaintext"], plaintext)
                self.assertEqual(dec["KeyId"], md["Arn"])
                self.assertEqual(dec["EncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
                self.assertEqual(dec["KeyMaterialId"], md["CurrentKeyMaterialId"])

    def test_same_plaintext_encrypts_differently_each_time(self):
        kid = self.key()["KeyId"]
        a = self.kms.encrypt(KeyId=kid, Plaintext=b"same")["CiphertextBlob"]
        b = self.kms.encrypt(KeyId=kid, Plaintext=b"same")["CiphertextBlob"]
        self.assertNotEqual(a, b)

    def test_encrypt_and_decrypt_through_every_identifier(self):
        md = self.key()
        alias = f"alias/crypto-{uuid.uuid4().hex[:10]}"
        self.kms.create_alias(AliasName=alias, TargetKeyId=md["KeyId"])
        alias_arn = f"arn:aws:kms:us-east-1:{DEFAULT_ACCOUNT}:{alias}"
        for ident in (md["KeyId"], md["Arn"], alias, alias_arn):
            with self.subTest(ident=ident):
                ct = self.kms.encrypt(KeyId=ident, Plaintext=b"via " + ident.encode())["CiphertextBlob"]
                dec = self.kms.decrypt(CiphertextBlob=ct, KeyId=ident)
                self.assertEqual(dec["Plaintext"], b"via " + ident.encode())
                self.assertEqual(dec["KeyId"], md["Arn"])

    def test_plaintext_length_limits(self):
        kid = self.key()["KeyId"]
        self.assert_client_error(
            self.kms.encrypt, "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            "Member must have length less than or equal to 4096",
            KeyId=kid, Plaintext=b"p" * 4097)
        self.assert_client_error(
            self.kms.encrypt, "ValidationException",
            "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1",
            KeyId=kid, Plaintext=b"")

    def test_encrypt_unknown_key(self):
        kid = str(uuid.uuid4())
        self.assert_client_error(self.kms.encrypt, "NotFoundException",
                                 f"Key '{key_arn(kid)}' does not exist", KeyId=kid, Plaintext=b"x")
        self.assert_client_error(self.kms.encrypt, "NotFoundException",
                                 f"Alias arn:aws:kms:us-east-1:{DEFAULT_ACCOUNT}:alias/none-such is not found.",
                                 KeyId="alias/none-such", Plaintext=b"x")

    def test_encryption_algorithm(self):
        md = self.key()
        enc = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x", EncryptionAlgorithm="SYMMETRIC_DEFAULT")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=enc["CiphertextBlob"],
                                          EncryptionAlgorithm="SYMMETRIC_DEFAULT")["Plaintext"], b"x")
        self.assert_client_error(self.kms.encrypt, "InvalidKeyUsageException",
                                 "Algorithm RSAES_OAEP_SHA_256 is incompatible with key spec SYMMETRIC_DEFAULT.",
                                 KeyId=md["KeyId"], Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")
        self.assert_validation_enum(
            self.kms.encrypt, "ROT13", "encryptionAlgorithm",
            ["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"],
            KeyId=md["KeyId"], Plaintext=b"x", EncryptionAlgorithm="ROT13")

    # ---- Encryption context
    def test_encryption_context_binds_the_ciphertext(self):
        kid = self.key()["KeyId"]
        ctx = {"tenant": "acme", "purpose": "invoice"}
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"bound", EncryptionContext=ctx)["CiphertextBlob"]
        # Any member order decrypts.
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={
            "purpose": "invoice", "tenant": "acme"})["Plaintext"], b"bound")
        for wrong in (None, {}, {"tenant": "acme"}, {"tenant": "acme", "purpose": "Invoice"},
                      {"tenant": "acme", "purpose": "invoice", "extra": "x"}):
            with self.subTest(context=wrong):
                kw = {} if wrong is None else {"EncryptionContext": wrong}
                self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                         CiphertextBlob=ct, **kw)

    def test_context_canonicalisation_does_not_collide(self):
        kid = self.key()["KeyId"]
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"abc", EncryptionContext={"a": "bc"})["CiphertextBlob"]
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=ct, EncryptionContext={"ab": "c"})
        ct2 = self.kms.encrypt(KeyId=kid, Plaintext=b"abc", EncryptionContext={"a": "b", "c": "d"})["CiphertextBlob"]
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=ct2, EncryptionContext={"a": "bcd"})
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={"a": "bc"})["Plaintext"], b"abc")

    def test_ciphertext_without_context_rejects_a_context(self):
        kid = self.key()["KeyId"]
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"plain")["CiphertextBlob"]
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=ct, EncryptionContext={"k": "v"})

    def test_unicode_context(self):
        kid = self.key()["KeyId"]
        ctx = {"clé": "välue ✓", "空": ""}
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"u", EncryptionContext=ctx)["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext=dict(reversed(ctx.items())))["Plaintext"], b"u")

    # ---- IncorrectKey / InvalidCiphertext
    def test_decrypt_with_the_wrong_key_id(self):
        a, b = self.key(), self.key()
        ct = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"for a")["CiphertextBlob"]
        for ident in (b["KeyId"], b["Arn"]):
            with self.subTest(ident=ident):
                self.assert_client_error(self.kms.decrypt, "IncorrectKeyException", INCORRECT_KEY_MSG,
                                         CiphertextBlob=ct, KeyId=ident)
        alias = f"alias/other-{uuid.uuid4().hex[:8]}"
        self.kms.create_alias(AliasName=alias, TargetKeyId=b["KeyId"])
        self.assert_client_error(self.kms.decrypt, "IncorrectKeyException", INCORRECT_KEY_MSG,
                                 CiphertextBlob=ct, KeyId=alias)

    def test_every_tampered_byte_is_invalid_ciphertext(self):
        kid = self.key()["KeyId"]
        ctx = {"k": "v"}
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"tamper me please", EncryptionContext=ctx)["CiphertextBlob"]
        for i in range(len(ct)):
            with self.subTest(position=i):
                bad = bytearray(ct)
                bad[i] ^= 0x01
                self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                         CiphertextBlob=bytes(bad), EncryptionContext=ctx)

    def test_every_truncation_is_invalid_ciphertext(self):
        kid = self.key()["KeyId"]
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"truncate me")["CiphertextBlob"]
        for n in range(1, len(ct)):
            with self.subTest(length=n):
                self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                         CiphertextBlob=ct[:n])
        # Extra bytes appended are tampering too.
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=ct + b"\x00")

    def test_garbage_blobs(self):
        for blob in (b"\x00", b"\xff" * 64, os.urandom(200), b"not a kms ciphertext at all"):
            with self.subTest(blob=blob[:8]):
                self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "", CiphertextBlob=blob)

    def test_ciphertext_from_another_region_or_account(self):
        kid = self.key()["KeyId"]
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"home")["CiphertextBlob"]
        eu = self.server.client(region="eu-west-1")
        self.assert_client_error(eu.decrypt, "InvalidCiphertextException", "", CiphertextBlob=ct)
        other = self.server.client(access_key=fresh_account_key())
        self.assert_client_error(other.decrypt, "InvalidCiphertextException", "", CiphertextBlob=ct)

    # ---- DryRun
    def test_dry_run_on_every_crypto_operation(self):
        a, b = self.key(), self.key()
        ct = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"dry")["CiphertextBlob"]
        calls = [
            (self.kms.encrypt, {"KeyId": a["KeyId"], "Plaintext": b"x"}),
            (self.kms.decrypt, {"CiphertextBlob": ct}),
            (self.kms.re_encrypt, {"CiphertextBlob": ct, "DestinationKeyId": b["KeyId"]}),
            (self.kms.generate_data_key, {"KeyId": a["KeyId"], "KeySpec": "AES_256"}),
            (self.kms.generate_data_key_without_plaintext, {"KeyId": a["KeyId"], "NumberOfBytes": 16}),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                # HTTP 400, as recorded from AWS (the model says 412; the recorded answer wins).
                self.assert_client_error(fn, "DryRunOperationException", DRY_RUN_MSG, 400,
                                         DryRun=True, **kw)

    def test_dry_run_reports_the_real_error_first(self):
        md = self.key()
        ct = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"x")["CiphertextBlob"]
        self.kms.disable_key(KeyId=md["KeyId"])
        msg = f"{md['Arn']} is disabled."
        self.assert_client_error(self.kms.encrypt, "DisabledException", msg,
                                 KeyId=md["KeyId"], Plaintext=b"x", DryRun=True)
        self.assert_client_error(self.kms.decrypt, "DisabledException", msg, CiphertextBlob=ct, DryRun=True)
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=b"garbage-garbage-garbage", DryRun=True)
        self.assert_client_error(self.kms.generate_data_key, "ValidationException",
                                 "Please specify either number of bytes or key spec.",
                                 KeyId=md["KeyId"], DryRun=True)

    # ---- Key states
    def test_disabled_key_fails_every_crypto_operation_and_enable_restores(self):
        md, other = self.key(), self.key()
        ct = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"before disable")["CiphertextBlob"]
        ct_other = self.kms.encrypt(KeyId=other["KeyId"], Plaintext=b"other")["CiphertextBlob"]
        self.kms.disable_key(KeyId=md["KeyId"])
        msg = f"{md['Arn']} is disabled."
        calls = [
            (self.kms.encrypt, {"KeyId": md["KeyId"], "Plaintext": b"x"}),
            (self.kms.decrypt, {"CiphertextBlob": ct}),
            (self.kms.re_encrypt, {"CiphertextBlob": ct, "DestinationKeyId": other["KeyId"]}),
            (self.kms.re_encrypt, {"CiphertextBlob": ct_other, "DestinationKeyId": md["KeyId"]}),
            (self.kms.generate_data_key, {"KeyId": md["KeyId"], "KeySpec": "AES_256"}),
            (self.kms.generate_data_key_without_plaintext, {"KeyId": md["KeyId"], "KeySpec": "AES_128"}),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__, kw=sorted(kw)):
                self.assert_client_error(fn, "DisabledException", msg, **kw)
        self.kms.enable_key(KeyId=md["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"before disable")

    def test_pending_deletion_key_fails_crypto_and_cancel_then_enable_restores(self):
        md = self.key()
        ct = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"pending")["CiphertextBlob"]
        self.kms.schedule_key_deletion(KeyId=md["KeyId"], PendingWindowInDays=7)
        msg = f"{md['Arn']} is pending deletion."
        self.assert_client_error(self.kms.encrypt, "KMSInvalidStateException", msg,
                                 KeyId=md["KeyId"], Plaintext=b"x")
        self.assert_client_error(self.kms.decrypt, "KMSInvalidStateException", msg, CiphertextBlob=ct)
        self.assert_client_error(self.kms.generate_data_key, "KMSInvalidStateException", msg,
                                 KeyId=md["KeyId"], NumberOfBytes=32)
        self.kms.cancel_key_deletion(KeyId=md["KeyId"])
        self.assert_client_error(self.kms.decrypt, "DisabledException", f"{md['Arn']} is disabled.",
                                 CiphertextBlob=ct)
        self.kms.enable_key(KeyId=md["KeyId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"pending")

    # ---- GenerateDataKey(+WithoutPlaintext)
    def test_generate_data_key_specs_and_sizes(self):
        md = self.key()
        for kw, size in (({"KeySpec": "AES_256"}, 32), ({"KeySpec": "AES_128"}, 16),
                         ({"NumberOfBytes": 1}, 1), ({"NumberOfBytes": 64}, 64), ({"NumberOfBytes": 1024}, 1024)):
            with self.subTest(kw=kw):
                resp = self.kms.generate_data_key(KeyId=md["KeyId"], **kw)
                self.assertEqual(len(resp["Plaintext"]), size)
                self.assertEqual(resp["KeyId"], md["Arn"])
                self.assertEqual(resp["KeyMaterialId"], md["CurrentKeyMaterialId"])
                dec = self.kms.decrypt(CiphertextBlob=resp["CiphertextBlob"])
                self.assertEqual(dec["Plaintext"], resp["Plaintext"])

    def test_generate_data_key_without_plaintext(self):
        md = self.key()
        ctx = {"app": "billing"}
        resp = self.kms.generate_data_key_without_plaintext(KeyId=md["KeyId"], KeySpec="AES_256",
                                                            EncryptionContext=ctx)
        self.assertNotIn("Plaintext", resp)
        self.assertEqual(resp["KeyId"], md["Arn"])
        dec = self.kms.decrypt(CiphertextBlob=resp["CiphertextBlob"], EncryptionContext=ctx)
        self.assertEqual(len(dec["Plaintext"]), 32)
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=resp["CiphertextBlob"])

    def test_data_keys_are_random(self):
        kid = self.key()["KeyId"]
        keys = {self.kms.generate_data_key(KeyId=kid, KeySpec="AES_256")["Plaintext"] for _ in range(20)}
        self.assertEqual(len(keys), 20)

    def test_generate_data_key_validation(self):
        kid = self.key()["KeyId"]
        either = "Please specify either number of bytes or key spec."
        for fn in (self.kms.generate_data_key, self.kms.generate_data_key_without_plaintext):
            with self.subTest(op=fn.__name__):
                self.assert_client_error(fn, "ValidationException", either, KeyId=kid)
                self.assert_client_error(fn, "ValidationException", either,
                                         KeyId=kid, KeySpec="AES_256", NumberOfBytes=32)
                self.assert_client_error(fn, "ValidationException",
                                         range_message(0, "numberOfBytes", 1, True), KeyId=kid, NumberOfBytes=0)
                self.assert_client_error(fn, "ValidationException",
                                         range_message(1025, "numberOfBytes", 1024, False),
                                         KeyId=kid, NumberOfBytes=1025)

    def test_generate_data_key_bad_key_spec_enum(self):
        kid = self.key()["KeyId"]
        prefix = ("1 validation error detected: Value 'AES-256' at 'keySpec' failed to satisfy constraint: "
                  "Member must satisfy enum value set: [")
        create_key_specs = {'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384',
                            'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256',
                            'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
                            'ECC_NIST_EDWARDS25519'}

        def ok(msg):
            if not (msg.startswith(prefix) and msg.endswith("]")):
                return False
            got = {v.strip() for v in msg[len(prefix):-1].split(",")}
            # The model's DataKeySpec set, or the CreateKey KeySpec set real AWS was seen to list.
            return got in ({"AES_256", "AES_128"}, create_key_specs)
        self.assert_client_error(self.kms.generate_data_key, "ValidationException", ok,
                                 KeyId=kid, KeySpec="AES-256")

    # ---- GenerateRandom
    def test_generate_random(self):
        for n in (1, 32, 1024):
            with self.subTest(n=n):
                self.assertEqual(len(self.kms.generate_random(NumberOfBytes=n)["Plaintext"]), n)
        samples = {self.kms.generate_random(NumberOfBytes=32)["Plaintext"] for _ in range(10)}
        self.assertEqual(len(samples), 10)

    def test_generate_random_validation(self):
        self.assert_client_error(self.kms.generate_random, "ValidationException", "NumberOfBytes is required.")
        self.assert_client_error(self.kms.generate_random, "ValidationException",
                                 "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy "
                                 "constraint: Member must have value greater than or equal to 1",
                                 NumberOfBytes=0)
        self.assert_client_error(self.kms.generate_random, "ValidationException",
                                 "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                                 "constraint: Member must have value less than or equal to 1024",
                                 NumberOfBytes=1025)

    # ---- ReEncrypt
    def test_re_encrypt_moves_ciphertext_between_keys_and_contexts(self):
        a, b = self.key(), self.key()
        alias_b = f"alias/dest-{uuid.uuid4().hex[:8]}"
        self.kms.create_alias(AliasName=alias_b, TargetKeyId=b["KeyId"])
        ct = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"move me",
                              EncryptionContext={"stage": "one"})["CiphertextBlob"]
        resp = self.kms.re_encrypt(CiphertextBlob=ct, SourceEncryptionContext={"stage": "one"},
                                   DestinationKeyId=alias_b, DestinationEncryptionContext={"stage": "two"})
        self.assertEqual(resp["SourceKeyId"], a["Arn"])
        self.assertEqual(resp["KeyId"], b["Arn"])
        self.assertEqual(resp["SourceEncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        self.assertEqual(resp["DestinationEncryptionAlgorithm"], "SYMMETRIC_DEFAULT")
        self.assertEqual(resp["SourceKeyMaterialId"], a["CurrentKeyMaterialId"])
        self.assertEqual(resp["DestinationKeyMaterialId"], b["CurrentKeyMaterialId"])
        dec = self.kms.decrypt(CiphertextBlob=resp["CiphertextBlob"], EncryptionContext={"stage": "two"})
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"move me", b["Arn"]))
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=resp["CiphertextBlob"], EncryptionContext={"stage": "one"})
        # The original still decrypts under a.
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={"stage": "one"})["Plaintext"],
                         b"move me")

    def test_re_encrypt_errors(self):
        a, b = self.key(), self.key()
        ct = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"x", EncryptionContext={"c": "1"})["CiphertextBlob"]
        self.assert_client_error(self.kms.re_encrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=ct, DestinationKeyId=b["KeyId"])
        self.assert_client_error(self.kms.re_encrypt, "IncorrectKeyException", INCORRECT_KEY_MSG,
                                 CiphertextBlob=ct, SourceEncryptionContext={"c": "1"},
                                 SourceKeyId=b["KeyId"], DestinationKeyId=b["KeyId"])
        missing = str(uuid.uuid4())
        self.assert_client_error(self.kms.re_encrypt, "NotFoundException",
                                 f"Key '{key_arn(missing)}' does not exist",
                                 CiphertextBlob=ct, SourceEncryptionContext={"c": "1"}, DestinationKeyId=missing)
        # Re-encrypting under the same key is allowed (new IV).
        same = self.kms.re_encrypt(CiphertextBlob=ct, SourceEncryptionContext={"c": "1"},
                                   DestinationKeyId=a["KeyId"], DestinationEncryptionContext={"c": "1"})
        self.assertNotEqual(same["CiphertextBlob"], ct)
        self.assertEqual(same["SourceKeyId"], same["KeyId"])

    def test_concurrent_encrypt_decrypt(self):
        kid = self.key()["KeyId"]

        kms = self.server.client()

        def work(i):
            out = []
            for j in range(10):
                p = f"thread {i} msg {j}".encode()
                ct = kms.encrypt(KeyId=kid, Plaintext=p)["CiphertextBlob"]
                out.append(kms.decrypt(CiphertextBlob=ct)["Plaintext"] == p)
            return all(out)

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as ex:
            results = list(ex.map(work, range(16), timeout=120))
        self.assertTrue(all(results))


class AliasSwapLabTest(ServerTestCase):
    """The alias-swap lab from the rotation articles (boto3)."""

    def test_alias_swap_lab(self):
        kms = self.kms
        old = kms.create_key(Description="app key v1")["KeyMetadata"]
        new = kms.create_key(Description="app key v2")["KeyMetadata"]
        alias = f"alias/app-{uuid.uuid4().hex[:8]}"
        kms.create_alias(AliasName=alias, TargetKeyId=old["KeyId"])

        dk = kms.generate_data_key(KeyId=alias, KeySpec="AES_256")
        self.assertEqual(dk["KeyId"], old["Arn"])
        old_ct = dk["CiphertextBlob"]

        kms.update_alias(AliasName=alias, TargetKeyId=new["KeyId"])
        self.assertEqual(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"], new["KeyId"])
        self.assertEqual(kms.generate_data_key(KeyId=alias, KeySpec="AES_256")["KeyId"], new["Arn"])

        dec = kms.decrypt(CiphertextBlob=old_ct)
        self.assertEqual(dec["Plaintext"], dk["Plaintext"])
        self.assertEqual(dec["KeyId"], old["Arn"])
        # Naming the alias (now the new key) for the old ciphertext is the wrong key.
        self.assert_client_error(kms.decrypt, "IncorrectKeyException", INCORRECT_KEY_MSG,
                                 CiphertextBlob=old_ct, KeyId=alias)

        re = kms.re_encrypt(CiphertextBlob=old_ct, DestinationKeyId=alias)
        self.assertEqual(re["SourceKeyId"], old["Arn"])
        self.assertEqual(re["KeyId"], new["Arn"])
        moved = kms.decrypt(CiphertextBlob=re["CiphertextBlob"], KeyId=alias)
        self.assertEqual((moved["Plaintext"], moved["KeyId"]), (dk["Plaintext"], new["Arn"]))

        kms.disable_key(KeyId=old["KeyId"])
        self.assert_client_error(kms.decrypt, "DisabledException", f"{old['Arn']} is disabled.",
                                 CiphertextBlob=old_ct)
        # The re-encrypted copy is unaffected.
        self.assertEqual(kms.decrypt(CiphertextBlob=re["CiphertextBlob"])["Plaintext"], dk["Plaintext"])
        kms.enable_key(KeyId=old["KeyId"])
        self.assertEqual(kms.decrypt(CiphertextBlob=old_ct)["Plaintext"], dk["Plaintext"])


class CliV2CryptoTest(ServerTestCase):
    """aws CLI v2: fileb://, --query Plaintext --output text | base64 -d."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rotor-cli-")
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))

    def sh(self, cmd):
        rc, out, err = self.server.shell(cmd, cwd=self.tmp)
        self.assertEqual(rc, 0, f"{cmd}\n{err}")
        return out

    def test_cli_encrypt_decrypt_with_fileb_and_base64_pipeline(self):
        md = self.kms.create_key()["KeyMetadata"]
        alias = f"alias/cli-crypto-{uuid.uuid4().hex[:8]}"
        self.kms.create_alias(AliasName=alias, TargetKeyId=md["KeyId"])
        plaintext = b"CLI secret \x00\x01\xff binary-safe\n"
        with open(os.path.join(self.tmp, "plain.bin"), "wb") as f:
            f.write(plaintext)
        self.sh(f'"$AWS2" --endpoint-url "$ENDPOINT" kms encrypt --key-id {alias} '
                f'--plaintext fileb://plain.bin --encryption-context purpose=test '
                f'--query CiphertextBlob --output text | base64 -d > ct.bin')
        out = self.sh('"$AWS2" --endpoint-url "$ENDPOINT" kms decrypt --ciphertext-blob fileb://ct.bin '
                      '--encryption-context purpose=test --query Plaintext --output text | base64 -d')
        self.assertEqual(out, plaintext)
        # boto3 agrees with the CLI's ciphertext.
        with open(os.path.join(self.tmp, "ct.bin"), "rb") as f:
            ct = f.read()
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={"purpose": "test"})["Plaintext"],
                         plaintext)
        res = self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://ct.bin"], cwd=self.tmp)
        self.assert_cli_error(res, "InvalidCiphertextException", "", "Decrypt")
        res = self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://ct.bin",
                                  "--encryption-context", "purpose=test"], cwd=self.tmp)
        out = self.assert_cli_ok(res)
        self.assertEqual(out["KeyId"], md["Arn"])
        self.assertEqual(base64.b64decode(out["Plaintext"]), plaintext)

    def test_cli_generate_data_key_and_decrypt(self):
        md = self.kms.create_key()["KeyMetadata"]
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "generate-data-key", "--key-id", md["KeyId"],
                                                     "--key-spec", "AES_256"]))
        self.assertEqual(out["KeyId"], md["Arn"])
        data_key = base64.b64decode(out["Plaintext"])
        self.assertEqual(len(data_key), 32)
        with open(os.path.join(self.tmp, "dk.bin"), "wb") as f:
            f.write(base64.b64decode(out["CiphertextBlob"]))
        got = self.sh('"$AWS2" --endpoint-url "$ENDPOINT" kms decrypt --ciphertext-blob fileb://dk.bin '
                      '--query Plaintext --output text | base64 -d')
        self.assertEqual(got, data_key)
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "generate-data-key-without-plaintext",
                                                     "--key-id", md["KeyId"], "--number-of-bytes", "16"]))
        self.assertNotIn("Plaintext", out)

    def test_cli_re_encrypt_and_generate_random(self):
        a = self.kms.create_key()["KeyMetadata"]
        b = self.kms.create_key()["KeyMetadata"]
        ct = self.kms.encrypt(KeyId=a["KeyId"], Plaintext=b"re-encrypt via cli")["CiphertextBlob"]
        with open(os.path.join(self.tmp, "a.bin"), "wb") as f:
            f.write(ct)
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "re-encrypt", "--ciphertext-blob", "fileb://a.bin",
                                                     "--destination-key-id", b["KeyId"]], cwd=self.tmp))
        self.assertEqual(out["SourceKeyId"], a["Arn"])
        self.assertEqual(out["KeyId"], b["Arn"])
        dec = self.kms.decrypt(CiphertextBlob=base64.b64decode(out["CiphertextBlob"]))
        self.assertEqual((dec["Plaintext"], dec["KeyId"]), (b"re-encrypt via cli", b["Arn"]))
        rnd = self.sh('"$AWS2" --endpoint-url "$ENDPOINT" kms generate-random --number-of-bytes 48 '
                      '--query Plaintext --output text | base64 -d')
        self.assertEqual(len(rnd), 48)
        res = self.server.cli_v2(["kms", "generate-random", "--number-of-bytes", "1025"])
        self.assert_cli_error(res, "ValidationException",
                              "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy "
                              "constraint: Member must have value less than or equal to 1024", "GenerateRandom")

    def test_cli_disabled_key(self):
        md = self.kms.create_key()["KeyMetadata"]
        self.assert_cli_ok(self.server.cli_v2(["kms", "disable-key", "--key-id", md["KeyId"]]))
        with open(os.path.join(self.tmp, "p.txt"), "wb") as f:
            f.write(b"nope")
        res = self.server.cli_v2(["kms", "encrypt", "--key-id", md["KeyId"], "--plaintext", "fileb://p.txt"],
                                 cwd=self.tmp)
        self.assert_cli_error(res, "DisabledException", f"{md['Arn']} is disabled.", "Encrypt")

    def test_cli_alias_swap_lab(self):
        old = self.kms.create_key()["KeyMetadata"]
        new = self.kms.create_key()["KeyMetadata"]
        alias = f"alias/app-cli-{uuid.uuid4().hex[:8]}"
        self.assert_cli_ok(self.server.cli_v2(["kms", "create-alias", "--alias-name", alias,
                                               "--target-key-id", old["KeyId"]]))
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "generate-data-key", "--key-id", alias,
                                                     "--key-spec", "AES_256"]))
        data_key = base64.b64decode(out["Plaintext"])
        with open(os.path.join(self.tmp, "old.bin"), "wb") as f:
            f.write(base64.b64decode(out["CiphertextBlob"]))
        self.assert_cli_ok(self.server.cli_v2(["kms", "update-alias", "--alias-name", alias,
                                               "--target-key-id", new["KeyId"]]))
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://old.bin"],
                                                    cwd=self.tmp))
        self.assertEqual(out["KeyId"], old["Arn"])
        self.assertEqual(base64.b64decode(out["Plaintext"]), data_key)
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "re-encrypt", "--ciphertext-blob", "fileb://old.bin",
                                                     "--destination-key-id", alias], cwd=self.tmp))
        self.assertEqual(out["KeyId"], new["Arn"])
        self.assert_cli_ok(self.server.cli_v2(["kms", "disable-key", "--key-id", old["KeyId"]]))
        res = self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://old.bin"], cwd=self.tmp)
        self.assert_cli_error(res, "DisabledException", f"{old['Arn']} is disabled.", "Decrypt")
        self.assert_cli_ok(self.server.cli_v2(["kms", "enable-key", "--key-id", old["KeyId"]]))
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://old.bin"],
                                                    cwd=self.tmp))
        self.assertEqual(base64.b64decode(out["Plaintext"]), data_key)


class CryptoPersistenceTest(ServerTestCase):
    """Restart keeps everything decryptable; nothing secret at rest in the clear."""

    def test_restart_keeps_everything_decryptable(self):
        srv = self.fresh_server()
        kms = srv.client()
        eu = srv.client(region="eu-west-1")
        items = []
        for i in range(5):
            kid = kms.create_key()["KeyMetadata"]["KeyId"]
            ctx = {"i": str(i)}
            p = f"persisted {i}".encode()
            items.append((kms, kms.encrypt(KeyId=kid, Plaintext=p, EncryptionContext=ctx)["CiphertextBlob"], ctx, p))
            dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
            items.append((kms, dk["CiphertextBlob"], {}, dk["Plaintext"]))
        ekid = eu.create_key()["KeyMetadata"]["KeyId"]
        items.append((eu, eu.encrypt(KeyId=ekid, Plaintext=b"eu data")["CiphertextBlob"], {}, b"eu data"))
        srv.restart()
        for client, ct, ctx, p in items:
            self.assertEqual(client.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"], p)
        srv.stop()
        srv.start()
        for client, ct, ctx, p in items:
            self.assertEqual(client.decrypt(CiphertextBlob=ct, EncryptionContext=ctx)["Plaintext"], p)

    @sqlite_only("it scans rotor.db and its WAL")
    def test_database_files_hold_no_plaintext_or_data_keys_and_root_key_is_0600(self):
        srv = self.fresh_server()
        kms = srv.client()
        marker = ("ROTOR-E2E-PLAINTEXT-" + secrets.token_hex(16)).encode()
        secrets_seen = [marker]
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        ct = kms.encrypt(KeyId=kid, Plaintext=marker)["CiphertextBlob"]
        for _ in range(5):
            dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
            secrets_seen.append(dk["Plaintext"])
            ct2 = kms.generate_data_key_without_plaintext(KeyId=kid, NumberOfBytes=32)["CiphertextBlob"]
            secrets_seen.append(kms.decrypt(CiphertextBlob=ct2)["Plaintext"])
        kms.re_encrypt(CiphertextBlob=ct, DestinationKeyId=kid)
        secrets_seen.append(kms.generate_random(NumberOfBytes=32)["Plaintext"])

        def needles():
            out = []
            for s in secrets_seen:
                out += [s, base64.b64encode(s), s.hex().encode(), s.hex().upper().encode()]
            return out

        def scan(label):
            files = sorted(os.listdir(srv.data_dir))
            db_files = [f for f in files if ".db" in f]
            self.assertTrue(any(f.endswith(".db") for f in db_files), f"{label}: no database in {files}")
            root = self.root_key_path(srv)
            root_key = read_bytes(root)
            for f in files:
                path = os.path.join(srv.data_dir, f)
                if not os.path.isfile(path) or os.path.abspath(path) == os.path.abspath(root):
                    continue
                data = read_bytes(path)
                for n in needles() + [root_key, base64.b64encode(root_key)]:
                    self.assertNotIn(n, data, f"{label}: secret {n[:12]!r}... found in {f}")
            return db_files

        during = scan("while running")
        srv.stop()
        scan("after stop")
        self.assertTrue(during)

    def root_key_path(self, srv):
        path = os.path.join(srv.data_dir, "root.key")
        self.assertTrue(os.path.isfile(path), f"no root.key in {os.listdir(srv.data_dir)}")
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600, f"root key mode {oct(mode)}")
        self.assertEqual(os.path.getsize(path), 32)
        return path

    def test_root_key_file_flag(self):
        tmp = tempfile.mkdtemp(prefix="rotor-root-")
        self.addCleanup(lambda: __import__("shutil").rmtree(tmp, ignore_errors=True))
        root = os.path.join(tmp, "my-root.key")
        fd = os.open(root, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32))
        os.close(fd)
        srv = self.fresh_server(["--root-key-file", root])
        kms = srv.client()
        kid = kms.create_key()["KeyMetadata"]["KeyId"]
        ct = kms.encrypt(KeyId=kid, Plaintext=b"sealed under my root")["CiphertextBlob"]
        self.assertFalse(os.path.exists(os.path.join(srv.data_dir, "root.key")),
                         "a root key was generated although --root-key-file was given")
        srv.restart()
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"sealed under my root")
        # A different root key must never yield the plaintext (refusing to start is best).
        other = os.path.join(tmp, "other-root.key")
        fd = os.open(other, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, os.urandom(32))
        os.close(fd)
        srv.stop()
        srv.base_args = ["--root-key-file", other]
        try:
            srv.start()
        except RuntimeError:
            return
        try:
            kms.decrypt(CiphertextBlob=ct)
        except ClientError:
            return
        self.fail("decrypted with the wrong root key")


if __name__ == "__main__":
    unittest.main()
