// RequestContext: who is calling, where, when, and which operation runs.
//
// The server builds one per request: the (account, region) keyspace from the
// SigV4 credential, one reading of the Clock, and the operation's name from
// its row of the operation table. Nothing below the server reads the clock
// again for that request, or spells the operation's name itself.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/ids.h"
#include "core/principal.h"

namespace rotor::core {

struct AccessRequest;  // core/access_request.h

struct RequestContext {
  Scope scope;
  Timestamp now;
  std::string request_id;
  std::string access_key_id;
  std::string source_ip;
  std::string user_agent;
  // AWS's name of the operation running ("Encrypt", "GenerateDataKeyWithoutPlaintext"):
  // what AWS's messages name ("... which is not valid for Encrypt.") and what
  // GetKeyLastUsage reports. Points at storage that outlives the request (the
  // operation table's row).
  std::string_view operation;
  // Strict mode (--auth strict): the caller whose SigV4 signature the server
  // verified (core/principal.h; owned by the server's credential table, valid
  // for the server's life). Null in open mode: no caller is verified.
  const Principal* principal = nullptr;
  // Strict mode: what access control reads of the request (its IAM actions,
  // condition keys and grant tokens; core/access_request.h), built once by the
  // wire and valid for the request. Null in open mode: nothing is authorised.
  const AccessRequest* access = nullptr;
  // Strict mode: the wall clock's reading for this request, which the
  // signature's time check uses even when `now` comes from the virtual clock
  // (the same reading as `now` on the system clock). Unset in open mode.
  Timestamp wall_now{};
};

}  // namespace rotor::core
