// Multi-Region keys: ReplicateKey, UpdatePrimaryRegion, and what related keys
// share. AWS KMS Developer Guide, "Multi-Region keys in AWS KMS" (shared and
// independent properties, replicating, updating the primary Region, rotating
// and deleting multi-Region keys); AWS KMS API Reference, "ReplicateKey",
// "UpdatePrimaryRegion", "ScheduleKeyDeletion". docs/aws-kms-behaviour.md
// section "Multi-Region keys" records the rules and the answers Rotor gives.
//
// Related keys are one key id in several Regions of one account. Each key
// row carries the relation (primary Region, replica Regions) and, copied from
// the primary, the rotation settings; every change to what they share is
// written to all of them in one transaction (ShareWithRelated). Key material
// versions enter a replica only through KeyRing::Append of the primary's
// version described in full (same number, KeyMaterialId, date and bytes), so a
// ciphertext, signature or MAC made with one related key is opened or
// verified by any other.
#include <algorithm>

#include "core/key_policy.h"
#include "core/key_policy_decision.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/tag_rules.h"

namespace rotor::core {
namespace {

// The Regions of the keys related to `key`, its own excluded.
std::vector<std::string> RelatedRegions(const Key& key) {
  std::vector<std::string> regions;
  if (key.primary_region != key.scope.region) regions.push_back(key.primary_region);
  for (const std::string& r : key.replica_regions) {
    if (r != key.scope.region) regions.push_back(r);
  }
  return regions;
}

// What `source` hands a related key `k`: the relation (primary Region,
// replica Regions) and, from a primary, the automatic rotation status and
// any on-demand rotation in flight (the primary's schedule drives them).
void TakeShared(Key& k, const Key& source) {
  k.primary_region = source.primary_region;
  k.replica_regions = source.replica_regions;
  if (!source.IsPrimary()) return;
  k.rotation = source.rotation;
  k.on_demand_rotations = source.on_demand_rotations;
  k.on_demand_rotation_started = source.on_demand_rotation_started;
  k.on_demand_rotation_completes = source.on_demand_rotation_completes;
}

bool Has(const std::vector<std::string>& regions, const std::string& region) {
  return std::find(regions.begin(), regions.end(), region) != regions.end();
}

// ReplicateKey's checks, in Rotor's one order: the key's state, its kind (a
// multi-Region primary), then the request's ReplicaRegion.
void RequireReplicable(const Key& key, const std::string& region) {
  RequireState(key, StateRule::kManagement);
  if (!key.IsPrimary()) throw KmsError::NotMultiRegionPrimary(key.Arn());
  std::string_view partition = PartitionOfRegion(region);
  std::string_view own = PartitionOfRegion(key.scope.region);
  if (own.empty()) own = "aws";  // a Region name Rotor accepts but AWS does not list
  if (partition.empty() || partition != own) {
    throw KmsError::Unsupported("Region " + region + " is not supported.");
  }
  if (region == key.scope.region || Has(key.replica_regions, region)) {
    throw KmsError(ErrorCode::kAlreadyExists,
                   "Key '" + KeyArn({key.scope.account, region}, key.id) + "' already exists");
  }
}

}  // namespace

std::vector<ServiceEvent> KmsService::ShareWithRelated(KeyTransaction& tx, const Key& source,
                                                       const KeyMaterialVersion* version,
                                                       const SecretBytes* material) {
  std::vector<ServiceEvent> received;
  if (!source.multi_region) return received;
  for (const std::string& region : RelatedRegions(source)) {
    Scope scope{source.scope.account, region};
    std::optional<Key> related = tx.GetKey(scope, source.id);
    if (!related) continue;  // deleted in this transaction
    Key k = std::move(*related);
    TakeShared(k, source);
    if (version && source.IsPrimary() && k.IsReplica()) {
      KeyRing ring(std::move(k));
      KeyMaterialVersion v = *version;  // described in full; the ring numbers it
      KeyRing::Rows rows = ring.Append(v);
      if (rows.front().version != version->version) {
        throw KmsError::Internal("replica " + ring.key().Arn() + " would number version " +
                                 std::to_string(version->version) + " as " +
                                 std::to_string(rows.front().version));
      }
      PutRows(tx, ring.key(), rows, material);
      k = std::move(ring).TakeKey();
      received.push_back({ServiceEventKind::kRotateKey,
                          scope,
                          source.id,
                          version->created,
                          version->rotation_type,
                          {version->material_id}});
    }
    ++k.revision;
    tx.PutKey(k);
  }
  return received;
}

void KmsService::ForgetRelated(KeyTransaction& tx, const Key& deleted, Timestamp at) {
  if (!deleted.multi_region) return;
  for (const std::string& region : RelatedRegions(deleted)) {
    std::optional<Key> related = tx.GetKey({deleted.scope.account, region}, deleted.id);
    if (!related) continue;
    Key k = std::move(*related);
    std::erase(k.replica_regions, deleted.scope.region);
    if (k.IsPrimary() && k.state == KeyState::kPendingReplicaDeletion &&
        k.replica_regions.empty()) {
      // The last replica is gone: the primary's waiting period starts now.
      k.state = KeyState::kPendingDeletion;
      k.deletion_date = at + Days(k.pending_window_days.value_or(30));
    }
    ++k.revision;
    tx.PutKey(k);
  }
}

Key KmsService::ReplicateKey(const RequestContext& ctx, const ReplicateKeyRequest& req) {
  std::shared_ptr<const Key> seen = ResolveKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireReplicable(*seen, req.replica_region);

  Key replica;
  replica.scope = {ctx.scope.account, req.replica_region};
  replica.creation_date = ctx.now;
  replica.description = req.description.value_or("");
  if (req.policy) {
    CheckedKeyPolicy policy = CheckKeyPolicy(*req.policy);
    if (!req.bypass_policy_lockout_safety_check) {
      RequireLockoutSafe(*policy.compiled, ctx, KeyArn(replica.scope, seen->id), ctx.scope.account);
    }
    replica.policy = std::move(policy.stored);
  } else {
    replica.policy = DefaultKeyPolicy(ctx.scope.account);
  }
  MergeTags(replica.tags, req.tags);

  // The write transaction reads no material bytes, so the primary's sealed
  // versions are read first; the write checks they are still the primary's.
  // Sealed under (key id, version), they open unchanged under the replica.
  std::vector<std::optional<SealedMaterial>> sealed;
  if (seen->origin == Origin::kAwsKms) {
    for (uint32_t v = 1; v <= seen->version_count; ++v) {
      sealed.push_back(repo_.GetSealedMaterial(seen->scope, seen->id, v));
    }
  }

  cache_.Write([&](KeyTransaction& tx) {
    Key primary = ResolveKeyForWrite(tx, ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
    RequireReplicable(primary, req.replica_region);
    RequireKeyQuota(tx, replica.scope);
    if (tx.GetKey(replica.scope, primary.id)) {
      throw KmsError(ErrorCode::kAlreadyExists,
                     "Key '" + KeyArn(replica.scope, primary.id) + "' already exists");
    }
    primary.replica_regions.push_back(req.replica_region);

    Key r = replica;
    r.id = primary.id;
    r.usage = primary.usage;
    r.spec = primary.spec;
    r.origin = primary.origin;
    r.manager = primary.manager;
    r.multi_region = true;
    TakeShared(r, primary);
    // Imported material is not copied: each related key imports its own
    // copy of the same material (developer guide, "Importing key material
    // into multi-Region keys").
    r.state = primary.origin == Origin::kExternal ? KeyState::kPendingImport : KeyState::kEnabled;
    r.revision = 1;
    tx.PutKey(r);  // the key row first: material rows reference it
    if (primary.origin == Origin::kAwsKms) {
      KeyRing ring(std::move(r));
      for (uint32_t v = 1; v <= primary.version_count; ++v) {
        std::optional<KeyMaterialVersion> row = tx.GetMaterialVersion(primary.scope, primary.id, v);
        if (!row || v > sealed.size() || !sealed[v - 1] ||
            sealed[v - 1]->material_id != row->material_id) {
          throw KmsError(ErrorCode::kConflict,
                         "The key material of " + primary.Arn() +
                             " changed while it was being replicated. Try again.");
        }
        KeyRing::Rows rows = ring.Append(*row);
        if (rows.front().version != v) {
          throw KmsError::Internal("replica version " + std::to_string(v) + " misnumbered");
        }
        tx.PutMaterial(ring.key().scope, ring.key().id, rows.front(), &*sealed[v - 1]);
      }
      r = std::move(ring).TakeKey();
      tx.PutKey(r);
    }
    ++primary.revision;
    tx.PutKey(primary);
    ShareWithRelated(tx, primary, nullptr, nullptr);  // the other replicas learn of it
    replica = std::move(r);
  });
  return replica;
}

void KmsService::UpdatePrimaryRegion(const RequestContext& ctx, const std::string& key_id,
                                     const std::string& primary_region) {
  std::optional<Timestamp> next_event;
  cache_.Write([&](KeyTransaction& tx) {
    Key primary = ResolveKeyForWrite(tx, ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
    // Both keys must be Enabled when the update starts (developer guide,
    // "Change the primary key in a set of multi-Region keys").
    RequireState(primary, StateRule::kRotation);
    if (!primary.IsPrimary()) throw KmsError::NotMultiRegionPrimary(primary.Arn());
    if (primary_region == primary.scope.region) return;
    Scope scope{primary.scope.account, primary_region};
    std::optional<Key> next =
        Has(primary.replica_regions, primary_region) ? tx.GetKey(scope, primary.id) : std::nullopt;
    if (!next) throw KmsError::KeyDoesNotExist(KeyArn(scope, primary.id));
    RequireState(*next, StateRule::kRotation);

    std::vector<std::string> replicas = primary.replica_regions;
    std::erase(replicas, primary_region);
    replicas.push_back(primary.scope.region);
    for (Key* k : {&primary, &*next}) {
      k->primary_region = primary_region;
      k->replica_regions = replicas;
      ++k->revision;
      tx.PutKey(*k);
    }
    ShareWithRelated(tx, *next, nullptr, nullptr);
    next_event = next->NextEventTime();
  });
  // The new primary now drives the schedule; an overdue rotation runs at once.
  if (due_now_ && next_event && *next_event <= ctx.now) due_now_();
}

}  // namespace rotor::core
