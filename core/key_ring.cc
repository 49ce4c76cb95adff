#include "core/key_ring.h"

#include <algorithm>
#include <utility>

#include "core/kms_error.h"

namespace rotor::core {
namespace {

bool IsImported(const KeyMaterialVersion& v) { return v.import_state == ImportState::kImported; }

}  // namespace

KeyRing::KeyRing(Key key, Rows versions) : key_(std::move(key)), versions_(std::move(versions)) {
  if (versions_.empty()) return;
  bool whole = versions_.size() == key_.version_count;
  for (size_t i = 0; whole && i < versions_.size(); ++i) whole = versions_[i].version == i + 1;
  if (!whole) {
    throw KmsError::Internal("the key ring of " + key_.Arn() + " was loaded with " +
                             std::to_string(versions_.size()) + " of its " +
                             std::to_string(key_.version_count) + " versions");
  }
}

KeyMaterialState KeyRing::StateOf(const Key& key, uint32_t version) {
  if (version == key.current_version) return KeyMaterialState::kCurrent;
  if (version > key.current_version) return KeyMaterialState::kPendingRotation;
  return KeyMaterialState::kNonCurrent;
}

bool KeyRing::ListedAsRotation(const Key& key, const KeyMaterialVersion& v) {
  return v.rotation_type.has_value() && v.version <= key.current_version;
}

std::optional<uint32_t> KeyRing::PendingVersionNumber(const Key& key) {
  if (key.version_count > key.current_version) return key.version_count;
  return std::nullopt;
}

void KeyRing::RequireEveryVersion(std::string_view what) const {
  if (!HasEveryVersion()) {
    throw KmsError::Internal(std::string(what) + " needs every version of " + key_.Arn());
  }
}

KeyMaterialVersion* KeyRing::Row(uint32_t version) {
  return const_cast<KeyMaterialVersion*>(std::as_const(*this).Row(version));
}

const KeyMaterialVersion* KeyRing::Row(uint32_t version) const {
  auto it = std::lower_bound(
      versions_.begin(), versions_.end(), version,
      [](const KeyMaterialVersion& v, uint32_t number) { return v.version < number; });
  return it != versions_.end() && it->version == version ? &*it : nullptr;
}

const KeyMaterialVersion* KeyRing::PendingVersion() const {
  std::optional<uint32_t> number = PendingVersionNumber(key_);
  if (!number) return nullptr;
  const KeyMaterialVersion* row = Row(*number);
  if (!row) RequireEveryVersion("the pending version");
  return row;
}

const KeyMaterialVersion* KeyRing::Find(std::string_view material_id) const {
  RequireEveryVersion("a KeyMaterialId lookup");
  for (const KeyMaterialVersion& v : versions_) {
    if (v.material_id == material_id) return &v;
  }
  return nullptr;
}

uint32_t KeyRing::NextSlot(std::string_view material_id) const {
  const KeyMaterialVersion* pending = PendingVersion();
  if (!pending) return key_.version_count + 1;
  if (IsImported(*pending)) {
    throw KmsError::MaterialPendingRotation(material_id, key_.Arn(), pending->material_id);
  }
  return pending->version;  // its material was deleted or expired: the slot is free again
}

KeyRing::Rows KeyRing::Append(KeyMaterialVersion v) {
  if (v.material_id.empty()) {
    throw KmsError::Internal("a version appended to " + key_.Arn() + " has no KeyMaterialId");
  }
  const bool imported = v.import_state.has_value();
  if (imported) RequireEveryVersion("appending imported material");
  v.version = NextSlot(v.material_id);
  if (!imported || key_.current_version == 0) {
    key_.MakeCurrent(v.version, v.material_id, v.created);
  }
  key_.version_count = std::max(key_.version_count, v.version);
  if (KeyMaterialVersion* slot = Row(v.version)) {
    *slot = v;  // the free import slot: its old row is replaced
  } else {
    versions_.push_back(v);
  }
  if (imported) Settle();
  return {std::move(v)};
}

ImportSlot KeyRing::ImportSlotFor(std::string_view material_id,
                                  std::optional<ImportType> type) const {
  RequireEveryVersion("an import");
  // AWS: without ImportType, the first import is new material and later ones
  // re-import material the key already has.
  ImportType chosen = type.value_or(key_.version_count == 0 ? ImportType::kNewKeyMaterial
                                                            : ImportType::kExistingKeyMaterial);
  const KeyMaterialVersion* same = Find(material_id);
  if (chosen == ImportType::kExistingKeyMaterial) {
    if (!same) throw KmsError::IncorrectKeyMaterial();
    return {same->version, true};
  }
  if (same) throw KmsError::IncorrectKeyMaterial();  // already this key's: import it as EXISTING
  if (key_.version_count > 0 && !key_.IsSymmetricEncryption()) {
    throw KmsError::Validation(
        "Only symmetric encryption KMS keys accept new key material after the first import; " +
        key_.Arn() + " has key spec " + std::string(ToString(key_.spec)) + ".");
  }
  return {NextSlot(material_id), false};
}

KeyRing::Rows KeyRing::Import(const MaterialImport& m) {
  ImportSlot slot = ImportSlotFor(m.material_id, m.type);
  if (!slot.existing) {
    KeyMaterialVersion v;
    v.material_id = m.material_id;
    v.created = m.at;
    v.description = m.description.value_or("");
    v.import_state = ImportState::kImported;
    v.valid_to = m.valid_to;
    return Append(std::move(v));
  }
  KeyMaterialVersion& row = *Row(slot.version);
  if (m.description) row.description = *m.description;
  row.import_state = ImportState::kImported;
  row.valid_to = m.valid_to;
  Settle();
  return {row};
}

const KeyMaterialVersion* KeyRing::MaterialToDelete(
    const std::optional<std::string>& material_id) const {
  RequireEveryVersion("DeleteImportedKeyMaterial");
  if (!material_id) return Row(key_.current_version);
  const KeyMaterialVersion* v = Find(*material_id);
  if (!v) throw KmsError::MaterialNotAssociated(*material_id, key_.Arn());
  return v;
}

KeyRing::Rows KeyRing::DeleteMaterial(uint32_t version) {
  RequireEveryVersion("DeleteImportedKeyMaterial");
  KeyMaterialVersion* v = Row(version);
  if (!v || !IsImported(*v)) return {};  // already deleted: nothing changes
  v->import_state = ImportState::kPendingImport;
  Settle();
  return {*v};
}

KeyRing::Rows KeyRing::ExpireImported(Timestamp at) {
  RequireEveryVersion("the expiry of imported material");
  Rows expired;
  for (KeyMaterialVersion& v : versions_) {
    if (IsImported(v) && v.valid_to && *v.valid_to <= at) {
      v.import_state = ImportState::kPendingImport;  // the bytes are gone; the row stays
      expired.push_back(v);
    }
  }
  Settle();
  return expired;
}

KeyRing::Rows KeyRing::PromotePending(Timestamp at) {
  const KeyMaterialVersion* pending = PendingVersion();
  if (!pending || !IsImported(*pending)) throw KmsError::NoMaterialPendingRotation(key_.Arn());
  KeyMaterialVersion& v = *Row(pending->version);
  v.rotation_type = RotationType::kOnDemand;
  v.created = at;  // RotationDate
  key_.MakeCurrent(v.version, v.material_id, at);
  return {v};
}

void KeyRing::Settle() {
  RequireEveryVersion("the key state of imported material");
  key_.material_valid_to.reset();
  bool all_used_present = key_.current_version > 0;
  for (const KeyMaterialVersion& v : versions_) {
    if (!IsImported(v)) {
      if (v.version <= key_.current_version) all_used_present = false;
      continue;
    }
    if (v.valid_to && (!key_.material_valid_to || *v.valid_to < *key_.material_valid_to)) {
      key_.material_valid_to = v.valid_to;
    }
  }
  if (key_.state == KeyState::kPendingDeletion) return;  // deletion wins; state unchanged
  if (!all_used_present) {
    key_.state = KeyState::kPendingImport;
  } else if (key_.state == KeyState::kPendingImport) {
    key_.state = KeyState::kEnabled;
  }
}

}  // namespace rotor::core
