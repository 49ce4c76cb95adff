// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases.
#include <algorithm>
#include <functional>

#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/pagination.h"

namespace rotor::core {
namespace {

// The checks AWS makes on an alias name before looking anything up.
void RequireUserAliasName(const std::string& name) {
  if (name.rfind("alias/", 0) != 0) {
    throw KmsError::Validation(
        "Alias must start with the prefix \"alias/\". Please see "
        "https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
  }
  if (IsAwsManagedAliasName(name)) {
    throw KmsError(ErrorCode::kInvalidAliasName,
                   "Alias " + name +
                       " cannot be created: the alias/aws/ prefix is reserved for "
                       "AWS managed keys.");
  }
  if (!IsAliasName(name)) {
    throw KmsError(ErrorCode::kInvalidAliasName, "Alias name " + name + " is not valid.");
  }
}

// AWS lets an alias move only between keys of the same type and usage, so
// code written for the old key keeps working with the new one.
bool SameKind(const Key& a, const Key& b) {
  auto kind = [](const Key& k) {
    return k.spec == KeySpec::kSymmetricDefault ? 0 : IsHmacSpec(k.spec) ? 1 : 2;
  };
  return kind(a) == kind(b) && a.usage == b.usage;
}

// UpdateAlias and DeleteAlias on a name under alias/aws/: those aliases are
// AWS's (the predefined ones and any AWS may add), so no key policy lets a
// caller change them. AccessDeniedException naming the alias ARN (the model
// lists no InvalidAliasNameException for these two operations).
void RequireNotAwsAlias(const RequestContext& ctx, const std::string& name) {
  if (IsAwsManagedAliasName(name)) {
    throw KmsError::NotAuthorized(ctx.scope.account, ctx.operation, AliasArn(ctx.scope, name));
  }
}

}  // namespace

void KmsService::CreateAlias(const RequestContext& ctx, const std::string& alias_name,
                             const std::string& target_key_id) {
  RequireUserAliasName(alias_name);
  AuthorizeAlias(ctx, alias_name);  // strict mode: the alias (identity policy), then the key
  cache_.Write([&](KeyTransaction& tx) {
    Key target = ResolveKeyForWrite(tx, ctx, target_key_id, AliasPolicy::kKeyIdOrArnOnly);
    RequireCustomerManaged(target, ctx.operation);  // AWS names its keys' aliases itself
    RequireState(target, StateRule::kManagement);
    if (tx.GetAlias(ctx.scope, alias_name)) {
      throw KmsError(
          ErrorCode::kAlreadyExists,
          "An alias with the name " + AliasArn(ctx.scope, alias_name) + " already exists");
    }
    if (size_t usage = tx.AliasesOfKey(ctx.scope, target.id).size(); usage >= kMaxAliasesPerKey) {
      throw KmsError::AliasesPerKeyExceeded(kMaxAliasesPerKey, usage);
    }
    tx.PutAlias(Alias{ctx.scope, alias_name, target.id, ctx.now, ctx.now});
  });
}

void KmsService::UpdateAlias(const RequestContext& ctx, const std::string& alias_name,
                             const std::string& target_key_id) {
  RequireNotAwsAlias(ctx, alias_name);
  RequireUserAliasName(alias_name);
  AuthorizeAlias(ctx, alias_name);  // strict mode: the alias, the current key, the new key
  cache_.Write([&](KeyTransaction& tx) {
    std::optional<Alias> alias = tx.GetAlias(ctx.scope, alias_name);
    if (!alias) throw KmsError::AliasNotFound(AliasArn(ctx.scope, alias_name));
    std::optional<Key> current = tx.GetKey(ctx.scope, alias->target_key_id);
    if (current) Authorize(ctx, *current, KeyUse{}, &tx);
    Key target = ResolveKeyForWrite(tx, ctx, target_key_id, AliasPolicy::kKeyIdOrArnOnly);
    RequireCustomerManaged(target, ctx.operation);
    RequireState(target, StateRule::kManagement);  // only the new target's state matters
    if (current && !SameKind(*current, target)) {
      throw KmsError::Validation("Alias " + alias_name + " cannot be moved to " + target.Arn() +
                                 ": the new key must have the same key type and key usage (" +
                                 std::string(ToString(current->spec)) + ", " +
                                 std::string(ToString(current->usage)) + ") as the current one.");
    }
    if (alias->target_key_id != target.id) {
      size_t usage = tx.AliasesOfKey(ctx.scope, target.id).size();
      if (usage >= kMaxAliasesPerKey)
        throw KmsError::AliasesPerKeyExceeded(kMaxAliasesPerKey, usage);
    }
    alias->target_key_id = target.id;
    alias->last_updated_date = ctx.now;
    tx.PutAlias(*alias);
  });
}

void KmsService::DeleteAlias(const RequestContext& ctx, const std::string& alias_name) {
  if (alias_name.rfind("alias/", 0) != 0) RequireUserAliasName(alias_name);
  RequireNotAwsAlias(ctx, alias_name);
  AuthorizeAlias(ctx, alias_name);
  cache_.Write([&](KeyTransaction& tx) {
    std::optional<Alias> alias = tx.GetAlias(ctx.scope, alias_name);
    if (!alias) throw KmsError::AliasNotFound(AliasArn(ctx.scope, alias_name));
    // Strict mode: kms:DeleteAlias on the key the alias names (its key policy).
    if (std::optional<Key> key = tx.GetKey(ctx.scope, alias->target_key_id)) {
      Authorize(ctx, *key, KeyUse{}, &tx);
    }
    tx.DeleteAlias(ctx.scope, alias_name);
  });
}

ListAliasesResult KmsService::ListAliases(const RequestContext& ctx,
                                          const std::optional<std::string>& key_id,
                                          const Page& page) {
  AuthorizeWithoutKey(ctx);  // kms:ListAliases: an IAM permission only
  std::string after = StartPosition("aliases", page.marker);
  size_t limit = std::min<size_t>(PageSize(page.limit, 50), 100);
  std::string filter_id;
  if (key_id) {
    filter_id =
        ResolveKey(ctx, *key_id, AliasPolicy::kKeyIdOrArnOnly, KeyUse{.authorize = false})->id;
  }
  std::vector<Alias> stored =
      repo_.ListAliases(ctx.scope, key_id ? &filter_id : nullptr, after, limit + 1);
  std::vector<AliasEntry> entries;
  entries.reserve(stored.size());
  for (const Alias& a : stored) {
    entries.push_back({a.name, AliasArn(ctx.scope, a.name), a.target_key_id, a.creation_date,
                       a.last_updated_date});
  }
  if (!key_id) {
    // The predefined aliases whose AWS managed key does not exist yet are
    // listed too, in name order with the others, without TargetKeyId or dates
    // (as AWS lists them in a new account). Once their key exists they are
    // stored aliases like any other, so the stored page says which exist: it
    // holds every stored alias after the marker up to its last name, and one
    // past its last name when it is full falls on a later page anyway.
    const bool full = stored.size() > limit;
    const size_t stored_count = entries.size();
    for (const PredefinedAlias& p : PredefinedAliases()) {
      if (p.name <= after || (full && p.name > stored.back().name) ||
          std::ranges::binary_search(stored, p.name, std::less<>{}, &Alias::name)) {
        continue;
      }
      entries.push_back({std::string(p.name), AliasArn(ctx.scope, p.name), std::nullopt,
                         std::nullopt, std::nullopt});
    }
    // Both runs are in name order (the stored one as the repository lists it,
    // the predefined table as it is written): merging them needs no sort.
    std::inplace_merge(entries.begin(), entries.begin() + static_cast<ptrdiff_t>(stored_count),
                       entries.end(),
                       [](const AliasEntry& a, const AliasEntry& b) { return a.name < b.name; });
  }
  ListAliasesResult result;
  if (entries.size() > limit) {
    entries.resize(limit);
    result.next_marker = EncodeMarker("aliases", entries.back().name);
  }
  result.aliases = std::move(entries);
  return result;
}

}  // namespace rotor::core
