// One handler per AWS action, each in operations/<action>.cc: read the
// (already validated) request members, call the KmsService method of the same
// name, write the response members. Nothing else happens in a handler:
// validation, key resolution and error mapping are done once, elsewhere.
#pragma once

#include <nlohmann/json.hpp>

#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/request_context.h"
#include "server/wire/fields.h"
#include "server/wire/json_io.h"
#include "server/wire/request_validator.h"
#include "server/wire/response_key_id.h"

namespace rotor::server::wire::operations {

using nlohmann::json;

struct OperationContext {
  core::KmsService& service;
  const core::RequestContext& ctx;
  const json& body;
  DecodedBlobs& blobs;
};

// The operation table (operation_table.cc) says which family each belongs to.
json CreateKey(OperationContext& op);
json DescribeKey(OperationContext& op);
json ListKeys(OperationContext& op);
json EnableKey(OperationContext& op);
json DisableKey(OperationContext& op);
json UpdateKeyDescription(OperationContext& op);
json ScheduleKeyDeletion(OperationContext& op);
json CancelKeyDeletion(OperationContext& op);
json ReplicateKey(OperationContext& op);
json UpdatePrimaryRegion(OperationContext& op);
json TagResource(OperationContext& op);
json UntagResource(OperationContext& op);
json ListResourceTags(OperationContext& op);
json GetKeyPolicy(OperationContext& op);
json PutKeyPolicy(OperationContext& op);
json ListKeyPolicies(OperationContext& op);
json CreateAlias(OperationContext& op);
json UpdateAlias(OperationContext& op);
json DeleteAlias(OperationContext& op);
json ListAliases(OperationContext& op);
json Encrypt(OperationContext& op);
json Decrypt(OperationContext& op);
json ReEncrypt(OperationContext& op);
json GenerateDataKey(OperationContext& op);
json GenerateDataKeyWithoutPlaintext(OperationContext& op);
json GenerateRandom(OperationContext& op);
json Sign(OperationContext& op);
json Verify(OperationContext& op);
json GetPublicKey(OperationContext& op);
json GenerateDataKeyPair(OperationContext& op);
json GenerateDataKeyPairWithoutPlaintext(OperationContext& op);
json DeriveSharedSecret(OperationContext& op);
json GenerateMac(OperationContext& op);
json VerifyMac(OperationContext& op);
json GetParametersForImport(OperationContext& op);
json ImportKeyMaterial(OperationContext& op);
json DeleteImportedKeyMaterial(OperationContext& op);
json EnableKeyRotation(OperationContext& op);
json DisableKeyRotation(OperationContext& op);
json GetKeyRotationStatus(OperationContext& op);
json RotateKeyOnDemand(OperationContext& op);
json ListKeyRotations(OperationContext& op);
json GetKeyLastUsage(OperationContext& op);
json CreateGrant(OperationContext& op);
json ListGrants(OperationContext& op);
json ListRetirableGrants(OperationContext& op);
json RetireGrant(OperationContext& op);
json RevokeGrant(OperationContext& op);

// A response member of KeyIdType (`member`: "KeyId", "SourceKeyId",
// "Aliases[].TargetKeyId") for the key `key_arn`, in the form the one table
// of server/wire/response_key_id.h decides for this operation.
inline std::string ResponseKeyId(const OperationContext& op, std::string_view member,
                                 std::string_view key_arn) {
  return wire::ResponseKeyId(op.ctx.operation, member, key_arn);
}

// Shared by the List* handlers.
core::Page ReadPage(const json& body);
// ListGrants' and ListRetirableGrants' entries (AWS's GrantListEntry): KeyId
// in the form response_key_id.h decides ("Grants[].KeyId": the key ARN),
// CreationDate in epoch seconds, Name, RetiringPrincipal and Constraints only
// when the grant has them.
json GrantList(const OperationContext& op, const std::vector<core::Grant>& grants);
// Nitro Enclaves attestation cannot be verified here: refused clearly.
void RejectRecipient(const json& body);
// The request both GenerateDataKeyPair operations read (KeyId, EncryptionContext,
// KeyPairSpec, DryRun).
core::GenerateDataKeyPairRequest ReadDataKeyPairRequest(const json& body);
// The members GenerateMac and VerifyMac share (KeyId, Message, MacAlgorithm,
// DryRun); VerifyMac adds its Mac.
core::MacRequest ReadMacRequest(OperationContext& op);

}  // namespace rotor::server::wire::operations
