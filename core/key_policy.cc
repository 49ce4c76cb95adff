#include "core/key_policy.h"

#include <nlohmann/json.hpp>

#include "core/kms_error.h"

namespace rotor::core {

std::string DefaultKeyPolicy(const std::string& account) {
  return "{\n"
         "  \"Version\" : \"2012-10-17\",\n"
         "  \"Id\" : \"key-default-1\",\n"
         "  \"Statement\" : [ {\n"
         "    \"Sid\" : \"Enable IAM User Permissions\",\n"
         "    \"Effect\" : \"Allow\",\n"
         "    \"Principal\" : {\n"
         "      \"AWS\" : \"arn:aws:iam::" +
         account +
         ":root\"\n"
         "    },\n"
         "    \"Action\" : \"kms:*\",\n"
         "    \"Resource\" : \"*\"\n"
         "  } ]\n"
         "}";
}

void ValidateKeyPolicy(const std::string& policy) {
  if (policy.size() > kMaxKeyPolicyBytes) {
    throw KmsError(ErrorCode::kLimitExceeded,
                   "The key policy exceeds the maximum size of 32768 bytes.");
  }
  // Nesting is bounded by the request reader before we get here.
  nlohmann::json doc = nlohmann::json::parse(policy, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    throw KmsError(ErrorCode::kMalformedPolicyDocument,
                   "The new key policy is not a valid JSON document.");
  }
  if (!doc.contains("Statement")) {
    throw KmsError(ErrorCode::kMalformedPolicyDocument,
                   "The new key policy has no Statement element.");
  }
}

void RequireDefaultPolicyName(const std::string& name) {
  if (name != "default") throw KmsError(ErrorCode::kNotFound, "No such policy exists");
}

}  // namespace rotor::core
