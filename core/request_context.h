// RequestContext: who is calling, where, and when.
//
// The server builds one per request: the (account, region) keyspace from the
// SigV4 credential, and one reading of the Clock. Nothing below the server
// reads the clock again for that request.
#pragma once

#include <string>

#include "core/clock.h"
#include "core/ids.h"

namespace rotor::core {

struct RequestContext {
  Scope scope;
  Timestamp now;
  std::string request_id;
  std::string access_key_id;
  std::string source_ip;
  std::string user_agent;
};

}  // namespace rotor::core
