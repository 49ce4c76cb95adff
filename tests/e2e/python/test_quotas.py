"""Issue 17: AWS KMS's request quotas (--quotas aws, --quota NAME=RATE). Each
quota is a token bucket on the server's clock; with the virtual clock the
test decides exactly when time passes, so rates are measured without sleeps.
"""
import concurrent.futures
import unittest

from botocore.exceptions import ClientError

from rotor_harness import ANY_MESSAGE, run_rotor
from test_faults import THROTTLED, VIRTUAL, FaultsTestCase


class QuotasTest(FaultsTestCase):

    def create_keys(self, kms, n):
        """n CreateKey calls; returns (created, throttled)."""
        created = throttled = 0
        for _ in range(n):
            try:
                kms.create_key(Description="burst")
                created += 1
            except ClientError as e:
                err = e.response["Error"]
                self.assertEqual((err["Code"], err["Message"]), ("ThrottlingException", THROTTLED))
                self.assertEqual(e.response["ResponseMetadata"]["HTTPStatusCode"], 400)
                throttled += 1
        return created, throttled

    def test_a_burst_above_a_lowered_createkey_quota_is_throttled_at_its_rate(self):
        srv = self.server(VIRTUAL + ["--quotas", "aws", "--quota", "CreateKey=2"])
        kms = self.client(srv, attempts=1)
        # The clock stands still: the bucket holds 2 requests, the rest are throttled.
        self.assertEqual(self.create_keys(kms, 10), (2, 8))
        # Steady demand for 10 s of virtual time, 3 requests every 500 ms.
        created = throttled = 0
        for _ in range(20):
            srv.advance_clock("500ms")
            c, t = self.create_keys(kms, 3)
            created, throttled = created + c, throttled + t
        self.assertLessEqual(abs(created - 20), 2, f"{created} CreateKey in 10 s at 2 per second")
        self.assertEqual(created + throttled, 60)
        # Nothing throttled was created.
        keys = kms.list_keys(Limit=1000)["Keys"]
        self.assertEqual(len(keys), 2 + created)
        # Other quotas are counted apart: ListKeys and DescribeKey still answer.
        kms.describe_key(KeyId=keys[0]["KeyId"])
        # Every throttled request is in the audit trail with its errorCode.
        status, doc = srv.admin("GET", "/_rotor/events?name=CreateKey&limit=1000")
        self.assertEqual(status, 200, doc)
        codes = [e.get("errorCode") for e in doc["events"]]
        self.assertEqual(codes.count("ThrottlingException"), 8 + throttled)
        self.assertEqual(codes.count(None), 2 + created)

    def test_aws_rates_by_default(self):
        srv = self.server(VIRTUAL + ["--quotas", "aws"])
        kms = self.client(srv, attempts=1)
        # AWS's CreateKey quota is 5 per second.
        self.assertEqual(self.create_keys(kms, 8), (5, 3))
        key_id = kms.list_keys()["Keys"][0]["KeyId"]
        # The shared symmetric quota (50,000/s in us-east-1) is far away.
        for _ in range(50):
            kms.encrypt(KeyId=key_id, Plaintext=b"x")

    def test_the_keys_per_region_quota_with_quotas_aws_lowered_by_quota(self):
        srv = self.server(VIRTUAL + ["--quotas", "aws", "--quota", "KmsKeys=3"])
        kms = self.client(srv, attempts=1)
        self.assertEqual(self.create_keys(kms, 3), (3, 0))
        # An AWS managed key is not counted (the first use of alias/aws/ebs creates one).
        kms.encrypt(KeyId="alias/aws/ebs", Plaintext=b"x")
        srv.advance_clock("1s")  # CreateKey's request quota (5/s) is not what answers
        self.assert_client_error(
            kms.create_key, "LimitExceededException",
            "Key quota for this account in this region is 3 but the current usage is 3.", 400)
        self.assertEqual(len(kms.list_keys()["Keys"]), 4)
        # A key pending deletion still counts (AWS: "regardless of ... key state").
        # A customer managed key: ListKeys' order (by key id) may put the AWS managed key first,
        # and AWS refuses to delete that one.
        key_id = next(k["KeyId"] for k in kms.list_keys()["Keys"]
                      if kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]["KeyManager"] == "CUSTOMER")
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
        self.assert_client_error(kms.create_key, "LimitExceededException", ANY_MESSAGE, 400)
        # Another Region has its own quota.
        srv.client(region="eu-west-1").create_key()
        status, doc = srv.admin("GET", "/_rotor/events?name=CreateKey")
        self.assertEqual([e.get("errorCode") for e in doc["events"]]
                         .count("LimitExceededException"), 2)

    def test_the_keys_per_region_quota_holds_for_concurrent_create_keys(self):
        """Counted inside the write that adds the key: 16 CreateKey at once make exactly 5."""
        srv = self.server(["--quotas", "aws", "--quota", "KmsKeys=5", "--quota", "CreateKey=10000"])
        kms = self.client(srv, attempts=1)  # clients are thread-safe; making one is not
        errors = []

        def create(_):
            try:
                kms.create_key()
                return "ok"
            except ClientError as e:
                errors.append((e.response["Error"]["Code"], e.response["Error"]["Message"]))
                return "refused"

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(create, range(16)))
        self.assertEqual(outcomes.count("ok"), 5, errors)
        self.assertEqual(errors, [("LimitExceededException",
                                   "Key quota for this account in this region is 5 but the current usage is 5.")] * 11)
        self.assertEqual(len(kms.list_keys()["Keys"]), 5)

    def test_aliases_per_key_answer_awss_text(self):
        srv = self.server()
        kms = self.client(srv, attempts=1)
        key_id = kms.create_key()["KeyMetadata"]["KeyId"]
        for i in range(50):
            kms.create_alias(AliasName=f"alias/k{i}", TargetKeyId=key_id)
        self.assert_client_error(
            kms.create_alias, "LimitExceededException",
            "Aliases per key quota for this account in this region is 50, current usage is 50.",
            400, AliasName="alias/k50", TargetKeyId=key_id)

    def test_quotas_are_off_by_default(self):
        srv = self.server(VIRTUAL)
        kms = self.client(srv, attempts=1)
        self.assertEqual(self.create_keys(kms, 12), (12, 0))

    def test_bad_quota_flags_are_refused(self):
        res = run_rotor(["--in-memory", "--quota", "CreateKey=2"])
        self.assertEqual(res.returncode, 2)
        self.assertIn("--quota needs --quotas aws", res.stderr.decode())
        res = run_rotor(["--in-memory", "--quotas", "aws", "--quota", "CreateKeys=2"])
        self.assertEqual(res.returncode, 2)
        self.assertIn("is NAME=RATE", res.stderr.decode())
        res = run_rotor(["--in-memory", "--quotas", "aws", "--quota", "CreateKey=0"])
        self.assertEqual(res.returncode, 2)
        res = run_rotor(["--in-memory", "--quotas", "sometimes"])
        self.assertEqual(res.returncode, 2)
        self.assertIn("--quotas must be off or aws", res.stderr.decode())


if __name__ == "__main__":
    unittest.main()
