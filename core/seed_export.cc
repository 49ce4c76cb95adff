#include "core/seed_export.h"

#include "core/key_ring.h"

namespace rotor::core {

SeedDocument ExportSeed(KeyInventory& inventory, KeyRepository& repo, const KeySealer* sealer) {
  SeedDocument doc;
  inventory.ForEach([&](const KeyOverview& o) {
    const Key& k = o.key;
    if (k.state == KeyState::kPendingDeletion) return true;  // on its way out: not a starting state
    SeedKey s;
    s.entry = k.Arn();
    s.scope = k.scope;
    s.key_id = k.id;
    s.description = k.description;
    s.spec = k.spec;
    s.usage = k.usage;
    s.origin = k.origin;
    s.manager = k.manager;
    s.state = k.state == KeyState::kDisabled ? KeyState::kDisabled : KeyState::kEnabled;
    s.creation_date = k.creation_date;
    s.policy = k.policy;
    s.tags = k.tags;
    if (k.multi_region) s.primary_region = k.primary_region;
    // A replica shares its primary's rotation; the primary's entry carries it.
    s.rotation_enabled = k.rotation.enabled && !k.IsReplica();
    s.rotation_period_days = k.rotation.period_days;
    s.next_rotation = k.rotation.enabled ? k.rotation.next_rotation : std::nullopt;
    for (const KeyMaterialVersion& v : inventory.Versions(k, SIZE_MAX)) {
      if (KeyRing::StateOf(k, v.version) == KeyMaterialState::kPendingRotation)
        break;  // pending imported material is not a starting state
      SeedMaterial m;
      m.material_id = v.material_id;
      m.created = v.created;
      m.rotation_type = v.rotation_type;
      m.valid_to = v.valid_to;
      if (sealer) {
        std::optional<SealedMaterial> sealed = repo.GetSealedMaterial(k.scope, k.id, v.version);
        std::optional<SecretBytes> plain =
            sealed ? sealer->Unseal(k.id, v.version, *sealed) : std::nullopt;
        if (plain) m.bytes = std::move(*plain);
      }
      s.materials.push_back(std::move(m));
    }
    s.grants = repo.ListGrants(k.scope, k.id);
    doc.keys.push_back(std::move(s));
    for (const std::string& alias : o.aliases)
      doc.aliases.push_back({k.Arn(), k.scope, alias, k.id});
    return true;
  });
  return doc;
}

}  // namespace rotor::core
