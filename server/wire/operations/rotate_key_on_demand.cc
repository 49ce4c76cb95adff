// rotate_key_on_demand: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json RotateKeyOnDemand(OperationContext& op) {
  return {{"KeyId", op.service.RotateKeyOnDemand(op.ctx, fields::String(op.body, "KeyId"))}};
}

}  // namespace rotor::server::wire::operations
