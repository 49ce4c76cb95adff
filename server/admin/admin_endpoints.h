// AdminEndpoints: Rotor's own HTTP API under /_rotor/ (and moto's reset URL).
//   GET  /_rotor/health          liveness, version, uptime
//   GET  /_rotor/clock           the current time and whether it is virtual
//   POST /_rotor/clock           {"advance":"400d"} | {"set":"<ISO-8601>"}: virtual clock only;
//                                fires every due rotation/deletion before answering
//   POST /_rotor/reset, POST /moto-api/reset   wipe all state
// Loopback clients only, unless the request carries the configured admin
// token in X-Rotor-Admin-Token (for containers listening on 0.0.0.0).
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/kms_service.h"
#include "server/http_types.h"

namespace rotor::server {

struct AdminOptions {
  std::string admin_token;  // empty: loopback only
  std::string version;
};

class AdminEndpoints {
 public:
  AdminEndpoints(core::KmsService& service, const core::Clock& clock,
                 core::VirtualClock* virtual_clock, AdminOptions options);

  static bool IsAdminPath(std::string_view target);
  bool IsBlocking(const HttpRequest& req) const;
  HttpResponse Handle(const HttpRequest& req, const Peer& peer);

 private:
  HttpResponse Health(const HttpRequest& req);
  HttpResponse GetClock(const HttpRequest& req);
  HttpResponse MoveClock(const HttpRequest& req);
  HttpResponse Reset(const HttpRequest& req);
  bool Authorized(const HttpRequest& req, const Peer& peer) const;

  core::KmsService& service_;
  const core::Clock& clock_;
  core::VirtualClock* virtual_clock_;  // null with the system clock
  AdminOptions options_;
  std::chrono::steady_clock::time_point started_;
  std::mutex clock_mu_;  // one clock move at a time, so events fire in order
};

}  // namespace rotor::server
