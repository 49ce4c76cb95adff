#include "server/http/request_framing.h"

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <boost/beast/http/error.hpp>

#include "server/http/host_header.h"

namespace rotor::server::http {
namespace {

namespace beast_http = boost::beast::http;

core::KmsError BadRequest(std::string message) {
  return core::KmsError(core::ErrorCode::kBadRequest, std::move(message));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The transfer codings of every Transfer-Encoding line, in order, lower case,
// without parameters; empty list elements are skipped (RFC 9110 section 5.6.1).
std::vector<std::string> TransferCodings(const HttpRequest& header) {
  std::vector<std::string> codings;
  for (auto it = header.find(field::transfer_encoding);
       it != header.end() && it->name() == field::transfer_encoding; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    while (!list.empty()) {
      size_t comma = list.find(',');
      std::string_view item = list.substr(0, comma);
      item = Trim(item.substr(0, item.find(';')));
      if (!item.empty()) {
        std::string name(item);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        codings.push_back(std::move(name));
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  return codings;
}

}  // namespace

std::optional<core::KmsError> FramingError(const HttpRequest& header) {
  size_t hosts = header.count(field::host);
  if (hosts > 1)
    return BadRequest("A request carries one Host header, not " + std::to_string(hosts) +
                      " (RFC 9112 section 3.2).");
  if (hosts == 0 && header.version() >= 11)
    return BadRequest("An HTTP/1.1 request must carry a Host header (RFC 9112 section 3.2).");
  if (hosts == 1) {
    if (!ParseAuthority(HeaderValue(header, field::host)))
      return BadRequest("The Host header is not a host[:port] (RFC 9112 section 3.2).");
  }
  if (header.count(field::transfer_encoding) == 0) return std::nullopt;
  if (header.version() < 11) {
    return BadRequest(
        "Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 section 6.1).");
  }
  if (header.count(field::content_length) > 0) {
    return BadRequest(
        "A request carries Content-Length or Transfer-Encoding, not both (RFC 9112 section "
        "6.1).");
  }
  std::vector<std::string> codings = TransferCodings(header);
  if (codings.empty() || codings.back() != "chunked") {
    return BadRequest(
        "The final transfer coding of a request must be chunked (RFC 9112 section 6.3).");
  }
  for (size_t i = 0; i + 1 < codings.size(); ++i) {
    if (codings[i] == "chunked") {
      return BadRequest("A request is chunked once, not twice (RFC 9112 section 7).");
    }
  }
  if (codings.size() > 1) {
    return core::KmsError(core::ErrorCode::kNotImplemented,
                          "Rotor does not implement the transfer coding '" +
                              codings.front().substr(0, 40) +
                              "'; send the body as it is or chunked (RFC 9112 section 6.1).");
  }
  return std::nullopt;
}

std::optional<core::KmsError> ParseFailure(const boost::system::error_code& ec) {
  if (ec.category() != beast_http::make_error_code(beast_http::error::bad_method).category())
    return std::nullopt;  // reset, timeout, closed: no one to answer
  switch (static_cast<beast_http::error>(ec.value())) {
    case beast_http::error::end_of_stream:  // closed between requests
    case beast_http::error::body_limit:     // answered 413 by the session
    case beast_http::error::header_limit:   // answered 431 by the session
    case beast_http::error::need_more:
    case beast_http::error::need_buffer:
      return std::nullopt;
    case beast_http::error::bad_content_length:
      return BadRequest(
          "The Content-Length is not a number, or two Content-Length headers differ, or it "
          "comes with Transfer-Encoding: chunked (RFC 9112 section 6.3).");
    case beast_http::error::bad_transfer_encoding:
      return BadRequest(
          "Transfer-Encoding comes twice or with Content-Length (RFC 9112 section 6.1).");
    case beast_http::error::bad_chunk:
    case beast_http::error::bad_chunk_extension:
      return BadRequest("A chunk size line is malformed (RFC 9112 section 7.1).");
    case beast_http::error::bad_line_ending:
      return BadRequest("Lines of a request end with CRLF, not a bare LF (RFC 9112 section 2.2).");
    case beast_http::error::bad_field:
      return BadRequest(
          "A header field name is malformed; no whitespace is allowed between the name and the "
          "colon (RFC 9112 section 5.1).");
    case beast_http::error::bad_value:
      return BadRequest("A header field value holds a character RFC 9110 section 5.5 forbids.");
    case beast_http::error::bad_method:
    case beast_http::error::bad_target:
    case beast_http::error::bad_version:
      return BadRequest(
          "The request line is not METHOD SP target SP HTTP/1.1 CRLF (RFC 9112 section 3).");
    case beast_http::error::partial_message:
      return BadRequest("The request ended before its body did (RFC 9112 section 8).");
    default:
      return BadRequest("The request is not valid HTTP/1.1 (RFC 9112): " + ec.message() + ".");
  }
}

}  // namespace rotor::server::http
