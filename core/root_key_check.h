// The root key and the store it seals: a store records the check value of its
// root key (KeySealer::CheckValue) when it is created, and every start compares
// the root key it was given with it. A missing or different root key is then
// refused at start instead of being noticed by users, as ciphertexts that no
// longer decrypt and rotations that mix two roots.
//
// A root key is created only together with a new store: one that holds no key
// and records no check value (StoreExpectsRootKey is false).
//
// Thread safety: call at start-up, before the store serves requests.
#pragma once

#include "core/key_repository.h"
#include "core/key_sealer.h"

namespace rotor::core {

// True when `repo` holds keys or records a check value: its root key must be
// given and must not be made anew.
bool StoreExpectsRootKey(KeyRepository& repo);

enum class RootKeyVerdict {
  kMatches,   // the recorded check value is the root key's
  kRecorded,  // the store recorded none: the root key's is recorded now (see below)
  kDiffers,   // another root key sealed this store's material
};

// Compares the root key of `sealer` with the check value `repo` records. A
// store that records none (a new one, or one written before check values
// existed) gets the root key's recorded, but only after one of its sealed key
// materials (if it has any) unseals under it: a store of another root key is
// kDiffers either way. Throws what the repository throws.
RootKeyVerdict CheckRootKey(KeyRepository& repo, const KeySealer& sealer);

// The same comparison for a store opened read-only (rotor export): nothing is
// recorded; kRecorded means "no check value recorded and no material that
// disproves the key".
RootKeyVerdict CompareRootKey(KeyRepository& repo, const KeySealer& sealer);

}  // namespace rotor::core
