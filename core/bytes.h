// Byte containers and encodings shared by core and server.
//
// SecretBytes holds key material and plaintexts: it wipes its buffer on
// destruction so freed heap pages never keep a copy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rotor::core {

using Bytes = std::vector<uint8_t>;

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : data_(n) {}
  SecretBytes(const uint8_t* p, size_t n) : data_(p, p + n) {}
  explicit SecretBytes(Bytes&& b) : data_(std::move(b)) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes&) = default;
  SecretBytes(SecretBytes&&) noexcept = default;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  uint8_t* data() { return data_.data(); }
  const uint8_t* data() const { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  const Bytes& bytes() const { return data_; }
  void resize(size_t n);

 private:
  void Wipe();
  Bytes data_;
};

std::string Base64Encode(const uint8_t* data, size_t n);
inline std::string Base64Encode(const Bytes& b) { return Base64Encode(b.data(), b.size()); }
inline std::string Base64Encode(const SecretBytes& b) { return Base64Encode(b.data(), b.size()); }
// Standard base64 (RFC 4648 section 4), strict but for padding: unpadded text
// is accepted (some SDKs strip the padding); no whitespace, no URL-safe
// alphabet, and the bits left over after the last byte must be zero, so each
// byte string has one encoding. Nullopt on any malformed input.
std::optional<Bytes> Base64Decode(std::string_view text);

std::string HexEncode(const uint8_t* data, size_t n);
// HexEncode's digits appended to `out` (no temporary string): lowercase, two per byte.
void AppendHex(std::string& out, const uint8_t* data, size_t n);
inline std::string HexEncode(const Bytes& b) { return HexEncode(b.data(), b.size()); }

// Constant-time comparison for MACs and key material.
bool ConstantTimeEquals(const uint8_t* a, const uint8_t* b, size_t n);

}  // namespace rotor::core
