"""Issue 14: key policies as AWS checks them when they are set. CreateKey and PutKeyPolicy
validate the document (MalformedPolicyDocumentException) and apply the lockout safety check in
open mode too, where the caller is the account root of the request's account; with
BypassPolicyLockoutSafetyCheck the policy is stored. boto3 and the aws CLI.
AWS's recorded texts: "Policy contains a statement with one or more invalid principals." and
"The new key policy will not allow you to update the key policy in the future."; the other
texts are Rotor's (docs/access-control.md, "Key policies")."""
import json
import re
import unittest

from rotor_harness import (DEFAULT_ACCOUNT, ROTOR_BIN, RotorServer, RotorTestCase, binary_available)

LOCKOUT = "The new key policy will not allow you to update the key policy in the future."
INVALID_PRINCIPALS = "Policy contains a statement with one or more invalid principals."
ROOT = f"arn:aws:iam::{DEFAULT_ACCOUNT}:root"
APP = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/app"


def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(principal, action="kms:*", **extra):
    return dict({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": action,
                 "Resource": "*"}, **extra)


class KeyPolicyValidationTest(RotorTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not binary_available():
            raise unittest.SkipTest(f"rotor binary not found at {ROTOR_BIN}")
        cls.srv = RotorServer(in_memory=True)
        cls.srv.start()
        cls.kms = cls.srv.client()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()
        super().tearDownClass()

    def test_lockout_refused_on_create_key_and_put_key_policy(self):
        kid = self.kms.create_key()["KeyMetadata"]["KeyId"]
        before = self.kms.get_key_policy(KeyId=kid)["Policy"]
        for doc in (policy(), policy(allow(APP, "kms:Decrypt")),
                    policy(allow(ROOT, "kms:*"),
                           {"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy",
                            "Resource": "*"}),
                    policy({"Effect": "Allow", "Principal": {"AWS": ROOT},
                            "NotAction": "kms:PutKeyPolicy", "Resource": "*"})):
            with self.subTest(doc=doc):
                self.assert_client_error(self.kms.create_key, "MalformedPolicyDocumentException",
                                         LOCKOUT, Policy=doc)
                self.assert_client_error(self.kms.put_key_policy, "MalformedPolicyDocumentException",
                                         LOCKOUT, KeyId=kid, PolicyName="default", Policy=doc)
        self.assertEqual(self.kms.get_key_policy(KeyId=kid)["Policy"], before)

    def test_bypass_stores_a_lockout_policy(self):
        doc = policy(allow(APP, "kms:Decrypt"))
        kid = self.kms.create_key(Policy=doc, BypassPolicyLockoutSafetyCheck=True)["KeyMetadata"]["KeyId"]
        self.assertIn(APP, self.kms.get_key_policy(KeyId=kid)["Policy"])
        other = self.kms.create_key()["KeyMetadata"]["KeyId"]
        self.kms.put_key_policy(KeyId=other, Policy=policy(), BypassPolicyLockoutSafetyCheck=True)
        self.assertEqual(self.kms.get_key_policy(KeyId=other)["Policy"],
                         '{\n  "Version" : "2012-10-17",\n  "Statement" : [ ]\n}')

    def test_policies_that_keep_the_root_pass(self):
        for doc in (policy(allow(ROOT)), policy(allow(DEFAULT_ACCOUNT, "kms:PutKeyPolicy")),
                    policy(allow([APP, ROOT], ["kms:Put*", "kms:Decrypt"])),
                    policy({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"})):
            with self.subTest(doc=doc):
                kid = self.kms.create_key(Policy=doc)["KeyMetadata"]["KeyId"]
                self.kms.put_key_policy(KeyId=kid, Policy=doc)

    def test_malformed_documents(self):
        kid = self.kms.create_key()["KeyMetadata"]["KeyId"]
        cases = [
            (policy(allow("arn:aws:iam::1234:root")), INVALID_PRINCIPALS),
            (policy(allow(f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/*")), INVALID_PRINCIPALS),
            (policy(allow(f"arn:aws:iam::{DEFAULT_ACCOUNT}:group/devs")), INVALID_PRINCIPALS),
            (policy({"Effect": "Allow", "Action": "kms:*", "Resource": "*"}),
             "Policy contains a statement with no Principal or NotPrincipal."),
            (policy({"Effect": "Maybe", "Principal": "*", "Action": "kms:*", "Resource": "*"}),
             "Policy contains a statement with an invalid Effect (Allow or Deny)."),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "decrypt", "Resource": "*"}),
             "Policy contains a statement with an invalid action: decrypt"),
            (policy({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*",
                     "Condition": {"StringEqualz": {"kms:ViaService": "x"}}}),
             "Policy contains a statement with an unknown condition operator: StringEqualz"),
            (json.dumps({"Version": "2012-10-17"}), "The new key policy has no Statement element."),
            ("not json", "The new key policy is not a valid JSON document."),
        ]
        for doc, message in cases:
            with self.subTest(doc=doc):
                self.assert_client_error(self.kms.create_key, "MalformedPolicyDocumentException",
                                         message, Policy=doc)
                self.assert_client_error(self.kms.put_key_policy, "MalformedPolicyDocumentException",
                                         message, KeyId=kid, Policy=doc)

    def test_conditions_with_every_kind_of_operator_are_accepted(self):
        doc = policy(allow(ROOT), allow(APP, ["kms:Decrypt", "kms:GenerateDataKey*"], Condition={
            "StringEquals": {"kms:EncryptionContext:Dept": ["IT", "HR"]},
            "ForAllValues:StringLike": {"kms:EncryptionContextKeys": "*"},
            "StringLikeIfExists": {"kms:ViaService": "*.us-east-1.amazonaws.com"},
            "NumericLessThanEquals": {"kms:RotationPeriodInDays": 365},
            "DateLessThan": {"aws:CurrentTime": "2040-01-01T00:00:00Z"},
            "Bool": {"aws:SecureTransport": "false"},
            "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"},
            "Null": {"kms:GrantConstraintType": "true"}}))
        kid = self.kms.create_key(Policy=doc)["KeyMetadata"]["KeyId"]
        stored = json.loads(self.kms.get_key_policy(KeyId=kid)["Policy"])
        self.assertEqual(stored, json.loads(doc))

    def test_replicate_key_checks_the_replica_policy(self):
        kid = self.kms.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
        self.assert_client_error(self.kms.replicate_key, "MalformedPolicyDocumentException", LOCKOUT,
                                 KeyId=kid, ReplicaRegion="eu-west-1",
                                 Policy=policy(allow(APP, "kms:Decrypt")))
        self.assert_client_error(self.kms.replicate_key, "MalformedPolicyDocumentException",
                                 INVALID_PRINCIPALS, KeyId=kid, ReplicaRegion="eu-west-1",
                                 Policy=policy(allow("arn:aws:iam::7:root")))
        replica = self.kms.replicate_key(KeyId=kid, ReplicaRegion="eu-west-1",
                                         Policy=policy(allow(APP, "kms:Decrypt")),
                                         BypassPolicyLockoutSafetyCheck=True)["ReplicaKeyMetadata"]
        self.assertEqual(replica["KeyId"], kid)

    def test_aws_cli(self):
        srv = self.srv
        rc, out, err = srv.cli_v2(["kms", "create-key", "--policy", policy(allow(APP, "kms:Decrypt"))])
        self.assertEqual(rc, 254, (out, err))
        self.assertRegex(err, r"An error occurred \(MalformedPolicyDocumentException\) when calling the "
                         r"CreateKey operation( \(reached max retries: 0\))?: " + re.escape(LOCKOUT) + "\n")
        rc, out, err = srv.cli_v2(["kms", "create-key", "--policy", policy(allow(APP, "kms:Decrypt")),
                                   "--bypass-policy-lockout-safety-check"])
        self.assertEqual(rc, 0, err)
        kid = out["KeyMetadata"]["KeyId"]
        rc, out, err = srv.cli_v2(["kms", "put-key-policy", "--key-id", kid, "--policy-name", "default",
                                   "--policy", policy(allow("arn:aws:iam::42:root"))])
        self.assertEqual(rc, 254, (out, err))
        self.assertRegex(err, r"An error occurred \(MalformedPolicyDocumentException\) when calling the "
                         r"PutKeyPolicy operation( \(reached max retries: 0\))?: " +
                         re.escape(INVALID_PRINCIPALS) + "\n")
        rc, out, err = srv.cli_v2(["kms", "put-key-policy", "--key-id", kid, "--policy-name", "default",
                                   "--policy", policy(allow(ROOT))])
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    unittest.main()
