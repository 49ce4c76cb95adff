// enable_key: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json EnableKey(OperationContext& op) {
  op.service.EnableKey(op.ctx, fields::String(op.body, "KeyId"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
