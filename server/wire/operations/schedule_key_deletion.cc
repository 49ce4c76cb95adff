// schedule_key_deletion: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ScheduleKeyDeletion(OperationContext& op) {
  core::ScheduleKeyDeletionResult r = op.service.ScheduleKeyDeletion(
      op.ctx, fields::String(op.body, "KeyId"), fields::OptInt(op.body, "PendingWindowInDays"));
  json out = {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
              {"KeyState", Name(r.state)},
              {"PendingWindowInDays", r.pending_window_days}};
  // None for a multi-Region primary waiting for its replicas' deletion.
  if (r.deletion_date) out["DeletionDate"] = EpochSeconds(*r.deletion_date);
  return out;
}

}  // namespace rotor::server::wire::operations
