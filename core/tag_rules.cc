#include "core/tag_rules.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/kms_error.h"

namespace rotor::core {

void RequireUserTagKey(const std::string& key) {
  std::string prefix = key.substr(0, 4);
  std::transform(prefix.begin(), prefix.end(), prefix.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (prefix == "aws:") throw KmsError(ErrorCode::kTag, "Tags beginning with aws: are reserved");
}

void MergeTags(std::vector<Tag>& tags, const std::vector<Tag>& incoming) {
  std::set<std::string> seen;
  for (const Tag& t : incoming) {
    if (!seen.insert(t.key).second) throw KmsError(ErrorCode::kTag, "Duplicate tag keys");
    RequireUserTagKey(t.key);
  }
  std::vector<Tag> merged = tags;
  for (const Tag& t : incoming) {
    auto it =
        std::find_if(merged.begin(), merged.end(), [&](const Tag& e) { return e.key == t.key; });
    if (it != merged.end()) {
      it->value = t.value;
    } else {
      merged.push_back(t);
    }
  }
  if (merged.size() > kMaxTagsPerKey) throw KmsError(ErrorCode::kTag, "Too many tags");
  tags = std::move(merged);
}

}  // namespace rotor::core
