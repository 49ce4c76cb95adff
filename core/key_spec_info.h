// What each KeySpec can do: the key usages AWS allows for it and the
// algorithms DescribeKey reports for each usage. Data from AWS's "Key spec
// reference"; one table, read by CreateKey and DescribeKey.
#pragma once

#include <vector>

#include "core/key_metadata.h"

namespace rotor::core {

// The algorithms a key offers, in the order DescribeKey lists them.
struct KeyAlgorithms {
  std::vector<EncryptionAlgorithm> encryption;
  std::vector<SigningAlgorithm> signing;
  std::vector<MacAlgorithm> mac;
  std::vector<KeyAgreementAlgorithm> key_agreement;
};

bool IsUsageAllowed(KeySpec spec, KeyUsage usage);
KeyAlgorithms AlgorithmsFor(KeySpec spec, KeyUsage usage);
bool IsHmacSpec(KeySpec spec);
bool IsAsymmetricSpec(KeySpec spec);
// RSA_2048, RSA_3072 or RSA_4096.
bool IsRsaSpec(KeySpec spec);

}  // namespace rotor::core
