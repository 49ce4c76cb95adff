// The checks that keep a browser from reaching Rotor by another name or from
// another site, run on every request before any surface (the KMS API, the
// admin API, the dashboard) sees it:
// - DNS rebinding: a page on evil.example whose name is made to resolve to
//   127.0.0.1 sends `Host: evil.example`; only the loopback names, the --host
//   value and the --allowed-hosts names are answered (as Vite, webpack-dev-server
//   and Jupyter do).
// - Origin: a request a browser sends from a page of another origin carries
//   that page's Origin (RFC 6454); the server's own origin is http:// and the
//   Host header's host and port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/kms_error.h"
#include "server/http/http_types.h"

namespace rotor::server::http {

// The host and port of a Host header (RFC 9110 section 7.2) or of an Origin
// (RFC 6454 section 7): "name", "name:port", "1.2.3.4:port", "[::1]:port".
struct Authority {
  std::string host;              // lower case; an IPv6 literal without its brackets
  std::optional<uint16_t> port;  // absent when not written (or written as "name:")
};

// Nullopt when `text` is not a host with an optional port: empty, a path, user
// info, a port over 65535, characters RFC 3986 does not allow in a host.
std::optional<Authority> ParseAuthority(std::string_view text);

// The names a request's Host header may carry (its port is not checked: a
// container's published port differs from the one Rotor listens on).
class HostAllowList {
 public:
  // Always localhost, 127.0.0.1 and ::1, plus `listen_host` (the --host value)
  // and each of `allowed` (--allowed-hosts): a name ("rotor"), a name with a
  // leading dot for it and every subdomain (".example.test"), or "*" for any
  // host (which turns the check off). Names compare case-insensitively.
  explicit HostAllowList(std::string_view listen_host = "127.0.0.1",
                         const std::vector<std::string>& allowed = {});

  // True for a host (as ParseAuthority returns it) the list allows.
  bool Allows(std::string_view host) const;

  // Nullopt when `req` may go on: its Host is allowed, or it has none (an
  // HTTP/1.0 request, which no browser sends). Else AccessDeniedException
  // naming --allowed-hosts, to be answered with 403.
  std::optional<core::KmsError> Check(const HttpRequest& req) const;

 private:
  bool any_ = false;
  std::vector<std::string> names_;    // exact names
  std::vector<std::string> domains_;  // ".example.test": the name and its subdomains
};

// True when `req` has no Origin header, or its Origin is the server's own:
// scheme http (Rotor serves no TLS), host and port those of the Host header
// (port 80 when either leaves it out). "null" (sandboxed frames, file:) and
// every other scheme are foreign.
bool IsSameOrigin(const HttpRequest& req);

// The KMS API's refusal of a foreign Origin (IsSameOrigin false):
// AccessDeniedException naming the Origin (its first 100 characters), answered
// with 403; nullopt when the Origin is the server's own or absent.
std::optional<core::KmsError> ForeignOrigin(const HttpRequest& req);

}  // namespace rotor::server::http
