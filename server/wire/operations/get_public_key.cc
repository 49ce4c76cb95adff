// get_public_key: asymmetric keys
#include "core/key_spec_info.h"
#include "server/wire/operations/operations.h"

namespace rotor::server::wire::operations {

json GetPublicKey(OperationContext& op) {
  core::PublicKeyResult r = op.service.GetPublicKey(op.ctx, fields::String(op.body, "KeyId"));
  const core::Key& key = *r.key;
  json out = {{"KeyId", key.Arn()},
              {"PublicKey", Base64(r.public_key)},
              {"CustomerMasterKeySpec", std::string(core::ToString(key.spec))},
              {"KeySpec", std::string(core::ToString(key.spec))},
              {"KeyUsage", std::string(core::ToString(key.usage))}};
  core::KeyAlgorithms algorithms = core::AlgorithmsFor(key.spec, key.usage);
  if (!algorithms.encryption.empty()) out["EncryptionAlgorithms"] = Names(algorithms.encryption);
  if (!algorithms.signing.empty()) out["SigningAlgorithms"] = Names(algorithms.signing);
  if (!algorithms.key_agreement.empty())
    out["KeyAgreementAlgorithms"] = Names(algorithms.key_agreement);
  return out;
}

}  // namespace rotor::server::wire::operations
