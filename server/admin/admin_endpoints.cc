#include "server/admin/admin_endpoints.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/advance_time.h"
#include "core/asymmetric_key.h"
#include "core/bytes.h"
#include "core/kms_error.h"
#include "server/admin/admin_http.h"
#include "server/admin/admin_routes.h"
#include "server/audit/cloudtrail_event.h"
#include "server/http/error_response.h"
#include "server/http/host_header.h"
#include "server/wire/json_body.h"

namespace rotor::server::admin {
namespace {

using nlohmann::json;

std::string_view PathOf(const HttpRequest& req) {
  std::string_view target(req.target().data(), req.target().size());
  return target.substr(0, target.find('?'));
}

// The time POST /_rotor/clock asks for: {"advance":"<duration>"} from `now`,
// {"advance":"next"}: the next scheduled event (`next_event`, not before
// `now`), or {"set":"<ISO-8601>"} not before `now`. Throws ValidationException.
core::Timestamp TargetTime(const json& body, core::Timestamp now,
                           const std::function<std::optional<core::Timestamp>()>& next_event) {
  if (body.contains("advance") && body["advance"].is_string()) {
    const std::string advance = body["advance"].get<std::string>();
    if (advance == "next") {
      std::optional<core::Timestamp> next = next_event();
      if (!next) {
        throw core::KmsError::Validation(
            "No event is scheduled: no key has a rotation, an on-demand rotation in progress, "
            "imported key material that expires or a pending deletion.");
      }
      return std::max(*next, now);
    }
    std::optional<core::Millis> d = core::ParseDuration(advance);
    if (!d) {
      throw core::KmsError::Validation(
          "advance must be a duration like 1y, 2w, 400d, 12h, 30m, 45s or 1d12h, or next");
    }
    return now + *d;
  }
  if (body.contains("set") && body["set"].is_string()) {
    std::optional<core::Timestamp> t = core::ParseIso8601(body["set"].get<std::string>());
    if (!t) {
      throw core::KmsError::Validation(
          "set must be an ISO-8601 UTC time like 2027-01-01T00:00:00Z");
    }
    if (*t < now) {
      throw core::KmsError::Validation(
          "Time never moves backwards: " + body["set"].get<std::string>() + " is before " +
          core::FormatIso8601(now));
    }
    return *t;
  }
  throw core::KmsError::Validation(R"(Send {"advance":"400d"} or {"set":"2027-01-01T00:00:00Z"}.)");
}

}  // namespace

http::status AdminStatus(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kAccessDenied:
      return http::status::forbidden;
    case core::ErrorCode::kNotFound:
      return http::status::not_found;
    default:
      return static_cast<http::status>(core::HttpStatus(code));
  }
}

AdminEndpoints::AdminEndpoints(core::KmsService& service, core::KeyInventory& inventory,
                               const core::Clock& clock, core::VirtualClock* virtual_clock,
                               audit::AuditTrail* audit, AdminOptions options)
    : service_(service),
      inventory_(inventory),
      audit_(audit),
      clock_(clock),
      virtual_clock_(virtual_clock),
      options_(std::move(options)),
      started_(std::chrono::steady_clock::now()) {}

http::Route AdminEndpoints::Find(const HttpRequest& req) const {
  const AdminRoute* route = FindAdminRoute(req.method(), PathOf(req));
  return {route && (route->flags & kBlocking), route};
}

bool AdminEndpoints::Authorized(const HttpRequest& req, const Peer& peer) const {
  // A web page open in the user's browser must not drive the admin API of a
  // Rotor on the same machine: browsers name the page's origin on cross-site
  // requests, so a foreign Origin (scheme, host or port) is refused even from
  // loopback.
  if (!http::IsSameOrigin(req)) return false;
  if (peer.loopback) return true;
  if (options_.dashboard_login && options_.dashboard_login->HasSession(req)) return true;
  if (options_.admin_token.empty()) return false;
  auto it = req.find("X-Rotor-Admin-Token");
  return it != req.end() && it->value().size() == options_.admin_token.size() &&
         core::ConstantTimeEquals(reinterpret_cast<const uint8_t*>(it->value().data()),
                                  reinterpret_cast<const uint8_t*>(options_.admin_token.data()),
                                  options_.admin_token.size());
}

HttpResponse AdminEndpoints::Handle(const HttpRequest& req, const Peer& peer,
                                    const http::Route& found) {
  std::string_view path = PathOf(req);
  const auto* route = static_cast<const AdminRoute*>(found.row);
  try {
    // Health is public: container health checks come from outside loopback.
    // So are the dashboard's static files: they hold no data, and the page
    // sends the token (from #token=...) with its data requests. Unknown
    // paths need authorization too, so nothing is learnt without it.
    if (!(route && (route->flags & kPublic)) && !Authorized(req, peer)) {
      throw core::KmsError(
          core::ErrorCode::kAccessDenied,
          "Rotor's admin endpoints answer same-origin requests from loopback clients, "
          "requests carrying the X-Rotor-Admin-Token header when --admin-token is set, or a "
          "browser that opened the one-time dashboard link of Rotor's start line.");
    }
    if (!route) {
      throw core::KmsError(core::ErrorCode::kNotFound, "No admin endpoint " +
                                                           std::string(req.method_string()) + " " +
                                                           std::string(req.target()));
    }
    std::string_view rest =
        route->match == PathMatch::kPrefix ? path.substr(route->path.size()) : std::string_view();
    return (this->*route->handler)(req, rest);
  } catch (const std::exception& e) {
    // The one catch of the admin API.
    std::string where = "admin " + std::string(req.method_string()) + " " + std::string(path);
    core::KmsError error = http::ClientError(e, where, "");
    HttpResponse res =
        http::ErrorResponse(req, error, "", AdminStatus(error.code()), http::kJsonContentType);
    res.body() += '\n';  // admin JSON ends with a newline, as curl users expect
    res.prepare_payload();
    return res;
  }
}

HttpResponse AdminEndpoints::Health(const HttpRequest& req, std::string_view) {
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  core::StoreHealth store = options_.store_health ? options_.store_health() : core::StoreHealth{};
  bool ok = store.status == core::StoreHealth::Status::kOk;
  json body = {{"status", ok ? "ok" : "failing"},
               {"store", options_.store},
               {"version", options_.version},
               {"openssl", core::OpenSslVersionText()},
               {"uptimeSeconds", uptime}};
  if (!ok) body["problem"] = store.problem;
  if (!options_.warnings.empty()) body["warnings"] = options_.warnings;
  if (audit_)
    body["auditEvents"] = {{"written", audit_->written()}, {"dropped", audit_->dropped()}};
  return AdminJson(req, ok ? http::status::ok : http::status::service_unavailable, body);
}

HttpResponse AdminEndpoints::MotoHome(const HttpRequest& req, std::string_view) {
  // moto_server answers its dashboard page here, 200; health checks written
  // for it probe this URL. Rotor answers a short page with the same status
  // as /_rotor/health (503 once the store stopped taking writes).
  core::StoreHealth store = options_.store_health ? options_.store_health() : core::StoreHealth{};
  bool ok = store.status == core::StoreHealth::Status::kOk;
  std::string page =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Rotor</title>"
      "</head><body><p>Rotor " +
      options_.version + (ok ? ": ok" : ": failing") +
      ". moto's <code>POST /moto-api/reset</code> works here; the dashboard is at <a "
      "href=\"/_rotor/ui\">/_rotor/ui</a>.</p></body></html>\n";
  HttpResponse res =
      http::JsonResponse(req, ok ? http::status::ok : http::status::service_unavailable,
                         std::move(page), "", "text/html; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  return res;
}

HttpResponse AdminEndpoints::Metrics(const HttpRequest& req, std::string_view) {
  if (!options_.metrics) throw core::KmsError(core::ErrorCode::kNotFound, "No metrics here.");
  std::map<std::string, uint64_t> keys_by_state;
  inventory_.ForEach([&keys_by_state](const core::KeyOverview& k) {
    ++keys_by_state[std::string(core::ToString(k.key.state))];
    return true;
  });
  HttpResponse res = http::JsonResponse(req, http::status::ok, options_.metrics(keys_by_state), "",
                                        "text/plain; version=0.0.4; charset=utf-8");
  res.set(http::field::cache_control, "no-store");
  return res;
}

HttpResponse AdminEndpoints::Root(const HttpRequest& req, std::string_view) {
  HttpResponse res = http::JsonResponse(
      req, http::status::found,
      "<!doctype html>\n<p>Rotor's dashboard is at <a href=\"/_rotor/ui\">/_rotor/ui</a>; its KMS "
      "API answers POST / (aws --endpoint-url).</p>\n",
      "", "text/html; charset=utf-8");
  res.set(http::field::location, "/_rotor/ui");
  return res;
}

HttpResponse AdminEndpoints::Login(const HttpRequest& req, std::string_view) {
  if (!options_.dashboard_login) {
    throw core::KmsError(core::ErrorCode::kNotFound,
                         "This Rotor listens on loopback only: open /_rotor/ui, no login needed.");
  }
  std::optional<std::string> cookie =
      options_.dashboard_login->Redeem(QueryParam(req, "token").value_or(""));
  if (!cookie) {
    // The token is not echoed: this answer may end up in a proxy's log.
    throw core::KmsError(core::ErrorCode::kAccessDenied,
                         "This dashboard link is not valid or was already used: each start of "
                         "Rotor prints one link that opens the dashboard once. Restart Rotor for "
                         "a new one, or open /_rotor/ui from loopback.");
  }
  HttpResponse res = http::JsonResponse(req, http::status::see_other,
                                        "<!doctype html>\n<p>Signed in: the dashboard is at <a "
                                        "href=\"/_rotor/ui/\">/_rotor/ui/</a>.</p>\n",
                                        "", "text/html; charset=utf-8");
  res.set(http::field::location, "/_rotor/ui/");
  res.set(http::field::set_cookie, *cookie);
  res.set(http::field::cache_control, "no-store");
  return res;
}

HttpResponse AdminEndpoints::Favicon(const HttpRequest& req, std::string_view) {
  HttpResponse res{http::status::no_content, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::field::cache_control, "max-age=86400");
  return res;
}

HttpResponse AdminEndpoints::GetClock(const HttpRequest& req, std::string_view) {
  std::optional<core::Timestamp> next = service_.NextEventTime();
  return AdminJson(req, http::status::ok,
                   {{"now", core::FormatIso8601(clock_.Now())},
                    {"virtual", virtual_clock_ != nullptr},
                    {"nextEvent", next ? json(core::FormatIso8601(*next)) : json(nullptr)}});
}

HttpResponse AdminEndpoints::MoveClock(const HttpRequest& req, std::string_view) {
  if (!virtual_clock_) {
    throw core::KmsError(
        core::ErrorCode::kClock,
        "The clock is the system clock; start rotor with --clock virtual to move time.");
  }
  json body = wire::ParseRequestBody(req.body());
  std::lock_guard lock(clock_mu_);
  core::Timestamp target =
      TargetTime(body, virtual_clock_->Now(), [this] { return service_.NextEventTime(); });
  core::AdvanceResult moved = core::AdvanceTime(service_, target, virtual_clock_);
  json events = json::array();
  for (const core::ServiceEvent& e : moved.listed) {
    json event = {{"event", std::string(core::ToString(e.kind))},
                  {"keyId", e.key_id},
                  {"account", e.scope.account},
                  {"region", e.scope.region},
                  {"time", core::FormatIso8601(e.time)},
                  {"keyMaterialIds", e.key_material_ids},
                  {"detail", audit::ServiceEventDetail(e)}};
    if (e.rotation_type) event["rotationType"] = std::string(core::ToString(*e.rotation_type));
    events.push_back(std::move(event));
  }
  json by_event = json::object();
  for (const auto& [kind, count] : moved.count_by_event)
    by_event[std::string(core::ToString(kind))] = count;
  return AdminJson(req, http::status::ok,
                   {{"now", core::FormatIso8601(moved.now)},
                    {"fired", std::move(events)},
                    {"firedCount", moved.count},
                    {"firedByEvent", std::move(by_event)},
                    {"firedListed", moved.listed.size()}});
}

HttpResponse AdminEndpoints::Reset(const HttpRequest& req, std::string_view) {
  service_.Reset();
  if (audit_) audit_->Clear();
  return AdminJson(req, http::status::ok, {{"status", "ok"}});
}

}  // namespace rotor::server::admin
