// revoke_grant: grants
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json RevokeGrant(OperationContext& op) {
  op.service.RevokeGrant(op.ctx, fields::String(op.body, "KeyId"),
                         fields::String(op.body, "GrantId"), fields::Bool(op.body, "DryRun"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
