// HttpServer: the listener (accept loop), the I/O thread pool sized to the
// cores, the blocking pool for durable writes, and graceful shutdown on
// SIGINT/SIGTERM: stop accepting, let in-flight requests finish, then stop.
// Every request read goes to one RequestHandler.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/http/request_handler.h"
#include "server/http/session_limits.h"

namespace rotor::server::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  int io_threads = 0;         // 0: one per core
  int blocking_threads = 64;  // concurrent durable writes that can share a commit
  SessionLimits limits;
};

// "http://HOST:PORT" for people and clients: an IPv6 address in brackets
// (RFC 3986 section 3.2.2: http://[::1]:4599), a name or IPv4 address as is.
std::string HttpUrl(std::string_view host, uint16_t port);

// The URL a client on the same machine (or behind a container's port mapping)
// uses for a server listening on `host`: HttpUrl, except that a wildcard
// address, which no client can connect to by name, becomes the loopback
// address of its family (0.0.0.0 -> 127.0.0.1, :: -> ::1). For the start
// line's example command and dashboard link; "listening on" names the bound
// address itself.
std::string ClientUrl(std::string_view host, uint16_t port);

class HttpServer {
 public:
  HttpServer(RequestHandler& handler, ServerOptions options);
  ~HttpServer();

  // Binds and listens on ServerOptions::host (an address, or a name resolved
  // to its first IPv4 address, else its first); returns the port (useful
  // with port 0). Throws std::runtime_error with a message for people when
  // the name does not resolve or the port is taken.
  uint16_t Listen();
  // Serves until SIGINT or SIGTERM, then shuts down gracefully.
  void Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rotor::server::http
