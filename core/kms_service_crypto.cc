// Symmetric cryptography: Encrypt, Decrypt, ReEncrypt, GenerateDataKey,
// GenerateDataKeyWithoutPlaintext, GenerateRandom. Encrypt, Decrypt and
// ReEncrypt hand RSA/SM2 keys to kms_service_asymmetric.cc.
//
// Hot path: key and material come from the KeyCache; no SQLite, no disk.
#include "core/aead.h"
#include "core/ciphertext_blob.h"
#include "core/key_spec_info.h"
#include "core/kms_error.h"
#include "core/kms_service.h"

namespace rotor::core {
namespace {

constexpr EncryptionAlgorithm kSymmetricDefault = EncryptionAlgorithm::kSymmetricDefault;

// Symmetric keys take only SYMMETRIC_DEFAULT.
void RequireSymmetricAlgorithm(const Key& key, std::optional<EncryptionAlgorithm> algorithm) {
  if (algorithm && *algorithm != kSymmetricDefault) {
    throw KmsError::IncompatibleAlgorithm(ToString(*algorithm), ToString(key.spec));
  }
}

Bytes Aad(std::span<const uint8_t> header, const EncryptionContext& context) {
  Bytes aad(header.begin(), header.end());
  Bytes canonical = CanonicalEncryptionContext(context);
  aad.insert(aad.end(), canonical.begin(), canonical.end());
  return aad;
}

}  // namespace

Bytes KmsService::SealUnderKey(const Key& key, const SecretBytes& plaintext,
                               const EncryptionContext& context) {
  std::shared_ptr<const UnsealedMaterial> material = MaterialFor(key, key.current_version);
  if (!material)
    throw KmsError::Internal("the current key material of " + key.Arn() + " is missing");
  uint8_t iv[kGcmIvSize];
  random_.Fill(iv, sizeof iv);
  std::optional<Bytes> blob = NewCiphertextBlob(
      key.id, key.current_version, std::span<const uint8_t, kGcmIvSize>(iv), plaintext.size());
  if (!blob) throw KmsError::Internal("cannot encode a ciphertext for " + key.Arn());
  std::span<const uint8_t> header(blob->data(), kBlobHeaderSize);
  AesGcmSeal(
      {material->bytes.data(), material->bytes.size()}, std::span<const uint8_t, kGcmIvSize>(iv),
      Aad(header, context), {plaintext.data(), plaintext.size()}, blob->data() + kBlobHeaderSize,
      std::span<uint8_t, kGcmTagSize>(blob->data() + blob->size() - kGcmTagSize, kGcmTagSize));
  return std::move(*blob);
}

KmsService::Opened KmsService::OpenBlob(const RequestContext& ctx, const Bytes& blob,
                                        const EncryptionContext& context, const Key* named) {
  std::optional<CiphertextBlobView> view = DecodeCiphertextBlob(blob);
  if (!view) throw KmsError::InvalidCiphertext();
  if (named) {
    if (named->id != view->key_id) {
      throw KmsError(ErrorCode::kIncorrectKey,
                     "The key ID in the request does not identify a CMK that can perform this "
                     "operation.");
    }
  }
  // A blob whose key is not in this account and region (another keyspace,
  // or a deleted key) cannot be decrypted here.
  // A named key may be another account's (strict mode, named by its ARN).
  const Scope& scope = named ? named->scope : ctx.scope;
  std::shared_ptr<const Key> key = cache_.GetKey(scope, view->key_id);
  if (!key) {
    // A key deleted from this keyspace is named, as AWS does; anything else
    // (another account or region, a forged id) is just not a ciphertext of ours.
    if (repo_.DeletionDate(scope, view->key_id)) {
      throw KmsError::KeyDoesNotExist(KeyArn(scope, view->key_id));
    }
    throw KmsError::InvalidCiphertext();
  }
  // A named key was authorised when it was resolved; the key the blob names
  // is authorised here, before its state is looked at.
  if (!named) Authorize(ctx, *key, KeyUse{.encryption_context = &context});
  // The key the blob names must be a usable symmetric encryption key.
  RequireUsable(ctx, *key, KeyUsage::kEncryptDecrypt);
  RequireSymmetricKey(ctx, *key);
  std::shared_ptr<const UnsealedMaterial> material = MaterialFor(*key, view->material_version);
  if (!material) throw KmsError::InvalidCiphertext();
  SecretBytes plaintext(view->ciphertext.size());
  if (!AesGcmOpen({material->bytes.data(), material->bytes.size()}, view->iv,
                  Aad(view->header, context), view->ciphertext, view->tag, plaintext.data())) {
    throw KmsError::InvalidCiphertext();
  }
  return {std::move(key), std::move(plaintext), material->material_id, kSymmetricDefault};
}

KmsService::Sealed KmsService::SealFor(const Key& key, std::optional<EncryptionAlgorithm> algorithm,
                                       const EncryptionContext& context,
                                       const SecretBytes& plaintext, bool dry_run) {
  if (!key.IsSymmetricEncryption()) {
    return AsymmetricEncrypt(key, algorithm, context, plaintext, dry_run);
  }
  RequireSymmetricAlgorithm(key, algorithm);
  if (dry_run) throw KmsError::DryRun();
  return {SealUnderKey(key, plaintext, context), kSymmetricDefault, key.current_material_id};
}

EncryptResult KmsService::Encrypt(const RequestContext& ctx, const EncryptRequest& req) {
  // Symmetric, or RSA/SM2 with ENCRYPT_DECRYPT.
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kEncryptDecrypt,
                                             KeyUse{.encryption_context = &req.context});
  Sealed sealed = SealFor(*key, req.algorithm, req.context, req.plaintext, req.dry_run);
  RecordUsage(ctx, *key);
  return {std::move(sealed.ciphertext), key->Arn(), sealed.algorithm};
}

KmsService::Opened KmsService::OpenCiphertext(const RequestContext& ctx, const Bytes& ciphertext,
                                              const EncryptionContext& context,
                                              const std::optional<std::string>& key_id,
                                              std::optional<EncryptionAlgorithm> algorithm) {
  // An asymmetric key must be named (AWS cannot find it in an RSA/SM2
  // ciphertext); a named symmetric key must be the one the blob names.
  std::shared_ptr<const Key> named = key_id ? ResolveKey(ctx, *key_id, AliasPolicy::kAllowAlias,
                                                         KeyUse{.encryption_context = &context})
                                            : nullptr;
  if (named && IsAsymmetricSpec(named->spec)) {
    RequireUsable(ctx, *named, KeyUsage::kEncryptDecrypt);
    return AsymmetricDecrypt(std::move(named), algorithm, context, ciphertext);
  }
  Opened opened = OpenBlob(ctx, ciphertext, context, named.get());
  RequireSymmetricAlgorithm(*opened.key, algorithm);
  return opened;
}

DecryptResult KmsService::Decrypt(const RequestContext& ctx, const DecryptRequest& req) {
  Opened opened = OpenCiphertext(ctx, req.ciphertext, req.context, req.key_id, req.algorithm);
  if (req.dry_run) throw KmsError::DryRun();
  RecordUsage(ctx, *opened.key);
  return {std::move(opened.plaintext), opened.key->Arn(), opened.algorithm, opened.material_id};
}

ReEncryptResult KmsService::ReEncrypt(const RequestContext& ctx, const ReEncryptRequest& req) {
  Opened source = OpenCiphertext(ctx, req.ciphertext, req.source_context, req.source_key_id,
                                 req.source_algorithm);
  std::shared_ptr<const Key> dest =
      UsableKey(ctx, req.destination_key_id, KeyUsage::kEncryptDecrypt,
                KeyUse{.action_index = 1, .encryption_context = &req.destination_context});
  Sealed sealed = SealFor(*dest, req.destination_algorithm, req.destination_context,
                          source.plaintext, req.dry_run);
  ReEncryptResult result;
  result.ciphertext = std::move(sealed.ciphertext);
  result.destination_algorithm = sealed.algorithm;
  result.destination_material_id = std::move(sealed.material_id);
  result.source_key_arn = source.key->Arn();
  result.key_arn = dest->Arn();
  result.source_algorithm = source.algorithm;
  result.source_material_id = source.material_id;
  RecordUsage(ctx, *source.key);
  RecordUsage(ctx, *dest);
  return result;
}

GenerateDataKeyResult KmsService::GenerateDataKey(const RequestContext& ctx,
                                                  const GenerateDataKeyRequest& req,
                                                  bool with_plaintext) {
  if (req.number_of_bytes.has_value() == req.key_spec.has_value()) {
    throw KmsError::Validation("Please specify either number of bytes or key spec.");
  }
  size_t size = req.key_spec ? (*req.key_spec == DataKeySpec::kAes128 ? 16 : 32)
                             : static_cast<size_t>(*req.number_of_bytes);
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kEncryptDecrypt,
                                             KeyUse{.encryption_context = &req.context});
  RequireSymmetricKey(ctx, *key);
  if (req.dry_run) throw KmsError::DryRun();
  GenerateDataKeyResult result;
  SecretBytes data_key = random_.Secret(size);
  result.ciphertext = SealUnderKey(*key, data_key, req.context);
  if (with_plaintext) result.plaintext = std::move(data_key);
  result.key_arn = key->Arn();
  result.material_id = key->current_material_id;
  RecordUsage(ctx, *key);
  return result;
}

SecretBytes KmsService::GenerateRandom(const RequestContext& ctx,
                                       std::optional<int> number_of_bytes,
                                       const std::optional<std::string>& custom_key_store_id) {
  AuthorizeWithoutKey(ctx);
  if (!number_of_bytes) throw KmsError::Validation("NumberOfBytes is required.");
  if (custom_key_store_id) {
    throw KmsError(ErrorCode::kCustomKeyStoreNotFound,
                   "Custom key store " + *custom_key_store_id + " does not exist.");
  }
  return random_.Secret(static_cast<size_t>(*number_of_bytes));
}

}  // namespace rotor::core
