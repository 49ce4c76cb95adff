// KmsService's access control in strict mode: every operation is authorised
// once its key is resolved (core/key_state_rules.h has the order of checks),
// by the access decision of core/key_policy_decision.h over the key policy
// (compiled once per copy of the key: KeyPolicyOf), the caller's identity
// policy (compiled once when the credentials file is read) and the key's
// grants (read only when the policies alone do not allow: the common case
// touches no grant). Open mode (no verified principal) authorises nothing.
//
// Sources: AWS KMS Developer Guide, "Determining access to AWS KMS keys",
// "Grants in AWS KMS", "Grant tokens", "Retiring and revoking grants",
// "Allowing users in other accounts to use a KMS key"; IAM User Guide,
// "Policy evaluation logic", "Access denied error messages".
#include <array>
#include <string_view>
#include <vector>

#include "core/access_request.h"
#include "core/grant.h"
#include "core/ids.h"
#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/tag_rules.h"

namespace rotor::core {

namespace {

// The key ARN written into `buf` (no allocation, no format parsing):
// arn:<partition>:kms:<region>:<account>:key/<id>; empty if it does not fit.
std::string_view KeyArnInto(std::array<char, 256>& buf, const Key& key) {
  const std::string_view parts[] = {"arn:",  PartitionOfRegion(key.scope.region),
                                    ":kms:", key.scope.region,
                                    ":",     key.scope.account,
                                    ":key/", key.id};
  size_t n = 0;
  for (std::string_view part : parts) {
    if (part.size() >= buf.size() - n) return {};
    part.copy(buf.data() + n, part.size());
    n += part.size();
  }
  return {buf.data(), n};
}

PolicyRequest RequestFor(const AccessCaller& caller, const AccessRequest& access,
                         std::string_view action, std::string_view resource,
                         const ConditionKeys& keys, const EncryptionContext* context) {
  PolicyRequest r;
  r.action = action;
  r.resource = resource;
  r.caller_arn = caller.arn;
  r.principal_arn = caller.principal_arn;
  r.principal_account = caller.account;
  r.conditions = keys.entries();
  r.encryption_context = context;
  r.request_tags = access.request_tags;
  return r;
}

// The key's tags as views for aws:ResourceTag/<k> (AWS allows 50 per key).
std::span<const TagRef> TagsInto(std::array<TagRef, kMaxTagsPerKey>& buf, const Key& key) {
  size_t n = 0;
  for (const Tag& t : key.tags) {
    if (n == buf.size()) break;
    buf[n++] = {t.key, t.value};
  }
  return {buf.data(), n};
}

// The identity policy's verdict on `action` over `resource` (a key ARN, an
// alias ARN, or "*"): throws AccessDeniedException unless an Allow matches and
// no Deny does. A caller without an identity policy has full IAM permissions
// in its own account.
void RequireIdentityAllows(const AccessCaller& caller, const AccessRequest& access,
                           std::string_view action, std::string_view resource) {
  if (caller.identity_policy == nullptr) return;
  ConditionKeys keys;
  keys.AddCaller(caller);
  for (const ConditionEntry& e : access.conditions) keys.AddMany(e.key, e.values);
  PolicyVerdict v = EvaluatePolicy(*caller.identity_policy,
                                   RequestFor(caller, access, action, resource, keys, nullptr));
  if (v.explicit_deny) {
    throw AccessDeniedFor(AccessOutcome::kExplicitDenyInIdentity, caller.arn, action, resource);
  }
  if (!v.allow_direct && !v.allow_account) {
    throw AccessDeniedFor(AccessOutcome::kNoIdentityPolicyAllows, caller.arn, action, resource);
  }
}

}  // namespace

void KmsService::Authorize(const RequestContext& ctx, const Key& key, const KeyUse& use,
                           KeyTransaction* tx) {
  if (ctx.principal == nullptr || ctx.access == nullptr || !use.authorize) return;
  const AccessRequest& access = *ctx.access;
  std::string_view action = access.actions[use.action_index == 1 ? 1 : 0];
  AccessCaller caller = PrincipalCaller(*ctx.principal);
  std::shared_ptr<const CompiledPolicy> policy = KeyPolicyOf(key);

  ConditionKeys keys;
  keys.AddCaller(caller);
  for (const ConditionEntry& e : access.conditions) keys.AddMany(e.key, e.values);
  keys.Add("kms:KeySpec", ToString(key.spec));
  keys.Add("kms:KeyUsage", ToString(key.usage));
  keys.Add("kms:KeyOrigin", ToString(key.origin));
  keys.Add("kms:MultiRegion", key.multi_region ? "true" : "false");
  if (key.multi_region) keys.Add("kms:MultiRegionKeyType", key.IsPrimary() ? "PRIMARY" : "REPLICA");
  // kms:ResourceAliases: the key's aliases, looked up only when a policy
  // that decides this request reads them.
  std::vector<Alias> aliases;
  std::vector<std::string_view> alias_names;
  if ((policy && ReadsResourceAliases(*policy)) ||
      (caller.identity_policy && ReadsResourceAliases(*caller.identity_policy))) {
    aliases = tx ? tx->AliasesOfKey(key.scope, key.id)
                 : cache_.repository().ListAliases(key.scope, &key.id, "", kMaxAliasesPerKey);
    for (const Alias& a : aliases) alias_names.push_back(a.name);
    keys.AddMany("kms:ResourceAliases", alias_names);
  }
  std::array<TagRef, kMaxTagsPerKey> tag_buf;

  std::array<char, 256> arn_buf;
  std::string_view key_arn = KeyArnInto(arn_buf, key);
  AccessCheck check;
  check.key_policy = policy.get();
  check.request = RequestFor(caller, access, action, key_arn, keys, use.encryption_context);
  check.request.resource_tags = TagsInto(tag_buf, key);
  check.key_account = key.scope.account;
  check.identity_policy = caller.identity_policy;
  check.grant_operation = GrantOperationOfAction(action);
  AccessDecision decision = DecideAccess(check);
  if (decision.allowed()) return;
  if (decision.outcome == AccessOutcome::kExplicitDenyInResource ||
      decision.outcome == AccessOutcome::kExplicitDenyInIdentity) {
    throw AccessDeniedFor(decision.outcome, caller.arn, action, key_arn);
  }

  // The policies alone do not allow: the key's grants may (from memory,
  // KeyCache::GetGrants, or from the write transaction). A grant is usable at
  // once in Rotor, with or without the grant token AWS asks for while a new
  // grant is not yet seen everywhere; a retired or revoked one is gone at once.
  std::shared_ptr<const std::vector<Grant>> grants =
      tx ? std::make_shared<const std::vector<Grant>>(tx->GrantsOfKey(key.scope, key.id, nullptr))
         : cache_.GetGrants(key.scope, key.id);
  check.grants = *grants;
  const Grant* retiring = nullptr;
  if (!use.retiring_grant_id.empty()) {
    for (const Grant& g : *grants) {
      if (g.grant_id == use.retiring_grant_id) retiring = &g;
    }
    check.retiring_grant = retiring;
  }
  decision = DecideAccess(check);
  if (decision.allowed()) return;
  throw AccessDeniedFor(decision.outcome, caller.arn, action, key_arn);
}

void KmsService::AuthorizeWithoutKey(const RequestContext& ctx) {
  if (ctx.principal == nullptr || ctx.access == nullptr) return;
  RequireIdentityAllows(PrincipalCaller(*ctx.principal), *ctx.access, ctx.access->actions[0], "*");
}

void KmsService::AuthorizeAlias(const RequestContext& ctx, const std::string& alias_name) {
  if (ctx.principal == nullptr || ctx.access == nullptr) return;
  RequireIdentityAllows(PrincipalCaller(*ctx.principal), *ctx.access, ctx.access->actions[0],
                        AliasArn(ctx.scope, alias_name));
}

}  // namespace rotor::core
