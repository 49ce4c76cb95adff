#!/usr/bin/env bash
# Lab 2, automatic and on-demand rotation on the virtual clock: the commands of README.md, checked.
# Needs a fresh Rotor with --clock virtual at $ROTOR (default http://127.0.0.1:4599).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
need_rotor virtual
need_v1_cli
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

step "1. A key, an alias, and a ciphertext made before any rotation"
key=$($kms create-key --description "orders database" --query KeyMetadata.KeyId --output text)
$kms create-alias --alias-name alias/orders --target-key-id "$key"
printf 'order 1001: 3 x espresso\n' > order.txt
$kms encrypt --key-id alias/orders --plaintext fileb://order.txt --query CiphertextBlob --output text | base64 -d > before.enc
material_1=$($kms1 describe-key --key-id alias/orders --query KeyMetadata.CurrentKeyMaterialId --output text)
echo "key=$key material_1=$material_1"

step "2. Turn on automatic rotation every 365 days"
$kms1 enable-key-rotation --key-id "$key" --rotation-period-in-days 365
$kms1 get-key-rotation-status --key-id "$key" | tee status.json
expect_eq "$(json '(d["KeyRotationEnabled"], d["RotationPeriodInDays"])' < status.json)" "(True, 365)" "rotation on, every 365 days"
rotor clock

step "3. The dashboard lists the key"
expect_eq "$(curl -sf -o /dev/null -w '%{http_code}' "$ROTOR/_rotor/ui")" 200 "GET /_rotor/ui"
curl -sf "$ROTOR/_rotor/keys" > keys.json
expect_eq "$(json '[(k["aliases"], k["rotation"]["enabled"], k["versions"]) for k in d["keys"] if k["keyId"] == "'"$key"'"]' < keys.json)" \
  "[(['alias/orders'], True, 1)]" "/_rotor/keys: alias/orders, rotation on, 1 version"

step "4. Move the clock 366 days: the rotation fires"
rotor clock advance 366d | tee fired.txt
# One line per event fired: time, event, key id, account, Region, rotation type, new KeyMaterialId.
expect_eq "$(awk 'NR > 1 {print $2, $3, $6}' fired.txt)" "RotateKey $key AUTOMATIC" "one AUTOMATIC rotation fired"

step "5. ListKeyRotations and the new current key material"
$kms1 list-key-rotations --key-id "$key" | tee rotations.json
expect_eq "$(json '[(r["RotationType"], r["KeyMaterialState"]) for r in d["Rotations"]]' < rotations.json)" \
  "[('AUTOMATIC', 'CURRENT')]" "one AUTOMATIC rotation, now current"
material_2=$($kms1 describe-key --key-id alias/orders --query KeyMetadata.CurrentKeyMaterialId --output text)
expect_ne "$material_2" "$material_1" "CurrentKeyMaterialId changed"
expect_eq "$(json 'd["Rotations"][0]["KeyMaterialId"]' < rotations.json)" "$material_2" "it is the rotation's KeyMaterialId"
$kms encrypt --key-id alias/orders --plaintext fileb://order.txt --query CiphertextBlob --output text | base64 -d > after.enc
next_before=$($kms1 get-key-rotation-status --key-id "$key" --query NextRotationDate --output text)

step "6. Rotate on demand"
$kms1 rotate-key-on-demand --key-id "$key"
$kms1 list-key-rotations --key-id "$key" | tee rotations.json
expect_eq "$(json '[(r["RotationType"], r["KeyMaterialState"]) for r in d["Rotations"]]' < rotations.json)" \
  "[('AUTOMATIC', 'NON_CURRENT'), ('ON_DEMAND', 'CURRENT')]" "AUTOMATIC then ON_DEMAND"
expect_eq "$($kms1 get-key-rotation-status --key-id "$key" --query NextRotationDate --output text)" "$next_before" \
  "on demand did not move NextRotationDate"

step "7. Every old ciphertext still decrypts, each with its own key material"
$kms1 decrypt --ciphertext-blob fileb://before.enc | tee decrypted.json
expect_eq "$(json 'd["KeyMaterialId"]' < decrypted.json)" "$material_1" "before.enc decrypts with material 1"
expect_eq "$(json '__import__("base64").b64decode(d["Plaintext"]).decode().strip()' < decrypted.json)" "order 1001: 3 x espresso" "same plaintext"
expect_eq "$($kms1 decrypt --ciphertext-blob fileb://after.enc --query KeyMaterialId --output text)" "$material_2" "after.enc decrypts with material 2"

step "8. The dashboard timeline"
curl -sf "$ROTOR/_rotor/keys/$key" > detail.json
expect_eq "$(json '[(v["version"], v["rotationType"]) for v in d["versions"]]' < detail.json)" \
  "[(1, None), (2, 'AUTOMATIC'), (3, 'ON_DEMAND')]" "/_rotor/keys/<id>: versions 1, AUTOMATIC, ON_DEMAND"
echo
echo "lab 2 passed"
