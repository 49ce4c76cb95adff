// generate_random: cryptography
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GenerateRandom(OperationContext& op) {
  RejectRecipient(op.body);
  core::SecretBytes bytes =
      op.service.GenerateRandom(op.ctx, fields::OptInt(op.body, "NumberOfBytes"),
                                fields::OptString(op.body, "CustomKeyStoreId"));
  return {{"Plaintext", Base64(bytes)}};
}

}  // namespace rotor::server::wire::operations
