// Key policies: stored and returned, not yet enforced (Rotor has no IAM).
// Validation matches what AWS checks before storing one.
#pragma once

#include <string>

namespace rotor::core {

constexpr size_t kMaxKeyPolicyBytes = 32768;  // AWS's key policy size quota

// AWS's default key policy for `account`, in AWS's own formatting.
std::string DefaultKeyPolicy(const std::string& account);

// The policy as AWS stores it and GetKeyPolicy returns it: the one step every
// submitted key policy (CreateKey, ReplicateKey, PutKeyPolicy) goes through,
// so none is stored as submitted. Validates first, as AWS does before storing
// one: MalformedPolicyDocumentException when `policy` is not a JSON object or
// has no Statement, LimitExceededException when it is over 32 KiB. Then
// `policy` is written again in the layout of AWS's own policies (Jackson's
// default pretty printer, which DefaultKeyPolicy shows): two-space indents per
// object level, `"name" : value`, arrays on one line (`[ "a", "b" ]`,
// `[ {` ... `}, {` ... `} ]`), `{ }` and `[ ]` when empty, members in the
// submitted order, strings re-escaped (only `"`, `\` and control characters),
// no trailing newline. Rotor's reading of recorded GetKeyPolicy answers;
// docs/aws-kms-behaviour.md section 5.
std::string StoredKeyPolicy(const std::string& policy);

// Only "default" exists; anything else is NotFoundException.
void RequireDefaultPolicyName(const std::string& name);

}  // namespace rotor::core
