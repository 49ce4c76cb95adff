#include "core/usage_tracker.h"

#include <vector>

namespace rotor::core {

std::string UsageTracker::MapKey(const Scope& scope, const std::string& key_id) {
  return scope.account + "|" + scope.region + "|" + key_id;
}

void UsageTracker::Record(const Scope& scope, const KeyUsageRecord& record) {
  std::string k = MapKey(scope, record.key_id);
  std::lock_guard lock(mu_);
  auto entry = std::make_pair(scope, record);
  latest_[k] = entry;
  dirty_[k] = std::move(entry);
}

std::optional<KeyUsageRecord> UsageTracker::Last(const Scope& scope, const std::string& key_id) {
  {
    std::lock_guard lock(mu_);
    auto it = latest_.find(MapKey(scope, key_id));
    if (it != latest_.end()) return it->second.second;
  }
  return repo_.GetLastUsage(scope, key_id);
}

void UsageTracker::Forget(const Scope& scope, const std::string& key_id) {
  std::lock_guard lock(mu_);
  latest_.erase(MapKey(scope, key_id));
  dirty_.erase(MapKey(scope, key_id));
}

void UsageTracker::Clear() {
  std::lock_guard lock(mu_);
  latest_.clear();
  dirty_.clear();
}

void UsageTracker::Flush() {
  std::vector<std::pair<Scope, KeyUsageRecord>> batch;
  {
    std::lock_guard lock(mu_);
    if (dirty_.empty()) return;
    batch.reserve(dirty_.size());
    for (auto& [k, v] : dirty_) batch.push_back(std::move(v));
    dirty_.clear();
    // latest_ keeps only what is not yet persisted plus recent entries; bound it.
    if (latest_.size() > 100000) latest_.clear();
  }
  repo_.SaveLastUsage(batch);
}

}  // namespace rotor::core
