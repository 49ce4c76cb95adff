// update_primary_region: key lifecycle (multi-Region keys)
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json UpdatePrimaryRegion(OperationContext& op) {
  op.service.UpdatePrimaryRegion(op.ctx, fields::String(op.body, "KeyId"),
                                 fields::String(op.body, "PrimaryRegion"));
  return json::object();
}

}  // namespace rotor::server::wire::operations
