// list_retirable_grants: grants
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListRetirableGrants(OperationContext& op) {
  core::ListGrantsResult r = op.service.ListRetirableGrants(
      op.ctx, fields::String(op.body, "RetiringPrincipal"), ReadPage(op.body));
  json out = {{"Grants", GrantList(op, r.grants)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
