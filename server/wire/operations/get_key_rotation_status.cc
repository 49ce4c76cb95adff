// get_key_rotation_status: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetKeyRotationStatus(OperationContext& op) {
  core::KeyRotationStatus s =
      op.service.GetKeyRotationStatus(op.ctx, fields::String(op.body, "KeyId"));
  json out = {{"KeyId", ResponseKeyId(op, "KeyId", s.key_arn)}, {"KeyRotationEnabled", s.enabled}};
  if (s.period_days) out["RotationPeriodInDays"] = *s.period_days;
  if (s.next_rotation) out["NextRotationDate"] = EpochSeconds(*s.next_rotation);
  if (s.on_demand_started) out["OnDemandRotationStartDate"] = EpochSeconds(*s.on_demand_started);
  return out;
}

}  // namespace rotor::server::wire::operations
