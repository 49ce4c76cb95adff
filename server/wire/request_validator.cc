#include "server/wire/request_validator.h"

#include <algorithm>
#include <vector>

#include "core/kms_error.h"

namespace rotor::server::wire {

namespace {

using core::KmsError;
using nlohmann::json;
using Kind = ShapeKind;

size_t CodePointLength(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
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

RequestValidator::RequestValidator() : model_(KmsModel::Embedded()) {}

bool RequestValidator::HasOperation(std::string_view operation) const {
  return model_.HasOperation(operation);
}

namespace {

class Walker {
 public:
  explicit Walker(DecodedBlobs& blobs) : blobs_(blobs) {}

  void Structure(const json& value, const Shape& shape, const std::string& path, bool top) {
    if (!value.is_object())
      Serialization("Expected a JSON object for '" + (path.empty() ? "body" : path) + "'.");
    for (const ShapeMember& m : shape.members) {
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
  const Shape* input = model_.Input(operation);
  DecodedBlobs blobs;
  if (input == nullptr) return blobs;
  Walker walker(blobs);
  walker.Structure(body, *input, "", true);
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
