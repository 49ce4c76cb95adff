// sign: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json Sign(OperationContext& op) {
  core::SignRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.message_type = fields::OptEnum<core::MessageType>(op.body, "MessageType");
  req.algorithm = fields::Enum<core::SigningAlgorithm>(op.body, "SigningAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::SignResult r = op.service.Sign(op.ctx, req);
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"Signature", Base64(r.signature)},
          {"SigningAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
