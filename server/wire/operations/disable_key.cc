// disable_key: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DisableKey(OperationContext& op) {
  op.service.DisableKey(op.ctx, fields::String(op.body, "KeyId"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
