// Which key states each kind of operation accepts, and the AWS error for the
// others: the one place the "Key states: effect on your KMS key" table lives
// (docs/aws-kms-behaviour.md section 2).
//
// THE ORDER OF CHECKS, followed by every operation that names a key (AWS's
// recorded answers: RotateKeyOnDemand on a disabled RSA_4096 key is
// "DisabledException: <key-arn> is disabled.", on an EXTERNAL key waiting for
// its material "KMSInvalidStateException: <key-arn> is pending import."):
//   0. the request's shape, from the botocore model (server/wire: required
//      members, lengths, enums), before the service is called;
//   1. resolve the key (NotFoundException, per KmsService::ResolveKey);
//      1b. authorization: what no key policy lets anyone do to an AWS managed
//      key is AccessDeniedException here, before anything about the key's
//      state (RequireCustomerManaged, aws_managed_keys.h; AWS evaluates the
//      key policy before the operation runs);
//   2. its key state (RequireState: the operation's column of the key-state
//      table; a state answer wins over every later one);
//   3. what the key is: key usage (RequireUsage), key spec, origin;
//   4. the request's own values against that key (algorithms, the message or
//      digest, ValidTo, KeyMaterialId, import token, PublicKey...);
//   5. DryRun: DryRunOperationException only once all the above passed.
// KmsService::UsableKey does 1-3 for the operations that use key material;
// docs/aws-kms-behaviour.md section 1.8 says the same.
#pragma once

#include <string_view>

#include "core/key_metadata.h"

namespace rotor::core {

enum class StateRule {
  kAny,            // DescribeKey, ListResourceTags, GetKeyPolicy...
  kCryptographic,  // Encrypt, Decrypt, GenerateDataKey...: Enabled only; Disabled ->
                   // DisabledException
  kManagement,  // TagResource, UpdateKeyDescription, CreateAlias...: anything but PendingDeletion
  kEnableDisable,  // EnableKey, DisableKey: Enabled or Disabled
  kRotation,       // RotateKeyOnDemand: Enabled only; Disabled -> DisabledException
  // EnableKeyRotation, DisableKeyRotation: as kRotation, except that a key
  // pending import is "<arn> origin is EXTERNAL which is not valid for this
  // operation." (UnsupportedOperationException), the key-state table's [6].
  kRotationSettings,
  // GetKeyRotationStatus: every state but PendingImport, which is the
  // key-state table's [6] as for kRotationSettings.
  kRotationStatus,
  kPendingDeletionOnly,  // CancelKeyDeletion: PendingDeletion or PendingReplicaDeletion;
                         // "<arn> is not pending deletion." otherwise
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
