#include "core/key_wrap.h"

#include <memory>

#include <openssl/evp.h>

#include "core/name_table.h"

namespace rotor::core {
namespace {

constexpr NameTable<WrappingAlgorithm, 6> kNames{{
    {WrappingAlgorithm::kRsaesOaepSha1, "RSAES_OAEP_SHA_1"},
    {WrappingAlgorithm::kRsaesOaepSha256, "RSAES_OAEP_SHA_256"},
    {WrappingAlgorithm::kRsaAesKeyWrapSha1, "RSA_AES_KEY_WRAP_SHA_1"},
    {WrappingAlgorithm::kRsaAesKeyWrapSha256, "RSA_AES_KEY_WRAP_SHA_256"},
    {WrappingAlgorithm::kRsaesPkcs1V15, "RSAES_PKCS1_V1_5"},
    {WrappingAlgorithm::kSm2Pke, "SM2PKE"},
}};

constexpr size_t kEphemeralAesKeySize = 32;  // AWS: the RSA_AES schemes use AES-256

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

const EVP_CIPHER* WrapPadCipher(size_t kek_size) {
  switch (kek_size) {
    case 16:
      return EVP_aes_128_wrap_pad();
    case 24:
      return EVP_aes_192_wrap_pad();
    case 32:
      return EVP_aes_256_wrap_pad();
    default:
      return nullptr;
  }
}

}  // namespace

std::string_view ToString(WrappingAlgorithm algorithm) { return NameOf(kNames, algorithm); }
template <>
std::optional<WrappingAlgorithm> Parse<WrappingAlgorithm>(std::string_view text) {
  return ValueOf(kNames, text);
}

std::optional<SecretBytes> AesKeyUnwrapWithPadding(std::span<const uint8_t> kek,
                                                   std::span<const uint8_t> wrapped) {
  const EVP_CIPHER* cipher = WrapPadCipher(kek.size());
  // RFC 5649: at least two 64-bit blocks, a whole number of them.
  if (!cipher || wrapped.size() < 16 || wrapped.size() % 8 != 0) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return std::nullopt;
  EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
  SecretBytes out(wrapped.size());
  int len = 0;
  int tail = 0;
  if (EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, kek.data(), nullptr) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &len, wrapped.data(),
                        static_cast<int>(wrapped.size())) != 1 ||
      len < 0 || EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(len + tail));
  return out;
}

std::optional<SecretBytes> UnwrapKeyMaterial(const PrivateKey& wrapping_key,
                                             WrappingAlgorithm algorithm,
                                             std::span<const uint8_t> wrapped) {
  if (algorithm == WrappingAlgorithm::kRsaesPkcs1V15 || algorithm == WrappingAlgorithm::kSm2Pke) {
    return std::nullopt;
  }
  const bool sha1 = algorithm == WrappingAlgorithm::kRsaesOaepSha1 ||
                    algorithm == WrappingAlgorithm::kRsaAesKeyWrapSha1;
  const EncryptionScheme* oaep = FindEncryptionScheme(sha1 ? EncryptionAlgorithm::kRsaesOaepSha1
                                                           : EncryptionAlgorithm::kRsaesOaepSha256);
  if (!oaep) return std::nullopt;
  if (algorithm == WrappingAlgorithm::kRsaesOaepSha1 ||
      algorithm == WrappingAlgorithm::kRsaesOaepSha256) {
    return wrapping_key.Decrypt(*oaep, wrapped);
  }
  // RSA_AES_KEY_WRAP: the first modulus-length bytes carry the AES key.
  size_t modulus = 0;
  switch (wrapping_key.spec()) {
    case KeySpec::kRsa2048:
      modulus = 256;
      break;
    case KeySpec::kRsa3072:
      modulus = 384;
      break;
    case KeySpec::kRsa4096:
      modulus = 512;
      break;
    default:
      return std::nullopt;
  }
  if (wrapped.size() <= modulus) return std::nullopt;
  std::optional<SecretBytes> aes_key = wrapping_key.Decrypt(*oaep, wrapped.first(modulus));
  if (!aes_key || aes_key->size() != kEphemeralAesKeySize) return std::nullopt;
  return AesKeyUnwrapWithPadding({aes_key->data(), aes_key->size()}, wrapped.subspan(modulus));
}

}  // namespace rotor::core
