// Tags and key policies: TagResource, UntagResource, ListResourceTags,
// GetKeyPolicy, PutKeyPolicy, ListKeyPolicies.
#include <algorithm>

#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/pagination.h"
#include "core/tag_rules.h"

namespace rotor::core {

void KmsService::TagResource(const RequestContext& ctx, const std::string& key_id,
                             const std::vector<Tag>& tags) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction&) {
    RequireState(key, StateRule::kManagement);
    MergeTags(key.tags, tags);
  });
}

void KmsService::UntagResource(const RequestContext& ctx, const std::string& key_id,
                               const std::vector<std::string>& tag_keys) {
  for (const std::string& k : tag_keys) RequireUserTagKey(k);
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction&) {
    RequireState(key, StateRule::kManagement);
    std::erase_if(key.tags, [&](const Tag& t) {
      return std::find(tag_keys.begin(), tag_keys.end(), t.key) != tag_keys.end();
    });
  });
}

ListTagsResult KmsService::ListResourceTags(const RequestContext& ctx, const std::string& key_id,
                                            const Page& page) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  std::string after = StartPosition("tags", page.marker);
  size_t limit = PageSize(page.limit, 50);
  std::vector<Tag> sorted = key->tags;
  std::sort(sorted.begin(), sorted.end(), [](const Tag& a, const Tag& b) { return a.key < b.key; });
  ListTagsResult result;
  for (const Tag& t : sorted) {
    if (!after.empty() && t.key <= after) continue;
    if (result.tags.size() == limit) {
      result.next_marker = EncodeMarker("tags", result.tags.back().key);
      break;
    }
    result.tags.push_back(t);
  }
  return result;
}

std::string KmsService::GetKeyPolicy(const RequestContext& ctx, const std::string& key_id,
                                     const std::optional<std::string>& policy_name) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireDefaultPolicyName(policy_name.value_or("default"));
  return key->policy;
}

void KmsService::PutKeyPolicy(const RequestContext& ctx, const std::string& key_id,
                              const std::optional<std::string>& policy_name,
                              const std::string& policy, bool bypass_lockout_check) {
  RequireDefaultPolicyName(policy_name.value_or("default"));
  CheckedKeyPolicy checked = CheckKeyPolicy(policy);
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction&) {
    if (!bypass_lockout_check) {
      RequireLockoutSafe(*checked.compiled, ctx, key.Arn(), key.scope.account);
    }
    key.policy = checked.stored;
  });
}

ListPoliciesResult KmsService::ListKeyPolicies(const RequestContext& ctx, const std::string& key_id,
                                               const Page& page) {
  ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  if (page.marker) DecodeMarker("policies", *page.marker);  // there is never a second page
  return ListPoliciesResult{{"default"}, std::nullopt};
}

}  // namespace rotor::core
