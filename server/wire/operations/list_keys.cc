// list_keys: key lifecycle
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListKeys(OperationContext& op) {
  core::ListKeysResult r = op.service.ListKeys(op.ctx, ReadPage(op.body));
  json keys = json::array();
  for (const auto& k : r.keys) {
    keys.push_back(
        {{"KeyId", ResponseKeyId(op, "Keys[].KeyId", k.key_arn)}, {"KeyArn", k.key_arn}});
  }
  json out = {{"Keys", std::move(keys)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
