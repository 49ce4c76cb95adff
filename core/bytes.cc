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
  std::string out;
  out.resize(((n + 2) / 3) * 4);
  size_t o = 0, i = 0;
  for (; i + 2 < n; i += 3) {
    uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = kAlphabet[(v >> 6) & 63];
    out[o++] = kAlphabet[v & 63];
  }
  if (i < n) {
    uint32_t v = uint32_t{data[i]} << 16;
    if (i + 1 < n) v |= uint32_t{data[i + 1]} << 8;
    out[o++] = kAlphabet[(v >> 18) & 63];
    out[o++] = kAlphabet[(v >> 12) & 63];
    out[o++] = (i + 1 < n) ? kAlphabet[(v >> 6) & 63] : '=';
    out[o++] = '=';
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
  size_t o = 0, i = 0;
  // Four characters to three bytes at a time; any invalid character makes
  // the OR of the lookups negative.
  for (; i + 4 <= body; i += 4) {
    int32_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
            d = kDecode[in[i + 3]];
    if ((a | b | c | d) < 0) return std::nullopt;
    uint32_t v = (static_cast<uint32_t>(a) << 18) | (static_cast<uint32_t>(b) << 12) |
                 (static_cast<uint32_t>(c) << 6) | static_cast<uint32_t>(d);
    out[o++] = static_cast<uint8_t>(v >> 16);
    out[o++] = static_cast<uint8_t>(v >> 8);
    out[o++] = static_cast<uint8_t>(v);
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
      out[o++] = static_cast<uint8_t>(v >> 4);
    } else {  // rest == 3
      if (v & 0x3) return std::nullopt;
      out[o++] = static_cast<uint8_t>(v >> 10);
      out[o++] = static_cast<uint8_t>(v >> 2);
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
