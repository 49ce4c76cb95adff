// ThrownError: the core::KmsError a callable throws, for tests that assert on
// its name, message or HTTP status; the test fails when nothing is thrown.
#pragma once

#include <catch2/catch.hpp>
#include <utility>

#include "core/kms_error.h"

namespace rotor::testing {

template <typename Fn>
core::KmsError ThrownError(Fn&& fn) {
  try {
    std::forward<Fn>(fn)();
  } catch (const core::KmsError& e) {
    return e;
  }
  FAIL("no KmsError thrown");
  return core::KmsError(core::ErrorCode::kKmsInternal, "");
}

}  // namespace rotor::testing
