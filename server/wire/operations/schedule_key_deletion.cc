// schedule_key_deletion: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ScheduleKeyDeletion(OperationContext& op) {
  core::ScheduleKeyDeletionResult r = op.service.ScheduleKeyDeletion(
      op.ctx, fields::String(op.body, "KeyId"), fields::OptInt(op.body, "PendingWindowInDays"));
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"DeletionDate", EpochSeconds(r.deletion_date)},
          {"KeyState", Name(r.state)},
          {"PendingWindowInDays", r.pending_window_days}};
}

}  // namespace rotor::server::wire::operations
