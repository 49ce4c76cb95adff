"""Issue 6: asymmetric, HMAC and imported (BYOK) keys, end to end with boto3 and
the aws CLI v2. Every signature is verified, and every ciphertext for Decrypt
made, by Python's `cryptography` package from the GetPublicKey DER alone; MACs
are recomputed with `hmac` from material the test imported itself; BYOK wraps
material exactly as AWS's import guide shows (OAEP SHA-256, and
RSA_AES_KEY_WRAP_SHA_256 = OAEP(AES key) || AES-KWP(material)).
"""
import base64
import datetime as dt
import hashlib
import hmac
import os
import shutil
import subprocess
import tempfile
import unittest
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, utils

from rotor_harness import ServerTestCase, key_arn, parse_iso

VIRTUAL = ["--clock", "virtual", "--rotation-jitter", "0"]
HASHES = {"SHA_256": hashes.SHA256, "SHA_384": hashes.SHA384, "SHA_512": hashes.SHA512}
RSA_SIGNING = ["RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512",
               "RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"]


def hash_of(algorithm):
    return HASHES[algorithm[-7:]]()


def verify_with_cryptography(public_der, algorithm, message, signature, prehashed=False):
    """Raises InvalidSignature unless `signature` is AWS's `algorithm` over `message`."""
    pub = serialization.load_der_public_key(public_der)
    if algorithm.startswith("ED25519"):
        pub.verify(signature, message)
        return
    h = hash_of(algorithm)
    chosen = utils.Prehashed(h) if prehashed else h
    if algorithm.startswith("RSASSA_PSS"):
        # AWS signs PSS with MGF1 of the same hash and a salt as long as the hash.
        pub.verify(signature, message, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), chosen)
    elif algorithm.startswith("RSASSA_PKCS1"):
        pub.verify(signature, message, padding.PKCS1v15(), chosen)
    else:
        pub.verify(signature, message, ec.ECDSA(chosen))


def oaep(hash_cls):
    return padding.OAEP(mgf=padding.MGF1(algorithm=hash_cls()), algorithm=hash_cls(), label=None)


def wrap_for_import(public_der, wrapping_algorithm, material):
    """Step 3 of AWS's import guide, with `cryptography`."""
    pub = serialization.load_der_public_key(public_der)
    h = hashes.SHA1 if wrapping_algorithm.endswith("SHA_1") else hashes.SHA256
    if wrapping_algorithm.startswith("RSAES_OAEP"):
        return pub.encrypt(material, oaep(h))
    aes_key = os.urandom(32)
    return pub.encrypt(aes_key, oaep(h)) + keywrap.aes_key_wrap_with_padding(aes_key, material)


def import_material(kms, key_id, material, wrapping_algorithm="RSAES_OAEP_SHA_256", wrapping_spec="RSA_2048",
                    **extra):
    params = kms.get_parameters_for_import(KeyId=key_id, WrappingAlgorithm=wrapping_algorithm,
                                           WrappingKeySpec=wrapping_spec)
    kw = dict(KeyId=key_id, ImportToken=params["ImportToken"],
              EncryptedKeyMaterial=wrap_for_import(params["PublicKey"], wrapping_algorithm, material))
    if "ValidTo" not in extra:
        kw["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
    kw.update(extra)
    return kms.import_key_material(**kw)


class AsymmetricTest(ServerTestCase):
    """Sign/Verify, GetPublicKey, RSA encryption, data key pairs, ECDH, HMAC: boto3, shared server."""

    in_memory = True

    def key(self, spec, usage, **kw):
        return self.kms.create_key(KeySpec=spec, KeyUsage=usage, **kw)["KeyMetadata"]

    def public_der(self, key_id):
        return self.kms.get_public_key(KeyId=key_id)["PublicKey"]

    def test_every_signing_algorithm_verifies_with_cryptography(self):
        cases = [("RSA_2048", RSA_SIGNING), ("ECC_NIST_P256", ["ECDSA_SHA_256"]),
                 ("ECC_NIST_P384", ["ECDSA_SHA_384"]), ("ECC_NIST_P521", ["ECDSA_SHA_512"]),
                 ("ECC_SECG_P256K1", ["ECDSA_SHA_256"]), ("ECC_NIST_EDWARDS25519", ["ED25519_SHA_512"])]
        message = b"sign me, rotor " + os.urandom(64)
        for spec, algorithms in cases:
            md = self.key(spec, "SIGN_VERIFY")
            self.assertEqual(md["KeySpec"], spec)
            self.assertEqual(md["KeyState"], "Enabled")
            pub = self.public_der(md["KeyId"])
            for algorithm in algorithms:
                with self.subTest(spec=spec, algorithm=algorithm):
                    out = self.kms.sign(KeyId=md["KeyId"], Message=message, MessageType="RAW",
                                        SigningAlgorithm=algorithm)
                    self.assertEqual(out["KeyId"], md["Arn"])
                    self.assertEqual(out["SigningAlgorithm"], algorithm)
                    verify_with_cryptography(pub, algorithm, message, out["Signature"])
                    with self.assertRaises(InvalidSignature):
                        verify_with_cryptography(pub, algorithm, message + b"!", out["Signature"])
                    ok = self.kms.verify(KeyId=md["KeyId"], Message=message, Signature=out["Signature"],
                                         SigningAlgorithm=algorithm)
                    self.assertTrue(ok["SignatureValid"])
                    self.assert_client_error(self.kms.verify, "KMSInvalidSignatureException", "",
                                             KeyId=md["KeyId"], Message=message + b"!",
                                             Signature=out["Signature"], SigningAlgorithm=algorithm)
                    if not algorithm.startswith("ED25519"):
                        digest = hashlib.new(hash_of(algorithm).name, message).digest()
                        sig = self.kms.sign(KeyId=md["KeyId"], Message=digest, MessageType="DIGEST",
                                            SigningAlgorithm=algorithm)["Signature"]
                        verify_with_cryptography(pub, algorithm, message, sig)
                        verify_with_cryptography(pub, algorithm, digest, sig, prehashed=True)

    def test_get_public_key_and_describe_key_report_the_algorithms(self):
        expected = {
            ("RSA_3072", "SIGN_VERIFY"): ("SigningAlgorithms", RSA_SIGNING),
            ("RSA_2048", "ENCRYPT_DECRYPT"): ("EncryptionAlgorithms", ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"]),
            ("ECC_NIST_P384", "KEY_AGREEMENT"): ("KeyAgreementAlgorithms", ["ECDH"]),
            ("ECC_NIST_EDWARDS25519", "SIGN_VERIFY"): ("SigningAlgorithms", ["ED25519_SHA_512", "ED25519_PH_SHA_512"]),
        }
        for (spec, usage), (member, algorithms) in expected.items():
            with self.subTest(spec=spec, usage=usage):
                md = self.key(spec, usage)
                self.assertEqual(sorted(md[member]), sorted(algorithms))
                out = self.kms.get_public_key(KeyId=md["KeyId"])
                self.assertEqual(out["KeyId"], md["Arn"])
                self.assertEqual(out["KeySpec"], spec)
                self.assertEqual(out["CustomerMasterKeySpec"], spec)
                self.assertEqual(out["KeyUsage"], usage)
                self.assertEqual(sorted(out[member]), sorted(algorithms))
                pub = serialization.load_der_public_key(out["PublicKey"])  # DER SubjectPublicKeyInfo
                if spec.startswith("RSA"):
                    self.assertEqual(pub.key_size, int(spec[4:]))
                self.assertNotIn("CurrentKeyMaterialId", md)

    def test_digest_messages_must_have_the_hash_length(self):
        md = self.key("ECC_NIST_P256", "SIGN_VERIFY")
        self.assert_client_error(self.kms.sign, "ValidationException",
                                 "Digest is invalid length for algorithm ECDSA_SHA_256.",
                                 KeyId=md["KeyId"], Message=b"x" * 31, MessageType="DIGEST",
                                 SigningAlgorithm="ECDSA_SHA_256")
        rsa_md = self.key("RSA_2048", "SIGN_VERIFY")
        for algorithm in ("RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_512", "RSASSA_PSS_SHA_256",
                          "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512"):
            self.assert_client_error(self.kms.sign, "ValidationException",
                                     f"Digest is invalid length for algorithm {algorithm}.",
                                     KeyId=rsa_md["KeyId"], Message=b"x" * 20, MessageType="DIGEST",
                                     SigningAlgorithm=algorithm)
        self.assert_client_error(self.kms.sign, "ValidationException",
                                 "1 validation error detected: Value at 'message' failed to satisfy constraint: "
                                 "Member must have length less than or equal to 4096",
                                 KeyId=md["KeyId"], Message=b"x" * 4097, SigningAlgorithm="ECDSA_SHA_256")

    def test_rsa_decrypt_opens_what_cryptography_encrypts(self):
        md = self.key("RSA_2048", "ENCRYPT_DECRYPT")
        pub = serialization.load_der_public_key(self.public_der(md["KeyId"]))
        for algorithm, h, limit in (("RSAES_OAEP_SHA_1", hashes.SHA1, 214), ("RSAES_OAEP_SHA_256", hashes.SHA256, 190)):
            with self.subTest(algorithm=algorithm):
                plaintext = os.urandom(limit)
                ct = pub.encrypt(plaintext, oaep(h))
                out = self.kms.decrypt(CiphertextBlob=ct, KeyId=md["KeyId"], EncryptionAlgorithm=algorithm)
                self.assertEqual(out["Plaintext"], plaintext)
                self.assertEqual(out["KeyId"], md["Arn"])
                self.assertEqual(out["EncryptionAlgorithm"], algorithm)
                enc = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=plaintext, EncryptionAlgorithm=algorithm)
                self.assertEqual(enc["EncryptionAlgorithm"], algorithm)
                self.assertEqual(self.kms.decrypt(CiphertextBlob=enc["CiphertextBlob"], KeyId=md["Arn"],
                                                  EncryptionAlgorithm=algorithm)["Plaintext"], plaintext)
                self.assert_client_error(
                    self.kms.encrypt, "ValidationException",
                    f"Algorithm {algorithm} and key spec RSA_2048 cannot encrypt data larger than {limit} bytes.",
                    KeyId=md["KeyId"], Plaintext=os.urandom(limit + 1), EncryptionAlgorithm=algorithm)
        # Without the KeyId, the ciphertext names no key.
        self.assert_client_error(self.kms.decrypt, "InvalidCiphertextException", "",
                                 CiphertextBlob=pub.encrypt(b"x", oaep(hashes.SHA256)),
                                 EncryptionAlgorithm="RSAES_OAEP_SHA_256")

    def test_key_usage_errors_are_aws_texts(self):
        sign = self.key("ECC_NIST_P256", "SIGN_VERIFY")
        enc = self.key("RSA_2048", "ENCRYPT_DECRYPT")
        mac = self.key("HMAC_256", "GENERATE_VERIFY_MAC")
        sym = self.kms.create_key()["KeyMetadata"]
        peer = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        checks = [
            (self.kms.encrypt, sign, "Encrypt", dict(Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")),
            (self.kms.sign, mac, "Sign", dict(Message=b"x", SigningAlgorithm="ECDSA_SHA_256")),
            (self.kms.verify, enc, "Verify", dict(Message=b"x", Signature=b"s", SigningAlgorithm="RSASSA_PSS_SHA_256")),
            (self.kms.derive_shared_secret, sign, "DeriveSharedSecret", dict(KeyAgreementAlgorithm="ECDH", PublicKey=peer)),
            (self.kms.derive_shared_secret, enc, "DeriveSharedSecret", dict(KeyAgreementAlgorithm="ECDH", PublicKey=peer)),
            (self.kms.generate_mac, sym, "GenerateMac", dict(Message=b"x", MacAlgorithm="HMAC_SHA_256")),
        ]
        for fn, md, op, kw in checks:
            with self.subTest(op=op, usage=md["KeyUsage"]):
                self.assert_client_error(fn, "InvalidKeyUsageException",
                                         f"{md['Arn']} key usage is {md['KeyUsage']} which is not valid for {op}.",
                                         KeyId=md["KeyId"], **kw)

    def test_hmac_keys_generate_and_verify_macs(self):
        for spec, algorithm in (("HMAC_224", "HMAC_SHA_224"), ("HMAC_256", "HMAC_SHA_256"),
                                ("HMAC_384", "HMAC_SHA_384"), ("HMAC_512", "HMAC_SHA_512")):
            with self.subTest(spec=spec):
                md = self.key(spec, "GENERATE_VERIFY_MAC")
                self.assertEqual(md["MacAlgorithms"], [algorithm])
                self.assertNotIn("EncryptionAlgorithms", md)
                out = self.kms.generate_mac(KeyId=md["KeyId"], Message=b"mac me", MacAlgorithm=algorithm)
                self.assertEqual(len(out["Mac"]), int(spec[5:]) // 8)
                self.assertEqual(out["KeyId"], md["Arn"])
                self.assertTrue(self.kms.verify_mac(KeyId=md["KeyId"], Message=b"mac me", Mac=out["Mac"],
                                                    MacAlgorithm=algorithm)["MacValid"])
                self.assert_client_error(self.kms.verify_mac, "KMSInvalidMacException", "", KeyId=md["KeyId"],
                                         Message=b"mac me!", Mac=out["Mac"], MacAlgorithm=algorithm)
        k224 = self.key("HMAC_224", "GENERATE_VERIFY_MAC")
        k256 = self.key("HMAC_256", "GENERATE_VERIFY_MAC")
        self.assert_client_error(self.kms.generate_mac, "InvalidKeyUsageException",
                                 "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.",
                                 KeyId=k224["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
        self.assert_client_error(self.kms.generate_mac, "InvalidKeyUsageException",
                                 "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.",
                                 KeyId=k256["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_512")

    def test_imported_hmac_material_macs_match_python_hmac(self):
        md = self.kms.create_key(KeySpec="HMAC_384", KeyUsage="GENERATE_VERIFY_MAC", Origin="EXTERNAL")["KeyMetadata"]
        material = os.urandom(48)
        import_material(self.kms, md["KeyId"], material)
        for message in (b"a", os.urandom(4096)):
            mac = self.kms.generate_mac(KeyId=md["KeyId"], Message=message, MacAlgorithm="HMAC_SHA_384")["Mac"]
            self.assertEqual(mac, hmac.new(material, message, hashlib.sha384).digest())

    def test_generate_data_key_pair(self):
        sym = self.kms.create_key()["KeyMetadata"]
        for spec in ("RSA_2048", "ECC_NIST_P256", "ECC_NIST_P521", "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519"):
            with self.subTest(spec=spec):
                out = self.kms.generate_data_key_pair(KeyId=sym["KeyId"], KeyPairSpec=spec,
                                                      EncryptionContext={"app": "pairs"})
                self.assertEqual(out["KeyId"], sym["Arn"])
                self.assertEqual(out["KeyPairSpec"], spec)
                self.assertEqual(out["KeyMaterialId"], sym["CurrentKeyMaterialId"])
                private = serialization.load_der_private_key(out["PrivateKeyPlaintext"], password=None)
                self.assertEqual(private.public_key().public_bytes(serialization.Encoding.DER,
                                                                   serialization.PublicFormat.SubjectPublicKeyInfo),
                                 out["PublicKey"])
                opened = self.kms.decrypt(CiphertextBlob=out["PrivateKeyCiphertextBlob"],
                                          EncryptionContext={"app": "pairs"})
                self.assertEqual(opened["Plaintext"], out["PrivateKeyPlaintext"])
                bare = self.kms.generate_data_key_pair_without_plaintext(KeyId=sym["KeyId"], KeyPairSpec=spec)
                self.assertNotIn("PrivateKeyPlaintext", bare)
                pk = serialization.load_der_private_key(
                    self.kms.decrypt(CiphertextBlob=bare["PrivateKeyCiphertextBlob"])["Plaintext"], password=None)
                self.assertEqual(pk.public_key().public_bytes(serialization.Encoding.DER,
                                                              serialization.PublicFormat.SubjectPublicKeyInfo),
                                 bare["PublicKey"])

    def test_derive_shared_secret_matches_cryptography_ecdh(self):
        for spec, curve in (("ECC_NIST_P256", ec.SECP256R1()), ("ECC_NIST_P384", ec.SECP384R1()),
                            ("ECC_NIST_P521", ec.SECP521R1())):
            with self.subTest(spec=spec):
                md = self.key(spec, "KEY_AGREEMENT")
                mine = ec.generate_private_key(curve)
                out = self.kms.derive_shared_secret(
                    KeyId=md["KeyId"], KeyAgreementAlgorithm="ECDH",
                    PublicKey=mine.public_key().public_bytes(serialization.Encoding.DER,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo))
                kms_pub = serialization.load_der_public_key(self.public_der(md["KeyId"]))
                self.assertEqual(out["SharedSecret"], mine.exchange(ec.ECDH(), kms_pub))
                self.assertEqual(out["KeyAgreementAlgorithm"], "ECDH")
                self.assertEqual(out["KeyOrigin"], "AWS_KMS")

    def test_no_automatic_rotation_and_unsupported_specs(self):
        for spec, usage in (("RSA_2048", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC"),
                            ("ECC_NIST_P256", "KEY_AGREEMENT")):
            md = self.key(spec, usage)
            with self.subTest(spec=spec):
                self.assert_client_error(self.kms.enable_key_rotation, "UnsupportedOperationException", "",
                                         KeyId=md["KeyId"])
                self.assert_client_error(self.kms.rotate_key_on_demand, "UnsupportedOperationException", "",
                                         KeyId=md["KeyId"])
        e = self.assert_client_error(self.kms.create_key, "UnsupportedOperationException",
                                     lambda m: "ML_DSA_65" in m and "OpenSSL" in m,
                                     KeySpec="ML_DSA_65", KeyUsage="SIGN_VERIFY")
        self.assertTrue(e.response["Error"]["Message"])

    def test_asymmetric_keys_survive_a_restart(self):
        srv = self.fresh_server()
        kms = srv.client()
        md = kms.create_key(KeySpec="ECC_NIST_P384", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        pub = kms.get_public_key(KeyId=md["KeyId"])["PublicKey"]
        sig = kms.sign(KeyId=md["KeyId"], Message=b"before restart", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
        srv.restart()
        kms = srv.client()
        self.assertEqual(kms.get_public_key(KeyId=md["KeyId"])["PublicKey"], pub)
        self.assertTrue(kms.verify(KeyId=md["KeyId"], Message=b"before restart", Signature=sig,
                                   SigningAlgorithm="ECDSA_SHA_384")["SignatureValid"])
        new = kms.sign(KeyId=md["KeyId"], Message=b"after", SigningAlgorithm="ECDSA_SHA_384")["Signature"]
        verify_with_cryptography(pub, "ECDSA_SHA_384", b"after", new)


class CliV2Test(ServerTestCase):
    """The same operations through Debian's aws CLI v2."""

    in_memory = True

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="rotor-cli6-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def sh(self, cmd):
        rc, out, err = self.server.shell(cmd, cwd=self.tmp)
        self.assertEqual(rc, 0, f"{cmd}\n{err}")
        return out

    def test_cli_sign_verify_and_get_public_key(self):
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "create-key", "--key-spec", "ECC_NIST_P256",
                                                     "--key-usage", "SIGN_VERIFY"]))
        kid = out["KeyMetadata"]["KeyId"]
        with open(os.path.join(self.tmp, "msg.txt"), "wb") as f:
            f.write(b"signed by the CLI\n")
        self.sh(f'"$AWS2" --endpoint-url "$ENDPOINT" kms sign --key-id {kid} --message fileb://msg.txt '
                f'--message-type RAW --signing-algorithm ECDSA_SHA_256 --query Signature --output text '
                f'| base64 -d > sig.bin')
        self.sh(f'"$AWS2" --endpoint-url "$ENDPOINT" kms get-public-key --key-id {kid} --query PublicKey '
                f'--output text | base64 -d > pub.der')
        with open(os.path.join(self.tmp, "sig.bin"), "rb") as f:
            sig = f.read()
        with open(os.path.join(self.tmp, "pub.der"), "rb") as f:
            pub = f.read()
        verify_with_cryptography(pub, "ECDSA_SHA_256", b"signed by the CLI\n", sig)
        # openssl, as AWS's offline-verification guide does it.
        p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", "pub.der", "-keyform", "DER",
                            "-signature", "sig.bin", "msg.txt"], cwd=self.tmp, capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "verify", "--key-id", kid, "--message", "fileb://msg.txt",
                                                     "--signature", "fileb://sig.bin", "--signing-algorithm",
                                                     "ECDSA_SHA_256"], cwd=self.tmp))
        self.assertTrue(out["SignatureValid"])
        with open(os.path.join(self.tmp, "other.txt"), "wb") as f:
            f.write(b"not what was signed\n")
        self.assert_cli_error(self.server.cli_v2(["kms", "verify", "--key-id", kid, "--message", "fileb://other.txt",
                                                  "--signature", "fileb://sig.bin", "--signing-algorithm",
                                                  "ECDSA_SHA_256"], cwd=self.tmp),
                              "KMSInvalidSignatureException", "", "Verify")

    def test_sm2dsa_signature_verifies_with_the_openssl_cli(self):
        # `cryptography` has no SM2; openssl verifies with AWS's default distinguishing ID.
        # CI runs this test against several OpenSSL 3.0.x runtimes: say which one the server loaded.
        status, health = self.server.admin("GET", "/_rotor/health")
        self.assertEqual(status, 200)
        self.assertTrue(health["openssl"].startswith("OpenSSL 3."), health)
        print(f"\n  server loaded {health['openssl']}", end=" ", flush=True)
        md = self.kms.create_key(KeySpec="SM2", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        self.assertEqual(md["SigningAlgorithms"], ["SM2DSA"])
        with open(os.path.join(self.tmp, "pub.der"), "wb") as f:
            f.write(self.kms.get_public_key(KeyId=md["KeyId"])["PublicKey"])
        with open(os.path.join(self.tmp, "msg.bin"), "wb") as f:
            f.write(b"sm2 over the wire")
        with open(os.path.join(self.tmp, "sig.bin"), "wb") as f:
            f.write(self.kms.sign(KeyId=md["KeyId"], Message=b"sm2 over the wire", SigningAlgorithm="SM2DSA")["Signature"])
        verify = ("openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey pub.der -keyform DER "
                  "-sigfile sig.bin -in msg.bin -pkeyopt distid:")
        self.sh(verify + "1234567812345678")
        rc, _out, _err = self.server.shell(verify + "another-id", cwd=self.tmp)
        self.assertNotEqual(rc, 0)
        # Nor OpenSSL 3.0's own default (the empty ID used when none is set).
        rc, _out, _err = self.server.shell(verify.rsplit(" -pkeyopt", 1)[0], cwd=self.tmp)
        self.assertNotEqual(rc, 0)
        # Verify through the server too (the same ID on the verifying side).
        with open(os.path.join(self.tmp, "sig.bin"), "rb") as f:
            signature = f.read()
        self.assertTrue(self.kms.verify(KeyId=md["KeyId"], Message=b"sm2 over the wire", SigningAlgorithm="SM2DSA",
                                        Signature=signature)["SignatureValid"])

    def test_cli_generate_mac(self):
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "create-key", "--key-spec", "HMAC_256",
                                                     "--key-usage", "GENERATE_VERIFY_MAC"]))
        kid = out["KeyMetadata"]["KeyId"]
        with open(os.path.join(self.tmp, "m.txt"), "wb") as f:
            f.write(b"mac via cli")
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "generate-mac", "--key-id", kid, "--message",
                                                     "fileb://m.txt", "--mac-algorithm", "HMAC_SHA_256"],
                                                    cwd=self.tmp))
        self.assertEqual(len(base64.b64decode(out["Mac"])), 32)
        self.assert_cli_error(self.server.cli_v2(["kms", "generate-mac", "--key-id", kid, "--message",
                                                  "fileb://m.txt", "--mac-algorithm", "HMAC_SHA_512"], cwd=self.tmp),
                              "InvalidKeyUsageException", "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.")

    def test_cli_byok_with_openssl_as_in_the_aws_guide(self):
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "create-key", "--origin", "EXTERNAL",
                                                     "--description", "byok via cli"]))
        md = out["KeyMetadata"]
        self.assertEqual(md["KeyState"], "PendingImport")
        kid = md["KeyId"]
        self.sh(f'"$AWS2" --endpoint-url "$ENDPOINT" kms get-parameters-for-import --key-id {kid} '
                f'--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048 '
                f'--query "{{Key:PublicKey,Token:ImportToken}}" --output text > params.txt')
        self.sh('cut -f1 params.txt | base64 -d > PublicKey.bin && cut -f2 params.txt | base64 -d > ImportToken.bin')
        # AWS guide, "Encrypt key material with OpenSSL", RSAES_OAEP_SHA_256:
        self.sh('openssl rand -out PlaintextKeyMaterial.bin 32 && '
                'openssl pkeyutl -encrypt -in PlaintextKeyMaterial.bin -out EncryptedKeyMaterial.bin '
                '-inkey PublicKey.bin -keyform DER -pubin -pkeyopt rsa_padding_mode:oaep '
                '-pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256')
        self.assert_cli_ok(self.server.cli_v2(["kms", "import-key-material", "--key-id", kid,
                                               "--encrypted-key-material", "fileb://EncryptedKeyMaterial.bin",
                                               "--import-token", "fileb://ImportToken.bin",
                                               "--expiration-model", "KEY_MATERIAL_DOES_NOT_EXPIRE"], cwd=self.tmp))
        out = self.assert_cli_ok(self.server.cli_v2(["kms", "describe-key", "--key-id", kid]))
        self.assertEqual(out["KeyMetadata"]["KeyState"], "Enabled")
        self.assertEqual(out["KeyMetadata"]["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE")
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"imported through the CLI")["CiphertextBlob"]
        self.assert_cli_ok(self.server.cli_v2(["kms", "delete-imported-key-material", "--key-id", kid]))
        with open(os.path.join(self.tmp, "ct.bin"), "wb") as f:
            f.write(ct)
        self.assert_cli_error(self.server.cli_v2(["kms", "decrypt", "--ciphertext-blob", "fileb://ct.bin"],
                                                 cwd=self.tmp),
                              "KMSInvalidStateException", f"{md['Arn']} is pending import.", "Decrypt")


class ImportTest(ServerTestCase):
    """BYOK with boto3 on a virtual clock; time-dependent tests get a server of their own."""

    in_memory = True
    server_args = VIRTUAL

    def external_key(self, kms=None, **kw):
        return (kms or self.kms).create_key(Origin="EXTERNAL", **kw)["KeyMetadata"]

    def test_byok_full_flow_oaep_sha256(self):
        md = self.external_key(Description="byok lab")
        kid, arn = md["KeyId"], md["Arn"]
        self.assertEqual(md["KeyState"], "PendingImport")
        self.assertFalse(md["Enabled"])
        self.assertEqual(md["Origin"], "EXTERNAL")
        params = self.kms.get_parameters_for_import(KeyId=kid, WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                                    WrappingKeySpec="RSA_2048")
        self.assertEqual(params["KeyId"], arn)
        self.assertEqual(utc_of(params["ParametersValidTo"]), self.server.now() + dt.timedelta(hours=24))
        self.assertEqual(serialization.load_der_public_key(params["PublicKey"]).key_size, 2048)
        material = os.urandom(32)
        wrapped = serialization.load_der_public_key(params["PublicKey"]).encrypt(material, oaep(hashes.SHA256))
        out = self.kms.import_key_material(KeyId=kid, ImportToken=params["ImportToken"],
                                           EncryptedKeyMaterial=wrapped,
                                           ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.assertEqual(out["KeyId"], arn)
        self.assertRegex(out["KeyMaterialId"], r"^[0-9a-f]{64}$")
        described = self.kms.describe_key(KeyId=kid)["KeyMetadata"]
        self.assertEqual(described["KeyState"], "Enabled")
        self.assertEqual(described["CurrentKeyMaterialId"], out["KeyMaterialId"])
        ct = self.kms.encrypt(KeyId=kid, Plaintext=b"my own key", EncryptionContext={"lab": "byok"})["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={"lab": "byok"})["Plaintext"],
                         b"my own key")
        deleted = self.kms.delete_imported_key_material(KeyId=kid)
        self.assertEqual(deleted["KeyMaterialId"], out["KeyMaterialId"])
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "PendingImport")
        self.assert_client_error(self.kms.decrypt, "KMSInvalidStateException", f"{arn} is pending import.",
                                 CiphertextBlob=ct, EncryptionContext={"lab": "byok"})
        self.assert_client_error(self.kms.encrypt, "KMSInvalidStateException", f"{arn} is pending import.",
                                 KeyId=kid, Plaintext=b"x")
        again = import_material(self.kms, kid, material)  # a new token and wrapping key, the same bytes
        self.assertEqual(again["KeyMaterialId"], out["KeyMaterialId"])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct, EncryptionContext={"lab": "byok"})["Plaintext"],
                         b"my own key")

    def test_byok_rsa_aes_key_wrap_for_symmetric_and_rsa_material(self):
        md = self.external_key()
        material = os.urandom(32)
        import_material(self.kms, md["KeyId"], material, "RSA_AES_KEY_WRAP_SHA_256", "RSA_3072")
        ct = self.kms.encrypt(KeyId=md["KeyId"], Plaintext=b"kwp")["CiphertextBlob"]
        self.assertEqual(self.kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"kwp")
        # An RSA private key needs the RSA_AES scheme (too large for OAEP alone).
        signer = self.external_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pkcs8 = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())
        import_material(self.kms, signer["KeyId"], pkcs8, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
        mine = private.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)
        self.assertEqual(self.kms.get_public_key(KeyId=signer["KeyId"])["PublicKey"], mine)
        sig = self.kms.sign(KeyId=signer["KeyId"], Message=b"imported rsa", SigningAlgorithm="RSASSA_PSS_SHA_512")
        verify_with_cryptography(mine, "RSASSA_PSS_SHA_512", b"imported rsa", sig["Signature"])
        # Ed25519 material through OAEP SHA-1.
        ed = self.external_key(KeySpec="ECC_NIST_EDWARDS25519", KeyUsage="SIGN_VERIFY")
        ed_private = ed25519.Ed25519PrivateKey.generate()
        import_material(self.kms, ed["KeyId"], ed_private.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
            "RSAES_OAEP_SHA_1")
        sig = self.kms.sign(KeyId=ed["KeyId"], Message=b"ed", SigningAlgorithm="ED25519_SHA_512")["Signature"]
        ed_private.public_key().verify(sig, b"ed")

    def test_import_errors(self):
        md = self.external_key()
        other = self.external_key()
        params = self.kms.get_parameters_for_import(KeyId=md["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                                    WrappingKeySpec="RSA_2048")
        wrapped = wrap_for_import(params["PublicKey"], "RSAES_OAEP_SHA_256", os.urandom(32))
        self.assert_client_error(self.kms.import_key_material, "InvalidImportTokenException", ANY,
                                 KeyId=other["KeyId"], ImportToken=params["ImportToken"],
                                 EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.assert_client_error(self.kms.import_key_material, "InvalidImportTokenException", ANY,
                                 KeyId=md["KeyId"], ImportToken=os.urandom(512),
                                 EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.assert_client_error(self.kms.import_key_material, "ValidationException",
                                 "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES",
                                 KeyId=md["KeyId"], ImportToken=params["ImportToken"],
                                 EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_EXPIRES")
        self.assert_client_error(self.kms.import_key_material, "InvalidCiphertextException", "",
                                 KeyId=md["KeyId"], ImportToken=params["ImportToken"],
                                 EncryptedKeyMaterial=os.urandom(256), ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.kms.import_key_material(KeyId=md["KeyId"], ImportToken=params["ImportToken"],
                                     EncryptedKeyMaterial=wrapped, ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.assert_client_error(import_material, "IncorrectKeyMaterialException", ANY, None, self.kms,
                                 md["KeyId"], os.urandom(32))
        kms_key = self.kms.create_key()["KeyMetadata"]
        self.assert_client_error(self.kms.get_parameters_for_import, "UnsupportedOperationException",
                                 f"{kms_key['Arn']} origin is AWS_KMS which is not valid for this operation.",
                                 KeyId=kms_key["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                 WrappingKeySpec="RSA_2048")
        self.assert_client_error(self.kms.enable_key_rotation, "UnsupportedOperationException",
                                 f"{md['Arn']} origin is EXTERNAL which is not valid for this operation.",
                                 KeyId=md["KeyId"])

    def test_import_token_expires_after_24_hours_of_rotor_time(self):
        srv = self.fresh_server(VIRTUAL, in_memory=True)
        kms = srv.client()
        md = self.external_key(kms)
        params = kms.get_parameters_for_import(KeyId=md["KeyId"], WrappingAlgorithm="RSA_AES_KEY_WRAP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
        wrapped = wrap_for_import(params["PublicKey"], "RSA_AES_KEY_WRAP_SHA_256", os.urandom(32))
        srv.advance_clock("24h")
        self.assert_client_error(kms.import_key_material, "ExpiredImportTokenException", ANY, KeyId=md["KeyId"],
                                 ImportToken=params["ImportToken"], EncryptedKeyMaterial=wrapped,
                                 ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")

    def test_material_expires_on_the_clock_and_comes_back_when_reimported(self):
        srv = self.fresh_server(VIRTUAL, in_memory=True)
        kms = srv.client()
        md = self.external_key(kms)
        material = os.urandom(32)
        # boto3 sends timestamps as whole epoch seconds.
        valid_to = (srv.now() + dt.timedelta(days=2)).replace(microsecond=0)
        import_material(kms, md["KeyId"], material, ValidTo=valid_to, ExpirationModel="KEY_MATERIAL_EXPIRES")
        described = kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]
        self.assertEqual(described["ExpirationModel"], "KEY_MATERIAL_EXPIRES")
        self.assertEqual(utc_of(described["ValidTo"]), valid_to)
        ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"for two days")["CiphertextBlob"]
        doc = srv.advance_clock("3d")
        fired = [e for e in doc["fired"] if e.get("keyId") == md["KeyId"]]
        self.assertEqual([e["event"] for e in fired], ["DeleteExpiredKeyMaterial"], doc)
        self.assertEqual(parse_iso(fired[0]["time"]), valid_to)
        self.assertEqual(kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["KeyState"], "PendingImport")
        self.assert_client_error(kms.decrypt, "KMSInvalidStateException", f"{md['Arn']} is pending import.",
                                 CiphertextBlob=ct)
        import_material(kms, md["KeyId"], material)
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"for two days")

    def test_imported_material_and_import_tokens_survive_a_restart(self):
        srv = self.fresh_server(VIRTUAL)  # on disk
        kms = srv.client()
        md = self.external_key(kms)
        material = os.urandom(32)
        import_material(kms, md["KeyId"], material)
        ct = kms.encrypt(KeyId=md["KeyId"], Plaintext=b"durable")["CiphertextBlob"]
        other = self.external_key(kms)
        params = kms.get_parameters_for_import(KeyId=other["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_1",
                                               WrappingKeySpec="RSA_2048")
        srv.restart()
        kms = srv.client()
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"durable")
        # A token issued before the restart still imports: it carries its own sealed wrapping key.
        kms.import_key_material(KeyId=other["KeyId"], ImportToken=params["ImportToken"],
                                EncryptedKeyMaterial=wrap_for_import(params["PublicKey"], "RSAES_OAEP_SHA_1",
                                                                     os.urandom(32)),
                                ExpirationModel="KEY_MATERIAL_DOES_NOT_EXPIRE")
        kms.delete_imported_key_material(KeyId=md["KeyId"])
        srv.restart()
        kms = srv.client()
        self.assertEqual(kms.describe_key(KeyId=md["KeyId"])["KeyMetadata"]["KeyState"], "PendingImport")
        import_material(kms, md["KeyId"], material)
        self.assertEqual(kms.decrypt(CiphertextBlob=ct)["Plaintext"], b"durable")

    def test_on_demand_rotation_checks_the_key_state_first(self):
        # AWS's recorded answers: an EXTERNAL key still waiting for its first material is
        # "<arn> is pending import.", a disabled asymmetric key is DisabledException.
        md = self.external_key()
        self.assert_client_error(self.kms.rotate_key_on_demand, "KMSInvalidStateException",
                                 f"{md['Arn']} is pending import.", KeyId=md["KeyId"])
        rsa = self.kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        self.assert_client_error(self.kms.rotate_key_on_demand, "UnsupportedOperationException", "",
                                 KeyId=rsa["KeyId"])
        self.kms.disable_key(KeyId=rsa["KeyId"])
        self.assert_client_error(self.kms.rotate_key_on_demand, "DisabledException",
                                 f"{rsa['Arn']} is disabled.", KeyId=rsa["KeyId"])

    def test_on_demand_rotation_of_imported_material(self):
        md = self.external_key()
        kid, arn = md["KeyId"], md["Arn"]
        first_id = import_material(self.kms, kid, os.urandom(32), KeyMaterialDescription="first")["KeyMaterialId"]
        old_ct = self.kms.encrypt(KeyId=kid, Plaintext=b"old")["CiphertextBlob"]
        self.assert_client_error(self.kms.rotate_key_on_demand, "KMSInvalidStateException",
                                 f"No available key material pending rotation for the key: {arn}.", KeyId=kid)
        second_id = import_material(self.kms, kid, os.urandom(32), ImportType="NEW_KEY_MATERIAL",
                                    KeyMaterialDescription="second")["KeyMaterialId"]
        rotations = self.kms.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]
        self.assertEqual([(r["KeyMaterialId"], r["KeyMaterialState"], r["ImportState"], r["KeyMaterialDescription"])
                          for r in rotations],
                         [(first_id, "CURRENT", "IMPORTED", "first"), (second_id, "PENDING_ROTATION", "IMPORTED", "second")])
        self.assertNotIn("RotationDate", rotations[1])
        third = os.urandom(32)
        e = self.assert_client_error(import_material, "KMSInvalidStateException", ANY, None, self.kms, kid, third,
                                     ImportType="NEW_KEY_MATERIAL")
        msg = e.response["Error"]["Message"]
        self.assertTrue(msg.startswith("New key material (id: ") and msg.endswith(
            f") cannot be imported into KMS key {arn}, because another key material (id: {second_id}) is pending "
            f"rotation."), msg)
        self.kms.rotate_key_on_demand(KeyId=kid)
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["CurrentKeyMaterialId"], second_id)
        rotations = self.kms.list_key_rotations(KeyId=kid)["Rotations"]
        self.assertEqual([(r["KeyMaterialId"], r["KeyMaterialState"], r["RotationType"]) for r in rotations],
                         [(second_id, "CURRENT", "ON_DEMAND")])
        self.assertEqual(self.kms.decrypt(CiphertextBlob=old_ct)["Plaintext"], b"old")
        new_ct = self.kms.encrypt(KeyId=kid, Plaintext=b"new")
        self.assertEqual(self.kms.decrypt(CiphertextBlob=new_ct["CiphertextBlob"])["KeyMaterialId"], second_id)
        # Deleting the old material: listed PENDING_IMPORT without an expiration, as in AWS's example,
        # and the key waits for it (DeleteImportedKeyMaterial: the key becomes PendingImport).
        self.kms.delete_imported_key_material(KeyId=kid, KeyMaterialId=first_id)
        listed = {r["KeyMaterialId"]: r for r in
                  self.kms.list_key_rotations(KeyId=kid, IncludeKeyMaterial="ALL_KEY_MATERIAL")["Rotations"]}
        self.assertEqual(listed[first_id]["ImportState"], "PENDING_IMPORT")
        self.assertEqual(listed[first_id]["KeyMaterialState"], "NON_CURRENT")
        self.assertNotIn("ExpirationModel", listed[first_id])
        self.assertEqual(listed[second_id]["ExpirationModel"], "KEY_MATERIAL_DOES_NOT_EXPIRE")
        self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "PendingImport")


class SignerAliasLabTest(ServerTestCase):
    """The manual-rotation lab for asymmetric signing keys (AWS rotates none of them)."""

    in_memory = True

    def test_manual_rotation_behind_alias_signer(self):
        kms = self.kms
        alias = f"alias/signer-{uuid.uuid4().hex[:8]}"
        key1 = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="signer v1")["KeyMetadata"]
        kms.create_alias(AliasName=alias, TargetKeyId=key1["KeyId"])
        self.assert_client_error(kms.enable_key_rotation, "UnsupportedOperationException", "", KeyId=key1["KeyId"])
        old = kms.sign(KeyId=alias, Message=b"release 1.0", SigningAlgorithm="ECDSA_SHA_256")
        self.assertEqual(old["KeyId"], key1["Arn"])
        key1_pub = kms.get_public_key(KeyId=alias)["PublicKey"]

        key2 = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="signer v2")["KeyMetadata"]
        # An alias moves only between keys of the same type and usage.
        symmetric = kms.create_key()["KeyMetadata"]
        self.assert_client_error(kms.update_alias, "ValidationException", ANY, AliasName=alias,
                                 TargetKeyId=symmetric["KeyId"])
        # The alias swap through the CLI v2, as the lab shows it.
        self.assert_cli_ok(self.server.cli_v2(["kms", "update-alias", "--alias-name", alias,
                                               "--target-key-id", key2["KeyId"]]))
        new = kms.sign(KeyId=alias, Message=b"release 2.0", SigningAlgorithm="ECDSA_SHA_256")
        self.assertEqual(new["KeyId"], key2["Arn"])
        key2_pub = kms.get_public_key(KeyId=alias)["PublicKey"]
        self.assertNotEqual(key1_pub, key2_pub)
        # Old signatures still verify with key 1, offline and in Rotor...
        verify_with_cryptography(key1_pub, "ECDSA_SHA_256", b"release 1.0", old["Signature"])
        self.assertTrue(kms.verify(KeyId=key1["KeyId"], Message=b"release 1.0", Signature=old["Signature"],
                                   SigningAlgorithm="ECDSA_SHA_256")["SignatureValid"])
        # ...but not with the key the alias names now; new ones come from key 2.
        self.assert_client_error(kms.verify, "KMSInvalidSignatureException", "", KeyId=alias,
                                 Message=b"release 1.0", Signature=old["Signature"], SigningAlgorithm="ECDSA_SHA_256")
        verify_with_cryptography(key2_pub, "ECDSA_SHA_256", b"release 2.0", new["Signature"])
        with self.assertRaises(InvalidSignature):
            verify_with_cryptography(key1_pub, "ECDSA_SHA_256", b"release 2.0", new["Signature"])


ANY = lambda _msg: True  # noqa: E731  (any message; the error code is what is checked)


def utc_of(t):
    return t.astimezone(dt.timezone.utc)


if __name__ == "__main__":
    unittest.main()
