#!/usr/bin/env bash
# Lab 3, disabled keys and pending deletion, with the exact AWS errors: README.md's commands, checked.
# Needs a fresh Rotor with --clock virtual at $ROTOR (default http://127.0.0.1:4599).
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
need_rotor virtual

step "1. A key in use"
arn=$($kms create-key --description "legacy reports" --query KeyMetadata.Arn --output text)
$kms create-alias --alias-name alias/reports --target-key-id "$arn"
printf 'Q3 revenue: 1.2M\n' > report.txt
$kms encrypt --key-id alias/reports --plaintext fileb://report.txt --query CiphertextBlob --output text | base64 -d > report.enc
echo "arn=$arn"

step "2. DisableKey: every use is refused with DisabledException"
$kms disable-key --key-id "$arn"
expect_eq "$($kms describe-key --key-id alias/reports --query 'KeyMetadata.[KeyState,Enabled]' --output text)" \
  "Disabled	False" "KeyState Disabled, Enabled false"
expect_error DisabledException "$arn is disabled." \
  $kms encrypt --key-id alias/reports --plaintext fileb://report.txt
expect_error DisabledException "$arn is disabled." \
  $kms decrypt --ciphertext-blob fileb://report.enc

step "3. EnableKey: back in service"
$kms enable-key --key-id "$arn"
expect_eq "$($kms decrypt --ciphertext-blob fileb://report.enc --query Plaintext --output text | base64 -d)" \
  "Q3 revenue: 1.2M" "report.enc decrypts"

step "4. ScheduleKeyDeletion: the window is 7 to 30 days"
expect_error ValidationException "" \
  $kms schedule-key-deletion --key-id "$arn" --pending-window-in-days 6
$kms schedule-key-deletion --key-id "$arn" --pending-window-in-days 7 | tee deletion.json
expect_contains "$(cat deletion.json)" '"KeyState": "PendingDeletion"' "KeyState PendingDeletion"

step "5. A key pending deletion: KMSInvalidStateException"
expect_error KMSInvalidStateException "$arn is pending deletion." \
  $kms decrypt --ciphertext-blob fileb://report.enc
expect_error KMSInvalidStateException "$arn is pending deletion." \
  $kms encrypt --key-id alias/reports --plaintext fileb://report.txt

step "6. CancelKeyDeletion: the key comes back Disabled, not Enabled"
$kms cancel-key-deletion --key-id "$arn"
expect_eq "$($kms describe-key --key-id "$arn" --query KeyMetadata.KeyState --output text)" Disabled "KeyState Disabled"
expect_error DisabledException "$arn is disabled." \
  $kms decrypt --ciphertext-blob fileb://report.enc

step "7. Schedule again and let the window run out on the virtual clock"
$kms schedule-key-deletion --key-id "$arn" --pending-window-in-days 7 --query DeletionDate --output text
rotor clock advance 6d
expect_eq "$($kms describe-key --key-id "$arn" --query KeyMetadata.KeyState --output text)" PendingDeletion "after 6 days: still PendingDeletion"
fired=$(rotor clock advance 1d); echo "$fired"
expect_contains "$fired" "DeleteKey  ${arn##*/}" "after 7 days: DeleteKey fired"

step "8. Gone for good: NotFoundException"
expect_error NotFoundException "Key '$arn' does not exist" \
  $kms describe-key --key-id "$arn"
expect_error NotFoundException "alias/reports is not found." \
  $kms encrypt --key-id alias/reports --plaintext fileb://report.txt
expect_error NotFoundException "Key '$arn' does not exist" \
  $kms decrypt --ciphertext-blob fileb://report.enc
echo
echo "lab 3 passed"
