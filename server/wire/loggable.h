// What of a KMS call may be written to a log (the audit trail): an allow list
// from the botocore model, as CloudTrail logs an operation's modeled
// parameters. A request can carry anything beside its members (AWS ignores
// unknown members, and so does the validator): {"Plaintext": ..., "plaintext":
// "<secret>"} is a valid Encrypt request, and its second member must not reach
// a log just because nobody expected it.
//
// What is kept is written straight from the request (or response) as JSON
// text, in one pass over it and the model's shapes: no copy of it is built.
//
// Thread safety: pure functions over the immutable model.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "server/wire/operation_table.h"

namespace rotor::server::wire {

// How the kept members are written.
struct LoggableText {
  // Top-level members left out besides the row's never_logged ones, as on the
  // wire ("GrantTokens").
  std::span<const std::string_view> omit = {};
  // Member names (and map keys) in lowerCamel, as CloudTrail writes them
  // (LowerFirst: "KeyId" -> "keyId"), except inside the value of a member for
  // which `keeps_names` (may be null) says true: the caller's own maps
  // (encryption contexts), whose keys are data and are written as sent. Off:
  // every name as sent.
  bool lower_camel = false;
  bool (*keeps_names)(std::string_view member) = nullptr;
};

// Appends to `out` the members of `body` (a request of `op`, as received)
// that may be logged, as one JSON object (compact, members in the body's
// order): only members the model defines for the operation's input, matched
// exactly (case-sensitive), at every depth (structures, list elements, map
// values); never the row's never_logged members nor `how.omit`, and never a
// value whose shape the model marks sensitive or blob. Map keys are the
// caller's data (encryption contexts) and are kept. A value whose JSON type
// cannot be its shape's (an object where the model has a string) is left out.
// Writes "{}" when `body` is not an object. Returns the number of top-level
// members written.
size_t AppendLoggableRequest(std::string& out, const OperationEntry& op, const nlohmann::json& body,
                             const LoggableText& how);

// The members of `response` (an answer Rotor wrote for `op`) that may be
// logged, by the same rules over the model's output shape (no never_logged).
size_t AppendLoggableResponse(std::string& out, const OperationEntry& op,
                              const nlohmann::json& response, const LoggableText& how);

// The top-level member `name` of `body` when AppendLoggableRequest writes it
// (`how.omit` aside), else null: what a log may read of the request.
const nlohmann::json* LoggableRequestMember(const OperationEntry& op, const nlohmann::json& body,
                                            std::string_view name);

}  // namespace rotor::server::wire
