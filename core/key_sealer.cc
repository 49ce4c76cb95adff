#include "core/key_sealer.h"

#include "core/aead.h"
#include "core/hmac.h"
#include "core/kms_error.h"

namespace rotor::core {
namespace {
Bytes SealingAad(const std::string& key_id, uint32_t version) {
  std::string aad = "rotor-key-material-v1|" + key_id + "|" + std::to_string(version);
  return Bytes(aad.begin(), aad.end());
}
}  // namespace

KeySealer::KeySealer(SecretBytes root_key, RandomSource& random)
    : root_key_(std::move(root_key)), random_(random) {
  if (root_key_.size() != kAesKeySize) throw KmsError::Internal("the root key must be 32 bytes");
}

Bytes KeySealer::CheckValue() const {
  constexpr std::string_view kLabel = "rotor root key check value v1";
  return ComputeHmac(KeySpec::kHmac256, {root_key_.data(), root_key_.size()},
                     {reinterpret_cast<const uint8_t*>(kLabel.data()), kLabel.size()});
}

SealedMaterial KeySealer::Seal(const std::string& key_id, uint32_t version,
                               const SecretBytes& material) const {
  return SealedMaterial{
      SealWithAad(SealingAad(key_id, version), {material.data(), material.size()}), ""};
}

std::optional<SecretBytes> KeySealer::Unseal(const std::string& key_id, uint32_t version,
                                             const SealedMaterial& sealed) const {
  return UnsealWithAad(SealingAad(key_id, version), sealed.sealed);
}

Bytes KeySealer::SealWithAad(std::span<const uint8_t> aad,
                             std::span<const uint8_t> plaintext) const {
  Bytes out(kGcmIvSize + plaintext.size() + kGcmTagSize);
  random_.Fill(out.data(), kGcmIvSize);
  AesGcmSeal(
      {root_key_.data(), root_key_.size()},
      std::span<const uint8_t, kGcmIvSize>(out.data(), kGcmIvSize), aad, plaintext,
      out.data() + kGcmIvSize,
      std::span<uint8_t, kGcmTagSize>(out.data() + kGcmIvSize + plaintext.size(), kGcmTagSize));
  return out;
}

std::optional<SecretBytes> KeySealer::UnsealWithAad(std::span<const uint8_t> aad,
                                                    std::span<const uint8_t> in) const {
  if (in.size() < kGcmIvSize + kGcmTagSize) return std::nullopt;
  size_t n = in.size() - kGcmIvSize - kGcmTagSize;
  SecretBytes out(n);
  bool ok = AesGcmOpen(
      {root_key_.data(), root_key_.size()},
      std::span<const uint8_t, kGcmIvSize>(in.data(), kGcmIvSize), aad, {in.data() + kGcmIvSize, n},
      std::span<const uint8_t, kGcmTagSize>(in.data() + kGcmIvSize + n, kGcmTagSize), out.data());
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace rotor::core
