// create_key: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json CreateKey(OperationContext& op) {
  core::CreateKeyRequest req;
  req.description = fields::OptString(op.body, "Description");
  req.key_usage = fields::OptEnum<core::KeyUsage>(op.body, "KeyUsage");
  req.key_spec = fields::OptEnum<core::KeySpec>(op.body, "KeySpec");
  req.customer_master_key_spec = fields::OptEnum<core::KeySpec>(op.body, "CustomerMasterKeySpec");
  req.origin = fields::OptEnum<core::Origin>(op.body, "Origin");
  req.custom_key_store_id = fields::OptString(op.body, "CustomKeyStoreId");
  req.xks_key_id = fields::OptString(op.body, "XksKeyId");
  req.policy = fields::OptString(op.body, "Policy");
  req.tags = fields::Tags(op.body, "Tags");
  req.multi_region = fields::Bool(op.body, "MultiRegion");
  req.bypass_policy_lockout_safety_check = fields::Bool(op.body, "BypassPolicyLockoutSafetyCheck");
  return {{"KeyMetadata", KeyMetadataJson(op.service.CreateKey(op.ctx, req))}};
}

}  // namespace rotor::server::wire::operations
