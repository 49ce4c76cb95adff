// RFC 9112's rules for a request's framing that Beast's parser leaves to the
// server, checked once the header is read and before any body byte is taken.
// Every breach is answered (400, or 501 for a transfer coding Rotor does not
// implement) and the connection then closes: a request whose length cannot be
// known leaves the next request's start unknown too (request smuggling).
#pragma once

#include <optional>

#include <boost/system/error_code.hpp>

#include "core/kms_error.h"
#include "server/http/http_types.h"

namespace rotor::server::http {

// BadRequestException (400) or NotImplementedException (501) for a request
// header that breaks RFC 9112, else nullopt:
// - an HTTP/1.1 request without a Host, or any request with more than one, or
//   a Host that is not a host[:port] (section 3.2);
// - Transfer-Encoding in an HTTP/1.0 request, or beside Content-Length, or
//   whose final coding is not chunked, or with chunked more than once
//   (sections 6.1, 6.3): 400;
// - a transfer coding before the final chunked other than chunked: 501 (Rotor
//   decodes none; section 6.1).
std::optional<core::KmsError> FramingError(const HttpRequest& header);

// The BadRequestException for a request Beast's parser refused (bad chunk
// size, bare LF line end, whitespace before a header colon, two different
// Content-Lengths, not HTTP at all...); nullopt for an error that is not a
// malformed request (the client closed or went silent, or a size limit the
// session answers itself).
std::optional<core::KmsError> ParseFailure(const boost::system::error_code& ec);

}  // namespace rotor::server::http
