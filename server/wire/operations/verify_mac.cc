// verify_mac: HMAC keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json VerifyMac(OperationContext& op) {
  core::MacRequest req = ReadMacRequest(op);
  req.mac = fields::Blob(op.blobs, "Mac");
  core::MacResult r = op.service.VerifyMac(op.ctx, req);
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"MacValid", r.valid},
          {"MacAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
