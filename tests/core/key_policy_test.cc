// Key policies: the policy language (core/key_policy_document.h), the access
// decision (core/key_policy_decision.h), grant matching, the lockout safety
// check and the service's CreateKey/PutKeyPolicy validation, with plain values.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "core/key_policy_document.h"
#include "service_fixture.h"
#include "tests/thrown_error.h"

using namespace rotor::core;
using rotor::core::testing::ServiceFixture;

using rotor::testing::ThrownError;

namespace {

constexpr std::string_view kAccount = "111122223333";
constexpr std::string_view kOther = "444455556666";
const std::string kKeyArn =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const std::string kApp = "arn:aws:iam::111122223333:role/app";
const std::string kRoot = "arn:aws:iam::111122223333:root";

enum class Who { kAccountRoot, kAppRole, kAppSession, kBob, kExternal, kExternalRoot, kS3 };

struct Caller {
  std::string arn, principal_arn, account, type, service;
};

Caller CallerOf(Who who) {
  switch (who) {
    case Who::kAccountRoot:
      return {kRoot, kRoot, std::string(kAccount), "Account", ""};
    case Who::kAppRole:
      return {kApp, kApp, std::string(kAccount), "AssumedRole", ""};
    case Who::kAppSession:
      return {"arn:aws:sts::111122223333:assumed-role/app/s1", kApp, std::string(kAccount),
              "AssumedRole", ""};
    case Who::kBob:
      return {"arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:user/bob",
              std::string(kAccount), "User", ""};
    case Who::kExternal:
      return {"arn:aws:iam::444455556666:role/ext", "arn:aws:iam::444455556666:role/ext",
              std::string(kOther), "AssumedRole", ""};
    case Who::kExternalRoot:
      return {"arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:root",
              std::string(kOther), "Account", ""};
    case Who::kS3:
      return {"s3.amazonaws.com", "", "", "", "s3.amazonaws.com"};
  }
  return {};
}

using Out = AccessOutcome;

struct Row {
  std::string name;
  std::string statements;  // the key policy's Statement array
  const char* identity;    // the caller's identity policy's Statement array, or nullptr
  Who who;
  std::string action;
  EncryptionContext context;
  std::map<std::string, std::vector<std::string>> keys;
  Out expected;
};

std::string Policy(const std::string& statements) {
  return R"({"Version":"2012-10-17","Statement":)" + statements + "}";
}

// One Allow statement for the app role on kms:Decrypt with `condition`.
std::string AppIf(const std::string& condition) {
  return R"([{"Effect":"Allow","Principal":{"AWS":")" + kApp +
         R"("},"Action":"kms:Decrypt","Resource":"*","Condition":)" + condition + "}]";
}

const std::string kDefault =
    R"([{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}])";
const std::string kAppDecrypt =
    R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}])";

AccessOutcome Decide(const Row& row) {
  auto key_policy = CompilePolicy(Policy(row.statements), PolicyKind::kKeyPolicy);
  std::shared_ptr<const CompiledPolicy> identity;
  if (row.identity) identity = CompilePolicy(Policy(row.identity), PolicyKind::kIdentityPolicy);
  Caller c = CallerOf(row.who);
  std::vector<std::vector<std::string_view>> views;
  views.reserve(row.keys.size());
  std::vector<ConditionEntry> entries;
  for (const auto& [k, vs] : row.keys) {
    views.emplace_back(vs.begin(), vs.end());
    entries.push_back({k, views.back()});
  }
  entries.push_back({"aws:PrincipalArn", {}});  // an empty key counts as absent
  AccessCheck check;
  check.key_policy = key_policy.get();
  check.identity_policy = identity.get();
  check.key_account = kAccount;
  check.request.action = row.action;
  check.request.resource = kKeyArn;
  check.request.caller_arn = c.arn;
  check.request.principal_arn = c.principal_arn;
  check.request.principal_account = c.account;
  check.request.service = c.service;
  check.request.conditions = entries;
  check.request.encryption_context = row.context.empty() ? nullptr : &row.context;
  return DecideAccess(check).outcome;
}

std::vector<Row> Rows() {
  const char* kIdentityAll = R"([{"Effect":"Allow","Action":"kms:*","Resource":"*"}])";
  const char* kIdentityEncrypt = R"([{"Effect":"Allow","Action":"kms:Encrypt","Resource":"*"}])";
  const char* kIdentityDenyDecrypt =
      R"([{"Effect":"Allow","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Action":"kms:Decrypt","Resource":"*"}])";
  const char* kIdentityOtherKey =
      R"([{"Effect":"Allow","Action":"kms:*","Resource":"arn:aws:kms:us-east-1:111122223333:key/other"}])";
  EncryptionContext it{{"Dept", "IT"}};
  EncryptionContext two{{"Dept", "IT"}, {"Project", "x"}};
  using K = std::map<std::string, std::vector<std::string>>;
  std::vector<Row> rows = {
      // ---- Decision paths.
      {"default policy: root",
       kDefault,
       nullptr,
       Who::kAccountRoot,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"default policy: role without identity policy (full IAM permissions)",
       kDefault,
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"default policy: identity allows kms:*",
       kDefault,
       kIdentityAll,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"default policy: identity allows only Encrypt",
       kDefault,
       kIdentityEncrypt,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoIdentityPolicyAllows},
      {"default policy: identity allows Encrypt",
       kDefault,
       kIdentityEncrypt,
       Who::kAppRole,
       "kms:Encrypt",
       {},
       {},
       Out::kAllowed},
      {"default policy: identity explicit deny",
       kDefault,
       kIdentityDenyDecrypt,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInIdentity},
      {"default policy: identity names another key",
       kDefault,
       kIdentityOtherKey,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoIdentityPolicyAllows},
      {"key policy names the role: no identity policy needed",
       kAppDecrypt,
       kIdentityEncrypt,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"key policy names the role: a session of the role",
       kAppDecrypt,
       nullptr,
       Who::kAppSession,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"key policy names the role: another user",
       kAppDecrypt,
       nullptr,
       Who::kBob,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"key policy names the role: another action",
       kAppDecrypt,
       nullptr,
       Who::kAppRole,
       "kms:Encrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"key policy names the session ARN",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/app/s1"},"Action":"kms:*","Resource":"*"}])",
       nullptr,
       Who::kAppSession,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"no statement for the account: root is denied too",
       kAppDecrypt,
       nullptr,
       Who::kAccountRoot,
       "kms:PutKeyPolicy",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"explicit deny in the key policy wins over allow",
       kDefault.substr(0, kDefault.size() - 1) +
           R"(,{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kAccountRoot,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInResource},
      {"explicit deny wins over a grant-less direct allow",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInResource},
      {"key policy deny beats identity deny (resource first)",
       R"([{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}])",
       kIdentityDenyDecrypt,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInResource},
      {"Principal * allows anyone in the account",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kBob,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"Principal account id (not :root) delegates too",
       R"([{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}])",
       kIdentityEncrypt,
       Who::kBob,
       "kms:Decrypt",
       {},
       {},
       Out::kNoIdentityPolicyAllows},
      {"NotPrincipal deny spares the named role",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"NotPrincipal deny hits everyone else",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kBob,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInResource},
      {"NotAction allows all but the listed",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"NotAction":["kms:Decrypt","kms:ScheduleKeyDeletion"],"Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Encrypt",
       {},
       {},
       Out::kAllowed},
      {"NotAction: the listed action is not allowed",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"NotAction":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"action wildcard kms:Re*crypt*",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Re*crypt*","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:ReEncryptFrom",
       {},
       {},
       Out::kAllowed},
      {"action names compare without case",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"KMS:decrypt","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"action kms:Get? does not match GetKeyPolicy",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:Get?","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:GetKeyPolicy",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"Resource naming another key",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:*","Resource":"arn:aws:kms:us-east-1:111122223333:key/other"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"Resource pattern for the key",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:*","Resource":"arn:aws:kms:*:111122223333:key/*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"NotResource excluding another key",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"kms:*","NotResource":"arn:aws:kms:us-east-1:111122223333:key/other"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"service principal",
       R"([{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kS3,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"service principal statement does not match a role",
       R"([{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      // ---- Cross-account.
      {"cross-account: key policy names the other account, no identity policy",
       kDefault.substr(0, kDefault.size() - 1) +
           R"(,{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"kms:Decrypt","Resource":"*"}])",
       nullptr,
       Who::kExternal,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"cross-account: key policy names the other account, identity does not allow",
       kDefault.substr(0, kDefault.size() - 1) +
           R"(,{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"kms:Decrypt","Resource":"*"}])",
       kIdentityEncrypt,
       Who::kExternal,
       "kms:Decrypt",
       {},
       {},
       Out::kNoIdentityPolicyAllows},
      {"cross-account: key policy names the external role, identity must allow too",
       R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/ext"},"Action":"kms:Decrypt","Resource":"*"}])",
       kIdentityEncrypt,
       Who::kExternal,
       "kms:Decrypt",
       {},
       {},
       Out::kNoIdentityPolicyAllows},
      {"cross-account: key policy does not name the other account",
       kDefault,
       nullptr,
       Who::kExternal,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"cross-account root: default policy of the key's account",
       kDefault,
       nullptr,
       Who::kExternalRoot,
       "kms:DescribeKey",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      // ---- String operators.
      {"StringEquals on kms:EncryptionContext:Dept",
       AppIf(R"({"StringEquals":{"kms:EncryptionContext:Dept":"IT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      {"StringEquals is case-sensitive in values",
       AppIf(R"({"StringEquals":{"kms:EncryptionContext:Dept":"it"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kNoResourcePolicyAllows},
      {"condition key names compare without case",
       AppIf(R"({"StringEquals":{"KMS:ENCRYPTIONCONTEXT:dept":"IT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      {"StringEquals: absent key is false",
       AppIf(R"({"StringEquals":{"kms:EncryptionContext:Dept":"IT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"StringEquals: one of several values (OR)",
       AppIf(R"({"StringEquals":{"kms:EncryptionContext:Dept":["HR","IT"]}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      {"two keys in one operator (AND), one fails",
       AppIf(
           R"({"StringEquals":{"kms:EncryptionContext:Dept":"IT","kms:EncryptionContext:Project":"y"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       two,
       {},
       Out::kNoResourcePolicyAllows},
      {"StringNotEquals: other value",
       AppIf(R"({"StringNotEquals":{"kms:EncryptionContext:Dept":"HR"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      {"StringNotEquals: same value",
       AppIf(R"({"StringNotEquals":{"kms:EncryptionContext:Dept":"IT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kNoResourcePolicyAllows},
      {"StringNotEquals: absent key is true",
       AppIf(R"({"StringNotEquals":{"kms:EncryptionContext:Dept":"IT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"StringEqualsIgnoreCase",
       AppIf(R"({"StringEqualsIgnoreCase":{"kms:EncryptionContext:Dept":"it"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      {"StringNotEqualsIgnoreCase",
       AppIf(R"({"StringNotEqualsIgnoreCase":{"kms:EncryptionContext:Dept":"it"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kNoResourcePolicyAllows},
      {"StringLike on kms:ViaService",
       AppIf(R"({"StringLike":{"kms:ViaService":"*.us-east-1.amazonaws.com"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}}},
       Out::kAllowed},
      {"StringLike: kms:ViaService absent (a direct call)",
       AppIf(R"({"StringLike":{"kms:ViaService":"*.amazonaws.com"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"StringNotLike",
       AppIf(R"({"StringNotLike":{"kms:ViaService":"ec2.*"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ViaService", {"s3.us-east-1.amazonaws.com"}}},
       Out::kAllowed},
      {"StringEquals on kms:CallerAccount",
       AppIf(R"({"StringEquals":{"kms:CallerAccount":"111122223333"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:CallerAccount", {"111122223333"}}},
       Out::kAllowed},
      {"StringEquals on aws:username",
       AppIf(R"({"StringEquals":{"aws:username":"bob"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:username", {"alice"}}},
       Out::kNoResourcePolicyAllows},
      // ---- IfExists and Null.
      {"StringEqualsIfExists: absent key is true",
       AppIf(R"({"StringEqualsIfExists":{"kms:EncryptionContext:Dept":"HR"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"StringEqualsIfExists: present key must match",
       AppIf(R"({"StringEqualsIfExists":{"kms:EncryptionContext:Dept":"HR"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kNoResourcePolicyAllows},
      {"Null true: key absent",
       AppIf(R"({"Null":{"kms:EncryptionContextKeys":"true"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"Null false: key present (encryption context required)",
       AppIf(R"({"Null":{"kms:EncryptionContextKeys":"false"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"Null false with a context",
       AppIf(R"({"Null":{"kms:EncryptionContextKeys":false}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
      // ---- Set operators over kms:EncryptionContextKeys.
      {"ForAnyValue:StringEquals",
       AppIf(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"Project"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       two,
       {},
       Out::kAllowed},
      {"ForAnyValue: absent key is false",
       AppIf(R"({"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"Project"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kNoResourcePolicyAllows},
      {"ForAllValues:StringEquals: every key listed",
       AppIf(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept","Project"]}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       two,
       {},
       Out::kAllowed},
      {"ForAllValues:StringEquals: a key not listed",
       AppIf(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept"]}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       two,
       {},
       Out::kNoResourcePolicyAllows},
      {"ForAllValues: absent key is true",
       AppIf(R"({"ForAllValues:StringEquals":{"kms:EncryptionContextKeys":["Dept"]}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kAllowed},
      {"ForAnyValue:StringLike on aws:TagKeys",
       AppIf(R"({"ForAnyValue:StringLike":{"aws:TagKeys":"team-*"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:TagKeys", {"env", "team-a"}}},
       Out::kAllowed},
      {"ForAllValues:StringNotEquals on kms:GrantOperations",
       AppIf(R"({"ForAllValues:StringNotEquals":{"kms:GrantOperations":["Decrypt"]}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:GrantOperations", {"Encrypt", "Decrypt"}}},
       Out::kNoResourcePolicyAllows},
      // ---- Numeric.
      {"NumericEquals",
       AppIf(R"({"NumericEquals":{"kms:RotationPeriodInDays":90}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RotationPeriodInDays", {"90"}}},
       Out::kAllowed},
      {"NumericNotEquals",
       AppIf(R"({"NumericNotEquals":{"kms:RotationPeriodInDays":"90"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RotationPeriodInDays", {"90"}}},
       Out::kNoResourcePolicyAllows},
      {"NumericLessThan",
       AppIf(R"({"NumericLessThan":{"kms:RotationPeriodInDays":"180"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RotationPeriodInDays", {"90"}}},
       Out::kAllowed},
      {"NumericLessThanEquals at the bound",
       AppIf(R"({"NumericLessThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":"7"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ScheduleKeyDeletionPendingWindowInDays", {"7"}}},
       Out::kAllowed},
      {"NumericGreaterThan fails at the bound",
       AppIf(R"({"NumericGreaterThan":{"kms:ScheduleKeyDeletionPendingWindowInDays":"7"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ScheduleKeyDeletionPendingWindowInDays", {"7"}}},
       Out::kNoResourcePolicyAllows},
      {"NumericGreaterThanEquals",
       AppIf(R"({"NumericGreaterThanEquals":{"kms:ScheduleKeyDeletionPendingWindowInDays":"30"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ScheduleKeyDeletionPendingWindowInDays", {"30"}}},
       Out::kAllowed},
      {"Numeric: a request value that is not a number never matches",
       AppIf(R"({"NumericLessThan":{"kms:RotationPeriodInDays":"180"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RotationPeriodInDays", {"soon"}}},
       Out::kNoResourcePolicyAllows},
      // ---- Date.
      {"DateLessThan on aws:CurrentTime",
       AppIf(R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:CurrentTime", {"2026-12-01T07:00:00Z"}}},
       Out::kAllowed},
      {"DateGreaterThan on aws:CurrentTime",
       AppIf(R"({"DateGreaterThan":{"aws:CurrentTime":"2030-01-01"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:CurrentTime", {"2026-12-01T07:00:00Z"}}},
       Out::kNoResourcePolicyAllows},
      {"DateEquals with epoch seconds against ISO 8601",
       AppIf(R"({"DateEquals":{"aws:EpochTime":"2026-12-01T00:00:00Z"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:EpochTime", {"1796083200"}}},
       Out::kAllowed},
      {"DateNotEquals",
       AppIf(R"({"DateNotEquals":{"kms:ValidTo":"2026-12-01T00:00:00Z"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ValidTo", {"1796083200"}}},
       Out::kNoResourcePolicyAllows},
      {"DateLessThanEquals with an offset",
       AppIf(R"({"DateLessThanEquals":{"kms:ValidTo":"2026-12-01T02:00:00+02:00"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ValidTo", {"2026-12-01T00:00:00Z"}}},
       Out::kAllowed},
      {"DateGreaterThanEquals",
       AppIf(R"({"DateGreaterThanEquals":{"kms:ValidTo":"2026-12-01T00:00:00.500Z"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ValidTo", {"2026-12-01T00:00:01Z"}}},
       Out::kAllowed},
      // ---- Bool, Binary, IP, ARN.
      {"Bool on kms:GrantIsForAWSResource",
       AppIf(R"({"Bool":{"kms:GrantIsForAWSResource":true}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:GrantIsForAWSResource", {"true"}}},
       Out::kAllowed},
      {"Bool false against true",
       AppIf(R"({"Bool":{"aws:SecureTransport":"false"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:SecureTransport", {"true"}}},
       Out::kNoResourcePolicyAllows},
      {"Bool on kms:BypassPolicyLockoutSafetyCheck",
       AppIf(R"({"Bool":{"kms:BypassPolicyLockoutSafetyCheck":"TRUE"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:BypassPolicyLockoutSafetyCheck", {"true"}}},
       Out::kAllowed},
      {"BinaryEquals",
       AppIf(R"({"BinaryEquals":{"kms:RecipientAttestation:ImageSha384":"QUJD"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RecipientAttestation:ImageSha384", {"QUJD"}}},
       Out::kAllowed},
      {"IpAddress in a CIDR",
       AppIf(R"({"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:SourceIp", {"127.0.0.1"}}},
       Out::kAllowed},
      {"NotIpAddress",
       AppIf(R"({"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:SourceIp", {"127.0.0.1"}}},
       Out::kNoResourcePolicyAllows},
      {"ArnEquals on aws:PrincipalArn",
       AppIf(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:PrincipalArn", {kApp}}},
       Out::kAllowed},
      {"ArnLike with a wildcard",
       AppIf(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/a*"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:PrincipalArn", {kApp}}},
       Out::kAllowed},
      {"ArnNotEquals",
       AppIf(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:PrincipalArn", {kApp}}},
       Out::kNoResourcePolicyAllows},
      {"ArnNotLike",
       AppIf(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:user/*"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:PrincipalArn", {kApp}}},
       Out::kAllowed},
      // ---- KMS request keys.
      {"kms:EncryptionAlgorithm",
       AppIf(R"({"StringEquals":{"kms:EncryptionAlgorithm":"SYMMETRIC_DEFAULT"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:EncryptionAlgorithm", {"SYMMETRIC_DEFAULT"}}},
       Out::kAllowed},
      {"kms:KeySpec and kms:KeyUsage together (AND of operators)",
       AppIf(
           R"({"StringEquals":{"kms:KeySpec":"SYMMETRIC_DEFAULT"},"StringLike":{"kms:KeyUsage":"ENCRYPT_*"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:KeySpec", {"SYMMETRIC_DEFAULT"}}, {"kms:KeyUsage", {"ENCRYPT_DECRYPT"}}},
       Out::kAllowed},
      {"kms:RequestAlias",
       AppIf(R"({"StringEquals":{"kms:RequestAlias":"alias/app"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:RequestAlias", {"alias/other"}}},
       Out::kNoResourcePolicyAllows},
      {"ForAnyValue on kms:ResourceAliases",
       AppIf(R"({"ForAnyValue:StringEquals":{"kms:ResourceAliases":"alias/app"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"kms:ResourceAliases", {"alias/x", "alias/app"}}},
       Out::kAllowed},
      {"aws:ResourceTag/<k>",
       AppIf(R"({"StringEquals":{"aws:ResourceTag/env":"prod"}})"),
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       K{{"aws:ResourceTag/env", {"dev"}}},
       Out::kNoResourcePolicyAllows},
      {"Deny unless an encryption context is given (Null in a Deny)",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"Null":{"kms:EncryptionContextKeys":"true"}}}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       {},
       {},
       Out::kExplicitDenyInResource},
      {"Deny with a condition that does not hold",
       R"([{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*","Condition":{"Null":{"kms:EncryptionContextKeys":"true"}}}])",
       nullptr,
       Who::kAppRole,
       "kms:Decrypt",
       it,
       {},
       Out::kAllowed},
  };
  return rows;
}

Grant MakeGrant(std::string grantee, std::vector<GrantOperation> ops,
                std::optional<GrantConstraints> constraints = std::nullopt) {
  Grant g;
  g.grantee_principal = std::move(grantee);
  g.operations = std::move(ops);
  g.constraints = std::move(constraints);
  g.grant_id = std::string(64, 'a');
  return g;
}

}  // namespace

TEST_CASE("Key policy decisions: the table") {
  std::vector<Row> rows = Rows();
  CHECK(rows.size() >= 60);
  for (const Row& row : rows) {
    CAPTURE(row.name);
    CHECK(Decide(row) == row.expected);
  }
}

TEST_CASE("Grants allow their grantee, operations and constraints") {
  auto key_policy = CompilePolicy(Policy(kAppDecrypt), PolicyKind::kKeyPolicy);
  const std::string bob = "arn:aws:iam::111122223333:user/bob";
  EncryptionContext it{{"Dept", "IT"}};
  EncryptionContext two{{"Dept", "IT"}, {"Project", "x"}};
  std::vector<Grant> grants = {
      MakeGrant(bob, {GrantOperation::kEncrypt}),
      MakeGrant(bob, {GrantOperation::kDecrypt}, GrantConstraints{it, std::nullopt}),
      MakeGrant("arn:aws:iam::111122223333:role/batch", {GrantOperation::kDecrypt},
                GrantConstraints{std::nullopt, it}),
  };
  auto decide = [&](std::string_view caller, std::string_view principal, std::string_view action,
                    const EncryptionContext* ec) {
    AccessCheck check;
    check.key_policy = key_policy.get();
    check.key_account = kAccount;
    check.request.action = action;
    check.request.resource = kKeyArn;
    check.request.caller_arn = caller;
    check.request.principal_arn = principal;
    check.request.principal_account = kAccount;
    check.request.encryption_context = ec;
    check.grants = grants;
    check.grant_operation = GrantOperationOfAction(action);
    return DecideAccess(check);
  };
  // Bob has no key policy statement: only grants can let him in.
  AccessDecision enc = decide(bob, bob, "kms:Encrypt", nullptr);
  CHECK(enc.allowed_by == AllowedBy::kGrant);
  CHECK(enc.grant == &grants[0]);
  CHECK(decide(bob, bob, "kms:Decrypt", nullptr).outcome == Out::kNoResourcePolicyAllows);
  CHECK(decide(bob, bob, "kms:Decrypt", &it).grant == &grants[1]);   // subset
  CHECK(decide(bob, bob, "kms:Decrypt", &two).grant == &grants[1]);  // superset of the subset
  CHECK(!decide(bob, bob, "kms:GenerateDataKey", &it).allowed());    // not a granted operation
  EncryptionContext lower_key{{"dept", "IT"}}, lower_value{{"Dept", "it"}};
  CHECK(decide(bob, bob, "kms:Decrypt", &lower_key).grant == &grants[1]);  // keys: any case
  CHECK(!decide(bob, bob, "kms:Decrypt", &lower_value).allowed());         // values: exactly
  const std::string batch = "arn:aws:iam::111122223333:role/batch";
  const std::string session = "arn:aws:sts::111122223333:assumed-role/batch/job-1";
  CHECK(decide(session, batch, "kms:Decrypt", &it).grant ==
        &grants[2]);                                              // a session of the grantee role
  CHECK(!decide(session, batch, "kms:Decrypt", &two).allowed());  // Equals: exactly
  CHECK(!decide(session, batch, "kms:Decrypt", nullptr).allowed());
  CHECK(!GrantOperationOfAction("kms:PutKeyPolicy"));
  CHECK(GrantOperationOfAction("kms:ReEncryptFrom") == GrantOperation::kReEncryptFrom);

  // Account grantees, service grantees; constraints do not apply to DescribeKey.
  PolicyRequest r;
  r.caller_arn = bob;
  r.principal_arn = bob;
  r.principal_account = kAccount;
  CHECK(GranteeMatches("111122223333", r));
  CHECK(GranteeMatches("arn:aws:iam::111122223333:root", r));
  CHECK(!GranteeMatches("444455556666", r));
  CHECK(!GranteeMatches("s3.amazonaws.com", r));
  CHECK(GrantAllows(
      MakeGrant(bob, {GrantOperation::kDescribeKey}, GrantConstraints{it, std::nullopt}), r,
      GrantOperation::kDescribeKey));

  // An explicit deny in the key policy beats a grant.
  auto deny = CompilePolicy(
      Policy(R"([{"Effect":"Deny","Principal":"*","Action":"kms:Encrypt","Resource":"*"}])"),
      PolicyKind::kKeyPolicy);
  AccessCheck check;
  check.key_policy = deny.get();
  check.key_account = kAccount;
  check.request = r;
  check.request.action = "kms:Encrypt";
  check.request.resource = kKeyArn;
  check.grants = grants;
  check.grant_operation = GrantOperation::kEncrypt;
  CHECK(DecideAccess(check).outcome == Out::kExplicitDenyInResource);

  // RetireGrant by the retiring principal.
  Grant retirable = MakeGrant(kApp, {GrantOperation::kDecrypt});
  retirable.retiring_principal = bob;
  check.key_policy = key_policy.get();
  check.request.action = "kms:RetireGrant";
  check.grants = {};
  check.grant_operation = GrantOperation::kRetireGrant;
  CHECK(!DecideAccess(check).allowed());
  check.retiring_grant = &retirable;
  CHECK(DecideAccess(check).allowed_by == AllowedBy::kRetiringPrincipal);
}

TEST_CASE("AccessDeniedException texts name the caller, action, key and the reason") {
  const std::string c = "arn:aws:iam::111122223333:role/app";
  auto text = [&](Out o) { return AccessDeniedFor(o, c, "kms:Decrypt", kKeyArn).message(); };
  CHECK(AccessDeniedFor(Out::kNoResourcePolicyAllows, c, "kms:Decrypt", kKeyArn).name() ==
        "AccessDeniedException");
  CHECK(text(Out::kNoResourcePolicyAllows) ==
        "User: arn:aws:iam::111122223333:role/app is not authorized to perform: kms:Decrypt on "
        "resource: " +
            kKeyArn + " because no resource-based policy allows the kms:Decrypt action");
  CHECK(text(Out::kNoIdentityPolicyAllows) ==
        "User: arn:aws:iam::111122223333:role/app is not authorized to perform: kms:Decrypt on "
        "resource: " +
            kKeyArn + " because no identity-based policy allows the kms:Decrypt action");
  CHECK(text(Out::kExplicitDenyInResource) ==
        "User: arn:aws:iam::111122223333:role/app is not authorized to perform: kms:Decrypt on "
        "resource: " +
            kKeyArn + " with an explicit deny in a resource-based policy");
  CHECK(text(Out::kExplicitDenyInIdentity) ==
        "User: arn:aws:iam::111122223333:role/app is not authorized to perform: kms:Decrypt on "
        "resource: " +
            kKeyArn + " with an explicit deny in an identity-based policy");
}

TEST_CASE("Malformed policy documents are refused with their reason") {
  struct Bad {
    std::string doc;
    std::string message;
  };
  const std::string invalid_principals =
      "Policy contains a statement with one or more invalid principals.";
  auto stmt = [](const std::string& body) { return Policy("[{" + body + "}]"); };
  std::vector<Bad> bad = {
      {"not json", "The new key policy is not a valid JSON document."},
      {"[1]", "The new key policy is not a valid JSON document."},
      {R"({"Version":"2012-10-17"})", "The new key policy has no Statement element."},
      {R"({"Version":"2011-01-01","Statement":[]})",
       "The policy has an invalid Version (2012-10-17 or 2008-10-17)."},
      {stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1234:root"},"Action":"kms:*","Resource":"*")"),
       invalid_principals},
      {stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/*"},"Action":"kms:*","Resource":"*")"),
       invalid_principals},
      {stmt(
           R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:group/devs"},"Action":"kms:*","Resource":"*")"),
       invalid_principals},
      {stmt(R"("Effect":"Allow","Principal":{"Robot":"x"},"Action":"kms:*","Resource":"*")"),
       invalid_principals},
      {stmt(R"("Effect":"Allow","Principal":"me","Action":"kms:*","Resource":"*")"),
       invalid_principals},
      {stmt(R"("Effect":"Permit","Principal":"*","Action":"kms:*","Resource":"*")"),
       "Policy contains a statement with an invalid Effect (Allow or Deny)."},
      {stmt(R"("Principal":"*","Action":"kms:*","Resource":"*")"),
       "Policy contains a statement with no Effect."},
      {stmt(R"("Effect":"Allow","Action":"kms:*","Resource":"*")"),
       "Policy contains a statement with no Principal or NotPrincipal."},
      {stmt(R"("Effect":"Allow","Principal":"*","Resource":"*")"),
       "Policy contains a statement with no Action or NotAction."},
      {stmt(R"("Effect":"Allow","Principal":"*","Action":"kms:*")"),
       "Policy contains a statement with no Resource or NotResource."},
      {stmt(R"("Effect":"Allow","Principal":"*","Action":"decrypt","Resource":"*")"),
       "Policy contains a statement with an invalid action: decrypt"},
      {stmt(
           R"("Effect":"Allow","Principal":"*","Action":"kms:*","NotAction":"kms:Decrypt","Resource":"*")"),
       "Policy contains a statement with both Action and NotAction."},
      {stmt(R"("Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"key/1")"),
       "Policy contains a statement with an invalid resource: key/1"},
      {stmt(
           R"("Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringSortOf":{"kms:ViaService":"x"}})"),
       "Policy contains a statement with an unknown condition operator: StringSortOf"},
      {stmt(
           R"("Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}})"),
       "Policy contains a condition Bool whose value is not true or false."},
      {stmt(R"("Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Colour":"red")"),
       "Policy contains a statement with an unknown element: Colour"},
      {stmt(R"("Effect":"Allow","Principal":"*","Action":[],"Resource":"*")"),
       "Policy contains a statement whose Action is not a string or a list of strings."},
  };
  for (const Bad& b : bad) {
    CAPTURE(b.doc);
    KmsError e = ThrownError([&] { CompilePolicy(b.doc, PolicyKind::kKeyPolicy); });
    CHECK(e.name() == "MalformedPolicyDocumentException");
    CHECK(e.message() == b.message);
  }
  // Identity policies have no Principal.
  CHECK(ThrownError([&] {
          CompilePolicy(stmt(R"("Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*")"),
                        PolicyKind::kIdentityPolicy);
        }).message() == "Policy document should not specify a principal.");
  // A single statement object (not an array), a Version-less document and a default policy compile.
  CHECK(StatementCount(*CompilePolicy(
            R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}})",
            PolicyKind::kKeyPolicy)) == 1);
  CHECK(StatementCount(*CompilePolicy(DefaultKeyPolicy("111122223333"), PolicyKind::kKeyPolicy)) ==
        1);
}

TEST_CASE("Glob matching: * and ?, with and without case") {
  CHECK(GlobMatch("kms:*", "kms:Decrypt", false));
  CHECK(GlobMatch("*", "", false));
  CHECK(GlobMatch("kms:?ncrypt", "kms:Encrypt", false));
  CHECK(!GlobMatch("kms:?ncrypt", "kms:ReEncrypt", false));
  CHECK(GlobMatch("a*b*c", "aXXbYYc", false));
  CHECK(!GlobMatch("a*b*c", "aXXbYY", false));
  CHECK(GlobMatch("KMS:DEC*", "kms:Decrypt", true));
  CHECK(!GlobMatch("KMS:DEC*", "kms:Decrypt", false));
  // Without '*': equal length needed ('?' is one character), then each character.
  CHECK(GlobMatch("kms:Encrypt", "kms:Encrypt", false));
  CHECK(GlobMatch("KMS:ENCRYPT", "kms:Encrypt", true));
  CHECK(!GlobMatch("kms:Encrypt", "kms:Encrypt2", false));
  CHECK(!GlobMatch("kms:Encrypt", "kms:Encryp", false));
  CHECK(!GlobMatch("kms:Encrypt", "kms:Decrypt", false));
  CHECK(GlobMatch("kms:Encryp?", "kms:Encrypt", false));
  CHECK(!GlobMatch("kms:Encryp?", "kms:Encryp", false));
  CHECK(GlobMatch("", "", false));
  CHECK(!GlobMatch("", "a", false));
  CHECK(!GlobMatch("a", "", false));
  CHECK(GlobMatch("kms:Encrypt*", "kms:Encrypt", false));
}

TEST_CASE("The lockout safety check refuses a policy the caller could not change again") {
  std::string storage;
  AccessCaller root = AccountRootCaller(kAccount, storage);
  CHECK(root.arn == "arn:aws:iam::111122223333:root");
  auto check = [&](const std::string& statements) {
    RequireLockoutSafe(*CompilePolicy(Policy(statements), PolicyKind::kKeyPolicy), root, kKeyArn,
                       kAccount);
  };
  check(kDefault);  // the default policy passes
  check(
      R"([{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:PutKeyPolicy","Resource":"*"}])");
  const std::string lockout =
      "The new key policy will not allow you to update the key policy in the future.";
  for (
      const std::string& statements : std::vector<std::string>{
          std::string("[]"), kAppDecrypt,
          R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"NotAction":"kms:PutKeyPolicy","Resource":"*"}])",
          kDefault.substr(0, kDefault.size() - 1) +
              R"(,{"Effect":"Deny","Principal":"*","Action":"kms:Put*","Resource":"*"}])"}) {
    CAPTURE(statements);
    KmsError e = ThrownError([&] { check(statements); });
    CHECK(e.name() == "MalformedPolicyDocumentException");
    CHECK(e.message() == lockout);
  }
}

TEST_CASE("CreateKey and PutKeyPolicy validate the policy and apply the lockout check") {
  ServiceFixture f;
  Key k = f.NewKey();
  const std::string empty = R"({"Version":"2012-10-17","Statement":[]})";
  CHECK(
      ThrownError([&] { f.service.PutKeyPolicy(f.Ctx(), k.id, std::nullopt, empty); }).message() ==
      "The new key policy will not allow you to update the key policy in the future.");
  f.service.PutKeyPolicy(f.Ctx(), k.id, std::nullopt, empty, /*bypass_lockout_check=*/true);
  CHECK(f.service.GetKeyPolicy(f.Ctx(), k.id, std::nullopt) ==
        "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ ]\n}");
  CreateKeyRequest req;
  req.policy = Policy(kAppDecrypt);
  CHECK(ThrownError([&] { f.service.CreateKey(f.Ctx(), req); }).message() ==
        "The new key policy will not allow you to update the key policy in the future.");
  req.bypass_policy_lockout_safety_check = true;
  Key made = f.service.CreateKey(f.Ctx(), req);
  CHECK(f.service.GetKeyPolicy(f.Ctx(), made.id, std::nullopt) ==
        StoredKeyPolicy(Policy(kAppDecrypt)));
  req.policy = Policy(
      R"([{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Action":"kms:*","Resource":"*"}])");
  CHECK(ThrownError([&] { f.service.CreateKey(f.Ctx(), req); }).message() ==
        "Policy contains a statement with one or more invalid principals.");
}
