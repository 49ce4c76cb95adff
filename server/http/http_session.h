// HttpSession: one connection's read -> handle -> write loop, as a coroutine.
// Requests that may block on a durable write are handed to the blocking pool
// and the coroutine resumes on the connection's strand afterwards, so I/O
// threads never wait for an fsync.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/http/request_handler.h"
#include "server/http/session_limits.h"

namespace rotor::server::http {

class ServerState;

boost::asio::awaitable<void> RunHttpSession(boost::asio::ip::tcp::socket socket,
                                            RequestHandler& handler,
                                            boost::asio::thread_pool& blocking,
                                            const SessionLimits& limits, ServerState& state);

}  // namespace rotor::server::http
