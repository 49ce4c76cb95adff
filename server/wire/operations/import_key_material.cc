// import_key_material: imported key material
#include <cmath>

#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {
namespace {
// A timestamp member: epoch seconds (the validator has checked it is a number).
std::optional<core::Timestamp> OptTimestamp(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  return core::Timestamp(core::Millis(std::llround(it->get<double>() * 1000.0)));
}
}  // namespace

json ImportKeyMaterial(OperationContext& op) {
  core::ImportKeyMaterialRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.import_token = fields::Blob(op.blobs, "ImportToken");
  req.encrypted_material = fields::Blob(op.blobs, "EncryptedKeyMaterial");
  req.expiration_model = fields::OptEnum<core::ExpirationModel>(op.body, "ExpirationModel");
  req.valid_to = OptTimestamp(op.body, "ValidTo");
  req.import_type = fields::OptEnum<core::ImportType>(op.body, "ImportType");
  req.material_id = fields::OptString(op.body, "KeyMaterialId");
  req.description = fields::OptString(op.body, "KeyMaterialDescription");
  core::ImportKeyMaterialResult r = op.service.ImportKeyMaterial(op.ctx, req);
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)}, {"KeyMaterialId", r.material_id}};
}

}  // namespace rotor::server::wire::operations
