// generate_mac: HMAC keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GenerateMac(OperationContext& op) {
  core::MacResult r = op.service.GenerateMac(op.ctx, ReadMacRequest(op));
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"Mac", Base64(r.mac)},
          {"MacAlgorithm", Name(r.algorithm)}};
}

}  // namespace rotor::server::wire::operations
