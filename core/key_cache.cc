#include "core/key_cache.h"

#include <mutex>

namespace rotor::core {

struct KeyCache::Change {
  enum class Kind {
    kKeyPut,
    kKeyDeleted,
    kAliasPut,
    kAliasDeleted,
    kMaterialChanged,
    kGrantsChanged
  };
  Kind kind;
  std::string cache_key;
  std::shared_ptr<const Key> key;  // kKeyPut
  std::string alias_target;        // kAliasPut
};

// Forwards to the storage transaction and notes what changed.
class KeyCache::RecordingTransaction final : public KeyTransaction {
 public:
  RecordingTransaction(KeyTransaction& inner, std::vector<Change>& changes)
      : inner_(inner), changes_(changes) {}

  std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) override {
    return inner_.GetKey(scope, key_id);
  }
  size_t CountKeys(const Scope& scope, bool customer_managed_only) override {
    return inner_.CountKeys(scope, customer_managed_only);
  }
  void PutKey(const Key& key) override {
    inner_.PutKey(key);
    changes_.push_back(
        {Change::Kind::kKeyPut, CacheKey(key.scope, key.id), std::make_shared<const Key>(key), {}});
  }
  void DeleteKey(const Scope& scope, const std::string& key_id, Timestamp deleted_at) override {
    for (const Alias& alias : inner_.AliasesOfKey(scope, key_id)) {
      changes_.push_back({Change::Kind::kAliasDeleted, CacheKey(scope, alias.name), nullptr, {}});
    }
    inner_.DeleteKey(scope, key_id, deleted_at);
    changes_.push_back({Change::Kind::kKeyDeleted, CacheKey(scope, key_id), nullptr, {}});
  }
  std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) override {
    return inner_.GetAlias(scope, name);
  }
  void PutAlias(const Alias& alias) override {
    inner_.PutAlias(alias);
    changes_.push_back(
        {Change::Kind::kAliasPut, CacheKey(alias.scope, alias.name), nullptr, alias.target_key_id});
  }
  void DeleteAlias(const Scope& scope, const std::string& name) override {
    inner_.DeleteAlias(scope, name);
    changes_.push_back({Change::Kind::kAliasDeleted, CacheKey(scope, name), nullptr, {}});
  }
  std::vector<Alias> AliasesOfKey(const Scope& scope, const std::string& key_id) override {
    return inner_.AliasesOfKey(scope, key_id);
  }
  void PutMaterial(const Scope& scope, const std::string& key_id, const KeyMaterialVersion& version,
                   const SealedMaterial* sealed) override {
    inner_.PutMaterial(scope, key_id, version, sealed);
    // A new version needs no invalidation (nothing cached for it yet); material
    // removed from a version (imported material deleted or expired) does.
    if (sealed == nullptr) {
      changes_.push_back({Change::Kind::kMaterialChanged, CacheKey(scope, key_id), nullptr, {}});
    }
  }
  std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& scope,
                                                       const std::string& key_id,
                                                       uint32_t version) override {
    return inner_.GetMaterialVersion(scope, key_id, version);
  }
  std::vector<Grant> GrantsOfKey(const Scope& scope, const std::string& key_id,
                                 const std::string* name) override {
    return inner_.GrantsOfKey(scope, key_id, name);
  }
  size_t CountGrants(const Scope& scope, const std::string& key_id) override {
    return inner_.CountGrants(scope, key_id);
  }
  std::optional<Grant> GetGrant(const Scope& scope, const std::string& key_id,
                                const std::string& grant_id) override {
    return inner_.GetGrant(scope, key_id, grant_id);
  }
  void PutGrant(const Grant& grant) override {
    inner_.PutGrant(grant);
    changes_.push_back(
        {Change::Kind::kGrantsChanged, CacheKey(grant.scope, grant.key_id), nullptr, {}});
  }
  void DeleteGrant(const Scope& scope, const std::string& key_id,
                   const std::string& grant_id) override {
    inner_.DeleteGrant(scope, key_id, grant_id);
    changes_.push_back({Change::Kind::kGrantsChanged, CacheKey(scope, key_id), nullptr, {}});
  }

 private:
  KeyTransaction& inner_;
  std::vector<Change>& changes_;
};

KeyCache::KeyCache(KeyRepository& repo, size_t max_entries)
    : repo_(repo), max_entries_(max_entries) {}

std::string KeyCache::CacheKey(const Scope& scope, const std::string& id) {
  std::string k;
  k.reserve(scope.account.size() + scope.region.size() + id.size() + 2);
  k.append(scope.account).push_back('\x1f');
  k.append(scope.region).push_back('\x1f');
  k.append(id);
  return k;
}

template <typename Map>
void KeyCache::TrimLocked(Map& map) {
  // Bounded memory: drop an arbitrary eighth when full. Entries are cheap to
  // reload and a full cache is rare; an LRU would put a write on every hit.
  if (map.size() < max_entries_) return;
  size_t drop = std::max<size_t>(1, map.size() / 8);
  for (auto it = map.begin(); it != map.end() && drop > 0; --drop) it = map.erase(it);
}

std::shared_ptr<const Key> KeyCache::GetKey(const Scope& scope, const std::string& key_id) {
  Revalidate();
  std::string ck = CacheKey(scope, key_id);
  {
    std::shared_lock lock(mutex_);
    auto it = keys_.find(ck);
    if (it != keys_.end()) return it->second;
  }
  std::shared_lock load(load_mutex_);
  std::optional<Key> loaded = repo_.GetKey(scope, key_id);
  if (!loaded) return nullptr;
  auto key = std::make_shared<const Key>(std::move(*loaded));
  std::unique_lock lock(mutex_);
  TrimLocked(keys_);
  auto [it, inserted] = keys_.emplace(ck, key);
  // A concurrent loader may have won; keep the newer revision.
  if (!inserted && it->second->revision < key->revision) it->second = key;
  return it->second;
}

std::optional<std::string> KeyCache::GetAliasTarget(const Scope& scope,
                                                    const std::string& alias_name) {
  Revalidate();
  std::string ck = CacheKey(scope, alias_name);
  {
    std::shared_lock lock(mutex_);
    auto it = alias_targets_.find(ck);
    if (it != alias_targets_.end()) return it->second;
  }
  std::shared_lock load(load_mutex_);
  std::optional<Alias> alias = repo_.GetAlias(scope, alias_name);
  if (!alias) return std::nullopt;
  std::unique_lock lock(mutex_);
  TrimLocked(alias_targets_);
  alias_targets_[ck] = alias->target_key_id;
  return alias->target_key_id;
}

std::shared_ptr<const UnsealedMaterial> KeyCache::GetMaterial(const Scope& scope,
                                                              const std::string& key_id,
                                                              uint32_t version,
                                                              const Unsealer& unseal) {
  Revalidate();
  std::string ck = CacheKey(scope, key_id);
  {
    std::shared_lock lock(mutex_);
    auto it = materials_.find(ck);
    if (it != materials_.end()) {
      auto v = it->second.find(version);
      if (v != it->second.end()) return v->second;
    }
  }
  std::shared_lock load(load_mutex_);
  std::optional<SealedMaterial> sealed = repo_.GetSealedMaterial(scope, key_id, version);
  if (!sealed) return nullptr;
  std::optional<UnsealedMaterial> unsealed = unseal(version, *sealed);
  if (!unsealed) return nullptr;
  unsealed->material_id = sealed->material_id;
  auto material = std::make_shared<const UnsealedMaterial>(std::move(*unsealed));
  std::unique_lock lock(mutex_);
  TrimLocked(materials_);
  materials_[ck][version] = material;
  return material;
}

std::shared_ptr<const std::vector<Grant>> KeyCache::GetGrants(const Scope& scope,
                                                              const std::string& key_id) {
  Revalidate();
  std::string ck = CacheKey(scope, key_id);
  {
    std::shared_lock lock(mutex_);
    auto it = grants_.find(ck);
    if (it != grants_.end()) return it->second;
  }
  std::shared_lock load(load_mutex_);
  auto grants = std::make_shared<const std::vector<Grant>>(repo_.ListGrants(scope, key_id));
  std::unique_lock lock(mutex_);
  TrimLocked(grants_);
  return grants_.emplace(ck, grants).first->second;  // a concurrent loader's copy is as new
}

void KeyCache::Write(const std::function<void(KeyTransaction&)>& fn) {
  std::vector<Change> changes;
  repo_.Write(
      [&](KeyTransaction& tx) {
        changes.clear();  // a retried transaction starts from scratch
        RecordingTransaction recording(tx, changes);
        fn(recording);
      },
      [&] { Apply(changes); });
}

void KeyCache::Apply(const std::vector<Change>& changes) {
  std::unique_lock load(load_mutex_);
  std::unique_lock lock(mutex_);
  for (const Change& c : changes) {
    switch (c.kind) {
      case Change::Kind::kKeyPut:
        keys_[c.cache_key] = c.key;
        break;
      case Change::Kind::kKeyDeleted:
        keys_.erase(c.cache_key);
        materials_.erase(c.cache_key);
        grants_.erase(c.cache_key);
        break;
      case Change::Kind::kAliasPut:
        alias_targets_[c.cache_key] = c.alias_target;
        break;
      case Change::Kind::kAliasDeleted:
        alias_targets_.erase(c.cache_key);
        break;
      case Change::Kind::kMaterialChanged:
        materials_.erase(c.cache_key);
        break;
      case Change::Kind::kGrantsChanged:
        grants_.erase(c.cache_key);
        break;
    }
  }
}

void KeyCache::Revalidate() {
  std::optional<uint64_t> now = repo_.SharedGeneration();
  if (!now) return;  // only this process writes: Write keeps the cache right
  {
    std::shared_lock lock(mutex_);
    if (generation_ && *generation_ >= *now) return;
  }
  // Another process wrote (or this one did: its own changes are already
  // applied, and a clear costs a reload). Loads in flight finish first, then
  // everything is forgotten; loads after this read the store at `now` or later.
  std::unique_lock load(load_mutex_);
  std::unique_lock lock(mutex_);
  if (generation_ && *generation_ >= *now) return;  // another thread cleared for it
  keys_.clear();
  alias_targets_.clear();
  materials_.clear();
  grants_.clear();
  generation_ = now;
}

void KeyCache::Clear() {
  std::unique_lock load(load_mutex_);
  std::unique_lock lock(mutex_);
  keys_.clear();
  alias_targets_.clear();
  materials_.clear();
  grants_.clear();
}

}  // namespace rotor::core
