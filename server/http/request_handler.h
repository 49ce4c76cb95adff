// RequestHandler: what the HTTP transport calls for each request it has read.
// A handler is pure with respect to the network: request in, response out;
// the session owns the socket, the handler owns the protocol. The transport
// knows nothing else of what runs behind it (KMS, admin).
//
// Thread safety: both methods may be called concurrently.
#pragma once

#include "server/http/http_types.h"

namespace rotor::server::http {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // True when handling `req` may wait on a durable write or a lock: the
  // session then runs Handle on the blocking pool, off the I/O threads.
  virtual bool IsBlocking(const HttpRequest& req) const = 0;
  // Never throws: every failure is an error response.
  virtual HttpResponse Handle(const HttpRequest& req, const Peer& peer) = 0;
};

}  // namespace rotor::server::http
