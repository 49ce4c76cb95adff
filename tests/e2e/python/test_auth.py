"""Issue 14, "Identities and SigV4 verification": strict mode (--auth strict).

Rotor started with --auth strict and a credentials file verifies each request's
SigV4 signature with the access key's secret, and answers AWS's errors of the
JSON protocol word for word (sources in docs/access-control.md): a wrong secret
InvalidSignatureException, an unknown key UnrecognizedClientException, an
unsigned request MissingAuthenticationTokenException (403), a malformed
header IncompleteSignatureException, a request time more than 5 minutes off
the wall clock "Signature expired: ..." / "Signature not yet current: ...".
Signed by boto3, both aws CLIs and botocore's presigned query form; the
verified principal is the audit record's userIdentity. Without a credentials
file strict mode knows the built-in test/test and testing/testing.
"""
import datetime as dt
import json
import os
import re
import tempfile
import unittest
import urllib.parse

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from rotor_harness import RotorServer, RotorTestCase, require_binary

APP = ("AKIAAPPEXAMPLE000001", "app-secret-0001")
OPS = ("AKIAOPSEXAMPLE000002", "ops-secret-0002")
BATCH = ("ASIABATCHEXAMPLE0003", "batch-secret-0003", "batch-session-token-0003")

MISMATCH = ("The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.")
BAD_TOKEN = "The security token included in the request is invalid."

CREDENTIALS = f"""\
credentials:
  - access_key_id: {APP[0]}
    secret_access_key: {APP[1]}
    account: "111122223333"
    principal: arn:aws:iam::111122223333:user/app
  - access_key_id: {OPS[0]}
    secret_access_key: {OPS[1]}
    principal: arn:aws:iam::111122223333:role/ops
  - access_key_id: {BATCH[0]}
    secret_access_key: {BATCH[1]}
    session_token: {BATCH[2]}
    principal: arn:aws:sts::444455556666:assumed-role/batch/nightly
"""

EXPIRED = re.compile(r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) "
                     r"\((\d{8}T\d{6}Z) - 5 min\.\)$")
NOT_YET = re.compile(r"^Signature not yet current: (\d{8}T\d{6}Z) is still later than (\d{8}T\d{6}Z) "
                     r"\((\d{8}T\d{6}Z) \+ 5 min\.\)$")


def amz(t: dt.datetime) -> str:
    return t.strftime("%Y%m%dT%H%M%SZ")


def parse_amz(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)


def shift_amz_date(minutes: int):
    """A botocore before-send hook moving the signed request's X-Amz-Date by `minutes`."""
    def hook(request, **_):
        value = request.headers["X-Amz-Date"]
        signed = parse_amz(value.decode() if isinstance(value, bytes) else value)
        request.headers["X-Amz-Date"] = amz(signed + dt.timedelta(minutes=minutes))
    return hook


@require_binary
class JsonBodyQueryAuth(SigV4QueryAuth):
    """botocore's presigned (query) form, keeping the JSON body in the body: botocore moves
    a query-protocol body into the query string, which a JSON-protocol body is not."""

    def _modify_request_before_signing(self, request):
        data = request.data
        super()._modify_request_before_signing(request)
        request.data = data


@require_binary
class StrictAuthTest(RotorTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="rotor-auth-")
        cls.creds_path = os.path.join(cls.tmp, "credentials.yaml")
        with open(cls.creds_path, "w") as f:
            f.write(CREDENTIALS)
        cls.srv = RotorServer(["--auth", "strict", "--credentials-file", cls.creds_path],
                              in_memory=True)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def app(self, **kw):
        return self.srv.client(access_key=APP[0], secret=APP[1], **kw)

    def test_start_line_says_strict(self):
        self.assertIn("auth strict, 3 access keys", self.srv.start_line)

    def test_right_secret_passes_and_each_principal_has_its_account(self):
        kms = self.app()
        key = kms.create_key(Description="app")["KeyMetadata"]
        self.assertTrue(key["Arn"].startswith("arn:aws:kms:us-east-1:111122223333:key/"))
        blob = kms.encrypt(KeyId=key["KeyId"], Plaintext=b"hi")["CiphertextBlob"]
        self.assertEqual(kms.decrypt(CiphertextBlob=blob)["Plaintext"], b"hi")
        batch = self.srv.client(access_key=BATCH[0], secret=BATCH[1], session_token=BATCH[2])
        other = batch.create_key()["KeyMetadata"]
        self.assertTrue(other["Arn"].startswith("arn:aws:kms:us-east-1:444455556666:key/"))
        self.assertNotIn(key["KeyId"], [k["KeyId"] for k in batch.list_keys()["Keys"]])
        # The credential scope's region is the keyspace's, as in open mode.
        eu = self.srv.client(region="eu-west-1", access_key=OPS[0], secret=OPS[1])
        self.assertTrue(eu.create_key()["KeyMetadata"]["Arn"].startswith(
            "arn:aws:kms:eu-west-1:111122223333:key/"))

    def test_wrong_secret_is_invalid_signature(self):
        kms = self.srv.client(access_key=APP[0], secret="not-the-secret")
        self.assert_client_error(kms.list_keys, "InvalidSignatureException", MISMATCH, 400)
        # Another principal's secret is as wrong.
        kms = self.srv.client(access_key=APP[0], secret=OPS[1])
        self.assert_client_error(kms.list_keys, "InvalidSignatureException", MISMATCH, 400)

    def test_unknown_access_key_is_unrecognized_client(self):
        kms = self.srv.client(access_key="AKIANOBODYEXAMPLE999", secret="whatever")
        self.assert_client_error(kms.list_keys, "UnrecognizedClientException", BAD_TOKEN, 400)
        # The built-in pairs are not known once a credentials file is given.
        kms = self.srv.client(access_key="test", secret="test")
        self.assert_client_error(kms.list_keys, "UnrecognizedClientException", BAD_TOKEN, 400)

    def test_session_token_must_match(self):
        no_token = self.srv.client(access_key=BATCH[0], secret=BATCH[1])
        self.assert_client_error(no_token.list_keys, "UnrecognizedClientException", BAD_TOKEN, 400)
        wrong = self.srv.client(access_key=BATCH[0], secret=BATCH[1], session_token="other")
        self.assert_client_error(wrong.list_keys, "UnrecognizedClientException", BAD_TOKEN, 400)

    def test_request_time_more_than_5_minutes_off_is_refused(self):
        past = self.app()
        past.meta.events.register("before-send.kms.ListKeys", shift_amz_date(-10))
        e = self.assert_client_error(past.list_keys, "InvalidSignatureException", EXPIRED.match, 400)
        sent, earliest, now = EXPIRED.match(e.response["Error"]["Message"]).groups()
        self.assertEqual(parse_amz(now) - parse_amz(earliest), dt.timedelta(minutes=5))
        self.assertLess(parse_amz(sent), parse_amz(earliest))
        wall = dt.datetime.now(dt.timezone.utc)
        self.assertLess(abs((parse_amz(now) - wall).total_seconds()), 120)

        future = self.app()
        future.meta.events.register("before-send.kms.ListKeys", shift_amz_date(10))
        e = self.assert_client_error(future.list_keys, "InvalidSignatureException", NOT_YET.match, 400)
        sent, latest, now = NOT_YET.match(e.response["Error"]["Message"]).groups()
        self.assertEqual(parse_amz(latest) - parse_amz(now), dt.timedelta(minutes=5))
        self.assertGreater(parse_amz(sent), parse_amz(latest))

    def test_unsigned_and_malformed_requests(self):
        status, headers, body = self.srv.kms_raw("TrentService.ListKeys", {})
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body), {"__type": "MissingAuthenticationTokenException",
                                            "message": "Missing Authentication Token"})
        auth = "AWS4-HMAC-SHA256 Credential=" + APP[0] + "/20261201/us-east-1/kms/aws4_request"
        status, _, body = self.srv.kms_raw("TrentService.ListKeys", {}, {
            "Authorization": auth, "X-Amz-Date": "20261201T000000Z"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body), {
            "__type": "IncompleteSignatureException",
            "message": "Authorization header requires 'Signature' parameter. Authorization header "
                       "requires 'SignedHeaders' parameter. Authorization=" + auth})
        status, _, body = self.srv.kms_raw("TrentService.ListKeys", {}, {"Authorization": auth + ", Signature=ab, SignedHeaders=host"})
        self.assertEqual(json.loads(body)["message"],
                         "Authorization header requires existence of either a 'X-Amz-Date' or a "
                         "'Date' header. Authorization=" + auth + ", Signature=ab, SignedHeaders=host")

    def test_botocore_signed_headers_and_presigned_query_form(self):
        creds = Credentials(APP[0], APP[1])
        body = b"{}"
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"}
        signed = AWSRequest(method="POST", url=self.srv.url + "/", data=body, headers=dict(headers))
        SigV4Auth(creds, "kms", "us-east-1").add_auth(signed)
        status, _, data = self.srv.raw_request("POST", "/", body, dict(signed.headers.items()))
        self.assertEqual(status, 200, data)
        self.assertIn("Keys", json.loads(data))

        presigned = AWSRequest(method="POST", url=self.srv.url + "/", data=body, headers=dict(headers))
        JsonBodyQueryAuth(creds, "kms", "us-east-1", expires=300).add_auth(presigned)
        url = urllib.parse.urlsplit(presigned.url)
        self.assertIn("X-Amz-Signature=", url.query)
        status, _, data = self.srv.raw_request("POST", url.path + "?" + url.query, body,
                                               dict(presigned.headers.items()))
        self.assertEqual(status, 200, data)
        # The same query with another secret's signature.
        wrong = AWSRequest(method="POST", url=self.srv.url + "/", data=body, headers=dict(headers))
        JsonBodyQueryAuth(Credentials(APP[0], "wrong"), "kms", "us-east-1", expires=300).add_auth(wrong)
        url = urllib.parse.urlsplit(wrong.url)
        status, _, data = self.srv.raw_request("POST", url.path + "?" + url.query, body,
                                               dict(wrong.headers.items()))
        self.assertEqual((status, json.loads(data)),
                         (400, {"__type": "InvalidSignatureException", "message": MISMATCH}))

    def test_aws_cli_v1_and_v2_sign_with_the_credentials_file(self):
        for name, cli in (("v2", self.srv.cli_v2), ("v1", self.srv.cli_v1)):
            with self.subTest(cli=name):
                rc, out, err = cli(["kms", "list-keys"], access_key=APP[0], secret=APP[1])
                self.assertEqual(rc, 0, err)
                self.assertIn("Keys", out)
                rc, out, err = cli(["kms", "list-keys"], access_key=BATCH[0], secret=BATCH[1],
                                   session_token=BATCH[2])
                self.assertEqual(rc, 0, err)
                rc, _, err = cli(["kms", "list-keys"], access_key=APP[0], secret="wrong")
                self.assertNotEqual(rc, 0)
                self.assertIn("(InvalidSignatureException) when calling the ListKeys operation", err)
                self.assertTrue(err.rstrip().endswith(": " + MISMATCH), err)
                rc, _, err = cli(["kms", "list-keys"], access_key="AKIANOBODYEXAMPLE999", secret="x")
                self.assertNotEqual(rc, 0)
                self.assertIn("(UnrecognizedClientException) when calling the ListKeys operation", err)
                self.assertTrue(err.rstrip().endswith(": " + BAD_TOKEN), err)

    def test_audit_user_identity_is_the_verified_principal(self):
        kms = self.app()
        key = kms.create_key(Description="audited")["KeyMetadata"]
        batch = self.srv.client(access_key=BATCH[0], secret=BATCH[1], session_token=BATCH[2])
        batch.list_keys()
        status, doc = self.srv.admin("GET", "/_rotor/events")
        self.assertEqual(status, 200)
        events = [e for e in doc["events"] if e["eventType"] == "AwsApiCall"]
        created = [e for e in events if e["eventName"] == "CreateKey"
                   and (e.get("responseElements") or {}).get("keyMetadata", {}).get("keyId") == key["KeyId"]]
        self.assertEqual(len(created), 1)
        ui = created[0]["userIdentity"]
        self.assertEqual({k: ui[k] for k in ("type", "arn", "accountId", "accessKeyId", "userName")},
                         {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/app",
                          "accountId": "111122223333", "accessKeyId": APP[0], "userName": "app"})
        self.assertRegex(ui["principalId"], r"^AIDA[A-Z2-7]{17}$")
        listed = [e for e in events if e["eventName"] == "ListKeys"
                  and e["userIdentity"].get("accessKeyId") == BATCH[0]]
        self.assertTrue(listed)
        ui = listed[-1]["userIdentity"]
        self.assertEqual((ui["type"], ui["arn"], ui["accountId"]),
                         ("AssumedRole", "arn:aws:sts::444455556666:assumed-role/batch/nightly",
                          "444455556666"))
        self.assertRegex(ui["principalId"], r"^AROA[A-Z2-7]{17}:nightly$")
        self.assertEqual(ui["sessionContext"]["sessionIssuer"],
                         {"type": "Role", "principalId": ui["principalId"].split(":")[0],
                          "arn": "arn:aws:iam::444455556666:role/batch", "accountId": "444455556666",
                          "userName": "batch"})


@require_binary
class StrictAuthBuiltInsTest(RotorTestCase):
    """Strict mode without a credentials file, on a virtual clock far from the wall clock."""

    @classmethod
    def setUpClass(cls):
        cls.srv = RotorServer(["--auth", "strict", "--clock", "virtual",
                               "--clock-start", "2031-06-01T00:00:00Z"], in_memory=True)
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_built_in_pairs_verify_against_the_wall_clock(self):
        for pair in ("test", "testing"):
            with self.subTest(pair=pair):
                kms = self.srv.client(access_key=pair, secret=pair)
                key = kms.create_key()["KeyMetadata"]
                self.assertTrue(key["Arn"].startswith("arn:aws:kms:us-east-1:111122223333:key/"))
                # Created on the virtual clock; signed and checked on the wall clock.
                self.assertEqual(key["CreationDate"].year, 2031)
        self.srv.advance_clock("400d")
        self.srv.client(access_key="test", secret="test").list_keys()
        self.assert_client_error(self.srv.client(access_key="test", secret="wrong").list_keys,
                                 "InvalidSignatureException", MISMATCH, 400)
        self.assert_client_error(self.srv.client(access_key="AKIAEXAMPLEROTORTEST").list_keys,
                                 "UnrecognizedClientException", BAD_TOKEN, 400)


@require_binary
class AuthFlagsTest(RotorTestCase):
    def test_open_is_the_default_and_a_bad_credentials_file_stops_start(self):
        with RotorServer(in_memory=True) as srv:
            status, _, body = srv.kms_raw("TrentService.ListKeys", {})
            self.assertEqual(status, 200, body)
            self.assertNotIn("auth strict", srv.start_line)
        from rotor_harness import run_rotor
        p = run_rotor(["--auth", "lenient", "--in-memory", "--port", "0"])
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"--auth must be open or strict", p.stderr)
        with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
            f.write("credentials:\n  - access_key_id: A\n    secret_access_key: s\n")
            f.flush()
            p = run_rotor(["--auth", "strict", "--credentials-file", f.name, "--in-memory", "--port", "0"])
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(b"credentials[0]: principal is required", p.stderr)


if __name__ == "__main__":
    unittest.main()
