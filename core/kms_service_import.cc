// Imported key material (Origin EXTERNAL): GetParametersForImport,
// ImportKeyMaterial, DeleteImportedKeyMaterial, the expiry of material whose
// ValidTo has passed (called by the scheduler), and the promotion of material
// imported as NEW_KEY_MATERIAL by RotateKeyOnDemand.
//
// The key ring of an EXTERNAL key holds imported versions. Versions up to
// current_version have been current; at most one version above it is
// PENDING_ROTATION. A version whose bytes were deleted or expired keeps its
// row (id, description) with ImportState PENDING_IMPORT, so the same material
// can be imported again and its old ciphertexts decrypt again. The key is
// PendingImport while any version it has used lacks its material.
#include <chrono>
#include <vector>

#include "core/asymmetric_key.h"
#include "core/import_token.h"
#include "core/key_material.h"
#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/key_wrap.h"
#include "core/kms_error.h"
#include "core/kms_service.h"

namespace rotor::core {
namespace {

constexpr Millis kImportParametersLifetime = std::chrono::hours(24);
// AWS accepts a ValidTo between 10 minutes and 365 days ahead.
constexpr Millis kMinValidTo = std::chrono::minutes(10);
constexpr Millis kMaxValidTo = Days(365);

constexpr std::string_view kNewMaterial = "NEW_KEY_MATERIAL";
constexpr std::string_view kExistingMaterial = "EXISTING_KEY_MATERIAL";

void RequireExternalOrigin(const Key& key) {
  if (key.origin != Origin::kExternal)
    throw KmsError::OriginNotValid(key.Arn(), ToString(key.origin));
}

KmsError IncorrectKeyMaterial() {
  return {ErrorCode::kIncorrectKeyMaterial,
          "The key material in the request is, expired, invalid, or is not the same key material "
          "that was previously imported into this KMS key."};
}

// Every version of an EXTERNAL key. Bounded: one per import of new material,
// and new material needs an on-demand rotation (25 at most) to make room.
std::vector<KeyMaterialVersion> Versions(KeyTransaction& tx, const Key& key) {
  std::vector<KeyMaterialVersion> out;
  for (uint32_t v = 1; v <= key.version_count; ++v) {
    if (std::optional<KeyMaterialVersion> version = tx.GetMaterialVersion(key.scope, key.id, v)) {
      out.push_back(std::move(*version));
    }
  }
  return out;
}

bool IsImported(const KeyMaterialVersion& v) { return v.import_state == ImportState::kImported; }

// Derives the key's state and next expiry from its versions after a change.
void Settle(Key& key, const std::vector<KeyMaterialVersion>& versions) {
  key.material_valid_to.reset();
  bool all_used_present = key.current_version > 0;
  for (const KeyMaterialVersion& v : versions) {
    if (!IsImported(v)) {
      if (v.version <= key.current_version) all_used_present = false;
      continue;
    }
    if (v.valid_to && (!key.material_valid_to || *v.valid_to < *key.material_valid_to)) {
      key.material_valid_to = v.valid_to;
    }
  }
  if (key.state == KeyState::kPendingDeletion) return;  // deletion wins; state unchanged
  if (!all_used_present) {
    key.state = KeyState::kPendingImport;
  } else if (key.state == KeyState::kPendingImport) {
    key.state = KeyState::kEnabled;
  }
}

// ExpirationModel and ValidTo as AWS checks them.
std::optional<Timestamp> ChooseValidTo(const RequestContext& ctx,
                                       const ImportKeyMaterialRequest& req) {
  std::string model = req.expiration_model.value_or("KEY_MATERIAL_EXPIRES");
  if (model == "KEY_MATERIAL_DOES_NOT_EXPIRE") {
    if (req.valid_to) {
      throw KmsError::Validation(
          "A validTo date must not be set if the ExpirationModel is "
          "KEY_MATERIAL_DOES_NOT_EXPIRE");
    }
    return std::nullopt;
  }
  if (!req.valid_to) {
    throw KmsError::Validation(
        "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
  }
  if (*req.valid_to < ctx.now + kMinValidTo || *req.valid_to > ctx.now + kMaxValidTo) {
    throw KmsError::Validation(
        "The validTo date must be between 10 minutes and 365 days from now.");
  }
  return req.valid_to;
}

}  // namespace

ImportParametersResult KmsService::GetParametersForImport(const RequestContext& ctx,
                                                          const std::string& key_id,
                                                          const std::string& wrapping_algorithm,
                                                          const std::string& wrapping_key_spec) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireExternalOrigin(*key);
  RequireState(*key, StateRule::kManagement);
  std::optional<WrappingAlgorithm> algorithm = ParseWrappingAlgorithm(wrapping_algorithm);
  if (!algorithm) {
    // The model lists these two; AWS retired one and offers the other only in China.
    throw KmsError::Validation(
        wrapping_algorithm == "RSAES_PKCS1_V1_5"
            ? "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported."
            : "The " + wrapping_algorithm +
                  " wrapping algorithm is available only in the China Regions.");
  }
  std::optional<KeySpec> spec = Parse<KeySpec>(wrapping_key_spec);
  if (!spec ||
      (*spec != KeySpec::kRsa2048 && *spec != KeySpec::kRsa3072 && *spec != KeySpec::kRsa4096)) {
    throw KmsError::Validation("The " + wrapping_key_spec +
                               " wrapping key spec is available only in the China Regions.");
  }
  ImportParameters params;
  params.key_id = key->id;
  params.valid_to = ctx.now + kImportParametersLifetime;
  params.algorithm = *algorithm;
  params.wrapping_spec = *spec;
  params.wrapping_private_key = PrivateKey::Generate(*spec);
  std::shared_ptr<const PrivateKey> wrapping = PrivateKey::Parse(
      *spec, {params.wrapping_private_key.data(), params.wrapping_private_key.size()});
  if (!wrapping) throw KmsError::Internal("a generated wrapping key does not parse");
  return {key->Arn(), SealImportToken(sealer_, params), wrapping->PublicKeyDer(), params.valid_to};
}

ImportKeyMaterialResult KmsService::ImportKeyMaterial(const RequestContext& ctx,
                                                      const ImportKeyMaterialRequest& req) {
  std::optional<Timestamp> valid_to = ChooseValidTo(ctx, req);
  if (req.material_id && req.import_type.value_or("") == kNewMaterial) {
    throw KmsError::Validation(
        "A KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL.");
  }
  std::shared_ptr<const Key> key = ResolveKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireExternalOrigin(*key);
  RequireState(*key, StateRule::kManagement);
  if (!key->IsSymmetricEncryption() && req.material_id) {
    throw KmsError::Validation("KeyMaterialId is valid only for symmetric encryption KMS keys.");
  }

  std::optional<ImportParameters> params = OpenImportToken(sealer_, req.import_token);
  if (!params || params->key_id != key->id) {
    throw KmsError(ErrorCode::kInvalidImportToken,
                   "The request was rejected because the provided import token is invalid or is "
                   "associated with a different KMS key.");
  }
  if (params->valid_to <= ctx.now) {
    throw KmsError(ErrorCode::kExpiredImportToken,
                   "The request was rejected because the specified import token is expired. Use "
                   "GetParametersForImport to get a new import token and public key, use the new "
                   "public key to encrypt the key material, and then try the request again.");
  }
  std::shared_ptr<const PrivateKey> wrapping_key =
      PrivateKey::Parse(params->wrapping_spec,
                        {params->wrapping_private_key.data(), params->wrapping_private_key.size()});
  if (!wrapping_key) throw KmsError::Internal("the wrapping key in an import token does not parse");
  std::optional<SecretBytes> material =
      UnwrapKeyMaterial(*wrapping_key, params->algorithm, req.encrypted_material);
  if (!material) throw KmsError::InvalidCiphertext();
  if (!IsValidImportedMaterial(key->spec, *material)) throw IncorrectKeyMaterial();
  const std::string material_id = ImportedMaterialId(key->id, *material);
  if (req.material_id && *req.material_id != material_id) throw IncorrectKeyMaterial();

  Key updated =
      UpdateKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
        RequireExternalOrigin(k);
        RequireState(k, StateRule::kManagement);
        std::vector<KeyMaterialVersion> versions = Versions(tx, k);
        // AWS: without ImportType, the first import is new material and later
        // ones re-import material the key already has.
        std::string_view type = req.import_type
                                    ? std::string_view(*req.import_type)
                                    : (k.version_count == 0 ? kNewMaterial : kExistingMaterial);
        KeyMaterialVersion* same = nullptr;
        for (KeyMaterialVersion& v : versions) {
          if (v.material_id == material_id) same = &v;
        }
        KeyMaterialVersion target;
        if (type == kExistingMaterial) {
          if (!same) throw IncorrectKeyMaterial();
          target = *same;
          if (req.description) target.description = *req.description;
        } else {
          if (same) throw IncorrectKeyMaterial();  // already this key's: import it as EXISTING
          if (k.version_count > 0 && !k.IsSymmetricEncryption()) {
            throw KmsError::Validation(
                "Only symmetric encryption KMS keys accept new key material after "
                "the first import; " +
                k.Arn() + " has key spec " + std::string(ToString(k.spec)) + ".");
          }
          target.version = k.version_count + 1;
          if (k.version_count > k.current_version) {
            const KeyMaterialVersion& pending = versions.back();
            if (IsImported(pending)) {
              throw KmsError(ErrorCode::kKmsInvalidState,
                             "New key material (id: " + material_id +
                                 ") cannot be imported into KMS key " + k.id +
                                 ", because another key material (id: " + pending.material_id +
                                 ") is pending rotation.");
            }
            target.version = pending.version;  // its material was deleted: the slot is free again
          }
          target.material_id = material_id;
          target.created = ctx.now;
          target.description = req.description.value_or("");
          if (k.version_count == 0) {  // the first material is current at once
            k.MakeCurrent(target.version, material_id, ctx.now);
          }
          k.version_count = std::max(k.version_count, target.version);
        }
        target.import_state = ImportState::kImported;
        target.valid_to = valid_to;
        SealedMaterial sealed = sealer_.Seal(k.id, target.version, *material);
        tx.PutMaterial(k.scope, k.id, target, &sealed);
        Settle(k, Versions(tx, k));
      });
  return {updated.Arn(), material_id};
}

ImportKeyMaterialResult KmsService::DeleteImportedKeyMaterial(
    const RequestContext& ctx, const std::string& key_id,
    const std::optional<std::string>& material_id) {
  std::string deleted;
  Key key = UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
    RequireExternalOrigin(k);
    std::vector<KeyMaterialVersion> versions = Versions(tx, k);
    KeyMaterialVersion* target = nullptr;
    for (KeyMaterialVersion& v : versions) {
      bool wanted = material_id ? v.material_id == *material_id : v.version == k.current_version;
      if (wanted) target = &v;
    }
    if (!target) {
      if (!material_id) return;  // nothing imported yet: nothing to delete
      throw KmsError(ErrorCode::kNotFound,
                     "Key material " + *material_id + " is not associated with " + k.Arn() + ".");
    }
    deleted = target->material_id;
    if (!IsImported(*target)) return;  // already deleted
    target->import_state = ImportState::kPendingImport;
    tx.PutMaterial(k.scope, k.id, *target, nullptr);
    Settle(k, versions);
  });
  return {key.Arn(), deleted};
}

std::string KmsService::ExpireImportedMaterial(KeyTransaction& tx, Key& key, Timestamp at) {
  std::vector<KeyMaterialVersion> versions = Versions(tx, key);
  std::string ids;
  for (KeyMaterialVersion& v : versions) {
    if (IsImported(v) && v.valid_to && *v.valid_to <= at) {
      v.import_state = ImportState::kPendingImport;
      tx.PutMaterial(key.scope, key.id, v, nullptr);  // the bytes are gone; the row stays
      ids += (ids.empty() ? "" : " ") + v.material_id;
    }
  }
  Settle(key, versions);
  return ids;
}

void KmsService::PromotePendingMaterial(KeyTransaction& tx, Key& key, Timestamp at,
                                        const std::optional<SealedMaterial>& pending) {
  std::optional<KeyMaterialVersion> v =
      key.version_count > key.current_version
          ? tx.GetMaterialVersion(key.scope, key.id, key.version_count)
          : std::nullopt;
  if (!v || !IsImported(*v) || !pending || pending->material_id != v->material_id) {
    throw KmsError(ErrorCode::kKmsInvalidState,
                   "No available key material pending rotation for the key: " + key.Arn() + ".");
  }
  v->rotation_type = RotationType::kOnDemand;
  v->created = at;  // RotationDate
  tx.PutMaterial(key.scope, key.id, *v, &*pending);
  key.MakeCurrent(v->version, v->material_id, at);
}

}  // namespace rotor::core
