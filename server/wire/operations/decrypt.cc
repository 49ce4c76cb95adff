// decrypt: cryptography
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json Decrypt(OperationContext& op) {
  RejectRecipient(op.body);
  core::DecryptRequest req;
  req.ciphertext = fields::Blob(op.blobs, "CiphertextBlob");
  if (req.ciphertext.empty()) throw core::KmsError::Validation("CiphertextBlob is required.");
  req.context = fields::StringMap(op.body, "EncryptionContext");
  req.key_id = fields::OptString(op.body, "KeyId");
  req.algorithm = fields::OptEnum<core::EncryptionAlgorithm>(op.body, "EncryptionAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::DecryptResult r = op.service.Decrypt(op.ctx, req);
  json out = {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
              {"Plaintext", Base64(r.plaintext)},
              {"EncryptionAlgorithm", Name(r.algorithm)}};
  // Asymmetric keys have a single material and AWS names none for them.
  if (!r.material_id.empty()) out["KeyMaterialId"] = r.material_id;
  return out;
}

}  // namespace rotor::server::wire::operations
