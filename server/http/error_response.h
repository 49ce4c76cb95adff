// The one JSON error writer of every surface: the KMS API, the admin API and
// the session's own answers (413, 431). An error is a core::KmsError; its
// name and status come from core's one error table (core/kms_error.h) and it
// is written as AWS writes errors:
//   {"__type":"NotFoundException","message":"Key '...' does not exist"}
// ("message" left out when empty, as AWS does for InvalidCiphertextException).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "core/kms_error.h"
#include "server/http/http_types.h"

namespace rotor::server::http {

// The message a client reads for any internal error.
inline constexpr std::string_view kInternalErrorMessage =
    "The request failed because of an internal error.";

// The error a client may see for an exception that ended a request. A
// client-facing KmsError (KmsError::client_facing) is returned as it is. An
// internal one (a KMSInternalException not made by KmsError::ForClient) or any
// other exception (storage failures such as a
// full disk, bugs) is logged to stderr with `where` and `request_id`, and
// becomes KMSInternalException with kInternalErrorMessage: internal text (an
// SQLite message, a key ARN in an invariant) never reaches a client.
core::KmsError ClientError(const std::exception& e, std::string_view where,
                           std::string_view request_id);

// {"__type": ..., "message": ...} as above.
std::string ErrorBody(const core::KmsError& e);

// The error response to `req`: `status_override` when given, else the table's status
// for the error's code; `content_type` of the surface; the x-amzn-RequestId
// header when `request_id` is not empty.
HttpResponse ErrorResponse(const HttpRequest& req, const core::KmsError& e,
                           const std::string& request_id = {},
                           std::optional<status> status_override = std::nullopt,
                           const char* content_type = kAwsJsonContentType);

}  // namespace rotor::server::http
