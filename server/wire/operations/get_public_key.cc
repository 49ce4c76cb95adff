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
  auto list = [](const std::vector<std::string_view>& items) {
    json a = json::array();
    for (auto s : items) a.push_back(std::string(s));
    return a;
  };
  if (!algorithms.encryption.empty()) out["EncryptionAlgorithms"] = list(algorithms.encryption);
  if (!algorithms.signing.empty()) out["SigningAlgorithms"] = list(algorithms.signing);
  if (!algorithms.key_agreement.empty())
    out["KeyAgreementAlgorithms"] = list(algorithms.key_agreement);
  return out;
}

}  // namespace rotor::server::wire::operations
