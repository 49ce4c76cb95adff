#!/usr/bin/env python3
"""Writes server/wire/kms_model.json: the botocore KMS model without its
documentation, which Rotor embeds to validate every request (shapes, enums,
min/max, patterns). Run it when botocore updates the model; the unit test
`kms model is current` fails when the embedded copy differs from the
machine's botocore model.

Usage: scripts/gen_kms_model.py [--check]
"""
import gzip
import json
import os
import sys

KEEP = ("type", "members", "required", "min", "max", "pattern", "enum", "sensitive",
        "member", "key", "value", "exception")


def botocore_model_path():
    import botocore  # the preinstalled Python has it; it is the wire contract's source of truth
    return os.path.join(os.path.dirname(botocore.__file__), "data", "kms", "2014-11-01",
                        "service-2.json.gz")


def stripped(model):
    shapes = {}
    for name, shape in model["shapes"].items():
        s = {k: v for k, v in shape.items() if k in KEEP}
        if "members" in s:
            s["members"] = {m: {"shape": v["shape"]} for m, v in s["members"].items()}
        for k in ("member", "key", "value"):
            if k in s:
                s[k] = {"shape": s[k]["shape"]}
        shapes[name] = s
    ops = {name: {"input": op.get("input", {}).get("shape"),
                  "output": op.get("output", {}).get("shape")}
           for name, op in model["operations"].items()}
    return {"metadata": {k: model["metadata"][k] for k in ("apiVersion", "targetPrefix", "jsonVersion")},
            "operations": ops, "shapes": shapes}


def main():
    with gzip.open(botocore_model_path(), "rt") as f:
        text = json.dumps(stripped(json.load(f)), sort_keys=True, separators=(",", ":")) + "\n"
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server", "wire", "kms_model.json")
    if "--check" in sys.argv:
        with open(out) as f:
            if f.read() != text:
                print("server/wire/kms_model.json differs from botocore's KMS model; run scripts/gen_kms_model.py")
                return 1
        print("kms model is current")
        return 0
    with open(out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
