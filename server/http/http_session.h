// HttpSession: one connection's read -> route -> write loop, as a coroutine.
// Requests that may block on a durable write are handed to the blocking pool
// and the coroutine resumes on the connection's strand afterwards, so I/O
// threads never wait for an fsync.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "server/http/session_limits.h"
#include "server/wire/router.h"

namespace rotor::server {

class ServerState;

boost::asio::awaitable<void> RunHttpSession(boost::asio::ip::tcp::socket socket, Router& router,
                                            boost::asio::thread_pool& blocking,
                                            const SessionLimits& limits, ServerState& state);

}  // namespace rotor::server
