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
  json tags = json::array();
  for (const auto& t : replica.tags) tags.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  return {{"ReplicaKeyMetadata", KeyMetadataJson(replica)},
          {"ReplicaPolicy", replica.policy},
          {"ReplicaTags", std::move(tags)}};
}

}  // namespace rotor::server::wire::operations
