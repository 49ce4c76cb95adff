// list_resource_tags: tags
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListResourceTags(OperationContext& op) {
  core::ListTagsResult r =
      op.service.ListResourceTags(op.ctx, fields::String(op.body, "KeyId"), ReadPage(op.body));
  json tags = json::array();
  for (const auto& t : r.tags) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  json out = {{"Tags", std::move(tags)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
