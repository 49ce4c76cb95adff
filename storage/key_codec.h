// How a Key record is laid out in the keys table's `doc` column (JSON).
// Key material is not part of it: versions live in key_materials, sealed.
#pragma once

#include <string>

#include "core/key_metadata.h"

namespace rotor::storage {

std::string EncodeKeyDoc(const core::Key& key);
// Throws StorageError when the document is not a valid Key record.
core::Key DecodeKeyDoc(const core::Scope& scope, const std::string& key_id, const std::string& doc);

}  // namespace rotor::storage
