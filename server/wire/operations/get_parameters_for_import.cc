// get_parameters_for_import: imported key material
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetParametersForImport(OperationContext& op) {
  core::ImportParametersResult r = op.service.GetParametersForImport(
      op.ctx, fields::String(op.body, "KeyId"), fields::String(op.body, "WrappingAlgorithm"),
      fields::String(op.body, "WrappingKeySpec"));
  return {{"KeyId", r.key_arn},
          {"ImportToken", Base64(r.import_token)},
          {"PublicKey", Base64(r.public_key)},
          {"ParametersValidTo", EpochSeconds(r.valid_to)}};
}

}  // namespace rotor::server::wire::operations
