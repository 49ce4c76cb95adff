// put_key_policy: key policies
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json PutKeyPolicy(OperationContext& op) {
  op.service.PutKeyPolicy(
      op.ctx, fields::String(op.body, "KeyId"), fields::OptString(op.body, "PolicyName"),
      fields::String(op.body, "Policy"), fields::Bool(op.body, "BypassPolicyLockoutSafetyCheck"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
