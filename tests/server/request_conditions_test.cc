// RequestConditions (server/wire/request_conditions.h): the condition keys a
// strict-mode request carries, read from its body and from the request itself,
// with the values AWS's policy evaluation compares (IAM User Guide, "AWS global
// condition context keys"; AWS KMS Developer Guide, "AWS KMS condition keys").
#include "server/wire/request_conditions.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "server/wire/operation_table.h"

using namespace rotor;
using namespace rotor::server::wire;
using nlohmann::json;

namespace {

// The values of condition key `key`, joined by ','; "<absent>" when absent.
std::string Values(const core::AccessRequest& access, std::string_view key) {
  for (const core::ConditionEntry& e : access.conditions) {
    if (e.key != key) continue;
    std::string out;
    for (std::string_view v : e.values) {
      if (!out.empty()) out += ',';
      out += v;
    }
    return out;
  }
  return "<absent>";
}

core::RequestContext At(core::Timestamp now) {
  core::RequestContext ctx;
  ctx.now = now;
  ctx.source_ip = "127.0.0.1";
  return ctx;
}

core::Timestamp Utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  using namespace std::chrono;
  return core::Timestamp(sys_days(year_month_day{year{y}, month{mo}, day{d}}).time_since_epoch() +
                         hours(h) + minutes(mi) + seconds(s) + milliseconds(ms));
}

}  // namespace

TEST_CASE("aws:CurrentTime and aws:EpochTime are the request's clock reading, in whole seconds") {
  const json body = {{"KeyId", "alias/app"}, {"Plaintext", "AA=="}};
  const OperationEntry& encrypt = *FindOperation("Encrypt");
  struct Row {
    core::Timestamp now;
    std::string iso;
    std::string epoch;
  };
  const std::vector<Row> rows = {
      {Utc(2026, 12, 1, 19, 12, 42, 999), "2026-12-01T19:12:42Z", "1796152362"},
      {Utc(1970, 1, 1, 0, 0, 0), "1970-01-01T00:00:00Z", "0"},
      {Utc(2024, 2, 29, 23, 59, 59, 500), "2024-02-29T23:59:59Z", "1709251199"},
      {Utc(2000, 1, 9, 5, 6, 7), "2000-01-09T05:06:07Z", "947394367"},
  };
  for (const Row& row : rows) {
    core::RequestContext ctx = At(row.now);
    RequestConditions conditions(encrypt, body, ctx);
    CAPTURE(row.iso);
    CHECK(Values(conditions.access(), "aws:CurrentTime") == row.iso);
    CHECK(Values(conditions.access(), "aws:EpochTime") == row.epoch);
  }
}

TEST_CASE("The body's members feed their condition keys, numbers as whole decimals") {
  core::RequestContext ctx = At(Utc(2026, 12, 1, 0, 0, 0));
  SECTION("Encrypt without EncryptionAlgorithm: SYMMETRIC_DEFAULT; an alias ARN: its alias") {
    const json body = {{"KeyId", "arn:aws:kms:us-east-1:111122223333:alias/app"},
                       {"Plaintext", "AA=="}};
    RequestConditions conditions(*FindOperation("Encrypt"), body, ctx);
    const core::AccessRequest& a = conditions.access();
    CHECK(a.actions[0] == "kms:Encrypt");
    CHECK(Values(a, "kms:EncryptionAlgorithm") == "SYMMETRIC_DEFAULT");
    CHECK(Values(a, "kms:RequestAlias") == "alias/app");
    CHECK(Values(a, "aws:SecureTransport") == "false");
    CHECK(Values(a, "aws:SourceIp") == "127.0.0.1");
    CHECK(Values(a, "kms:GrantIsForAWSResource") == "<absent>");
  }
  SECTION("ScheduleKeyDeletion's PendingWindowInDays, EnableKeyRotation's RotationPeriodInDays") {
    const json schedule = {{"KeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"},
                           {"PendingWindowInDays", 7}};
    RequestConditions s(*FindOperation("ScheduleKeyDeletion"), schedule, ctx);
    CHECK(Values(s.access(), "kms:ScheduleKeyDeletionPendingWindowInDays") == "7");
    CHECK(Values(s.access(), "kms:RequestAlias") == "<absent>");
    const json rotation = {{"KeyId", "1234abcd-12ab-34cd-56ef-1234567890ab"},
                           {"RotationPeriodInDays", 2560}};
    RequestConditions r(*FindOperation("EnableKeyRotation"), rotation, ctx);
    CHECK(Values(r.access(), "kms:RotationPeriodInDays") == "2560");
  }
  SECTION("A body of more members than the one-pass list holds reads the same, nulls as absent") {
    json body = {{"KeyId", "alias/app"}, {"PendingWindowInDays", 30}, {"MessageType", nullptr}};
    for (int i = 0; i < 20; ++i) body["Extra" + std::to_string(i)] = i;
    RequestConditions conditions(*FindOperation("ScheduleKeyDeletion"), body, ctx);
    CHECK(Values(conditions.access(), "kms:ScheduleKeyDeletionPendingWindowInDays") == "30");
    CHECK(Values(conditions.access(), "kms:RequestAlias") == "alias/app");
    CHECK(Values(conditions.access(), "kms:MessageType") == "<absent>");
    const json small = {{"KeyId", "alias/app"}, {"MessageType", nullptr}};
    RequestConditions s(*FindOperation("ScheduleKeyDeletion"), small, ctx);
    CHECK(Values(s.access(), "kms:MessageType") == "<absent>");
    CHECK(Values(s.access(), "kms:RequestAlias") == "alias/app");
  }
  SECTION("CreateGrant: its operations, constraint type and GrantIsForAWSResource") {
    const json body = {
        {"KeyId", "alias/app"},
        {"GranteePrincipal", "arn:aws:iam::111122223333:role/batch"},
        {"Operations", {"Decrypt", "Encrypt"}},
        {"Constraints", {{"EncryptionContextSubset", {{"tenant", "a"}}}}},
    };
    RequestConditions conditions(*FindOperation("CreateGrant"), body, ctx);
    const core::AccessRequest& a = conditions.access();
    CHECK(Values(a, "kms:GrantOperations") == "Decrypt,Encrypt");
    CHECK(Values(a, "kms:GrantConstraintType") == "EncryptionContextSubset");
    CHECK(Values(a, "kms:GrantIsForAWSResource") == "false");
  }
}
