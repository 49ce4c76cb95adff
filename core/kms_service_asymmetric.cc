// Asymmetric keys: Sign, Verify, GetPublicKey, GenerateDataKeyPair(+WithoutPlaintext),
// DeriveSharedSecret, and the RSAES_OAEP_* / SM2PKE side of Encrypt, Decrypt
// and ReEncrypt (kms_service_crypto.cc dispatches here).
//
// Hot path: the parsed private key lives beside the unsealed material in the
// KeyCache (UnsealedMaterial::private_key); nothing here re-parses DER.
#include <algorithm>

#include "core/asymmetric_key.h"
#include "core/key_spec_info.h"
#include "core/key_state_rules.h"
#include "core/kms_error.h"
#include "core/kms_service.h"

namespace rotor::core {
namespace {

template <typename E>
bool Contains(const std::vector<E>& list, E item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The signing scheme of `algorithm`, if the key's spec offers it.
const SigningScheme& SigningSchemeFor(const Key& key, SigningAlgorithm algorithm) {
  const SigningScheme* scheme = FindSigningScheme(algorithm);
  if (!scheme || !Contains(AlgorithmsFor(key.spec, key.usage).signing, algorithm)) {
    throw KmsError::IncompatibleAlgorithm(ToString(algorithm), ToString(key.spec));
  }
  if (!CanSign(*scheme)) {
    throw KmsError::Unsupported("Rotor cannot sign with " + std::string(ToString(algorithm)) +
                                " on this build: it needs OpenSSL 3.2 "
                                "or later (this build runs " +
                                std::string(OpenSslVersionText()) + ").");
  }
  return *scheme;
}

// MessageType RAW (the default) or DIGEST, with AWS's digest-length check.
bool IsDigestMessage(const SigningScheme& scheme, std::optional<MessageType> message_type,
                     const SecretBytes& message) {
  MessageType type = message_type.value_or(MessageType::kRaw);
  if (type == MessageType::kRaw) return false;
  if (type == MessageType::kExternalMu) {
    throw KmsError::Validation(
        "MessageType EXTERNAL_MU is valid only with the ML_DSA_SHAKE_256 "
        "signing algorithm.");
  }
  if (scheme.kind == SigningScheme::Kind::kEd25519) {
    throw KmsError::Validation("The ED25519_SHA_512 signing algorithm requires MessageType RAW.");
  }
  if (message.size() != scheme.digest_size) {
    throw KmsError::InvalidDigestLength(ToString(scheme.algorithm));
  }
  return true;
}

const EncryptionScheme& EncryptionSchemeFor(const Key& key,
                                            std::optional<EncryptionAlgorithm> algorithm,
                                            const EncryptionContext& context) {
  // AWS's default, SYMMETRIC_DEFAULT, is never valid for an asymmetric key.
  EncryptionAlgorithm chosen = algorithm.value_or(EncryptionAlgorithm::kSymmetricDefault);
  const EncryptionScheme* scheme = FindEncryptionScheme(chosen);
  if (!scheme || !Contains(AlgorithmsFor(key.spec, key.usage).encryption, chosen)) {
    throw KmsError::IncompatibleAlgorithm(ToString(chosen), ToString(key.spec));
  }
  // Asymmetric ciphertexts have nowhere to bind a context; refusing it is
  // safer than letting a caller believe it is bound.
  if (!context.empty()) {
    throw KmsError::Validation(
        "EncryptionContext is supported only on operations with symmetric "
        "encryption KMS keys.");
  }
  return *scheme;
}

}  // namespace

std::shared_ptr<const PrivateKey> KmsService::PrivateKeyOf(const Key& key) {
  std::shared_ptr<const UnsealedMaterial> material = MaterialFor(key, key.current_version);
  if (!material || !material->private_key) {
    throw KmsError::Internal("the private key of " + key.Arn() + " is missing or unreadable");
  }
  return material->private_key;
}

SignResult KmsService::Sign(const RequestContext& ctx, const SignRequest& req) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kSignVerify);
  const SigningScheme& scheme = SigningSchemeFor(*key, req.algorithm);
  bool digest = IsDigestMessage(scheme, req.message_type, req.message);
  if (req.dry_run) throw KmsError::DryRun();
  SignResult result{
      key->Arn(),
      PrivateKeyOf(*key)->Sign(scheme, digest, {req.message.data(), req.message.size()}),
      req.algorithm};
  RecordUsage(ctx, *key);
  return result;
}

VerifyResult KmsService::Verify(const RequestContext& ctx, const VerifyRequest& req) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kSignVerify);
  const SigningScheme& scheme = SigningSchemeFor(*key, req.algorithm);
  bool digest = IsDigestMessage(scheme, req.message_type, req.message);
  if (req.dry_run) throw KmsError::DryRun();
  bool valid = PrivateKeyOf(*key)->Verify(scheme, digest, {req.message.data(), req.message.size()},
                                          req.signature);
  // AWS never answers SignatureValid=false: a bad signature is this error, with no message.
  if (!valid) throw KmsError(ErrorCode::kKmsInvalidSignature, "");
  RecordUsage(ctx, *key);
  return {key->Arn(), true, req.algorithm};
}

PublicKeyResult KmsService::GetPublicKey(const RequestContext& ctx, const std::string& key_id) {
  std::shared_ptr<const Key> key = ResolveKey(ctx, key_id, AliasPolicy::kAllowAlias);
  RequireState(*key, StateRule::kCryptographic);
  if (!IsAsymmetricSpec(key->spec)) {
    throw KmsError::KeySpecNotValid(key->Arn(), ToString(key->spec), ctx.operation,
                                    ErrorCode::kUnsupportedOperation);
  }
  return {key, PrivateKeyOf(*key)->PublicKeyDer()};
}

GenerateDataKeyPairResult KmsService::GenerateDataKeyPair(const RequestContext& ctx,
                                                          const GenerateDataKeyPairRequest& req,
                                                          bool with_plaintext) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kEncryptDecrypt,
                                             KeyUse{.encryption_context = &req.context});
  RequireSymmetricKey(ctx, *key);
  const KeySpec spec = req.key_pair_spec;
  if (!CanGenerate(spec)) {
    throw KmsError::Unsupported("KeyPairSpec " + std::string(ToString(spec)) +
                                " is not available in this Rotor "
                                "build (" +
                                std::string(OpenSslVersionText()) + ").");
  }
  if (req.dry_run) throw KmsError::DryRun();
  SecretBytes private_der = PrivateKey::Generate(spec);
  std::shared_ptr<const PrivateKey> pair =
      PrivateKey::Parse(spec, {private_der.data(), private_der.size()});
  if (!pair) {
    throw KmsError::Internal("a generated " + std::string(ToString(spec)) + " key does not parse");
  }
  GenerateDataKeyPairResult result;
  result.key_arn = key->Arn();
  result.key_pair_spec = spec;
  // The same blob format and path as GenerateDataKey: Decrypt opens it.
  result.private_key_ciphertext = SealUnderKey(*key, private_der, req.context);
  result.public_key = pair->PublicKeyDer();
  result.material_id = key->current_material_id;
  if (with_plaintext) result.private_key_plaintext = std::move(private_der);
  RecordUsage(ctx, *key);
  return result;
}

DeriveSharedSecretResult KmsService::DeriveSharedSecret(const RequestContext& ctx,
                                                        const DeriveSharedSecretRequest& req) {
  std::shared_ptr<const Key> key = UsableKey(ctx, req.key_id, KeyUsage::kKeyAgreement);
  if (!Contains(AlgorithmsFor(key->spec, key->usage).key_agreement, req.algorithm)) {
    throw KmsError::IncompatibleAlgorithm(ToString(req.algorithm), ToString(key->spec));
  }
  std::shared_ptr<const PrivateKey> private_key = PrivateKeyOf(*key);
  std::optional<SecretBytes> secret = private_key->DeriveSharedSecret(req.public_key);
  if (!secret) {
    throw KmsError::Validation("");  // AWS's recorded answer carries no message
  }
  if (req.dry_run) throw KmsError::DryRun();
  RecordUsage(ctx, *key);
  return {key->Arn(), std::move(*secret), req.algorithm, key->origin};
}

KmsService::Sealed KmsService::AsymmetricEncrypt(const Key& key,
                                                 std::optional<EncryptionAlgorithm> algorithm,
                                                 const EncryptionContext& context,
                                                 const SecretBytes& plaintext, bool dry_run) {
  const EncryptionScheme& scheme = EncryptionSchemeFor(key, algorithm, context);
  std::shared_ptr<const PrivateKey> private_key = PrivateKeyOf(key);
  size_t max = private_key->MaxPlaintext(scheme);
  if (plaintext.size() > max) {
    throw KmsError::Validation("Algorithm " + std::string(ToString(scheme.algorithm)) +
                               " and key spec " + std::string(ToString(key.spec)) +
                               " cannot encrypt data larger than " + std::to_string(max) +
                               " bytes.");
  }
  if (dry_run) throw KmsError::DryRun();
  // Asymmetric keys have one material; AWS reports no KeyMaterialId for them.
  return {private_key->Encrypt(scheme, {plaintext.data(), plaintext.size()}), scheme.algorithm, ""};
}

KmsService::Opened KmsService::AsymmetricDecrypt(std::shared_ptr<const Key> key,
                                                 std::optional<EncryptionAlgorithm> algorithm,
                                                 const EncryptionContext& context,
                                                 const Bytes& ciphertext) {
  const EncryptionScheme& scheme = EncryptionSchemeFor(*key, algorithm, context);
  std::optional<SecretBytes> plaintext = PrivateKeyOf(*key)->Decrypt(scheme, ciphertext);
  if (!plaintext) throw KmsError::InvalidCiphertext();
  // Asymmetric keys have one material; AWS reports no KeyMaterialId for them.
  return {std::move(key), std::move(*plaintext), "", scheme.algorithm};
}

}  // namespace rotor::core
