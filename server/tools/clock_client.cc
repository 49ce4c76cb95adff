#include "server/tools/clock_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "server/http/host_header.h"
#include "server/http/http_server.h"

namespace rotor::server::tools {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using nlohmann::json;

// A clock move fires every event on the way (ten years over many keys takes
// a while); a server that answers nothing within this is reported.
constexpr std::chrono::seconds kTimeout{600};

// A failure to reach the server or a refusal, printed as "rotor clock: <what>".
class ClockFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Answer {
  unsigned status = 0;
  json body;
};

// One request to `endpoint` (http://HOST:PORT), the answer's body parsed as JSON.
Answer Call(const ClockOptions& options, const std::string& endpoint, bhttp::verb method,
            const std::string& body) {
  std::optional<http::Authority> authority =
      http::ParseAuthority(std::string_view(endpoint).substr(7));
  if (!authority) throw ClockFailure("--endpoint " + endpoint + " is not http://HOST:PORT");
  const std::string port = std::to_string(authority->port.value_or(80));
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  tcp::resolver::results_type addresses = resolver.resolve(authority->host, port, ec);
  if (ec) throw ClockFailure("cannot resolve " + authority->host + ": " + ec.message());
  stream.expires_after(kTimeout);
  stream.connect(addresses, ec);
  if (ec) {
    throw ClockFailure("no Rotor answers at " + endpoint + " (" + ec.message() +
                       "): start one, or name it with --endpoint or --port");
  }
  bhttp::request<bhttp::string_body> req{method, "/_rotor/clock", 11};
  req.set(bhttp::field::host, std::string(endpoint.substr(7)));
  req.set(bhttp::field::user_agent, "rotor-clock");
  if (!options.admin_token.empty()) req.set("X-Rotor-Admin-Token", options.admin_token);
  if (method == bhttp::verb::post) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::write(stream, req, ec);
  if (!ec) bhttp::read(stream, buffer, res, ec);
  if (ec) throw ClockFailure("the request to " + endpoint + " failed: " + ec.message());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  Answer answer;
  answer.status = res.result_int();
  answer.body = json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
  if (answer.body.is_discarded()) {
    throw ClockFailure(endpoint + " answered " + std::to_string(answer.status) +
                       " without JSON: is it a Rotor?");
  }
  if (answer.status != 200) {
    throw ClockFailure(answer.body.value("__type", "error") + ": " +
                       answer.body.value("message", res.body()));
  }
  return answer;
}

std::string Text(const json& value) { return value.is_string() ? value.get<std::string>() : ""; }

void PrintClock(const json& clock) {
  std::printf("now %s (%s clock)\n", Text(clock["now"]).c_str(),
              clock.value("virtual", false) ? "virtual" : "system");
  if (clock.contains("nextEvent")) {
    std::string next = Text(clock["nextEvent"]);
    std::printf("next event %s\n", next.empty() ? "none scheduled" : next.c_str());
  }
}

// After a move: the time reached, then one line per event fired, in time order.
void PrintMove(const json& moved) {
  uint64_t count = moved.value("firedCount", uint64_t{0});
  std::printf("now %s; %llu event%s fired\n", Text(moved["now"]).c_str(),
              static_cast<unsigned long long>(count), count == 1 ? "" : "s");
  static const json kNone = json::array();
  const json& fired = moved.contains("fired") ? moved["fired"] : kNone;
  for (const json& e : fired) {
    std::string detail = Text(e["detail"]);
    std::printf("  %s  %s  %s  %s %s%s%s\n", Text(e["time"]).c_str(), Text(e["event"]).c_str(),
                Text(e["keyId"]).c_str(), Text(e["account"]).c_str(), Text(e["region"]).c_str(),
                detail.empty() ? "" : "  ", detail.c_str());
  }
  uint64_t listed = moved.value("firedListed", uint64_t{0});
  if (count > listed) {
    std::printf("  ... and %llu more (", static_cast<unsigned long long>(count - listed));
    bool first = true;
    const json& by_event = moved.contains("firedByEvent") ? moved["firedByEvent"] : kNone;
    for (auto it = by_event.begin(); it != by_event.end() && by_event.is_object(); ++it) {
      std::printf("%s%s %llu", first ? "" : ", ", it.key().c_str(),
                  it.value().get<unsigned long long>());
      first = false;
    }
    std::printf(" in all)\n");
  }
}

}  // namespace

std::string ClockEndpoint(const ClockOptions& options) {
  if (!options.endpoint.empty()) {
    std::string url = options.endpoint;
    while (url.size() > 7 && url.back() == '/') url.pop_back();
    return url;
  }
  std::string host = options.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  return http::HttpUrl(host, options.port);
}

int RunClock(const ClockOptions& options) {
  const std::string endpoint = ClockEndpoint(options);
  try {
    Answer answer;
    if (options.action.empty()) {
      answer = Call(options, endpoint, bhttp::verb::get, "");
    } else {
      json body = {{options.action, options.value}};
      answer = Call(options, endpoint, bhttp::verb::post, body.dump());
    }
    if (options.json) {
      std::printf("%s\n", answer.body.dump().c_str());
    } else if (options.action.empty()) {
      PrintClock(answer.body);
    } else {
      PrintMove(answer.body);
    }
    std::fflush(stdout);
    return 0;
  } catch (const ClockFailure& e) {
    std::fprintf(stderr, "rotor clock: %s\n", e.what());
    return 1;
  }
}

}  // namespace rotor::server::tools
