// enable_key_rotation: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json EnableKeyRotation(OperationContext& op) {
  op.service.EnableKeyRotation(op.ctx, fields::String(op.body, "KeyId"),
                               fields::OptInt(op.body, "RotationPeriodInDays"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
