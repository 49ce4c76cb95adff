// list_aliases: aliases
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListAliases(OperationContext& op) {
  core::ListAliasesResult r =
      op.service.ListAliases(op.ctx, fields::OptString(op.body, "KeyId"), ReadPage(op.body));
  json aliases = json::array();
  for (const auto& a : r.aliases) {
    json entry = {{"AliasName", a.name}, {"AliasArn", a.arn}};
    if (a.target_key_id) {
      entry["TargetKeyId"] =
          ResponseKeyId(op, "Aliases[].TargetKeyId", core::KeyArn(op.ctx.scope, *a.target_key_id));
    }
    if (a.creation_date) entry["CreationDate"] = EpochSeconds(*a.creation_date);
    if (a.last_updated_date) entry["LastUpdatedDate"] = EpochSeconds(*a.last_updated_date);
    aliases.push_back(std::move(entry));
  }
  json out = {{"Aliases", std::move(aliases)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
