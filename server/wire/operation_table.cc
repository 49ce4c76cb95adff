#include "server/wire/operation_table.h"

#include <array>

namespace rotor::server::wire {
namespace {

using namespace operations;
constexpr Execution kInline = Execution::kInline;
constexpr Execution kBlocking = Execution::kBlocking;

constexpr std::array kOperations = {
    // Key lifecycle
    OperationEntry{"CreateKey", CreateKey, kBlocking},
    OperationEntry{"DescribeKey", DescribeKey, kInline},
    OperationEntry{"ListKeys", ListKeys, kInline},
    OperationEntry{"EnableKey", EnableKey, kBlocking},
    OperationEntry{"DisableKey", DisableKey, kBlocking},
    OperationEntry{"UpdateKeyDescription", UpdateKeyDescription, kBlocking},
    OperationEntry{"ScheduleKeyDeletion", ScheduleKeyDeletion, kBlocking},
    OperationEntry{"CancelKeyDeletion", CancelKeyDeletion, kBlocking},
    // Tags and key policies
    OperationEntry{"TagResource", TagResource, kBlocking},
    OperationEntry{"UntagResource", UntagResource, kBlocking},
    OperationEntry{"ListResourceTags", ListResourceTags, kInline},
    OperationEntry{"GetKeyPolicy", GetKeyPolicy, kInline},
    OperationEntry{"PutKeyPolicy", PutKeyPolicy, kBlocking},
    OperationEntry{"ListKeyPolicies", ListKeyPolicies, kInline},
    // Aliases
    OperationEntry{"CreateAlias", CreateAlias, kBlocking},
    OperationEntry{"UpdateAlias", UpdateAlias, kBlocking},
    OperationEntry{"DeleteAlias", DeleteAlias, kBlocking},
    OperationEntry{"ListAliases", ListAliases, kInline},
    // Cryptography: the hot path, served from the key cache
    OperationEntry{"Encrypt", Encrypt, kInline},
    OperationEntry{"Decrypt", Decrypt, kInline},
    OperationEntry{"ReEncrypt", ReEncrypt, kInline},
    OperationEntry{"GenerateDataKey", GenerateDataKey, kInline},
    OperationEntry{"GenerateDataKeyWithoutPlaintext", GenerateDataKeyWithoutPlaintext, kInline},
    OperationEntry{"GenerateRandom", GenerateRandom, kInline},
    // Asymmetric keys (key-pair generation is slow CPU work: off the I/O threads)
    OperationEntry{"Sign", Sign, kInline},
    OperationEntry{"Verify", Verify, kInline},
    OperationEntry{"GetPublicKey", GetPublicKey, kInline},
    OperationEntry{"GenerateDataKeyPair", GenerateDataKeyPair, kBlocking},
    OperationEntry{"GenerateDataKeyPairWithoutPlaintext", GenerateDataKeyPairWithoutPlaintext,
                   kBlocking},
    OperationEntry{"DeriveSharedSecret", DeriveSharedSecret, kInline},
    // HMAC keys
    OperationEntry{"GenerateMac", GenerateMac, kInline},
    OperationEntry{"VerifyMac", VerifyMac, kInline},
    // Imported key material (a wrapping key pair is generated per call)
    OperationEntry{"GetParametersForImport", GetParametersForImport, kBlocking},
    OperationEntry{"ImportKeyMaterial", ImportKeyMaterial, kBlocking},
    OperationEntry{"DeleteImportedKeyMaterial", DeleteImportedKeyMaterial, kBlocking},
    // Rotation
    OperationEntry{"EnableKeyRotation", EnableKeyRotation, kBlocking},
    OperationEntry{"DisableKeyRotation", DisableKeyRotation, kBlocking},
    OperationEntry{"GetKeyRotationStatus", GetKeyRotationStatus, kInline},
    OperationEntry{"RotateKeyOnDemand", RotateKeyOnDemand, kBlocking},
    OperationEntry{"ListKeyRotations", ListKeyRotations, kInline},
    OperationEntry{"GetKeyLastUsage", GetKeyLastUsage, kInline},
};

}  // namespace

const OperationEntry* FindOperation(std::string_view name) {
  for (const OperationEntry& e : kOperations) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::span<const OperationEntry> AllOperations() { return kOperations; }

}  // namespace rotor::server::wire
