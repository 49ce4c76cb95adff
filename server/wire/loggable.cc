#include "server/wire/loggable.h"

#include <algorithm>
#include <optional>

#include "server/wire/kms_model.h"

namespace rotor::server::wire {
namespace {

using nlohmann::json;

// `v` as `shape` allows it to be logged, or nullopt when nothing of it may be.
std::optional<json> Copy(const json& v, const Shape& shape);

json CopyStructure(const json& v, const Shape& shape, std::span<const std::string_view> omit) {
  json out = json::object();
  for (const auto& [name, member] : v.items()) {
    if (std::find(omit.begin(), omit.end(), name) != omit.end()) continue;
    const ShapeMember* m = shape.Member(name);
    if (!m) continue;  // not in the model: unknown, or miscased
    if (std::optional<json> kept = Copy(member, *m->shape)) out[name] = std::move(*kept);
  }
  return out;
}

std::optional<json> Copy(const json& v, const Shape& shape) {
  if (shape.IsSecret()) return std::nullopt;
  switch (shape.kind) {
    case ShapeKind::kStructure:
      if (!v.is_object()) return std::nullopt;
      return CopyStructure(v, shape, {});
    case ShapeKind::kList: {
      if (!v.is_array()) return std::nullopt;
      json out = json::array();
      for (const json& e : v) {
        if (std::optional<json> kept = Copy(e, *shape.element)) out.push_back(std::move(*kept));
      }
      return out;
    }
    case ShapeKind::kMap: {
      if (!v.is_object()) return std::nullopt;
      json out = json::object();
      for (const auto& [k, e] : v.items()) {
        if (std::optional<json> kept = Copy(e, *shape.value)) out[k] = std::move(*kept);
      }
      return out;
    }
    default:  // strings, numbers, booleans, timestamps: a scalar, whatever its type
      if (v.is_structured()) return std::nullopt;
      return v;
  }
}

json Loggable(const Shape* shape, const json& body, std::span<const std::string_view> omit) {
  if (!shape || !body.is_object()) return json::object();
  return CopyStructure(body, *shape, omit);
}

}  // namespace

json LoggableRequest(const OperationEntry& op, const json& body) {
  return Loggable(KmsModel::Embedded().Input(op.name), body, op.never_logged);
}

json LoggableResponse(const OperationEntry& op, const json& response) {
  return Loggable(KmsModel::Embedded().Output(op.name), response, {});
}

}  // namespace rotor::server::wire
