// RequestValidator: checks a request body against the botocore KMS model
// (server/wire/kms_model.h, the embedded kms_model.json) before any handler
// runs, so no operation validates its own input shape.
//
//  - wrong JSON type for a member, bad base64, an integer out of int32
//    range                                    -> SerializationException
//  - min/max/length/enum/pattern/required violations, all of them counted
//    and joined as AWS does ("2 validation errors detected: ...; ...")
//                                             -> ValidationException
// Unknown members are ignored, as AWS services do for newer clients.
// Blob members are base64-decoded once here and handed to the handler.
//
// Thread safety: the model is immutable after construction; Validate is const.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "server/wire/kms_model.h"

namespace rotor::server::wire {

// Decoded blob members of a request, by member name ("Plaintext", "CiphertextBlob").
using DecodedBlobs = std::map<std::string, core::Bytes, std::less<>>;

class RequestValidator {
 public:
  // Uses the embedded model (KmsModel::Embedded(), parsed on first use;
  // throws std::runtime_error if it is malformed).
  RequestValidator();

  // Operations the model defines ("CreateKey", ...).
  bool HasOperation(std::string_view operation) const;

  // Validates `body` (a JSON object) as the input of `operation`; throws
  // KmsError on the first serialization problem or after collecting every
  // constraint violation. Returns the decoded blob members.
  DecodedBlobs Validate(std::string_view operation, const nlohmann::json& body) const;

 private:
  const KmsModel& model_;
};

}  // namespace rotor::server::wire
