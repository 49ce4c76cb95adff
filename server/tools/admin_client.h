// The HTTP client of the command-line tools that talk to a running Rotor's
// admin API (`rotor clock`, `rotor faults`; docs/cli.md): where the server is
// (--endpoint, else --host and --port, as the server's own defaults), the
// admin token, and one JSON request and answer.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace rotor::server::tools {

// How a tool reaches the server; each tool's options derive from it and its
// flags (--endpoint, --host, --port, --compat, --admin-token, --json) are
// parsed once for all of them (server/config.cc).
struct AdminClientOptions {
  // --endpoint http://HOST:PORT (ROTOR_ENDPOINT); empty: from --host and --port.
  std::string endpoint;
  // The server's defaults, so a client run beside `rotor` finds it; an
  // unspecified listen address (0.0.0.0, ::) is reached on loopback.
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  std::string admin_token;  // sent as X-Rotor-Admin-Token when set
  bool json = false;        // --json: the admin API's JSON as it answered
};

// The URL the options name: --endpoint (its trailing slash removed), else
// http://HOST:PORT with an unspecified address mapped to loopback and an IPv6
// address in brackets.
std::string AdminEndpoint(const AdminClientOptions& options);

// A failure to reach the server, or its refusal: the tool prints
// "rotor <tool>: <what>" and exits 1.
class AdminClientFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Sends `method` `path` ("/_rotor/clock") with `body` (JSON, sent when not
// empty) to AdminEndpoint(options), with the admin token when set and
// `user_agent` ("rotor-clock"), and waits up to 10 minutes for the answer.
// Returns the answer's body parsed as JSON. Throws AdminClientFailure when the
// endpoint is malformed, nothing answers, the answer is not JSON, or its status
// is not 200 (then "<__type>: <message>", the server's error name and message).
nlohmann::json CallAdmin(const AdminClientOptions& options, boost::beast::http::verb method,
                         std::string_view path, const std::string& body,
                         std::string_view user_agent);

}  // namespace rotor::server::tools
