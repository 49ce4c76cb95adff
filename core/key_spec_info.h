// What each KeySpec can do: the key usages AWS allows for it and the
// algorithms DescribeKey reports for each usage. Data from AWS's "Key spec
// reference"; one table, read by CreateKey and DescribeKey.
#pragma once

#include <string_view>
#include <vector>

#include "core/key_metadata.h"

namespace rotor::core {

struct KeyAlgorithms {
  std::vector<std::string_view> encryption;
  std::vector<std::string_view> signing;
  std::vector<std::string_view> mac;
  std::vector<std::string_view> key_agreement;
};

bool IsUsageAllowed(KeySpec spec, KeyUsage usage);
KeyAlgorithms AlgorithmsFor(KeySpec spec, KeyUsage usage);
bool IsHmacSpec(KeySpec spec);
bool IsAsymmetricSpec(KeySpec spec);

}  // namespace rotor::core
