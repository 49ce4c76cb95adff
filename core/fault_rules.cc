#include "core/fault_rules.h"

#include <algorithm>

#include "core/ids.h"

namespace rotor::core {
namespace {

// splitmix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", 2014): a fixed, portable sequence for a given seed, unlike the
// standard library's distributions.
uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A uniform draw in [0, 1) with 53 bits.
double UnitDraw(uint64_t& state) {
  return static_cast<double>(NextRandom(state) >> 11) * 0x1.0p-53;
}

bool Matches(const FaultMatch& m, std::string_view key, const FaultRequest& req) {
  if (!m.operations.empty() &&
      std::find(m.operations.begin(), m.operations.end(), req.operation) == m.operations.end()) {
    return false;
  }
  if (!m.account.empty() && m.account != req.account) return false;
  if (!m.region.empty() && m.region != req.region) return false;
  if (!m.principal.empty() && m.principal != req.principal_arn &&
      m.principal != req.access_key_id) {
    return false;
  }
  if (!key.empty()) {
    bool named = std::any_of(req.keys.begin(), req.keys.end(),
                             [&](const std::string& k) { return FaultKeyOf(k) == key; });
    if (!named) return false;
  }
  return true;
}

}  // namespace

std::string FaultKeyOf(std::string_view key_id_or_alias) {
  if (key_id_or_alias.empty()) return {};
  KeyReference ref = ParseKeyReference(key_id_or_alias);
  return ref.IsAlias() ? ref.id : "key/" + ref.id;
}

std::string FaultRules::Add(FaultRule rule) {
  std::lock_guard lock(mu_);
  Entry e;
  e.status.id = "fault-" + std::to_string(next_id_++);
  e.key = FaultKeyOf(rule.match.key);
  e.rng_state = rule.frequency.seed;
  e.status.remaining = rule.frequency.kind == FaultFrequencyKind::kNextN ? rule.frequency.count : 0;
  e.status.rule = std::move(rule);
  std::string id = e.status.id;
  rules_.push_back(std::move(e));
  count_.store(rules_.size(), std::memory_order_relaxed);
  return id;
}

bool FaultRules::Remove(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it =
      std::find_if(rules_.begin(), rules_.end(), [&](const Entry& e) { return e.status.id == id; });
  if (it == rules_.end()) return false;
  rules_.erase(it);
  count_.store(rules_.size(), std::memory_order_relaxed);
  return true;
}

void FaultRules::Clear() {
  std::lock_guard lock(mu_);
  rules_.clear();
  count_.store(0, std::memory_order_relaxed);
}

std::vector<FaultRuleStatus> FaultRules::List() const {
  std::lock_guard lock(mu_);
  std::vector<FaultRuleStatus> out;
  out.reserve(rules_.size());
  for (const Entry& e : rules_) out.push_back(e.status);
  return out;
}

bool FaultRules::Fires(Entry& e, Timestamp now) {
  const FaultFrequency& f = e.status.rule.frequency;
  switch (f.kind) {
    case FaultFrequencyKind::kAlways:
      return true;
    case FaultFrequencyKind::kProbability:
      // One draw per matching request, fired or not, so the sequence of
      // outcomes depends only on the seed and the order of the requests.
      return UnitDraw(e.rng_state) < f.probability;
    case FaultFrequencyKind::kNextN:
      if (e.status.remaining == 0) return false;
      --e.status.remaining;
      return true;
    case FaultFrequencyKind::kWindow:
      return now >= f.from && now < f.until;
  }
  return false;
}

std::optional<FaultDecision> FaultRules::Decide(const FaultRequest& req) {
  std::lock_guard lock(mu_);
  for (Entry& e : rules_) {
    if (!Matches(e.status.rule.match, e.key, req)) continue;
    ++e.status.matched;
    if (!Fires(e, req.now)) continue;
    ++e.status.fired;
    return FaultDecision{e.status.id, e.status.rule.action};
  }
  return std::nullopt;
}

}  // namespace rotor::core
