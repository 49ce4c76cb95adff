// Limits every connection lives under: what a hostile or broken client can
// cost Rotor before it is answered with a 4xx or disconnected.
#pragma once

#include <chrono>
#include <cstddef>

namespace rotor::server::http {

struct SessionLimits {
  size_t header_bytes = 16 * 1024;
  size_t body_bytes = 1024 * 1024;         // 1 MiB: far above any KMS request
  std::chrono::seconds read_timeout{30};   // whole request, so slowloris is cut off
  std::chrono::seconds idle_timeout{120};  // keep-alive between requests
  std::chrono::seconds write_timeout{30};
};

}  // namespace rotor::server::http
