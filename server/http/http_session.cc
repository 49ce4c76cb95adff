#include "server/http/http_session.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
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

// Runs `work` on a thread of `pool` and resumes the calling coroutine on its
// own executor once it is done; rethrows what `work` threw.
template <class Work>
asio::awaitable<void> OnPool(asio::thread_pool& pool, Work&& work) {
  co_await asio::co_spawn(
      pool,
      [&]() -> asio::awaitable<void> {
        work();
        co_return;
      },
      use_awaitable);
}

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

// The connection's read, idle and write timeouts, kept by one timer that
// wakes lazily: moving the deadline is a store to `deadline`, no system
// call. The timer wakes at least every `tick` (the shortest timeout) and
// then either closes the socket, when the deadline has passed, or sleeps
// until the deadline or the next tick, whichever comes first. Its expiry is
// thus never later than now + tick, so never later than a deadline set from
// now, and it closes the socket at the deadline exactly. (Beast's per-operation
// timeout instead arms and cancels a timer around every read and write: two
// timerfd_settime calls per request on a quiet server.) The session and the
// watchdog run on the connection's strand, one at a time.
struct Watchdog {
  using Clock = std::chrono::steady_clock;
  Watchdog(const asio::any_io_executor& ex, beast::tcp_stream& s, Clock::duration shortest)
      : timer(ex), stream(&s), tick(shortest) {}
  void Expire(Clock::duration timeout) { deadline = Clock::now() + timeout; }
  void Disarm() { deadline = Clock::time_point::max(); }

  asio::steady_timer timer;
  beast::tcp_stream* stream;  // null once the session has ended
  const Clock::duration tick;
  Clock::time_point deadline = Clock::time_point::max();
};

asio::awaitable<void> Watch(std::shared_ptr<Watchdog> w) {
  beast::error_code ec;
  while (w->stream) {
    co_await w->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (!w->stream) break;  // the session has ended
    Watchdog::Clock::time_point now = Watchdog::Clock::now();
    if (now >= w->deadline) {
      // As Beast's timeout: the pending read or write completes with an error.
      w->stream->socket().close(ec);
      break;
    }
    w->timer.expires_at(std::min(w->deadline, now + w->tick));
  }
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
  auto executor = co_await asio::this_coro::executor;
  auto watchdog = std::make_shared<Watchdog>(
      executor, stream,
      std::max(std::chrono::seconds(1),
               std::min({limits.read_timeout, limits.idle_timeout, limits.write_timeout})));
  watchdog->timer.expires_after(watchdog->tick);
  asio::co_spawn(executor, Watch(watchdog), asio::detached);
  // Ends the watchdog when the session ends, however it ends.
  struct EndWatch {
    Watchdog& w;
    ~EndWatch() {
      w.stream = nullptr;
      w.timer.cancel();
    }
  } end_watch{*watchdog};
  bool first = true;
  while (!state.stopping()) {
    beast_http::request_parser<string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_bytes));
    parser.body_limit(limits.body_bytes);
    // A whole request must arrive within the read timeout; an idle
    // keep-alive connection may wait longer for its next one.
    watchdog->Expire(first || buffer.size() > 0 ? limits.read_timeout : limits.idle_timeout);
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
      watchdog->Expire(limits.write_timeout);
      co_await beast_http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
      break;
    }
    if (ec) break;       // closed by the client or timed out
    watchdog->Disarm();  // handling a request has no timeout
    ServerState::InFlight in_flight(state);
    HttpRequest req = parser.release();
    HttpResponse res;
    Route route = handler.Find(req);
    Hold hold;
    route.hold = &hold;
    if (route.blocking) {
      // Run on the pool, then resume here. (asio::post(blocking,
      // use_awaitable) resumes this coroutine on its own I/O thread, the
      // handler's executor, so the write would block that thread and every
      // connection on it, and writes could share a commit only one per I/O
      // thread: bench/RESULTS.md, "Writes per commit".)
      co_await OnPool(blocking, [&] { res = handler.Handle(req, peer, route); });
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
        co_await OnPool(blocking, [&] { res = hold.resume(); });
      } else {
        res = hold.resume();
      }
    }
    bool keep_alive = req.keep_alive() && !state.stopping();
    res.keep_alive(keep_alive);
    SetSecurityHeaders(res);
    watchdog->Expire(limits.write_timeout);
    co_await beast_http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace rotor::server::http
