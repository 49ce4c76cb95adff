#!/usr/bin/env python3
"""Seeds tests/fuzz/corpus/<target>/ from real requests.

    tests/fuzz/make_corpus.py BUILD_DIR

fuzz_router writes its seeds itself (ROTOR_FUZZ_PRINT_SEEDS): real requests, one
per operation family, made against the fixed state every input starts from, so
the Decrypt seeds carry ciphertexts that really decrypt. The other corpora are
derived from them (bodies, ciphertext blobs) plus hand-written edge cases.
Existing files (fuzzer finds, crash regressions) are kept.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def put(target, data: bytes, name=None):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    name = name or "seed-" + hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


SEED_YAML = """Account: "111122223333"
Region: us-east-1
Keys:
  Symmetric:
    Aes:
      - Metadata:
          KeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
          Description: payments
          KeyState: Enabled
          Tags: [{TagKey: team, TagValue: payments}]
          CreationDate: "2025-01-01T00:00:00Z"
        BackingKeys:
          - 5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9
          - 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
        KeyMaterials:
          - {KeyMaterialId: aaaa, CreatedAt: "2025-01-01T00:00:00Z"}
          - {KeyMaterialId: bbbb, CreatedAt: "2025-06-01T00:00:00Z", RotationType: ON_DEMAND}
        Rotation: {Enabled: true, PeriodInDays: 90, NextRotationDate: "2025-09-01T00:00:00Z"}
        NextKeyRotation: "2025-09-01T00:00:00Z"
  Hmac:
    - Metadata: {KeyId: 1b7a3f8e-2c4d-4e5f-8a9b-0c1d2e3f4a5b, KeySpec: HMAC_256}
      BackingKeys: [00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff]
  Asymmetric:
    Ecc:
      - Metadata: {KeyId: 7d9e1f2a-3b4c-4d5e-9f6a-7b8c9d0e1f2a, KeyUsage: SIGN_VERIFY}
        PrivateKeyPem: |
%s
Aliases:
  - AliasName: alias/payments
    TargetKeyId: bc436485-5092-42b8-92a3-0aa8b93536dc
  - {AliasName: alias/other, TargetKeyId: 1b7a3f8e-2c4d-4e5f-8a9b-0c1d2e3f4a5b, Region: eu-west-1}
"""


def seed_files():
    """fuzz_seed_file: byte 0 even = YAML, odd = JSON."""
    try:
        pem = subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
                             capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n"
    text = SEED_YAML % "\n".join("          " + ln for ln in pem.strip().splitlines())
    put("fuzz_seed_file", b"\0" + text.encode(), "seed-full.yaml")
    put("fuzz_seed_file", b"\0" + text.split("Keys:")[0].encode() + b"Keys: {}\n", "seed-empty.yaml")
    put("fuzz_seed_file", b"\0" + b"Keys:\n  Symmetric:\n    Aes:\n      - Metadata: {KeyId: x}\n"
        b"        BackingKeys: [zz]\n", "seed-bad.yaml")
    doc = {"Account": "111122223333", "Region": "us-east-1", "Keys": {"Symmetric": {"Aes": [{
        "Metadata": {"KeyId": "bc436485-5092-42b8-92a3-0aa8b93536dc", "Description": "j"},
        "BackingKeys": ["5cdaead27fe7da2de47945d73cd6d79e36494e73802f3cd3869f1d2cb0b5d7a9"],
        "Rotation": {"Enabled": True, "PeriodInDays": 365}}]}},
        "Aliases": [{"AliasName": "alias/j", "TargetKeyId": "bc436485-5092-42b8-92a3-0aa8b93536dc"}]}
    put("fuzz_seed_file", b"\1" + json.dumps(doc).encode(), "seed-small.json")
    put("fuzz_seed_file", b"\1" + json.dumps(doc, indent=1).encode().replace(b"365", b"99999999999"),
        "seed-big-period.json")


def main(build):
    router = os.path.join(build, "tests", "fuzz", "fuzz_router")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([router], env=dict(os.environ, ROTOR_FUZZ_PRINT_SEEDS=tmp), check=True)
        seeds = {n: open(os.path.join(tmp, n), "rb").read() for n in sorted(os.listdir(tmp))}
    for name, data in seeds.items():
        put("fuzz_router", data, "seed-" + name)
        op, flags, rest = data[0], data[1], data[2:]
        if flags & 1:
            auth, _, rest = rest.partition(b"\n")
            put("fuzz_sigv4", auth)
        put("fuzz_json_request", bytes([op]) + rest, "seed-" + name)
        try:
            body = json.loads(rest)
        except ValueError:
            continue
        if isinstance(body, dict) and isinstance(body.get("CiphertextBlob"), str):
            blob = base64.b64decode(body["CiphertextBlob"])
            put("fuzz_ciphertext_blob", blob, "seed-" + name)
            put("fuzz_ciphertext_blob", blob[:-1], "seed-" + name + "-short")
            put("fuzz_ciphertext_blob", blob[:49], "seed-" + name + "-empty-plaintext")
    for i, blob in enumerate([b"", b"\x01", b"\x01" + b"\0" * 48, b"\x02" + b"\0" * 60, b"\x01" + b"\xff" * 100]):
        put("fuzz_ciphertext_blob", blob, f"seed-edge-{i}")
    for i, h in enumerate([
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/kms/aws4_request, "
            "SignedHeaders=host;x-amz-date, Signature=abc",
            "AWS4-HMAC-SHA256 Credential=111122223333/20260101/eu-west-1/kms/aws4_request,SignedHeaders=host,Signature=x",
            "AWS4-HMAC-SHA256 Credential=a/b, Signature=x", "garbage", "",
            "AWS4-HMAC-SHA256 Signature=x Credential=A/1/r/s/aws4_request"]):
        put("fuzz_sigv4", h.encode(), f"seed-{i}")
    seed_files()
    print("corpus:", {t: len(os.listdir(os.path.join(CORPUS, t))) for t in sorted(os.listdir(CORPUS))})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build-fuzz"))
