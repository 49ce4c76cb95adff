// The rules AWS applies to tags on a KMS key, checked once for CreateKey and
// TagResource alike.
#pragma once

#include <string>
#include <vector>

#include "core/key_metadata.h"

namespace rotor::core {

constexpr size_t kMaxTagsPerKey = 50;

// Merges `incoming` into `tags` (new values replace old ones) after checking
// duplicates, the reserved "aws:" prefix and the 50-tag limit; throws
// TagException with AWS's text otherwise.
void MergeTags(std::vector<Tag>& tags, const std::vector<Tag>& incoming);

// Throws TagException for reserved ("aws:") keys.
void RequireUserTagKey(const std::string& key);

}  // namespace rotor::core
