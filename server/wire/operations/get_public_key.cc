// get_public_key: asymmetric keys
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetPublicKey(OperationContext& op) {
  core::PublicKeyResult r = op.service.GetPublicKey(op.ctx, fields::String(op.body, "KeyId"));
  const core::Key& key = *r.key;
  json out = {{"KeyId", ResponseKeyId(op, "KeyId", key.Arn())},
              {"PublicKey", Base64(r.public_key)},
              {"CustomerMasterKeySpec", Name(key.spec)},
              {"KeySpec", Name(key.spec)},
              {"KeyUsage", Name(key.usage)}};
  PutAlgorithms(out, key);  // no MacAlgorithms: GetPublicKey answers only asymmetric keys
  return out;
}

}  // namespace rotor::server::wire::operations
