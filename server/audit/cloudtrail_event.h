// CloudTrail-shaped audit records: what Rotor writes for every API call and
// every service event, in the shape AWS CloudTrail uses for KMS, so tooling
// written for CloudTrail reads them. Plaintexts, ciphertexts, data keys,
// private keys, signatures and import material are never included.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/audit_store.h"
#include "core/request_context.h"
#include "core/service_events.h"

namespace rotor::server::audit {

// What the request thread captures (cheaply) for one API call; the record is
// built from it later, off the request path.
struct ApiCallSnapshot {
  core::RequestContext ctx;
  std::string operation;
  nlohmann::json request;   // already stripped of secret and blob members
  nlohmann::json response;  // null for cryptographic operations and errors
  std::string error_code;
  std::string error_message;
  std::string key_id;  // the key the call concerned, when known
};

// Copies `body` without the members that must never reach an audit record.
nlohmann::json RedactedCopy(const nlohmann::json& body);
// Cryptographic operations log no response elements, as CloudTrail does.
bool IsCryptographicOperation(std::string_view operation);
// Describe*/List*/Get*: CloudTrail marks them readOnly and logs no response
// elements for them either (which also keeps the busiest calls cheap to audit).
bool IsReadOnlyOperation(std::string_view operation);
// The key a call concerned: from the response (KeyId/KeyMetadata) or the request.
std::string KeyIdOfCall(const nlohmann::json& request, const nlohmann::json* response);

core::AuditEvent ApiCallEvent(const ApiCallSnapshot& call, const std::string& event_id);
core::AuditEvent ServiceEventRecord(const core::ServiceEvent& event, const std::string& event_id);

}  // namespace rotor::server::audit
