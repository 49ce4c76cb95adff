// tag_resource: tags
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json TagResource(OperationContext& op) {
  op.service.TagResource(op.ctx, fields::String(op.body, "KeyId"), fields::Tags(op.body, "Tags"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
