// untag_resource: tags
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json UntagResource(OperationContext& op) {
  op.service.UntagResource(op.ctx, fields::String(op.body, "KeyId"),
                           fields::StringList(op.body, "TagKeys"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
