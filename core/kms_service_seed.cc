// LoadSeed: a seed document becomes keys, material history, rotation settings
// and aliases, in one transaction: an invalid document changes nothing, and
// loading the same document twice changes nothing the second time (keys and
// aliases that already exist are left exactly as they are, as local-kms does).
#include <algorithm>
#include <map>
#include <set>

#include "core/grant.h"
#include "core/key_policy.h"
#include "core/key_sealer.h"
#include "core/key_spec_info.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "core/seed.h"

namespace rotor::core {
namespace {

[[noreturn]] void Fail(const SeedKey& k, const std::string& problem) {
  throw SeedError(k.entry + " (KeyId " + k.key_id + "): " + problem);
}

size_t MaterialSize(KeySpec spec) {
  switch (spec) {
    case KeySpec::kHmac224:
      return 28;
    case KeySpec::kHmac256:
      return 32;
    case KeySpec::kHmac384:
      return 48;
    case KeySpec::kHmac512:
      return 64;
    default:
      return 32;
  }
}

void Validate(const SeedKey& k) {
  const bool mrk = IsMultiRegionKeyId(k.key_id);
  if (!IsKeyId(k.key_id) && !mrk) {
    Fail(k,
         "KeyId must be a key id (a lowercase UUID, or mrk- and 32 lowercase hex digits for a "
         "multi-Region key)");
  }
  if (mrk != k.primary_region.has_value()) {
    Fail(k, "a multi-Region key (KeyId mrk-...) needs PrimaryRegion, and only such a key has one");
  }
  if (mrk && k.origin != Origin::kAwsKms) {
    Fail(k, "multi-Region keys in seed files have KMS-generated material (Origin AWS_KMS)");
  }
  if (k.is_replica() && k.rotation_enabled) {
    Fail(k, "a replica key shares its primary's rotation: set Rotation on the primary key");
  }
  if (!IsUsageAllowed(k.spec, k.usage)) {
    Fail(k, "KeyUsage " + std::string(ToString(k.usage)) + " is not compatible with KeySpec " +
                std::string(ToString(k.spec)));
  }
  if (k.state != KeyState::kEnabled && k.state != KeyState::kDisabled) {
    Fail(k, "KeyState must be Enabled or Disabled");
  }
  bool symmetric_or_hmac = !IsAsymmetricSpec(k.spec);
  if (k.origin == Origin::kExternal) {
    if (k.spec != KeySpec::kSymmetricDefault) Fail(k, "Origin EXTERNAL is for symmetric keys here");
    if (k.materials.size() > 1) Fail(k, "an EXTERNAL key takes at most one BackingKey");
  } else if (k.origin != Origin::kAwsKms) {
    Fail(k, "Origin must be AWS_KMS or EXTERNAL");
  } else if (k.materials.empty()) {
    Fail(k, IsAsymmetricSpec(k.spec) ? "PrivateKeyPem is required"
                                     : "BackingKeys needs at least one key");
  } else if (!k.spec_is_rotatable() && k.materials.size() > 1) {
    Fail(k, "only symmetric encryption keys have more than one key material");
  }
  for (size_t i = 0; i < k.materials.size(); ++i) {
    const SeedMaterial& m = k.materials[i];
    if (symmetric_or_hmac && m.bytes.size() != MaterialSize(k.spec)) {
      Fail(k, "key material " + std::to_string(i) + " must be " +
                  std::to_string(MaterialSize(k.spec)) + " bytes (" +
                  std::to_string(2 * MaterialSize(k.spec)) + " hex digits)");
    }
    if (!m.material_id.empty() &&
        (m.material_id.size() != 64 ||
         m.material_id.find_first_not_of("0123456789abcdef") != std::string::npos)) {
      Fail(k, "KeyMaterialId must be 64 lowercase hex digits");
    }
    if (i == 0 && m.rotation_type) Fail(k, "the first key material cannot have a RotationType");
  }
  if (k.manager == KeyManager::kAws &&
      (k.spec != KeySpec::kSymmetricDefault || k.origin != Origin::kAwsKms ||
       k.state != KeyState::kEnabled || !k.tags.empty() || !k.rotation_enabled ||
       k.rotation_period_days != kAwsManagedRotationPeriodDays)) {
    Fail(k,
         "an AWS managed key (KeyManager AWS) is a symmetric AWS_KMS key, Enabled, without tags, "
         "with automatic rotation every 365 days");
  }
  if (k.rotation_enabled) {
    if (k.spec != KeySpec::kSymmetricDefault || k.origin != Origin::kAwsKms) {
      Fail(k, "automatic rotation is only for symmetric keys with KMS-generated material");
    }
    if (k.rotation_period_days < kMinRotationPeriodDays ||
        k.rotation_period_days > kMaxRotationPeriodDays) {
      Fail(k, "PeriodInDays must be between 90 and 2560");
    }
  }
}

}  // namespace

bool SeedKey::spec_is_rotatable() const { return spec == KeySpec::kSymmetricDefault; }

SeedResult KmsService::LoadSeed(const SeedDocument& doc, Timestamp now) {
  std::set<std::tuple<std::string, std::string, std::string>> ids;
  for (const SeedKey& k : doc.keys) {
    Validate(k);
    if (!ids.insert({k.scope.account, k.scope.region, k.key_id}).second)
      Fail(k, "the KeyId appears twice");
  }
  std::set<std::tuple<std::string, std::string, std::string>> alias_names;
  for (const SeedAlias& a : doc.aliases) {
    if (!alias_names.insert({a.scope.account, a.scope.region, a.name}).second) {
      throw SeedError(a.entry + ": AliasName " + a.name + " appears twice");
    }
    if (!IsAliasName(a.name) || (IsAwsManagedAliasName(a.name) && !FindPredefinedAlias(a.name))) {
      throw SeedError(a.entry + ": AliasName " + a.name +
                      " must be alias/ followed by letters, digits, /, _ or -, and not alias/aws/ "
                      "(except a predefined alias of an AWS managed key)");
    }
  }
  // A replica's primary is in the same document, with the same key materials
  // (same bytes and KeyMaterialIds), so related keys open each other's
  // ciphertexts.
  std::map<std::tuple<std::string, std::string, std::string>, const SeedKey*> by_region;
  for (const SeedKey& k : doc.keys) by_region[{k.scope.account, k.scope.region, k.key_id}] = &k;
  auto primary_of = [&](const SeedKey& k) -> const SeedKey& {
    auto it = by_region.find({k.scope.account, *k.primary_region, k.key_id});
    if (it == by_region.end() || it->second->primary_region != k.primary_region) {
      Fail(k, "its primary key (Region " + *k.primary_region + ") must be in the same seed file");
    }
    return *it->second;
  };
  for (const SeedKey& k : doc.keys) {
    if (!k.is_replica()) continue;
    const SeedKey& p = primary_of(k);
    bool same = p.spec == k.spec && p.usage == k.usage && p.materials.size() == k.materials.size();
    for (size_t i = 0; same && i < k.materials.size(); ++i) {
      const SeedMaterial& a = p.materials[i];
      const SeedMaterial& b = k.materials[i];
      same = a.material_id == b.material_id && a.bytes.size() == b.bytes.size() &&
             std::equal(a.bytes.data(), a.bytes.data() + a.bytes.size(), b.bytes.data());
    }
    if (!same) {
      Fail(k,
           "a replica key has its primary's KeySpec, KeyUsage and key materials (same bytes and "
           "KeyMaterialIds, in the same order)");
    }
  }
  SeedResult result;
  cache_.Write([&](KeyTransaction& tx) {
    result = SeedResult{};
    // Primaries and single-Region keys first, then replicas, which copy their
    // primary's versions as written.
    std::vector<const SeedKey*> order;
    for (const SeedKey& k : doc.keys)
      if (!k.is_replica()) order.push_back(&k);
    for (const SeedKey& k : doc.keys)
      if (k.is_replica()) order.push_back(&k);
    for (const SeedKey* sp : order) {
      const SeedKey& s = *sp;
      if (tx.GetKey(s.scope, s.key_id)) {
        ++result.keys_already_present;
        continue;
      }
      Key k;
      k.scope = s.scope;
      k.id = s.key_id;
      k.creation_date = s.creation_date.value_or(now);
      k.description = s.description;
      k.spec = s.spec;
      k.usage = s.usage;
      k.origin = s.origin;
      k.manager = s.manager;
      k.state =
          s.origin == Origin::kExternal && s.materials.empty() ? KeyState::kPendingImport : s.state;
      // A seeded policy is validated and stored as CreateKey stores one.
      try {
        k.policy = s.policy ? StoredKeyPolicy(*s.policy) : DefaultKeyPolicy(s.scope.account);
      } catch (const KmsError& e) {
        Fail(s, "Policy: " + e.message());
      }
      k.tags = s.tags;
      k.multi_region = s.primary_region.has_value();
      k.primary_region = s.primary_region.value_or("");
      k.revision = 1;
      tx.PutKey(k);  // the key row first: material rows reference it
      KeyRing ring(std::move(k));
      for (const SeedMaterial& m : s.materials) {
        KeyMaterialVersion v;
        if (s.is_replica()) {
          // The primary's version as written, described in full.
          std::optional<KeyMaterialVersion> row = tx.GetMaterialVersion(
              {s.scope.account, *s.primary_region}, s.key_id, ring.key().version_count + 1);
          if (!row) Fail(s, "its primary key has fewer key materials in the data dir");
          AddVersion(tx, ring, std::move(*row), &m.bytes);
          continue;
        }
        v.material_id = m.material_id;
        v.created = m.created.value_or(ring.key().creation_date);
        // Extra backing keys simulate past rotations (local-kms's meaning).
        v.rotation_type = m.rotation_type;
        if (!v.rotation_type && ring.key().version_count > 0) {
          v.rotation_type = RotationType::kAutomatic;
        }
        if (ring.key().origin == Origin::kExternal) {
          v.import_state = ImportState::kImported;
          v.valid_to = m.valid_to;
        }
        AddVersion(tx, ring, std::move(v), &m.bytes);
      }
      k = std::move(ring).TakeKey();
      if (s.rotation_enabled) {
        if (s.next_rotation) {
          // The schedule continues from the given date, one period per rotation.
          k.rotation.enabled = true;
          k.rotation.period_days = s.rotation_period_days;
          k.rotation.anchor = *s.next_rotation - Days(s.rotation_period_days);
          k.rotation.next_rotation = *s.next_rotation;
        } else {
          EnableRotation(k.rotation, k.id, s.rotation_period_days, now, config_.jitter);
        }
      }
      tx.PutKey(k);
      for (const Grant& seeded : s.grants) {
        Grant g = seeded;
        g.scope = k.scope;
        g.key_id = k.id;
        if (g.grant_id.empty()) g.grant_id = HexEncode(random_.Public(32));
        if (g.issuing_account.empty()) g.issuing_account = IssuingAccountArn(k.scope);
        if (g.creation_date == Timestamp{}) g.creation_date = now;
        try {
          if (!IsGrantId(g.grant_id)) throw KmsError::InvalidGrantId(g.grant_id);
          CheckGrant(k.spec, k.usage, g);
        } catch (const KmsError& e) {
          Fail(s, "grant " + g.grant_id + ": " + e.message());
        }
        tx.PutGrant(g);
        ++result.grants_created;
      }
      ++result.keys_created;
    }
    // Each primary learns its replicas, which take its rotation settings.
    for (const SeedKey& s : doc.keys) {
      if (!s.is_replica()) continue;
      std::optional<Key> p = tx.GetKey({s.scope.account, *s.primary_region}, s.key_id);
      if (!p) continue;
      if (std::find(p->replica_regions.begin(), p->replica_regions.end(), s.scope.region) ==
          p->replica_regions.end()) {
        p->replica_regions.push_back(s.scope.region);
      }
      ++p->revision;
      tx.PutKey(*p);
      ShareWithRelated(tx, *p, nullptr, nullptr);
    }
    for (const SeedAlias& a : doc.aliases) {
      if (tx.GetAlias(a.scope, a.name)) {
        ++result.aliases_already_present;
        continue;
      }
      std::optional<Key> target = tx.GetKey(a.scope, a.target_key_id);
      if (!target) {
        throw SeedError(a.entry + ": TargetKeyId " + a.target_key_id + " of " + a.name +
                        " is not a key in the seed file or the data dir (account " +
                        a.scope.account + ", region " + a.scope.region + ")");
      }
      // alias/aws/... names AWS managed keys only, and they have no other alias.
      if (IsAwsManagedAliasName(a.name) != (target->manager == KeyManager::kAws)) {
        throw SeedError(a.entry + ": " + a.name +
                        (target->manager == KeyManager::kAws
                             ? " cannot name an AWS managed key: only its alias/aws/ alias can"
                             : " can name only an AWS managed key (KeyManager AWS)"));
      }
      tx.PutAlias(Alias{a.scope, a.name, a.target_key_id, now, now});
      ++result.aliases_created;
    }
  });
  return result;
}

}  // namespace rotor::core
