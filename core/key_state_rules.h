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
//   1. resolve the key (NotFoundException, per KmsService::ResolveKey): a
//      bare key id or an alias names a key of the caller's own account, so a
//      key of another account named by its bare id is "Key '<arn in the
//      caller's account>' does not exist"; a key ARN of another account is
//      looked up in that account only in strict mode and for an operation AWS
//      lets use another account's key ("Cross-account use: Yes" in the API
//      Reference; the operation table's kCrossAccount), else NotFoundException.
//      A key that does not exist is NotFoundException for every caller,
//      permitted or not: there is no key policy to evaluate;
//      1b. authorization, strict mode (KmsService::Authorize, before the
//      operation runs, as AWS evaluates access before it acts): an explicit
//      Deny in the key policy or the identity policy, else an Allow from the
//      key policy (with the identity policy when it delegates to the account,
//      always across accounts) or from a grant, else AccessDeniedException
//      with AWS's wording. So a caller without permission gets
//      AccessDeniedException for a disabled key, and a permitted one
//      DisabledException. Operations without a key (CreateKey, ListKeys,
//      ListAliases, GenerateRandom, ListRetirableGrants) are authorised first,
//      by the identity policy alone. Then, in both modes, what no key policy
//      lets anyone do to an AWS managed key is AccessDeniedException, before
//      anything about the key's state (RequireCustomerManaged,
//      aws_managed_keys.h);
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
