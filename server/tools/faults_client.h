// `rotor faults add|list|clear`: a client of a running Rotor's injected
// faults, the admin API's /_rotor/faults (docs/faults.md), so a test script
// adds, lists and clears rules without typing curl and JSON. Its flags are
// parsed by the server's parser (server/config.h); the server validates the
// rule (operation and error names against the KMS model, ranges).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "server/tools/admin_client.h"

namespace rotor::server::tools {

struct FaultsOptions : AdminClientOptions {
  std::string action;  // "list", "add" or "clear"
  // add: the rule in POST /_rotor/faults's layout ({"match", "action",
  // "frequency"}), values as the flags gave them (the server reads numbers
  // from strings too).
  nlohmann::json rule = nlohmann::json::object();
  std::string id;  // clear: one rule's id ("fault-1"); empty: every rule
  bool help = false;
};

// Adds, lists or clears the fault rules of the Rotor at AdminEndpoint(options)
// and prints the result to stdout: for add, "fault-N" and the rule as the
// server took it; for list, one line per rule with how often it matched and
// fired; for clear, how many rules were removed (or the JSON with --json).
// Returns 0, or 1 after a line on stderr ("rotor faults: ...") when the server
// cannot be reached or refuses (ValidationException naming the rule's member,
// NotFoundException for an unknown id).
int RunFaults(const FaultsOptions& options);

}  // namespace rotor::server::tools
