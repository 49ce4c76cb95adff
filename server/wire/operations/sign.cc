// sign: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json Sign(OperationContext& op) {
  core::SignRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.message_type = fields::OptString(op.body, "MessageType");
  req.algorithm = fields::String(op.body, "SigningAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::SignResult r = op.service.Sign(op.ctx, req);
  return {
      {"KeyId", r.key_arn}, {"Signature", Base64(r.signature)}, {"SigningAlgorithm", r.algorithm}};
}

}  // namespace rotor::server::wire::operations
