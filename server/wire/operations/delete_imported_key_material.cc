// delete_imported_key_material: imported key material
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json DeleteImportedKeyMaterial(OperationContext& op) {
  core::ImportKeyMaterialResult r = op.service.DeleteImportedKeyMaterial(
      op.ctx, fields::String(op.body, "KeyId"), fields::OptString(op.body, "KeyMaterialId"));
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)}, {"KeyMaterialId", r.material_id}};
}

}  // namespace rotor::server::wire::operations
