// Rotation: EnableKeyRotation, DisableKeyRotation, GetKeyRotationStatus,
// RotateKeyOnDemand, ListKeyRotations, GetKeyLastUsage.
#include "core/key_ring.h"
#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/pagination.h"

namespace rotor::core {
namespace {

constexpr Millis kOnDemandConflictWindow = std::chrono::minutes(20);

// AWS rotates only symmetric encryption keys; the others get an
// UnsupportedOperationException with an empty message.
void RequireRotatableSpec(const Key& key) {
  if (!key.IsSymmetricEncryption()) throw KmsError::Unsupported();
}

// Automatic rotation is for KMS-generated material only.
void RequireAwsKmsOrigin(const Key& key) {
  if (key.origin != Origin::kAwsKms)
    throw KmsError::OriginNotValid(key.Arn(), ToString(key.origin));
}

// Rotation of related multi-Region keys is set and started on the primary:
// UnsupportedOperationException "<arn> is not a multi-region primary key.".
void RequireNotReplica(const Key& key) {
  if (key.IsReplica()) throw KmsError::NotMultiRegionPrimary(key.Arn());
}

// EnableKeyRotation's and DisableKeyRotation's checks of what the key is
// (after its state): a symmetric encryption key, KMS-generated material, not
// a multi-Region replica.
void RequireRotationSettable(const Key& key) {
  RequireRotatableSpec(key);
  RequireAwsKmsOrigin(key);
  RequireNotReplica(key);
}

}  // namespace

void KmsService::EnableKeyRotation(const RequestContext& ctx, const std::string& key_id,
                                   std::optional<int> period_days) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction& tx) {
    RequireState(key, StateRule::kRotationSettings);
    RequireRotationSettable(key);
    EnableRotation(key.rotation, key.id, period_days.value_or(kDefaultRotationPeriodDays), ctx.now,
                   config_.jitter);
    ShareWithRelated(tx, key, nullptr, nullptr);
  });
}

void KmsService::DisableKeyRotation(const RequestContext& ctx, const std::string& key_id) {
  UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& key, KeyTransaction& tx) {
    RequireState(key, StateRule::kRotationSettings);
    RequireRotationSettable(key);
    DisableRotation(key.rotation);
    ShareWithRelated(tx, key, nullptr, nullptr);
  });
}

KeyRotationStatus KmsService::GetKeyRotationStatus(const RequestContext& ctx,
                                                   const std::string& key_id) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireState(*key, StateRule::kRotationStatus);
  KeyRotationStatus status;
  status.key_arn = key->Arn();
  // A status read is not a gate: a key that cannot rotate (asymmetric, HMAC)
  // answers "not enabled", as AWS does; only the operations that change
  // rotation refuse it.
  if (!key->IsSymmetricEncryption()) return status;
  // A key pending deletion reports rotation off; the setting itself is kept
  // so CancelKeyDeletion restores it, as AWS documents.
  status.enabled = key->rotation.enabled && key->state != KeyState::kPendingDeletion &&
                   key->state != KeyState::kPendingReplicaDeletion;
  if (status.enabled) {
    status.period_days = key->rotation.period_days;
    status.next_rotation = key->rotation.next_rotation;
  }
  status.on_demand_started = key->on_demand_rotation_started;
  return status;
}

std::string KmsService::RotateKeyOnDemand(const RequestContext& ctx, const std::string& key_id) {
  // Imported material rotates only onto material imported for it first
  // (NEW_KEY_MATERIAL, PENDING_ROTATION). Its sealed bytes are read here,
  // before the write transaction, which can only write material rows.
  std::optional<SealedMaterial> pending;
  if (std::shared_ptr<const Key> seen = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
      seen->origin == Origin::kExternal) {
    if (std::optional<uint32_t> next = KeyRing::PendingVersionNumber(*seen)) {
      pending = repo_.GetSealedMaterial(seen->scope, seen->id, *next);
    }
  }
  // The replicas' RotateKey events (multi-Region keys), told once committed.
  std::vector<ServiceEvent> replicated;
  Key key = UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
    replicated.clear();
    // The key state comes first, as AWS answers: a disabled asymmetric key is
    // DisabledException, an EXTERNAL key still waiting for its first material
    // "<arn> is pending import.".
    RequireState(k, StateRule::kRotation);
    RequireRotatableSpec(k);
    // On-demand rotation of related multi-Region keys is started on the
    // primary; AWS offers none for multi-Region keys with imported material.
    RequireNotReplica(k);
    if (k.multi_region && k.origin != Origin::kAwsKms) throw KmsError::Unsupported();
    if (k.origin != Origin::kAwsKms && !pending) throw KmsError::NoMaterialPendingRotation(k.Arn());
    if (k.on_demand_rotation_started) {
      throw KmsError(ErrorCode::kConflict,
                     "An on-demand rotation of " + k.Arn() + " is already in progress.");
    }
    if (k.rotation.enabled && k.rotation.next_rotation &&
        *k.rotation.next_rotation - ctx.now < kOnDemandConflictWindow) {
      throw KmsError(ErrorCode::kConflict,
                     "The request was rejected because an automatic rotation of this key is "
                     "currently in progress or scheduled to begin within the next 20 minutes.");
    }
    if (k.on_demand_rotations >= config_.on_demand_rotation_limit) {
      throw KmsError(ErrorCode::kLimitExceeded,
                     "The on-demand rotations limit has been reached for the given keyId. No more "
                     "on-demand rotations can be performed for this key: " +
                         k.Arn());
    }
    ++k.on_demand_rotations;
    if (k.origin == Origin::kExternal) {
      // Always completes before the call returns: the material to switch to
      // is already here, so there is nothing for a background step to make.
      KeyRing ring = WholeRing(tx, std::move(k));
      const KeyMaterialVersion* next = ring.PendingVersion();
      if (next && next->material_id != pending->material_id) {
        // Changed since its bytes were read above.
        throw KmsError::NoMaterialPendingRotation(ring.key().Arn());
      }
      KeyRing::Rows promoted = ring.PromotePending(ctx.now);
      for (const KeyMaterialVersion& row : promoted) {
        tx.PutMaterial(ring.key().scope, ring.key().id, row, &*pending);  // same bytes
      }
      k = std::move(ring).TakeKey();
    } else if (config_.on_demand_rotation_delay.count() == 0) {
      KeyRing ring(std::move(k));
      KeyMaterialVersion v;
      v.created = ctx.now;
      v.rotation_type = RotationType::kOnDemand;
      SecretBytes material;
      v = AddVersion(tx, ring, std::move(v), nullptr, &material);
      k = std::move(ring).TakeKey();
      // Every replica gets the same version in this transaction.
      replicated = ShareWithRelated(tx, k, &v, &material);
    } else {
      // Completes in the background, like AWS; the scheduler finishes it.
      k.on_demand_rotation_started = ctx.now;
      k.on_demand_rotation_completes = ctx.now + config_.on_demand_rotation_delay;
      ShareWithRelated(tx, k, nullptr, nullptr);
    }
  });
  if (listener_) {
    for (const ServiceEvent& e : replicated) listener_->OnServiceEvent(e);
  }
  return key.Arn();
}

ListKeyRotationsResult KmsService::ListKeyRotations(
    const RequestContext& ctx, const std::string& key_id,
    std::optional<IncludeKeyMaterial> include_key_material, const Page& page) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireRotatableSpec(*key);
  const bool all = include_key_material.value_or(IncludeKeyMaterial::kRotationsOnly) ==
                   IncludeKeyMaterial::kAllKeyMaterial;
  std::string position = StartPosition("rotations", page.marker);
  uint32_t after = 0;
  if (!position.empty()) {
    try {
      after = static_cast<uint32_t>(std::stoul(position));
    } catch (const std::exception&) {
      ThrowInvalidMarker();
    }
  }
  size_t limit = PageSize(page.limit, 100);
  ListKeyRotationsResult result;
  result.key = key;
  // Fetch limit + 1 listed entries (to know whether to truncate), skipping
  // the entries ROTATIONS_ONLY hides. Bounded: each pass advances `after`.
  while (result.rotations.size() <= limit) {
    std::vector<KeyMaterialVersion> batch =
        repo_.ListMaterialVersions(ctx.scope, key->id, after, limit + 2);
    if (batch.empty()) break;
    for (KeyMaterialVersion& v : batch) {
      after = v.version;
      bool listed = all || KeyRing::ListedAsRotation(*key, v);
      if (!listed) continue;
      if (result.rotations.size() == limit) {
        result.next_marker =
            EncodeMarker("rotations", std::to_string(result.rotations.back().version.version));
        return result;
      }
      KeyMaterialState state = KeyRing::StateOf(*key, v.version);
      result.rotations.push_back({key->id, std::move(v), state});
    }
  }
  return result;
}

KeyLastUsageResult KmsService::GetKeyLastUsage(const RequestContext& ctx,
                                               const std::string& key_id) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  KeyLastUsageResult result;
  result.key_id = key->id;
  result.last_usage = usage_.Last(key->scope, key->id);
  // Rotor tracks usage from the moment a key is created.
  result.tracking_start = key->creation_date;
  result.key_creation = key->creation_date;
  return result;
}

}  // namespace rotor::core
