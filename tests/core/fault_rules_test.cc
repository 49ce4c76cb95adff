#include "core/fault_rules.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace rotor::core;

namespace {

const Timestamp kT0 = Timestamp(Millis(1'800'000'000'000));
const std::string kKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
const std::string kKeyArn = "arn:aws:kms:us-east-1:111122223333:key/" + kKeyId;

FaultRule ThrottleEncrypt() {
  FaultRule r;
  r.match.operations = {"Encrypt"};
  r.action.kind = FaultKind::kError;
  r.action.error = ErrorCode::kThrottling;
  r.action.message = "slow down";
  return r;
}

FaultRequest Request(std::string_view op, const std::vector<std::string>& keys,
                     Timestamp now = kT0) {
  FaultRequest req;
  req.operation = op;
  req.keys = keys;
  req.account = "111122223333";
  req.region = "us-east-1";
  req.now = now;
  return req;
}

}  // namespace

TEST_CASE("No rules: any() is false and nothing fires") {
  FaultRules rules;
  CHECK_FALSE(rules.any());
  std::vector<std::string> keys;
  CHECK_FALSE(rules.Decide(Request("Encrypt", keys)).has_value());
}

TEST_CASE("An always-rule fires on its operations only and counts its fires") {
  FaultRules rules;
  std::string id = rules.Add(ThrottleEncrypt());
  CHECK(id == "fault-1");
  CHECK(rules.any());
  std::vector<std::string> keys;
  auto d = rules.Decide(Request("Encrypt", keys));
  REQUIRE(d.has_value());
  CHECK(d->rule_id == "fault-1");
  CHECK(d->action.error == ErrorCode::kThrottling);
  CHECK(d->action.message == "slow down");
  CHECK_FALSE(rules.Decide(Request("Decrypt", keys)).has_value());
  auto list = rules.List();
  REQUIRE(list.size() == 1);
  CHECK(list[0].fired == 1);
  CHECK(list[0].matched == 1);
}

TEST_CASE("Account, Region and principal narrow a rule") {
  // Each narrows the rule by one member; a request meets it once it has that member.
  struct Case {
    const char* what;
    void (*narrow)(FaultMatch&);
    void (*meet)(FaultRequest&);
  };
  const Case cases[] = {
      {"account", [](FaultMatch& m) { m.account = "444455556666"; },
       [](FaultRequest& q) { q.account = "444455556666"; }},
      {"Region", [](FaultMatch& m) { m.region = "eu-west-1"; },
       [](FaultRequest& q) { q.region = "eu-west-1"; }},
      {"principal ARN", [](FaultMatch& m) { m.principal = "arn:aws:iam::111122223333:user/app"; },
       [](FaultRequest& q) { q.principal_arn = "arn:aws:iam::111122223333:user/app"; }},
      {"access key id", [](FaultMatch& m) { m.principal = "AKIAEXAMPLE"; },
       [](FaultRequest& q) { q.access_key_id = "AKIAEXAMPLE"; }},
  };
  std::vector<std::string> keys;
  for (const Case& c : cases) {
    INFO(c.what);
    FaultRules rules;
    FaultRule r = ThrottleEncrypt();
    c.narrow(r.match);
    rules.Add(r);
    FaultRequest req = Request("Encrypt", keys);
    CHECK_FALSE(rules.Decide(req).has_value());
    c.meet(req);
    CHECK(rules.Decide(req).has_value());
  }
}

TEST_CASE("A key named by id or ARN matches requests naming it either way, and aliases likewise") {
  FaultRules rules;
  FaultRule r = ThrottleEncrypt();
  r.match.key = kKeyArn;
  rules.Add(r);
  std::vector<std::string> by_id = {kKeyId};
  std::vector<std::string> by_arn = {kKeyArn};
  std::vector<std::string> other = {"0000abcd-12ab-34cd-56ef-1234567890ab"};
  CHECK(rules.Decide(Request("Encrypt", by_id)).has_value());
  CHECK(rules.Decide(Request("Encrypt", by_arn)).has_value());
  CHECK_FALSE(rules.Decide(Request("Encrypt", other)).has_value());

  FaultRules aliases;
  r.match.key = "alias/app";
  aliases.Add(r);
  std::vector<std::string> alias_arn = {"arn:aws:kms:us-east-1:111122223333:alias/app"};
  std::vector<std::string> alias_name = {"alias/app"};
  CHECK(aliases.Decide(Request("Encrypt", alias_arn)).has_value());
  CHECK(aliases.Decide(Request("Encrypt", alias_name)).has_value());
  CHECK_FALSE(aliases.Decide(Request("Encrypt", by_id)).has_value());

  // ReEncrypt names two keys: either one matches.
  FaultRules reencrypt;
  r.match.operations = {"ReEncrypt"};
  reencrypt.Add(r);
  std::vector<std::string> two = {"alias/other", "alias/app"};
  std::vector<std::string> neither = {"alias/other", kKeyId};
  CHECK(reencrypt.Decide(Request("ReEncrypt", two)).has_value());
  CHECK_FALSE(reencrypt.Decide(Request("ReEncrypt", neither)).has_value());
  CHECK(FaultKeyOf(kKeyId) == FaultKeyOf(kKeyArn));
}

TEST_CASE("Next N fires on the next N matching requests, then never") {
  FaultRules rules;
  FaultRule r = ThrottleEncrypt();
  r.frequency.kind = FaultFrequencyKind::kNextN;
  r.frequency.count = 2;
  rules.Add(r);
  std::vector<std::string> keys;
  CHECK_FALSE(rules.Decide(Request("Decrypt", keys)).has_value());  // not a match: not counted
  CHECK(rules.Decide(Request("Encrypt", keys)).has_value());
  CHECK(rules.List()[0].remaining == 1);
  CHECK(rules.Decide(Request("Encrypt", keys)).has_value());
  CHECK_FALSE(rules.Decide(Request("Encrypt", keys)).has_value());
  auto s = rules.List()[0];
  CHECK(s.fired == 2);
  CHECK(s.matched == 3);
  CHECK(s.remaining == 0);
}

TEST_CASE("A clock window fires on requests from its start up to, not including, its end") {
  FaultRules rules;
  FaultRule r = ThrottleEncrypt();
  r.frequency.kind = FaultFrequencyKind::kWindow;
  r.frequency.from = kT0 + Millis(1000);
  r.frequency.until = kT0 + Millis(2000);
  rules.Add(r);
  std::vector<std::string> keys;
  CHECK_FALSE(rules.Decide(Request("Encrypt", keys, kT0)).has_value());
  CHECK(rules.Decide(Request("Encrypt", keys, kT0 + Millis(1000))).has_value());
  CHECK(rules.Decide(Request("Encrypt", keys, kT0 + Millis(1999))).has_value());
  CHECK_FALSE(rules.Decide(Request("Encrypt", keys, kT0 + Millis(2000))).has_value());
}

TEST_CASE("A probability with a seed gives the same outcomes for the same requests") {
  auto outcomes = [](uint64_t seed) {
    FaultRules rules;
    FaultRule r = ThrottleEncrypt();
    r.frequency.kind = FaultFrequencyKind::kProbability;
    r.frequency.probability = 0.3;
    r.frequency.seed = seed;
    rules.Add(r);
    std::vector<std::string> keys;
    std::string out;
    for (int i = 0; i < 1000; ++i) out += rules.Decide(Request("Encrypt", keys)) ? '1' : '0';
    return out;
  };
  std::string a = outcomes(42);
  CHECK(a == outcomes(42));
  CHECK(a != outcomes(43));
  auto fired = std::count(a.begin(), a.end(), '1');
  CHECK(fired > 250);  // 30% of 1000, within 5 points
  CHECK(fired < 350);
}

TEST_CASE("The first rule that matches and fires decides, removed rules are gone") {
  FaultRules rules;
  FaultRule never = ThrottleEncrypt();
  never.frequency.kind = FaultFrequencyKind::kNextN;
  never.frequency.count = 0;
  std::string a = rules.Add(never);
  FaultRule delay;
  delay.action.kind = FaultKind::kDelay;
  delay.action.delay = Millis(250);
  std::string b = rules.Add(delay);
  std::vector<std::string> keys;
  auto d = rules.Decide(Request("Encrypt", keys));
  REQUIRE(d.has_value());
  CHECK(d->rule_id == b);
  CHECK(d->action.kind == FaultKind::kDelay);
  CHECK(d->action.delay == Millis(250));
  CHECK(rules.Remove(b));
  CHECK_FALSE(rules.Remove(b));
  CHECK_FALSE(rules.Decide(Request("Encrypt", keys)).has_value());
  rules.Clear();
  CHECK_FALSE(rules.any());
  // Ids are never reused.
  CHECK(rules.Add(delay) == "fault-3");
  CHECK(a == "fault-1");
}
