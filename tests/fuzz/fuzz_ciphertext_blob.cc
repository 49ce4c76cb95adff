// Fuzz target: core::DecodeCiphertextBlob on arbitrary bytes. The decoder
// promises never to throw or read out of bounds; when it accepts a blob, the
// view's pieces must tile the input exactly.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/ciphertext_blob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> blob(data, size);
  auto view = rotor::core::DecodeCiphertextBlob(blob);
  if (!view) return 0;
  // Invariants of an accepted blob.
  if (view->header.size() != rotor::core::kBlobHeaderSize) std::abort();
  if (view->header.data() != data) std::abort();
  if (view->iv.data() != data + 1 + 16 + 4) std::abort();
  if (view->ciphertext.data() != data + rotor::core::kBlobHeaderSize) std::abort();
  if (view->ciphertext.size() + rotor::core::kBlobOverhead != size) std::abort();
  if (view->tag.data() + rotor::core::kGcmTagSize != data + size) std::abort();
  if (view->key_id.size() != 36) std::abort();
  // The key id round-trips to the same 16 bytes.
  auto again = rotor::core::UuidToBytes(view->key_id);
  if (!again) std::abort();
  for (size_t i = 0; i < 16; ++i) {
    if ((*again)[i] != data[1 + i]) std::abort();
  }
  return 0;
}
