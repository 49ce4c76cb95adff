#include "server/http/http_server.h"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server/http/http_session.h"
#include "server/http/server_state.h"

namespace rotor::server::http {

namespace asio = boost::asio;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

// `host`: an IPv4 or IPv6 address, else a name resolved by the system's
// resolver (getaddrinfo: /etc/hosts, DNS), whose first IPv4 address is taken
// (IPv6 when it has none), so --host localhost listens where clients of
// "localhost" look first. Throws std::runtime_error naming --host.
asio::ip::address ResolveHost(asio::io_context& ioc, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) return address;
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type results = resolver.resolve(host, "", ec);
  if (ec || results.empty()) {
    throw std::runtime_error("--host " + host +
                             " is neither an IP address nor a name that resolves" +
                             (ec ? " (" + ec.message() + ")" : std::string()));
  }
  for (const auto& r : results) {
    if (r.endpoint().address().is_v4()) return r.endpoint().address();
  }
  return results.begin()->endpoint().address();
}

}  // namespace

std::string HttpUrl(std::string_view host, uint16_t port) {
  bool v6 = host.find(':') != std::string_view::npos && !host.starts_with('[');
  return "http://" + std::string(v6 ? "[" : "") + std::string(host) + (v6 ? "]" : "") + ":" +
         std::to_string(port);
}

std::string ClientUrl(std::string_view host, uint16_t port) {
  if (host == "0.0.0.0") return HttpUrl("127.0.0.1", port);
  if (host == "::" || host == "[::]") return HttpUrl("::1", port);
  return HttpUrl(host, port);
}

struct HttpServer::Impl {
  Impl(RequestHandler& h, ServerOptions o)
      : handler(h),
        options(std::move(o)),
        io_threads(options.io_threads > 0
                       ? options.io_threads
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
        ioc(io_threads),
        acceptor(ioc),
        blocking(static_cast<size_t>(options.blocking_threads)),
        signals(ioc, SIGINT, SIGTERM) {}

  asio::awaitable<void> AcceptLoop() {
    asio::steady_timer backoff(ioc);
    for (;;) {
      boost::system::error_code ec;
      // Each connection gets its own strand: Beast's timeout handler closes the
      // socket from the stream's executor, and with several I/O threads that
      // must never run beside the session's own completions (a close racing
      // the session's last close crashed the server under 1000 timeouts).
      tcp::socket socket = co_await acceptor.async_accept(
          asio::any_io_executor(asio::make_strand(ioc)), asio::redirect_error(use_awaitable, ec));
      if (ec == asio::error::operation_aborted || state.stopping()) break;
      if (ec) {
        // Out of descriptors (EMFILE) and the like: back off instead of spinning.
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto strand = socket.get_executor();
      asio::co_spawn(strand,
                     RunHttpSession(std::move(socket), handler, blocking, options.limits, state),
                     asio::detached);
    }
  }

  asio::awaitable<void> DrainThenStop() {
    // In-flight requests finish (bounded: 10 s), then the I/O loop stops and
    // idle keep-alive connections are closed.
    asio::steady_timer timer(ioc);
    for (int i = 0; i < 1000 && state.in_flight() > 0; ++i) {
      timer.expires_after(std::chrono::milliseconds(10));
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    ioc.stop();
  }

  RequestHandler& handler;
  ServerOptions options;
  int io_threads;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::thread_pool blocking;
  asio::signal_set signals;
  ServerState state;
};

HttpServer::HttpServer(RequestHandler& handler, ServerOptions options)
    : impl_(std::make_unique<Impl>(handler, std::move(options))) {}

HttpServer::~HttpServer() = default;

uint16_t HttpServer::Listen() {
  boost::system::error_code ec;
  tcp::endpoint endpoint(ResolveHost(impl_->ioc, impl_->options.host), impl_->options.port);
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" +
                             std::to_string(impl_->options.port) + ": " + ec.message());
  }
  return a.local_endpoint().port();
}

void HttpServer::Run() {
  Impl& s = *impl_;
  // The accept loop and the stop signal share a strand: closing the acceptor
  // must not run beside an accept being started on another I/O thread.
  auto accept_strand = asio::make_strand(s.ioc);
  s.signals.async_wait(
      asio::bind_executor(accept_strand, [&s](const boost::system::error_code& ec, int) {
        if (ec) return;
        s.state.BeginStop();
        boost::system::error_code ignored;
        s.acceptor.close(ignored);
        asio::co_spawn(s.ioc, s.DrainThenStop(), asio::detached);
      }));
  asio::co_spawn(accept_strand, s.AcceptLoop(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < s.io_threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  s.blocking.join();
}

}  // namespace rotor::server::http
