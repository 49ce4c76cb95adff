// KmsModel: the botocore KMS model (server/wire/kms_model.json, written by
// scripts/gen_kms_model.py from botocore's kms/2014-11-01/service-2.json and
// embedded in the binary at build time), parsed once. It is the wire
// contract's one source of truth: the request validator checks every request
// against it, the audit trail logs only the request members it defines
// (server/wire/loggable.h), and the operation table's test checks every row's
// flags against it.
//
// Thread safety: a KmsModel is immutable once built; Embedded() builds the
// process's one copy on first use (a function-local static).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rotor::server::wire {

// The model's shape types ("long" reads as an integer).
enum class ShapeKind { kStructure, kString, kInteger, kBoolean, kBlob, kTimestamp, kList, kMap };

// A `pattern` trait, compiled once: `matches` is a partial match (Java's
// find()) unless the pattern is anchored.
struct ShapePattern {
  std::string source;
  std::function<bool(const std::string&)> matches;
};

struct Shape;

struct ShapeMember {
  std::string name;       // "KeyId", as sent on the wire (case-sensitive)
  std::string wire_name;  // "keyId": how AWS names it in validation messages
  const Shape* shape = nullptr;
  bool required = false;
};

struct Shape {
  ShapeKind kind = ShapeKind::kString;
  std::optional<int64_t> min, max;  // lengths (strings, blobs in bytes, lists) or values (integers)
  const ShapePattern* pattern = nullptr;
  std::vector<std::string> enum_values;
  bool sensitive = false;            // the model's `sensitive` trait (PlaintextType, ...)
  std::vector<ShapeMember> members;  // structure, model order
  const Shape* element = nullptr;    // list
  const Shape* key = nullptr;        // map
  const Shape* value = nullptr;      // map

  // The structure member named exactly `name` (case-sensitive: "plaintext" is
  // not "Plaintext"), or nullptr.
  const ShapeMember* Member(std::string_view name) const;
  // Sensitive or a blob: a value never echoed in messages nor logged.
  bool IsSecret() const { return sensitive || kind == ShapeKind::kBlob; }
};

class KmsModel {
 public:
  // The model embedded in the binary. Throws std::runtime_error (or
  // nlohmann::json::exception) on first use if it is malformed.
  static const KmsModel& Embedded();

  // Parses a model document in kms_model.json's form ({"operations", "shapes"}).
  explicit KmsModel(std::string_view json_text);
  KmsModel(const KmsModel&) = delete;
  KmsModel& operator=(const KmsModel&) = delete;

  bool HasOperation(std::string_view operation) const;
  // The operation's input / output structure; nullptr when it has none or is
  // not an operation of the model.
  const Shape* Input(std::string_view operation) const;
  const Shape* Output(std::string_view operation) const;
  // Every operation of the model, sorted by name.
  std::vector<std::string_view> Operations() const;
  // The model's error shapes (those marked `exception`), sorted by name
  // ("AlreadyExistsException", ...): the errors a KMS client knows by name.
  const std::set<std::string, std::less<>>& Errors() const { return errors_; }

 private:
  struct Operation {
    const Shape* input = nullptr;
    const Shape* output = nullptr;
  };
  std::unordered_map<std::string, Shape> shapes_;  // node-based: Shape pointers stay valid
  std::map<std::string, Operation, std::less<>> operations_;
  std::vector<std::unique_ptr<ShapePattern>> patterns_;
  std::set<std::string, std::less<>> errors_;
};

// A member name with its first letter in lower case, as the wire's validation
// messages and CloudTrail records write it ("KeyId" -> "keyId").
std::string LowerFirst(const std::string& name);

}  // namespace rotor::server::wire
