// Fault rules as JSON: what POST /_rotor/faults takes and GET lists, and the
// entries of a seed file's `faults:` section (YAML, where every scalar is a
// string: numbers and booleans are read from strings too). docs/faults.md is
// the reference:
//
//   {"match": {"operations": ["Encrypt"], "keyId": "<key id, key ARN, alias name or ARN>",
//              "account": "111122223333", "region": "us-east-1", "principal": "<ARN>"},
//    "action": {"error": "ThrottlingException", "message": "..."} | {"delay": "250ms"}
//              | {"drop": true},
//    "frequency": {"probability": 0.3, "seed": 7} | {"next": 3}
//                 | {"from": "<ISO-8601>", "until": "<ISO-8601>"}}   (absent: every match)
//
// Every member of "match" is optional. An error's name must be one of the KMS
// model's error shapes or ThrottlingException (AWS's common throttling error);
// it is answered with the status of core's error table and, without
// "message", with AWS's wording where AWS documents one (DefaultFaultMessage).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/fault_rules.h"

namespace rotor::server::wire {

// The rule `doc` describes. Throws core::KmsError ValidationException naming
// the first problem ("action.error: FooException is not an error of the KMS
// model"), SerializationException for a wrong JSON type.
core::FaultRule FaultRuleFromJson(const nlohmann::json& doc);

// A listed rule: {"id", "match", "action", "frequency", "matched", "fired"}
// (+ "remaining" for a next-N rule), in FaultRuleFromJson's layout.
nlohmann::json FaultRuleToJson(const core::FaultRuleStatus& status);

// The message an injected error carries when the rule gives none: AWS's
// wording for ThrottlingException (AWS KMS Developer Guide, "Throttling AWS
// KMS requests"), DryRunOperationException (recorded), ConflictException, and
// the API Reference's sentence for the retryable faults (KMSInternalException,
// DependencyTimeoutException, KeyUnavailableException); "" otherwise, as AWS
// sends several errors without a message.
std::string DefaultFaultMessage(core::ErrorCode code);

}  // namespace rotor::server::wire
