#include "server/http/http_session.h"

#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/kms_error.h"
#include "server/http/error_response.h"
#include "server/http/request_framing.h"
#include "server/http/security_headers.h"
#include "server/http/server_state.h"

namespace rotor::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using asio::use_awaitable;

namespace {

Peer PeerOf(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  asio::ip::address a = endpoint.address();
  bool loopback =
      a.is_loopback() || (a.is_v6() && a.to_v6().is_v4_mapped() &&
                          asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback());
  return Peer{a.to_string(), loopback};
}

// A request the session refuses before any handler sees it: the error's
// status from core's table; the connection closes after the answer.
HttpResponse Refusal(const core::KmsError& error) {
  HttpResponse res = ErrorResponse(HttpRequest{}, error);
  res.keep_alive(false);
  return res;
}

}  // namespace

asio::awaitable<void> RunHttpSession(asio::ip::tcp::socket socket, RequestHandler& handler,
                                     asio::thread_pool& blocking, const SessionLimits& limits,
                                     ServerState& state) {
  Peer peer = PeerOf(socket);
  beast::tcp_stream stream(std::move(socket));
  // Room for a whole typical request (a 4 KiB plaintext is ~5.8 KB on the
  // wire), so each one arrives in a single read instead of a growing series.
  beast::flat_buffer buffer;
  buffer.reserve(16 * 1024);
  beast::error_code ec;
  bool first = true;
  while (!state.stopping()) {
    beast_http::request_parser<string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    // A whole request must arrive within the read timeout; an idle
    // keep-alive connection may wait longer for its next one.
    stream.expires_after(first || buffer.size() > 0 ? limits.read_timeout : limits.idle_timeout);
    first = false;
    // The header first, counting every byte the parser takes: Beast's own
    // header_limit applies to each read, not to the sum, so a client trickling
    // small header lines would otherwise never meet it.
    size_t header_bytes = 0;
    while (!ec && !parser.is_header_done()) {
      header_bytes += co_await beast_http::async_read_some(stream, buffer, parser,
                                                           asio::redirect_error(use_awaitable, ec));
      if (!ec && header_bytes > limits.header_bytes) ec = beast_http::error::header_limit;
    }
    // RFC 9112's framing rules Beast leaves to us, before any body byte is read.
    std::optional<core::KmsError> refused;
    if (!ec) refused = FramingError(parser.get());
    if (!ec && !refused && !parser.is_done()) {
      co_await beast_http::async_read(stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
    }
    if (ec == beast_http::error::body_limit) {
      refused = core::KmsError(core::ErrorCode::kRequestTooLarge,
                               "The request body is larger than 1 MiB.");
    } else if (ec == beast_http::error::header_limit) {
      refused = core::KmsError(core::ErrorCode::kRequestHeaderFieldsTooLarge,
                               "The request headers are larger than 16 KiB.");
    } else if (ec) {
      refused = ParseFailure(ec);  // malformed: answered; closed or timed out: nullopt
    }
    if (refused) {
      HttpResponse res = Refusal(*refused);
      SetSecurityHeaders(res);
      stream.expires_after(limits.write_timeout);
      co_await beast_http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      break;
    }
    if (ec) break;  // closed by the client or timed out
    ServerState::InFlight in_flight(state);
    HttpRequest req = parser.release();
    HttpResponse res;
    Route route = handler.Find(req);
    Hold hold;
    route.hold = &hold;
    if (route.blocking) {
      auto home = co_await asio::this_coro::executor;
      co_await asio::post(blocking, use_awaitable);
      res = handler.Handle(req, peer, route);
      co_await asio::post(home, use_awaitable);
    } else {
      res = handler.Handle(req, peer, route);
    }
    if (hold.drop) {
      // No answer: the client sees the connection close (or reset).
      stream.socket().close(ec);
      co_return;
    }
    if (hold.resume) {
      // The request waits on a timer; the thread serves other connections.
      auto home = co_await asio::this_coro::executor;
      asio::steady_timer timer(home, hold.delay);
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      ec = {};
      if (route.blocking) {
        co_await asio::post(blocking, use_awaitable);
        res = hold.resume();
        co_await asio::post(home, use_awaitable);
      } else {
        res = hold.resume();
      }
    }
    bool keep_alive = req.keep_alive() && !state.stopping();
    res.keep_alive(keep_alive);
    SetSecurityHeaders(res);
    stream.expires_after(limits.write_timeout);
    co_await beast_http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace rotor::server::http
