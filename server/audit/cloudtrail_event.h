// CloudTrail-shaped audit records: what Rotor writes for every API call and
// every service event, in the shape AWS CloudTrail uses for KMS, so tooling
// written for CloudTrail reads them. Plaintexts, ciphertexts, data keys,
// private keys, signatures and import material are never included.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/audit_store.h"
#include "core/request_context.h"
#include "core/service_events.h"
#include "server/wire/api_call_observer.h"

namespace rotor::server::audit {

// What the request thread keeps of one API call, for its record to be built
// later (by the writer thread, or when a query returns it): the fields the
// record names, packed one after another into one string, the call's
// requestParameters and responseElements already written as the record's JSON
// text. One heap block per call: the in-memory trail holds 100,000 of these,
// and dropping the oldest frees one block.
class ApiCallSnapshot {
 public:
  // The text fields, in the order they are packed.
  enum Field : uint8_t {
    kAccount,            // 12 digits
    kRegion,             // "us-east-1"
    kRequestId,          // the x-amzn-RequestId answered
    kAccessKeyId,        // of the SigV4 credential; empty when unsigned
    kSourceIp,           // the client's address
    kUserAgent,          // as sent
    kOperation,          // AWS's name, "Encrypt"
    kRequestParameters,  // JSON text: the loggable request members, lowerCamel; "null" if none
    kResponseElements,   // JSON text, lowerCamel; "null" for read-only, cryptographic and failed
                         // calls
    kErrorCode,          // the exception's name; empty on success
    kErrorMessage,
    kKeyId,  // the bare key id the call concerned; empty when unknown
    kFieldCount
  };
  using Fields = std::array<std::string_view, kFieldCount>;

  ApiCallSnapshot() = default;
  // `principal`: the verified caller in strict mode (valid for the server's
  // life), null in open mode. `read_only`: the operation's kReadOnly flag.
  ApiCallSnapshot(core::Timestamp now, const core::Principal* principal, bool read_only,
                  const Fields& fields);

  std::string_view field(Field f) const {
    uint32_t begin = f == 0 ? 0 : ends_[f - 1];
    return std::string_view(text_).substr(begin, ends_[f] - begin);
  }
  core::Timestamp now() const { return now_; }
  const core::Principal* principal() const { return principal_; }
  bool read_only() const { return read_only_; }

 private:
  std::string text_;  // the fields, back to back
  std::array<uint32_t, kFieldCount> ends_{};
  core::Timestamp now_{};
  const core::Principal* principal_ = nullptr;
  bool read_only_ = false;
};

// Names the key an alias points to ("" when none), so calls made through an
// alias, failed ones included, land on the key's timeline.
using AliasResolver = std::function<std::string(const core::Scope&, const std::string& alias_name)>;

// What the request thread keeps of an answered call: the operation's row
// decides which members are kept (wire::LoggableRequest, never secret or blob
// ones, never a grant token) and whether the response is. The key is the one
// the answer or the request names; when neither names one, the key that an
// alias in the request points to now (`resolve_alias`, may be empty).
ApiCallSnapshot SnapshotOf(const wire::ApiCall& call, const AliasResolver& resolve_alias);

core::AuditEvent ApiCallEvent(const ApiCallSnapshot& call, const std::string& event_id);
core::AuditEvent ServiceEventRecord(const core::ServiceEvent& event, const std::string& event_id);

// A service event as one line of text, the `detail` of the admin API's
// answers (docs/cli.md): RotateKey "<RotationType> <KeyMaterialId>"
// ("AUTOMATIC 9e3c..."), DeleteExpiredKeyMaterial the expired KeyMaterialIds
// space-separated, DeleteKey "".
std::string ServiceEventDetail(const core::ServiceEvent& event);

}  // namespace rotor::server::audit
