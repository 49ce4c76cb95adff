#include "core/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

#include "core/kms_error.h"

namespace rotor::core {
namespace {

// Fetched once: an explicit fetch avoids OpenSSL 3's per-call implicit lookup.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

struct CtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxDeleter>;

// One context per thread, reset per use: allocation-free on the hot path.
EVP_CIPHER_CTX* ThreadCtx() {
  thread_local CtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw KmsError::Internal("cannot allocate a cipher context");
  return ctx.get();
}

}  // namespace

void AesGcmSeal(std::span<const uint8_t> key, std::span<const uint8_t, kGcmIvSize> iv,
                std::span<const uint8_t> aad, std::span<const uint8_t> plaintext, uint8_t* out,
                std::span<uint8_t, kGcmTagSize> tag) {
  if (key.size() != kAesKeySize) throw KmsError::Internal("AES-256-GCM needs a 32-byte key");
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  int len = 0;
  bool ok = EVP_EncryptInit_ex2(ctx, Aes256Gcm(), key.data(), iv.data(), nullptr) == 1 &&
            (aad.empty() || EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(),
                                              static_cast<int>(aad.size())) == 1) &&
            (plaintext.empty() || EVP_EncryptUpdate(ctx, out, &len, plaintext.data(),
                                                    static_cast<int>(plaintext.size())) == 1) &&
            EVP_EncryptFinal_ex(ctx, out + plaintext.size(), &len) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagSize, tag.data()) == 1;
  if (!ok) throw KmsError::Internal("AES-256-GCM encryption failed");
}

bool AesGcmOpen(std::span<const uint8_t> key, std::span<const uint8_t, kGcmIvSize> iv,
                std::span<const uint8_t> aad, std::span<const uint8_t> ciphertext,
                std::span<const uint8_t, kGcmTagSize> tag, uint8_t* out) {
  if (key.size() != kAesKeySize) throw KmsError::Internal("AES-256-GCM needs a 32-byte key");
  EVP_CIPHER_CTX* ctx = ThreadCtx();
  int len = 0;
  bool ok = EVP_DecryptInit_ex2(ctx, Aes256Gcm(), key.data(), iv.data(), nullptr) == 1 &&
            (aad.empty() || EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(),
                                              static_cast<int>(aad.size())) == 1) &&
            (ciphertext.empty() || EVP_DecryptUpdate(ctx, out, &len, ciphertext.data(),
                                                     static_cast<int>(ciphertext.size())) == 1) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagSize,
                                const_cast<uint8_t*>(tag.data())) == 1 &&
            EVP_DecryptFinal_ex(ctx, out + ciphertext.size(), &len) == 1;
  if (!ok && !ciphertext.empty()) OPENSSL_cleanse(out, ciphertext.size());
  return ok;
}

}  // namespace rotor::core
