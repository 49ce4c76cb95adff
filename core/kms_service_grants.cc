// Grants: CreateGrant, ListGrants, ListRetirableGrants, RetireGrant,
// RevokeGrant (AWS KMS API Reference), and the grant lookups access control
// reads. The rules are grant.h's; this file resolves keys, applies them in
// AWS's order (the key, its state, then the request's own values) and stores.
#include "core/grant.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/pagination.h"

namespace rotor::core {
namespace {

constexpr std::string_view kGrantsList = "grants";
constexpr std::string_view kRetirableList = "retirable";
constexpr int kDefaultGrantsPage = 50;

// The end RetireGrant and RevokeGrant share once the grant is named:
// NotFoundException when the key has no such grant, then DryRun, then delete.
void RemoveGrant(KeyTransaction& tx, const Scope& scope, const std::string& key_id,
                 const std::string& grant_id, bool dry_run) {
  if (!tx.GetGrant(scope, key_id, grant_id)) throw KmsError::GrantNotFound(grant_id);
  if (dry_run) throw KmsError::DryRun();
  tx.DeleteGrant(scope, key_id, grant_id);
}

}  // namespace

CreateGrantResult KmsService::CreateGrant(const RequestContext& ctx,
                                          const CreateGrantRequest& req) {
  CreateGrantResult result;
  cache_.Write([&](KeyTransaction& tx) {
    Key key = ResolveKeyForWrite(tx, ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
    RequireState(key, StateRule::kManagement);
    Grant grant;
    grant.scope = key.scope;
    grant.key_id = key.id;
    grant.name = req.name.value_or("");
    grant.creation_date = ctx.now;
    grant.grantee_principal = req.grantee_principal;
    grant.retiring_principal = req.retiring_principal.value_or("");
    grant.issuing_account = IssuingAccountArn(ctx.scope);
    grant.operations = req.operations;
    grant.constraints = req.constraints;
    CheckGrant(key.spec, key.usage, grant);

    std::optional<Grant> existing;
    if (req.name) {
      for (Grant& g : tx.GrantsOfKey(key.scope, key.id, &grant.name)) {
        if (SameGrantParameters(g, grant)) {
          existing = std::move(g);
          break;
        }
      }
    }
    if (!existing && tx.CountGrants(key.scope, key.id) >= config_.grants_per_key_limit) {
      throw KmsError::GrantLimitExceeded(key.Arn());
    }
    if (req.dry_run) throw KmsError::DryRun();
    if (existing) {
      grant = std::move(*existing);
    } else {
      grant.grant_id = HexEncode(random_.Public(32));
      tx.PutGrant(grant);
    }
    result.grant_id = grant.grant_id;
    result.grant_token = MakeGrantToken(grant, random_.Public(16));
  });
  return result;
}

ListGrantsResult KmsService::ListGrants(const RequestContext& ctx, const ListGrantsRequest& req) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
  if (req.grant_id && !IsGrantId(*req.grant_id)) throw KmsError::InvalidGrantId(*req.grant_id);
  std::string after = StartPosition(kGrantsList, req.page.marker);
  size_t limit = PageSize(req.page.limit, kDefaultGrantsPage);
  std::shared_ptr<const std::vector<Grant>> grants = cache_.GetGrants(key->scope, key->id);
  ListGrantsResult result;
  for (const Grant& g : *grants) {  // ordered by grant id
    if (!after.empty() && g.grant_id <= after) continue;
    if (req.grant_id && g.grant_id != *req.grant_id) continue;
    if (req.grantee_principal && g.grantee_principal != *req.grantee_principal) continue;
    if (result.grants.size() == limit) {
      result.next_marker = EncodeMarker(kGrantsList, result.grants.back().grant_id);
      break;
    }
    result.grants.push_back(g);
  }
  return result;
}

ListGrantsResult KmsService::ListRetirableGrants(const RequestContext& ctx,
                                                 const std::string& retiring_principal,
                                                 const Page& page) {
  AuthorizeWithoutKey(ctx);
  CheckPrincipal(retiring_principal);
  std::string after = StartPosition(kRetirableList, page.marker);
  std::string after_key, after_grant;
  if (!after.empty()) {
    size_t slash = after.find('/');
    if (slash == std::string::npos) ThrowInvalidMarker();
    after_key = after.substr(0, slash);
    after_grant = after.substr(slash + 1);
  }
  size_t limit = PageSize(page.limit, kDefaultGrantsPage);
  ListGrantsResult result;
  result.grants =
      repo_.ListRetirableGrants(ctx.scope, retiring_principal, after_key, after_grant, limit + 1);
  if (result.grants.size() > limit) {
    result.grants.resize(limit);
    const Grant& last = result.grants.back();
    result.next_marker = EncodeMarker(kRetirableList, last.key_id + "/" + last.grant_id);
  }
  return result;
}

void KmsService::RetireGrant(const RequestContext& ctx, const RetireGrantRequest& req) {
  if (!req.grant_token) {
    if (!req.key_id || !req.grant_id) {
      throw KmsError::Validation(
          "Either GrantToken, or both KeyId and GrantId, must be specified.");
    }
    // Named by KeyId and GrantId: RevokeGrant's steps, in its order.
    RevokeGrant(ctx, *req.key_id, *req.grant_id, req.dry_run);
    return;
  }
  std::optional<GrantTokenParts> named = ParseGrantToken(*req.grant_token);
  if (!named) throw KmsError::InvalidGrantToken();
  // Strict mode: the grant's retiring principal, a grantee whose grant allows
  // RetireGrant, or whom the key's policies allow kms:RetireGrant.
  if (std::shared_ptr<const Key> key = cache_.GetKey(named->scope, named->key_id)) {
    Authorize(ctx, *key, KeyUse{.retiring_grant_id = named->grant_id});
  }
  cache_.Write([&](KeyTransaction& tx) {
    // The token names its key's account and Region: a retiring principal
    // may retire a grant of another account's key with it.
    RemoveGrant(tx, named->scope, named->key_id, named->grant_id, req.dry_run);
  });
}

void KmsService::RevokeGrant(const RequestContext& ctx, const std::string& key_id,
                             const std::string& grant_id, bool dry_run) {
  // RetireGrant by KeyId and GrantId comes here too: its retiring principal may.
  KeyUse use;
  if (ctx.operation == "RetireGrant") use.retiring_grant_id = grant_id;
  cache_.Write([&](KeyTransaction& tx) {
    Key key = ResolveKeyForWrite(tx, ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, use);
    if (!IsGrantId(grant_id)) throw KmsError::InvalidGrantId(grant_id);
    RemoveGrant(tx, key.scope, key.id, grant_id, dry_run);
  });
}

std::shared_ptr<const std::vector<Grant>> KmsService::GrantsOfKey(const Scope& scope,
                                                                  const std::string& key_id) {
  return cache_.GetGrants(scope, key_id);
}

std::vector<Grant> KmsService::GrantsForGrantee(const Scope& scope, const std::string& key_id,
                                                std::string_view grantee_principal) {
  std::vector<Grant> out;
  for (const Grant& g : *cache_.GetGrants(scope, key_id)) {
    if (g.grantee_principal == grantee_principal) out.push_back(g);
  }
  return out;
}

std::optional<Grant> KmsService::GrantOfToken(std::string_view grant_token) {
  std::optional<GrantTokenParts> parts = ParseGrantToken(grant_token);
  if (!parts) return std::nullopt;
  std::shared_ptr<const std::vector<Grant>> grants = cache_.GetGrants(parts->scope, parts->key_id);
  for (const Grant& g : *grants) {
    if (g.grant_id == parts->grant_id) return g;
  }
  return std::nullopt;
}

}  // namespace rotor::core
