// encrypt: cryptography
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json Encrypt(OperationContext& op) {
  core::EncryptRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.plaintext = core::SecretBytes(fields::Blob(op.blobs, "Plaintext"));
  req.context = fields::StringMap(op.body, "EncryptionContext");
  req.algorithm = fields::OptEnum<core::EncryptionAlgorithm>(op.body, "EncryptionAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::EncryptResult r = op.service.Encrypt(op.ctx, req);
  return {{"CiphertextBlob", Base64(r.ciphertext)},
          {"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"EncryptionAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
