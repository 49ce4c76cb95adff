"""Issue 14, phase B: strict mode enforces key policies, identity policies and grants.

Rotor started with --auth strict and a credentials file of three principals:
  app    an assumed-role session of role app (account 111122223333) whose identity
         policy allows only kms:Encrypt, kms:GenerateDataKey, kms:DescribeKey,
         kms:CreateKey and kms:ListKeys, and explicitly denies kms:ScheduleKeyDeletion;
  batch  an assumed-role session of role batch in another account (444455556666),
         no identity policy;
  admin  an IAM user of 111122223333, no identity policy (full IAM permissions).
Signed by boto3 and the aws CLI. Each denial is AccessDeniedException with AWS's
wording (IAM User Guide, "Access denied error messages"; docs/access-control.md,
"How a decision is made"), and the audit trail records it (errorCode AccessDenied,
the verified userIdentity).
"""
import base64
import json
import os
import tempfile

from rotor_harness import RotorServer, RotorTestCase, require_binary

ACCOUNT = "111122223333"
OTHER = "444455556666"
APP = ("ASIAAPPEXAMPLE000001", "app-secret-0001", "app-session-token-0001")
BATCH = ("ASIABATCHEXAMPLE0002", "batch-secret-0002", "batch-session-token-0002")
ADMIN = ("AKIAADMINEXAMPLE0003", "admin-secret-0003")
APP_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/web"
APP_ROLE = f"arn:aws:iam::{ACCOUNT}:role/app"
BATCH_ARN = f"arn:aws:sts::{OTHER}:assumed-role/batch/nightly"
BATCH_ROLE = f"arn:aws:iam::{OTHER}:role/batch"
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:user/admin"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"

CREDENTIALS = {
    "credentials": [
        {"access_key_id": APP[0], "secret_access_key": APP[1], "session_token": APP[2],
         "principal": APP_ARN,
         "identity_policy": {
             "Version": "2012-10-17",
             "Statement": [
                 {"Effect": "Allow",
                  "Action": ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey",
                             "kms:CreateKey", "kms:ListKeys"],
                  "Resource": "*"},
                 {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "*"},
             ]}},
        {"access_key_id": BATCH[0], "secret_access_key": BATCH[1], "session_token": BATCH[2],
         "principal": BATCH_ARN},
        {"access_key_id": ADMIN[0], "secret_access_key": ADMIN[1], "principal": ADMIN_ARN},
    ]
}


def denied(caller, action, resource, why):
    reasons = {
        "resource": f" because no resource-based policy allows the {action} action",
        "identity": f" because no identity-based policy allows the {action} action",
        "deny-resource": " with an explicit deny in a resource-based policy",
        "deny-identity": " with an explicit deny in an identity-based policy",
    }
    return (f"User: {caller} is not authorized to perform: {action} on resource: {resource}"
            + reasons[why])


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def statement(effect, principal, actions, **extra):
    return dict({"Effect": effect, "Principal": {"AWS": principal}, "Action": actions,
                 "Resource": "*"}, **extra)


ADMIN_ALL = statement("Allow", ADMIN_ARN, "kms:*")


@require_binary
class AccessControlTest(RotorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rotor-access-")
        cls.creds_path = os.path.join(cls.tmp, "credentials.json")
        with open(cls.creds_path, "w") as f:
            json.dump(CREDENTIALS, f)
        cls.srv = RotorServer(["--auth", "strict", "--credentials-file", cls.creds_path],
                              in_memory=True)
        cls.srv.start()
        cls.admin = cls.srv.client(access_key=ADMIN[0], secret=ADMIN[1])
        cls.app = cls.srv.client(access_key=APP[0], secret=APP[1], session_token=APP[2])
        cls.batch = cls.srv.client(access_key=BATCH[0], secret=BATCH[1], session_token=BATCH[2])

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def app_cli(self, args):
        return self.srv.cli_v2(args, access_key=APP[0], secret=APP[1], session_token=APP[2])

    def admin_cli(self, args):
        return self.srv.cli_v2(args, access_key=ADMIN[0], secret=ADMIN[1])

    def new_key(self, doc=None):
        kw = {"Policy": doc} if doc else {}
        return self.admin.create_key(**kw)["KeyMetadata"]

    def test_default_policy_and_no_identity_policy_allow_everything_in_the_account(self):
        key = self.new_key()
        kid, arn = key["KeyId"], key["Arn"]
        blob = self.admin.encrypt(KeyId=kid, Plaintext=b"x", EncryptionContext={"a": "b"})
        self.assertEqual(self.admin.decrypt(CiphertextBlob=blob["CiphertextBlob"],
                                            EncryptionContext={"a": "b"})["Plaintext"], b"x")
        self.admin.describe_key(KeyId=arn)
        self.admin.tag_resource(KeyId=kid, Tags=[{"TagKey": "team", "TagValue": "a"}])
        self.admin.disable_key(KeyId=kid)
        self.admin.enable_key(KeyId=kid)
        self.admin.enable_key_rotation(KeyId=kid)
        self.admin.create_alias(AliasName="alias/admin-everything", TargetKeyId=kid)
        self.admin.generate_data_key(KeyId="alias/admin-everything", KeySpec="AES_256")
        self.admin.get_key_policy(KeyId=kid, PolicyName="default")
        self.admin.put_key_policy(KeyId=kid, PolicyName="default",
                                  Policy=self.admin.get_key_policy(KeyId=kid)["Policy"])
        self.assertIn(kid, [k["KeyId"] for k in self.admin.list_keys()["Keys"]])
        self.admin.generate_random(NumberOfBytes=16)
        self.admin.schedule_key_deletion(KeyId=kid, PendingWindowInDays=7)
        # The aws CLI signs as admin too.
        out = self.assert_cli_ok(self.admin_cli(["kms", "describe-key", "--key-id", kid]))
        self.assertEqual(out["KeyMetadata"]["KeyState"], "PendingDeletion")

    def test_identity_policy_without_decrypt_denies_with_the_identity_form(self):
        key = self.new_key()  # the default key policy: the account's IAM policies decide
        kid, arn = key["KeyId"], key["Arn"]
        blob = self.app.encrypt(KeyId=kid, Plaintext=b"secret")["CiphertextBlob"]
        self.app.describe_key(KeyId=kid)
        self.app.generate_data_key(KeyId=kid, NumberOfBytes=32)
        msg = denied(APP_ARN, "kms:Decrypt", arn, "identity")
        self.assert_client_error(self.app.decrypt, "AccessDeniedException", msg,
                                 CiphertextBlob=blob)
        self.assert_client_error(self.app.decrypt, "AccessDeniedException", msg,
                                 CiphertextBlob=blob, KeyId=arn)
        self.assert_client_error(self.app.disable_key, "AccessDeniedException",
                                 denied(APP_ARN, "kms:DisableKey", arn, "identity"), KeyId=kid)
        # DeleteAlias is authorised on the alias (identity policy), then on the
        # key the alias names: the alias is the resource the denial names.
        self.admin.create_alias(AliasName="alias/app-cannot-delete", TargetKeyId=kid)
        self.assert_client_error(self.app.delete_alias, "AccessDeniedException",
                                 denied(APP_ARN, "kms:DeleteAlias",
                                        f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app-cannot-delete",
                                        "identity"),
                                 AliasName="alias/app-cannot-delete")
        self.admin.delete_alias(AliasName="alias/app-cannot-delete")
        # An operation without a key: the identity policy alone, on resource "*".
        self.assert_client_error(self.app.list_aliases, "AccessDeniedException",
                                 denied(APP_ARN, "kms:ListAliases", "*", "identity"))
        self.app.list_keys()
        # The explicit Deny of the identity policy wins over the key policy's Allow.
        self.assert_client_error(self.app.schedule_key_deletion, "AccessDeniedException",
                                 denied(APP_ARN, "kms:ScheduleKeyDeletion", arn, "deny-identity"),
                                 KeyId=kid, PendingWindowInDays=7)
        # The aws CLI: encrypt allowed, decrypt denied with the same text.
        out = self.assert_cli_ok(self.app_cli(["kms", "encrypt", "--key-id", kid,
                                               "--plaintext", "aGVsbG8=", "--query",
                                               "CiphertextBlob"]))
        blob_file = os.path.join(self.tmp, "blob.bin")
        with open(blob_file, "wb") as f:
            f.write(base64.b64decode(out))
        self.assert_cli_error(self.app_cli(["kms", "decrypt", "--ciphertext-blob",
                                            f"fileb://{blob_file}"]),
                              "AccessDeniedException", msg, "Decrypt")
        # The admin (no identity policy) decrypts what app encrypted.
        self.assertEqual(self.admin.decrypt(CiphertextBlob=blob)["Plaintext"], b"secret")

    def test_key_policy_naming_app_for_encrypt_only_denies_decrypt_with_the_resource_form(self):
        key = self.new_key(policy(ADMIN_ALL, statement("Allow", APP_ROLE, "kms:Encrypt")))
        kid, arn = key["KeyId"], key["Arn"]
        blob = self.app.encrypt(KeyId=kid, Plaintext=b"p")["CiphertextBlob"]
        msg = denied(APP_ARN, "kms:Decrypt", arn, "resource")
        self.assert_client_error(self.app.decrypt, "AccessDeniedException", msg, CiphertextBlob=blob)
        self.assert_cli_error(self.app_cli(["kms", "describe-key", "--key-id", kid]),
                              "AccessDeniedException",
                              denied(APP_ARN, "kms:DescribeKey", arn, "resource"), "DescribeKey")
        # The admin, named by the key policy, may; the account root is not named.
        self.assertEqual(self.admin.decrypt(CiphertextBlob=blob)["Plaintext"], b"p")

    def test_a_denied_caller_gets_access_denied_before_the_key_state(self):
        key = self.new_key(policy(ADMIN_ALL))
        kid, arn = key["KeyId"], key["Arn"]
        self.admin.disable_key(KeyId=kid)
        self.assert_client_error(self.app.encrypt, "AccessDeniedException",
                                 denied(APP_ARN, "kms:Encrypt", arn, "resource"),
                                 KeyId=kid, Plaintext=b"x")
        self.assert_client_error(self.admin.encrypt, "DisabledException", f"{arn} is disabled.",
                                 KeyId=kid, Plaintext=b"x")
        # A key that does not exist is NotFoundException, whoever asks.
        missing = arn[:-36] + "00000000-0000-0000-0000-000000000000"
        self.assert_client_error(self.app.encrypt, "NotFoundException",
                                 f"Key '{missing}' does not exist", KeyId=missing, Plaintext=b"x")

    def test_explicit_deny_in_the_key_policy_wins(self):
        key = self.new_key(policy(statement("Allow", ROOT, "kms:*"),
                                  statement("Deny", APP_ROLE, "kms:Encrypt")))
        kid, arn = key["KeyId"], key["Arn"]
        self.assert_client_error(self.app.encrypt, "AccessDeniedException",
                                 denied(APP_ARN, "kms:Encrypt", arn, "deny-resource"),
                                 KeyId=kid, Plaintext=b"x")
        self.admin.encrypt(KeyId=kid, Plaintext=b"x")
        # A grant does not lift an explicit Deny either.
        self.admin.create_grant(KeyId=kid, GranteePrincipal=APP_ROLE, Operations=["Encrypt"])
        self.assert_client_error(self.app.encrypt, "AccessDeniedException",
                                 denied(APP_ARN, "kms:Encrypt", arn, "deny-resource"),
                                 KeyId=kid, Plaintext=b"x")

    def test_grant_allows_decrypt_for_one_encryption_context_until_revoked(self):
        key = self.new_key()
        kid, arn = key["KeyId"], key["Arn"]
        nightly = self.admin.encrypt(KeyId=kid, Plaintext=b"n",
                                     EncryptionContext={"job": "nightly"})["CiphertextBlob"]
        other = self.admin.encrypt(KeyId=kid, Plaintext=b"o",
                                   EncryptionContext={"job": "hourly"})["CiphertextBlob"]
        msg = denied(BATCH_ARN, "kms:Decrypt", arn, "resource")
        self.assert_client_error(self.batch.decrypt, "AccessDeniedException", msg,
                                 CiphertextBlob=nightly, KeyId=arn,
                                 EncryptionContext={"job": "nightly"})
        grant = self.admin.create_grant(
            KeyId=kid, GranteePrincipal=BATCH_ROLE, Operations=["Decrypt"],
            Constraints={"EncryptionContextSubset": {"job": "nightly"}})
        # The grant token makes the grant usable at once.
        out = self.batch.decrypt(CiphertextBlob=nightly, KeyId=arn,
                                 EncryptionContext={"job": "nightly"},
                                 GrantTokens=[grant["GrantToken"]])
        self.assertEqual(out["Plaintext"], b"n")
        self.assertEqual(self.batch.decrypt(CiphertextBlob=nightly, KeyId=arn,
                                            EncryptionContext={"job": "nightly"})["Plaintext"], b"n")
        # Not for another encryption context, and not for another operation.
        self.assert_client_error(self.batch.decrypt, "AccessDeniedException", msg,
                                 CiphertextBlob=other, KeyId=arn,
                                 EncryptionContext={"job": "hourly"})
        self.assert_client_error(self.batch.encrypt, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:Encrypt", arn, "resource"),
                                 KeyId=arn, Plaintext=b"x", EncryptionContext={"job": "nightly"})
        # The aws CLI signs as batch with the session token.
        blob_file = os.path.join(self.tmp, "nightly.bin")
        with open(blob_file, "wb") as f:
            f.write(nightly)
        out = self.assert_cli_ok(self.srv.cli_v2(
            ["kms", "decrypt", "--ciphertext-blob", f"fileb://{blob_file}", "--key-id", arn,
             "--encryption-context", "job=nightly"],
            access_key=BATCH[0], secret=BATCH[1], session_token=BATCH[2]))
        self.assertEqual(out["KeyId"], arn)
        # Revoked: denied at once.
        self.admin.revoke_grant(KeyId=kid, GrantId=grant["GrantId"])
        self.assert_client_error(self.batch.decrypt, "AccessDeniedException", msg,
                                 CiphertextBlob=nightly, KeyId=arn,
                                 EncryptionContext={"job": "nightly"})

    def test_retiring_principal_retires_and_the_grant_stops_at_once(self):
        key = self.new_key()
        kid, arn = key["KeyId"], key["Arn"]
        grant = self.admin.create_grant(KeyId=kid, GranteePrincipal=APP_ROLE,
                                        RetiringPrincipal=BATCH_ROLE, Operations=["ReEncryptFrom"])
        # app's identity policy has no kms:RetireGrant and the grant does not allow it.
        self.assert_client_error(self.app.retire_grant, "AccessDeniedException",
                                 denied(APP_ARN, "kms:RetireGrant", arn, "identity"),
                                 GrantToken=grant["GrantToken"])
        self.batch.retire_grant(GrantToken=grant["GrantToken"])
        self.assertEqual(self.admin.list_grants(KeyId=kid)["Grants"], [])

    def test_cross_account_by_key_arn_only(self):
        key = self.new_key(policy(
            statement("Allow", ROOT, "kms:*"),
            statement("Allow", OTHER, ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"])))
        kid, arn = key["KeyId"], key["Arn"]
        blob = self.batch.encrypt(KeyId=arn, Plaintext=b"cross")["CiphertextBlob"]
        self.assertEqual(self.batch.decrypt(CiphertextBlob=blob, KeyId=arn)["Plaintext"], b"cross")
        self.assertEqual(self.batch.describe_key(KeyId=arn)["KeyMetadata"]["Arn"], arn)
        # A bare key id names a key of the caller's own account: not found there.
        self.assert_client_error(self.batch.encrypt, "NotFoundException",
                                 f"Key 'arn:aws:kms:us-east-1:{OTHER}:key/{kid}' does not exist",
                                 KeyId=kid, Plaintext=b"x")
        # What the key policy does not give the other account stays denied.
        self.assert_client_error(self.batch.generate_data_key, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:GenerateDataKey", arn, "resource"),
                                 KeyId=arn, NumberOfBytes=32)
        # An operation AWS never lets another account call: not found.
        self.assert_client_error(self.batch.disable_key, "NotFoundException",
                                 f"Key '{arn}' does not exist", KeyId=arn)
        # A key of another account whose policy does not name it: denied.
        private = self.new_key()
        self.assert_client_error(self.batch.encrypt, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:Encrypt", private["Arn"], "resource"),
                                 KeyId=private["Arn"], Plaintext=b"x")

    def test_condition_keys_from_the_request(self):
        key = self.new_key(policy(
            statement("Allow", ROOT, "kms:*"),
            statement("Allow", BATCH_ROLE, "kms:Encrypt",
                      Condition={"StringEquals": {"kms:EncryptionContext:tenant": "blue",
                                                  "kms:EncryptionAlgorithm": "SYMMETRIC_DEFAULT"}})))
        arn = key["Arn"]
        self.batch.encrypt(KeyId=arn, Plaintext=b"x", EncryptionContext={"tenant": "blue"})
        self.assert_client_error(self.batch.encrypt, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:Encrypt", arn, "resource"),
                                 KeyId=arn, Plaintext=b"x", EncryptionContext={"tenant": "red"})

    def test_tags_and_aliases_of_the_key_as_condition_keys(self):
        # aws:ResourceTag/<k> and kms:ResourceAliases follow the key's tags and
        # aliases as they change (AWS takes up to five minutes; Rotor at once).
        key = self.new_key(policy(
            statement("Allow", ROOT, "kms:*"),
            statement("Allow", BATCH_ROLE, "kms:Encrypt",
                      Condition={"StringEquals": {"aws:ResourceTag/stage": "prod"}}),
            statement("Allow", BATCH_ROLE, "kms:GenerateDataKey",
                      Condition={"ForAnyValue:StringLike":
                                 {"kms:ResourceAliases": "alias/shared-*"}})))
        kid, arn = key["KeyId"], key["Arn"]
        self.assert_client_error(self.batch.encrypt, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:Encrypt", arn, "resource"),
                                 KeyId=arn, Plaintext=b"x")
        self.admin.tag_resource(KeyId=kid, Tags=[{"TagKey": "stage", "TagValue": "prod"}])
        self.batch.encrypt(KeyId=arn, Plaintext=b"x")
        self.admin.untag_resource(KeyId=kid, TagKeys=["stage"])
        self.assert_client_error(self.batch.encrypt, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:Encrypt", arn, "resource"),
                                 KeyId=arn, Plaintext=b"x")

        self.assert_client_error(self.batch.generate_data_key, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:GenerateDataKey", arn, "resource"),
                                 KeyId=arn, KeySpec="AES_256")
        self.admin.create_alias(AliasName="alias/shared-reports", TargetKeyId=kid)
        self.batch.generate_data_key(KeyId=arn, KeySpec="AES_256")
        self.admin.delete_alias(AliasName="alias/shared-reports")
        self.assert_client_error(self.batch.generate_data_key, "AccessDeniedException",
                                 denied(BATCH_ARN, "kms:GenerateDataKey", arn, "resource"),
                                 KeyId=arn, KeySpec="AES_256")

    def test_request_tags_as_condition_keys(self):
        key = self.new_key(policy(
            statement("Allow", ROOT, "kms:*"),
            statement("Allow", APP_ROLE, "kms:TagResource",
                      Condition={"StringEquals": {"aws:RequestTag/owner": "app"}})))
        kid = key["KeyId"]
        self.app.tag_resource(KeyId=kid, Tags=[{"TagKey": "owner", "TagValue": "app"}])
        self.assert_client_error(self.app.tag_resource, "AccessDeniedException",
                                 KeyId=kid, Tags=[{"TagKey": "owner", "TagValue": "ops"}])
        tags = self.admin.list_resource_tags(KeyId=kid)["Tags"]
        self.assertEqual(tags, [{"TagKey": "owner", "TagValue": "app"}])

    def test_alias_operations_are_authorised_on_the_alias_too(self):
        # app's identity policy allows no alias operation: the alias ARN is the
        # resource AWS names, even on a key whose key policy lets app do anything.
        key = self.new_key(policy(statement("Allow", ROOT, "kms:*"),
                                  statement("Allow", APP_ROLE, "kms:*")))
        alias_arn = f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app-owned"
        self.assert_client_error(self.app.create_alias, "AccessDeniedException",
                                 denied(APP_ARN, "kms:CreateAlias", alias_arn, "identity"),
                                 AliasName="alias/app-owned", TargetKeyId=key["KeyId"])
        self.admin.create_alias(AliasName="alias/app-owned", TargetKeyId=key["KeyId"])
        self.assert_client_error(self.app.delete_alias, "AccessDeniedException",
                                 denied(APP_ARN, "kms:DeleteAlias", alias_arn, "identity"),
                                 AliasName="alias/app-owned")
        self.assertIn("alias/app-owned",
                      [a["AliasName"] for a in self.admin.list_aliases(KeyId=key["KeyId"])["Aliases"]])

    def test_denials_are_in_the_audit_trail(self):
        key = self.new_key(policy(ADMIN_ALL))
        self.assert_client_error(self.app.encrypt, "AccessDeniedException", KeyId=key["KeyId"],
                                 Plaintext=b"x")
        status, doc = self.srv.admin("GET", "/_rotor/events")
        self.assertEqual(status, 200)
        denials = [e for e in doc["events"] if e.get("eventType") == "AwsApiCall"
                   and e.get("eventName") == "Encrypt" and e.get("errorCode") == "AccessDenied"
                   and key["Arn"] in e.get("errorMessage", "")]
        self.assertEqual(len(denials), 1, doc["events"][-3:])
        event = denials[0]
        self.assertEqual(event["errorMessage"],
                         denied(APP_ARN, "kms:Encrypt", key["Arn"], "resource"))
        self.assertEqual(event["userIdentity"]["type"], "AssumedRole")
        self.assertEqual(event["userIdentity"]["arn"], APP_ARN)
        self.assertEqual(event["userIdentity"]["accountId"], ACCOUNT)
        self.assertEqual(event["userIdentity"]["accessKeyId"], APP[0])
