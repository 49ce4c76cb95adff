// list_key_policies: key policies
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListKeyPolicies(OperationContext& op) {
  core::ListPoliciesResult r =
      op.service.ListKeyPolicies(op.ctx, fields::String(op.body, "KeyId"), ReadPage(op.body));
  json out = {{"PolicyNames", r.names}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
