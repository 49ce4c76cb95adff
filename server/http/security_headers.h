// The headers that keep a browser from framing Rotor's pages or guessing the
// type of its answers, set on every response Rotor sends (the dashboard, the
// admin API, the KMS API and the session's own refusals), as OWASP's secure
// headers project recommends for an application that is never framed:
//   Content-Security-Policy: default-src 'self'; frame-ancestors 'none'
//   X-Frame-Options: DENY                (browsers without CSP level 2)
//   X-Content-Type-Options: nosniff
//   Referrer-Policy: no-referrer
#pragma once

#include "server/http/http_types.h"

namespace rotor::server::http {

void SetSecurityHeaders(HttpResponse& res);

}  // namespace rotor::server::http
