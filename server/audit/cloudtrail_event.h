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
#include "server/wire/api_call_observer.h"

namespace rotor::server::audit {

// What the request thread captures (cheaply) for one API call; the record is
// built from it later, off the request path.
struct ApiCallSnapshot {
  core::RequestContext ctx;
  std::string operation;
  // The members that may be logged (wire::LoggableRequest): those the model
  // defines for the operation, never secret or blob ones.
  nlohmann::json request;
  // Null for read-only and cryptographic operations (OperationEntry::
  // logs_response) and errors, as CloudTrail's.
  nlohmann::json response;
  std::string error_code;
  std::string error_message;
  std::string key_id;      // the key the call concerned, when known
  bool read_only = false;  // the operation's kReadOnly flag
};

// What the request thread copies of an answered call: the operation's row
// decides which members are kept and whether the response is.
ApiCallSnapshot SnapshotOf(const wire::ApiCall& call);

core::AuditEvent ApiCallEvent(const ApiCallSnapshot& call, const std::string& event_id);
core::AuditEvent ServiceEventRecord(const core::ServiceEvent& event, const std::string& event_id);

// A service event as one line of text, the `detail` of the admin API's
// answers (docs/cli.md): RotateKey "<RotationType> <KeyMaterialId>"
// ("AUTOMATIC 9e3c..."), DeleteExpiredKeyMaterial the expired KeyMaterialIds
// space-separated, DeleteKey "".
std::string ServiceEventDetail(const core::ServiceEvent& event);

}  // namespace rotor::server::audit
