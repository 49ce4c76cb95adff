// Response encoding shared by the operation handlers: AWS's timestamp format
// (epoch seconds with milliseconds), base64 blobs, and the KeyMetadata and
// key-material entries that several operations return.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/grant.h"
#include "core/key_metadata.h"
#include "core/kms_requests.h"

namespace rotor::server::wire {

using nlohmann::json;

json EpochSeconds(core::Timestamp t);
json Base64(const core::Bytes& b);
json Base64(const core::SecretBytes& b);
// An enum value of core as AWS's name ("SYMMETRIC_DEFAULT").
template <typename E>
json Name(E value) {
  return std::string(core::ToString(value));
}
// A list of them, in order (EncryptionAlgorithms, SigningAlgorithms...).
template <typename E>
json Names(const std::vector<E>& values) {
  json out = json::array();
  for (E v : values) out.push_back(Name(v));
  return out;
}
// Writes the key's EncryptionAlgorithms, SigningAlgorithms, MacAlgorithms and
// KeyAgreementAlgorithms into `out` (each only when the key offers any), as
// KeyMetadata and GetPublicKey carry them.
void PutAlgorithms(json& out, const core::Key& key);
json KeyMetadataJson(const core::Key& key);
// Tags as ListResourceTags and ReplicateKey (ReplicaTags) return them:
// [{"TagKey": ..., "TagValue": ...}], in order; fields::Tags reads them.
json TagsJson(const std::vector<core::Tag>& tags);
json RotationEntryJson(const core::RotationEntry& entry, const core::Key* key_for_import_fields);
// AWS's GrantConstraints shape: EncryptionContextSubset and
// EncryptionContextEquals, each only when the grant has it (ListGrants'
// entries and the seed file's Grants write it).
json GrantConstraintsJson(const core::GrantConstraints& constraints);
// Adds "NextMarker"/"Truncated" as the List* operations do.
void AddPaging(json& out, const std::optional<std::string>& next_marker);

}  // namespace rotor::server::wire
