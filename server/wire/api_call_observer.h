// ApiCallObserver: sees every KMS API call after it is answered (the audit
// trail plugs in here). Called on the request's thread; must not block.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/request_context.h"

namespace rotor::server::wire {

struct OperationEntry;

struct ApiCall {
  const core::RequestContext& ctx;
  std::string_view operation;      // as the request named it
  const OperationEntry* entry;     // its row of the operation table; null when Rotor has none
  const nlohmann::json& request;   // as received (blobs still base64)
  const nlohmann::json* response;  // null on error
  std::string_view error_code;     // empty on success
  std::string_view error_message;
};

class ApiCallObserver {
 public:
  virtual ~ApiCallObserver() = default;
  virtual void OnApiCall(const ApiCall& call) = 0;
};

}  // namespace rotor::server::wire
