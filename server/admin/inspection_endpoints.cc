// The inspection side of the admin API: keys across every account and region,
// one key's timeline, the audit events, the compliance report, the operation
// table and the dashboard's files. Answers as docs/cli.md describes.
#include <nlohmann/json.hpp>

#include "core/compliance_report.h"
#include "core/key_inventory.h"
#include "core/key_ring.h"
#include "core/kms_error.h"
#include "server/admin/admin_endpoints.h"
#include "server/admin/admin_http.h"
#include "server/admin/ui_assets.h"
#include "server/tools/report_format.h"
#include "server/wire/json_io.h"
#include "server/wire/operation_table.h"

namespace rotor::server::admin {
namespace {

using nlohmann::json;

constexpr size_t kMaxKeysListed = 1000;
constexpr size_t kMaxVersionsListed = 10000;
constexpr size_t kMaxDenialsListed = 20;
// GET /_rotor/keys?versions=1: the newest versions of each key, for the
// dashboard's rotation calendar.
constexpr uint32_t kMaxVersionsPerKeyListed = 200;

json Iso(const std::optional<core::Timestamp>& t) {
  return t ? json(core::FormatIso8601(*t)) : json(nullptr);
}

json KeySummary(const core::KeyOverview& o) {
  const core::Key& k = o.key;
  return {
      {"account", k.scope.account},
      {"region", k.scope.region},
      {"keyId", k.id},
      {"arn", k.Arn()},
      {"description", k.description},
      {"keyState", std::string(core::ToString(k.state))},
      {"keySpec", std::string(core::ToString(k.spec))},
      {"keyUsage", std::string(core::ToString(k.usage))},
      {"origin", std::string(core::ToString(k.origin))},
      {"keyManager", std::string(core::ToString(k.manager))},
      {"createdAt", core::FormatIso8601(k.creation_date)},
      {"aliases", o.aliases},
      {"rotation",
       {{"enabled", k.rotation.enabled && k.state != core::KeyState::kPendingDeletion},
        {"periodDays", k.rotation.period_days},
        {"nextRotationDate", k.rotation.enabled ? Iso(k.rotation.next_rotation) : json(nullptr)},
        {"onDemandRotations", k.on_demand_rotations}}},
      {"currentKeyMaterialId",
       k.current_material_id.empty() ? json(nullptr) : json(k.current_material_id)},
      {"currentMaterialSince", Iso(k.current_material_since)},
      {"versions", k.version_count},
      {"deletionDate",
       k.state == core::KeyState::kPendingDeletion ? Iso(k.deletion_date) : json(nullptr)},
      // Imported material: when the earliest of its versions expires (ValidTo).
      {"materialValidTo",
       k.origin == core::Origin::kExternal ? Iso(k.material_valid_to) : json(nullptr)},
      // Multi-Region keys: the role and the Regions of the related keys (one
      // key id), so the dashboard shows related keys together.
      {"multiRegion", k.multi_region
                          ? json{{"role", std::string(core::ToString(
                                              k.IsPrimary() ? core::MultiRegionKeyType::kPrimary
                                                            : core::MultiRegionKeyType::kReplica))},
                                 {"primaryRegion", k.primary_region},
                                 {"replicaRegions", k.replica_regions}}
                          : json(nullptr)}};
}

std::optional<size_t> LimitParam(const HttpRequest& req, size_t fallback, size_t max) {
  std::optional<std::string> text = QueryParam(req, "limit");
  if (!text) return fallback;
  try {
    long n = std::stol(*text);
    if (n < 1) return std::nullopt;
    return std::min(static_cast<size_t>(n), max);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// One material version as the admin API shows it. `imported`: the material
// came from ImportKeyMaterial (Origin EXTERNAL), so a version of an imported key
// is told apart from AWS KMS's own automatic and on-demand rotations.
json VersionJson(const core::Key& k, const core::KeyMaterialVersion& v) {
  return {{"version", v.version},
          {"keyMaterialId", v.material_id},
          {"createdAt", core::FormatIso8601(v.created)},
          {"rotationType",
           v.rotation_type ? json(std::string(core::ToString(*v.rotation_type))) : json(nullptr)},
          {"imported", v.import_state.has_value()},
          {"state", std::string(core::ToString(core::KeyRing::StateOf(k, v.version)))}};
}

}  // namespace

HttpResponse AdminEndpoints::ListKeys(const HttpRequest& req, std::string_view) {
  std::optional<size_t> limit = LimitParam(req, kMaxKeysListed, kMaxKeysListed);
  if (!limit) throw core::KmsError::Validation("limit must be a positive integer");
  bool with_versions = QueryParam(req, "versions").value_or("") == "1";
  json keys = json::array();
  bool truncated = false;
  inventory_.ForEach([&](const core::KeyOverview& o) {
    if (keys.size() == *limit) {
      truncated = true;
      return false;
    }
    json summary = KeySummary(o);
    if (with_versions) {
      // The newest kMaxVersionsPerKeyListed, oldest first.
      const core::Key& k = o.key;
      uint32_t after = k.version_count > kMaxVersionsPerKeyListed
                           ? k.version_count - kMaxVersionsPerKeyListed
                           : 0;
      json versions = json::array();
      for (const core::KeyMaterialVersion& v :
           inventory_.Versions(k, kMaxVersionsPerKeyListed, after))
        versions.push_back(VersionJson(k, v));
      summary["materialVersions"] = std::move(versions);
    }
    keys.push_back(std::move(summary));
    return true;
  });
  return AdminJson(req, http::status::ok,
                   {{"now", core::FormatIso8601(clock_.Now())},
                    {"virtual", virtual_clock_ != nullptr},
                    {"truncated", truncated},
                    {"keys", std::move(keys)}});
}

HttpResponse AdminEndpoints::KeyDetail(const HttpRequest& req, std::string_view key_id) {
  core::Scope scope{QueryParam(req, "account").value_or(options_.default_scope.account),
                    QueryParam(req, "region").value_or(options_.default_scope.region)};
  std::optional<core::KeyOverview> overview = inventory_.Find(scope, std::string(key_id));
  if (!overview) throw core::KmsError::KeyDoesNotExist(core::KeyArn(scope, key_id));
  const core::Key& k = overview->key;
  json versions = json::array();
  for (const core::KeyMaterialVersion& v : inventory_.Versions(k, kMaxVersionsListed))
    versions.push_back(VersionJson(k, v));
  json events = json::array();
  if (audit_) {
    core::AuditQuery q;
    q.scope = scope;
    q.key_id = k.id;
    q.limit = 1000;
    for (const core::AuditEvent& e : audit_->Query(q)) {
      // detail is text: "<rotation type> <KeyMaterialId>" for rotations, the
      // error message for failed calls, null otherwise.
      json record = json::parse(e.record, nullptr, false);
      json detail = nullptr;
      if (record.is_object() && record.contains("serviceEventDetails")) {
        const json& d = record["serviceEventDetails"];
        detail = d.contains("rotationType")
                     ? json(d.value("rotationType", "") + " " + d.value("keyMaterialId", ""))
                     : json(d.value("detail", ""));
      } else if (record.is_object() && record.contains("errorMessage")) {
        detail = record["errorMessage"];
      }
      events.push_back({{"time", core::FormatIso8601(e.time)},
                        {"eventName", e.event_name},
                        {"eventType", e.event_type},
                        {"errorCode", e.error_code.empty() ? json(nullptr) : json(e.error_code)},
                        {"detail", detail}});
    }
  }
  json grants = json::array();
  for (const core::Grant& g : inventory_.Grants(k)) {
    json constraints = nullptr;
    if (g.constraints) {
      constraints = json::object();
      if (g.constraints->encryption_context_subset)
        constraints["encryptionContextSubset"] = *g.constraints->encryption_context_subset;
      if (g.constraints->encryption_context_equals)
        constraints["encryptionContextEquals"] = *g.constraints->encryption_context_equals;
    }
    grants.push_back({{"grantId", g.grant_id},
                      {"name", g.name.empty() ? json(nullptr) : json(g.name)},
                      {"granteePrincipal", g.grantee_principal},
                      {"retiringPrincipal",
                       g.retiring_principal.empty() ? json(nullptr) : json(g.retiring_principal)},
                      {"operations", wire::Names(g.operations)},
                      {"constraints", std::move(constraints)},
                      {"createdAt", core::FormatIso8601(g.creation_date)}});
  }
  // The key's recent access denials, newest first: when, who (the verified
  // principal's ARN, CloudTrail's userIdentity.arn) and which operation.
  json denials = json::array();
  if (audit_) {
    core::AuditQuery q;
    q.scope = scope;
    q.key_id = k.id;
    q.error_code = "AccessDeniedException";
    q.limit = kMaxDenialsListed;
    std::vector<core::AuditEvent> found = audit_->Query(q);
    for (auto it = found.rbegin(); it != found.rend(); ++it) {
      json record = json::parse(it->record, nullptr, false);
      json principal = nullptr;
      if (record.is_object() && record.contains("userIdentity") &&
          record["userIdentity"].is_object())
        principal = record["userIdentity"].value("arn", json(nullptr));
      denials.push_back({{"time", core::FormatIso8601(it->time)},
                         {"principalArn", std::move(principal)},
                         {"eventName", it->event_name}});
    }
  }
  return AdminJson(req, http::status::ok,
                   {{"key", KeySummary(*overview)},
                    {"policy", k.policy.empty() ? json(nullptr) : json(k.policy)},
                    {"versions", std::move(versions)},
                    {"grants", std::move(grants)},
                    {"denials", std::move(denials)},
                    {"events", std::move(events)}});
}

HttpResponse AdminEndpoints::Events(const HttpRequest& req, std::string_view) {
  if (!audit_) throw core::KmsError(core::ErrorCode::kNotFound, "The audit trail is off.");
  core::AuditQuery q;
  if (std::optional<std::string> key = QueryParam(req, "key")) {
    core::KeyReference ref = core::ParseKeyReference(*key);
    q.key_id = ref.id;
    if (ref.kind == core::KeyReference::Kind::kKeyArn)
      q.scope = core::Scope{ref.account, ref.region};
  }
  q.event_name = QueryParam(req, "name").value_or("");
  if (std::optional<std::string> since = QueryParam(req, "since")) {
    q.since = core::ParseIso8601(*since);
    if (!q.since) {
      throw core::KmsError::Validation(
          "since must be an ISO-8601 UTC time like 2027-01-01T00:00:00Z");
    }
  }
  std::optional<size_t> limit = LimitParam(req, 100, 10000);
  if (!limit) throw core::KmsError::Validation("limit must be a positive integer");
  q.limit = *limit;
  json events = json::array();
  for (const core::AuditEvent& e : audit_->Query(q)) {
    json record = json::parse(e.record, nullptr, false);
    if (!record.is_discarded()) events.push_back(std::move(record));
  }
  return AdminJson(req, http::status::ok,
                   {{"events", std::move(events)}, {"dropped", audit_->dropped()}});
}

HttpResponse AdminEndpoints::Report(const HttpRequest& req, std::string_view) {
  core::ReportOptions options{clock_.Now(), options_.max_material_age_days,
                              options_.expiry_warning_days};
  try {
    if (auto v = QueryParam(req, "maxMaterialAgeDays"))
      options.max_material_age_days = std::stoi(*v);
    if (auto v = QueryParam(req, "expiryWarningDays")) options.expiry_warning_days = std::stoi(*v);
  } catch (const std::exception&) {
    throw core::KmsError::Validation("maxMaterialAgeDays and expiryWarningDays must be integers");
  }
  core::ComplianceReport report = core::BuildComplianceReport(inventory_, options);
  // ?format=text|markdown: what `rotor report --format` prints; default JSON.
  std::optional<std::string> format = QueryParam(req, "format");
  if (!format || *format == "json")
    return AdminJson(req, http::status::ok, tools::ReportJson(report));
  if (*format != "text" && *format != "markdown")
    throw core::KmsError::Validation("format must be json, text or markdown");
  bool markdown = *format == "markdown";
  HttpResponse res = http::JsonResponse(
      req, http::status::ok,
      tools::RenderReport(report,
                          markdown ? tools::ReportFormat::kMarkdown : tools::ReportFormat::kText),
      "", markdown ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  return res;
}

HttpResponse AdminEndpoints::UiIndex(const HttpRequest& req, std::string_view) {
  return UiFile(req, "index.html");
}

HttpResponse AdminEndpoints::UiFile(const HttpRequest& req, std::string_view file) {
  const UiAsset* asset = FindUiAsset(file);
  if (!asset)
    throw core::KmsError(core::ErrorCode::kNotFound, "No dashboard file " + std::string(file));
  HttpResponse res = http::JsonResponse(req, http::status::ok, std::string(asset->bytes), "",
                                        std::string(asset->content_type).c_str());
  res.set(http::field::cache_control, "no-store");
  return res;
}

HttpResponse AdminEndpoints::Operations(const HttpRequest& req, std::string_view) {
  json operations = json::array();
  for (const wire::OperationEntry& op : wire::AllOperations()) {
    json actions = json::array();
    for (std::string_view a : op.policy_actions) {
      if (!a.empty()) actions.push_back(std::string(a));
    }
    json never_logged = json::array();
    for (std::string_view m : op.never_logged) never_logged.push_back(std::string(m));
    operations.push_back({{"name", std::string(op.name)},
                          {"family", std::string(wire::ToString(op.family))},
                          {"readOnly", op.read_only()},
                          {"cryptographic", op.cryptographic()},
                          {"blocking", op.blocking()},
                          {"changesKeyState", op.changes_key_state()},
                          {"neverLogged", std::move(never_logged)},
                          {"policyActions", std::move(actions)}});
  }
  json service_events = json::array();
  for (const wire::ServiceEventEntry& e : wire::AllServiceEvents()) {
    service_events.push_back({{"name", std::string(core::ToString(e.kind))},
                              {"family", std::string(wire::ToString(e.family))},
                              {"changesKeyState", (e.flags & wire::kChangesKeyState) != 0}});
  }
  return AdminJson(
      req, http::status::ok,
      {{"operations", std::move(operations)}, {"serviceEvents", std::move(service_events)}});
}

}  // namespace rotor::server::admin
