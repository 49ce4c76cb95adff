// retire_grant: grants
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json RetireGrant(OperationContext& op) {
  core::RetireGrantRequest req;
  req.grant_token = fields::OptString(op.body, "GrantToken");
  req.key_id = fields::OptString(op.body, "KeyId");
  req.grant_id = fields::OptString(op.body, "GrantId");
  req.dry_run = fields::Bool(op.body, "DryRun");
  op.service.RetireGrant(op.ctx, req);
  return json::object();
}

}  // namespace rotor::server::wire::operations
