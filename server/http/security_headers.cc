#include "server/http/security_headers.h"

namespace rotor::server::http {

void SetSecurityHeaders(HttpResponse& res) {
  res.set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
}

}  // namespace rotor::server::http
