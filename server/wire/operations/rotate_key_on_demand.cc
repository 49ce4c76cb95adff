// rotate_key_on_demand: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json RotateKeyOnDemand(OperationContext& op) {
  std::string key_arn = op.service.RotateKeyOnDemand(op.ctx, fields::String(op.body, "KeyId"));
  return {{"KeyId", ResponseKeyId(op, "KeyId", key_arn)}};
}

}  // namespace rotor::server::wire::operations
