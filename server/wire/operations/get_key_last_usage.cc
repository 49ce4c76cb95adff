// get_key_last_usage: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetKeyLastUsage(OperationContext& op) {
  core::KeyLastUsageResult r = op.service.GetKeyLastUsage(op.ctx, fields::String(op.body, "KeyId"));
  json out = {{"KeyId", ResponseKeyId(op, "KeyId", core::KeyArn(op.ctx.scope, r.key_id))},
              {"TrackingStartDate", EpochSeconds(r.tracking_start)},
              {"KeyCreationDate", EpochSeconds(r.key_creation)}};
  if (r.last_usage) {
    out["KeyLastUsage"] = {{"Operation", r.last_usage->operation},
                           {"Timestamp", EpochSeconds(r.last_usage->timestamp)},
                           {"KmsRequestId", r.last_usage->request_id}};
  }
  return out;
}

}  // namespace rotor::server::wire::operations
