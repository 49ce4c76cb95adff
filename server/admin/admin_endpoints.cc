#include "server/admin/admin_endpoints.h"

#include <malloc.h>

#include <algorithm>
#include <map>

#include <nlohmann/json.hpp>

#include "core/asymmetric_key.h"
#include "core/bytes.h"
#include "core/kms_error.h"
#include "server/admin/admin_http.h"
#include "server/wire/json_body.h"

namespace rotor::server::admin {
namespace {

using nlohmann::json;

HttpResponse Json(const HttpRequest& req, http::status status, const json& body) {
  return AdminJson(req, status, body);
}

HttpResponse Problem(const HttpRequest& req, http::status status, std::string_view type,
                     const std::string& message) {
  return AdminProblem(req, status, type, message);
}

bool IsPath(std::string_view target, std::string_view path) {
  return target == path || (target.size() > path.size() && target.substr(0, path.size()) == path &&
                            target[path.size()] == '?');
}

}  // namespace

AdminEndpoints::AdminEndpoints(core::KmsService& service, core::KeyRepository& repo,
                               const core::Clock& clock, core::VirtualClock* virtual_clock,
                               audit::AuditTrail* audit, AdminOptions options)
    : service_(service),
      repo_(repo),
      audit_(audit),
      clock_(clock),
      virtual_clock_(virtual_clock),
      options_(std::move(options)),
      started_(std::chrono::steady_clock::now()) {}

bool AdminEndpoints::IsAdminPath(std::string_view target) {
  return target.substr(0, 8) == "/_rotor/" || target.substr(0, 10) == "/moto-api/";
}

bool AdminEndpoints::IsBlocking(const HttpRequest& req) const {
  return req.method() == http::verb::post;
}

bool AdminEndpoints::Authorized(const HttpRequest& req, const Peer& peer) const {
  // A web page open in the user's browser must not drive the admin API of a
  // Rotor on the same machine: browsers name the page's origin on cross-site
  // requests, so a foreign Origin is refused even from loopback.
  auto origin = req.find(http::field::origin);
  if (origin != req.end()) {
    auto host = req.find(http::field::host);
    std::string_view o(origin->value().data(), origin->value().size());
    std::string_view h = host == req.end()
                             ? std::string_view()
                             : std::string_view(host->value().data(), host->value().size());
    size_t scheme = o.find("://");
    if (scheme == std::string_view::npos || o.substr(scheme + 3) != h) return false;
  }
  if (peer.loopback) return true;
  if (options_.admin_token.empty()) return false;
  auto it = req.find("X-Rotor-Admin-Token");
  return it != req.end() && it->value().size() == options_.admin_token.size() &&
         core::ConstantTimeEquals(reinterpret_cast<const uint8_t*>(it->value().data()),
                                  reinterpret_cast<const uint8_t*>(options_.admin_token.data()),
                                  options_.admin_token.size());
}

HttpResponse AdminEndpoints::Handle(const HttpRequest& req, const Peer& peer) {
  std::string_view target(req.target().data(), req.target().size());
  // Health is public: container health checks come from outside loopback.
  // So are the dashboard's static files: they hold no data, and the page
  // sends the token (from #token=...) with its data requests.
  if (IsPath(target, "/_rotor/health") && req.method() == http::verb::get) return Health(req);
  std::string_view path = target.substr(0, target.find('?'));
  if (req.method() == http::verb::get && (path == "/_rotor/ui" || path == "/_rotor/ui/")) {
    return Ui(req, "index.html");
  }
  if (req.method() == http::verb::get && path.substr(0, 11) == "/_rotor/ui/")
    return Ui(req, path.substr(11));
  if (!Authorized(req, peer)) {
    return Problem(req, http::status::forbidden, "AccessDeniedException",
                   "Rotor's admin endpoints answer same-origin requests from loopback clients, or "
                   "requests carrying the X-Rotor-Admin-Token header when --admin-token is set.");
  }
  try {
    if (IsPath(target, "/_rotor/clock")) {
      if (req.method() == http::verb::get) return GetClock(req);
      if (req.method() == http::verb::post) return MoveClock(req);
    }
    if ((IsPath(target, "/_rotor/reset") || IsPath(target, "/moto-api/reset")) &&
        req.method() == http::verb::post) {
      return Reset(req);
    }
    if (req.method() == http::verb::get) {
      if (path == "/_rotor/keys") return ListKeys(req);
      if (path.substr(0, 13) == "/_rotor/keys/") return KeyDetail(req, path.substr(13));
      if (path == "/_rotor/events") return Events(req);
      if (path == "/_rotor/report") return Report(req);
    }
  } catch (const core::KmsError& e) {
    return Problem(req, static_cast<http::status>(core::HttpStatus(e.code())), e.name(),
                   e.message());
  } catch (const std::exception& e) {
    return Problem(req, http::status::internal_server_error, "KMSInternalException", e.what());
  }
  return Problem(
      req, http::status::not_found, "NotFoundException",
      "No admin endpoint " + std::string(req.method_string()) + " " + std::string(target));
}

HttpResponse AdminEndpoints::Health(const HttpRequest& req) {
  double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  json body = {{"status", "ok"},
               {"version", options_.version},
               {"openssl", core::OpenSslVersionText()},
               {"uptimeSeconds", uptime}};
  if (audit_)
    body["auditEvents"] = {{"written", audit_->written()}, {"dropped", audit_->dropped()}};
  return Json(req, http::status::ok, body);
}

HttpResponse AdminEndpoints::GetClock(const HttpRequest& req) {
  return Json(req, http::status::ok,
              {{"now", core::FormatIso8601(clock_.Now())}, {"virtual", virtual_clock_ != nullptr}});
}

HttpResponse AdminEndpoints::MoveClock(const HttpRequest& req) {
  if (!virtual_clock_) {
    return Problem(req, http::status::conflict, "ClockException",
                   "The clock is the system clock; start rotor with --clock virtual to move time.");
  }
  json body = wire::ParseRequestBody(req.body());
  std::lock_guard lock(clock_mu_);
  core::Timestamp now = virtual_clock_->Now();
  core::Timestamp target;
  if (body.contains("advance") && body["advance"].is_string()) {
    std::optional<core::Millis> d = core::ParseDuration(body["advance"].get<std::string>());
    if (!d) {
      return Problem(req, http::status::bad_request, "ValidationException",
                     "advance must be a duration like 400d, 12h, 30m, 45s or 1d12h");
    }
    target = now + *d;
  } else if (body.contains("set") && body["set"].is_string()) {
    std::optional<core::Timestamp> t = core::ParseIso8601(body["set"].get<std::string>());
    if (!t) {
      return Problem(req, http::status::bad_request, "ValidationException",
                     "set must be an ISO-8601 UTC time like 2027-01-01T00:00:00Z");
    }
    if (*t < now) {
      return Problem(req, http::status::bad_request, "ValidationException",
                     "Time never moves backwards: " + body["set"].get<std::string>() +
                         " is before " + core::FormatIso8601(now));
    }
    target = *t;
  } else {
    return Problem(req, http::status::bad_request, "ValidationException",
                   R"(Send {"advance":"400d"} or {"set":"2027-01-01T00:00:00Z"}.)");
  }
  // Fire everything due up to the target, in time order, then move the clock.
  // Ten years over 100,000 keys is about a million events: they are fired in
  // slices and only the first kListedEvents are listed (with the totals), so
  // the answer and the memory stay bounded however far the clock moves.
  constexpr size_t kSlice = 10000;
  constexpr size_t kListedEvents = 1000;
  json events = json::array();
  std::map<std::string, uint64_t> counts;
  uint64_t total = 0;
  for (;;) {
    std::vector<core::ServiceEvent> fired = service_.RunDueEvents(target, kSlice);
    for (const core::ServiceEvent& e : fired) {
      ++counts[e.name];
      if (total++ >= kListedEvents) continue;
      events.push_back({{"event", e.name},
                        {"keyId", e.key_id},
                        {"account", e.scope.account},
                        {"region", e.scope.region},
                        {"time", core::FormatIso8601(e.time)},
                        {"detail", e.detail}});
    }
    if (fired.size() < kSlice) break;
  }
  virtual_clock_->AdvanceTo(target);
  json answer = {{"now", core::FormatIso8601(target)},
                 {"fired", std::move(events)},
                 {"firedCount", total},
                 {"firedByEvent", counts},
                 {"firedListed", std::min<uint64_t>(total, kListedEvents)}};
  if (total > kListedEvents) malloc_trim(0);  // a big catch-up: give the heap back
  return Json(req, http::status::ok, std::move(answer));
}

HttpResponse AdminEndpoints::Reset(const HttpRequest& req) {
  service_.Reset();
  if (audit_) audit_->Clear();
  return Json(req, http::status::ok, {{"status", "ok"}});
}

}  // namespace rotor::server::admin
