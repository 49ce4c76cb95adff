// GenerateDataKey and GenerateDataKeyWithoutPlaintext: cryptography.
// One request reader for both; they differ only in returning the plaintext.
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {
namespace {
core::GenerateDataKeyRequest ReadRequest(OperationContext& op) {
  core::GenerateDataKeyRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.context = fields::StringMap(op.body, "EncryptionContext");
  req.number_of_bytes = fields::OptInt(op.body, "NumberOfBytes");
  req.key_spec = fields::OptEnum<core::DataKeySpec>(op.body, "KeySpec");
  req.dry_run = fields::Bool(op.body, "DryRun");
  return req;
}
}  // namespace

json GenerateDataKey(OperationContext& op) {
  RejectRecipient(op.body);
  core::GenerateDataKeyResult r = op.service.GenerateDataKey(op.ctx, ReadRequest(op), true);
  return {{"CiphertextBlob", Base64(r.ciphertext)},
          {"Plaintext", Base64(r.plaintext)},
          {"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"KeyMaterialId", r.material_id}};
}

json GenerateDataKeyWithoutPlaintext(OperationContext& op) {
  core::GenerateDataKeyResult r = op.service.GenerateDataKey(op.ctx, ReadRequest(op), false);
  return {{"CiphertextBlob", Base64(r.ciphertext)},
          {"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"KeyMaterialId", r.material_id}};
}

}  // namespace rotor::server::wire::operations
