// `rotor clock`: a client of a running Rotor's clock, the admin API's
// GET /_rotor/clock and POST /_rotor/clock (docs/cli.md), so people and labs
// move time without typing curl and JSON. Its flags are parsed by the
// server's parser (server/config.h).
#pragma once

#include <cstdint>
#include <string>

namespace rotor::server::tools {

struct ClockOptions {
  // --endpoint http://HOST:PORT (ROTOR_ENDPOINT); empty: from --host and --port.
  std::string endpoint;
  // The server's defaults, so a client run beside `rotor` finds it; an
  // unspecified listen address (0.0.0.0, ::) is reached on loopback.
  std::string host = "127.0.0.1";
  uint16_t port = 4599;
  std::string admin_token;  // sent as X-Rotor-Admin-Token when set
  bool json = false;        // --json: the admin API's JSON as it answered
  // "" (show the clock), "advance" (`value`: a duration or "next") or "set"
  // (`value`: an ISO-8601 time).
  std::string action;
  std::string value;
  bool help = false;
};

// The URL the options name: --endpoint (its trailing slash removed), else
// http://HOST:PORT with an unspecified address mapped to loopback and an IPv6
// address in brackets.
std::string ClockEndpoint(const ClockOptions& options);

// Shows or moves the clock of the Rotor at ClockEndpoint(options) and prints
// the answer to stdout: the time, the next scheduled event and, after a move,
// each event fired (or the JSON with --json). Returns 0, or 1 after a line on
// stderr ("rotor clock: ...") when the server cannot be reached or refuses
// (its error's name and message: ClockException for a system clock,
// ValidationException for a time in the past or nothing scheduled).
int RunClock(const ClockOptions& options);

}  // namespace rotor::server::tools
