// derive_shared_secret: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DeriveSharedSecret(OperationContext& op) {
  RejectRecipient(op.body);
  core::DeriveSharedSecretRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.algorithm = fields::Enum<core::KeyAgreementAlgorithm>(op.body, "KeyAgreementAlgorithm");
  req.public_key = fields::Blob(op.blobs, "PublicKey");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::DeriveSharedSecretResult r = op.service.DeriveSharedSecret(op.ctx, req);
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"SharedSecret", Base64(r.shared_secret)},
          {"KeyAgreementAlgorithm", Name(r.algorithm)},
          {"KeyOrigin", Name(r.origin)}};
}

}  // namespace rotor::server::wire::operations
