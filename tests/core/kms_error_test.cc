#include "core/kms_error.h"

#include <catch2/catch.hpp>
#include <set>

using namespace rotor::core;

TEST_CASE("Every error code has a distinct AWS name and a 4xx or 5xx status") {
  size_t n = 0;
  const ErrorCode* codes = AllErrorCodes(&n);
  REQUIRE(n > 30);
  std::set<std::string_view> names;
  for (size_t i = 0; i < n; ++i) {
    std::string_view name = ErrorName(codes[i]);
    CHECK(name.ends_with("Exception"));
    // A store fault is a KMSInternalException whose message names the cause.
    if (codes[i] == ErrorCode::kStoreUnavailable) continue;
    CHECK(names.insert(name).second);
    int status = HttpStatus(codes[i]);
    CHECK(status >= 400);
    CHECK(status < 600);
  }
  CHECK(HttpStatus(ErrorCode::kKmsInternal) == 500);
  CHECK(HttpStatus(ErrorCode::kNotFound) == 400);
  CHECK(ErrorName(ErrorCode::kStoreUnavailable) == "KMSInternalException");
  CHECK(HttpStatus(ErrorCode::kStoreUnavailable) == 500);
}

TEST_CASE("A store fault is a KMSInternalException that names its cause") {
  KmsError full = KmsError::StoreUnavailable(StoreFault::kNoSpace);
  CHECK(full.name() == "KMSInternalException");
  CHECK(full.message() ==
        "No space left in Rotor's data dir: the write was not made. Reads keep working, and "
        "writes succeed again once space is freed.");
  for (StoreFault f : {StoreFault::kNoSpace, StoreFault::kFileSizeLimit, StoreFault::kReadOnly,
                       StoreFault::kCorrupt, StoreFault::kDataDirLost}) {
    CHECK(KmsError::StoreUnavailable(f).code() == ErrorCode::kStoreUnavailable);
    CHECK(KmsError::StoreUnavailable(f).message().find("Rotor") != std::string::npos);
  }
}

TEST_CASE("Factories produce AWS's exact messages") {
  const std::string arn =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  CHECK(KmsError::Disabled(arn).message() == arn + " is disabled.");
  CHECK(KmsError::InvalidState(arn, "pending deletion").message() == arn + " is pending deletion.");
  CHECK(KmsError::KeyDoesNotExist(arn).message() == "Key '" + arn + "' does not exist");
  CHECK(KmsError::InvalidKeyId("fake-key-id").message() == "Invalid keyId 'fake-key-id'");
  CHECK(KmsError::InvalidKeyUsage(arn, "SIGN_VERIFY", "Encrypt").message() ==
        arn + " key usage is SIGN_VERIFY which is not valid for Encrypt.");
  CHECK(KmsError::DryRun().message() ==
        "The request would have succeeded, but the DryRun option is set.");
  CHECK(KmsError::InvalidCiphertext().message().empty());
  CHECK(KmsError::ValidationFailed("0", "numberOfBytes",
                                   "Member must have value greater than or equal to 1")
            .message() ==
        "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1");
}
