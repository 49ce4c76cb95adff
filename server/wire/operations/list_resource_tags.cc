// list_resource_tags: tags
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListResourceTags(OperationContext& op) {
  core::ListTagsResult r =
      op.service.ListResourceTags(op.ctx, fields::String(op.body, "KeyId"), ReadPage(op.body));
  json out = {{"Tags", TagsJson(r.tags)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
