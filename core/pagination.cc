#include "core/pagination.h"

#include "core/bytes.h"
#include "core/kms_error.h"

namespace rotor::core {

std::string EncodeMarker(std::string_view list, std::string_view position) {
  std::string raw = std::string("rotor1|") + std::string(list) + "|" + std::string(position);
  return Base64Encode(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

std::string DecodeMarker(std::string_view list, const std::string& marker) {
  std::optional<Bytes> raw = Base64Decode(marker);
  std::string prefix = std::string("rotor1|") + std::string(list) + "|";
  if (raw && raw->size() >= prefix.size() &&
      std::equal(prefix.begin(), prefix.end(), raw->begin())) {
    return std::string(raw->begin() + static_cast<long>(prefix.size()), raw->end());
  }
  ThrowInvalidMarker();
}

void ThrowInvalidMarker() {
  throw KmsError(ErrorCode::kInvalidMarker,
                 "The request was rejected because the marker that specifies where pagination "
                 "should next begin is not valid.");
}

std::string StartPosition(std::string_view list, const std::optional<std::string>& marker) {
  return marker ? DecodeMarker(list, *marker) : std::string();
}

size_t PageSize(const std::optional<int>& limit, int default_limit) {
  int n = limit.value_or(default_limit);
  if (n < 1) n = 1;
  if (n > kMaxPageLimit) n = kMaxPageLimit;
  return static_cast<size_t>(n);
}

}  // namespace rotor::core
