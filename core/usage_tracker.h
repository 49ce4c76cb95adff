// UsageTracker: the last successful cryptographic operation per key, for
// GetKeyLastUsage. Recording is an in-memory map update (no I/O on the request
// path); Flush() persists what changed in one batch, called by a background
// thread every second and at shutdown. A crash loses at most that second of
// usage records, never a key.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/key_repository.h"

namespace rotor::core {

class UsageTracker {
 public:
  explicit UsageTracker(KeyRepository& repo) : repo_(repo) {}

  void Record(const Scope& scope, const KeyUsageRecord& record);
  std::optional<KeyUsageRecord> Last(const Scope& scope, const std::string& key_id);
  void Forget(const Scope& scope, const std::string& key_id);
  void Clear();
  void Flush();

 private:
  static std::string MapKey(const Scope& scope, const std::string& key_id);

  KeyRepository& repo_;
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<Scope, KeyUsageRecord>> latest_;  // guarded by mu_
  std::unordered_map<std::string, std::pair<Scope, KeyUsageRecord>> dirty_;   // guarded by mu_
};

}  // namespace rotor::core
