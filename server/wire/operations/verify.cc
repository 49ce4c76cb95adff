// verify: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json Verify(OperationContext& op) {
  core::VerifyRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.message_type = fields::OptEnum<core::MessageType>(op.body, "MessageType");
  req.algorithm = fields::Enum<core::SigningAlgorithm>(op.body, "SigningAlgorithm");
  req.signature = fields::Blob(op.blobs, "Signature");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::VerifyResult r = op.service.Verify(op.ctx, req);
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"SignatureValid", r.valid},
          {"SigningAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
