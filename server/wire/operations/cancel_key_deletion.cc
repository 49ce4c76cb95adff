// cancel_key_deletion: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json CancelKeyDeletion(OperationContext& op) {
  return {{"KeyId", op.service.CancelKeyDeletion(op.ctx, fields::String(op.body, "KeyId"))}};
}

}  // namespace rotor::server::wire::operations
