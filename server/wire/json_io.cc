#include "server/wire/json_io.h"

#include "core/key_spec_info.h"
#include "server/wire/response_key_id.h"

namespace rotor::server::wire {

json EpochSeconds(core::Timestamp t) {
  int64_t ms = t.time_since_epoch().count();
  if (ms % 1000 == 0) return json(ms / 1000);
  return json(static_cast<double>(ms) / 1000.0);
}

json Base64(const core::Bytes& b) { return core::Base64Encode(b); }
json Base64(const core::SecretBytes& b) { return core::Base64Encode(b); }

void PutAlgorithms(json& out, const core::Key& k) {
  core::KeyAlgorithms algorithms = core::AlgorithmsFor(k.spec, k.usage);
  if (!algorithms.encryption.empty()) out["EncryptionAlgorithms"] = Names(algorithms.encryption);
  if (!algorithms.signing.empty()) out["SigningAlgorithms"] = Names(algorithms.signing);
  if (!algorithms.mac.empty()) out["MacAlgorithms"] = Names(algorithms.mac);
  if (!algorithms.key_agreement.empty())
    out["KeyAgreementAlgorithms"] = Names(algorithms.key_agreement);
}

json TagsJson(const std::vector<core::Tag>& tags) {
  json out = json::array();
  for (const core::Tag& t : tags) out.push_back({{"TagKey", t.key}, {"TagValue", t.value}});
  return out;
}

json KeyMetadataJson(const core::Key& k) {
  json m = {
      {"AWSAccountId", k.scope.account},
      {"KeyId", ResponseKeyId("", "KeyMetadata.KeyId", k.Arn())},
      {"Arn", k.Arn()},
      {"CreationDate", EpochSeconds(k.creation_date)},
      {"Enabled", k.state == core::KeyState::kEnabled},
      {"Description", k.description},
      {"KeyUsage", Name(k.usage)},
      {"KeyState", Name(k.state)},
      {"Origin", Name(k.origin)},
      {"KeyManager", Name(k.manager)},
      {"CustomerMasterKeySpec", Name(k.spec)},
      {"KeySpec", Name(k.spec)},
      {"MultiRegion", k.multi_region},
  };
  if (k.state == core::KeyState::kPendingDeletion && k.deletion_date) {
    m["DeletionDate"] = EpochSeconds(*k.deletion_date);
  }
  // A primary waiting for its replicas' deletion shows its window, not a date.
  if (k.state == core::KeyState::kPendingReplicaDeletion && k.pending_window_days) {
    m["PendingDeletionWindowInDays"] = *k.pending_window_days;
  }
  if (k.multi_region) {
    auto related = [&k](const std::string& region) {
      return json{{"Arn", core::KeyArn({k.scope.account, region}, k.id)}, {"Region", region}};
    };
    json replicas = json::array();
    for (const std::string& region : k.replica_regions) replicas.push_back(related(region));
    m["MultiRegionConfiguration"] = {
        {"MultiRegionKeyType", Name(k.IsPrimary() ? core::MultiRegionKeyType::kPrimary
                                                  : core::MultiRegionKeyType::kReplica)},
        {"PrimaryKey", related(k.primary_region)},
        {"ReplicaKeys", std::move(replicas)}};
  }
  PutAlgorithms(m, k);
  // AWS omits ExpirationModel (and ValidTo) while the key has no key
  // material: EXTERNAL before ImportKeyMaterial (PendingImport, or scheduled
  // for deletion from there) and after DeleteImportedKeyMaterial.
  const bool has_material =
      k.state != core::KeyState::kPendingImport &&
      !(k.state == core::KeyState::kPendingDeletion && k.current_version == 0);
  if (k.origin == core::Origin::kExternal && has_material) {
    m["ExpirationModel"] =
        Name(k.material_valid_to ? core::ExpirationModel::kKeyMaterialExpires
                                 : core::ExpirationModel::kKeyMaterialDoesNotExpire);
    if (k.material_valid_to) m["ValidTo"] = EpochSeconds(*k.material_valid_to);
  }
  if (k.IsSymmetricEncryption() && !k.current_material_id.empty()) {
    m["CurrentKeyMaterialId"] = k.current_material_id;
  }
  return m;
}

json RotationEntryJson(const core::RotationEntry& e, const core::Key* key) {
  json r = {{"KeyId",
             ResponseKeyId("ListKeyRotations", "Rotations[].KeyId", key ? key->Arn() : e.key_id)},
            {"KeyMaterialId", e.version.material_id},
            {"KeyMaterialState", Name(e.state)}};
  if (e.version.rotation_type) {
    r["RotationDate"] = EpochSeconds(e.version.created);
    r["RotationType"] = Name(*e.version.rotation_type);
  }
  if (key && key->origin == core::Origin::kExternal) {
    // As AWS's list-key-rotations example shows: no description member when
    // none was given, and no expiration for material that is not imported.
    if (!e.version.description.empty()) r["KeyMaterialDescription"] = e.version.description;
    if (e.version.import_state) r["ImportState"] = Name(*e.version.import_state);
    if (e.version.import_state == core::ImportState::kImported) {
      r["ExpirationModel"] =
          Name(e.version.valid_to ? core::ExpirationModel::kKeyMaterialExpires
                                  : core::ExpirationModel::kKeyMaterialDoesNotExpire);
      if (e.version.valid_to) r["ValidTo"] = EpochSeconds(*e.version.valid_to);
    }
  }
  return r;
}

json GrantConstraintsJson(const core::GrantConstraints& c) {
  json out = json::object();
  if (c.encryption_context_subset) out["EncryptionContextSubset"] = *c.encryption_context_subset;
  if (c.encryption_context_equals) out["EncryptionContextEquals"] = *c.encryption_context_equals;
  return out;
}

void AddPaging(json& out, const std::optional<std::string>& next_marker) {
  out["Truncated"] = next_marker.has_value();
  if (next_marker) out["NextMarker"] = *next_marker;
}

}  // namespace rotor::server::wire
