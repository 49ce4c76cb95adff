// ApiCallObserver: sees every KMS API call after it is answered (the audit
// trail plugs in here). Called on the request's thread; must not block.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Several observers behind the router's one (the audit trail, the request
// log), called in the order added. Add them all before the first call.
class ApiCallObservers final : public ApiCallObserver {
 public:
  void Add(ApiCallObserver* observer) {
    if (observer) observers_.push_back(observer);
  }
  bool empty() const { return observers_.empty(); }
  void OnApiCall(const ApiCall& call) override {
    for (ApiCallObserver* o : observers_) o->OnApiCall(call);
  }

 private:
  std::vector<ApiCallObserver*> observers_;
};

}  // namespace rotor::server::wire
