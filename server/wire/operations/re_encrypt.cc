// re_encrypt: cryptography
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ReEncrypt(OperationContext& op) {
  core::ReEncryptRequest req;
  req.ciphertext = fields::Blob(op.blobs, "CiphertextBlob");
  if (req.ciphertext.empty()) throw core::KmsError::Validation("CiphertextBlob is required.");
  req.source_context = fields::StringMap(op.body, "SourceEncryptionContext");
  req.source_key_id = fields::OptString(op.body, "SourceKeyId");
  req.destination_key_id = fields::String(op.body, "DestinationKeyId");
  req.destination_context = fields::StringMap(op.body, "DestinationEncryptionContext");
  req.source_algorithm =
      fields::OptEnum<core::EncryptionAlgorithm>(op.body, "SourceEncryptionAlgorithm");
  req.destination_algorithm =
      fields::OptEnum<core::EncryptionAlgorithm>(op.body, "DestinationEncryptionAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::ReEncryptResult r = op.service.ReEncrypt(op.ctx, req);
  json out = {{"CiphertextBlob", Base64(r.ciphertext)},
              {"SourceKeyId", ResponseKeyId(op, "SourceKeyId", r.source_key_arn)},
              {"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
              {"SourceEncryptionAlgorithm", Name(r.source_algorithm)},
              {"DestinationEncryptionAlgorithm", Name(r.destination_algorithm)}};
  // Asymmetric keys have a single material and AWS names none for them.
  if (!r.source_material_id.empty()) out["SourceKeyMaterialId"] = r.source_material_id;
  if (!r.destination_material_id.empty())
    out["DestinationKeyMaterialId"] = r.destination_material_id;
  return out;
}

}  // namespace rotor::server::wire::operations
