"""Issue 13 section 4: AWS's exact shapes, found by comparing Rotor with answers
recorded from AWS (/work/shared/AWS-ERRORS.md), with boto3 and the aws CLI.

- a status read is not a gate (GetKeyRotationStatus and the other reads on
  every key kind and state);
- which form of KeyId each response carries (server/wire/response_key_id.h);
- members AWS omits (ExpirationModel while a key has no key material);
- the one order of checks (core/key_state_rules.h): key, state, spec/usage,
  the request's own values, DryRun;
- the messages AWS sends, and DryRunOperationException with HTTP 400.
"""
import os
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from rotor_harness import ServerTestCase
from test_asymmetric_import import import_material

DRY_RUN_MSG = "The request would have succeeded, but the DryRun option is set."

# Every key kind that cannot rotate (AWS: GetKeyRotationStatus "always false").
NON_ROTATING = [("RSA_2048", "ENCRYPT_DECRYPT"), ("RSA_4096", "SIGN_VERIFY"), ("ECC_NIST_P256", "SIGN_VERIFY"),
                ("ECC_NIST_P384", "KEY_AGREEMENT"), ("ECC_SECG_P256K1", "SIGN_VERIFY"), ("SM2", "SIGN_VERIFY"),
                ("HMAC_256", "GENERATE_VERIFY_MAC"), ("HMAC_512", "GENERATE_VERIFY_MAC")]


def strip_meta(response):
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def pkcs8(private):
    return private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())


def peer_public_der():
    return ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


class ShapesTest(ServerTestCase):
    in_memory = True

    def key(self, spec="SYMMETRIC_DEFAULT", usage="ENCRYPT_DECRYPT", **kw):
        return self.kms.create_key(KeySpec=spec, KeyUsage=usage, **kw)["KeyMetadata"]

    # ---- A status read is not a gate
    def test_get_key_rotation_status_of_keys_that_cannot_rotate_is_false(self):
        for spec, usage in NON_ROTATING:
            with self.subTest(spec=spec, usage=usage):
                md = self.key(spec, usage)
                self.assertEqual(strip_meta(self.kms.get_key_rotation_status(KeyId=md["KeyId"])),
                                 {"KeyRotationEnabled": False, "KeyId": md["Arn"]})
                self.assertEqual(strip_meta(self.kms.get_key_rotation_status(KeyId=md["Arn"])),
                                 {"KeyRotationEnabled": False, "KeyId": md["Arn"]})
                # The operations that change rotation keep refusing, with AWS's empty message.
                for fn in (self.kms.enable_key_rotation, self.kms.disable_key_rotation,
                           self.kms.rotate_key_on_demand):
                    self.assert_client_error(fn, "UnsupportedOperationException", "", KeyId=md["KeyId"])

    def test_cli_get_key_rotation_status_of_an_rsa_key(self):
        md = self.key("RSA_2048", "SIGN_VERIFY")
        out = self.assert_cli_ok(self.server.cli_v1(["kms", "get-key-rotation-status", "--key-id", md["KeyId"]]))
        self.assertEqual(out, {"KeyRotationEnabled": False, "KeyId": md["Arn"]})
        self.assert_cli_error(self.server.cli_v1(["kms", "enable-key-rotation", "--key-id", md["KeyId"]]),
                              "UnsupportedOperationException", "", "EnableKeyRotation")

    def test_every_read_answers_on_every_key_kind_and_state(self):
        kinds = [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")] + NON_ROTATING
        for spec, usage in kinds:
            for state in ("Enabled", "Disabled", "PendingDeletion"):
                with self.subTest(spec=spec, state=state):
                    md = self.key(spec, usage)
                    kid, arn = md["KeyId"], md["Arn"]
                    alias = f"alias/shapes-{uuid.uuid4().hex[:12]}"
                    self.kms.create_alias(AliasName=alias, TargetKeyId=kid)
                    if state == "Disabled":
                        self.kms.disable_key(KeyId=kid)
                    elif state == "PendingDeletion":
                        self.kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
                    self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], state)
                    self.assertEqual(self.kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"], kid)
                    self.assertIn('"Statement"', self.kms.get_key_policy(KeyId=kid)["Policy"])
                    self.assertEqual(self.kms.list_key_policies(KeyId=kid)["PolicyNames"], ["default"])
                    self.assertEqual(self.kms.list_resource_tags(KeyId=kid)["Tags"], [])
                    self.assertIs(self.kms.get_key_rotation_status(KeyId=kid)["KeyRotationEnabled"], False)
                    self.assertEqual(self.kms.get_key_last_usage(KeyId=kid)["KeyId"], kid)
                    aliases = self.kms.list_aliases(KeyId=kid)["Aliases"]
                    self.assertEqual([(a["AliasName"], a["TargetKeyId"]) for a in aliases], [(alias, kid)])
                    if spec == "SYMMETRIC_DEFAULT":
                        self.assertEqual(self.kms.list_key_rotations(KeyId=kid)["Rotations"], [])
                    else:
                        # Rotor's reading of the model's errors: no rotations to list for a key
                        # that cannot rotate (docs/aws-kms-behaviour.md section 8).
                        self.assert_client_error(self.kms.list_key_rotations, "UnsupportedOperationException",
                                                 "", KeyId=kid)
                    if spec.startswith(("RSA", "ECC", "SM2")):
                        # GetPublicKey uses the key: the key-state table's answers.
                        if state == "Enabled":
                            self.assertEqual(self.kms.get_public_key(KeyId=kid)["KeyId"], arn)
                        elif state == "Disabled":
                            self.assert_client_error(self.kms.get_public_key, "DisabledException",
                                                     f"{arn} is disabled.", KeyId=kid)
                        else:
                            self.assert_client_error(self.kms.get_public_key, "KMSInvalidStateException",
                                                     f"{arn} is pending deletion.", KeyId=kid)

    def test_reads_of_keys_pending_import(self):
        for spec, usage in [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("RSA_2048", "SIGN_VERIFY"),
                            ("ECC_NIST_P256", "SIGN_VERIFY"), ("HMAC_256", "GENERATE_VERIFY_MAC")]:
            with self.subTest(spec=spec):
                md = self.key(spec, usage, Origin="EXTERNAL")
                kid, arn = md["KeyId"], md["Arn"]
                self.assertEqual(self.kms.describe_key(KeyId=kid)["KeyMetadata"]["KeyState"], "PendingImport")
                self.assertIn('"Statement"', self.kms.get_key_policy(KeyId=kid)["Policy"])
                self.assertEqual(self.kms.list_resource_tags(KeyId=kid)["Tags"], [])
                self.assertEqual(self.kms.get_key_last_usage(KeyId=kid)["KeyId"], kid)
                # The key-state table's [6] for GetKeyRotationStatus on a key pending import.
                self.assert_client_error(self.kms.get_key_rotation_status, "UnsupportedOperationException",
                                         f"{arn} origin is EXTERNAL which is not valid for this operation.",
                                         KeyId=kid)
                if spec != "SYMMETRIC_DEFAULT" and not spec.startswith("HMAC"):
                    self.assert_client_error(self.kms.get_public_key, "KMSInvalidStateException",
                                             f"{arn} is pending import.", KeyId=kid)

    # ---- Which form of KeyId each response carries
    def test_key_id_form_of_every_response(self):
        kms = self.kms
        created = kms.create_key(Description="forms")["KeyMetadata"]
        kid, arn = created["KeyId"], created["Arn"]
        self.assertEqual(created["KeyId"], arn.rsplit("/", 1)[1])  # KeyMetadata.KeyId: the bare id
        self.assertEqual(kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyId"], kid)
        alias = f"alias/forms-{uuid.uuid4().hex[:12]}"
        kms.create_alias(AliasName=alias, TargetKeyId=arn)
        self.assertEqual([a["TargetKeyId"] for a in kms.list_aliases(KeyId=kid)["Aliases"]], [kid])
        listed = {k["KeyId"]: k["KeyArn"] for k in kms.list_keys(Limit=1000)["Keys"]}
        self.assertEqual(listed[kid], arn)

        enc = kms.encrypt(KeyId=alias, Plaintext=b"forms")
        self.assertEqual(enc["KeyId"], arn)
        self.assertEqual(kms.decrypt(CiphertextBlob=enc["CiphertextBlob"])["KeyId"], arn)
        re = kms.re_encrypt(CiphertextBlob=enc["CiphertextBlob"], DestinationKeyId=kid)
        self.assertEqual((re["KeyId"], re["SourceKeyId"]), (arn, arn))
        self.assertEqual(kms.generate_data_key(KeyId=kid, KeySpec="AES_256")["KeyId"], arn)
        self.assertEqual(kms.generate_data_key_without_plaintext(KeyId=kid, NumberOfBytes=16)["KeyId"], arn)
        self.assertEqual(kms.generate_data_key_pair(KeyId=kid, KeyPairSpec="ECC_NIST_P256")["KeyId"], arn)
        self.assertEqual(kms.generate_data_key_pair_without_plaintext(
            KeyId=kid, KeyPairSpec="ECC_NIST_P256")["KeyId"], arn)
        self.assertEqual(kms.get_key_rotation_status(KeyId=kid)["KeyId"], arn)
        self.assertEqual(kms.rotate_key_on_demand(KeyId=kid)["KeyId"], arn)
        rotations = kms.list_key_rotations(KeyId=kid)["Rotations"]
        self.assertEqual([r["KeyId"] for r in rotations], [kid])
        self.assertEqual(kms.get_key_last_usage(KeyId=arn)["KeyId"], kid)
        self.assertEqual(kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)["KeyId"], arn)
        self.assertEqual(kms.cancel_key_deletion(KeyId=kid)["KeyId"], arn)

        signer = self.key("RSA_2048", "SIGN_VERIFY")
        sig = kms.sign(KeyId=signer["KeyId"], Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")
        self.assertEqual(sig["KeyId"], signer["Arn"])
        self.assertEqual(kms.verify(KeyId=signer["KeyId"], Message=b"m", Signature=sig["Signature"],
                                    SigningAlgorithm="RSASSA_PSS_SHA_256")["KeyId"], signer["Arn"])
        self.assertEqual(kms.get_public_key(KeyId=signer["KeyId"])["KeyId"], signer["Arn"])
        mac_key = self.key("HMAC_256", "GENERATE_VERIFY_MAC")
        mac = kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")
        self.assertEqual(mac["KeyId"], mac_key["Arn"])
        self.assertEqual(kms.verify_mac(KeyId=mac_key["KeyId"], Message=b"m", Mac=mac["Mac"],
                                        MacAlgorithm="HMAC_SHA_256")["KeyId"], mac_key["Arn"])
        agree = self.key("ECC_NIST_P256", "KEY_AGREEMENT")
        self.assertEqual(kms.derive_shared_secret(KeyId=agree["KeyId"], KeyAgreementAlgorithm="ECDH",
                                                  PublicKey=peer_public_der())["KeyId"], agree["Arn"])
        ext = kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
        params = kms.get_parameters_for_import(KeyId=ext["KeyId"], WrappingAlgorithm="RSAES_OAEP_SHA_256",
                                               WrappingKeySpec="RSA_2048")
        self.assertEqual(params["KeyId"], ext["Arn"])
        self.assertEqual(import_material(kms, ext["KeyId"], os.urandom(32))["KeyId"], ext["Arn"])
        self.assertEqual(kms.delete_imported_key_material(KeyId=ext["KeyId"])["KeyId"], ext["Arn"])

    def test_cli_rotate_key_on_demand_answers_the_key_arn(self):
        md = self.key()
        out = self.assert_cli_ok(self.server.cli_v1(["kms", "rotate-key-on-demand", "--key-id", md["KeyId"]]))
        self.assertEqual(out, {"KeyId": md["Arn"]})

    # ---- Members AWS omits
    def test_expiration_model_is_absent_while_a_key_has_no_key_material(self):
        cases = [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", os.urandom(32)),
                 ("RSA_2048", "SIGN_VERIFY", pkcs8(rsa.generate_private_key(public_exponent=65537, key_size=2048))),
                 ("ECC_NIST_P256", "SIGN_VERIFY", pkcs8(ec.generate_private_key(ec.SECP256R1()))),
                 ("HMAC_256", "GENERATE_VERIFY_MAC", os.urandom(32))]
        for spec, usage, material in cases:
            with self.subTest(spec=spec):
                created = self.key(spec, usage, Origin="EXTERNAL")
                kid = created["KeyId"]
                for md in (created, self.kms.describe_key(KeyId=kid)["KeyMetadata"]):
                    self.assertEqual((md["Origin"], md["KeyState"]), ("EXTERNAL", "PendingImport"))
                    self.assertNotIn("ExpirationModel", md)
                    self.assertNotIn("ValidTo", md)
                import_material(self.kms, kid, material, "RSA_AES_KEY_WRAP_SHA_256", "RSA_4096")
                md = self.kms.describe_key(KeyId=kid)["KeyMetadata"]
                self.assertEqual((md["KeyState"], md["ExpirationModel"]), ("Enabled", "KEY_MATERIAL_DOES_NOT_EXPIRE"))
                self.kms.delete_imported_key_material(KeyId=kid)
                md = self.kms.describe_key(KeyId=kid)["KeyMetadata"]
                self.assertEqual(md["KeyState"], "PendingImport")
                self.assertNotIn("ExpirationModel", md)
                self.assertNotIn("ValidTo", md)
                # A key pending import scheduled for deletion still has no key material.
                never = self.key(spec, usage, Origin="EXTERNAL")
                self.kms.schedule_key_deletion(KeyId=never["KeyId"], PendingWindowInDays=7)
                md = self.kms.describe_key(KeyId=never["KeyId"])["KeyMetadata"]
                self.assertEqual(md["KeyState"], "PendingDeletion")
                self.assertNotIn("ExpirationModel", md)

    def test_key_metadata_members_of_an_aws_kms_key(self):
        for spec, usage in [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT")] + NON_ROTATING:
            with self.subTest(spec=spec):
                md = self.key(spec, usage)
                self.assertNotIn("ExpirationModel", md)
                self.assertNotIn("ValidTo", md)
                self.assertNotIn("DeletionDate", md)
                if spec == "SYMMETRIC_DEFAULT":
                    self.assertRegex(md["CurrentKeyMaterialId"], r"^[0-9a-f]{64}$")
                else:
                    self.assertNotIn("CurrentKeyMaterialId", md)

    # ---- The order of checks: key, state, spec/usage, the request's values, DryRun
    def test_order_of_checks_state_before_spec_and_usage(self):
        kms = self.kms
        rsa4096 = self.key("RSA_4096", "SIGN_VERIFY")
        hmac_key = self.key("HMAC_256", "GENERATE_VERIFY_MAC")
        agree = self.key("ECC_NIST_P256", "KEY_AGREEMENT")
        sym = self.key()
        kms.disable_key(KeyId=rsa4096["KeyId"])
        kms.disable_key(KeyId=sym["KeyId"])
        kms.schedule_key_deletion(KeyId=hmac_key["KeyId"], PendingWindowInDays=7)
        kms.schedule_key_deletion(KeyId=agree["KeyId"], PendingWindowInDays=7)
        disabled = f"{rsa4096['Arn']} is disabled."
        # The recorded answer: RotateKeyOnDemand on a disabled RSA_4096 key.
        self.assert_client_error(kms.rotate_key_on_demand, "DisabledException", disabled, KeyId=rsa4096["KeyId"])
        # Every family, on keys of the wrong spec or usage for it.
        families = [
            (kms.enable_key_rotation, {}), (kms.disable_key_rotation, {}),
            (kms.encrypt, {"Plaintext": b"x"}), (kms.generate_data_key, {"KeySpec": "AES_256"}),
            (kms.generate_data_key_pair, {"KeyPairSpec": "RSA_2048"}),
            (kms.generate_mac, {"Message": b"m", "MacAlgorithm": "HMAC_SHA_512"}),
            (kms.verify_mac, {"Message": b"m", "Mac": b"0" * 32, "MacAlgorithm": "HMAC_SHA_256"}),
            (kms.derive_shared_secret, {"KeyAgreementAlgorithm": "ECDH", "PublicKey": b"not a key"}),
        ]
        for fn, kw in families:
            with self.subTest(op=fn.__name__, key="disabled RSA_4096"):
                self.assert_client_error(fn, "DisabledException", disabled, KeyId=rsa4096["KeyId"], **kw)
        for fn, kw in families + [(kms.sign, {"Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}),
                                  (kms.rotate_key_on_demand, {})]:
            with self.subTest(op=fn.__name__, key="HMAC pending deletion"):
                self.assert_client_error(fn, "KMSInvalidStateException", f"{hmac_key['Arn']} is pending deletion.",
                                         KeyId=hmac_key["KeyId"], **kw)
        # A disabled symmetric key: the state, not "not valid for Sign/GetPublicKey".
        for fn, kw in [(kms.sign, {"Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}),
                       (kms.get_public_key, {}),
                       (kms.derive_shared_secret, {"KeyAgreementAlgorithm": "ECDH", "PublicKey": b"x"})]:
            with self.subTest(op=fn.__name__, key="disabled symmetric"):
                self.assert_client_error(fn, "DisabledException", f"{sym['Arn']} is disabled.",
                                         KeyId=sym["KeyId"], **kw)
        # Keys pending import: the state first, whatever the spec.
        for spec, usage in [("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT"), ("RSA_2048", "SIGN_VERIFY"),
                            ("HMAC_256", "GENERATE_VERIFY_MAC")]:
            ext = self.key(spec, usage, Origin="EXTERNAL")
            pending = f"{ext['Arn']} is pending import."
            with self.subTest(spec=spec, key="pending import"):
                self.assert_client_error(kms.rotate_key_on_demand, "KMSInvalidStateException", pending,
                                         KeyId=ext["KeyId"])
                self.assert_client_error(kms.encrypt, "KMSInvalidStateException", pending, KeyId=ext["KeyId"],
                                         Plaintext=b"x")
                self.assert_client_error(kms.generate_mac, "KMSInvalidStateException", pending, KeyId=ext["KeyId"],
                                         Message=b"m", MacAlgorithm="HMAC_SHA_256")
                self.assert_client_error(kms.enable_key_rotation, "UnsupportedOperationException",
                                         f"{ext['Arn']} origin is EXTERNAL which is not valid for this operation.",
                                         KeyId=ext["KeyId"])
        # Import operations: the state, then the origin, then the request's own values.
        self.assert_client_error(kms.get_parameters_for_import, "KMSInvalidStateException",
                                 f"{hmac_key['Arn']} is pending deletion.", KeyId=hmac_key["KeyId"],
                                 WrappingAlgorithm="RSAES_OAEP_SHA_256", WrappingKeySpec="RSA_2048")
        live = self.key()
        self.assert_client_error(kms.import_key_material, "UnsupportedOperationException",
                                 f"{live['Arn']} origin is AWS_KMS which is not valid for this operation.",
                                 KeyId=live["KeyId"], ImportToken=b"t", EncryptedKeyMaterial=b"m")

    # ---- Messages recorded from AWS
    def test_recorded_messages(self):
        ext = self.kms.create_key(Origin="EXTERNAL")["KeyMetadata"]
        self.assert_client_error(self.kms.rotate_key_on_demand, "KMSInvalidStateException",
                                 f"{ext['Arn']} is pending import.", KeyId=ext["KeyId"])
        agree = self.key("ECC_NIST_P256", "KEY_AGREEMENT")
        for public_key in (b"not a key", b"\x30\x03\x02\x01\x01", os.urandom(91)):
            self.assert_client_error(self.kms.derive_shared_secret, "ValidationException", "",
                                     KeyId=agree["KeyId"], KeyAgreementAlgorithm="ECDH", PublicKey=public_key)
        res = self.server.cli_v1(["kms", "derive-shared-secret", "--key-id", agree["KeyId"],
                                  "--key-agreement-algorithm", "ECDH", "--public-key", "bm90IGEga2V5"])
        self.assert_cli_error(res, "ValidationException", "", "DeriveSharedSecret")

    # ---- DryRun: HTTP 400 for every operation with DryRun
    def test_dry_run_is_http_400_for_every_operation_with_dry_run(self):
        kms = self.kms
        sym = self.key()
        signer = self.key("ECC_NIST_P256", "SIGN_VERIFY")
        mac_key = self.key("HMAC_256", "GENERATE_VERIFY_MAC")
        agree = self.key("ECC_NIST_P256", "KEY_AGREEMENT")
        ct = kms.encrypt(KeyId=sym["KeyId"], Plaintext=b"dry")["CiphertextBlob"]
        sig = kms.sign(KeyId=signer["KeyId"], Message=b"m", SigningAlgorithm="ECDSA_SHA_256")["Signature"]
        mac = kms.generate_mac(KeyId=mac_key["KeyId"], Message=b"m", MacAlgorithm="HMAC_SHA_256")["Mac"]
        calls = [
            (kms.encrypt, {"KeyId": sym["KeyId"], "Plaintext": b"x"}),
            (kms.decrypt, {"CiphertextBlob": ct}),
            (kms.re_encrypt, {"CiphertextBlob": ct, "DestinationKeyId": sym["KeyId"]}),
            (kms.generate_data_key, {"KeyId": sym["KeyId"], "KeySpec": "AES_256"}),
            (kms.generate_data_key_without_plaintext, {"KeyId": sym["KeyId"], "NumberOfBytes": 16}),
            (kms.generate_data_key_pair, {"KeyId": sym["KeyId"], "KeyPairSpec": "ECC_NIST_P256"}),
            (kms.generate_data_key_pair_without_plaintext, {"KeyId": sym["KeyId"], "KeyPairSpec": "ECC_NIST_P256"}),
            (kms.sign, {"KeyId": signer["KeyId"], "Message": b"m", "SigningAlgorithm": "ECDSA_SHA_256"}),
            (kms.verify, {"KeyId": signer["KeyId"], "Message": b"m", "Signature": sig,
                          "SigningAlgorithm": "ECDSA_SHA_256"}),
            (kms.generate_mac, {"KeyId": mac_key["KeyId"], "Message": b"m", "MacAlgorithm": "HMAC_SHA_256"}),
            (kms.verify_mac, {"KeyId": mac_key["KeyId"], "Message": b"m", "Mac": mac, "MacAlgorithm": "HMAC_SHA_256"}),
            (kms.derive_shared_secret, {"KeyId": agree["KeyId"], "KeyAgreementAlgorithm": "ECDH",
                                        "PublicKey": peer_public_der()}),
        ]
        for fn, kw in calls:
            with self.subTest(op=fn.__name__):
                self.assert_client_error(fn, "DryRunOperationException", DRY_RUN_MSG, 400, DryRun=True, **kw)
        res = self.server.cli_v1(["kms", "generate-data-key-pair", "--key-id", sym["KeyId"],
                                  "--key-pair-spec", "RSA_2048", "--dry-run"])
        self.assert_cli_error(res, "DryRunOperationException", DRY_RUN_MSG, "GenerateDataKeyPair")
