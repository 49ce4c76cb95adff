#include "core/key_inventory.h"

#include <map>

namespace rotor::core {

namespace {
constexpr size_t kPage = 500;
}

std::vector<std::string> KeyInventory::AliasesOf(const Scope& scope, const std::string& key_id) {
  std::vector<std::string> names;
  std::string after;
  for (;;) {  // bounded: each page advances `after`
    std::vector<Alias> page = repo_.ListAliases(scope, &key_id, after, kPage);
    for (const Alias& a : page) names.push_back(a.name);
    if (page.size() < kPage) break;
    after = page.back().name;
  }
  return names;
}

void KeyInventory::ForEach(const std::function<bool(const KeyOverview&)>& fn) {
  std::optional<Key> after;
  std::optional<Scope> alias_scope;
  std::multimap<std::string, std::string> aliases_by_key;  // of the current scope
  for (;;) {
    std::vector<Key> page = repo_.ListAllKeys(after ? &*after : nullptr, kPage);
    for (Key& key : page) {
      if (!alias_scope || !(*alias_scope == key.scope)) {
        // One pass over a scope's aliases instead of one query per key.
        alias_scope = key.scope;
        aliases_by_key.clear();
        std::string after_name;
        for (;;) {
          std::vector<Alias> aliases = repo_.ListAliases(key.scope, nullptr, after_name, kPage);
          for (const Alias& a : aliases) aliases_by_key.emplace(a.target_key_id, a.name);
          if (aliases.size() < kPage) break;
          after_name = aliases.back().name;
        }
      }
      KeyOverview overview{key, {}};
      auto [first, last] = aliases_by_key.equal_range(key.id);
      for (auto it = first; it != last; ++it) overview.aliases.push_back(it->second);
      if (!fn(overview)) return;
    }
    if (page.size() < kPage) return;
    after = page.back();
  }
}

std::optional<KeyOverview> KeyInventory::Find(const Scope& scope, const std::string& key_id) {
  std::optional<Key> key = repo_.GetKey(scope, key_id);
  if (!key) return std::nullopt;
  return KeyOverview{*key, AliasesOf(scope, key_id)};
}

std::vector<KeyMaterialVersion> KeyInventory::Versions(const Key& key, size_t limit,
                                                       uint32_t after) {
  std::vector<KeyMaterialVersion> out;
  while (out.size() < limit) {
    std::vector<KeyMaterialVersion> page =
        repo_.ListMaterialVersions(key.scope, key.id, after, std::min(kPage, limit - out.size()));
    if (page.empty()) break;
    after = page.back().version;
    for (auto& v : page) out.push_back(std::move(v));
  }
  return out;
}

}  // namespace rotor::core
