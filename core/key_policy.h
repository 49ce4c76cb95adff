// Key policies: stored and returned, not yet enforced (Rotor has no IAM).
// Validation matches what AWS checks before storing one.
#pragma once

#include <string>

namespace rotor::core {

constexpr size_t kMaxKeyPolicyBytes = 32768;  // AWS's key policy size quota

// AWS's default key policy for `account`, in AWS's own formatting.
std::string DefaultKeyPolicy(const std::string& account);

// Throws MalformedPolicyDocumentException when `policy` is not a JSON object,
// LimitExceededException when it is over 32 KiB.
void ValidateKeyPolicy(const std::string& policy);

// Only "default" exists; anything else is NotFoundException.
void RequireDefaultPolicyName(const std::string& name);

}  // namespace rotor::core
