// The root key that seals key material at rest: 32 random bytes in a file of
// mode 0600, read from --root-key-file or created in the data dir on first
// start. Losing it makes every stored key unreadable, so it is never
// overwritten, and a file of the wrong size or permissions stops start-up.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/random.h"

namespace rotor::storage {

// Reads the key at `path`; when `create_if_missing`, writes a new one first.
// Throws StorageError with a message for people.
core::SecretBytes LoadOrCreateRootKey(const std::string& path, bool create_if_missing,
                                      core::RandomSource& random);

}  // namespace rotor::storage
