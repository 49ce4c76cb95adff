// The admin API's route table (server/admin/admin_routes.h) and the rules
// AdminEndpoints::Handle applies around it: authorization unless the route is
// public, 404 for no route, and errors named by core's one error table.
#include "server/admin/admin_routes.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "core/kms_service.h"
#include "failing_repository.h"
#include "server/admin/admin_endpoints.h"
#include "storage/memory_key_repository.h"

using namespace rotor;
using namespace rotor::server;
using nlohmann::json;

namespace {

struct AdminFixture {
  explicit AdminFixture(core::KeyRepository& store, bool virtual_clock = true,
                        admin::AdminOptions options = {"", "test"})
      : sealer(random.Secret(32), random),
        service(store, sealer, random, core::ServiceConfig{}),
        inventory(store),
        admin(service, inventory, clock, virtual_clock ? &clock : nullptr, nullptr,
              std::move(options)) {}

  http::HttpResponse Call(http::verb verb, const std::string& target, bool loopback = true,
                          const std::string& body = "", const std::string& cookie = "") {
    http::HttpRequest req{verb, target, 11};
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    req.body() = body;
    req.prepare_payload();
    return admin.Handle(req, {"10.9.8.7", loopback});
  }
  static json Body(const http::HttpResponse& res) { return json::parse(res.body()); }

  core::SeededRandom random{5};
  core::VirtualClock clock{*core::ParseIso8601("2026-01-01T00:00:00Z")};
  core::KeySealer sealer;
  core::KmsService service;
  core::KeyInventory inventory;
  admin::AdminEndpoints admin;
};

}  // namespace

TEST_CASE("Admin routes match the method and the exact path, or a prefix and its rest") {
  using admin::FindAdminRoute;
  using admin::PathMatch;
  const admin::AdminRoute* keys = FindAdminRoute(http::verb::get, "/_rotor/keys");
  REQUIRE(keys);
  CHECK(keys->match == PathMatch::kExact);
  CHECK(keys->handler == &admin::AdminEndpoints::ListKeys);
  const admin::AdminRoute* detail = FindAdminRoute(http::verb::get, "/_rotor/keys/abc");
  REQUIRE(detail);
  CHECK(detail->match == PathMatch::kPrefix);
  CHECK(detail->path == "/_rotor/keys/");
  CHECK(detail->handler == &admin::AdminEndpoints::KeyDetail);
  // The dashboard page under both spellings, before the prefix of its files.
  CHECK(FindAdminRoute(http::verb::get, "/_rotor/ui")->handler == &admin::AdminEndpoints::UiIndex);
  CHECK(FindAdminRoute(http::verb::get, "/_rotor/ui/")->handler == &admin::AdminEndpoints::UiIndex);
  CHECK(FindAdminRoute(http::verb::get, "/_rotor/ui/app.js")->handler ==
        &admin::AdminEndpoints::UiFile);
  // One path, two methods.
  CHECK(FindAdminRoute(http::verb::get, "/_rotor/clock")->handler ==
        &admin::AdminEndpoints::GetClock);
  CHECK(FindAdminRoute(http::verb::post, "/_rotor/clock")->handler ==
        &admin::AdminEndpoints::MoveClock);
  CHECK(FindAdminRoute(http::verb::post, "/moto-api/reset")->handler ==
        &admin::AdminEndpoints::Reset);
  CHECK(FindAdminRoute(http::verb::get, "/moto-api/")->handler == &admin::AdminEndpoints::MotoHome);
  // No route: another method, a longer exact path, a path outside the table.
  CHECK_FALSE(FindAdminRoute(http::verb::delete_, "/_rotor/clock"));
  CHECK_FALSE(FindAdminRoute(http::verb::post, "/_rotor/health"));
  CHECK_FALSE(FindAdminRoute(http::verb::get, "/_rotor/healthz"));
  CHECK_FALSE(FindAdminRoute(http::verb::get, "/_rotor/nope"));
  CHECK(admin::IsAdminPath("/_rotor/keys?limit=1"));
  CHECK(admin::IsAdminPath("/moto-api/reset"));
  CHECK_FALSE(admin::IsAdminPath("/"));
  CHECK_FALSE(admin::IsAdminPath("/_rotor"));
  // A browser's GET / and /favicon.ico are the admin API's; the KMS API is POST /.
  CHECK(admin::IsAdminRequest(http::verb::get, "/"));
  CHECK(admin::IsAdminRequest(http::verb::get, "/?from=bookmark"));
  CHECK(admin::IsAdminRequest(http::verb::get, "/favicon.ico"));
  CHECK_FALSE(admin::IsAdminRequest(http::verb::post, "/"));
  CHECK_FALSE(admin::IsAdminRequest(http::verb::get, "/other"));
}

TEST_CASE(
    "GET / points a browser to the dashboard, /favicon.ico is 204, admin JSON ends in a newline") {
  storage::MemoryKeyRepository store;
  AdminFixture f(store);
  http::HttpResponse root = f.Call(http::verb::get, "/", /*loopback=*/false);
  CHECK(root.result_int() == 302);
  CHECK(root[http::field::location] == "/_rotor/ui");
  http::HttpResponse icon = f.Call(http::verb::get, "/favicon.ico", false);
  CHECK(icon.result_int() == 204);
  CHECK(icon.body().empty());
  http::HttpResponse clock = f.Call(http::verb::get, "/_rotor/clock");
  CHECK(clock.body().ends_with("}\n"));
  http::HttpResponse error = f.Call(http::verb::get, "/_rotor/nope");
  CHECK(error.result_int() == 404);
  CHECK(error.body().ends_with("}\n"));
}

TEST_CASE(
    "Only health, the dashboard's files and a browser's first requests are public, only the POSTs "
    "may block") {
  std::set<std::tuple<http::verb, std::string_view, admin::PathMatch>> seen;
  for (const admin::AdminRoute& r : admin::AdminRoutes()) {
    CAPTURE(r.path);
    CHECK(admin::IsAdminRequest(r.method, r.path));
    CHECK(seen.insert({r.method, r.path, r.match}).second);  // no row hides another
    bool is_public = (r.flags & admin::kPublic) != 0;
    CHECK(is_public == (r.path == "/_rotor/health" || r.path == "/moto-api/" ||
                        r.path.starts_with("/_rotor/ui") || r.path == "/_rotor/login" ||
                        r.path == "/" || r.path == "/favicon.ico"));
    CHECK(((r.flags & admin::kBlocking) != 0) == (r.method == http::verb::post));
    CHECK(r.handler != nullptr);
  }
}

TEST_CASE("Admin requests are authorized before a route is looked up, except public ones") {
  storage::MemoryKeyRepository store;
  AdminFixture f(store);
  // From outside loopback without the token: public routes answer, others are
  // refused, unknown paths included (403 before 404).
  CHECK(f.Call(http::verb::get, "/_rotor/health", false).result_int() == 200);
  CHECK(f.Call(http::verb::get, "/_rotor/ui/app.js", false).result_int() == 200);
  // moto's home page, which health checks written for moto_server probe.
  http::HttpResponse moto = f.Call(http::verb::get, "/moto-api/", false);
  CHECK(moto.result_int() == 200);
  CHECK(moto[http::field::content_type] == "text/html; charset=utf-8");
  http::HttpResponse denied = f.Call(http::verb::get, "/_rotor/keys", false);
  CHECK(denied.result_int() == 403);
  CHECK(f.Body(denied)["__type"] == "AccessDeniedException");
  CHECK(denied[http::field::content_type] == "application/json");
  CHECK(f.Call(http::verb::get, "/_rotor/nope", false).result_int() == 403);
  // From loopback: no route is a 404 naming the method and target.
  http::HttpResponse missing = f.Call(http::verb::get, "/_rotor/nope?x=1");
  CHECK(missing.result_int() == 404);
  CHECK(f.Body(missing) == json{{"__type", "NotFoundException"},
                                {"message", "No admin endpoint GET /_rotor/nope?x=1"}});
  // The request's blocking flag is the route's.
  http::HttpRequest move{http::verb::post, "/_rotor/clock?x", 11};
  CHECK(f.admin.Find(move).blocking);
  http::HttpRequest read{http::verb::get, "/_rotor/keys", 11};
  CHECK_FALSE(f.admin.Find(read).blocking);
}

TEST_CASE("Admin errors carry the names of core's one error table") {
  storage::MemoryKeyRepository store;
  AdminFixture system_clock(store, /*virtual_clock=*/false);
  http::HttpResponse clock =
      system_clock.Call(http::verb::post, "/_rotor/clock", true, R"({"advance":"1d"})");
  CHECK(clock.result_int() == 409);
  CHECK(AdminFixture::Body(clock)["__type"] == core::ErrorName(core::ErrorCode::kClock));
  AdminFixture f(store);
  http::HttpResponse bad = f.Call(http::verb::post, "/_rotor/clock", true, R"({"advance":"x"})");
  CHECK(bad.result_int() == 400);
  CHECK(f.Body(bad)["__type"] == "ValidationException");
  http::HttpResponse not_json = f.Call(http::verb::post, "/_rotor/clock", true, "{");
  CHECK(not_json.result_int() == 400);
  CHECK(f.Body(not_json)["__type"] == "SerializationException");
  http::HttpResponse no_key = f.Call(http::verb::get, "/_rotor/keys/absent");
  CHECK(no_key.result_int() == 404);
  CHECK(f.Body(no_key)["message"] ==
        "Key 'arn:aws:kms:us-east-1:111122223333:key/absent' does not exist");
}

TEST_CASE("An internal failure under an admin endpoint is logged, never shown") {
  rotor::testing::FailingRepository broken;
  AdminFixture f(broken);
  for (const char* target : {"/_rotor/keys", "/_rotor/report", "/_rotor/keys/k"}) {
    CAPTURE(target);
    http::HttpResponse res = f.Call(http::verb::get, target);
    CHECK(res.result_int() == 500);
    CHECK(f.Body(res) == json{{"__type", "KMSInternalException"},
                              {"message", "The request failed because of an internal error."}});
  }
  http::HttpResponse reset = f.Call(http::verb::post, "/_rotor/reset");
  CHECK(reset.result_int() == 500);
  CHECK(reset.body().find("sqlite") == std::string::npos);
}

TEST_CASE("GET /_rotor/clock names the next event, and {\"advance\":\"next\"} moves to it") {
  storage::MemoryKeyRepository store;
  AdminFixture f(store);
  json clock = f.Body(f.Call(http::verb::get, "/_rotor/clock"));
  CHECK(clock == json{{"now", "2026-01-01T00:00:00Z"}, {"virtual", true}, {"nextEvent", nullptr}});
  // Nothing scheduled: "next" is a ValidationException and the clock stays.
  http::HttpResponse none =
      f.Call(http::verb::post, "/_rotor/clock", true, R"({"advance":"next"})");
  CHECK(none.result_int() == 400);
  CHECK(f.Body(none)["__type"] == "ValidationException");
  CHECK(f.clock.Now() == *core::ParseIso8601("2026-01-01T00:00:00Z"));

  core::RequestContext ctx;
  ctx.scope = {"111122223333", "us-east-1"};
  ctx.now = f.clock.Now();
  core::Key key = f.service.CreateKey(ctx, {});
  f.service.ScheduleKeyDeletion(ctx, key.id, 7);
  clock = f.Body(f.Call(http::verb::get, "/_rotor/clock"));
  CHECK(clock["nextEvent"] == "2026-01-08T00:00:00Z");
  json moved = f.Body(f.Call(http::verb::post, "/_rotor/clock", true, R"({"advance":"next"})"));
  CHECK(moved["now"] == "2026-01-08T00:00:00Z");
  CHECK(moved["firedCount"] == 1);
  CHECK(moved["fired"][0]["event"] == "DeleteKey");
  CHECK(f.Body(f.Call(http::verb::get, "/_rotor/clock"))["nextEvent"] == nullptr);
  // Durations take years and weeks too.
  json year = f.Body(f.Call(http::verb::post, "/_rotor/clock", true, R"({"advance":"1y1w"})"));
  CHECK(year["now"] == "2027-01-15T00:00:00Z");
}

TEST_CASE("The one-time dashboard link sets a session cookie the admin API accepts from afar") {
  storage::MemoryKeyRepository store;
  admin::DashboardLogin login;
  admin::AdminOptions options{"", "test"};
  options.dashboard_login = &login;
  AdminFixture f(store, true, options);
  const std::string token = login.token();
  CHECK(f.Call(http::verb::get, "/_rotor/keys", false).result_int() == 403);
  // A wrong token is refused without naming it, and does not use the link up.
  http::HttpResponse wrong =
      f.Call(http::verb::get, "/_rotor/login?token=" + std::string(64, '0'), false);
  CHECK(wrong.result_int() == 403);
  CHECK(f.Body(wrong)["__type"] == "AccessDeniedException");
  CHECK(f.Call(http::verb::get, "/_rotor/login", false).result_int() == 403);
  // The right one: 303 to the dashboard with an HttpOnly, SameSite=Strict cookie.
  http::HttpResponse ok = f.Call(http::verb::get, "/_rotor/login?token=" + token, false);
  CHECK(ok.result_int() == 303);
  CHECK(ok[http::field::location] == "/_rotor/ui/");
  std::string set_cookie(ok[http::field::set_cookie]);
  REQUIRE(set_cookie.starts_with("rotor_dashboard="));
  CHECK(set_cookie.ends_with("; Path=/_rotor; HttpOnly; SameSite=Strict"));
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  CHECK(cookie.size() == std::string("rotor_dashboard=").size() + 64);
  CHECK(cookie.find(token) == std::string::npos);  // the session is not the token
  // Single use.
  CHECK(f.Call(http::verb::get, "/_rotor/login?token=" + token, false).result_int() == 403);
  // The cookie opens the admin API from outside loopback, among other cookies too.
  CHECK(f.Call(http::verb::get, "/_rotor/keys", false, "", cookie).result_int() == 200);
  CHECK(f.Call(http::verb::get, "/_rotor/report", false, "", "a=b; " + cookie + "; c=d")
            .result_int() == 200);
  // Not the token, not another value, not an empty one.
  CHECK(
      f.Call(http::verb::get, "/_rotor/keys", false, "", "rotor_dashboard=" + token).result_int() ==
      403);
  std::string other = cookie;
  other.back() = other.back() == '0' ? '1' : '0';
  CHECK(f.Call(http::verb::get, "/_rotor/keys", false, "", other).result_int() == 403);
  CHECK(f.Call(http::verb::get, "/_rotor/keys", false, "", "rotor_dashboard=").result_int() == 403);
}

TEST_CASE("Without a dashboard login (loopback servers) /_rotor/login is 404 and no cookie works") {
  storage::MemoryKeyRepository store;
  AdminFixture f(store);
  CHECK(f.Call(http::verb::get, "/_rotor/login?token=x").result_int() == 404);
  CHECK(f.Call(http::verb::get, "/_rotor/keys", false, "", "rotor_dashboard=").result_int() == 403);
}

TEST_CASE("Dashboard login: unguessable tokens, no session before the link is opened") {
  admin::DashboardLogin a;
  admin::DashboardLogin b;
  CHECK(a.token().size() == 64);
  CHECK(a.token().find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(a.token() != b.token());
  http::HttpRequest req{http::verb::get, "/_rotor/keys", 11};
  req.set(http::field::cookie, "rotor_dashboard=");
  CHECK_FALSE(a.HasSession(req));
  CHECK_FALSE(a.Redeem(b.token()).has_value());
  CHECK_FALSE(a.Redeem("").has_value());
  CHECK(a.Redeem(a.token()).has_value());
  CHECK_FALSE(a.Redeem(a.token()).has_value());
}

TEST_CASE("Dashboard login: which --host values are loopback") {
  for (const char* host : {"127.0.0.1", "127.0.0.2", "::1", "localhost", "::ffff:127.0.0.1"})
    CHECK(admin::IsLoopbackHost(host));
  for (const char* host : {"0.0.0.0", "::", "192.168.1.4", "rotor", "fe80::1"})
    CHECK_FALSE(admin::IsLoopbackHost(host));
}
