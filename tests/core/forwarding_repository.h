// ForwardingRepository: a KeyRepository that passes every call to another one.
// Tests derive from it and override the calls they observe (count reads,
// record batches, order a read against a commit) without re-implementing
// storage.
#pragma once

#include "core/key_repository.h"

namespace rotor::core::testing {

class ForwardingRepository : public KeyRepository {
 public:
  explicit ForwardingRepository(KeyRepository& inner) : inner_(inner) {}

  std::optional<Key> GetKey(const Scope& s, const std::string& id) override {
    return inner_.GetKey(s, id);
  }
  std::vector<Key> ListKeys(const Scope& s, const std::string& after, size_t limit) override {
    return inner_.ListKeys(s, after, limit);
  }
  std::vector<Key> ListAllKeys(const Key* after, size_t limit) override {
    return inner_.ListAllKeys(after, limit);
  }
  std::optional<Alias> GetAlias(const Scope& s, const std::string& name) override {
    return inner_.GetAlias(s, name);
  }
  std::vector<Alias> ListAliases(const Scope& s, const std::string* key_id,
                                 const std::string& after, size_t limit) override {
    return inner_.ListAliases(s, key_id, after, limit);
  }
  std::vector<KeyMaterialVersion> ListMaterialVersions(const Scope& s, const std::string& id,
                                                       uint32_t after, size_t limit) override {
    return inner_.ListMaterialVersions(s, id, after, limit);
  }
  std::optional<SealedMaterial> GetSealedMaterial(const Scope& s, const std::string& id,
                                                  uint32_t version) override {
    return inner_.GetSealedMaterial(s, id, version);
  }
  std::vector<DueKey> DueKeys(Timestamp until, size_t limit) override {
    return inner_.DueKeys(until, limit);
  }
  std::vector<Grant> ListGrants(const Scope& s, const std::string& id) override {
    return inner_.ListGrants(s, id);
  }
  std::vector<Grant> ListRetirableGrants(const Scope& s, const std::string& principal,
                                         const std::string& after_key,
                                         const std::string& after_grant, size_t limit) override {
    return inner_.ListRetirableGrants(s, principal, after_key, after_grant, limit);
  }
  std::optional<Timestamp> EarliestEvent() override { return inner_.EarliestEvent(); }
  std::optional<Timestamp> DeletionDate(const Scope& s, const std::string& id) override {
    return inner_.DeletionDate(s, id);
  }
  std::optional<KeyUsageRecord> GetLastUsage(const Scope& s, const std::string& id) override {
    return inner_.GetLastUsage(s, id);
  }
  void SaveLastUsage(const std::vector<std::pair<Scope, KeyUsageRecord>>& records) override {
    inner_.SaveLastUsage(records);
  }
  void Write(const std::function<void(KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override {
    inner_.Write(fn, on_commit);
  }
  void Reset() override { inner_.Reset(); }
  std::optional<Bytes> GetRootKeyCheck() override { return inner_.GetRootKeyCheck(); }
  void PutRootKeyCheck(const Bytes& check) override { inner_.PutRootKeyCheck(check); }
  std::optional<StoredClock> GetStoredClock() override { return inner_.GetStoredClock(); }
  void PutStoredClock(const StoredClock& clock) override { inner_.PutStoredClock(clock); }
  StoreHealth Health() const override { return inner_.Health(); }

 protected:
  KeyRepository& inner_;
};

}  // namespace rotor::core::testing
