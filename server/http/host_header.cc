#include "server/http/host_header.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace rotor::server::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 3986 reg-name and IPv4address characters: unreserved, pct-encoded, sub-delims.
bool IsRegNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

// A name as the allow list compares it: lower case, no trailing dot (hosts
// come from ParseAuthority or the flags, never bracketed).
std::string Canonical(std::string_view host) {
  if (host.size() > 1 && host.back() == '.') host.remove_suffix(1);
  return Lower(host);
}

}  // namespace

std::optional<Authority> ParseAuthority(std::string_view text) {
  Authority a;
  std::string_view rest;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close == 1) return std::nullopt;
    std::string_view v6 = text.substr(1, close - 1);
    if (v6.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return std::nullopt;
    a.host = Lower(v6);
    rest = text.substr(close + 1);
  } else {
    size_t colon = text.find(':');
    std::string_view host = text.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), IsRegNameChar)) return std::nullopt;
    a.host = Lower(host);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
  }
  if (rest.empty()) return a;
  if (rest.front() != ':') return std::nullopt;
  rest.remove_prefix(1);
  if (rest.empty()) return a;  // "name:" has an empty port, which means the default
  if (rest.size() > 5 || rest.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned port = 0;
  std::from_chars(rest.data(), rest.data() + rest.size(), port);  // 1-5 digits, checked above
  if (port > 65535) return std::nullopt;
  a.port = static_cast<uint16_t>(port);
  return a;
}

HostAllowList::HostAllowList(std::string_view listen_host, const std::vector<std::string>& allowed)
    : names_{"localhost", "127.0.0.1", "::1"} {
  names_.push_back(Canonical(listen_host));
  for (const std::string& entry : allowed) {
    if (entry == "*") {
      any_ = true;
    } else if (entry.size() > 1 && entry.front() == '.') {
      domains_.push_back(Canonical(entry));
    } else if (!entry.empty()) {
      names_.push_back(Canonical(entry));
    }
  }
}

bool HostAllowList::Allows(std::string_view host) const {
  if (any_) return true;
  std::string name = Canonical(host);
  if (std::find(names_.begin(), names_.end(), name) != names_.end()) return true;
  return std::any_of(domains_.begin(), domains_.end(), [&name](const std::string& d) {
    // ".example.test" allows "example.test" and "x.example.test".
    return name == std::string_view(d).substr(1) || name.ends_with(d);
  });
}

std::optional<core::KmsError> HostAllowList::Check(const HttpRequest& req) const {
  if (req.find(field::host) == req.end()) return std::nullopt;
  std::string_view value = HeaderValue(req, field::host);
  std::optional<Authority> a = ParseAuthority(value);
  if (a && Allows(a->host)) return std::nullopt;
  std::string shown(value.substr(0, 100));
  return core::KmsError(
      core::ErrorCode::kAccessDenied,
      "Host '" + shown +
          "' is not allowed: Rotor answers only requests addressed to localhost, 127.0.0.1, "
          "[::1] or its --host, so that no web page can reach it through DNS rebinding. Name "
          "other hosts (a container or compose service name) with --allowed-hosts or "
          "ROTOR_ALLOWED_HOSTS, e.g. --allowed-hosts rotor.");
}

bool IsSameOrigin(const HttpRequest& req) {
  if (req.find(field::origin) == req.end()) return true;
  std::string_view origin = HeaderValue(req, field::origin);
  constexpr std::string_view kScheme = "http://";
  if (origin.size() <= kScheme.size() || Lower(origin.substr(0, kScheme.size())) != kScheme)
    return false;
  std::optional<Authority> o = ParseAuthority(origin.substr(kScheme.size()));
  if (req.find(field::host) == req.end()) return false;
  std::optional<Authority> h = ParseAuthority(HeaderValue(req, field::host));
  return o && h && o->host == h->host && o->port.value_or(80) == h->port.value_or(80);
}

std::optional<core::KmsError> ForeignOrigin(const HttpRequest& req) {
  if (IsSameOrigin(req)) return std::nullopt;
  std::string shown(HeaderValue(req, field::origin).substr(0, 100));
  return core::KmsError(core::ErrorCode::kAccessDenied,
                        "Origin '" + shown +
                            "' is not this server's own: Rotor's KMS API does not answer "
                            "requests from web pages of another origin.");
}

}  // namespace rotor::server::http
