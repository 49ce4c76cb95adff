// KeyCache: keys, alias targets and unsealed key material in memory, in front
// of the KeyRepository, so Encrypt/Decrypt/GenerateDataKey never touch SQLite
// once a key is warm.
//
// Consistency: every write goes through KeyCache::Write, which records what the
// transaction changed and applies it to the cache on the writer thread right
// after the commit, in commit order. A reader that misses loads from the
// repository while holding load_mutex_ shared, and the post-commit update holds
// it exclusively, so a load that began before a commit can never overwrite the
// newer value that commit installs.
//
// Several processes on one store (replicas on PostgreSQL): the store reports
// a generation that every commit of any process changes
// (KeyRepository::SharedGeneration). Every lookup reads it first and, when it
// moved, forgets everything before answering, so a request that starts after
// another replica acknowledged a write sees that write (docs/scaling.md). A
// store only this process writes reports none and costs nothing.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "core/key_repository.h"

namespace rotor::core {

class KeyCache {
 public:
  // Unseals (and, for asymmetric keys, parses) one version's material;
  // nullopt when it cannot. The cache fills in material_id.
  using Unsealer =
      std::function<std::optional<UnsealedMaterial>(uint32_t version, const SealedMaterial&)>;

  KeyCache(KeyRepository& repo, size_t max_entries);

  // Nullptr when the key does not exist in that scope.
  std::shared_ptr<const Key> GetKey(const Scope& scope, const std::string& key_id);
  // The key id an alias points to, or nullopt.
  std::optional<std::string> GetAliasTarget(const Scope& scope, const std::string& alias_name);
  // Unsealed material of one version; nullptr when the repository has no
  // material for it (or it cannot be unsealed).
  std::shared_ptr<const UnsealedMaterial> GetMaterial(const Scope& scope, const std::string& key_id,
                                                      uint32_t version, const Unsealer& unseal);

  // Every grant of a key, ordered by grant id (empty for a key without grants
  // or no key). Loaded once per key and replaced after each write that changes
  // the key's grants, so access control reads grants without a query.
  std::shared_ptr<const std::vector<Grant>> GetGrants(const Scope& scope,
                                                      const std::string& key_id);

  // Runs `fn` in one durable transaction and updates the cache with its changes.
  void Write(const std::function<void(KeyTransaction&)>& fn);

  // Forgets everything (after a reset of the repository).
  void Clear();

  KeyRepository& repository() { return repo_; }

 private:
  struct Change;
  class RecordingTransaction;
  using MaterialMap = std::unordered_map<uint32_t, std::shared_ptr<const UnsealedMaterial>>;

  static std::string CacheKey(const Scope& scope, const std::string& id);
  void Apply(const std::vector<Change>& changes);
  // Forgets everything when the store's shared generation moved (see above).
  void Revalidate();
  template <typename Map>
  void TrimLocked(Map& map);

  KeyRepository& repo_;
  const size_t max_entries_;
  std::shared_mutex load_mutex_;  // see the consistency note above

  std::shared_mutex mutex_;  // guards the four maps
  std::unordered_map<std::string, std::shared_ptr<const Key>> keys_;
  std::unordered_map<std::string, std::string> alias_targets_;
  std::unordered_map<std::string, MaterialMap> materials_;
  std::unordered_map<std::string, std::shared_ptr<const std::vector<Grant>>> grants_;
  // The store's shared generation the maps hold data of; guarded by mutex_.
  std::optional<uint64_t> generation_;
};

}  // namespace rotor::core
