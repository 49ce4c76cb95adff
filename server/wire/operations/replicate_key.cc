// replicate_key: key lifecycle (multi-Region keys)
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ReplicateKey(OperationContext& op) {
  core::ReplicateKeyRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.replica_region = fields::String(op.body, "ReplicaRegion");
  req.description = fields::OptString(op.body, "Description");
  req.policy = fields::OptString(op.body, "Policy");
  req.tags = fields::Tags(op.body, "Tags");
  req.bypass_policy_lockout_safety_check = fields::Bool(op.body, "BypassPolicyLockoutSafetyCheck");
  core::Key replica = op.service.ReplicateKey(op.ctx, req);
  return {{"ReplicaKeyMetadata", KeyMetadataJson(replica)},
          {"ReplicaPolicy", replica.policy},
          {"ReplicaTags", TagsJson(replica.tags)}};
}

}  // namespace rotor::server::wire::operations
