#include "server/admin/admin_routes.h"

#include <array>

#include "server/admin/admin_endpoints.h"

namespace rotor::server::admin {
namespace {

using http::verb;
using A = AdminEndpoints;
constexpr PathMatch kExact = PathMatch::kExact;
constexpr PathMatch kPrefix = PathMatch::kPrefix;

// First match wins: exact rows come before a prefix that covers them.
constexpr std::array kRoutes = {
    AdminRoute{verb::get, "/_rotor/health", kExact, kPublic, &A::Health},
    AdminRoute{verb::get, "/_rotor/ui", kExact, kPublic, &A::UiIndex},
    AdminRoute{verb::get, "/_rotor/ui/", kExact, kPublic, &A::UiIndex},
    AdminRoute{verb::get, "/_rotor/ui/", kPrefix, kPublic, &A::UiFile},
    AdminRoute{verb::get, "/_rotor/login", kExact, kPublic, &A::Login},
    AdminRoute{verb::get, "/_rotor/clock", kExact, 0, &A::GetClock},
    AdminRoute{verb::post, "/_rotor/clock", kExact, kBlocking, &A::MoveClock},
    AdminRoute{verb::post, "/_rotor/reset", kExact, kBlocking, &A::Reset},
    AdminRoute{verb::post, "/moto-api/reset", kExact, kBlocking, &A::Reset},
    AdminRoute{verb::get, "/moto-api/", kExact, kPublic, &A::MotoHome},
    AdminRoute{verb::get, "/_rotor/keys", kExact, 0, &A::ListKeys},
    AdminRoute{verb::get, "/_rotor/keys/", kPrefix, 0, &A::KeyDetail},
    AdminRoute{verb::get, "/_rotor/events", kExact, 0, &A::Events},
    AdminRoute{verb::get, "/_rotor/report", kExact, 0, &A::Report},
    AdminRoute{verb::get, "/_rotor/operations", kExact, 0, &A::Operations},
    AdminRoute{verb::get, "/_rotor/metrics", kExact, 0, &A::Metrics},
    AdminRoute{verb::get, "/", kExact, kPublic, &A::Root},
    AdminRoute{verb::get, "/favicon.ico", kExact, kPublic, &A::Favicon},
    AdminRoute{verb::get, "/_rotor/faults", kExact, 0, &A::ListFaults},
    AdminRoute{verb::post, "/_rotor/faults", kExact, kBlocking, &A::AddFault},
    AdminRoute{verb::delete_, "/_rotor/faults", kExact, 0, &A::ClearFaults},
    AdminRoute{verb::delete_, "/_rotor/faults/", kPrefix, 0, &A::RemoveFault},
};

}  // namespace

const AdminRoute* FindAdminRoute(http::verb method, std::string_view path) {
  for (const AdminRoute& r : kRoutes) {
    if (r.method != method) continue;
    if (r.match == kExact ? path == r.path : path.starts_with(r.path)) return &r;
  }
  return nullptr;
}

std::span<const AdminRoute> AdminRoutes() { return kRoutes; }

bool IsAdminPath(std::string_view target) {
  return target.starts_with("/_rotor/") || target.starts_with("/moto-api/");
}

bool IsAdminRequest(http::verb method, std::string_view target) {
  if (IsAdminPath(target)) return true;
  std::string_view path = target.substr(0, target.find('?'));
  return method == verb::get && (path == "/" || path == "/favicon.ico");
}

}  // namespace rotor::server::admin
