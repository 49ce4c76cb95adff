// DashboardLogin: how a browser outside loopback (Rotor in a container, the
// browser on the host) opens the dashboard without a header it cannot send.
// At start-up Rotor draws a one-time token (32 bytes from OpenSSL's CSPRNG,
// 64 hex characters) and prints it once, in the start line, as
// http://HOST:PORT/_rotor/login?token=T. Opening that URL redeems the token
// (once: a second use, or any other token, is refused) and sets a session
// cookie (another 32 random bytes) with HttpOnly and SameSite=Strict; the
// dashboard page and its API calls carry it, and the admin API accepts it as
// it accepts X-Rotor-Admin-Token. Tokens and sessions are compared in constant
// time and never logged (the request log writes paths without their query).
// Loopback clients need none of this.
//
// Thread safety: every member may be called concurrently.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/http/http_types.h"

namespace rotor::server::admin {

class DashboardLogin {
 public:
  static constexpr std::string_view kCookieName = "rotor_dashboard";

  // Draws the one-time token. Throws std::runtime_error when the CSPRNG fails.
  DashboardLogin();

  // The one-time token (64 lowercase hex characters), for the start line only.
  const std::string& token() const { return token_; }

  // Redeems the one-time token: for the right token (constant-time compare)
  // the first time, draws the session and returns the Set-Cookie value for
  // it; nullopt for a wrong token or once redeemed. A wrong token does not
  // use it up (guessing 256 bits is hopeless).
  std::optional<std::string> Redeem(std::string_view token);

  // True when `req`'s Cookie header (RFC 6265 section 5.4: "a=b; c=d") holds
  // this session's cookie. False before the token is redeemed.
  bool HasSession(const http::HttpRequest& req) const;

 private:
  std::string token_;
  mutable std::mutex mu_;
  bool redeemed_ = false;
  std::string session_;  // empty until redeemed
};

// True for a --host value only this machine can reach: localhost, 127.0.0.0/8,
// ::1 (and IPv4-mapped loopback). Any other name or address: false.
bool IsLoopbackHost(std::string_view host);

}  // namespace rotor::server::admin
