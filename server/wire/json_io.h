// Response encoding shared by the operation handlers: AWS's timestamp format
// (epoch seconds with milliseconds), base64 blobs, and the KeyMetadata and
// key-material entries that several operations return.
#pragma once

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/key_metadata.h"
#include "core/kms_requests.h"

namespace rotor::server::wire {

using nlohmann::json;

json EpochSeconds(core::Timestamp t);
json Base64(const core::Bytes& b);
json Base64(const core::SecretBytes& b);
json KeyMetadataJson(const core::Key& key);
json RotationEntryJson(const core::RotationEntry& entry, const core::Key* key_for_import_fields);
// Adds "NextMarker"/"Truncated" as the List* operations do.
void AddPaging(json& out, const std::optional<std::string>& next_marker);

}  // namespace rotor::server::wire
