// CiphertextBlob: Rotor's binary format for symmetric ciphertexts.
//
//   offset  size  field
//   0       1     format version: 0x01 for a UUID key id, 0x02 for a
//                 multi-Region key id ("mrk-" + 32 hex)
//   1       16    key id (the UUID's 16 bytes, or the 16 bytes the mrk id's hex spells)
//   17      4     key-material version, unsigned big-endian (1 = first material)
//   21      12    AES-GCM IV, random per encryption
//   33      n     AES-256-GCM ciphertext of the plaintext
//   33+n    16    AES-GCM tag
//
// The AAD is the 33-byte header followed by the canonical encryption context,
// so changing any header byte (key, version, IV) or the context fails the tag.
// Full description: docs/ciphertext-format.md.
//
// Decode is written to be fuzzed: it checks every length before reading and
// never throws or reads out of bounds on any input.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/aead.h"
#include "core/bytes.h"

namespace rotor::core {

constexpr uint8_t kBlobFormatV1 = 0x01;
// The same layout naming a multi-Region key: a ciphertext made by one related
// key names the key id they all share, so any of them decrypts it.
constexpr uint8_t kBlobFormatMrk = 0x02;
constexpr size_t kBlobHeaderSize = 1 + 16 + 4 + kGcmIvSize;      // 33
constexpr size_t kBlobOverhead = kBlobHeaderSize + kGcmTagSize;  // 49

struct CiphertextBlobView {
  std::string key_id;  // canonical lowercase UUID text, or "mrk-" + 32 lowercase hex
  uint32_t material_version = 0;
  std::span<const uint8_t> header;  // the first kBlobHeaderSize bytes (AAD prefix)
  std::span<const uint8_t, kGcmIvSize> iv;
  std::span<const uint8_t> ciphertext;
  std::span<const uint8_t, kGcmTagSize> tag;

  CiphertextBlobView(std::span<const uint8_t> h, std::span<const uint8_t, kGcmIvSize> i,
                     std::span<const uint8_t> c, std::span<const uint8_t, kGcmTagSize> t)
      : header(h), iv(i), ciphertext(c), tag(t) {}
};

// Parses a blob. Nullopt when it is not a well-formed Rotor blob (format 0x01 or 0x02).
// The view points into `blob`, which must outlive it.
std::optional<CiphertextBlobView> DecodeCiphertextBlob(std::span<const uint8_t> blob);

// Writes the header for (key_id, version, iv) followed by room for `plaintext_size`
// bytes of ciphertext and the tag. Returns nullopt if key_id is neither a UUID
// nor a multi-Region key id.
std::optional<Bytes> NewCiphertextBlob(const std::string& key_id, uint32_t material_version,
                                       std::span<const uint8_t, kGcmIvSize> iv,
                                       size_t plaintext_size);

// 16 raw bytes <-> canonical UUID text; used by the blob and by tests.
std::optional<std::array<uint8_t, 16>> UuidToBytes(const std::string& uuid);
std::string UuidFromBytes(const uint8_t* b);

// A key id as 16 bytes, for the binary formats that name a key (this blob,
// import tokens): a UUID's bytes, or the bytes the 32 hex digits of a
// multi-Region id ("mrk-...") spell, with which of the two it is.
struct KeyIdBytes {
  std::array<uint8_t, 16> bytes{};
  bool multi_region = false;
};
// Nullopt when `key_id` is neither a lowercase UUID nor an "mrk-" id.
std::optional<KeyIdBytes> KeyIdToBytes(const std::string& key_id);
// The key id text of 16 bytes `b` (a UUID, or "mrk-" + 32 hex).
std::string KeyIdFromBytes(const uint8_t* b, bool multi_region);

}  // namespace rotor::core
