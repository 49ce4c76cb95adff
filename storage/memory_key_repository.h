// An in-memory KeyRepository for core tests: the same contract as storage's
// SQLite one (a transaction either commits whole or not at all), no disk.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <tuple>

#include "core/key_repository.h"

namespace rotor::core::testing {

class FakeKeyRepository final : public KeyRepository {
 public:
  struct State {
    std::map<std::tuple<std::string, std::string, std::string>, Key> keys;
    std::map<std::tuple<std::string, std::string, std::string>, Alias> aliases;
    std::map<std::tuple<std::string, std::string, std::string, uint32_t>,
             std::pair<KeyMaterialVersion, std::optional<SealedMaterial>>>
        materials;
    std::map<std::tuple<std::string, std::string, std::string>, KeyUsageRecord> usage;
    std::set<std::tuple<std::string, std::string, std::string>> deleted;
  };

  std::optional<Key> GetKey(const Scope& s, const std::string& id) override {
    std::lock_guard l(mu_);
    auto it = state_.keys.find({s.account, s.region, id});
    if (it == state_.keys.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Key> ListKeys(const Scope& s, const std::string& after, size_t limit) override {
    std::lock_guard l(mu_);
    std::vector<Key> out;
    for (auto& [k, v] : state_.keys) {
      if (std::get<0>(k) == s.account && std::get<1>(k) == s.region && std::get<2>(k) > after &&
          out.size() < limit)
        out.push_back(v);
    }
    return out;
  }
  std::vector<Key> ListAllKeys(const Key* after, size_t limit) override {
    std::lock_guard l(mu_);
    std::vector<Key> out;
    for (auto& [k, v] : state_.keys) {
      if (after && k <= std::make_tuple(after->scope.account, after->scope.region, after->id))
        continue;
      if (out.size() < limit) out.push_back(v);
    }
    return out;
  }
  std::optional<Alias> GetAlias(const Scope& s, const std::string& name) override {
    std::lock_guard l(mu_);
    auto it = state_.aliases.find({s.account, s.region, name});
    if (it == state_.aliases.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Alias> ListAliases(const Scope& s, const std::string* key_id,
                                 const std::string& after, size_t limit) override {
    std::lock_guard l(mu_);
    std::vector<Alias> out;
    for (auto& [k, v] : state_.aliases) {
      if (std::get<0>(k) == s.account && std::get<1>(k) == s.region && v.name > after &&
          (!key_id || v.target_key_id == *key_id) && out.size() < limit)
        out.push_back(v);
    }
    return out;
  }
  std::vector<KeyMaterialVersion> ListMaterialVersions(const Scope& s, const std::string& id,
                                                       uint32_t after, size_t limit) override {
    std::lock_guard l(mu_);
    std::vector<KeyMaterialVersion> out;
    for (auto& [k, v] : state_.materials) {
      if (std::get<0>(k) == s.account && std::get<1>(k) == s.region && std::get<2>(k) == id &&
          std::get<3>(k) > after && out.size() < limit)
        out.push_back(v.first);
    }
    return out;
  }
  std::optional<SealedMaterial> GetSealedMaterial(const Scope& s, const std::string& id,
                                                  uint32_t version) override {
    std::lock_guard l(mu_);
    ++material_reads;
    auto it = state_.materials.find({s.account, s.region, id, version});
    if (it == state_.materials.end() || !it->second.second) return std::nullopt;
    SealedMaterial m = *it->second.second;
    m.material_id = it->second.first.material_id;
    return m;
  }
  std::vector<DueKey> DueKeys(Timestamp until, size_t limit) override {
    std::lock_guard l(mu_);
    std::vector<DueKey> out;
    for (auto& [k, v] : state_.keys) {
      auto t = v.NextEventTime();
      if (t && *t <= until) out.push_back({v.scope, v.id, *t});
    }
    std::sort(out.begin(), out.end(),
              [](const DueKey& a, const DueKey& b) { return a.due < b.due; });
    if (out.size() > limit) out.resize(limit);
    return out;
  }
  std::optional<Timestamp> EarliestEvent() override {
    auto due = DueKeys(Timestamp::max(), 1);
    if (due.empty()) return std::nullopt;
    return due[0].due;
  }
  bool WasDeleted(const Scope& s, const std::string& id) override {
    std::lock_guard l(mu_);
    return state_.deleted.count({s.account, s.region, id}) > 0;
  }
  std::optional<KeyUsageRecord> GetLastUsage(const Scope& s, const std::string& id) override {
    std::lock_guard l(mu_);
    auto it = state_.usage.find({s.account, s.region, id});
    if (it == state_.usage.end()) return std::nullopt;
    return it->second;
  }
  void SaveLastUsage(const std::vector<std::pair<Scope, KeyUsageRecord>>& records) override {
    std::lock_guard l(mu_);
    for (auto& [s, r] : records) {
      if (state_.keys.count({s.account, s.region, r.key_id}))
        state_.usage[{s.account, s.region, r.key_id}] = r;
    }
  }
  void Write(const std::function<void(KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override {
    std::lock_guard l(mu_);
    State copy = state_;
    Tx tx(copy);
    fn(tx);  // throws: `copy` is dropped, nothing changes
    state_ = std::move(copy);
    ++commits;
    if (on_commit) on_commit();
  }
  void Reset() override {
    std::lock_guard l(mu_);
    state_ = State{};
  }

  size_t material_reads = 0;
  size_t commits = 0;

 private:
  class Tx final : public KeyTransaction {
   public:
    explicit Tx(State& s) : s_(s) {}
    std::optional<Key> GetKey(const Scope& sc, const std::string& id) override {
      auto it = s_.keys.find({sc.account, sc.region, id});
      if (it == s_.keys.end()) return std::nullopt;
      return it->second;
    }
    void PutKey(const Key& k) override { s_.keys[{k.scope.account, k.scope.region, k.id}] = k; }
    void DeleteKey(const Scope& sc, const std::string& id) override {
      s_.keys.erase({sc.account, sc.region, id});
      std::erase_if(s_.aliases, [&](auto& e) { return e.second.target_key_id == id; });
      std::erase_if(s_.materials, [&](auto& e) { return std::get<2>(e.first) == id; });
      s_.usage.erase({sc.account, sc.region, id});
      s_.deleted.insert({sc.account, sc.region, id});
    }
    std::optional<Alias> GetAlias(const Scope& sc, const std::string& n) override {
      auto it = s_.aliases.find({sc.account, sc.region, n});
      if (it == s_.aliases.end()) return std::nullopt;
      return it->second;
    }
    void PutAlias(const Alias& a) override {
      s_.aliases[{a.scope.account, a.scope.region, a.name}] = a;
    }
    void DeleteAlias(const Scope& sc, const std::string& n) override {
      s_.aliases.erase({sc.account, sc.region, n});
    }
    std::vector<Alias> AliasesOfKey(const Scope& sc, const std::string& id) override {
      std::vector<Alias> out;
      for (auto& [k, v] : s_.aliases)
        if (std::get<0>(k) == sc.account && std::get<1>(k) == sc.region && v.target_key_id == id)
          out.push_back(v);
      return out;
    }
    void PutMaterial(const Scope& sc, const std::string& id, const KeyMaterialVersion& v,
                     const SealedMaterial* sealed) override {
      s_.materials[{sc.account, sc.region, id, v.version}] = {
          v, sealed ? std::optional<SealedMaterial>(*sealed) : std::nullopt};
    }
    std::optional<KeyMaterialVersion> GetMaterialVersion(const Scope& sc, const std::string& id,
                                                         uint32_t version) override {
      auto it = s_.materials.find({sc.account, sc.region, id, version});
      if (it == s_.materials.end()) return std::nullopt;
      return it->second.first;
    }

   private:
    State& s_;
  };

  std::mutex mu_;
  State state_;
};

}  // namespace rotor::core::testing
