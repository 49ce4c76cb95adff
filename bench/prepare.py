#!/usr/bin/env python3
"""Prepares one server for bench/run.sh: a key, a 4 KiB Encrypt body, a
ciphertext for Decrypt, and --rotation-keys keys for RotateKeyOnDemand.
Writes <out>/<op>.json bodies (with {KEY} where kms.lua substitutes a key id)
and <out>/rotation_keys.txt. Stdlib only; loopback only."""
import argparse
import base64
import http.client
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor


def post(port, path, body, headers, timeout=30):
    """POST a JSON body to 127.0.0.1:port; the decoded answer, or RuntimeError if not 200."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", path, json.dumps(body), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{path} {headers.get('X-Amz-Target', '')} -> {r.status} {data[:300]!r}")
        return json.loads(data or b"{}")
    finally:
        conn.close()


def call(port, op, body, timeout=30):
    """One KMS operation (JSON 1.1)."""
    return post(port, "/", body, {
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService." + op,
        # moto reads the account/region from a SigV4 header; any well-formed one will do.
        "Authorization": "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, "
                         "SignedHeaders=host, Signature=0"}, timeout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rotation-keys", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    key = call(a.port, "CreateKey", {"Description": "bench"})["KeyMetadata"]["KeyId"]
    plaintext = base64.b64encode(os.urandom(4096)).decode()
    blob = call(a.port, "Encrypt", {"KeyId": key, "Plaintext": plaintext})["CiphertextBlob"]
    bodies = {
        "Encrypt": {"KeyId": key, "Plaintext": plaintext},
        "Decrypt": {"CiphertextBlob": blob},
        "GenerateDataKey": {"KeyId": key, "KeySpec": "AES_256"},
        "DescribeKey": {"KeyId": key},
        "CreateKey": {},
        "RotateKeyOnDemand": {"KeyId": "{KEY}"},
    }
    for op, body in bodies.items():
        with open(os.path.join(a.out, op + ".json"), "w") as f:
            json.dump(body, f)
    if a.rotation_keys:
        with ThreadPoolExecutor(8) as ex:
            ids = list(ex.map(lambda _: call(a.port, "CreateKey", {})["KeyMetadata"]["KeyId"],
                              range(a.rotation_keys)))
        with open(os.path.join(a.out, "rotation_keys.txt"), "w") as f:
            f.write("\n".join(ids) + "\n")
    print(f"prepared {a.out}: key {key}, {a.rotation_keys} rotation keys", file=sys.stderr)


if __name__ == "__main__":
    main()
