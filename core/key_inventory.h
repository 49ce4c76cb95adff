// KeyInventory: read-only walks over every key of every account and region,
// with alias names attached, for the dashboard, the compliance report and
// export. Reads the repository directly (not the cache): these are rare,
// whole-store reads that should not evict the hot keys.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/key_repository.h"

namespace rotor::core {

struct KeyOverview {
  Key key;
  std::vector<std::string> aliases;
};

class KeyInventory {
 public:
  explicit KeyInventory(KeyRepository& repo) : repo_(repo) {}

  // Calls `fn` for each key in (account, region, id) order until it returns false.
  void ForEach(const std::function<bool(const KeyOverview&)>& fn);
  std::optional<KeyOverview> Find(const Scope& scope, const std::string& key_id);
  // The versions of a key's ring after version `after` (0: from the first),
  // oldest first, at most `limit` of them.
  std::vector<KeyMaterialVersion> Versions(const Key& key, size_t limit, uint32_t after = 0);
  // Every grant of the key (core/grant.h), ordered by grant id.
  std::vector<Grant> Grants(const Key& key) { return repo_.ListGrants(key.scope, key.id); }

 private:
  std::vector<std::string> AliasesOf(const Scope& scope, const std::string& key_id);
  KeyRepository& repo_;
};

}  // namespace rotor::core
