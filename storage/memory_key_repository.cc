#include "storage/memory_key_repository.h"

#include <algorithm>

namespace rotor::storage {
namespace {

using core::Alias;
using core::Key;
using core::KeyMaterialVersion;
using core::Scope;

MemoryKeyRepository::Id IdOf(const Scope& scope, const std::string& name) {
  return {scope.account, scope.region, name};
}

// Whether a map key (Id, VersionId, GrantId: account, region, then the key id
// or alias name) is in `scope`, and of the key `key_id`.
template <typename IdTuple>
bool InScope(const IdTuple& id, const Scope& scope) {
  return std::get<0>(id) == scope.account && std::get<1>(id) == scope.region;
}
template <typename IdTuple>
bool OfKey(const IdTuple& id, const Scope& scope, const std::string& key_id) {
  return InScope(id, scope) && std::get<2>(id) == key_id;
}

}  // namespace

// Reads and writes on the transaction's own copy of the state.
class MemoryKeyRepository::Transaction final : public core::KeyTransaction {
 public:
  explicit Transaction(State& s) : s_(s) {}

  std::optional<Key> GetKey(const Scope& scope, const std::string& key_id) override {
    auto it = s_.keys.find(IdOf(scope, key_id));
    if (it == s_.keys.end()) return std::nullopt;
    return it->second;
  }
  void PutKey(const Key& key) override { s_.keys[IdOf(key.scope, key.id)] = key; }
  void DeleteKey(const Scope& scope, const std::string& key_id,
                 core::Timestamp deleted_at) override {
    s_.keys.erase(IdOf(scope, key_id));
    std::erase_if(s_.aliases, [&](const auto& e) {
      return InScope(e.first, scope) && e.second.target_key_id == key_id;
    });
    std::erase_if(s_.materials, [&](const auto& e) { return OfKey(e.first, scope, key_id); });
    std::erase_if(s_.grants, [&](const auto& e) { return OfKey(e.first, scope, key_id); });
    s_.usage.erase(IdOf(scope, key_id));
    s_.deleted[IdOf(scope, key_id)] = deleted_at;
  }
  std::optional<Alias> GetAlias(const Scope& scope, const std::string& name) override {
    auto it = s_.aliases.find(IdOf(scope, name));
    if (it == s_.aliases.end()) return std::nullopt;
    return it->second;
  }
  size_t CountKeys(const Scope& scope, bool customer_managed_only) override {
    // The scope's keys are one run of the ordered map (as ListKeys reads them).
    size_t n = 0;
    for (auto it = s_.keys.lower_bound(IdOf(scope, ""));
         it != s_.keys.end() && InScope(it->first, scope); ++it) {
      if (!customer_managed_only || it->second.manager == core::KeyManager::kCustomer) ++n;
    }
    return n;
  }
  void PutAlias(const Alias& alias) override { s_.aliases[IdOf(alias.scope, alias.name)] = alias; }
  void DeleteAlias(const Scope& scope, const std::string& name) override {
    s_.aliases.erase(IdOf(scope, name));
  }
  std::vector<Alias> AliasesOfKey(const Scope& scope, const std::string& key_id) override {
    std::vector<Alias> out;
    for (const auto& [id, alias] : s_.aliases) {
      if (InScope(id, scope) && alias.target_key_id == key_id) out.push_back(alias);
    }
    return out;
  }
  void PutMaterial(const Scope& scope, const std::string& key_id, const KeyMaterialVersion& version,
                   const core::SealedMaterial* sealed) override {
    s_.materials[{scope.account, scope.region, key_id, version.version}] = {
        version, sealed ? std::optional<core::SealedMaterial>(*sealed) : std::nullopt};
  }
  std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& scope,
                                                       const std::string& key_id,
                                                       uint32_t version) override {
    auto it = s_.materials.find({scope.account, scope.region, key_id, version});
    if (it == s_.materials.end()) return std::nullopt;
    return it->second.version;
  }
  std::vector<core::Grant> GrantsOfKey(const Scope& scope, const std::string& key_id,
                                       const std::string* name) override {
    std::vector<core::Grant> out;
    for (auto it = s_.grants.lower_bound({scope.account, scope.region, key_id, ""});
         it != s_.grants.end() && OfKey(it->first, scope, key_id); ++it) {
      if (!name || it->second.name == *name) out.push_back(it->second);
    }
    return out;
  }
  size_t CountGrants(const Scope& scope, const std::string& key_id) override {
    size_t n = 0;
    for (auto it = s_.grants.lower_bound({scope.account, scope.region, key_id, ""});
         it != s_.grants.end() && OfKey(it->first, scope, key_id); ++it) {
      ++n;
    }
    return n;
  }
  std::optional<core::Grant> GetGrant(const Scope& scope, const std::string& key_id,
                                      const std::string& grant_id) override {
    auto it = s_.grants.find({scope.account, scope.region, key_id, grant_id});
    if (it == s_.grants.end()) return std::nullopt;
    return it->second;
  }
  void PutGrant(const core::Grant& grant) override {
    s_.grants[{grant.scope.account, grant.scope.region, grant.key_id, grant.grant_id}] = grant;
  }
  void DeleteGrant(const Scope& scope, const std::string& key_id,
                   const std::string& grant_id) override {
    s_.grants.erase({scope.account, scope.region, key_id, grant_id});
  }

 private:
  State& s_;
};

std::optional<Key> MemoryKeyRepository::GetKey(const Scope& scope, const std::string& key_id) {
  std::lock_guard lock(mu_);
  return Transaction(state_).GetKey(scope, key_id);
}

std::vector<Key> MemoryKeyRepository::ListKeys(const Scope& scope, const std::string& after_id,
                                               size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<Key> out;
  for (auto it = state_.keys.upper_bound(IdOf(scope, after_id));
       it != state_.keys.end() && InScope(it->first, scope) && out.size() < limit; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::vector<Key> MemoryKeyRepository::ListAllKeys(const Key* after, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<Key> out;
  auto it = after ? state_.keys.upper_bound(IdOf(after->scope, after->id)) : state_.keys.begin();
  for (; it != state_.keys.end() && out.size() < limit; ++it) out.push_back(it->second);
  return out;
}

std::optional<Alias> MemoryKeyRepository::GetAlias(const Scope& scope, const std::string& name) {
  std::lock_guard lock(mu_);
  return Transaction(state_).GetAlias(scope, name);
}

std::vector<Alias> MemoryKeyRepository::ListAliases(const Scope& scope, const std::string* key_id,
                                                    const std::string& after_name, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<Alias> out;
  for (auto it = state_.aliases.upper_bound(IdOf(scope, after_name));
       it != state_.aliases.end() && InScope(it->first, scope) && out.size() < limit; ++it) {
    if (!key_id || it->second.target_key_id == *key_id) out.push_back(it->second);
  }
  return out;
}

std::vector<core::Grant> MemoryKeyRepository::ListGrants(const Scope& scope,
                                                         const std::string& key_id) {
  std::lock_guard lock(mu_);
  return Transaction(state_).GrantsOfKey(scope, key_id, nullptr);
}

std::vector<core::Grant> MemoryKeyRepository::ListRetirableGrants(const Scope& scope,
                                                                  const std::string& principal,
                                                                  const std::string& after_key_id,
                                                                  const std::string& after_grant_id,
                                                                  size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<core::Grant> out;
  for (auto it =
           state_.grants.upper_bound({scope.account, scope.region, after_key_id, after_grant_id});
       it != state_.grants.end() && out.size() < limit; ++it) {
    if (!InScope(it->first, scope)) break;
    if (it->second.retiring_principal == principal) out.push_back(it->second);
  }
  return out;
}

std::vector<KeyMaterialVersion> MemoryKeyRepository::ListMaterialVersions(const Scope& scope,
                                                                          const std::string& key_id,
                                                                          uint32_t after_version,
                                                                          size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<KeyMaterialVersion> out;
  for (auto it = state_.materials.upper_bound({scope.account, scope.region, key_id, after_version});
       it != state_.materials.end() && out.size() < limit; ++it) {
    if (!OfKey(it->first, scope, key_id)) break;
    out.push_back(it->second.version);
  }
  return out;
}

std::optional<core::SealedMaterial> MemoryKeyRepository::GetSealedMaterial(
    const Scope& scope, const std::string& key_id, uint32_t version) {
  std::lock_guard lock(mu_);
  ++material_reads_;
  auto it = state_.materials.find({scope.account, scope.region, key_id, version});
  if (it == state_.materials.end() || !it->second.sealed) return std::nullopt;
  core::SealedMaterial m = *it->second.sealed;
  m.material_id = it->second.version.material_id;
  return m;
}

std::vector<core::DueKey> MemoryKeyRepository::DueKeys(core::Timestamp until, size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<core::DueKey> out;
  for (const auto& [id, key] : state_.keys) {
    std::optional<core::Timestamp> t = key.NextEventTime();
    if (t && *t <= until) out.push_back({key.scope, key.id, *t});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const core::DueKey& a, const core::DueKey& b) { return a.due < b.due; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::optional<core::Timestamp> MemoryKeyRepository::EarliestEvent() {
  std::vector<core::DueKey> due = DueKeys(core::Timestamp::max(), 1);
  if (due.empty()) return std::nullopt;
  return due[0].due;
}

std::optional<core::Timestamp> MemoryKeyRepository::DeletionDate(const Scope& scope,
                                                                 const std::string& key_id) {
  std::lock_guard lock(mu_);
  auto it = state_.deleted.find(IdOf(scope, key_id));
  if (it == state_.deleted.end()) return std::nullopt;
  return it->second;
}

std::optional<core::KeyUsageRecord> MemoryKeyRepository::GetLastUsage(const Scope& scope,
                                                                      const std::string& key_id) {
  std::lock_guard lock(mu_);
  auto it = state_.usage.find(IdOf(scope, key_id));
  if (it == state_.usage.end()) return std::nullopt;
  return it->second;
}

void MemoryKeyRepository::SaveLastUsage(
    const std::vector<std::pair<Scope, core::KeyUsageRecord>>& records) {
  std::lock_guard writer(write_mu_);  // not lost to a Write working on its copy
  std::lock_guard lock(mu_);
  for (const auto& [scope, record] : records) {
    // Usage of a key deleted since it was recorded is dropped, as in SQLite.
    if (state_.keys.count(IdOf(scope, record.key_id))) {
      state_.usage[IdOf(scope, record.key_id)] = record;
    }
  }
}

void MemoryKeyRepository::Write(const std::function<void(core::KeyTransaction&)>& fn,
                                const std::function<void()>& on_commit) {
  // write_mu_ makes writes run alone and keeps on_commit in commit order;
  // mu_ is not held while on_commit runs, since it may take locks (the key
  // cache's) that readers hold while they read from here.
  std::lock_guard writer(write_mu_);
  State copy;
  {
    std::lock_guard lock(mu_);
    copy = state_;
  }
  Transaction tx(copy);
  fn(tx);  // throws: `copy` is dropped, nothing changes
  {
    std::lock_guard lock(mu_);
    state_ = std::move(copy);
    ++commits_;
  }
  if (on_commit) on_commit();
}

void MemoryKeyRepository::Reset() {
  std::lock_guard writer(write_mu_);
  std::lock_guard lock(mu_);
  state_ = State{};
}

std::optional<core::Bytes> MemoryKeyRepository::GetRootKeyCheck() {
  std::lock_guard lock(mu_);
  return root_key_check_;
}

void MemoryKeyRepository::PutRootKeyCheck(const core::Bytes& check) {
  std::lock_guard lock(mu_);
  root_key_check_ = check;
}

std::optional<core::StoredClock> MemoryKeyRepository::GetStoredClock() {
  std::lock_guard lock(mu_);
  return stored_clock_;
}

void MemoryKeyRepository::PutStoredClock(const core::StoredClock& clock) {
  std::lock_guard lock(mu_);
  stored_clock_ = clock;
}

size_t MemoryKeyRepository::material_reads() const {
  std::lock_guard lock(mu_);
  return material_reads_;
}

size_t MemoryKeyRepository::commits() const {
  std::lock_guard lock(mu_);
  return commits_;
}

}  // namespace rotor::storage
