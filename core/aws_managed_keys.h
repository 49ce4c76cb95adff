// AWS managed keys: the KMS keys an AWS service creates in a customer's
// account and Region the first time it needs one, under a predefined alias
// `alias/aws/<service>` (AWS KMS Developer Guide, "AWS managed keys" and
// "Aliases in AWS KMS"). Their KeyManager is AWS; AWS sets their description
// and key policy, rotates them every year and lets no one change that, disable,
// delete, tag or re-policy them (Developer Guide, "Editing keys" and "Rotate AWS
// KMS keys"). docs/aws-kms-behaviour.md ("AWS managed keys") says what Rotor
// does and the choices it made where AWS has no recorded answer.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/ids.h"
#include "core/key_metadata.h"
#include "core/rotation_schedule.h"

namespace rotor::core {

// AWS managed keys rotate every 365 days, always (Developer Guide, "Rotate
// AWS KMS keys": "AWS managed keys are automatically rotated every year").
constexpr int kAwsManagedRotationPeriodDays = 365;

// One alias a new account lists under alias/aws/.
struct PredefinedAlias {
  std::string_view name;         // "alias/aws/s3"
  std::string_view description;  // the Description AWS gives the key
  // The key policy AWS gives the key, with "{account}" and "{region}" where
  // the account id and Region go (AWS's own formatting, as GetKeyPolicy shows it).
  std::string policy_template;
};

// Every predefined alias, ordered by name (the order ListAliases lists them in).
std::span<const PredefinedAlias> PredefinedAliases();
// The predefined alias named `alias_name` ("alias/aws/s3"), or nullptr.
const PredefinedAlias* FindPredefinedAlias(std::string_view alias_name);
// The key policy of `alias`'s AWS managed key in `scope`.
std::string AwsManagedKeyPolicy(const PredefinedAlias& alias, const Scope& scope);

// The Key record of a new AWS managed key for `alias` (no material yet):
// symmetric, ENCRYPT_DECRYPT, AWS_KMS, KeyManager AWS, Enabled, AWS's
// description and policy, automatic rotation on with a 365-day period
// counted from `now` (with `jitter`, like every key's schedule).
Key NewAwsManagedKey(const PredefinedAlias& alias, const Scope& scope, std::string key_id,
                     Timestamp now, const JitterModel& jitter);

// What callers may not do to an AWS managed key: throws AccessDeniedException
// "User: arn:aws:iam::<account>:root is not authorized to perform:
// kms:<operation> on resource: <key-arn> because no resource-based policy
// allows the kms:<operation> action" when `key` is AWS managed (its key
// policy allows no one to manage it). Does nothing for customer managed keys.
void RequireCustomerManaged(const Key& key, std::string_view operation);

}  // namespace rotor::core
