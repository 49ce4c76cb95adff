#include "server/tools/admin_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>

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

}  // namespace

std::string AdminEndpoint(const AdminClientOptions& options) {
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

json CallAdmin(const AdminClientOptions& options, bhttp::verb method, std::string_view path,
               const std::string& body, std::string_view user_agent) {
  const std::string endpoint = AdminEndpoint(options);
  std::optional<http::Authority> authority =
      http::ParseAuthority(std::string_view(endpoint).substr(7));
  if (!authority) throw AdminClientFailure("--endpoint " + endpoint + " is not http://HOST:PORT");
  const std::string port = std::to_string(authority->port.value_or(80));
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  tcp::resolver::results_type addresses = resolver.resolve(authority->host, port, ec);
  if (ec) throw AdminClientFailure("cannot resolve " + authority->host + ": " + ec.message());
  stream.expires_after(kTimeout);
  stream.connect(addresses, ec);
  if (ec) {
    throw AdminClientFailure("no Rotor answers at " + endpoint + " (" + ec.message() +
                             "): start one, or name it with --endpoint or --port");
  }
  bhttp::request<bhttp::string_body> req{method, std::string(path), 11};
  req.set(bhttp::field::host, endpoint.substr(7));
  req.set(bhttp::field::user_agent, std::string(user_agent));
  if (!options.admin_token.empty()) req.set("X-Rotor-Admin-Token", options.admin_token);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  bhttp::write(stream, req, ec);
  if (!ec) bhttp::read(stream, buffer, res, ec);
  if (ec) throw AdminClientFailure("the request to " + endpoint + " failed: " + ec.message());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  json answer = json::parse(res.body(), nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    throw AdminClientFailure(endpoint + " answered " + std::to_string(res.result_int()) +
                             " without JSON: is it a Rotor?");
  }
  if (res.result_int() != 200) {
    throw AdminClientFailure(answer.value("__type", "error") + ": " +
                             answer.value("message", res.body()));
  }
  return answer;
}

}  // namespace rotor::server::tools
