// The admin API's route table, kept the way the KMS API keeps its operation
// table (server/wire/operation_table.h): one row per endpoint with everything
// about it: method, path (exact, or a prefix whose remainder is the handler's
// argument), whether it is public (answered without authorization) and
// whether it may block (run on the blocking pool, off the I/O threads).
//
//   GET  /_rotor/health              public   liveness, version, uptime
//   GET  /_rotor/ui, /_rotor/ui/     public   the dashboard page
//   GET  /_rotor/ui/<file>           public   the dashboard's other files
//   GET  /_rotor/clock                        the current time, virtual or not
//   POST /_rotor/clock               blocking advance or set the virtual clock
//   POST /_rotor/reset               blocking wipe all state (also moto's
//   POST /moto-api/reset             blocking   reset URL)
//   GET  /moto-api/                  public   moto's home page: a health check
//   GET  /_rotor/keys                         every key of every account/region
//   GET  /_rotor/keys/<keyId>                 one key's versions and timeline
//   GET  /_rotor/events                       the audit trail
//   GET  /_rotor/report                       the rotation compliance report
//   GET  /_rotor/operations                   the KMS operation table's rows
//   GET  /_rotor/metrics                      counters, Prometheus text format
//   GET  /                           public   302 to the dashboard (a browser's
//                                               visit; the KMS API is POST /)
//   GET  /favicon.ico                public   204: browsers ask for it
//   GET  /_rotor/faults                       the injected fault rules, with counts
//   POST /_rotor/faults                       add a fault rule
//   DELETE /_rotor/faults                     remove every fault rule
//   DELETE /_rotor/faults/<id>                remove one
// docs/cli.md describes every answer.
#pragma once

#include <span>
#include <string_view>

#include "server/http/http_types.h"

namespace rotor::server::admin {

class AdminEndpoints;

enum class PathMatch {
  kExact,   // the path is the row's path
  kPrefix,  // the path starts with the row's path; the rest goes to the handler
};

enum AdminRouteFlag : unsigned {
  kPublic = 1u << 0,    // no authorization: health checks, the dashboard's static files
  kBlocking = 1u << 1,  // may wait on a durable write or the clock lock
};

struct AdminRoute {
  http::verb method;
  std::string_view path;
  PathMatch match;
  unsigned flags;  // AdminRouteFlag bits
  // `rest`: the path after a prefix row's path; empty for exact rows.
  http::HttpResponse (AdminEndpoints::*handler)(const http::HttpRequest& req,
                                                std::string_view rest);
};

// The first row whose method is `method` and whose path matches `path` (a
// request target without its query string), or nullptr.
const AdminRoute* FindAdminRoute(http::verb method, std::string_view path);
std::span<const AdminRoute> AdminRoutes();

// True for the targets the admin API serves: /_rotor/... and /moto-api/...
bool IsAdminPath(std::string_view target);
// True for the requests the admin API serves: those of IsAdminPath, and a
// GET of / (a browser's visit; the KMS API is POST /) or of /favicon.ico.
bool IsAdminRequest(http::verb method, std::string_view target);

}  // namespace rotor::server::admin
