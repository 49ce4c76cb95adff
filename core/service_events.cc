#include "core/service_events.h"

namespace rotor::core {

std::string_view ToString(ServiceEventKind kind) {
  switch (kind) {
    case ServiceEventKind::kRotateKey:
      return "RotateKey";
    case ServiceEventKind::kDeleteKey:
      return "DeleteKey";
    case ServiceEventKind::kDeleteExpiredKeyMaterial:
      return "DeleteExpiredKeyMaterial";
  }
  return "";
}

}  // namespace rotor::core
