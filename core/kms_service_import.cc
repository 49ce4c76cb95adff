// Imported key material (Origin EXTERNAL): GetParametersForImport,
// ImportKeyMaterial and DeleteImportedKeyMaterial. This file checks the
// request, the import token and the unwrapped bytes; where material goes and
// what it does to the key (import slots, PENDING_ROTATION, PENDING_IMPORT rows,
// the key's state) are KeyRing's rules (key_ring.h), and this file writes the
// rows the ring changed. Expiry (scheduler.cc) and promotion by
// RotateKeyOnDemand (kms_service_rotation.cc) use the same ring.
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

void RequireExternalOrigin(const Key& key) {
  if (key.origin != Origin::kExternal)
    throw KmsError::OriginNotValid(key.Arn(), ToString(key.origin));
}

// ExpirationModel and ValidTo as AWS checks them.
std::optional<Timestamp> ChooseValidTo(const RequestContext& ctx,
                                       const ImportKeyMaterialRequest& req) {
  ExpirationModel model = req.expiration_model.value_or(ExpirationModel::kKeyMaterialExpires);
  if (model == ExpirationModel::kKeyMaterialDoesNotExpire) {
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
                                                          WrappingAlgorithm wrapping_algorithm,
                                                          KeySpec wrapping_key_spec) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireCustomerManaged(*key, ctx.operation);
  RequireState(*key, StateRule::kManagement);
  RequireExternalOrigin(*key);
  // The model lists these two; AWS retired one and offers the other only in China.
  if (wrapping_algorithm == WrappingAlgorithm::kRsaesPkcs1V15) {
    throw KmsError::Validation("The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported.");
  }
  if (wrapping_algorithm == WrappingAlgorithm::kSm2Pke) {
    throw KmsError::Validation("The " + std::string(ToString(wrapping_algorithm)) +
                               " wrapping algorithm is available only in the China Regions.");
  }
  if (!IsRsaSpec(wrapping_key_spec)) {
    throw KmsError::Validation("The " + std::string(ToString(wrapping_key_spec)) +
                               " wrapping key spec is available only in the China Regions.");
  }
  ImportParameters params;
  params.key_id = key->id;
  params.valid_to = ctx.now + kImportParametersLifetime;
  params.algorithm = wrapping_algorithm;
  params.wrapping_spec = wrapping_key_spec;
  params.wrapping_private_key = PrivateKey::Generate(wrapping_key_spec);
  std::shared_ptr<const PrivateKey> wrapping = PrivateKey::Parse(
      wrapping_key_spec, {params.wrapping_private_key.data(), params.wrapping_private_key.size()});
  if (!wrapping) throw KmsError::Internal("a generated wrapping key does not parse");
  return {key->Arn(), SealImportToken(sealer_, params), wrapping->PublicKeyDer(), params.valid_to};
}

ImportKeyMaterialResult KmsService::ImportKeyMaterial(const RequestContext& ctx,
                                                      const ImportKeyMaterialRequest& req) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly);
  RequireCustomerManaged(*key, ctx.operation);
  RequireState(*key, StateRule::kManagement);
  RequireExternalOrigin(*key);
  std::optional<Timestamp> valid_to = ChooseValidTo(ctx, req);
  if (req.material_id && req.import_type == ImportType::kNewKeyMaterial) {
    throw KmsError::Validation(
        "A KeyMaterialId cannot be specified with ImportType NEW_KEY_MATERIAL.");
  }
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
  if (!IsValidImportedMaterial(key->spec, *material)) throw KmsError::IncorrectKeyMaterial();
  const std::string material_id = ImportedMaterialId(key->id, *material);
  if (req.material_id && *req.material_id != material_id) throw KmsError::IncorrectKeyMaterial();

  Key updated =
      UpdateKey(ctx, req.key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
        RequireState(k, StateRule::kManagement);
        RequireExternalOrigin(k);
        KeyRing ring = WholeRing(tx, std::move(k));
        if (ring.key().IsReplica()) {
          // Each related multi-Region key imports its own copy of the same
          // material: a replica takes only its primary's material, at the
          // version number it has there (developer guide, "Importing key
          // material into multi-Region keys").
          ImportSlot slot = ring.ImportSlotFor(material_id, req.import_type);
          std::optional<KeyMaterialVersion> primary_version = tx.GetMaterialVersion(
              {ring.key().scope.account, ring.key().primary_region}, ring.key().id, slot.version);
          if (!primary_version || primary_version->material_id != material_id) {
            throw KmsError::IncorrectKeyMaterial();
          }
        }
        KeyRing::Rows imported =
            ring.Import({material_id, req.import_type, ctx.now, req.description, valid_to});
        PutRows(tx, ring.key(), imported, &*material);
        k = std::move(ring).TakeKey();
      });
  return {updated.Arn(), material_id};
}

ImportKeyMaterialResult KmsService::DeleteImportedKeyMaterial(
    const RequestContext& ctx, const std::string& key_id,
    const std::optional<std::string>& material_id) {
  std::string deleted;
  Key key = UpdateKey(ctx, key_id, AliasPolicy::kKeyIdOrArnOnly, [&](Key& k, KeyTransaction& tx) {
    RequireExternalOrigin(k);
    KeyRing ring = WholeRing(tx, std::move(k));
    // Nothing imported yet and no KeyMaterialId named: nothing to delete.
    if (const KeyMaterialVersion* target = ring.MaterialToDelete(material_id)) {
      deleted = target->material_id;
      PutRows(tx, ring.key(), ring.DeleteMaterial(target->version), nullptr);
    }
    k = std::move(ring).TakeKey();
  });
  return {key.Arn(), deleted};
}

}  // namespace rotor::core
