#include "core/root_key_check.h"

namespace rotor::core {
namespace {

// Looks at the first keys of the store for one sealed material; true when it
// unseals under `sealer` or when none is found. Bounded: a few hundred keys,
// each with its first versions.
bool SomeMaterialUnseals(KeyRepository& repo, const KeySealer& sealer) {
  constexpr size_t kKeysLooked = 256;
  constexpr size_t kVersionsLooked = 8;
  for (const Key& key : repo.ListAllKeys(nullptr, kKeysLooked)) {
    for (const KeyMaterialVersion& v :
         repo.ListMaterialVersions(key.scope, key.id, 0, kVersionsLooked)) {
      std::optional<SealedMaterial> sealed = repo.GetSealedMaterial(key.scope, key.id, v.version);
      if (!sealed) continue;  // deleted imported material, or none yet
      return sealer.Unseal(key.id, v.version, *sealed).has_value();
    }
  }
  return true;
}

}  // namespace

bool StoreExpectsRootKey(KeyRepository& repo) {
  return repo.GetRootKeyCheck().has_value() || !repo.ListAllKeys(nullptr, 1).empty();
}

RootKeyVerdict CompareRootKey(KeyRepository& repo, const KeySealer& sealer) {
  if (std::optional<Bytes> recorded = repo.GetRootKeyCheck()) {
    return *recorded == sealer.CheckValue() ? RootKeyVerdict::kMatches : RootKeyVerdict::kDiffers;
  }
  return SomeMaterialUnseals(repo, sealer) ? RootKeyVerdict::kRecorded : RootKeyVerdict::kDiffers;
}

RootKeyVerdict CheckRootKey(KeyRepository& repo, const KeySealer& sealer) {
  RootKeyVerdict verdict = CompareRootKey(repo, sealer);
  if (verdict == RootKeyVerdict::kRecorded) repo.PutRootKeyCheck(sealer.CheckValue());
  return verdict;
}

}  // namespace rotor::core
