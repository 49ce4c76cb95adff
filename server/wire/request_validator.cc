#include "server/wire/request_validator.h"

#include <cctype>
#include <regex>
#include <stdexcept>
#include <unordered_map>
#include <vector>

#include "core/kms_error.h"

namespace rotor::server::wire {

extern const std::string_view kKmsModelJson;

namespace {

using core::KmsError;
using nlohmann::json;

enum class Kind { kStructure, kString, kInteger, kBoolean, kBlob, kTimestamp, kList, kMap };

// Patterns the model uses. Code-point ranges ([\u0020-\u00FF]) are checked
// by hand; the ASCII ones by std::regex, compiled once.
struct Pattern {
  std::string source;
  std::function<bool(const std::string&)> matches;
};

struct Shape;
struct Member {
  std::string name;       // "KeyId"
  std::string wire_name;  // "keyId": how AWS names it in validation messages
  const Shape* shape = nullptr;
  bool required = false;
};

struct Shape {
  Kind kind = Kind::kString;
  std::optional<int64_t> min, max;
  const Pattern* pattern = nullptr;
  std::vector<std::string> enum_values;
  bool sensitive = false;
  std::vector<Member> members;     // structure, model order
  const Shape* element = nullptr;  // list member
  const Shape* key = nullptr;      // map
  const Shape* value = nullptr;    // map
};

// Decodes UTF-8 into code points; nlohmann has already rejected invalid UTF-8.
std::vector<uint32_t> CodePoints(const std::string& s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + static_cast<size_t>(k) < s.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<size_t>(k)]) & 0x3F);
    }
    out.push_back(cp);
    i += static_cast<size_t>(n);
  }
  return out;
}

size_t CodePointLength(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::unique_ptr<Pattern> MakePattern(const std::string& source) {
  auto p = std::make_unique<Pattern>();
  p->source = source;
  if (source == "[\\u0020-\\u00FF]*") {
    p->matches = [](const std::string& s) {
      for (uint32_t cp : CodePoints(s)) {
        if (cp < 0x20 || cp > 0xFF) return false;
      }
      return true;
    };
  } else if (source == "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+") {
    p->matches = [](const std::string& s) {
      if (s.empty()) return false;
      for (uint32_t cp : CodePoints(s)) {
        if (!(cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0xFF))) return false;
      }
      return true;
    };
  } else {
    auto re = std::make_shared<std::regex>(source, std::regex::ECMAScript | std::regex::optimize);
    // The model's patterns are partial matches unless anchored (Java's find()).
    p->matches = [re](const std::string& s) { return std::regex_search(s, *re); };
  }
  return p;
}

std::string LowerFirst(const std::string& name) {
  std::string out = name;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

std::string Join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

[[noreturn]] void Serialization(const std::string& message) {
  throw KmsError(core::ErrorCode::kSerialization, message);
}

}  // namespace

struct RequestValidator::Model {
  std::unordered_map<std::string, Shape> shapes;
  std::unordered_map<std::string, const Shape*> inputs;  // operation -> input shape
  std::vector<std::unique_ptr<Pattern>> patterns;
};

RequestValidator::RequestValidator() : model_(std::make_unique<Model>()) {
  json doc = json::parse(kKmsModelJson);
  const json& shapes = doc.at("shapes");
  // Two passes: create every shape, then link members by name.
  for (const auto& [name, s] : shapes.items()) model_->shapes[name];
  std::unordered_map<std::string, const Pattern*> pattern_cache;
  for (const auto& [name, s] : shapes.items()) {
    Shape& shape = model_->shapes[name];
    const std::string type = s.at("type").get<std::string>();
    static const std::unordered_map<std::string, Kind> kKinds = {
        {"structure", Kind::kStructure}, {"string", Kind::kString},   {"integer", Kind::kInteger},
        {"long", Kind::kInteger},        {"boolean", Kind::kBoolean}, {"blob", Kind::kBlob},
        {"timestamp", Kind::kTimestamp}, {"list", Kind::kList},       {"map", Kind::kMap}};
    auto kind = kKinds.find(type);
    if (kind == kKinds.end()) throw std::runtime_error("unknown shape type in KMS model: " + type);
    shape.kind = kind->second;
    if (s.contains("min")) shape.min = s["min"].get<int64_t>();
    if (s.contains("max")) shape.max = s["max"].get<int64_t>();
    if (s.contains("sensitive")) shape.sensitive = s["sensitive"].get<bool>();
    if (s.contains("enum")) shape.enum_values = s["enum"].get<std::vector<std::string>>();
    if (s.contains("pattern")) {
      std::string source = s["pattern"].get<std::string>();
      auto& cached = pattern_cache[source];
      if (!cached) {
        model_->patterns.push_back(MakePattern(source));
        cached = model_->patterns.back().get();
      }
      shape.pattern = cached;
    }
    const nlohmann::json& spec = s;  // clang 14 cannot capture a structured binding
    auto link = [&](const char* field) -> const Shape* {
      return spec.contains(field) ? &model_->shapes.at(spec[field].at("shape").get<std::string>())
                                  : nullptr;
    };
    shape.element = link("member");
    shape.key = link("key");
    shape.value = link("value");
    if (s.contains("members")) {
      std::vector<std::string> required;
      if (s.contains("required")) required = s["required"].get<std::vector<std::string>>();
      for (const auto& [member_name, m] : s["members"].items()) {
        Member member;
        member.name = member_name;
        member.wire_name = LowerFirst(member_name);
        member.shape = &model_->shapes.at(m.at("shape").get<std::string>());
        member.required =
            std::find(required.begin(), required.end(), member_name) != required.end();
        shape.members.push_back(std::move(member));
      }
    }
  }
  for (const auto& [op, o] : doc.at("operations").items()) {
    const json& input = o.at("input");
    model_->inputs[op] = input.is_null() ? nullptr : &model_->shapes.at(input.get<std::string>());
  }
}

RequestValidator::~RequestValidator() = default;

bool RequestValidator::HasOperation(std::string_view operation) const {
  return model_->inputs.count(std::string(operation)) > 0;
}

namespace {

class Walker {
 public:
  explicit Walker(DecodedBlobs& blobs) : blobs_(blobs) {}

  void Structure(const json& value, const Shape& shape, const std::string& path, bool top) {
    if (!value.is_object())
      Serialization("Expected a JSON object for '" + (path.empty() ? "body" : path) + "'.");
    for (const Member& m : shape.members) {
      std::string member_path = path.empty() ? m.wire_name : path + "." + m.wire_name;
      auto it = value.find(m.name);
      if (it == value.end() || it->is_null()) {
        if (m.required) Violation("null", false, member_path, "Member must not be null");
        continue;
      }
      Value(*it, *m.shape, member_path, top ? m.name : std::string());
    }
  }

  void Value(const json& v, const Shape& shape, const std::string& path,
             const std::string& blob_name) {
    switch (shape.kind) {
      case Kind::kStructure:
        Structure(v, shape, path, false);
        return;
      case Kind::kString:
        String(v, shape, path);
        return;
      case Kind::kInteger:
        Integer(v, shape, path);
        return;
      case Kind::kBoolean:
        if (!v.is_boolean()) Serialization("Expected a boolean for '" + path + "'.");
        return;
      case Kind::kTimestamp:
        if (!v.is_number())
          Serialization("Expected a timestamp (epoch seconds) for '" + path + "'.");
        return;
      case Kind::kBlob:
        Blob(v, shape, path, blob_name);
        return;
      case Kind::kList:
        List(v, shape, path);
        return;
      case Kind::kMap:
        Map(v, shape, path);
        return;
    }
  }

  std::vector<std::string> violations;

 private:
  // `shown` is the value as AWS echoes it; nullopt for values AWS never
  // echoes (sensitive members, blobs, lists).
  void Violation(const std::optional<std::string>& shown, bool quote, const std::string& path,
                 const std::string& constraint) {
    std::string value = !shown ? "Value" : quote ? "Value '" + *shown + "'" : "Value " + *shown;
    violations.push_back(value + " at '" + path + "' failed to satisfy constraint: " + constraint);
  }

  void Length(const std::optional<std::string>& shown, size_t length, const Shape& shape,
              const std::string& path) {
    if (shape.min && static_cast<int64_t>(length) < *shape.min) {
      Violation(shown, true, path,
                "Member must have length greater than or equal to " + std::to_string(*shape.min));
    } else if (shape.max && static_cast<int64_t>(length) > *shape.max) {
      Violation(shown, true, path,
                "Member must have length less than or equal to " + std::to_string(*shape.max));
    }
  }

  void String(const json& v, const Shape& shape, const std::string& path) {
    if (!v.is_string()) Serialization("Expected a string for '" + path + "'.");
    const std::string& s = v.get_ref<const std::string&>();
    if (!shape.enum_values.empty()) {
      if (std::find(shape.enum_values.begin(), shape.enum_values.end(), s) ==
          shape.enum_values.end()) {
        Violation(s, true, path,
                  "Member must satisfy enum value set: [" + Join(shape.enum_values, ", ") + "]");
      }
      return;
    }
    size_t before = violations.size();
    std::optional<std::string> shown;
    if (!shape.sensitive) shown = s;
    Length(shown, CodePointLength(s), shape, path);
    if (violations.size() == before && shape.pattern && !shape.pattern->matches(s)) {
      Violation(shown, true, path,
                "Member must satisfy regular expression pattern: " + shape.pattern->source);
    }
  }

  void Integer(const json& v, const Shape& shape, const std::string& path) {
    if (!v.is_number_integer()) Serialization("Expected an integer for '" + path + "'.");
    // Java ints: anything outside 32 bits cannot even be deserialised.
    if (v.is_number_unsigned() ? v.get<uint64_t>() > INT32_MAX
                               : (v.get<int64_t>() > INT32_MAX || v.get<int64_t>() < INT32_MIN)) {
      Serialization("Integer value out of range for '" + path + "'.");
    }
    int64_t n = v.get<int64_t>();
    if (shape.min && n < *shape.min) {
      Violation(std::to_string(n), true, path,
                "Member must have value greater than or equal to " + std::to_string(*shape.min));
    } else if (shape.max && n > *shape.max) {
      Violation(std::to_string(n), true, path,
                "Member must have value less than or equal to " + std::to_string(*shape.max));
    }
  }

  void Blob(const json& v, const Shape& shape, const std::string& path,
            const std::string& blob_name) {
    if (!v.is_string()) Serialization("Expected a base64 string for '" + path + "'.");
    std::optional<core::Bytes> bytes = core::Base64Decode(v.get_ref<const std::string&>());
    if (!bytes) Serialization("Value at '" + path + "' is not valid base64.");
    // Blob values are never echoed (AWS shows a Java buffer, never the bytes).
    Length(std::nullopt, bytes->size(), shape, path);
    if (!blob_name.empty()) blobs_[blob_name] = std::move(*bytes);
  }

  void List(const json& v, const Shape& shape, const std::string& path) {
    if (!v.is_array()) Serialization("Expected a JSON array for '" + path + "'.");
    if (shape.min && static_cast<int64_t>(v.size()) < *shape.min) {
      Violation(std::nullopt, true, path,
                "Member must have length greater than or equal to " + std::to_string(*shape.min));
    } else if (shape.max && static_cast<int64_t>(v.size()) > *shape.max) {
      Violation(std::nullopt, true, path,
                "Member must have length less than or equal to " + std::to_string(*shape.max));
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i].is_null()) Serialization("Null element in list '" + path + "'.");
      Value(v[i], *shape.element, path + "." + std::to_string(i + 1) + ".member", "");
    }
  }

  void Map(const json& v, const Shape& shape, const std::string& path) {
    if (!v.is_object()) Serialization("Expected a JSON object for '" + path + "'.");
    for (const auto& [k, val] : v.items()) {
      if (shape.key) String(json(k), *shape.key, path + ".key");
      if (!val.is_string()) Serialization("Expected string values in map '" + path + "'.");
      if (shape.value) String(val, *shape.value, path + ".value");
    }
  }

  DecodedBlobs& blobs_;
};

}  // namespace

DecodedBlobs RequestValidator::Validate(std::string_view operation, const json& body) const {
  auto it = model_->inputs.find(std::string(operation));
  DecodedBlobs blobs;
  if (it == model_->inputs.end() || it->second == nullptr) return blobs;
  Walker walker(blobs);
  walker.Structure(body, *it->second, "", true);
  if (!walker.violations.empty()) {
    size_t n = walker.violations.size();
    std::string message =
        std::to_string(n) +
        (n == 1 ? " validation error detected: " : " validation errors detected: ") +
        Join(walker.violations, "; ");
    throw KmsError(core::ErrorCode::kValidation, message);
  }
  return blobs;
}

}  // namespace rotor::server::wire
