// list_grants: grants
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListGrants(OperationContext& op) {
  core::ListGrantsRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.grant_id = fields::OptString(op.body, "GrantId");
  req.grantee_principal = fields::OptString(op.body, "GranteePrincipal");
  req.page = ReadPage(op.body);
  core::ListGrantsResult r = op.service.ListGrants(op.ctx, req);
  json out = {{"Grants", GrantList(op, r.grants)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
