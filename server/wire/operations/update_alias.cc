// update_alias: aliases
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json UpdateAlias(OperationContext& op) {
  op.service.UpdateAlias(op.ctx, fields::String(op.body, "AliasName"),
                         fields::String(op.body, "TargetKeyId"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
