#include "server/admin/dashboard_login.h"

#include <boost/asio/ip/address.hpp>

#include "core/bytes.h"
#include "core/random.h"

namespace rotor::server::admin {
namespace {

std::string RandomHex() {
  core::OpenSslRandom random;
  core::SecretBytes b = random.Secret(32);
  return core::HexEncode(b.data(), b.size());
}

bool SameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         core::ConstantTimeEquals(reinterpret_cast<const uint8_t*>(a.data()),
                                  reinterpret_cast<const uint8_t*>(b.data()), a.size());
}

}  // namespace

DashboardLogin::DashboardLogin() : token_(RandomHex()) {}

std::optional<std::string> DashboardLogin::Redeem(std::string_view token) {
  std::lock_guard lock(mu_);
  if (redeemed_ || !SameText(token, token_)) return std::nullopt;
  redeemed_ = true;
  session_ = RandomHex();
  std::string cookie(kCookieName);
  cookie.append("=").append(session_).append("; Path=/_rotor; HttpOnly; SameSite=Strict");
  return cookie;
}

bool DashboardLogin::HasSession(const http::HttpRequest& req) const {
  std::string session;
  {
    std::lock_guard lock(mu_);
    if (session_.empty()) return false;
    session = session_;
  }
  bool found = false;
  auto [first, last] = req.equal_range(http::field::cookie);
  for (auto it = first; it != last; ++it) {
    std::string_view rest(it->value().data(), it->value().size());
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = rest.substr(0, semi);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == kCookieName &&
          SameText(pair.substr(eq + 1), session))
        found = true;  // no early return: the time does not depend on where it is
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return found;
}

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost") return true;
  boost::system::error_code ec;
  boost::asio::ip::address a = boost::asio::ip::make_address(std::string(host), ec);
  if (ec) return false;
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6()).is_loopback();
  return a.is_loopback();
}

}  // namespace rotor::server::admin
