// generate_data_key_pair_without_plaintext: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GenerateDataKeyPairWithoutPlaintext(OperationContext& op) {
  core::GenerateDataKeyPairRequest req;
  req.key_id = fields::String(op.body, "KeyId");
  req.context = fields::StringMap(op.body, "EncryptionContext");
  // AWS's DataKeyPairSpec values are names of asymmetric KeySpecs.
  req.key_pair_spec = fields::Enum<core::KeySpec>(op.body, "KeyPairSpec");
  req.dry_run = fields::Bool(op.body, "DryRun");
  core::GenerateDataKeyPairResult r = op.service.GenerateDataKeyPair(op.ctx, req, false);
  return {{"PrivateKeyCiphertextBlob", Base64(r.private_key_ciphertext)},
          {"PublicKey", Base64(r.public_key)},
          {"KeyId", r.key_arn},
          {"KeyPairSpec", Name(r.key_pair_spec)},
          {"KeyMaterialId", r.material_id}};
}

}  // namespace rotor::server::wire::operations
