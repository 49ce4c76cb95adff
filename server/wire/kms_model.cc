#include "server/wire/kms_model.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace rotor::server::wire {

extern const std::string_view kKmsModelJson;

namespace {

using nlohmann::json;

// Decodes UTF-8 into code points; the JSON reader has already refused invalid UTF-8.
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

// Patterns the model uses. Code-point ranges ([\u0020-\u00FF]) are checked
// by hand; the ASCII ones by std::regex, compiled once.
std::unique_ptr<ShapePattern> MakePattern(const std::string& source) {
  auto p = std::make_unique<ShapePattern>();
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

}  // namespace

const ShapeMember* Shape::Member(std::string_view name) const {
  for (const ShapeMember& m : members) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

const KmsModel& KmsModel::Embedded() {
  static const KmsModel model(kKmsModelJson);
  return model;
}

KmsModel::KmsModel(std::string_view json_text) {
  json doc = json::parse(json_text);
  const json& shapes = doc.at("shapes");
  // Two passes: create every shape, then link members by name.
  for (const auto& [name, s] : shapes.items()) shapes_[name];
  std::unordered_map<std::string, const ShapePattern*> pattern_cache;
  for (const auto& [name, s] : shapes.items()) {
    Shape& shape = shapes_[name];
    const std::string type = s.at("type").get<std::string>();
    static const std::unordered_map<std::string, ShapeKind> kKinds = {
        {"structure", ShapeKind::kStructure},
        {"string", ShapeKind::kString},
        {"integer", ShapeKind::kInteger},
        {"long", ShapeKind::kInteger},
        {"boolean", ShapeKind::kBoolean},
        {"blob", ShapeKind::kBlob},
        {"timestamp", ShapeKind::kTimestamp},
        {"list", ShapeKind::kList},
        {"map", ShapeKind::kMap}};
    auto kind = kKinds.find(type);
    if (kind == kKinds.end()) throw std::runtime_error("unknown shape type in KMS model: " + type);
    shape.kind = kind->second;
    if (s.value("exception", false)) errors_.insert(name);
    if (s.contains("min")) shape.min = s["min"].get<int64_t>();
    if (s.contains("max")) shape.max = s["max"].get<int64_t>();
    if (s.contains("sensitive")) shape.sensitive = s["sensitive"].get<bool>();
    if (s.contains("enum")) shape.enum_values = s["enum"].get<std::vector<std::string>>();
    if (s.contains("pattern")) {
      std::string source = s["pattern"].get<std::string>();
      auto& cached = pattern_cache[source];
      if (!cached) {
        patterns_.push_back(MakePattern(source));
        cached = patterns_.back().get();
      }
      shape.pattern = cached;
    }
    const nlohmann::json& spec = s;  // clang 14 cannot capture a structured binding
    auto link = [&](const char* field) -> const Shape* {
      return spec.contains(field) ? &shapes_.at(spec[field].at("shape").get<std::string>())
                                  : nullptr;
    };
    shape.element = link("member");
    shape.key = link("key");
    shape.value = link("value");
    if (s.contains("members")) {
      std::vector<std::string> required;
      if (s.contains("required")) required = s["required"].get<std::vector<std::string>>();
      for (const auto& [member_name, m] : s["members"].items()) {
        ShapeMember member;
        member.name = member_name;
        member.wire_name = LowerFirst(member_name);
        member.shape = &shapes_.at(m.at("shape").get<std::string>());
        member.required =
            std::find(required.begin(), required.end(), member_name) != required.end();
        shape.members.push_back(std::move(member));
      }
    }
  }
  for (const auto& [op, o] : doc.at("operations").items()) {
    const nlohmann::json& spec = o;  // clang 14 cannot capture a structured binding
    auto shape_of = [&](const char* field) -> const Shape* {
      if (!spec.contains(field) || spec[field].is_null()) return nullptr;
      return &shapes_.at(spec[field].get<std::string>());
    };
    operations_[op] = Operation{shape_of("input"), shape_of("output")};
  }
}

bool KmsModel::HasOperation(std::string_view operation) const {
  return operations_.find(operation) != operations_.end();
}

const Shape* KmsModel::Input(std::string_view operation) const {
  auto it = operations_.find(operation);
  return it == operations_.end() ? nullptr : it->second.input;
}

const Shape* KmsModel::Output(std::string_view operation) const {
  auto it = operations_.find(operation);
  return it == operations_.end() ? nullptr : it->second.output;
}

std::vector<std::string_view> KmsModel::Operations() const {
  std::vector<std::string_view> out;
  out.reserve(operations_.size());
  for (const auto& [name, op] : operations_) out.push_back(name);
  return out;
}

std::string LowerFirst(const std::string& name) {
  std::string out = name;
  if (!out.empty()) out[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace rotor::server::wire
