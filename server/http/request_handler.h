// RequestHandler: what the HTTP transport calls for each request it has read.
// A handler is pure with respect to the network: request in, response out;
// the session owns the socket, the handler owns the protocol. The transport
// knows nothing else of what runs behind it (KMS, admin).
//
// Each request is looked up once: Find names the row of the handler's own
// table that matches it (a KMS operation, an admin route) and whether
// handling it may block; the transport picks a thread by that and hands the
// same Route back to Handle.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <chrono>
#include <functional>

#include "server/http/http_types.h"

namespace rotor::server::http {

// What a handler may ask of the transport instead of an answer now (the KMS
// API's injected faults, core/fault_rules.h): close the connection without
// an answer, or wait `delay` on a timer (holding no thread) and then send
// what `resume` returns. `resume` runs on the same kind of thread Handle ran
// on (the blocking pool for a blocking route); the request it was handed
// stays alive until then.
struct Hold {
  bool drop = false;
  std::chrono::milliseconds delay{0};
  std::function<HttpResponse()> resume;  // set: answer later; unset: answer now
};

// The answer of one lookup, carried from Find to Handle.
struct Route {
  // Handling may wait on a durable write or a lock: the session then runs
  // Handle on the blocking pool, off the I/O threads.
  bool blocking = false;
  // The matching row of the handler's own table, or nullptr when none
  // matches. Opaque to the transport: only the handler that found it reads it.
  const void* row = nullptr;
  // Set by a transport that can hold a request (the HTTP session): where
  // Handle records a Hold, after which its response is ignored. Null for
  // callers that cannot (tests, fuzzers): a handler then answers at once.
  Hold* hold = nullptr;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Looks `req` up in the handler's table. Never throws.
  virtual Route Find(const HttpRequest& req) const = 0;
  // Handles `req`, given `route` = Find(req). Never throws: every failure is
  // an error response.
  virtual HttpResponse Handle(const HttpRequest& req, const Peer& peer, const Route& route) = 0;

  // Find, then Handle (callers that do not choose a thread: tests, fuzzers).
  HttpResponse Handle(const HttpRequest& req, const Peer& peer) {
    return Handle(req, peer, Find(req));
  }
};

}  // namespace rotor::server::http
