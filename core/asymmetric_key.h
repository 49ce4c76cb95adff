// PrivateKey: one asymmetric KMS key (RSA, NIST/SECG ECC, Ed25519, SM2) as an
// OpenSSL EVP_PKEY, with the operations AWS KMS performs with it. Key material
// is stored and sealed as PKCS#8 DER; a PrivateKey is parsed from it once and
// then cached beside the unsealed bytes (UnsealedMaterial::private_key).
//
// Each signing and encryption scheme is one of AWS's algorithms (key_metadata.h)
// with its digest and padding, so the service never spells those itself.
//
// Thread safety: a PrivateKey is immutable after Parse; every operation builds
// its own EVP context, so one PrivateKey may be used from many threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include <openssl/types.h>

#include "core/bytes.h"
#include "core/key_metadata.h"

namespace rotor::core {

struct SigningScheme {
  enum class Kind { kRsaPss, kRsaPkcs1, kEcdsa, kEd25519, kEd25519Ph, kSm2, kMlDsa };
  SigningAlgorithm algorithm;
  Kind kind;
  std::string_view digest;  // OpenSSL digest name; empty for pure Ed25519
  size_t digest_size;       // the length a DIGEST message must have
};

struct EncryptionScheme {
  enum class Kind { kRsaOaep, kSm2 };
  EncryptionAlgorithm algorithm;
  Kind kind;
  std::string_view digest;  // OAEP hash and MGF1 hash; SM3 for SM2PKE
  size_t digest_size;
};

// The scheme of an AWS algorithm; nullptr for one that is not an asymmetric
// scheme (SYMMETRIC_DEFAULT).
const SigningScheme* FindSigningScheme(SigningAlgorithm algorithm);
const EncryptionScheme* FindEncryptionScheme(EncryptionAlgorithm algorithm);

// "OpenSSL 3.0.22 ..." of the library in use, for refusals that name it.
std::string_view OpenSslVersionText();
// Whether this OpenSSL can do `spec` at all (ML-DSA needs OpenSSL 3.5).
bool CanGenerate(KeySpec spec);
// Whether this OpenSSL can sign with `scheme` (Ed25519ph needs OpenSSL 3.2).
bool CanSign(const SigningScheme& scheme);

class PrivateKey {
 public:
  // A fresh key pair of `spec` as PKCS#8 DER. Throws KmsError (internal) if
  // OpenSSL fails; callers check CanGenerate first.
  static SecretBytes Generate(KeySpec spec);
  // Nullptr unless `pkcs8` is a PKCS#8 DER private key of exactly `spec`
  // (algorithm, curve or modulus size).
  static std::shared_ptr<const PrivateKey> Parse(KeySpec spec, std::span<const uint8_t> pkcs8);

  ~PrivateKey();
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  KeySpec spec() const { return spec_; }
  // DER SubjectPublicKeyInfo, what GetPublicKey returns.
  Bytes PublicKeyDer() const;

  // `message` is the raw message, or its digest when `is_digest` (the caller
  // has checked the digest length). Throws KmsError (internal) on failure.
  Bytes Sign(const SigningScheme& scheme, bool is_digest, std::span<const uint8_t> message) const;
  bool Verify(const SigningScheme& scheme, bool is_digest, std::span<const uint8_t> message,
              std::span<const uint8_t> signature) const;

  // Largest plaintext Encrypt accepts (AWS's documented limits).
  size_t MaxPlaintext(const EncryptionScheme& scheme) const;
  Bytes Encrypt(const EncryptionScheme& scheme, std::span<const uint8_t> plaintext) const;
  // Nullopt when the ciphertext does not decrypt (wrong key, scheme or bytes).
  std::optional<SecretBytes> Decrypt(const EncryptionScheme& scheme,
                                     std::span<const uint8_t> ciphertext) const;

  // ECDH with a peer's DER SubjectPublicKeyInfo on the same curve: the raw
  // shared secret (the x coordinate). Nullopt when the peer key is unusable.
  std::optional<SecretBytes> DeriveSharedSecret(std::span<const uint8_t> peer_spki) const;

 private:
  PrivateKey(EVP_PKEY* pkey, KeySpec spec) : pkey_(pkey), spec_(spec) {}
  EVP_PKEY* pkey_;
  KeySpec spec_;
};

}  // namespace rotor::core
