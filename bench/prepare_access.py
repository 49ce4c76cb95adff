#!/usr/bin/env python3
"""Prepares the strict-mode benchmark of bench/run.sh access (issue 14).

  prepare_access.py credentials OUT_FILE
      writes the credentials file (JSON) both servers start with: a key administrator
      (IAM user) and an application (assumed-role session, with a session token).
  prepare_access.py setup --port P --out DIR
      as the administrator, on the server at 127.0.0.1:P: a key with a 5-statement key
      policy (POLICY below), 10 grants on it for other grantees, and the Encrypt body
      (4 KiB plaintext) in DIR/Encrypt.json.
  prepare_access.py sign --port P --body FILE --out HEADERS_FILE
      signs `POST /` with that body as the application (SigV4, botocore's signer) and
      writes the headers to send, "Name: value" a line, for bench/kms.lua
      (BENCH_HEADERS_FILE). The signature is valid for 5 minutes from its X-Amz-Date:
      bench/run.sh signs again right before every wrk run (10 s), and every request of
      the run carries the same signed headers; the server verifies each one in full
      (canonical request, payload hash, HMAC of the string to sign).

boto3/botocore only; loopback only."""
import argparse
import base64
import json
import os
import sys

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

ACCOUNT = "111122223333"
OTHER = "444455556666"
ADMIN = ("AKIABENCHADMIN000001", "bench-admin-secret")
APP = ("ASIABENCHAPP00000002", "bench-app-secret", "bench-app-session-token")
ADMIN_ARN = f"arn:aws:iam::{ACCOUNT}:user/admin"
APP_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/app/web"
REGION = "us-east-1"

# A key policy in the shape AWS's console writes, without the account-root delegation, so the
# application is allowed by a statement of the key policy itself (not by an identity policy).
POLICY = {
    "Version": "2012-10-17",
    "Id": "bench-key-policy",
    "Statement": [
        {"Sid": "Allow access for Key Administrators", "Effect": "Allow",
         "Principal": {"AWS": ADMIN_ARN},
         "Action": ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*",
                    "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*",
                    "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion",
                    "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand"],
         "Resource": "*"},
        {"Sid": "Allow use of the key", "Effect": "Allow",
         "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/app",
                               f"arn:aws:iam::{ACCOUNT}:role/batch"]},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                    "kms:DescribeKey"],
         "Resource": "*",
         "Condition": {"StringEquals": {"kms:CallerAccount": ACCOUNT}}},
        {"Sid": "Allow attachment of persistent resources", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"},
         "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
         "Resource": "*",
         "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
        {"Sid": "Allow the partner account to decrypt its tenant's data", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
         "Action": ["kms:Decrypt", "kms:DescribeKey"],
         "Resource": "*",
         "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "partner"}}},
        {"Sid": "Only the administrator deletes or disables", "Effect": "Deny",
         "Principal": {"AWS": "*"},
         "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"],
         "Resource": "*",
         "Condition": {"StringNotEquals": {"aws:PrincipalArn": ADMIN_ARN}}},
    ],
}


def client(port):
    session = boto3.session.Session(aws_access_key_id=ADMIN[0], aws_secret_access_key=ADMIN[1],
                                    region_name=REGION)
    cfg = Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=30)
    return session.client("kms", endpoint_url=f"http://127.0.0.1:{port}", config=cfg)


def credentials(out):
    with open(out, "w") as f:
        json.dump({"credentials": [
            {"access_key_id": ADMIN[0], "secret_access_key": ADMIN[1], "principal": ADMIN_ARN},
            {"access_key_id": APP[0], "secret_access_key": APP[1], "session_token": APP[2],
             "principal": APP_ARN}]}, f)


def setup(port, out):
    os.makedirs(out, exist_ok=True)
    kms = client(port)
    # In open mode the caller is not verified (the account root stands for it), which this
    # policy does not name: both servers skip the lockout safety check, so the keys are the same.
    key = kms.create_key(Description="bench strict mode", Policy=json.dumps(POLICY),
                         BypassPolicyLockoutSafetyCheck=True)
    key_id = key["KeyMetadata"]["KeyId"]
    assert len(POLICY["Statement"]) == 5
    # 10 grants for other grantees: the application's Encrypt is allowed by the key policy.
    for i in range(10):
        grant = {"KeyId": key_id, "GranteePrincipal": f"arn:aws:iam::{ACCOUNT}:role/service-{i}",
                 "Operations": ["Encrypt", "Decrypt", "GenerateDataKey"], "Name": f"service-{i}"}
        if i % 2:
            grant["Constraints"] = {"EncryptionContextSubset": {"service": f"service-{i}"}}
        kms.create_grant(**grant)
    assert len(kms.list_grants(KeyId=key_id)["Grants"]) == 10
    plaintext = base64.b64encode(os.urandom(4096)).decode()
    with open(os.path.join(out, "Encrypt.json"), "w") as f:
        json.dump({"KeyId": key_id, "Plaintext": plaintext}, f)
    print(f"prepare_access: key {key_id} on port {port}: 5-statement policy, 10 grants")


def sign(port, body_file, out):
    with open(body_file, "rb") as f:
        body = f.read()
    request = AWSRequest(method="POST", url=f"http://127.0.0.1:{port}/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.Encrypt"})
    SigV4Auth(Credentials(APP[0], APP[1], APP[2]), "kms", REGION).add_auth(request)
    with open(out, "w") as f:
        for name in ("X-Amz-Date", "X-Amz-Security-Token", "Authorization"):
            f.write(f"{name}: {request.headers[name]}\n")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("credentials")
    c.add_argument("out")
    s = sub.add_parser("setup")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--out", required=True)
    g = sub.add_parser("sign")
    g.add_argument("--port", type=int, required=True)
    g.add_argument("--body", required=True)
    g.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.cmd == "credentials":
        credentials(a.out)
    elif a.cmd == "setup":
        setup(a.port, a.out)
    else:
        sign(a.port, a.body, a.out)


if __name__ == "__main__":
    sys.exit(main())
