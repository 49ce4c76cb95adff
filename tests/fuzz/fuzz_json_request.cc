// Fuzz target: the request body parser (server::wire::ParseRequestBody) and the
// model-driven validator (RequestValidator::Validate), as the router runs them.
// Input: byte 0 picks the operation (fuzz_ops.h), the rest is the body.
// Only KmsError may escape them; anything else (std::exception included) is a bug,
// because the router would turn it into a 500.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/kms_error.h"
#include "fuzz/fuzz_ops.h"
#include "server/wire/json_body.h"
#include "server/wire/request_validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rotor::server::wire::RequestValidator validator;
  if (size < 1) return 0;
  std::string_view op = rotor::fuzz::kOperations[data[0] % rotor::fuzz::kOperations.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    nlohmann::json doc = rotor::server::wire::ParseRequestBody(body);
    if (!doc.is_object()) std::abort();
    rotor::server::wire::DecodedBlobs blobs = validator.Validate(op, doc);
    (void)blobs;
  } catch (const rotor::core::KmsError& e) {
    if (e.code() == rotor::core::ErrorCode::kKmsInternal) std::abort();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "non-KmsError exception from %.*s: %s\n", static_cast<int>(op.size()),
                 op.data(), e.what());
    std::abort();
  }
  return 0;
}
