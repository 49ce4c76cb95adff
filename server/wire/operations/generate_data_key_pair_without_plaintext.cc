// generate_data_key_pair_without_plaintext: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GenerateDataKeyPairWithoutPlaintext(OperationContext& op) {
  core::GenerateDataKeyPairResult r =
      op.service.GenerateDataKeyPair(op.ctx, ReadDataKeyPairRequest(op.body), false);
  return {{"PrivateKeyCiphertextBlob", Base64(r.private_key_ciphertext)},
          {"PublicKey", Base64(r.public_key)},
          {"KeyId", ResponseKeyId(op, "KeyId", r.key_arn)},
          {"KeyPairSpec", Name(r.key_pair_spec)},
          {"KeyMaterialId", r.material_id}};
}

}  // namespace rotor::server::wire::operations
