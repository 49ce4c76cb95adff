#!/usr/bin/env bash
# Lab 4, least privilege: README.md's commands, checked. Needs a fresh Rotor in strict mode with this
# lab's credentials file at $ROTOR (default http://127.0.0.1:4599):
#   scripts/run.sh --in-memory --auth strict --credentials-file labs/4-least-privilege/credentials.yaml
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
need_rotor

# Each principal of credentials.yaml signs its own requests.
as_admin() { AWS_ACCESS_KEY_ID=AKIALABADMIN00000003 AWS_SECRET_ACCESS_KEY=lab-admin-secret $kms "$@"; }
as_app() {
  AWS_ACCESS_KEY_ID=ASIALABAPP0000000001 AWS_SECRET_ACCESS_KEY=lab-app-secret \
    AWS_SESSION_TOKEN=lab-app-session-token $kms "$@"
}
as_batch() {
  AWS_ACCESS_KEY_ID=ASIALABBATCH00000002 AWS_SECRET_ACCESS_KEY=lab-batch-secret \
    AWS_SESSION_TOKEN=lab-batch-session-token $kms "$@"
}
denied() {  # denied CALLER ACTION KEY-ARN: AWS's text when no key policy statement allows it
  echo "User: $1 is not authorized to perform: $2 on resource: $3 because no resource-based policy allows the $2 action"
}
app=arn:aws:sts::111122223333:assumed-role/app/web
batch=arn:aws:sts::111122223333:assumed-role/batch/nightly

step "1. Strict mode: an unknown access key is refused"
expect_error UnrecognizedClientException "The security token included in the request is invalid." \
  $kms list-keys

step "2. A key whose policy lets the application encrypt, and nothing else"
cat > policy.json <<'JSON'
{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "KeyAdministrator", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:user/admin"},
     "Action": "kms:*", "Resource": "*"},
    {"Sid": "ApplicationEncryptsOnly", "Effect": "Allow",
     "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"},
     "Action": ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], "Resource": "*"}
  ]
}
JSON
arn=$(as_admin create-key --description "payroll" --policy file://policy.json --query KeyMetadata.Arn --output text)
echo "arn=$arn"

step "3. The application encrypts; it cannot decrypt"
printf 'alice: 5200\nbob: 4800\n' > payroll.txt
printf 'campaign budget: 90000\n' > marketing.txt
as_app encrypt --key-id "$arn" --plaintext fileb://payroll.txt --encryption-context purpose=payroll \
  --query CiphertextBlob --output text | base64 -d > payroll.enc
as_app encrypt --key-id "$arn" --plaintext fileb://marketing.txt --encryption-context purpose=marketing \
  --query CiphertextBlob --output text | base64 -d > marketing.enc
ok "payroll.enc and marketing.enc written by the application"
expect_error AccessDeniedException "$(denied "$app" kms:Decrypt "$arn")" \
  as_app decrypt --ciphertext-blob fileb://payroll.enc --encryption-context purpose=payroll

step "4. The batch job is not in the key policy: denied too"
expect_error AccessDeniedException "$(denied "$batch" kms:Decrypt "$arn")" \
  as_batch decrypt --ciphertext-blob fileb://payroll.enc --encryption-context purpose=payroll

step "5. A grant lets the batch job decrypt payroll data, and only that"
as_admin create-grant --key-id "$arn" --grantee-principal arn:aws:iam::111122223333:role/batch \
  --operations Decrypt --constraints EncryptionContextSubset={purpose=payroll} > grant.json
cat grant.json
grant_id=$(python3 -c 'import json; print(json.load(open("grant.json"))["GrantId"])')
grant_token=$(python3 -c 'import json; print(json.load(open("grant.json"))["GrantToken"])')
expect_eq "$(as_batch decrypt --ciphertext-blob fileb://payroll.enc --encryption-context purpose=payroll \
  --grant-tokens "$grant_token" --query Plaintext --output text | base64 -d | head -1)" \
  "alice: 5200" "the batch job decrypts payroll.enc (grant token: usable at once)"
expect_error AccessDeniedException "$(denied "$batch" kms:Decrypt "$arn")" \
  as_batch decrypt --ciphertext-blob fileb://marketing.enc --encryption-context purpose=marketing
expect_error AccessDeniedException "$(denied "$batch" kms:Encrypt "$arn")" \
  as_batch encrypt --key-id "$arn" --plaintext fileb://payroll.txt --encryption-context purpose=payroll

step "6. The grant is revoked: denied at once"
as_admin revoke-grant --key-id "$arn" --grant-id "$grant_id"
expect_error AccessDeniedException "$(denied "$batch" kms:Decrypt "$arn")" \
  as_batch decrypt --ciphertext-blob fileb://payroll.enc --encryption-context purpose=payroll

step "7. The audit trail: who was denied what"
curl -sf --max-time 10 "$ROTOR/_rotor/events" > events.json
python3 - <<'PY' | tee denials.txt
import json
for e in json.load(open("events.json"))["events"]:
    if e.get("errorCode") == "AccessDenied":
        print(e["eventTime"], e["userIdentity"]["arn"], e["eventName"], e["userIdentity"]["accessKeyId"])
PY
expect_eq "$(wc -l < denials.txt | tr -d ' ')" 5 "five denials recorded"
expect_eq "$(grep -c "$batch Decrypt" denials.txt)" 3 "three of them: the batch job's Decrypt"
expect_contains "$(cat denials.txt)" "$app Decrypt ASIALABAPP0000000001" "the application's Decrypt, with its access key"
echo
echo "lab 4 passed"
