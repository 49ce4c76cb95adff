// Fuzz target: the JSON reader (server::wire::ReadJsonText: simdjson, then a copy
// into nlohmann::json), the request body parser built on it (ParseRequestBody) and
// the model-driven validator (RequestValidator::Validate), as the router runs them.
// Input: byte 0 picks the operation (fuzz_ops.h), the rest is the body.
// Aborts on: any exception but KmsError from the body parser or the validator
// (the router would turn it into a 500); a document the reader accepts that
// nlohmann's own parser reads differently or refuses; writer output
// (WriteJsonText) that differs from nlohmann's dump or does not read back equal.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/kms_error.h"
#include "fuzz/fuzz_ops.h"
#include "server/wire/json_body.h"
#include "server/wire/json_text.h"
#include "server/wire/request_validator.h"

namespace {

// What ReadJsonText accepts is JSON that nlohmann agrees on, and the writer
// writes it as nlohmann's dump does, so that it reads back equal. (The
// converse does not hold: nlohmann reads integers beyond 64 bits as doubles
// and has no depth limit; the reader refuses both.)
void CheckReader(std::string_view body) {
  rotor::server::wire::JsonParseError error;
  std::optional<nlohmann::json> doc =
      rotor::server::wire::ReadJsonText(body, rotor::server::wire::kMaxJsonDepth, &error);
  if (!doc) {
    if (error.message.empty()) std::abort();
    return;
  }
  nlohmann::json reference = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (reference.is_discarded() || reference != *doc) {
    std::fprintf(stderr, "simdjson and nlohmann disagree on: %.*s\n", static_cast<int>(body.size()),
                 body.data());
    std::abort();
  }
  std::string text = rotor::server::wire::WriteJsonText(*doc);
  if (text != doc->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) {
    std::fprintf(stderr, "the writer differs from nlohmann's dump: %s\n", text.c_str());
    std::abort();
  }
  std::optional<nlohmann::json> back =
      rotor::server::wire::ReadJsonText(text, rotor::server::wire::kMaxJsonDepth, &error);
  if (!back || *back != *doc) {
    std::fprintf(stderr, "does not read back after writing: %s\n", text.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const rotor::server::wire::RequestValidator validator;
  if (size < 1) return 0;
  std::string_view op = rotor::fuzz::kOperations[data[0] % rotor::fuzz::kOperations.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  CheckReader(body);
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
