// What of a KMS call may be written to a log (the audit trail): an allow list
// from the botocore model, as CloudTrail logs an operation's modeled
// parameters. A request can carry anything beside its members (AWS ignores
// unknown members, and so does the validator): {"Plaintext": ..., "plaintext":
// "<secret>"} is a valid Encrypt request, and its second member must not reach
// a log just because nobody expected it.
//
// Thread safety: pure functions over the immutable model.
#pragma once

#include <nlohmann/json.hpp>

#include "server/wire/operation_table.h"

namespace rotor::server::wire {

// The members of `body` (a request of `op`, as received) that may be logged:
// only members the model defines for the operation's input, matched exactly
// (case-sensitive), at every depth (structures, list elements, map values);
// never the row's never_logged members, and never a value whose shape the
// model marks sensitive or blob. Map keys are the caller's data (encryption
// contexts) and are kept. A value whose JSON type cannot be its shape's (an
// object where the model has a string) is left out. Returns an object, empty
// when `body` is not one.
nlohmann::json LoggableRequest(const OperationEntry& op, const nlohmann::json& body);

// The members of `response` (an answer Rotor wrote for `op`) that may be
// logged, by the same rules over the model's output shape.
nlohmann::json LoggableResponse(const OperationEntry& op, const nlohmann::json& response);

}  // namespace rotor::server::wire
