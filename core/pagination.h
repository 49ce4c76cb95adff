// Opaque pagination markers. A marker names the list it belongs to and the
// last position returned; one from another list, or forged, is refused with
// InvalidMarkerException instead of silently restarting the listing.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rotor::core {

constexpr int kMaxPageLimit = 1000;

std::string EncodeMarker(std::string_view list, std::string_view position);
// Throws KmsError(InvalidMarkerException) when `marker` is not one of ours for `list`.
std::string DecodeMarker(std::string_view list, const std::string& marker);
[[noreturn]] void ThrowInvalidMarker();
// Nullopt marker -> empty position (start of the list).
std::string StartPosition(std::string_view list, const std::optional<std::string>& marker);
// The page size: the caller's limit, or the operation's default.
size_t PageSize(const std::optional<int>& limit, int default_limit);

}  // namespace rotor::core
