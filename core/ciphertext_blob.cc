#include "core/ciphertext_blob.h"

#include <array>

namespace rotor::core {
namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // only lowercase is canonical
}
}  // namespace

std::optional<std::array<uint8_t, 16>> UuidToBytes(const std::string& uuid) {
  if (uuid.size() != 36) return std::nullopt;
  std::array<uint8_t, 16> out{};
  size_t o = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (uuid[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = HexValue(uuid[i]), lo = HexValue(uuid[i + 1]);
    if (hi < 0 || lo < 0 || o >= 16) return std::nullopt;
    out[o++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return out;
}

std::string UuidFromBytes(const uint8_t* b) {
  std::string hex = HexEncode(b, 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::optional<KeyIdBytes> KeyIdToBytes(const std::string& key_id) {
  KeyIdBytes out;
  if (key_id.size() == 36 && key_id.compare(0, 4, "mrk-") == 0) {
    for (size_t i = 0; i < 16; ++i) {
      int hi = HexValue(key_id[4 + 2 * i]), lo = HexValue(key_id[5 + 2 * i]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    out.multi_region = true;
    return out;
  }
  std::optional<std::array<uint8_t, 16>> uuid = UuidToBytes(key_id);
  if (!uuid) return std::nullopt;
  out.bytes = *uuid;
  return out;
}

std::string KeyIdFromBytes(const uint8_t* b, bool multi_region) {
  return multi_region ? "mrk-" + HexEncode(b, 16) : UuidFromBytes(b);
}

std::optional<CiphertextBlobView> DecodeCiphertextBlob(std::span<const uint8_t> blob) {
  if (blob.size() < kBlobOverhead || (blob[0] != kBlobFormatV1 && blob[0] != kBlobFormatMrk)) {
    return std::nullopt;
  }
  uint32_t version = (uint32_t{blob[17]} << 24) | (uint32_t{blob[18]} << 16) |
                     (uint32_t{blob[19]} << 8) | uint32_t{blob[20]};
  if (version == 0) return std::nullopt;
  size_t ct_size = blob.size() - kBlobOverhead;
  CiphertextBlobView view(blob.first(kBlobHeaderSize), blob.subspan(21).first<kGcmIvSize>(),
                          blob.subspan(kBlobHeaderSize, ct_size), blob.last<kGcmTagSize>());
  view.key_id = KeyIdFromBytes(blob.data() + 1, blob[0] == kBlobFormatMrk);
  view.material_version = version;
  return view;
}

std::optional<Bytes> NewCiphertextBlob(const std::string& key_id, uint32_t material_version,
                                       std::span<const uint8_t, kGcmIvSize> iv,
                                       size_t plaintext_size) {
  std::optional<KeyIdBytes> id = KeyIdToBytes(key_id);
  if (!id) return std::nullopt;
  Bytes blob(kBlobOverhead + plaintext_size);
  blob[0] = id->multi_region ? kBlobFormatMrk : kBlobFormatV1;
  std::copy(id->bytes.begin(), id->bytes.end(), blob.begin() + 1);
  blob[17] = static_cast<uint8_t>(material_version >> 24);
  blob[18] = static_cast<uint8_t>(material_version >> 16);
  blob[19] = static_cast<uint8_t>(material_version >> 8);
  blob[20] = static_cast<uint8_t>(material_version);
  std::copy(iv.begin(), iv.end(), blob.begin() + 21);
  return blob;
}

}  // namespace rotor::core
