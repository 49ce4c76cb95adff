#!/usr/bin/env bash
# Lab 5, retries under throttling: the commands of README.md, run in order and checked.
# Needs a fresh Rotor at $ROTOR (default http://127.0.0.1:4599); labs/run_all.sh starts one.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
need_rotor

step "1. A key and an application that encrypts ten secrets"
key=$($kms create-key --description "app key" --query KeyMetadata.Arn --output text)
$kms create-alias --alias-name alias/app --target-key-id "$key"
cat > app.sh <<'APP'
#!/usr/bin/env bash
# Encrypts secret-1 .. secret-10 under alias/app; stops at the first failure.
set -euo pipefail
for i in $(seq 1 10); do
  printf 'secret %d\n' "$i" > "secret-$i.txt"
  aws --endpoint-url "$ROTOR" kms encrypt --key-id alias/app --plaintext "fileb://secret-$i.txt" \
    --query CiphertextBlob --output text > "secret-$i.b64"
done
echo "app: 10 secrets encrypted"
APP
chmod +x app.sh
./app.sh
expect_eq "$(ls secret-*.b64 | wc -l)" "10" "without faults the application encrypts all ten"

step "2. Make KMS throttle: 30% of Encrypt requests answer ThrottlingException"
curl -sf -X POST "$ROTOR/_rotor/faults" -H 'Content-Type: application/json' -d '{
  "match": {"operations": ["Encrypt"]},
  "action": {"error": "ThrottlingException"},
  "frequency": {"probability": 0.3, "seed": 4}}' | tee rule.json
echo
rule=$(python3 -c 'import json; print(json.load(open("rule.json"))["id"])')
expect_eq "$rule" "fault-1" "the rule is fault-1"

step "3. Without retries the application fails"
rm -f secret-*.b64
expect_error ThrottlingException "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls." \
  env AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=1 ./app.sh
echo "encrypted before the failure: $(find . -name 'secret-*.b64' -size +0 | wc -l)"

step "4. With the SDK's standard retries it succeeds"
rm -f secret-*.b64
AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=10 ./app.sh
expect_eq "$(ls secret-*.b64 | wc -l)" "10" "with retries all ten are encrypted"

step "5. The audit trail shows every throttled attempt"
curl -sf "$ROTOR/_rotor/faults" > faults.json
curl -sf "$ROTOR/_rotor/events?name=Encrypt&limit=1000" > events.json
python3 - <<'PY' | tee counts.txt
import json
fired = json.load(open("faults.json"))["faults"][0]["fired"]
events = json.load(open("events.json"))["events"]
throttled = sum(1 for e in events if e.get("errorCode") == "ThrottlingException")
print(f"fault-1 fired {fired} times; {throttled} Encrypt events with errorCode ThrottlingException; "
      f"{sum(1 for e in events if e.get('errorCode') is None)} succeeded")
PY
fired=$(python3 -c 'import json; print(json.load(open("faults.json"))["faults"][0]["fired"])')
throttled=$(python3 -c 'import json; print(sum(1 for e in json.load(open("events.json"))["events"] if e.get("errorCode") == "ThrottlingException"))')
expect_eq "$throttled" "$fired" "each throttled attempt is an audit event"
[[ "$fired" -ge 2 ]] || fail "step 4 was not throttled: fired $fired"
ok "steps 3 and 4 were throttled $fired times; step 4 retried through every one"

step "6. Clean up: remove the rule"
curl -sf -X DELETE "$ROTOR/_rotor/faults"
echo
rm -f secret-*.b64
./app.sh
echo
echo "lab 5 passed"
