#include "core/bytes.h"

#include <openssl/crypto.h>

#include <array>
#include <cstring>

namespace rotor::core {

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Wipe(); }

void SecretBytes::Wipe() {
  if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
}

void SecretBytes::resize(size_t n) {
  if (n < data_.size()) OPENSSL_cleanse(data_.data() + n, data_.size() - n);
  data_.resize(n);
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kDecode = MakeDecodeTable();
}  // namespace

std::string Base64Encode(const uint8_t* data, size_t n) {
  // Twelve bits at a time: each two characters from a table made once, written
  // through a local pointer (stores through a std::string's operator[] may
  // alias the string itself, so the compiler reloaded it for every character).
  static constexpr std::array<std::array<char, 2>, 4096> kPairs = [] {
    std::array<std::array<char, 2>, 4096> t{};
    for (size_t v = 0; v < t.size(); ++v) t[v] = {kAlphabet[v >> 6], kAlphabet[v & 63]};
    return t;
  }();
  std::string out;
  out.resize(((n + 2) / 3) * 4);
  char* p = out.data();
  size_t i = 0;
  for (; i + 2 < n; i += 3, p += 4) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    std::memcpy(p, kPairs[v >> 12].data(), 2);
    std::memcpy(p + 2, kPairs[v & 0xfff].data(), 2);
  }
  if (i < n) {
    uint32_t v = uint32_t{data[i]} << 16;
    if (i + 1 < n) v |= uint32_t{data[i + 1]} << 8;
    p[0] = kAlphabet[(v >> 18) & 63];
    p[1] = kAlphabet[(v >> 12) & 63];
    p[2] = (i + 1 < n) ? kAlphabet[(v >> 6) & 63] : '=';
    p[3] = '=';
  }
  return out;
}

std::optional<Bytes> Base64Decode(std::string_view text) {
  // Unpadded input is accepted (some SDKs strip padding); a length of 1 mod 4 never is.
  size_t len = text.size();
  size_t pad = 0;
  if (len % 4 == 0 && len >= 4) {
    if (text[len - 1] == '=') ++pad;
    if (text[len - 2] == '=') ++pad;
  }
  size_t body = len - pad;
  if (body % 4 == 1) return std::nullopt;
  Bytes out(body / 4 * 3 + (body % 4 == 0 ? 0 : body % 4 - 1));
  const auto* in = reinterpret_cast<const uint8_t*>(text.data());
  // Each character's six bits already in their place of a group's 24, one
  // table per place; an invalid character is all ones there, which sets the
  // top bit of the group.
  static constexpr std::array<std::array<uint32_t, 256>, 4> kPlaced = [] {
    std::array<std::array<uint32_t, 256>, 4> t{};
    for (size_t place = 0; place < 4; ++place) {
      for (size_t c = 0; c < 256; ++c) {
        t[place][c] =
            kDecode[c] < 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(kDecode[c]) << (18 - 6 * place);
      }
    }
    return t;
  }();
  uint8_t* p = out.data();  // a local pointer, as in Base64Encode
  size_t i = 0;
  // Four characters to three bytes at a time.
  for (; i + 4 <= body; i += 4, p += 3) {
    uint32_t v =
        kPlaced[0][in[i]] | kPlaced[1][in[i + 1]] | kPlaced[2][in[i + 2]] | kPlaced[3][in[i + 3]];
    if (v & 0x80000000u) return std::nullopt;
    p[0] = static_cast<uint8_t>(v >> 16);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v);
  }
  size_t rest = body - i;
  if (rest > 0) {
    uint32_t v = 0;
    for (size_t k = 0; k < rest; ++k) {
      int32_t x = kDecode[in[i + k]];
      if (x < 0) return std::nullopt;
      v = (v << 6) | static_cast<uint32_t>(x);
    }
    // Leftover bits must be zero, so every byte string has exactly one encoding.
    if (rest == 2) {
      if (v & 0xF) return std::nullopt;
      p[0] = static_cast<uint8_t>(v >> 4);
    } else {  // rest == 3
      if (v & 0x3) return std::nullopt;
      p[0] = static_cast<uint8_t>(v >> 10);
      p[1] = static_cast<uint8_t>(v >> 2);
    }
  }
  return out;
}

void AppendHex(std::string& out, const uint8_t* data, size_t n) {
  // Each byte's two digits from a table made once; the string grows once.
  static constexpr std::array<std::array<char, 2>, 256> kPairs = [] {
    constexpr char kDigits[] = "0123456789abcdef";
    std::array<std::array<char, 2>, 256> t{};
    for (size_t b = 0; b < t.size(); ++b) t[b] = {kDigits[b >> 4], kDigits[b & 0xf]};
    return t;
  }();
  size_t at = out.size();
  out.resize(at + 2 * n);
  char* p = out.data() + at;
  for (size_t i = 0; i < n; ++i, p += 2) std::memcpy(p, kPairs[data[i]].data(), 2);
}

std::string HexEncode(const uint8_t* data, size_t n) {
  std::string out;
  AppendHex(out, data, n);
  return out;
}

bool ConstantTimeEquals(const uint8_t* a, const uint8_t* b, size_t n) {
  return CRYPTO_memcmp(a, b, n) == 0;
}

}  // namespace rotor::core
