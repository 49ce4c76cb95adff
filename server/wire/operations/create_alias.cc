// create_alias: aliases
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json CreateAlias(OperationContext& op) {
  op.service.CreateAlias(op.ctx, fields::String(op.body, "AliasName"),
                         fields::String(op.body, "TargetKeyId"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
