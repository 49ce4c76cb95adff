// The admin API's fault routes: /_rotor/faults (admin_routes.h). Rules are
// read and written as server/wire/fault_rule_json.h describes.
#include <nlohmann/json.hpp>

#include "core/kms_error.h"
#include "server/admin/admin_endpoints.h"
#include "server/admin/admin_http.h"
#include "server/wire/fault_rule_json.h"
#include "server/wire/json_body.h"

namespace rotor::server::admin {

using nlohmann::json;

core::FaultRules& AdminEndpoints::Faults() const {
  if (!options_.faults) {
    throw core::KmsError(core::ErrorCode::kNotFound, "This Rotor has no fault injection.");
  }
  return *options_.faults;
}

HttpResponse AdminEndpoints::ListFaults(const HttpRequest& req, std::string_view) {
  json rules = json::array();
  for (const core::FaultRuleStatus& s : Faults().List()) rules.push_back(wire::FaultRuleToJson(s));
  return AdminJson(req, http::status::ok, {{"faults", std::move(rules)}});
}

HttpResponse AdminEndpoints::AddFault(const HttpRequest& req, std::string_view) {
  core::FaultRules& faults = Faults();
  core::FaultRule rule = wire::FaultRuleFromJson(wire::ParseRequestBody(req.body()));
  std::string id = faults.Add(rule);
  core::FaultRuleStatus added{id, rule};
  if (rule.frequency.kind == core::FaultFrequencyKind::kNextN)
    added.remaining = rule.frequency.count;
  return AdminJson(req, http::status::ok, wire::FaultRuleToJson(added));
}

HttpResponse AdminEndpoints::ClearFaults(const HttpRequest& req, std::string_view) {
  core::FaultRules& faults = Faults();
  size_t removed = faults.List().size();
  faults.Clear();
  return AdminJson(req, http::status::ok, {{"removed", removed}});
}

HttpResponse AdminEndpoints::RemoveFault(const HttpRequest& req, std::string_view id) {
  if (!Faults().Remove(id)) {
    throw core::KmsError(core::ErrorCode::kNotFound, "No fault rule " + std::string(id));
  }
  return AdminJson(req, http::status::ok, {{"removed", 1}});
}

}  // namespace rotor::server::admin
