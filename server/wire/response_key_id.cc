#include "server/wire/response_key_id.h"

#include <array>
#include <stdexcept>

namespace rotor::server::wire {
namespace {

using enum KeyIdForm;

constexpr std::string_view kRecorded = "recorded";
constexpr std::string_view kApiReference = "API reference";

// Sorted by operation; the shape-level rows ("") first.
constexpr std::array kRules = {
    ResponseKeyIdRule{"", "KeyMetadata.KeyId", kBareKeyId, kRecorded},
    ResponseKeyIdRule{"", "ReplicaKeyMetadata.KeyId", kBareKeyId, kRecorded},
    ResponseKeyIdRule{"CancelKeyDeletion", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"Decrypt", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"DeleteImportedKeyMaterial", "KeyId", kKeyArn, kApiReference},
    ResponseKeyIdRule{"DeriveSharedSecret", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"Encrypt", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GenerateDataKey", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GenerateDataKeyPair", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GenerateDataKeyPairWithoutPlaintext", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GenerateDataKeyWithoutPlaintext", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GenerateMac", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GetKeyLastUsage", "KeyId", kBareKeyId, kApiReference},
    ResponseKeyIdRule{"GetKeyRotationStatus", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"GetParametersForImport", "KeyId", kKeyArn, kApiReference},
    ResponseKeyIdRule{"GetPublicKey", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"ImportKeyMaterial", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"ListAliases", "Aliases[].TargetKeyId", kBareKeyId, kRecorded},
    ResponseKeyIdRule{"ListGrants", "Grants[].KeyId", kKeyArn, kApiReference},
    ResponseKeyIdRule{"ListKeyRotations", "Rotations[].KeyId", kBareKeyId, kApiReference},
    ResponseKeyIdRule{"ListKeys", "Keys[].KeyId", kBareKeyId, kApiReference},
    ResponseKeyIdRule{"ListRetirableGrants", "Grants[].KeyId", kKeyArn, kApiReference},
    ResponseKeyIdRule{"ReEncrypt", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"ReEncrypt", "SourceKeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"RotateKeyOnDemand", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"ScheduleKeyDeletion", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"Sign", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"Verify", "KeyId", kKeyArn, kRecorded},
    ResponseKeyIdRule{"VerifyMac", "KeyId", kKeyArn, kRecorded},
};

}  // namespace

std::span<const ResponseKeyIdRule> ResponseKeyIdRules() { return kRules; }

KeyIdForm ResponseKeyIdForm(std::string_view operation, std::string_view member) {
  const ResponseKeyIdRule* any = nullptr;
  for (const ResponseKeyIdRule& rule : kRules) {
    if (rule.member != member) continue;
    if (rule.operation == operation) return rule.form;
    if (rule.operation.empty()) any = &rule;
  }
  if (any) return any->form;
  throw std::logic_error("no KeyId form decided for " + std::string(operation) + " " +
                         std::string(member));
}

std::string ResponseKeyId(std::string_view operation, std::string_view member,
                          std::string_view key_arn) {
  if (ResponseKeyIdForm(operation, member) == KeyIdForm::kKeyArn) return std::string(key_arn);
  size_t slash = key_arn.rfind('/');
  return std::string(slash == std::string_view::npos ? key_arn : key_arn.substr(slash + 1));
}

}  // namespace rotor::server::wire
