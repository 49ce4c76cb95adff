// MemoryKeyRepository: core's storage port (core/key_repository.h) kept in
// memory. It is the port's reference implementation: the simplest store that
// keeps the whole contract (a write transaction commits whole or not at all,
// reads see committed data only, deleting a key deletes its material, aliases,
// grants and usage and leaves a tombstone), so it is what the port's contract test
// (tests/storage/key_repository_contract_test.cc) checks every other store
// against, and what unit tests, fuzz targets and benchmarks of core run on.
// Nothing survives the process; `rotor --in-memory` uses SQLite on tmpfs instead.
//
// Thread safety: all methods may be called concurrently; one mutex guards the
// state and every Write runs alone (on a copy, swapped in when `fn` returns),
// serialised by a second mutex that it holds, and not the first, while its
// on_commit runs (so on_commit may take locks that readers of the store hold).
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <tuple>

#include "core/key_repository.h"

namespace rotor::storage {

class MemoryKeyRepository final : public core::KeyRepository {
 public:
  std::optional<core::Key> GetKey(const core::Scope& scope, const std::string& key_id) override;
  std::vector<core::Key> ListKeys(const core::Scope& scope, const std::string& after_id,
                                  size_t limit) override;
  std::vector<core::Key> ListAllKeys(const core::Key* after, size_t limit) override;
  std::optional<core::Alias> GetAlias(const core::Scope& scope, const std::string& name) override;
  std::vector<core::Alias> ListAliases(const core::Scope& scope, const std::string* key_id,
                                       const std::string& after_name, size_t limit) override;
  std::vector<core::Grant> ListGrants(const core::Scope& scope, const std::string& key_id) override;
  std::vector<core::Grant> ListRetirableGrants(const core::Scope& scope,
                                               const std::string& principal,
                                               const std::string& after_key_id,
                                               const std::string& after_grant_id,
                                               size_t limit) override;
  std::vector<core::KeyMaterialVersion> ListMaterialVersions(const core::Scope& scope,
                                                             const std::string& key_id,
                                                             uint32_t after_version,
                                                             size_t limit) override;
  std::optional<core::SealedMaterial> GetSealedMaterial(const core::Scope& scope,
                                                        const std::string& key_id,
                                                        uint32_t version) override;
  std::vector<core::DueKey> DueKeys(core::Timestamp until, size_t limit) override;
  std::optional<core::Timestamp> EarliestEvent() override;
  std::optional<core::Timestamp> DeletionDate(const core::Scope& scope,
                                              const std::string& key_id) override;
  std::optional<core::KeyUsageRecord> GetLastUsage(const core::Scope& scope,
                                                   const std::string& key_id) override;
  void SaveLastUsage(
      const std::vector<std::pair<core::Scope, core::KeyUsageRecord>>& records) override;
  void Write(const std::function<void(core::KeyTransaction&)>& fn,
             const std::function<void()>& on_commit) override;
  void Reset() override;
  std::optional<core::Bytes> GetRootKeyCheck() override;
  void PutRootKeyCheck(const core::Bytes& check) override;
  std::optional<core::StoredClock> GetStoredClock() override;
  void PutStoredClock(const core::StoredClock& clock) override;

  // For tests of caching and batching: sealed-material reads served, and
  // write transactions committed, since construction.
  size_t material_reads() const;
  size_t commits() const;

  // (account, region, key id or alias name) and, for material, the version.
  using Id = std::tuple<std::string, std::string, std::string>;
  using VersionId = std::tuple<std::string, std::string, std::string, uint32_t>;
  // (account, region, key id, grant id)
  using GrantId = std::tuple<std::string, std::string, std::string, std::string>;
  struct Material {
    core::KeyMaterialVersion version;
    std::optional<core::SealedMaterial> sealed;  // none once deleted (imported material)
  };
  struct State {
    std::map<Id, core::Key> keys;
    std::map<Id, core::Alias> aliases;
    std::map<VersionId, Material> materials;
    std::map<GrantId, core::Grant> grants;
    std::map<Id, core::KeyUsageRecord> usage;
    std::map<Id, core::Timestamp> deleted;  // tombstones of deleted keys: when
  };

 private:
  class Transaction;

  // Taken before mu_ by everything that changes state_: Write (for its whole
  // transaction and on_commit), SaveLastUsage and Reset.
  std::mutex write_mu_;
  mutable std::mutex mu_;
  State state_;  // guarded by mu_
  // The store's own records, which Reset keeps; guarded by mu_.
  std::optional<core::Bytes> root_key_check_;
  std::optional<core::StoredClock> stored_clock_;
  size_t material_reads_ = 0;  // guarded by mu_
  size_t commits_ = 0;         // guarded by mu_
};

}  // namespace rotor::storage
