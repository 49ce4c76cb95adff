// The dashboard's files (server/admin/ui/), embedded in the binary at build
// time by cmake/embed_assets.cmake: no CDN, no files to install.
#pragma once

#include <string_view>

namespace rotor::server::admin {

struct UiAsset {
  std::string_view name;          // "index.html"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view bytes;
};

// Nullptr when no embedded file has that name.
const UiAsset* FindUiAsset(std::string_view name);

}  // namespace rotor::server::admin
