// AdminEndpoints: Rotor's own HTTP API under /_rotor/ (and moto's reset URL).
//   GET  /_rotor/health          liveness, version, uptime
//   GET  /_rotor/clock           the current time and whether it is virtual
//   POST /_rotor/clock           {"advance":"400d"} | {"set":"<ISO-8601>"}: virtual clock only;
//                                fires every due rotation/deletion before answering
//   POST /_rotor/reset, POST /moto-api/reset   wipe all state
//   GET  /_rotor/keys, /_rotor/keys/<id>, /_rotor/events, /_rotor/report,
//        /_rotor/ui[/<file>]    inspection and the dashboard (inspection_endpoints.cc)
// docs/cli.md describes every answer.
// Loopback clients, or any client carrying the configured admin token in
// X-Rotor-Admin-Token (for containers listening on 0.0.0.0). Requests whose
// Origin header names another site are refused (a browser page must not be
// able to reset or move the clock of a local Rotor). Health and the
// dashboard's static files need no authorization.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/key_repository.h"
#include "core/kms_service.h"
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
};

class AdminEndpoints final : public http::RequestHandler {
 public:
  // `audit` may be null (no audit trail: /_rotor/events answers 404).
  AdminEndpoints(core::KmsService& service, core::KeyRepository& repo, const core::Clock& clock,
                 core::VirtualClock* virtual_clock, audit::AuditTrail* audit, AdminOptions options);

  static bool IsAdminPath(std::string_view target);
  bool IsBlocking(const HttpRequest& req) const override;
  HttpResponse Handle(const HttpRequest& req, const Peer& peer) override;

 private:
  HttpResponse Health(const HttpRequest& req);
  HttpResponse GetClock(const HttpRequest& req);
  HttpResponse MoveClock(const HttpRequest& req);
  HttpResponse Reset(const HttpRequest& req);
  // inspection_endpoints.cc
  HttpResponse ListKeys(const HttpRequest& req);
  HttpResponse KeyDetail(const HttpRequest& req, std::string_view key_id);
  HttpResponse Events(const HttpRequest& req);
  HttpResponse Report(const HttpRequest& req);
  HttpResponse Ui(const HttpRequest& req, std::string_view file);
  bool Authorized(const HttpRequest& req, const Peer& peer) const;

  core::KmsService& service_;
  core::KeyRepository& repo_;
  audit::AuditTrail* audit_;
  const core::Clock& clock_;
  core::VirtualClock* virtual_clock_;  // null with the system clock
  AdminOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::mutex clock_mu_;  // one clock move at a time, so events fire in order
};

}  // namespace rotor::server::admin
