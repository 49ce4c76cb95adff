// Fuzz target: server::wire::ParseAuthorization (SigV4 Authorization header) and
// ScopeFor. Any outcome but a parse, nullopt or KmsError is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/kms_error.h"
#include "server/wire/sigv4.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view header(reinterpret_cast<const char*>(data), size);
  try {
    auto credential = rotor::server::wire::ParseAuthorization(header);
    if (!credential) {
      if (!header.empty()) std::abort();  // only an absent header may be nullopt
      return 0;
    }
    rotor::core::Scope scope =
        rotor::server::wire::ScopeFor(credential, "111122223333", "us-east-1");
    if (scope.region.empty() || scope.region.size() > 32) std::abort();
    if (scope.account.size() != 12) std::abort();
  } catch (const rotor::core::KmsError& e) {
    if (e.code() != rotor::core::ErrorCode::kIncompleteSignature) std::abort();
  }
  return 0;
}
