// generate_mac: HMAC keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GenerateMac(OperationContext& op) {
  core::MacRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.message = core::SecretBytes(fields::Blob(op.blobs, "Message"));
  req.algorithm = fields::Enum<core::MacAlgorithm>(op.body, "MacAlgorithm");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::MacResult r = op.service.GenerateMac(op.ctx, req);
  return {{"KeyId", r.key_arn}, {"Mac", Base64(r.mac)}, {"MacAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
