#include "server/wire/json_text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

namespace rotor::server::wire {
namespace {

using nlohmann::json;

// Copies simdjson's validated DOM into nlohmann::json. `depth` counts the
// arrays and objects that enclose `e`. simdjson is given one level more than
// `max_depth` and does not count empty arrays and objects, so the exact limit
// is kept here; the recursion is bounded by simdjson's limit either way.
bool CopyInto(simdjson::dom::element e, int depth, int max_depth, json& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      if (depth >= max_depth) return false;
      out = json::object();
      for (simdjson::dom::key_value_pair member : simdjson::dom::object(e)) {
        // A repeated name keeps the last value: its slot is simply overwritten.
        if (!CopyInto(member.value, depth + 1, max_depth, out[std::string(member.key)])) {
          return false;
        }
      }
      return true;
    }
    case element_type::ARRAY: {
      if (depth >= max_depth) return false;
      out = json::array();
      for (simdjson::dom::element item : simdjson::dom::array(e)) {
        if (!CopyInto(item, depth + 1, max_depth, out.emplace_back())) return false;
      }
      return true;
    }
    case element_type::STRING:
      out = std::string(std::string_view(e));
      return true;
    case element_type::INT64: {
      // Unsigned for every integer >= 0, as nlohmann's own parser does.
      auto v = int64_t(e);
      if (v >= 0) {
        out = static_cast<uint64_t>(v);
      } else {
        out = v;
      }
      return true;
    }
    case element_type::UINT64:
      out = uint64_t(e);
      return true;
    case element_type::DOUBLE:
      out = double(e);
      return true;
    case element_type::BOOL:
      out = bool(e);
      return true;
    case element_type::NULL_VALUE:
      out = nullptr;
      return true;
  }
  return false;
}

// Bodies up to this size parse with one parser per thread, whose buffers are
// reused (a KMS request is a few KiB); bigger texts (up to the 1 MiB body
// limit, seed files) get a parser of their own, so that no thread keeps
// megabytes of buffers after one large request.
constexpr size_t kReusedParserCapacity = 64 * 1024;

// nlohmann's serializer: compact, UTF-8 passed through (as AWS does). Strings
// from requests are UTF-8 (the reader checks); in any other that is not (a
// YAML seed file's, say) the bad bytes become U+FFFD instead of an exception.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// True when `s` is printable ASCII without '"' or '\\': then its JSON form is
// `s` between quotes. Base64 blobs, ARNs and ids always are, and they are
// nearly every byte Rotor writes (nlohmann's escaper takes about 3.5 ns a
// byte on them). Eight bytes at a time: a byte below 0x20, at or above 0x80,
// or equal to '"' or '\\' sets the high bit of its lane.
bool IsPlainAscii(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHighs = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, sizeof w);
    uint64_t quote = w ^ (kOnes * '"');
    uint64_t backslash = w ^ (kOnes * '\\');
    uint64_t special = ((w - kOnes * 0x20) & ~w) | ((quote - kOnes) & ~quote) |
                       ((backslash - kOnes) & ~backslash) | w;
    if (special & kHighs) return false;
  }
  for (; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

std::optional<json> ReadJsonText(std::string_view text, int max_depth, JsonParseError* error) {
  auto fail = [error](simdjson::error_code code) -> std::optional<json> {
    if (error) error->message = simdjson::error_message(code);
    return std::nullopt;
  };
  thread_local simdjson::dom::parser reused;
  std::optional<simdjson::dom::parser> own;
  simdjson::dom::parser& parser = text.size() <= kReusedParserCapacity ? reused : own.emplace();
  const auto depth_limit = static_cast<size_t>(max_depth) + 1;
  if (parser.max_depth() != depth_limit || parser.capacity() < text.size()) {
    if (auto code = parser.allocate(std::max(text.size(), parser.capacity()), depth_limit)) {
      return fail(code);
    }
  }
  // `true`: simdjson copies the text into its own padded buffer (it reads up
  // to SIMDJSON_PADDING bytes past the end), so `text` needs no padding.
  simdjson::dom::element root;
  if (auto code = parser.parse(text.data(), text.size(), true).get(root)) return fail(code);
  json value;
  if (!CopyInto(root, 0, max_depth, value)) return fail(simdjson::DEPTH_ERROR);
  return value;
}

std::string WriteJsonText(const json& value) {
  std::string out;
  AppendJsonText(out, value);
  return out;
}

void AppendJsonText(std::string& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      out.push_back('{');
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (it != value.begin()) out.push_back(',');
        AppendJsonString(out, it.key());
        out.push_back(':');
        AppendJsonText(out, it.value());
      }
      out.push_back('}');
      return;
    }
    case json::value_t::array: {
      out.push_back('[');
      for (auto it = value.begin(); it != value.end(); ++it) {
        if (it != value.begin()) out.push_back(',');
        AppendJsonText(out, *it);
      }
      out.push_back(']');
      return;
    }
    case json::value_t::string:
      AppendJsonString(out, value.get_ref<const std::string&>());
      return;
    default:  // numbers, booleans, null
      out += Dump(value);
      return;
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  if (!IsPlainAscii(s)) {
    out += Dump(json(s));
    return;
  }
  out.push_back('"');
  out.append(s);
  out.push_back('"');
}

}  // namespace rotor::server::wire
