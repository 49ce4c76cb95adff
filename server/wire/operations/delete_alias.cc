// delete_alias: aliases
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DeleteAlias(OperationContext& op) {
  op.service.DeleteAlias(op.ctx, fields::String(op.body, "AliasName"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
