#!/usr/bin/env bash
# Lab 1, alias swap and re-encryption: the commands of README.md, run in order and checked.
# Needs a fresh Rotor at $ROTOR (default http://127.0.0.1:4599); labs/run_all.sh starts one.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
need_rotor

step "1. A key for the application, reached through alias/app"
key_v1=$($kms create-key --description "app key v1" --query KeyMetadata.Arn --output text)
$kms create-alias --alias-name alias/app --target-key-id "$key_v1"
echo "key_v1=$key_v1"

step "2. Envelope encryption through the alias"
$kms generate-data-key --key-id alias/app --key-spec AES_256 > datakey.json
cat datakey.json
python3 -c 'import json,sys; print(json.load(open("datakey.json"))["CiphertextBlob"])' | base64 -d > datakey.enc
data_key=$(python3 -c 'import json; print(json.load(open("datakey.json"))["Plaintext"])')
printf 'db-password=hunter2\n' > secret.txt
$kms encrypt --key-id alias/app --plaintext fileb://secret.txt --query CiphertextBlob --output text | base64 -d > secret.enc
expect_eq "$(python3 -c 'import json; print(json.load(open("datakey.json"))["KeyId"])')" "$key_v1" "the data key is under key_v1"

step "3. Swap alias/app to a new key"
key_v2=$($kms create-key --description "app key v2" --query KeyMetadata.Arn --output text)
$kms update-alias --alias-name alias/app --target-key-id "$key_v2"
expect_eq "$($kms describe-key --key-id alias/app --query KeyMetadata.Arn --output text)" "$key_v2" "alias/app now names key_v2"

step "4. Old ciphertext still decrypts, with the old key"
plain=$($kms decrypt --ciphertext-blob fileb://secret.enc --key-id "$key_v1" --query Plaintext --output text | base64 -d)
expect_eq "$plain" "db-password=hunter2" "secret.enc decrypts with key_v1"
expect_eq "$($kms decrypt --ciphertext-blob fileb://datakey.enc --query Plaintext --output text)" "$data_key" "datakey.enc gives back the same data key"
expect_error IncorrectKeyException "does not identify a CMK" \
  $kms decrypt --ciphertext-blob fileb://secret.enc --key-id alias/app

step "5. ReEncrypt under the key alias/app names now"
$kms re-encrypt --ciphertext-blob fileb://secret.enc --source-key-id "$key_v1" --destination-key-id alias/app > reencrypted.json
cat reencrypted.json
expect_eq "$(python3 -c 'import json; print(json.load(open("reencrypted.json"))["SourceKeyId"])')" "$key_v1" "SourceKeyId is key_v1"
expect_eq "$(python3 -c 'import json; print(json.load(open("reencrypted.json"))["KeyId"])')" "$key_v2" "KeyId is key_v2"
python3 -c 'import json; print(json.load(open("reencrypted.json"))["CiphertextBlob"])' | base64 -d > secret.v2.enc
$kms decrypt --ciphertext-blob fileb://secret.v2.enc --output json > decrypted.json
expect_eq "$(python3 -c 'import json; print(json.load(open("decrypted.json"))["KeyId"])')" "$key_v2" "secret.v2.enc is under key_v2"
expect_eq "$(python3 -c 'import json,base64; print(base64.b64decode(json.load(open("decrypted.json"))["Plaintext"]).decode().strip())')" \
  "db-password=hunter2" "secret.v2.enc holds the same secret"

step "6. Retire the old key: DisableKey"
$kms disable-key --key-id "$key_v1"
expect_error DisabledException "$key_v1 is disabled." \
  $kms decrypt --ciphertext-blob fileb://secret.enc
expect_eq "$($kms decrypt --ciphertext-blob fileb://secret.v2.enc --query Plaintext --output text | base64 -d)" \
  "db-password=hunter2" "the re-encrypted copy still decrypts"

step "7. Something was missed: EnableKey brings it back"
$kms enable-key --key-id "$key_v1"
expect_eq "$($kms decrypt --ciphertext-blob fileb://secret.enc --query Plaintext --output text | base64 -d)" \
  "db-password=hunter2" "secret.enc decrypts again"
echo
echo "lab 1 passed"
