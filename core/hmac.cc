#include "core/hmac.h"

#include <algorithm>
#include <memory>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "core/kms_error.h"

namespace rotor::core {
namespace {

struct HmacInfo {
  KeySpec spec;
  MacAlgorithm algorithm;
  const char* digest;
  size_t digest_size;
  size_t block_size;
};

constexpr HmacInfo kHmacs[] = {
    {KeySpec::kHmac224, MacAlgorithm::kHmacSha224, "SHA224", 28, 64},
    {KeySpec::kHmac256, MacAlgorithm::kHmacSha256, "SHA256", 32, 64},
    {KeySpec::kHmac384, MacAlgorithm::kHmacSha384, "SHA384", 48, 128},
    {KeySpec::kHmac512, MacAlgorithm::kHmacSha512, "SHA512", 64, 128},
};

const HmacInfo* InfoOf(KeySpec spec) {
  for (const auto& h : kHmacs) {
    if (h.spec == spec) return &h;
  }
  return nullptr;
}

struct MacFree {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

// Fetched once: EVP_MAC objects are immutable and shareable between threads.
EVP_MAC* HmacMac() {
  static const std::unique_ptr<EVP_MAC, MacFree> kMac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  return kMac.get();
}

struct MdFree {
  void operator()(EVP_MD* m) const { EVP_MD_free(m); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// Fetched once: an explicit fetch avoids OpenSSL 3's per-call implicit lookup
// of EVP_sha256() / SHA256().
const EVP_MD* Sha256Md() {
  static const std::unique_ptr<EVP_MD, MdFree> kMd(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  return kMd.get();
}

// One digest context per thread, re-initialised per use.
EVP_MD_CTX* ThreadMdCtx() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || !Sha256Md()) throw KmsError::Internal("SHA-256 is not available");
  return ctx.get();
}

// One HMAC context per thread with its digest set to SHA-256 once; each use
// re-initialises it with a key only (no digest look-up).
EVP_MAC_CTX* ThreadHmacSha256Ctx() {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx = [] {
    std::unique_ptr<EVP_MAC_CTX, MacCtxFree> c(HmacMac() ? EVP_MAC_CTX_new(HmacMac()) : nullptr);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
        OSSL_PARAM_construct_end()};
    if (c && EVP_MAC_CTX_set_params(c.get(), params) != 1) c.reset();
    return c;
  }();
  if (!ctx) throw KmsError::Internal("HMAC-SHA256 is not available");
  return ctx.get();
}

}  // namespace

std::optional<MacAlgorithm> MacAlgorithmOf(KeySpec spec) {
  const HmacInfo* h = InfoOf(spec);
  if (!h) return std::nullopt;
  return h->algorithm;
}

size_t HmacKeySize(KeySpec spec) {
  const HmacInfo* h = InfoOf(spec);
  return h ? h->digest_size : 0;
}

bool IsValidHmacKeySize(KeySpec spec, size_t size) {
  const HmacInfo* h = InfoOf(spec);
  return h && size >= h->digest_size && size <= h->block_size;
}

Bytes ComputeHmac(KeySpec spec, std::span<const uint8_t> key, std::span<const uint8_t> message) {
  const HmacInfo* h = InfoOf(spec);
  if (!h || !HmacMac()) throw KmsError::Internal("HMAC is not available for this key spec");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(HmacMac()));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(h->digest), 0),
      OSSL_PARAM_construct_end()};
  Bytes mac(h->digest_size);
  size_t len = 0;
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), message.data(), message.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac.data(), &len, mac.size()) != 1 || len != mac.size()) {
    throw KmsError::Internal("OpenSSL failed to compute an HMAC");
  }
  return mac;
}

bool VerifyHmac(KeySpec spec, std::span<const uint8_t> key, std::span<const uint8_t> message,
                std::span<const uint8_t> mac) {
  Bytes expected = ComputeHmac(spec, key, message);
  return mac.size() == expected.size() &&
         ConstantTimeEquals(mac.data(), expected.data(), mac.size());
}

std::array<uint8_t, 32> Sha256(std::string_view data) {
  EVP_MD_CTX* ctx = ThreadMdCtx();
  std::array<uint8_t, 32> digest{};
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx, digest.data(), &len) != 1 || len != digest.size()) {
    throw KmsError::Internal("OpenSSL failed to compute a SHA-256 digest");
  }
  return digest;
}

std::array<uint8_t, 32> HmacSha256(std::span<const uint8_t> key, std::string_view message) {
  EVP_MAC_CTX* ctx = ThreadHmacSha256Ctx();
  // The key the thread's context was last keyed with (up to the block size;
  // a longer key is hashed by OpenSSL and never kept here). The same key again
  // (strict mode's signing key, request after request) re-uses the context's
  // precomputed inner and outer pads: a null key to EVP_MAC_init.
  thread_local std::array<uint8_t, 64> last_key{};
  thread_local size_t last_key_size = 0;
  thread_local bool last_key_set = false;
  bool same_key = last_key_set && key.size() == last_key_size &&
                  std::equal(key.begin(), key.end(), last_key.begin());
  std::array<uint8_t, 32> mac{};
  size_t len = 0;
  // A null key re-uses the context's previous key: an empty key is passed as
  // a non-null pointer with length 0.
  static constexpr uint8_t kNoKey = 0;
  const uint8_t* key_data = same_key ? nullptr : key.empty() ? &kNoKey : key.data();
  last_key_set = false;  // until this use succeeds
  if (EVP_MAC_init(ctx, key_data, same_key ? 0 : key.size(), nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()), message.size()) !=
          1 ||
      EVP_MAC_final(ctx, mac.data(), &len, mac.size()) != 1 || len != mac.size()) {
    throw KmsError::Internal("OpenSSL failed to compute an HMAC");
  }
  if (key.size() <= last_key.size()) {
    std::copy(key.begin(), key.end(), last_key.begin());
    last_key_size = key.size();
    last_key_set = true;
  }
  return mac;
}

}  // namespace rotor::core
