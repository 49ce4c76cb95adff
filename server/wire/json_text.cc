#include "server/wire/json_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace rotor::server::wire {
namespace {

using nlohmann::json;

// Eight bytes at a time: does the word hold a byte below 0x20, a '"' or a
// '\\' (or, with `ascii_only`, a byte >= 0x80)? Lets the long base64 runs of
// KMS bodies be scanned a word at a time instead of a byte at a time.
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
inline bool WordHasSpecial(uint64_t w, bool ascii_only) {
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  uint64_t q = w ^ (kOnes * '"');
  uint64_t quote = (q - kOnes) & ~q & kHighs;
  uint64_t b = w ^ (kOnes * '\\');
  uint64_t backslash = (b - kOnes) & ~b & kHighs;
  return (below_space | quote | backslash | (ascii_only ? (w & kHighs) : 0)) != 0;
}
inline uint64_t LoadWord(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

class Reader {
 public:
  Reader(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<json> Document(JsonParseError* error) {
    json value;
    SkipSpace();
    if (!Value(value, 0)) return Fail(error);
    SkipSpace();
    if (pos_ != s_.size()) {
      why_ = "unexpected characters after the JSON value";
      return Fail(error);
    }
    return value;
  }

 private:
  std::optional<json> Fail(JsonParseError* error) {
    if (error) error->message = why_ + " at offset " + std::to_string(pos_);
    return std::nullopt;
  }

  bool Error(const char* why) {
    if (why_.empty()) why_ = why;
    return false;
  }

  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Value(json& out, int depth) {
    if (pos_ >= s_.size()) return Error("unexpected end of input");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return Object(out, depth + 1);
      case '[':
        return Array(out, depth + 1);
      case '"': {
        std::string str;
        if (!String(str)) return false;
        out = std::move(str);
        return true;
      }
      case 't':
        return Literal("true", out, json(true));
      case 'f':
        return Literal("false", out, json(false));
      case 'n':
        return Literal("null", out, json(nullptr));
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
        return Error("unexpected character");
    }
  }

  bool Literal(std::string_view word, json& out, json value) {
    if (s_.substr(pos_, word.size()) != word) return Error("invalid literal");
    pos_ += word.size();
    out = std::move(value);
    return true;
  }

  bool Object(json& out, int depth) {
    if (depth > max_depth_) return Error("nested too deeply");
    ++pos_;  // '{'
    out = json::object();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"') return Error("expected a member name");
      std::string key;
      if (!String(key)) return false;
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      SkipSpace();
      json value;
      if (!Value(value, depth)) return false;
      out[std::move(key)] = std::move(value);  // a repeated name keeps the last value
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unexpected end of input in an object");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return Error("expected ',' or '}'");
    }
  }

  bool Array(json& out, int depth) {
    if (depth > max_depth_) return Error("nested too deeply");
    ++pos_;  // '['
    out = json::array();
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      SkipSpace();
      json value;
      if (!Value(value, depth)) return false;
      out.push_back(std::move(value));
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unexpected end of input in an array");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return Error("expected ',' or ']'");
    }
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool Hex4(uint32_t& out) {
    if (pos_ + 4 > s_.size()) return Error("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int h = Hex(s_[pos_ + static_cast<size_t>(i)]);
      if (h < 0) return Error("invalid \\u escape");
      out = (out << 4) | static_cast<uint32_t>(h);
    }
    pos_ += 4;
    return true;
  }

  static void AppendUtf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // Length of a valid UTF-8 sequence starting at `i`, or 0 (RFC 3629: no
  // overlongs, no surrogates, nothing above U+10FFFF).
  size_t Utf8Sequence(size_t i) const {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s_[i + k]); };
    unsigned char c = b(0);
    size_t left = s_.size() - i;
    auto cont = [&](size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c == 0xE0) return (left > 1 && b(1) >= 0xA0 && b(1) <= 0xBF && cont(2)) ? 3 : 0;
    if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return (cont(1) && cont(2)) ? 3 : 0;
    if (c == 0xED) return (left > 1 && b(1) >= 0x80 && b(1) <= 0x9F && cont(2)) ? 3 : 0;
    if (c == 0xF0) return (left > 1 && b(1) >= 0x90 && b(1) <= 0xBF && cont(2) && cont(3)) ? 4 : 0;
    if (c >= 0xF1 && c <= 0xF3) return (cont(1) && cont(2) && cont(3)) ? 4 : 0;
    if (c == 0xF4) return (left > 1 && b(1) >= 0x80 && b(1) <= 0x8F && cont(2) && cont(3)) ? 4 : 0;
    return 0;
  }

  bool String(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      // Bulk-copy the run of plain ASCII up to the next quote, backslash,
      // control or non-ASCII byte: base64 payloads are one such run.
      size_t start = pos_;
      while (pos_ + 8 <= s_.size() && !WordHasSpecial(LoadWord(s_.data() + pos_), true)) pos_ += 8;
      while (pos_ < s_.size()) {
        auto c = static_cast<unsigned char>(s_[pos_]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++pos_;
      }
      out.append(s_.data() + start, pos_ - start);
      if (pos_ >= s_.size()) return Error("unterminated string");
      auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Error("control character in a string");
      if (c >= 0x80) {
        size_t n = Utf8Sequence(pos_);
        if (n == 0) return Error("invalid UTF-8 in a string");
        out.append(s_.data() + pos_, n);
        pos_ += n;
        continue;
      }
      // Backslash escape.
      if (++pos_ >= s_.size()) return Error("truncated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
              return Error("unpaired surrogate");
            }
            pos_ += 2;
            if (!Hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return Error("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("unpaired surrogate");
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Error("invalid escape");
      }
    }
  }

  bool Number(json& out) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    if (pos_ >= s_.size()) return Error("invalid number");
    if (s_[pos_] == '0') {
      ++pos_;
    } else if (s_[pos_] >= '1' && s_[pos_] <= '9') {
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    } else {
      return Error("invalid number");
    }
    bool integral = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      integral = false;
      ++pos_;
      size_t digits = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == digits) return Error("invalid number");
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      size_t digits = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
      if (pos_ == digits) return Error("invalid number");
    }
    const char* first = s_.data() + start;
    const char* last = s_.data() + pos_;
    if (integral) {
      if (*first == '-') {
        int64_t v = 0;
        if (std::from_chars(first, last, v).ec == std::errc()) {
          out = v;
          return true;
        }
      } else {
        uint64_t v = 0;
        if (std::from_chars(first, last, v).ec == std::errc()) {
          out = v;
          return true;
        }
      }
      // Out of 64-bit range: kept as a float, which the validator refuses
      // wherever an integer is expected.
    }
    double d = std::strtod(std::string(first, last).c_str(), nullptr);
    if (!std::isfinite(d)) return Error("number out of range");
    out = d;
    return true;
  }

  std::string_view s_;
  size_t pos_ = 0;
  int max_depth_;
  std::string why_;
};

// Characters that need escaping inside a JSON string, as a table so the
// scan over long base64 values is one load and test per byte.
constexpr std::array<bool, 256> MakeEscapeTable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[static_cast<size_t>(c)] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}
constexpr auto kNeedsEscape = MakeEscapeTable();
constexpr bool NeedsEscape(unsigned char c) { return kNeedsEscape[c]; }

void WriteString(std::string& out, std::string_view s) {
  out.push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i + 8 <= s.size() && !WordHasSpecial(LoadWord(s.data() + i), false)) {
      i += 7;  // nothing to escape in these eight bytes
      continue;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if (!NeedsEscape(c)) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void Write(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::object: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, member] : v.items()) {
        if (!first) out.push_back(',');
        first = false;
        WriteString(out, k);
        out.push_back(':');
        Write(out, member);
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      out.push_back('[');
      for (size_t i = 0; i < v.size(); ++i) {
        if (i) out.push_back(',');
        Write(out, v[i]);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string:
      WriteString(out, v.get_ref<const std::string&>());
      return;
    default:
      out += v.dump();  // numbers, booleans, null: short, and nlohmann formats floats well
      return;
  }
}

}  // namespace

std::optional<json> ReadJsonText(std::string_view text, int max_depth, JsonParseError* error) {
  return Reader(text, max_depth).Document(error);
}

std::string WriteJsonText(const json& value) {
  std::string out;
  out.reserve(256);
  Write(out, value);
  return out;
}

void AppendJsonText(std::string& out, const json& value) { Write(out, value); }

void AppendJsonString(std::string& out, std::string_view s) { WriteString(out, s); }

}  // namespace rotor::server::wire
