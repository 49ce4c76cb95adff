#include "core/import_token.h"

#include <array>
#include <cstring>

#include "core/ciphertext_blob.h"
#include "core/kms_error.h"

namespace rotor::core {
namespace {

constexpr std::array<uint8_t, 4> kMagic = {'R', 'I', 'T', 0x01};
// The same token for a multi-Region key id ("mrk-" + 32 hex in the 16 bytes).
constexpr std::array<uint8_t, 4> kMagicMrk = {'R', 'I', 'T', 0x02};
constexpr size_t kHeaderSize = 4 + 16 + 8 + 1 + 1;
constexpr std::array kWrappingSpecs = {KeySpec::kRsa2048, KeySpec::kRsa3072, KeySpec::kRsa4096};
constexpr std::array kAlgorithms = {
    WrappingAlgorithm::kRsaesOaepSha1, WrappingAlgorithm::kRsaesOaepSha256,
    WrappingAlgorithm::kRsaAesKeyWrapSha1, WrappingAlgorithm::kRsaAesKeyWrapSha256};

Bytes Aad(std::span<const uint8_t> header) {
  static constexpr std::string_view kPurpose = "rotor-import-token-v1|";
  // Sized once and filled with memcpy: GCC 12's -Warray-bounds misreads
  // vector::insert on small vectors at -O2/-O3.
  Bytes aad(kPurpose.size() + header.size());
  std::memcpy(aad.data(), kPurpose.data(), kPurpose.size());
  if (!header.empty()) std::memcpy(aad.data() + kPurpose.size(), header.data(), header.size());
  return aad;
}

template <typename T, size_t N>
std::optional<uint8_t> IndexOf(const std::array<T, N>& values, T v) {
  for (size_t i = 0; i < N; ++i) {
    if (values[i] == v) return static_cast<uint8_t>(i);
  }
  return std::nullopt;
}

}  // namespace

Bytes SealImportToken(const KeySealer& sealer, const ImportParameters& p) {
  std::optional<KeyIdBytes> id = KeyIdToBytes(p.key_id);
  std::optional<uint8_t> alg = IndexOf(kAlgorithms, p.algorithm);
  std::optional<uint8_t> spec = IndexOf(kWrappingSpecs, p.wrapping_spec);
  if (!id || !alg || !spec) throw KmsError::Internal("cannot encode an import token");
  uint8_t header[kHeaderSize];
  const std::array<uint8_t, 4>& magic = id->multi_region ? kMagicMrk : kMagic;
  std::memcpy(header, magic.data(), magic.size());
  std::memcpy(header + 4, id->bytes.data(), id->bytes.size());
  auto ms = static_cast<uint64_t>(p.valid_to.time_since_epoch().count());
  for (size_t i = 0; i < 8; ++i) header[20 + i] = static_cast<uint8_t>(ms >> (56 - 8 * i));
  header[28] = *alg;
  header[29] = *spec;
  Bytes sealed = sealer.SealWithAad(Aad(header),
                                    {p.wrapping_private_key.data(), p.wrapping_private_key.size()});
  Bytes token(kHeaderSize + sealed.size());
  std::memcpy(token.data(), header, kHeaderSize);
  std::memcpy(token.data() + kHeaderSize, sealed.data(), sealed.size());
  return token;
}

std::optional<ImportParameters> OpenImportToken(const KeySealer& sealer,
                                                std::span<const uint8_t> token) {
  if (token.size() <= kHeaderSize) return std::nullopt;
  const bool mrk = std::memcmp(token.data(), kMagicMrk.data(), kMagicMrk.size()) == 0;
  if (!mrk && std::memcmp(token.data(), kMagic.data(), kMagic.size()) != 0) return std::nullopt;
  std::span<const uint8_t> header = token.first(kHeaderSize);
  std::optional<SecretBytes> key = sealer.UnsealWithAad(Aad(header), token.subspan(kHeaderSize));
  if (!key) return std::nullopt;
  uint8_t alg = header[28];
  uint8_t spec = header[29];
  if (alg >= kAlgorithms.size() || spec >= kWrappingSpecs.size()) return std::nullopt;
  uint64_t ms = 0;
  for (size_t i = 20; i < 28; ++i) ms = (ms << 8) | header[i];
  ImportParameters p;
  p.key_id = KeyIdFromBytes(header.data() + 4, mrk);
  p.valid_to = Timestamp(Millis(static_cast<int64_t>(ms)));
  p.algorithm = kAlgorithms[alg];
  p.wrapping_spec = kWrappingSpecs[spec];
  p.wrapping_private_key = std::move(*key);
  return p;
}

}  // namespace rotor::core
