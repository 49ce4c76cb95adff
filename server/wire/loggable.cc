#include "server/wire/loggable.h"

#include <algorithm>

#include "server/wire/json_text.h"
#include "server/wire/kms_model.h"

namespace rotor::server::wire {
namespace {

using nlohmann::json;

bool Contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Whether anything of `v` may be logged as `shape`: not a secret shape, and a
// JSON type the shape can have (a scalar shape takes any scalar, null included:
// a scalar of the wrong type fails validation, and is what was sent).
bool Kept(const json& v, const Shape& shape) {
  if (shape.IsSecret()) return false;
  switch (shape.kind) {
    case ShapeKind::kStructure:
    case ShapeKind::kMap:
      return v.is_object();
    case ShapeKind::kList:
      return v.is_array();
    default:  // strings, numbers, booleans, timestamps
      return !v.is_structured();
  }
}

// Writes what the model keeps of a value, in one pass over it.
class Writer {
 public:
  Writer(std::string& out, const LoggableText& how) : out_(out), how_(how) {}

  // The members of object `v` that structure `shape` keeps, but `omit` and
  // (when `top`) how_.omit. Returns how many were written.
  size_t Structure(const json& v, const Shape& shape, std::span<const std::string_view> omit,
                   bool top, bool camel) {
    out_.push_back('{');
    size_t written = 0;
    for (auto it = v.begin(); it != v.end(); ++it) {
      const std::string& name = it.key();
      const ShapeMember* m = shape.Member(name);
      // Not in the model (unknown, or miscased), secret, or of no shape's type.
      if (!m || !Kept(*it, *m->shape)) continue;
      if (top && (Contains(omit, name) || Contains(how_.omit, name))) continue;
      if (written++) out_.push_back(',');
      // A structure member's lowerCamel name is the model's wire_name (LowerFirst).
      AppendJsonString(out_, camel ? std::string_view(m->wire_name) : std::string_view(name));
      out_.push_back(':');
      Value(*it, *m->shape, camel && !KeepsNames(name));
    }
    out_.push_back('}');
    return written;
  }

 private:
  bool KeepsNames(std::string_view member) const {
    return how_.keeps_names && how_.keeps_names(member);
  }

  // `v`, which Kept(v, shape) allows.
  void Value(const json& v, const Shape& shape, bool camel) {
    switch (shape.kind) {
      case ShapeKind::kStructure:
        Structure(v, shape, {}, false, camel);
        return;
      case ShapeKind::kList: {
        out_.push_back('[');
        bool first = true;
        for (const json& e : v) {
          if (!Kept(e, *shape.element)) continue;
          if (!first) out_.push_back(',');
          first = false;
          Value(e, *shape.element, camel);
        }
        out_.push_back(']');
        return;
      }
      case ShapeKind::kMap: {
        // Its keys are the caller's data: every one kept.
        out_.push_back('{');
        bool first = true;
        for (auto it = v.begin(); it != v.end(); ++it) {
          if (!Kept(*it, *shape.value)) continue;
          if (!first) out_.push_back(',');
          first = false;
          const std::string& key = it.key();
          AppendJsonString(out_, camel ? LowerFirst(key) : key);
          out_.push_back(':');
          Value(*it, *shape.value, camel && !KeepsNames(key));
        }
        out_.push_back('}');
        return;
      }
      default:
        AppendJsonText(out_, v);
        return;
    }
  }

  std::string& out_;
  const LoggableText& how_;
};

size_t AppendLoggable(std::string& out, const Shape* shape, const json& body,
                      std::span<const std::string_view> omit, const LoggableText& how) {
  if (!shape || !body.is_object()) {
    out += "{}";
    return 0;
  }
  return Writer(out, how).Structure(body, *shape, omit, true, how.lower_camel);
}

}  // namespace

size_t AppendLoggableRequest(std::string& out, const OperationEntry& op, const json& body,
                             const LoggableText& how) {
  return AppendLoggable(out, KmsModel::Embedded().Input(op.name), body, op.never_logged, how);
}

size_t AppendLoggableResponse(std::string& out, const OperationEntry& op, const json& response,
                              const LoggableText& how) {
  return AppendLoggable(out, KmsModel::Embedded().Output(op.name), response, {}, how);
}

const json* LoggableRequestMember(const OperationEntry& op, const json& body,
                                  std::string_view name) {
  const Shape* shape = KmsModel::Embedded().Input(op.name);
  if (!shape || !body.is_object() || Contains(op.never_logged, name)) return nullptr;
  auto it = body.find(name);
  if (it == body.end()) return nullptr;
  const ShapeMember* m = shape->Member(name);
  return m && Kept(*it, *m->shape) ? &*it : nullptr;
}

}  // namespace rotor::server::wire
