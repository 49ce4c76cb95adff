// get_parameters_for_import: imported key material
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetParametersForImport(OperationContext& op) {
  core::ImportParametersResult r = op.service.GetParametersForImport(
      op.ctx, fields::String(op.body, "KeyId"),
      fields::Enum<core::WrappingAlgorithm>(op.body, "WrappingAlgorithm"),
      // AWS's WrappingKeySpec values are names of RSA and SM2 KeySpecs.
      fields::Enum<core::KeySpec>(op.body, "WrappingKeySpec"));
  return {{"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"ImportToken", Base64(r.import_token)},
          {"PublicKey", Base64(r.public_key)},
          {"ParametersValidTo", EpochSeconds(r.valid_to)}};
}

}  // namespace rotor::server::wire::operations
