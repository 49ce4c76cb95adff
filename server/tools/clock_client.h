// `rotor clock`: a client of a running Rotor's clock, the admin API's
// GET /_rotor/clock and POST /_rotor/clock (docs/cli.md), so people and labs
// move time without typing curl and JSON. Its flags are parsed by the
// server's parser (server/config.h).
#pragma once

#include <string>

#include "server/tools/admin_client.h"

namespace rotor::server::tools {

struct ClockOptions : AdminClientOptions {
  // "" (show the clock), "advance" (`value`: a duration or "next") or "set"
  // (`value`: an ISO-8601 time).
  std::string action;
  std::string value;
  bool help = false;
};

// Shows or moves the clock of the Rotor at AdminEndpoint(options) and prints
// the answer to stdout: the time, the next scheduled event and, after a move,
// each event fired (or the JSON with --json). Returns 0, or 1 after a line on
// stderr ("rotor clock: ...") when the server cannot be reached or refuses
// (its error's name and message: ClockException for a system clock,
// ValidationException for a time in the past or nothing scheduled).
int RunClock(const ClockOptions& options);

}  // namespace rotor::server::tools
