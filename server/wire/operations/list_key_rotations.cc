// list_key_rotations: rotation
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json ListKeyRotations(OperationContext& op) {
  std::string key_id = fields::String(op.body, "KeyId");
  core::ListKeyRotationsResult r = op.service.ListKeyRotations(
      op.ctx, key_id, fields::OptEnum<core::IncludeKeyMaterial>(op.body, "IncludeKeyMaterial"),
      ReadPage(op.body));
  json rotations = json::array();
  for (const auto& e : r.rotations) rotations.push_back(RotationEntryJson(e, r.key.get()));
  json out = {{"Rotations", std::move(rotations)}};
  AddPaging(out, r.next_marker);
  return out;
}

}  // namespace rotor::server::wire::operations
