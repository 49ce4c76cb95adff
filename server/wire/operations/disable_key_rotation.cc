// disable_key_rotation: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DisableKeyRotation(OperationContext& op) {
  op.service.DisableKeyRotation(op.ctx, fields::String(op.body, "KeyId"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
