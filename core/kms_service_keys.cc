// Key lifecycle: CreateKey, DescribeKey, ListKeys, EnableKey, DisableKey,
// UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion.
#include "core/asymmetric_key.h"
#include "core/key_material.h"
#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/pagination.h"
#include "core/tag_rules.h"

namespace rotor::core {
namespace {

constexpr int kDefaultPendingWindowDays = 30;
constexpr int kMinPendingWindowDays = 7;
constexpr int kMaxPendingWindowDays = 30;

KeySpec ChooseKeySpec(const CreateKeyRequest& req) {
  if (req.key_spec && req.customer_master_key_spec) {
    throw KmsError::Validation(
        "You cannot specify KeySpec and CustomerMasterKeySpec in the same request. "
        "CustomerMasterKeySpec is deprecated: use KeySpec.");
  }
  return req.key_spec.value_or(req.customer_master_key_spec.value_or(KeySpec::kSymmetricDefault));
}

KeyUsage ChooseKeyUsage(const CreateKeyRequest& req, KeySpec spec) {
  if (!req.key_usage) {
    if (spec == KeySpec::kSymmetricDefault) return KeyUsage::kEncryptDecrypt;
    throw KmsError::Validation(
        "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.");
  }
  KeyUsage usage = *req.key_usage;
  if (!IsUsageAllowed(spec, usage)) {
    throw KmsError::Validation("KeyUsage " + std::string(ToString(usage)) +
                               " is not compatible with KeySpec " + std::string(ToString(spec)));
  }
  return usage;
}

Origin ChooseOrigin(const CreateKeyRequest& req) {
  Origin origin = req.origin.value_or(Origin::kAwsKms);
  if (req.custom_key_store_id) {
    // Rotor has no custom key stores, so no id can name one.
    throw KmsError(ErrorCode::kCustomKeyStoreNotFound,
                   "Custom key store " + *req.custom_key_store_id + " does not exist.");
  }
  if (origin == Origin::kAwsCloudHsm || origin == Origin::kExternalKeyStore) {
    throw KmsError::Validation("Origin " + std::string(ToString(origin)) +
                               " requires a CustomKeyStoreId.");
  }
  if (req.xks_key_id) {
    throw KmsError::Validation("XksKeyId is valid only for keys in an external key store.");
  }
  return origin;
}

}  // namespace

Key KmsService::CreateKey(const RequestContext& ctx, const CreateKeyRequest& req) {
  AuthorizeWithoutKey(ctx);
  KeySpec spec = ChooseKeySpec(req);
  KeyUsage usage = ChooseKeyUsage(req, spec);
  Origin origin = ChooseOrigin(req);
  if (IsAsymmetricSpec(spec) && !CanGenerate(spec)) {
    // Refused, never faked: ML-DSA (FIPS 204) needs OpenSSL 3.5.
    throw KmsError::Unsupported(
        "KeySpec " + std::string(ToString(spec)) +
        " is not supported by this "
        "Rotor build: its OpenSSL (" +
        std::string(OpenSslVersionText()) + ") cannot " +
        (spec == KeySpec::kSm2 ? "do SM2." : "do ML-DSA; it needs OpenSSL 3.5 or later."));
  }
  Key key;
  key.scope = ctx.scope;
  // A multi-Region primary key: any spec and origin AWS offers, an "mrk-" id
  // of 32 hex digits that its replicas share (developer guide, "Multi-Region
  // keys in AWS KMS").
  key.id = req.multi_region ? "mrk-" + HexEncode(random_.Public(16)) : random_.Uuid();
  key.multi_region = req.multi_region;
  if (req.multi_region) key.primary_region = ctx.scope.region;
  key.creation_date = ctx.now;
  key.description = req.description.value_or("");
  key.usage = usage;
  key.spec = spec;
  key.origin = origin;
  key.state = origin == Origin::kExternal ? KeyState::kPendingImport : KeyState::kEnabled;
  if (req.policy) {
    CheckedKeyPolicy policy = CheckKeyPolicy(*req.policy);
    if (!req.bypass_policy_lockout_safety_check) {
      RequireLockoutSafe(*policy.compiled, ctx, key.Arn(), key.scope.account);
    }
    key.policy = std::move(policy.stored);
  } else {
    key.policy = DefaultKeyPolicy(ctx.scope.account);
  }
  MergeTags(key.tags, req.tags);
  // Generated before the write transaction: an RSA-4096 key pair takes a
  // while, and the writer thread is shared by every write.
  std::optional<SecretBytes> material;
  if (origin == Origin::kAwsKms) material = GenerateKeyMaterial(spec, random_);

  cache_.Write([&](KeyTransaction& tx) {
    RequireKeyQuota(tx, ctx.scope);
    Key k = key;
    if (material) {
      k = PutNewKey(tx, std::move(k), ctx.now, *material);
    } else {
      k.revision = 1;
      tx.PutKey(k);
    }
    key = std::move(k);
  });
  return key;
}

void KmsService::RequireKeyQuota(KeyTransaction& tx, const Scope& scope) {
  const size_t limit = config_.keys_per_region_limit;
  if (limit == 0) return;
  // Counting every key reads an index only; the customer managed ones (each
  // key's record) are counted only when that total reaches the limit.
  if (tx.CountKeys(scope, /*customer_managed_only=*/false) < limit) return;
  size_t count = tx.CountKeys(scope, /*customer_managed_only=*/true);
  if (count >= limit) throw KmsError::KeyQuotaExceeded(limit, count);
}

Key KmsService::DescribeKey(const RequestContext& ctx, const std::string& key_id) {
  return *ResolveKey(ctx, key_id, AliasPolicy::kAllowAlias);
}

ListKeysResult KmsService::ListKeys(const RequestContext& ctx, const Page& page) {
  AuthorizeWithoutKey(ctx);
  std::string after = StartPosition("keys", page.marker);
  size_t limit = PageSize(page.limit, 100);
  std::vector<Key> keys = repo_.ListKeys(ctx.scope, after, limit + 1);
  ListKeysResult result;
  for (size_t i = 0; i < keys.size() && i < limit; ++i) {
    result.keys.push_back({keys[i].id, keys[i].Arn()});
  }
  if (keys.size() > limit) result.next_marker = EncodeMarker("keys", result.keys.back().key_id);
  return result;
}

void KmsService::EnableKey(const RequestContext& ctx, const std::string& key_id) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction& tx) {
    RequireState(key, StateRule::kEnableDisable);
    if (key.state == KeyState::kDisabled) {
      key.state = KeyState::kEnabled;
      // A replica's schedule is its primary's; a primary's resumed schedule
      // is shared with its replicas.
      if (!key.IsReplica()) {
        ResumeAfterReenable(key.rotation, ctx.now);
        ShareWithRelated(tx, key, nullptr, nullptr);
      }
    }
  });
}

void KmsService::DisableKey(const RequestContext& ctx, const std::string& key_id) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction&) {
    RequireState(key, StateRule::kEnableDisable);
    key.state = KeyState::kDisabled;
  });
}

void KmsService::UpdateKeyDescription(const RequestContext& ctx, const std::string& key_id,
                                      const std::string& description) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction&) {
    RequireState(key, StateRule::kManagement);
    key.description = description;
  });
}

ScheduleKeyDeletionResult KmsService::ScheduleKeyDeletion(const RequestContext& ctx,
                                                          const std::string& key_id,
                                                          std::optional<int> pending_window_days) {
  int days = pending_window_days.value_or(kDefaultPendingWindowDays);
  if (days < kMinPendingWindowDays || days > kMaxPendingWindowDays) {
    throw KmsError::Validation("PendingWindowInDays must be between 7 and 30");
  }
  Key key = UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
    RequireState(k, StateRule::kManagement);
    k.pending_window_days = days;
    if (k.IsPrimary() && !k.replica_regions.empty()) {
      // AWS deletes no primary while replicas exist: its waiting period
      // starts when the last replica is deleted (ForgetRelated).
      k.state = KeyState::kPendingReplicaDeletion;
      k.deletion_date.reset();
    } else {
      k.state = KeyState::kPendingDeletion;
      k.deletion_date = ctx.now + Days(days);
    }
    // An on-demand rotation still in flight is abandoned with the key.
    k.on_demand_rotation_started.reset();
    k.on_demand_rotation_completes.reset();
    if (k.IsPrimary()) ShareWithRelated(tx, k, nullptr, nullptr);
  });
  return {key.Arn(), key.deletion_date, key.state, days};
}

std::string KmsService::CancelKeyDeletion(const RequestContext& ctx, const std::string& key_id) {
  Key key = UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction&) {
    RequireState(k, StateRule::kPendingDeletionOnly);
    // AWS returns a cancelled key as Disabled; its rotation setting is kept
    // and resumes (rotating at once if overdue) when the key is enabled.
    k.state = KeyState::kDisabled;
    k.deletion_date.reset();
    k.pending_window_days.reset();
  });
  return key.Arn();
}

}  // namespace rotor::core
