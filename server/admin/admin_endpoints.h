// AdminEndpoints: Rotor's own HTTP API under /_rotor/ (and moto's reset URL).
// Its routes are the rows of admin_routes.h; docs/cli.md describes every
// answer. Errors are core::KmsError, written by the one JSON error writer
// (server/http/error_response.h) with the names of core's error table; as a
// REST API it answers AccessDeniedException with 403 and NotFoundException
// with 404. Internal errors are logged, never shown.
//
// Who may call: loopback clients, any client carrying the configured admin
// token in X-Rotor-Admin-Token (for containers listening on 0.0.0.0), or a
// browser holding the dashboard's session cookie (dashboard_login.h).
// Requests whose Origin header names another site are refused (a browser page
// must not be able to reset or move the clock of a local Rotor). Health and
// the dashboard's static files need no authorization.
//
// It reads keys through core (KmsService, KeyInventory), never the repository.
//
// Thread safety: Find and Handle may be called concurrently; clock moves are
// serialised.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/fault_rules.h"
#include "core/key_inventory.h"
#include "core/kms_error.h"
#include "core/kms_service.h"
#include "server/admin/dashboard_login.h"
#include "server/audit/audit_trail.h"
#include "server/http/http_types.h"
#include "server/http/request_handler.h"

namespace rotor::server::admin {

using http::HttpRequest;
using http::HttpResponse;
using http::Peer;

struct AdminOptions {
  std::string admin_token;  // empty: loopback only
  std::string version;
  core::Scope default_scope{"111122223333", "us-east-1"};
  int max_material_age_days = 365;  // report defaults
  int expiry_warning_days = 30;
  // The store's health: GET /_rotor/health answers 503 with its problem unless
  // it is kOk (core/key_repository.h). Empty: always healthy.
  std::function<core::StoreHealth()> store_health = nullptr;
  // The store that serves, named by GET /_rotor/health: "sqlite" or "postgres".
  std::string store = "sqlite";
  // Sentences GET /_rotor/health lists under "warnings" (a system clock behind
  // the data's virtual time, say).
  std::vector<std::string> warnings = {};
  // GET /_rotor/metrics: the Prometheus text of the server's counters, given
  // the count of keys per KeyState ("Enabled" -> 3) the admin API read from
  // the store (server/metrics.h). Empty: the route answers 404.
  std::function<std::string(const std::map<std::string, uint64_t>& keys_by_state)> metrics =
      nullptr;
  // The KMS API's injected faults (/_rotor/faults); null: those routes
  // answer 404.
  core::FaultRules* faults = nullptr;
  // The one-time dashboard link and its session cookie; null: GET
  // /_rotor/login answers 404 (a server only loopback clients can reach).
  DashboardLogin* dashboard_login = nullptr;
};

// The status of an admin error: REST's 403 and 404 for AccessDeniedException
// and NotFoundException, the error table's status for every other code.
http::status AdminStatus(core::ErrorCode code);

class AdminEndpoints final : public http::RequestHandler {
 public:
  // `virtual_clock` null: the system clock (POST /_rotor/clock answers 409).
  // `audit` null: no audit trail (/_rotor/events answers 404).
  AdminEndpoints(core::KmsService& service, core::KeyInventory& inventory, const core::Clock& clock,
                 core::VirtualClock* virtual_clock, audit::AuditTrail* audit, AdminOptions options);

  using http::RequestHandler::Handle;
  // The route of the request's method and path (AdminRoute, or nullptr);
  // blocking with the route's kBlocking flag.
  http::Route Find(const HttpRequest& req) const override;
  // Checks authorization unless the route is public, runs the route's
  // handler and writes any error it throws.
  HttpResponse Handle(const HttpRequest& req, const Peer& peer, const http::Route& route) override;

  // ---- Handlers, one per route (admin_routes.cc). `rest` is what follows a
  // prefix route's path. They throw core::KmsError for a bad request.
  HttpResponse Health(const HttpRequest& req, std::string_view rest);
  // {"now":"<ISO-8601>","virtual":bool,"nextEvent":"<ISO-8601>"|null}: the
  // next scheduled event is KmsService::NextEventTime.
  HttpResponse GetClock(const HttpRequest& req, std::string_view rest);
  // {"advance":"400d"} | {"advance":"next"} | {"set":"<ISO-8601>"}: virtual
  // clock only; fires every due rotation/deletion (core::AdvanceTime) before
  // answering. "next" with nothing scheduled: ValidationException.
  HttpResponse MoveClock(const HttpRequest& req, std::string_view rest);
  HttpResponse Reset(const HttpRequest& req, std::string_view rest);
  // GET /moto-api/: a short HTML page, 200 while healthy, 503 when the store
  // stopped taking writes (moto_server's home page, probed by health checks).
  HttpResponse MotoHome(const HttpRequest& req, std::string_view rest);
  // GET /_rotor/metrics: Prometheus text exposition format 0.0.4.
  HttpResponse Metrics(const HttpRequest& req, std::string_view rest);
  // GET /: 302 to /_rotor/ui, for a browser pointed at the endpoint URL.
  HttpResponse Root(const HttpRequest& req, std::string_view rest);
  // GET /favicon.ico: 204 No Content (Rotor has no icon; browsers ask).
  HttpResponse Favicon(const HttpRequest& req, std::string_view rest);
  // GET /_rotor/login?token=T: redeems the one-time token of the start line;
  // 303 to /_rotor/ui/ with the session cookie, once. A wrong or used token:
  // AccessDeniedException (403); no dashboard login on this server: 404.
  HttpResponse Login(const HttpRequest& req, std::string_view rest);
  // inspection_endpoints.cc
  HttpResponse ListKeys(const HttpRequest& req, std::string_view rest);
  HttpResponse KeyDetail(const HttpRequest& req, std::string_view key_id);
  HttpResponse Events(const HttpRequest& req, std::string_view rest);
  HttpResponse Report(const HttpRequest& req, std::string_view rest);
  // The KMS operation table's rows (server/wire/operation_table.h) and the
  // service events', as the dashboard reads them.
  HttpResponse Operations(const HttpRequest& req, std::string_view rest);
  // fault_endpoints.cc: the injected fault rules (core/fault_rules.h,
  // server/wire/fault_rule_json.h). POST adds one and answers it with its id;
  // GET lists them with their counts; DELETE removes one (404 when unknown)
  // or all.
  HttpResponse ListFaults(const HttpRequest& req, std::string_view rest);
  HttpResponse AddFault(const HttpRequest& req, std::string_view rest);
  HttpResponse ClearFaults(const HttpRequest& req, std::string_view rest);
  HttpResponse RemoveFault(const HttpRequest& req, std::string_view id);
  HttpResponse UiIndex(const HttpRequest& req, std::string_view rest);
  HttpResponse UiFile(const HttpRequest& req, std::string_view file);

 private:
  bool Authorized(const HttpRequest& req, const Peer& peer) const;
  core::FaultRules& Faults() const;  // throws NotFoundException when not wired

  core::KmsService& service_;
  core::KeyInventory& inventory_;
  audit::AuditTrail* audit_;
  const core::Clock& clock_;
  core::VirtualClock* virtual_clock_;  // null with the system clock
  AdminOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::mutex clock_mu_;  // one clock move at a time, so events fire in order
};

}  // namespace rotor::server::admin
