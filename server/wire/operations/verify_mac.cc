// verify_mac: HMAC keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json VerifyMac(OperationContext& op) {
  core::MacRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.algorithm = fields::Enum<core::MacAlgorithm>(op.body, "MacAlgorithm");
  req.mac = fields::Blob(op.blobs, "Mac");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::MacResult r = op.service.VerifyMac(op.ctx, req);
  return {{"KeyId", r.key_arn}, {"MacValid", r.valid}, {"MacAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
