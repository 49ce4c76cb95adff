// get_key_policy: key policies
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetKeyPolicy(OperationContext& op) {
  std::optional<std::string> name = fields::OptString(op.body, "PolicyName");
  std::string policy = op.service.GetKeyPolicy(op.ctx, fields::String(op.body, "KeyId"), name);
  return {{"Policy", policy}, {"PolicyName", name.value_or("default")}};
}

}  // namespace rotor::server::wire::operations
