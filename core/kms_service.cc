#include "core/kms_service.h"

#include "core/access_request.h"

#include "core/aead.h"
#include "core/asymmetric_key.h"
#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"

namespace rotor::core {

KmsService::KmsService(KeyRepository& repo, const KeySealer& sealer, RandomSource& random,
                       ServiceConfig config)
    : repo_(repo),
      sealer_(sealer),
      random_(random),
      config_(config),
      cache_(repo, config.cache_entries),
      usage_(repo) {}

namespace {

// The part of resolution that needs no lookup: which key id does `text` name,
// or which alias must be looked up. Throws AWS's NotFoundException wording.
struct Target {
  std::string key_id;      // set when the text names a key directly
  std::string alias_name;  // set when it names an alias
  // Strict mode: the key ARN of another account's key, for an operation AWS
  // lets use one (AccessRequest::cross_account); the key is looked up there.
  std::optional<Scope> other_account;
  const Scope& ScopeOr(const Scope& own) const { return other_account ? *other_account : own; }
};

Target Classify(const RequestContext& ctx, const std::string& text, bool allow_alias) {
  KeyReference ref = ParseKeyReference(text);
  if (ref.IsAlias()) {
    if (!allow_alias) throw KmsError::InvalidKeyId(text);
    if (ref.kind == KeyReference::Kind::kAliasArn &&
        (ref.region != ctx.scope.region || ref.account != ctx.scope.account)) {
      throw KmsError::AliasNotFound(text);
    }
    return {"", ref.id, std::nullopt};
  }
  if (ref.kind == KeyReference::Kind::kKeyArn) {
    if (ref.region != ctx.scope.region) throw KmsError::InvalidArnRegion(ref.region);
    if (ref.account != ctx.scope.account) {
      if (ctx.principal == nullptr || ctx.access == nullptr || !ctx.access->cross_account) {
        throw KmsError::KeyDoesNotExist(text);
      }
      if (!IsKeyId(ref.id) && !IsMultiRegionKeyId(ref.id)) throw KmsError::InvalidKeyId(text);
      return {ref.id, "", Scope{ref.account, ref.region}};
    }
  }
  if (!IsKeyId(ref.id) && !IsMultiRegionKeyId(ref.id)) throw KmsError::InvalidKeyId(text);
  return {ref.id, "", std::nullopt};
}

// A new KeyMaterialId: 32 random bytes as 64 hex characters, the form AWS
// gives key material ids. The one place new versions get their id.
std::string NewKeyMaterialId(RandomSource& random) { return HexEncode(random.Public(32)); }

}  // namespace

std::shared_ptr<const Key> KmsService::ResolveKey(const RequestContext& ctx,
                                                  const std::string& text, AliasPolicy aliases,
                                                  const KeyUse& use) {
  Target target = Classify(ctx, text, aliases == AliasPolicy::kAllowAlias);
  if (!target.alias_name.empty()) {
    std::optional<std::string> id = cache_.GetAliasTarget(ctx.scope, target.alias_name);
    if (!id) {
      // A predefined alias's first use creates its AWS managed key.
      const PredefinedAlias* predefined = FindPredefinedAlias(target.alias_name);
      if (!predefined) throw KmsError::AliasNotFound(AliasArn(ctx.scope, target.alias_name));
      Key created;
      cache_.Write([&](KeyTransaction& tx) { created = AwsManagedKeyFor(tx, ctx, *predefined); });
      auto key = std::make_shared<const Key>(std::move(created));
      Authorize(ctx, *key, use);
      return key;
    }
    target.key_id = *id;
  }
  const Scope& scope = target.ScopeOr(ctx.scope);
  std::shared_ptr<const Key> key = cache_.GetKey(scope, target.key_id);
  if (!key) throw KmsError::KeyDoesNotExist(KeyArn(scope, target.key_id));
  Authorize(ctx, *key, use);
  return key;
}

std::shared_ptr<const Key> KmsService::PeekKey(const RequestContext& ctx,
                                               const std::string& key_id) {
  Target target;
  try {
    target = Classify(ctx, key_id, /*allow_alias=*/true);
  } catch (const KmsError&) {
    return nullptr;
  }
  if (target.other_account) return nullptr;
  if (!target.alias_name.empty()) {
    std::optional<std::string> id = cache_.GetAliasTarget(ctx.scope, target.alias_name);
    if (!id) return nullptr;
    target.key_id = std::move(*id);
  }
  return cache_.GetKey(ctx.scope, target.key_id);
}

Key KmsService::ResolveKeyForWrite(KeyTransaction& tx, const RequestContext& ctx,
                                   const std::string& text, AliasPolicy aliases,
                                   const KeyUse& use) {
  Target target = Classify(ctx, text, aliases == AliasPolicy::kAllowAlias);
  if (!target.alias_name.empty()) {
    std::optional<Alias> alias = tx.GetAlias(ctx.scope, target.alias_name);
    if (!alias) {
      const PredefinedAlias* predefined = FindPredefinedAlias(target.alias_name);
      if (!predefined) throw KmsError::AliasNotFound(AliasArn(ctx.scope, target.alias_name));
      Key created = AwsManagedKeyFor(tx, ctx, *predefined);
      Authorize(ctx, created, use, &tx);
      return created;
    }
    target.key_id = alias->target_key_id;
  }
  const Scope& scope = target.ScopeOr(ctx.scope);
  std::optional<Key> key = tx.GetKey(scope, target.key_id);
  if (!key) throw KmsError::KeyDoesNotExist(KeyArn(scope, target.key_id));
  Authorize(ctx, *key, use, &tx);
  return std::move(*key);
}

Key KmsService::AwsManagedKeyFor(KeyTransaction& tx, const RequestContext& ctx,
                                 const PredefinedAlias& alias) {
  const std::string name(alias.name);
  if (std::optional<Alias> existing = tx.GetAlias(ctx.scope, name)) {
    std::optional<Key> key = tx.GetKey(ctx.scope, existing->target_key_id);
    if (!key) throw KmsError::KeyDoesNotExist(KeyArn(ctx.scope, existing->target_key_id));
    return std::move(*key);
  }
  Key key = NewAwsManagedKey(alias, ctx.scope, random_.Uuid(), ctx.now, config_.jitter);
  key = PutNewKey(tx, std::move(key), ctx.now, random_.Secret(kAesKeySize));
  tx.PutAlias(Alias{ctx.scope, name, key.id, ctx.now, ctx.now});
  return key;
}

Key KmsService::UpdateKey(const RequestContext& ctx, const std::string& key_id_text,
                          AliasPolicy aliases,
                          const std::function<void(Key&, KeyTransaction&)>& mutate) {
  Key result;
  cache_.Write([&](KeyTransaction& tx) {
    Key key = ResolveKeyForWrite(tx, ctx, key_id_text, aliases);
    // Every operation that changes a key is one no one may call on an AWS
    // managed key; the refusal comes before any check of state or spec.
    RequireCustomerManaged(key, ctx.operation);
    mutate(key, tx);
    ++key.revision;
    tx.PutKey(key);
    result = std::move(key);
  });
  std::optional<Timestamp> next = result.NextEventTime();
  if (due_now_ && next && *next <= ctx.now) due_now_();
  return result;
}

KeyRing KmsService::WholeRing(KeyTransaction& tx, Key key) {
  KeyRing::Rows rows;
  for (uint32_t v = 1; v <= key.version_count; ++v) {
    if (std::optional<KeyMaterialVersion> row = tx.GetMaterialVersion(key.scope, key.id, v)) {
      rows.push_back(std::move(*row));
    }
  }
  return KeyRing(std::move(key), std::move(rows));
}

KeyMaterialVersion KmsService::AddVersion(KeyTransaction& tx, KeyRing& ring, KeyMaterialVersion v,
                                          const SecretBytes* material, SecretBytes* used) {
  if (v.material_id.empty()) v.material_id = NewKeyMaterialId(random_);
  SecretBytes generated;
  if (!material) {
    generated = random_.Secret(kAesKeySize);  // rotation: symmetric keys only
    material = &generated;
  }
  KeyRing::Rows rows = ring.Append(std::move(v));
  PutRows(tx, ring.key(), rows, material);
  if (used) *used = *material;
  return std::move(rows.front());
}

Key KmsService::PutNewKey(KeyTransaction& tx, Key key, Timestamp created,
                          const SecretBytes& material) {
  key.revision = 1;
  KeyRing ring(std::move(key));
  KeyMaterialVersion first;  // no RotationType: the first material
  first.created = created;
  first.material_id = NewKeyMaterialId(random_);
  KeyRing::Rows rows = ring.Append(std::move(first));
  key = std::move(ring).TakeKey();
  // The key row once, as the ring left it, and first: material rows reference it.
  tx.PutKey(key);
  PutRows(tx, key, rows, &material);
  return key;
}

void KmsService::PutRows(KeyTransaction& tx, const Key& key, const KeyRing::Rows& rows,
                         const SecretBytes* material) {
  for (const KeyMaterialVersion& row : rows) {
    if (material) {
      SealedMaterial sealed = sealer_.Seal(key.id, row.version, *material);
      tx.PutMaterial(key.scope, key.id, row, &sealed);
    } else {
      tx.PutMaterial(key.scope, key.id, row, nullptr);  // the bytes are gone; the row stays
    }
  }
}

std::shared_ptr<const UnsealedMaterial> KmsService::MaterialFor(const Key& key, uint32_t version) {
  return cache_.GetMaterial(
      key.scope, key.id, version,
      [&](uint32_t v, const SealedMaterial& sealed) -> std::optional<UnsealedMaterial> {
        std::optional<SecretBytes> bytes = sealer_.Unseal(key.id, v, sealed);
        if (!bytes) return std::nullopt;
        UnsealedMaterial m{std::move(*bytes), "", nullptr};
        if (IsAsymmetricSpec(key.spec)) {
          m.private_key = PrivateKey::Parse(key.spec, {m.bytes.data(), m.bytes.size()});
          if (!m.private_key) return std::nullopt;
        }
        return m;
      });
}

std::shared_ptr<const Key> KmsService::UsableKey(const RequestContext& ctx,
                                                 const std::string& key_id, KeyUsage usage,
                                                 const KeyUse& use) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kAllowAlias, use);
  RequireUsable(ctx, *key, usage);
  return key;
}

void KmsService::RequireUsable(const RequestContext& ctx, const Key& key, KeyUsage usage) {
  RequireState(key, StateRule::kCryptographic);
  RequireUsage(key, usage, ctx.operation);
}

void KmsService::RequireSymmetricKey(const RequestContext& ctx, const Key& key) {
  if (!key.IsSymmetricEncryption()) {
    throw KmsError::KeySpecNotValid(key.Arn(), ToString(key.spec), ctx.operation);
  }
}

void KmsService::RecordUsage(const RequestContext& ctx, const Key& key) {
  // The key's own keyspace: another account's use (strict mode, by key ARN)
  // is the key's last use too.
  usage_.Record(key.scope,
                KeyUsageRecord{key.id, std::string(ctx.operation), ctx.now, ctx.request_id});
}

void KmsService::Reset() {
  std::lock_guard lock(scheduler_mu_);
  repo_.Reset();
  cache_.Clear();
  usage_.Clear();
}

}  // namespace rotor::core
