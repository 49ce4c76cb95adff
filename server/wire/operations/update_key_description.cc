// update_key_description: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json UpdateKeyDescription(OperationContext& op) {
  op.service.UpdateKeyDescription(op.ctx, fields::String(op.body, "KeyId"),
                                  fields::String(op.body, "Description"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
