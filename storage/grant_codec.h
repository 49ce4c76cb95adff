// How a Grant is laid out in the grants table's `doc` column (JSON); the
// table's own columns hold the ids, the Name and the RetiringPrincipal.
#pragma once

#include <string>

#include "core/grant.h"

namespace rotor::storage {

std::string EncodeGrantDoc(const core::Grant& grant);
// Throws StorageError when the document is not a valid grant record.
core::Grant DecodeGrantDoc(const core::Scope& scope, const std::string& key_id,
                           const std::string& grant_id, const std::string& doc);

}  // namespace rotor::storage
