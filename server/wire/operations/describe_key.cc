// describe_key: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DescribeKey(OperationContext& op) {
  return {{"KeyMetadata",
           KeyMetadataJson(op.service.DescribeKey(op.ctx, fields::String(op.body, "KeyId")))}};
}

}  // namespace rotor::server::wire::operations
