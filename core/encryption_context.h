// EncryptionContext: the key-value pairs bound to a ciphertext as AAD.
//
// The canonical form is unambiguous: pairs sorted by key (byte order), each
// key and value prefixed by its 32-bit big-endian length, after a 32-bit pair
// count. So member order in the request never matters, and {"a":"bc"} and
// {"ab":"c"} can never produce the same bytes.
#pragma once

#include <map>
#include <string>

#include "core/bytes.h"

namespace rotor::core {

using EncryptionContext = std::map<std::string, std::string>;

Bytes CanonicalEncryptionContext(const EncryptionContext& context);

}  // namespace rotor::core
