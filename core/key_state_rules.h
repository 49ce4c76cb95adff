// Which key states each kind of operation accepts, and the AWS error for the
// others: the one place the "Key states: effect on your KMS key" table lives
// (docs/aws-kms-behaviour.md section 2).
#pragma once

#include <string_view>

#include "core/key_metadata.h"

namespace rotor::core {

enum class StateRule {
  kAny,            // DescribeKey, ListResourceTags, GetKeyPolicy, GetKeyRotationStatus...
  kCryptographic,  // Encrypt, Decrypt, GenerateDataKey...: Enabled only; Disabled ->
                   // DisabledException
  kManagement,  // TagResource, UpdateKeyDescription, CreateAlias...: anything but PendingDeletion
  kEnableDisable,  // EnableKey, DisableKey: Enabled or Disabled
  kRotation,  // EnableKeyRotation, RotateKeyOnDemand: Enabled only; Disabled -> DisabledException
  kPendingDeletionOnly,  // CancelKeyDeletion: "<arn> is not pending deletion." otherwise
};

// Throws the AWS error when `key` is in a state `rule` does not accept.
void RequireState(const Key& key, StateRule rule);

// Throws InvalidKeyUsageException when the key's usage is not `usage`,
// naming `operation` as AWS does.
void RequireUsage(const Key& key, KeyUsage usage, std::string_view operation);

// "pending deletion", "pending import", "unavailable"...: how AWS messages
// name a state ("<arn> is pending deletion.").
std::string_view StatePhrase(KeyState state);

}  // namespace rotor::core
