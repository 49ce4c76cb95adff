// Fuzz target: the SigV4 Authorization header parser (server::wire::ParseAuthorization,
// ScopeFor) and strict mode's verifier (server::wire::SigV4Verifier) on the same
// input, as an Authorization header and as a presigned query string. Any
// outcome but a parse, nullopt or a KmsError of SigV4's codes is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/kms_error.h"
#include "server/wire/sigv4.h"
#include "server/wire/sigv4_verifier.h"

namespace {

bool IsSigV4Error(rotor::core::ErrorCode code) {
  using rotor::core::ErrorCode;
  return code == ErrorCode::kIncompleteSignature || code == ErrorCode::kUnrecognizedClient ||
         code == ErrorCode::kInvalidSignature || code == ErrorCode::kMissingAuthenticationToken;
}

void Verify(const rotor::server::http::HttpRequest& req) {
  static const rotor::server::wire::SigV4Verifier verifier(
      rotor::server::wire::BuiltInAccessKeys("111122223333"));
  try {
    auto caller = verifier.Verify(req, rotor::core::Timestamp(std::chrono::seconds(1764570600)));
    if (!caller.principal) std::abort();
  } catch (const rotor::core::KmsError& e) {
    if (!IsSigV4Error(e.code())) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header(reinterpret_cast<const char*>(data), size);
  try {
    auto credential = rotor::server::wire::ParseAuthorization(header);
    if (!credential) {
      if (!header.empty()) std::abort();  // only an absent header may be nullopt
    } else {
      rotor::core::Scope scope =
          rotor::server::wire::ScopeFor(credential, "111122223333", "us-east-1");
      if (scope.region.empty() || scope.region.size() > 32) std::abort();
      if (scope.account.size() != 12) std::abort();
    }
  } catch (const rotor::core::KmsError& e) {
    if (e.code() != rotor::core::ErrorCode::kIncompleteSignature) std::abort();
  }
  // Beast refuses field values with CR, LF or NUL; the wire never brings them.
  if (header.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) return 0;
  namespace http = rotor::server::http;
  http::HttpRequest req{http::verb::post, "/", 11};
  req.set(http::field::host, "127.0.0.1:4599");
  req.set("X-Amz-Date", "20251201T063000Z");
  req.set("X-Amz-Target", "TrentService.ListKeys");
  if (!header.empty()) req.set(http::field::authorization, header);
  req.body() = "{}";
  Verify(req);
  // The same bytes as a presigned query.
  if (header.find_first_of(" #") == std::string_view::npos) {
    http::HttpRequest query{http::verb::post, "/?" + std::string(header), 11};
    query.set(http::field::host, "127.0.0.1:4599");
    Verify(query);
  }
  return 0;
}
